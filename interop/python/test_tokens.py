"""Clerk's official Python Backend SDK checking the emulator's session tokens.

`authenticate_request` signs in a request bearing a session token, with its organization, and
signs it out once the revoked session's last token has expired or when another key signed it;
`verify_token` verifies tokens through the emulator's JWKS. The SDK's `authenticate_request`
always fetches a JWKS from api.clerk.com (it does not pass its caller's API URL on), so against
the emulator it runs networkless, with `jwt_key`: the PEM public key, as `CLERK_JWT_KEY` holds it.

The module starts its own emulator (CLERKCTL_BIN, set by `interop/run`) with a session token
lifetime of one second, so a revoked session's last token expires within the test.
"""

import base64
import json
import os
import subprocess
import tempfile
import time
import uuid

import httpx
import jwt as pyjwt
import pytest
from clerk_backend_api import Clerk, utils
from clerk_backend_api.security import authenticate_request, verify_token
from clerk_backend_api.security.types import (
    AuthenticateRequestOptions,
    AuthStatus,
    TokenVerificationError,
    TokenVerificationErrorReason,
    VerifyTokenOptions,
)
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

# The emulator accepts any `sk_test_...` key; this is a placeholder, not a secret.
SECRET_KEY = "sk_test_interop_python_tokens"
NO_RETRIES = utils.RetryConfig("none", utils.BackoffStrategy(0, 0, 1, 0), False)


def tag() -> str:
    return uuid.uuid4().hex[:12]


@pytest.fixture(scope="module")
def emulator():
    binary = os.environ.get("CLERKCTL_BIN")
    assert binary, "CLERKCTL_BIN names the clerkctl binary (interop/run sets it)"
    with tempfile.TemporaryDirectory() as d:
        seed = os.path.join(d, "roles.json")
        with open(seed, "w", encoding="utf-8") as f:
            json.dump(
                {
                    "roles": [
                        {
                            "key": "org:editor",
                            "name": "Editor",
                            "permissions": ["org:posts:read", "org:posts:manage"],
                        }
                    ]
                },
                f,
            )
        proc = subprocess.Popen(
            # A rate limit no test reaches, set here rather than left to the default.
            [binary, "emulator", "--port", "0", "--rate-limit", "100000/1",
             "--seed", seed, "--session-token-lifetime", "1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            url = proc.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:"), f"the emulator printed {url!r}"
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def clerk(emulator):
    with Clerk(bearer_auth=SECRET_KEY, server_url=f"{emulator}/v1", retry_config=NO_RETRIES) as c:
        yield c


@pytest.fixture(scope="module")
def pem(emulator):
    """The networkless key: the JWKS key as PEM, as the Dashboard shows it."""
    keys = httpx.get(f"{emulator}/v1/jwks", headers={"Authorization": f"Bearer {SECRET_KEY}"}).json()["keys"]
    public = pyjwt.algorithms.RSAAlgorithm.from_jwk(keys[0])
    text = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    instance = httpx.get(
        f"{emulator}/_emulator/instance", headers={"Authorization": f"Bearer {SECRET_KEY}"}
    ).json()
    assert text == instance["jwt_public_key"]
    return text


def bearer(token: str) -> httpx.Request:
    return httpx.Request("GET", "http://localhost:8000/api/me", headers={"Authorization": f"Bearer {token}"})


def new_session(clerk, **extra):
    user = clerk.users.create(email_address=[f"py-tok-{tag()}@interop.example.com"], first_name="Py")
    session = clerk.sessions.create(request={"user_id": user.id, **extra})
    return user, session


def long_token(clerk, session_id: str) -> str:
    return clerk.sessions.create_token(session_id=session_id, expires_in_seconds=3600).jwt


def test_verify_token_through_the_jwks(emulator, clerk):
    user, session = new_session(clerk)
    token = long_token(clerk, session.id)
    claims = verify_token(token, VerifyTokenOptions(secret_key=SECRET_KEY, api_url=emulator))
    assert (claims["sub"], claims["sid"], claims["v"], claims["iss"]) == (user.id, session.id, 2, emulator)


def test_authenticate_request_signs_in_with_the_organization(emulator, clerk, pem):
    t = tag()
    user, _ = new_session(clerk)
    org = clerk.organizations.create(request={"name": f"Py Tokens {t}"})
    clerk.organization_memberships.create(organization_id=org.id, user_id=user.id, role="org:editor")
    session = clerk.sessions.create(request={"user_id": user.id, "active_organization_id": org.id})
    token = long_token(clerk, session.id)
    state = authenticate_request(bearer(token), AuthenticateRequestOptions(jwt_key=pem))
    assert state.status == AuthStatus.SIGNED_IN, state.reason
    assert state.is_signed_in
    auth = state.to_auth()
    assert (auth.sub, auth.sid, auth.org_id, auth.org_slug) == (user.id, session.id, org.id, org.slug)
    assert auth.org_role == "editor"
    assert sorted(auth.org_permissions) == ["org:posts:manage", "org:posts:read"]
    # The `authorized_parties` check reads `azp`, which a token has when asked with an Origin.
    state = authenticate_request(
        bearer(token), AuthenticateRequestOptions(jwt_key=pem, authorized_parties=["http://localhost:3000"])
    )
    assert not state.is_signed_in
    with_origin = httpx.post(
        f"{emulator}/v1/sessions/{session.id}/tokens",
        headers={"Authorization": f"Bearer {SECRET_KEY}", "Origin": "http://localhost:3000"},
        json={"expires_in_seconds": 3600},
    ).json()["jwt"]
    state = authenticate_request(
        bearer(with_origin), AuthenticateRequestOptions(jwt_key=pem, authorized_parties=["http://localhost:3000"])
    )
    assert state.is_signed_in, state.reason


def test_a_revoked_session_is_signed_out_once_its_last_token_expires(clerk, pem):
    _, session = new_session(clerk)
    # This emulator's session tokens live one second.
    token = clerk.sessions.create_token(session_id=session.id).jwt
    claims = pyjwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 1
    options = AuthenticateRequestOptions(jwt_key=pem)
    assert authenticate_request(bearer(token), options).is_signed_in
    assert clerk.sessions.revoke(session_id=session.id).status == "revoked"
    # Past `exp` and the SDK's default 5 s clock skew, the token is refused.
    time.sleep(max(0.0, claims["exp"] + 5 - time.time()) + 0.5)
    state = authenticate_request(bearer(token), options)
    assert state.status == AuthStatus.SIGNED_OUT
    assert state.reason == TokenVerificationErrorReason.TOKEN_EXPIRED


def test_a_token_signed_by_another_key_is_refused(emulator, clerk, pem):
    _, session = new_session(clerk)
    token = long_token(clerk, session.id)
    header = pyjwt.get_unverified_header(token)
    claims = pyjwt.decode(token, options={"verify_signature": False})
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = pyjwt.encode(claims, other, algorithm="RS256", headers={"kid": header["kid"]})
    state = authenticate_request(bearer(forged), AuthenticateRequestOptions(jwt_key=pem))
    assert state.status == AuthStatus.SIGNED_OUT
    assert state.reason == TokenVerificationErrorReason.TOKEN_INVALID_SIGNATURE
    with pytest.raises(TokenVerificationError) as e:
        verify_token(forged, VerifyTokenOptions(secret_key=SECRET_KEY, api_url=emulator))
    assert e.value.reason == TokenVerificationErrorReason.TOKEN_INVALID_SIGNATURE
    # A flipped bit in the payload breaks the signature too.
    head, body, sig = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["sub"] = "user_someone_else"
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    state = authenticate_request(bearer(f"{head}.{body}.{sig}"), AuthenticateRequestOptions(jwt_key=pem))
    assert state.reason == TokenVerificationErrorReason.TOKEN_INVALID_SIGNATURE
