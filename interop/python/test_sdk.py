"""Clerk's official Python Backend SDK (`clerk-backend-api`) against clerkctl's emulator.

Every call goes through the SDK unchanged: it builds the request, and it decodes the answer into
its pydantic models, which refuse a missing required field or a wrong type. The tests then check
the decoded values, so a shape the SDK accepts but with the wrong content fails too.

Run by `interop/run`, which starts the emulator and sets CLERK_EMULATOR_URL. Every test makes its
own records with unique emails, usernames and slugs, so the suites can share one emulator.
"""

import json
import os
import time
import uuid

import pytest
from clerk_backend_api import Clerk, models, utils

BASE_URL = os.environ.get("CLERK_EMULATOR_URL", "http://127.0.0.1:8787")
# An emulator started with `--fault-rate 1 --faults 429`: every request is rate limited.
RATE_LIMITED_URL = os.environ.get("CLERK_EMULATOR_429_URL")
# The emulator accepts any `sk_test_...` key; this is a placeholder, not a secret.
SECRET_KEY = "sk_test_interop_python"

# The SDK marks some operations and parameters deprecated (`list_pending`, for one) and warns when
# they are used; the tests use them on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# The SDK retries 5xx answers with backoff for up to an hour by default. A 5xx from the emulator
# is a bug to see now, so these tests turn retries off; nothing else about the SDK is changed.
NO_RETRIES = utils.RetryConfig("none", utils.BackoffStrategy(0, 0, 1, 0), False)


def client(url: str = BASE_URL, key: str = SECRET_KEY) -> Clerk:
    return Clerk(bearer_auth=key, server_url=f"{url}/v1", retry_config=NO_RETRIES)


@pytest.fixture(scope="module")
def clerk():
    with client() as c:
        yield c


def tag() -> str:
    """A short unique tag, so names made by different tests and suites never collide."""
    return uuid.uuid4().hex[:12]


def tick():
    """Lets the clock move on, so records made one after another differ in `created_at`.

    Records created in the same millisecond tie on `created_at`, and the order of ties is not
    something Clerk documents; the tests that check an order do not depend on it.
    """
    time.sleep(0.003)


def make_user(clerk, t: str, name: str, **extra) -> models.User:
    tick()
    fields = {
        "email_address": [f"{name}-{t}@interop.example.com"],
        "username": f"{name}_{t}",
        "first_name": name.capitalize(),
        "last_name": "Interop",
        **extra,
    }
    return clerk.users.create(**fields)


def clerk_error(excinfo) -> models.ClerkErrors:
    err = excinfo.value
    assert isinstance(err, models.ClerkErrors), f"expected ClerkErrors, got {type(err)}: {err}"
    assert err.data.errors, "a ClerkErrors body carries at least one error"
    for e in err.data.errors:
        assert e.message and e.long_message and e.code
    return err


# ---- users ---------------------------------------------------------------------------------------


def test_user_create_get_and_fields(clerk):
    t = tag()
    phone = "+1555" + str(int(t, 16) % 10**8).zfill(8)
    wallet = "0x" + t + "0" * 28
    u = make_user(
        clerk,
        t,
        "ada",
        phone_number=[phone],
        web3_wallet=[wallet],
        external_id=f"ext-{t}",
        public_metadata={"plan": "pro", "nested": {"a": 1}},
        private_metadata={"secret": True},
        unsafe_metadata={"theme": "dark"},
    )
    assert u.id.startswith("user_") and len(u.id) == len("user_") + 27
    assert u.object == models.UserObject.USER
    assert u.username == f"ada_{t}"
    assert (u.first_name, u.last_name) == ("Ada", "Interop")
    assert u.external_id == f"ext-{t}"
    assert len(u.phone_numbers) == 1 and u.phone_numbers[0].phone_number == phone
    assert u.primary_phone_number_id == u.phone_numbers[0].id
    assert len(u.web3_wallets) == 1 and u.web3_wallets[0].web3_wallet == wallet
    assert u.primary_web3_wallet_id == u.web3_wallets[0].id
    assert len(u.email_addresses) == 1
    email = u.email_addresses[0]
    assert email.email_address == f"ada-{t}@interop.example.com"
    assert email.id.startswith("idn_")
    assert u.primary_email_address_id == email.id
    assert email.verification is not None and email.verification.status.value == "verified"
    assert u.public_metadata == {"plan": "pro", "nested": {"a": 1}}
    assert u.private_metadata == {"secret": True}
    assert u.unsafe_metadata == {"theme": "dark"}
    assert u.banned is False and u.locked is False
    assert u.created_at > 1_600_000_000_000, "timestamps are Unix milliseconds"
    assert u.created_at == u.updated_at

    got = clerk.users.get(user_id=u.id)
    assert got.id == u.id
    assert got.email_addresses[0].email_address == email.email_address
    assert got.public_metadata == u.public_metadata


def test_user_with_reserved_email(clerk):
    t = tag()
    u = make_user(
        clerk,
        t,
        "res",
        email_address=[f"res-{t}@interop.example.com", f"res2-{t}@interop.example.com"],
        email_address_identification_status=["verified", "reserved"],
    )
    first, second = u.email_addresses
    assert (first.email_address, first.reserved) == (f"res-{t}@interop.example.com", False)
    assert first.verification is not None
    assert (second.email_address, second.reserved) == (f"res2-{t}@interop.example.com", True)
    assert second.verification is None
    assert u.primary_email_address_id == first.id


def test_user_list_filters_order_and_count(clerk):
    t = tag()
    a = make_user(clerk, t, "ann")
    b = make_user(clerk, t, "bob")
    c = make_user(clerk, t, "cy")

    # Default order is newest first; the query matches the shared tag in emails and usernames.
    listed = clerk.users.list(request={"query": t})
    assert [u.id for u in listed] == [c.id, b.id, a.id]

    asc = clerk.users.list(request={"query": t, "order_by": "+created_at"})
    assert [u.id for u in asc] == [a.id, b.id, c.id]

    by_email = clerk.users.list(
        request={
            "email_address": [f"ann-{t}@interop.example.com", f"cy-{t}@interop.example.com"],
            "order_by": "+created_at",
        }
    )
    assert [u.id for u in by_email] == [a.id, c.id]

    by_id = clerk.users.list(request={"user_id": [a.id, b.id], "banned": False, "limit": 1})
    assert [u.id for u in by_id] == [b.id]
    page2 = clerk.users.list(request={"user_id": [a.id, b.id], "limit": 1, "offset": 1})
    assert [u.id for u in page2] == [a.id]

    by_username = clerk.users.list(request={"username": [f"bob_{t}"]})
    assert [u.id for u in by_username] == [b.id]

    count = clerk.users.count(request={"query": t})
    assert count.object == models.TotalCountObject.TOTAL_COUNT
    assert count.total_count == 3
    count = clerk.users.count(request={"user_id": [a.id, c.id]})
    assert count.total_count == 2


def test_user_update(clerk):
    t = tag()
    u = make_user(clerk, t, "eve")
    # The SDK always sends `notify_primary_email_address_changed: false` with an update.
    updated = clerk.users.update(user_id=u.id, first_name="Evelyn", last_name=None, locale="fr-FR")
    assert updated.first_name == "Evelyn"
    assert updated.last_name is None
    assert updated.locale == "fr-FR"
    assert updated.username == f"eve_{t}"
    assert updated.updated_at >= u.updated_at
    assert clerk.users.get(user_id=u.id).first_name == "Evelyn"


def test_user_metadata_merge_and_replace(clerk):
    t = tag()
    u = make_user(
        clerk,
        t,
        "meta",
        public_metadata={"keep": 1, "nested": {"a": 1, "b": 2}, "gone": "x"},
        private_metadata={"p": 1},
    )
    merged = clerk.users.update_metadata(
        user_id=u.id,
        public_metadata={"nested": {"b": None, "c": 3}, "gone": None, "new": [1, 2]},
        unsafe_metadata={"u": True},
    )
    assert merged.public_metadata == {"keep": 1, "nested": {"a": 1, "c": 3}, "new": [1, 2]}
    assert merged.private_metadata == {"p": 1}, "fields not sent are left alone"
    assert merged.unsafe_metadata == {"u": True}

    replaced = clerk.users.replace_metadata(user_id=u.id, public_metadata={"only": "this"})
    assert replaced.public_metadata == {"only": "this"}
    assert replaced.private_metadata == {"p": 1}
    assert clerk.users.get(user_id=u.id).public_metadata == {"only": "this"}


def test_user_ban_unban_lock_unlock(clerk):
    t = tag()
    u = make_user(clerk, t, "ban")
    assert clerk.users.ban(user_id=u.id).banned is True
    assert [x.id for x in clerk.users.list(request={"user_id": [u.id], "banned": True})] == [u.id]
    assert clerk.users.list(request={"user_id": [u.id], "banned": False}) == []
    assert clerk.users.unban(user_id=u.id).banned is False

    locked = clerk.users.lock(user_id=u.id)
    assert locked.locked is True
    unlocked = clerk.users.unlock(user_id=u.id)
    assert unlocked.locked is False


def test_users_bulk_ban_and_unban(clerk):
    t = tag()
    a = make_user(clerk, t, "bulka")
    b = make_user(clerk, t, "bulkb")
    banned = clerk.users.bulk_ban(user_ids=[a.id, b.id])
    assert sorted(u.id for u in banned) == sorted([a.id, b.id])
    assert all(u.banned for u in banned)
    assert clerk.users.get(user_id=a.id).banned is True
    unbanned = clerk.users.bulk_unban(user_ids=[a.id, b.id])
    assert sorted(u.id for u in unbanned) == sorted([a.id, b.id])
    assert not any(u.banned for u in unbanned)


def test_user_delete(clerk):
    t = tag()
    u = make_user(clerk, t, "del")
    deleted = clerk.users.delete(user_id=u.id)
    assert deleted.id == u.id
    assert deleted.object == "user"
    assert deleted.deleted is True
    with pytest.raises(models.ClerkErrors) as excinfo:
        clerk.users.get(user_id=u.id)
    err = clerk_error(excinfo)
    assert err.status_code == 404
    assert err.data.errors[0].code == "resource_not_found"


def test_errors_decode_as_clerk_errors(clerk):
    t = tag()
    u = make_user(clerk, t, "dup")

    # 422: an email address another user already has.
    with pytest.raises(models.ClerkErrors) as excinfo:
        clerk.users.create(email_address=[f"dup-{t}@interop.example.com"])
    err = clerk_error(excinfo)
    assert err.status_code == 422
    assert err.data.errors[0].code == "form_identifier_exists"
    assert err.data.errors[0].meta["param_name"] == "email_address"

    # 404: an organization that does not exist.
    with pytest.raises(models.ClerkErrors) as excinfo:
        clerk.organizations.get(organization_id=f"org_missing{t}")
    err = clerk_error(excinfo)
    assert err.status_code == 404
    assert err.data.errors[0].code == "resource_not_found"

    # 401: a key the emulator refuses.
    with client(key="not-a-secret-key") as bad:
        with pytest.raises(models.ClerkErrors) as excinfo:
            bad.users.get(user_id=u.id)
    err = clerk_error(excinfo)
    assert err.status_code == 401
    assert err.data.errors[0].code == "clerk_key_invalid"


@pytest.mark.skipif(RATE_LIMITED_URL is None, reason="CLERK_EMULATOR_429_URL is not set")
def test_rate_limited_answers_surface_as_errors():
    # No operation in scope lists 429 among its error answers, so the SDK raises its generic
    # SDKError, keeping the response; it does not retry a 429.
    with client(url=RATE_LIMITED_URL) as limited:
        with pytest.raises(models.SDKError) as excinfo:
            limited.users.get(user_id="user_any")
    err = excinfo.value
    assert err.status_code == 429
    assert err.raw_response.headers["retry-after"] == "7"
    assert json.loads(err.body)["errors"][0]["code"] == "too_many_requests"


# ---- organizations -------------------------------------------------------------------------------


def make_org(clerk, t: str, name: str, creator: models.User | None = None, **extra):
    tick()
    return clerk.organizations.create(
        request={
            "name": f"{name} {t}",
            "slug": f"{name.lower()}-{t}",
            **({"created_by": creator.id} if creator else {}),
            **extra,
        }
    )


def test_organization_create_get_list(clerk):
    t = tag()
    owner = make_user(clerk, t, "owner")
    org = make_org(
        clerk,
        t,
        "Acme",
        owner,
        public_metadata={"tier": "gold"},
        private_metadata={"crm": "42"},
        max_allowed_memberships=5,
    )
    assert org.id.startswith("org_") and len(org.id) == len("org_") + 27
    assert org.object == models.OrganizationObject.ORGANIZATION
    assert org.name == f"Acme {t}"
    assert org.slug == f"acme-{t}"
    assert org.public_metadata == {"tier": "gold"}
    assert org.private_metadata == {"crm": "42"}
    assert org.max_allowed_memberships == 5
    assert org.created_by == owner.id

    by_id = clerk.organizations.get(organization_id=org.id, include_members_count=True)
    assert by_id.id == org.id
    assert by_id.members_count == 1, "the creator becomes the first member"
    by_slug = clerk.organizations.get(organization_id=org.slug)
    assert by_slug.id == org.id

    second = make_org(clerk, t, "Beta")
    listed = clerk.organizations.list(query=t, include_members_count=True)
    assert listed.total_count == 2
    assert [o.id for o in listed.data] == [second.id, org.id]
    assert [o.members_count for o in listed.data] == [0, 1]

    asc = clerk.organizations.list(query=t, order_by="+created_at", limit=1)
    assert asc.total_count == 2
    assert [o.id for o in asc.data] == [org.id]

    by_ids = clerk.organizations.list(organization_id=[second.id])
    assert [o.id for o in by_ids.data] == [second.id]
    assert by_ids.total_count == 1


def test_organization_update_and_metadata(clerk):
    t = tag()
    org = make_org(clerk, t, "Gamma", public_metadata={"a": {"x": 1, "y": 2}, "b": 1})
    updated = clerk.organizations.update(
        organization_id=org.id,
        name=f"Gamma Prime {t}",
        slug=f"gamma-prime-{t}",
        max_allowed_memberships=10,
        admin_delete_enabled=False,
    )
    assert updated.name == f"Gamma Prime {t}"
    assert updated.slug == f"gamma-prime-{t}"
    assert updated.max_allowed_memberships == 10
    assert updated.admin_delete_enabled is False
    assert updated.public_metadata == {"a": {"x": 1, "y": 2}, "b": 1}

    merged = clerk.organizations.merge_metadata(
        organization_id=org.id,
        public_metadata={"a": {"y": None, "z": 3}, "b": None},
        private_metadata={"secret": "s"},
    )
    assert merged.public_metadata == {"a": {"x": 1, "z": 3}}
    assert merged.private_metadata == {"secret": "s"}

    replaced = clerk.organizations.replace_metadata(
        organization_id=org.id, public_metadata={"fresh": True}
    )
    assert replaced.public_metadata == {"fresh": True}
    assert replaced.private_metadata == {"secret": "s"}


def test_organization_delete(clerk):
    t = tag()
    org = make_org(clerk, t, "Doomed")
    deleted = clerk.organizations.delete(organization_id=org.id)
    assert deleted.id == org.id
    assert deleted.object == "organization"
    assert deleted.deleted is True
    with pytest.raises(models.ClerkErrors) as excinfo:
        clerk.organizations.get(organization_id=org.id)
    assert clerk_error(excinfo).data.errors[0].code == "resource_not_found"


# ---- memberships ---------------------------------------------------------------------------------


def test_memberships(clerk):
    t = tag()
    owner = make_user(clerk, t, "boss")
    member = make_user(clerk, t, "staff")
    org = make_org(clerk, t, "Delta", owner)

    m = clerk.organization_memberships.create(
        organization_id=org.id,
        user_id=member.id,
        role="org:member",
        public_metadata={"team": "red"},
    )
    assert m.id.startswith("orgmem_")
    assert m.object == models.OrganizationMembershipObject.ORGANIZATION_MEMBERSHIP
    assert m.role == "org:member"
    assert m.role_name == "Member"
    assert m.public_metadata == {"team": "red"}
    assert m.organization.id == org.id
    assert m.public_user_data.user_id == member.id
    assert m.public_user_data.identifier == f"staff-{t}@interop.example.com"
    assert m.public_user_data.first_name == "Staff"

    listed = clerk.organization_memberships.list(organization_id=org.id)
    assert listed.total_count == 2
    roles = {x.public_user_data.user_id: x.role for x in listed.data}
    assert roles == {owner.id: "org:admin", member.id: "org:member"}

    admins = clerk.organization_memberships.list(organization_id=org.id, role=["org:admin"])
    assert [x.public_user_data.user_id for x in admins.data] == [owner.id]
    by_user = clerk.organization_memberships.list(organization_id=org.id, user_id=[member.id])
    assert [x.id for x in by_user.data] == [m.id]

    promoted = clerk.organization_memberships.update(
        organization_id=org.id, user_id=member.id, role="org:admin"
    )
    assert promoted.role == "org:admin"
    assert promoted.role_name == "Admin"

    meta = clerk.organization_memberships.update_metadata(
        organization_id=org.id,
        user_id=member.id,
        public_metadata={"team": None, "desk": 4},
        private_metadata={"salary_band": "b"},
    )
    assert meta.public_metadata == {"desk": 4}
    assert meta.private_metadata == {"salary_band": "b"}

    # Users filtered by organization: a repeated `organization_id` key.
    in_org = clerk.users.list(request={"organization_id": [org.id], "order_by": "+created_at"})
    assert [u.id for u in in_org] == [owner.id, member.id]
    assert clerk.users.count(request={"organization_id": [org.id]}).total_count == 2

    mine = clerk.users.get_organization_memberships(user_id=member.id)
    assert mine.total_count == 1
    assert mine.data[0].organization.id == org.id

    everywhere = clerk.users.get_instance_organization_memberships(
        order_by="-created_at", limit=500
    )
    assert everywhere.total_count >= 2
    ids = {x.id for x in everywhere.data}
    assert m.id in ids

    removed = clerk.organization_memberships.delete(organization_id=org.id, user_id=member.id)
    assert removed.id == m.id
    assert removed.public_user_data.user_id == member.id
    assert clerk.organization_memberships.list(organization_id=org.id).total_count == 1
    assert clerk.users.get_organization_memberships(user_id=member.id).total_count == 0


# ---- organization invitations --------------------------------------------------------------------


def test_organization_invitations(clerk):
    t = tag()
    owner = make_user(clerk, t, "host")
    guest = make_user(clerk, t, "guest")
    org = make_org(clerk, t, "Epsilon", owner)

    inv = clerk.organization_invitations.create(
        organization_id=org.id,
        email_address=f"guest-{t}@interop.example.com",
        role="org:member",
        inviter_user_id=owner.id,
        public_metadata={"source": "py"},
        expires_in_days=7,
    )
    assert inv.id.startswith("orginv_")
    assert inv.object == models.OrganizationInvitationObject.ORGANIZATION_INVITATION
    assert inv.email_address == f"guest-{t}@interop.example.com"
    assert inv.role == "org:member"
    assert inv.status == "pending"
    assert inv.organization_id == org.id
    assert inv.inviter_id == owner.id
    assert inv.public_inviter_data is not None
    assert inv.public_inviter_data.user_id == owner.id
    assert inv.public_metadata == {"source": "py"}
    assert inv.url
    assert inv.expires_at - inv.created_at == 7 * 86_400_000

    got = clerk.organization_invitations.get(organization_id=org.id, invitation_id=inv.id)
    assert got.id == inv.id and got.status == "pending"

    bulk = clerk.organization_invitations.bulk_create(
        organization_id=org.id,
        request_body=[
            {"email_address": f"b1-{t}@interop.example.com", "role": "org:member"},
            {
                "email_address": f"b2-{t}@interop.example.com",
                "role": "org:admin",
                "inviter_user_id": owner.id,
            },
        ],
    )
    assert bulk.total_count == 2
    assert [i.email_address for i in bulk.data] == [
        f"b1-{t}@interop.example.com",
        f"b2-{t}@interop.example.com",
    ]
    assert [i.role for i in bulk.data] == ["org:member", "org:admin"]

    listed = clerk.organization_invitations.list(organization_id=org.id, status="pending")
    assert listed.total_count == 3
    assert {i.id for i in listed.data} == {inv.id} | {i.id for i in bulk.data}
    pending = clerk.organization_invitations.list_pending(organization_id=org.id)
    assert pending.total_count == 3

    # A second pending invitation for the same address is refused.
    with pytest.raises(models.ClerkErrors) as excinfo:
        clerk.organization_invitations.create(
            organization_id=org.id,
            email_address=f"guest-{t}@interop.example.com",
            role="org:member",
        )
    err = clerk_error(excinfo)
    assert err.status_code == 400
    assert err.data.errors[0].code == "organization_invitation_not_unique"

    # The invited user sees it among their own organization invitations.
    theirs = clerk.users.get_organization_invitations(user_id=guest.id, status="pending")
    assert [i.id for i in theirs.data] == [inv.id]
    assert theirs.data[0].public_organization_data.id == org.id

    instance = clerk.organization_invitations.get_all(status="pending", limit=500)
    ours = [i for i in instance.data if i.organization_id == org.id]
    assert len(ours) == 3
    assert all(i.public_organization_data.slug == org.slug for i in ours)

    revoked = clerk.organization_invitations.revoke(
        organization_id=org.id, invitation_id=inv.id, requesting_user_id=owner.id
    )
    assert revoked.id == inv.id
    assert revoked.status == "revoked"
    assert clerk.organization_invitations.list_pending(organization_id=org.id).total_count == 2
    revoked_list = clerk.organization_invitations.list(organization_id=org.id, status="revoked")
    assert [i.id for i in revoked_list.data] == [inv.id]

    # Clerk's error index makes OrganizationInvitationNotPending a 404.
    with pytest.raises(models.ClerkErrors) as excinfo:
        clerk.organization_invitations.revoke(organization_id=org.id, invitation_id=inv.id)
    err = clerk_error(excinfo)
    assert err.status_code == 404
    assert err.data.errors[0].code == "organization_invitation_not_pending"


# ---- application invitations ---------------------------------------------------------------------


def test_invitations(clerk):
    t = tag()
    inv = clerk.invitations.create(
        request={
            "email_address": f"invitee-{t}@interop.example.com",
            "public_metadata": {"via": "py"},
            "expires_in_days": 3,
            "notify": False,
        }
    )
    assert inv.id.startswith("inv_")
    assert inv.object == models.InvitationObject.INVITATION
    assert inv.email_address == f"invitee-{t}@interop.example.com"
    assert inv.public_metadata == {"via": "py"}
    assert inv.status == models.InvitationStatus.PENDING
    assert inv.revoked is False
    assert inv.url
    assert inv.expires_at - inv.created_at == 3 * 86_400_000

    tick()
    # Items of one bulk create share their `created_at`.
    bulk = clerk.invitations.bulk_create(
        request=[
            {"email_address": f"bulk1-{t}@interop.example.com"},
            {"email_address": f"bulk2-{t}@interop.example.com", "public_metadata": {"n": 2}},
        ]
    )
    assert [i.email_address for i in bulk] == [
        f"bulk1-{t}@interop.example.com",
        f"bulk2-{t}@interop.example.com",
    ]
    assert bulk[1].public_metadata == {"n": 2}

    listed = clerk.invitations.list(query=t, status=models.ListInvitationsQueryParamStatus.PENDING)
    bulk_ids = {bulk[0].id, bulk[1].id}
    assert len(listed) == 3
    assert {i.id for i in listed[:2]} == bulk_ids and listed[2].id == inv.id
    assert all(i.status == models.InvitationStatus.PENDING for i in listed)
    asc = clerk.invitations.list(query=t, order_by="+created_at", limit=2)
    assert len(asc) == 2
    assert asc[0].id == inv.id and asc[1].id in bulk_ids

    revoked = clerk.invitations.revoke(invitation_id=inv.id)
    assert revoked.id == inv.id
    # The SDK names the field `REVOKED` and refuses any value but `true`.
    assert revoked.REVOKED is True
    assert revoked.status == models.InvitationRevokedStatus.REVOKED
    assert {i.id for i in clerk.invitations.list(query=t)} == bulk_ids
    assert [i.id for i in clerk.invitations.list(query=t, status="revoked")] == [inv.id]

    with pytest.raises(models.ClerkErrors) as excinfo:
        clerk.invitations.revoke(invitation_id=inv.id)
    err = clerk_error(excinfo)
    assert err.status_code == 400
    assert err.data.errors[0].code == "invitation_already_revoked"
