//! Sessions, session tokens, JWT templates, the JWKS, sign-in tokens and testing tokens.
//!
//! Tokens are checked the way an SDK checks them: the signature against the key the JWKS
//! lists under the token's `kid`, then the claims.

use std::path::PathBuf;
use std::time::Duration;

use aws_lc_rs::{hmac, signature};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_emulator::model::Role;
use clerk_emulator::{Config, Settings};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Emu, id, ids};

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name)
}

/// An emulator signing with the fixture key (no key generation per test).
pub async fn emu() -> Emu {
    Emu::with(Config {
        signing_key: Some(fixture("signing-key.pem")),
        // No request limit: the tests make many requests to one instance.
        settings: Settings {
            rate_limit: None,
            ..Settings::default()
        },
        ..Config::default()
    })
    .await
}

/// A token's header and claims, after checking its RS256 signature against the JWKS.
pub fn verify(jwks: &Value, jwt: &str) -> (Value, Value) {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "{jwt}");
    let header = decode(parts[0]);
    let claims = decode(parts[1]);
    assert_eq!(header["alg"], "RS256");
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .unwrap_or_else(|| panic!("no key {} in {jwks}", header["kid"]));
    let b = |k: &str| URL_SAFE_NO_PAD.decode(key[k].as_str().unwrap()).unwrap();
    let public = signature::RsaPublicKeyComponents {
        n: b("n"),
        e: b("e"),
    };
    public
        .verify(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            format!("{}.{}", parts[0], parts[1]).as_bytes(),
            &URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
        )
        .expect("the signature verifies with the JWKS key");
    (header, claims)
}

pub fn decode(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

async fn session(emu: &Emu, user: &str, extra: Value) -> Value {
    let mut body = json!({"user_id": user});
    crate::support::merge(&mut body, extra);
    emu.post("/sessions", body).await.ok()
}

async fn token(emu: &Emu, session: &str) -> String {
    emu.post_empty(&format!("/sessions/{session}/tokens"))
        .await
        .ok()["jwt"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn jwks_lists_the_instance_key_under_a_stable_kid() {
    let emu = emu().await;
    let jwks = emu.get("/jwks").await.ok();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    let k = &keys[0];
    assert_eq!(
        (&k["kty"], &k["alg"], &k["use"], &k["e"]),
        (
            &json!("RSA"),
            &json!("RS256"),
            &json!("sig"),
            &json!("AQAB")
        )
    );
    let kid = k["kid"].as_str().unwrap();
    assert!(kid.starts_with("ins_") && kid.len() == 31, "{kid}");
    // The fixture key always has this kid, on every machine.
    let again = Emu::with(Config {
        signing_key: Some(fixture("signing-key.pem")),
        ..Config::default()
    })
    .await;
    assert_eq!(again.get("/jwks").await.ok(), jwks);
    // The Frontend API's path serves it too, without a key, for libraries that fetch
    // `{iss}/.well-known/jwks.json`.
    let public = emu
        .own(Method::GET, "/.well-known/jwks.json")
        .no_auth()
        .send()
        .await;
    assert_eq!((public.status, public.body), (200, jwks.clone()));
    // The Backend API's JWKS needs the secret key, as Clerk's does.
    emu.req(Method::GET, "/jwks")
        .no_auth()
        .send()
        .await
        .err(401, "authentication_invalid");
}

#[tokio::test]
async fn a_generated_key_is_kept_in_the_data_file_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("state.db");
    let config = Config {
        data: Some(data.clone()),
        ..Config::default()
    };
    let first = Emu::with(config.clone()).await;
    let jwks = first.get("/jwks").await.ok();
    // The file keeps a private key: only its owner may read it.
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&data).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let user = first.user_id("keep@example.com").await;
    let sess = id(&session(&first, &user, json!({})).await);
    let jwt = token(&first, &sess).await;
    first.emulator.shutdown().await;
    let second = Emu::with(config).await;
    let again = second.get("/jwks").await.ok();
    assert_eq!(again, jwks, "the same key after a restart");
    // A token minted before the restart still verifies, and its session is still there.
    verify(&again, &jwt);
    assert_eq!(
        second.get(&format!("/sessions/{sess}")).await.ok()["status"],
        "active"
    );
    // Another data file has another key.
    let other = Emu::with(Config {
        data: Some(dir.path().join("other.db")),
        ..Config::default()
    })
    .await;
    assert_ne!(
        other.get("/jwks").await.ok()["keys"][0]["kid"],
        jwks["keys"][0]["kid"]
    );
}

#[tokio::test]
async fn a_signing_key_file_must_be_a_2048_bit_rsa_key() {
    for (file, says) in [
        ("es256-key.pem", "RSA"),
        ("does-not-exist.pem", "signing key"),
    ] {
        let e = clerk_emulator::Emulator::start(Config {
            signing_key: Some(fixture(file)),
            ..Config::default()
        })
        .await
        .expect_err("refused");
        assert!(e.to_string().contains(says), "{file}: {e}");
    }
}

#[tokio::test]
async fn sessions_are_created_listed_and_revoked() {
    let emu = emu().await;
    let ada = emu.user_id("ada@example.com").await;
    let before = emu.get(&format!("/users/{ada}")).await.ok();
    assert!(before["last_sign_in_at"].is_null());
    let s1 = session(&emu, &ada, json!({})).await;
    assert_eq!(s1["object"], "session");
    assert_eq!(s1["status"], "active");
    assert_eq!(s1["user_id"], ada.as_str());
    assert!(s1["id"].as_str().unwrap().starts_with("sess_"));
    assert!(s1["client_id"].as_str().unwrap().starts_with("client_"));
    assert!(s1["last_active_organization_id"].is_null());
    let created = s1["created_at"].as_i64().unwrap();
    assert_eq!(
        s1["expire_at"].as_i64().unwrap(),
        created + 7 * 24 * 3600 * 1000
    );
    let after = emu.get(&format!("/users/{ada}")).await.ok();
    assert_eq!(after["last_sign_in_at"].as_i64(), Some(created));
    let s2 = session(&emu, &ada, json!({})).await;
    let grace = emu.user_id("grace@example.com").await;
    session(&emu, &grace, json!({})).await;

    assert_eq!(emu.get(&format!("/sessions/{}", id(&s1))).await.ok(), s1);
    // Newest first; a bare array, or {data, total_count} when paginated.
    let listed = emu.get(&format!("/sessions?user_id={ada}")).await.ok();
    assert_eq!(ids(&listed), [id(&s2), id(&s1)]);
    let page = emu
        .get(&format!(
            "/sessions?user_id={ada}&paginated=true&limit=1&offset=1"
        ))
        .await
        .ok();
    assert_eq!(
        (ids(&page), &page["total_count"]),
        (vec![id(&s1)], &json!(2))
    );
    let by_client = emu
        .get(&format!(
            "/sessions?client_id={}",
            s2["client_id"].as_str().unwrap()
        ))
        .await
        .ok();
    assert_eq!(ids(&by_client), [id(&s2)]);

    let revoked = emu
        .post_empty(&format!("/sessions/{}/revoke", id(&s1)))
        .await
        .ok();
    assert_eq!(revoked["status"], "revoked");
    assert!(revoked["updated_at"].as_i64() >= s1["updated_at"].as_i64());
    // Revoking again changes nothing.
    assert_eq!(
        emu.post_empty(&format!("/sessions/{}/revoke", id(&s1)))
            .await
            .ok(),
        revoked
    );
    let active = emu
        .get(&format!("/sessions?user_id={ada}&status=active"))
        .await
        .ok();
    assert_eq!(ids(&active), [id(&s2)]);
    let gone = emu
        .get(&format!("/sessions?user_id={ada}&status=revoked"))
        .await
        .ok();
    assert_eq!(ids(&gone), [id(&s1)]);
    // A revoked session mints no token.
    emu.post_empty(&format!("/sessions/{}/tokens", id(&s1)))
        .await
        .err(401, "authentication_invalid");
}

#[tokio::test]
async fn session_input_errors_are_clerks() {
    let emu = emu().await;
    let nobody = "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk";
    emu.post("/sessions", json!({"user_id": nobody}))
        .await
        .err(404, "resource_not_found");
    emu.post("/sessions", json!({}))
        .await
        .err(422, "form_param_missing");
    emu.get("/sessions").await.err(422, "form_param_missing");
    let ada = emu.user_id("ada@example.com").await;
    emu.get(&format!("/sessions?user_id={ada}&status=sleeping"))
        .await
        .err(400, "invalid_query_parameter_value");
    let org = emu.org_id("Acme").await;
    emu.post(
        "/sessions",
        json!({"user_id": ada, "active_organization_id": org}),
    )
    .await
    .err(403, "not_a_member_in_organization");
    emu.post(
        "/sessions",
        json!({"user_id": ada, "active_organization_id": "org_2xhFjEI5X2qWRvtV13BzSj8H6Dk"}),
    )
    .await
    .err(404, "resource_not_found");
    emu.post_empty(&format!("/users/{ada}/ban")).await.ok();
    emu.post("/sessions", json!({"user_id": ada}))
        .await
        .err(403, "user_banned");
    let missing = "sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk";
    for r in [
        emu.get(&format!("/sessions/{missing}")).await,
        emu.post_empty(&format!("/sessions/{missing}/revoke")).await,
        emu.post_empty(&format!("/sessions/{missing}/tokens")).await,
        emu.post_empty(&format!("/sessions/{missing}/tokens/any"))
            .await,
    ] {
        let e = r.err(404, "resource_not_found");
        assert_eq!(
            e["long_message"],
            format!("No session was found with id {missing}")
        );
    }
}

#[tokio::test]
async fn session_tokens_carry_clerks_version_2_claims() {
    let emu = emu().await;
    let jwks = emu.get("/jwks").await.ok();
    let ada = emu.user_id("ada@example.com").await;
    let s = session(&emu, &ada, json!({})).await;
    let sid = id(&s);
    let answer = emu
        .req(Method::POST, &format!("/sessions/{sid}/tokens"))
        .header("origin", "http://localhost:3000")
        .send()
        .await
        .ok();
    assert_eq!(answer["object"], "token");
    let (header, c) = verify(&jwks, answer["jwt"].as_str().unwrap());
    assert_eq!(header["typ"], "JWT");
    assert_eq!(header["kid"], jwks["keys"][0]["kid"]);
    assert_eq!(
        header["cat"], "cl_B7d4PD111AAA",
        "a session token's category"
    );
    let iat = c["iat"].as_i64().unwrap();
    assert_eq!(c["sub"], ada.as_str());
    assert_eq!(c["sid"], sid.as_str());
    assert_eq!(c["iss"], emu.base_url());
    assert_eq!(c["azp"], "http://localhost:3000");
    assert_eq!(c["v"], 2);
    assert_eq!(c["exp"].as_i64().unwrap(), iat + 60);
    assert_eq!(c["nbf"].as_i64().unwrap(), iat - 10);
    assert_eq!(c["fva"], json!([0, -1]));
    assert_eq!(c["jti"].as_str().unwrap().len(), 20);
    assert!(c.get("o").is_none(), "no active organization, no `o`");
    // Without an Origin there is no `azp`; a lifetime can be asked for.
    let longer = emu
        .post(
            &format!("/sessions/{sid}/tokens"),
            json!({"expires_in_seconds": 3600}),
        )
        .await
        .ok();
    let (_, c) = verify(&jwks, longer["jwt"].as_str().unwrap());
    assert!(c.get("azp").is_none());
    assert_eq!(
        c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(),
        3600
    );
    emu.post(
        &format!("/sessions/{sid}/tokens"),
        json!({"expires_in_seconds": 10}),
    )
    .await
    .err(422, "form_param_value_invalid");
}

#[tokio::test]
async fn a_configured_lifetime_applies_to_session_tokens() {
    let emu = Emu::with(Config {
        signing_key: Some(fixture("signing-key.pem")),
        session_token_lifetime: Duration::from_secs(2),
        ..Config::default()
    })
    .await;
    let ada = emu.user_id("ada@example.com").await;
    let sid = id(&session(&emu, &ada, json!({})).await);
    let (_, c) = verify(&emu.get("/jwks").await.ok(), &token(&emu, &sid).await);
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 2);
}

#[tokio::test]
async fn the_active_organization_is_in_the_o_claim() {
    let emu = emu().await;
    emu.emulator.engine().add_roles(vec![Role {
        key: "org:editor".into(),
        name: "Editor".into(),
        permissions: [
            "org:posts:read",
            "org:posts:manage",
            "org:sys_memberships:read",
            "org:billing:read",
        ]
        .map(str::to_owned)
        .to_vec(),
    }]);
    let jwks = emu.get("/jwks").await.ok();
    let ada = emu.user_id("ada@example.com").await;
    let org = emu.org("Acme", json!({})).await;
    let org_id = id(&org);
    let slug = org["slug"].clone();
    emu.member(&org_id, &ada, "org:editor").await;
    let other = emu.org_id("Other").await;
    let s = session(&emu, &ada, json!({"active_organization_id": org_id})).await;
    assert_eq!(s["last_active_organization_id"], org_id.as_str());
    let sid = id(&s);
    let (_, c) = verify(&jwks, &token(&emu, &sid).await);
    assert_eq!(
        c["o"],
        json!({"id": org_id, "slg": slug, "rol": "editor", "per": "read,manage", "fpm": "3,1"})
    );
    assert_eq!(c["fea"], "o:posts,o:billing");

    // The emulator's control route chooses the active organization (Clerk's Frontend API
    // does it for a browser), by ID or slug, and clears it with null.
    let path = format!("/_emulator/sessions/{sid}/active_organization");
    let cleared = emu
        .own(Method::POST, &path)
        .json(json!({"organization_id": null}))
        .send()
        .await
        .ok();
    assert!(cleared["last_active_organization_id"].is_null());
    let (_, c) = verify(&jwks, &token(&emu, &sid).await);
    assert!(c.get("o").is_none());
    let set = emu
        .own(Method::POST, &path)
        .json(json!({"organization_id": org_id}))
        .send()
        .await
        .ok();
    assert_eq!(set["last_active_organization_id"], org_id.as_str());
    emu.own(Method::POST, &path)
        .json(json!({"organization_id": other}))
        .send()
        .await
        .err(403, "not_a_member_in_organization");
    emu.own(Method::POST, &path)
        .json(json!({"organization_id": "no-such-org"}))
        .send()
        .await
        .err(404, "resource_not_found");
    emu.own(Method::POST, &path)
        .json(json!({}))
        .send()
        .await
        .err(422, "form_param_missing");
    emu.own(Method::POST, &path)
        .no_auth()
        .json(json!({"organization_id": null}))
        .send()
        .await
        .err(401, "authentication_invalid");
    // Leaving the organization clears it from the session.
    emu.delete(&format!("/organizations/{org_id}/memberships/{ada}"))
        .await
        .ok();
    let s = emu.get(&format!("/sessions/{sid}")).await.ok();
    assert!(s["last_active_organization_id"].is_null());
}

#[tokio::test]
async fn banning_or_deleting_a_user_revokes_their_sessions() {
    let emu = emu().await;
    let ada = emu.user_id("ada@example.com").await;
    let grace = emu.user_id("grace@example.com").await;
    let a1 = id(&session(&emu, &ada, json!({})).await);
    let a2 = id(&session(&emu, &ada, json!({})).await);
    let g1 = id(&session(&emu, &grace, json!({})).await);
    emu.post_empty(&format!("/users/{ada}/ban")).await.ok();
    for s in [&a1, &a2] {
        assert_eq!(
            emu.get(&format!("/sessions/{s}")).await.ok()["status"],
            "revoked"
        );
        emu.post_empty(&format!("/sessions/{s}/tokens"))
            .await
            .err(401, "authentication_invalid");
    }
    assert_eq!(
        emu.get(&format!("/sessions/{g1}")).await.ok()["status"],
        "active"
    );
    emu.delete(&format!("/users/{grace}")).await.ok();
    assert_eq!(
        emu.get(&format!("/sessions/{g1}")).await.ok()["status"],
        "revoked"
    );
    emu.post_empty(&format!("/sessions/{g1}/tokens"))
        .await
        .err(401, "authentication_invalid");
    // The bulk ban does it too.
    let lin = emu.user_id("lin@example.com").await;
    let l1 = id(&session(&emu, &lin, json!({})).await);
    emu.post("/users/ban", json!({"user_ids": [lin]}))
        .await
        .ok();
    assert_eq!(
        emu.get(&format!("/sessions/{l1}")).await.ok()["status"],
        "revoked"
    );
}

#[tokio::test]
async fn jwt_templates_are_created_read_updated_and_deleted() {
    let emu = emu().await;
    let t = emu
        .post(
            "/jwt_templates",
            json!({"name": "hasura", "claims": {"aud": "hasura", "uid": "{{user.id}}"}}),
        )
        .await
        .ok();
    assert_eq!(t["object"], "jwt_template");
    assert!(t["id"].as_str().unwrap().starts_with("jtmp_"));
    assert_eq!(
        (
            &t["lifetime"],
            &t["allowed_clock_skew"],
            &t["custom_signing_key"],
            &t["signing_algorithm"]
        ),
        (&json!(60), &json!(5), &json!(false), &json!("RS256"))
    );
    let tid = id(&t);
    assert_eq!(emu.get(&format!("/jwt_templates/{tid}")).await.ok(), t);
    let second = emu
        .post(
            "/jwt_templates",
            json!({"name": "supabase", "claims": {}, "lifetime": 300, "allowed_clock_skew": 0}),
        )
        .await
        .ok();
    assert_eq!(
        (&second["lifetime"], &second["allowed_clock_skew"]),
        (&json!(300), &json!(0))
    );
    assert_eq!(
        ids(&emu.get("/jwt_templates").await.ok()),
        [id(&second), tid.clone()]
    );
    let page = emu.get("/jwt_templates?paginated=true&limit=1").await.ok();
    assert_eq!(
        (ids(&page), &page["total_count"]),
        (vec![id(&second)], &json!(2))
    );

    let updated = emu
        .patch(
            &format!("/jwt_templates/{tid}"),
            json!({"name": "hasura-v2", "claims": {"aud": "h2"}, "lifetime": 120}),
        )
        .await
        .ok();
    assert_eq!(
        (
            &updated["name"],
            &updated["claims"],
            &updated["lifetime"],
            &updated["allowed_clock_skew"]
        ),
        (
            &json!("hasura-v2"),
            &json!({"aud": "h2"}),
            &json!(120),
            &json!(5)
        )
    );
    assert_eq!(updated["created_at"], t["created_at"]);
    // The old name is free again, the new one is taken.
    emu.post("/jwt_templates", json!({"name": "hasura", "claims": {}}))
        .await
        .ok();
    emu.post("/jwt_templates", json!({"name": "hasura-v2", "claims": {}}))
        .await
        .err(422, "form_identifier_exists");
    emu.patch(
        &format!("/jwt_templates/{}", id(&second)),
        json!({"name": "hasura-v2", "claims": {}}),
    )
    .await
    .err(422, "form_identifier_exists");

    let deleted = emu.delete(&format!("/jwt_templates/{tid}")).await.ok();
    assert_eq!(
        deleted,
        json!({"object": "jwt_template", "id": tid, "deleted": true})
    );
    for r in [
        emu.get(&format!("/jwt_templates/{tid}")).await,
        emu.delete(&format!("/jwt_templates/{tid}")).await,
        emu.patch(
            &format!("/jwt_templates/{tid}"),
            json!({"name": "x", "claims": {}}),
        )
        .await,
    ] {
        let e = r.err(404, "resource_not_found");
        assert_eq!(
            e["long_message"],
            format!("No JWT template exists with id: {tid}")
        );
    }
}

#[tokio::test]
async fn invalid_template_claims_and_settings_are_refused() {
    let emu = emu().await;
    for reserved in ["sub", "iss", "exp", "sid"] {
        let r = emu
            .post(
                "/jwt_templates",
                json!({"name": "t", "claims": {reserved: "x"}}),
            )
            .await;
        let e = r.err(400, "jwt_template_reserved_claim");
        assert_eq!(
            e["long_message"],
            format!("You can't use the reserved claim: '{reserved}'")
        );
    }
    for bad in ["{{user.id", "{{nope.id}}", "{{ }}", "{{user.id || \"x\"}}"] {
        let r = emu
            .post(
                "/jwt_templates",
                json!({"name": "t", "claims": {"a": {"b": [bad]}}}),
            )
            .await;
        let e = r.err(422, "form_param_value_invalid");
        assert_eq!(e["meta"]["param_name"], "claims");
        assert!(
            e["long_message"]
                .as_str()
                .unwrap()
                .contains("claims.a.b[0]"),
            "{e}"
        );
    }
    emu.post("/jwt_templates", json!({"name": "t", "claims": "{}"}))
        .await
        .err(422, "form_param_value_invalid");
    emu.post("/jwt_templates", json!({"claims": {}}))
        .await
        .err(422, "form_param_missing");
    emu.post("/jwt_templates", json!({"name": " ", "claims": {}}))
        .await
        .err(422, "form_param_value_invalid");
    emu.post(
        "/jwt_templates",
        json!({"name": "t", "claims": {}, "lifetime": 29}),
    )
    .await
    .err(422, "form_param_value_invalid");
    emu.post(
        "/jwt_templates",
        json!({"name": "t", "claims": {}, "allowed_clock_skew": 301}),
    )
    .await
    .err(422, "form_param_value_invalid");
    let r = emu
        .post(
            "/jwt_templates",
            json!({"name": "t", "claims": {}, "custom_signing_key": true}),
        )
        .await;
    r.err(422, "form_conditional_param_missing");
    // Clerk's FormMissingConditionalParameter carries no meta: the long message names the field.
    let longs: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["long_message"].as_str().unwrap())
        .collect();
    assert_eq!(
        longs,
        [
            "`signing_algorithm` is required when `custom_signing_key` is `true`.",
            "`signing_key` is required when `custom_signing_key` is `true`."
        ]
    );
    let r = emu
        .post(
            "/jwt_templates",
            json!({"name": "t", "claims": {}, "custom_signing_key": true,
                   "signing_algorithm": "none", "signing_key": "x"}),
        )
        .await;
    assert_eq!(
        r.err(422, "form_param_value_invalid")["meta"]["param_name"],
        "signing_algorithm"
    );
    let r = emu
        .post(
            "/jwt_templates",
            json!({"name": "t", "claims": {}, "custom_signing_key": true,
                   "signing_algorithm": "RS256", "signing_key": "not a key"}),
        )
        .await;
    assert_eq!(
        r.err(422, "form_param_value_invalid")["meta"]["param_name"],
        "signing_key"
    );
    assert!(
        emu.get("/jwt_templates")
            .await
            .ok()
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn template_tokens_render_shortcodes_over_the_default_claims() {
    let emu = emu().await;
    let jwks = emu.get("/jwks").await.ok();
    let ada = emu
        .user(
            "ada@example.com",
            json!({"first_name": "Ada", "last_name": "Lovelace",
                   "public_metadata": {"plan": "pro", "address": {"city": "London"}}}),
        )
        .await;
    let ada_id = id(&ada);
    let org = emu
        .org("Acme", json!({"public_metadata": {"tier": 2}}))
        .await;
    emu.member(&id(&org), &ada_id, "org:admin").await;
    emu.post(
        "/jwt_templates",
        json!({
            "name": "app",
            "lifetime": 600,
            "allowed_clock_skew": 30,
            "claims": {
                "aud": "https://api.example.com",
                "email": "{{user.primary_email_address}}",
                "name": "{{user.full_name}}",
                "greeting": "Hi {{user.first_name}} of {{org.name}}",
                "plan": "{{user.public_metadata.plan}}",
                "city": "{{user.public_metadata.address.city}}",
                "theme": "{{user.unsafe_metadata.theme || 'light'}}",
                "org": {"id": "{{org.id}}", "slug": "{{org.slug}}", "role": "{{org.role}}",
                        "tier": "{{org.public_metadata.tier}}"},
                "orgs": "{{user.organizations}}",
                "verified": "{{user.email_verified}}",
                "secret": "{{user.private_metadata}}",
                "nothing": "{{user.i_dont_exist}}",
            }
        }),
    )
    .await
    .ok();
    let sid = id(&session(&emu, &ada_id, json!({"active_organization_id": id(&org)})).await);
    let jwt = emu
        .post_empty(&format!("/sessions/{sid}/tokens/app"))
        .await
        .ok()["jwt"]
        .as_str()
        .unwrap()
        .to_owned();
    let (header, c) = verify(&jwks, &jwt);
    assert_eq!(
        header["cat"], "cl_B7d4PD222AAA",
        "a template token's category"
    );
    let iat = c["iat"].as_i64().unwrap();
    assert_eq!(c["exp"].as_i64().unwrap(), iat + 600);
    assert_eq!(c["nbf"].as_i64().unwrap(), iat - 30);
    assert_eq!(c["sub"], ada_id.as_str());
    assert_eq!(c["iss"], emu.base_url());
    assert!(
        c.get("sid").is_none() && c.get("v").is_none(),
        "not a session token: {c}"
    );
    assert_eq!(c["aud"], "https://api.example.com");
    assert_eq!(c["email"], "ada@example.com");
    assert_eq!(c["name"], "Ada Lovelace");
    assert_eq!(c["greeting"], "Hi Ada of Acme");
    assert_eq!(c["plan"], "pro");
    assert_eq!(c["city"], "London");
    assert_eq!(c["theme"], "light");
    assert_eq!(
        c["org"],
        json!({"id": id(&org), "slug": org["slug"], "role": "org:admin", "tier": 2})
    );
    assert_eq!(c["orgs"], json!({id(&org): "org:admin"}));
    assert_eq!(c["verified"], true);
    assert!(
        c["secret"].is_null(),
        "private metadata never reaches a token"
    );
    assert!(c["nothing"].is_null());
    // A lifetime asked for wins over the template's.
    let short = emu
        .post(
            &format!("/sessions/{sid}/tokens/app"),
            json!({"expires_in_seconds": 30}),
        )
        .await
        .ok();
    let (_, c) = verify(&jwks, short["jwt"].as_str().unwrap());
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 30);
    let e = emu
        .post_empty(&format!("/sessions/{sid}/tokens/nope"))
        .await;
    assert_eq!(
        e.err(404, "resource_not_found")["long_message"],
        "No JWT template exists with name: nope"
    );
}

#[tokio::test]
async fn a_template_with_its_own_key_signs_with_it() {
    let emu = emu().await;
    let ada = emu.user_id("ada@example.com").await;
    let t = emu
        .post(
            "/jwt_templates",
            json!({"name": "hs", "claims": {"role": "authenticated"}, "custom_signing_key": true,
                   "signing_algorithm": "HS256", "signing_key": "super-secret-jwt-key"}),
        )
        .await
        .ok();
    assert_eq!(
        (&t["custom_signing_key"], &t["signing_algorithm"]),
        (&json!(true), &json!("HS256"))
    );
    assert!(t.get("signing_key").is_none(), "the key is never shown");
    let sid = id(&session(&emu, &ada, json!({})).await);
    let jwt = emu
        .post_empty(&format!("/sessions/{sid}/tokens/hs"))
        .await
        .ok()["jwt"]
        .as_str()
        .unwrap()
        .to_owned();
    let parts: Vec<&str> = jwt.split('.').collect();
    let header = decode(parts[0]);
    assert_eq!(header["alg"], "HS256");
    assert!(header.get("kid").is_none());
    hmac::verify(
        &hmac::Key::new(hmac::HMAC_SHA256, b"super-secret-jwt-key"),
        format!("{}.{}", parts[0], parts[1]).as_bytes(),
        &URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
    )
    .expect("signed with the template's secret");
    assert_eq!(decode(parts[1])["role"], "authenticated");
    // Turning the custom key off goes back to the instance key.
    let off = emu
        .patch(
            &format!("/jwt_templates/{}", id(&t)),
            json!({"name": "hs", "claims": {}, "custom_signing_key": false}),
        )
        .await
        .ok();
    assert_eq!(
        (&off["custom_signing_key"], &off["signing_algorithm"]),
        (&json!(false), &json!("RS256"))
    );
    let jwt = emu
        .post_empty(&format!("/sessions/{sid}/tokens/hs"))
        .await
        .ok()["jwt"]
        .as_str()
        .unwrap()
        .to_owned();
    verify(&emu.get("/jwks").await.ok(), &jwt);
}

#[tokio::test]
async fn sign_in_tokens_are_created_and_revoked() {
    let emu = emu().await;
    let ada = emu.user_id("ada@example.com").await;
    let t = emu
        .post(
            "/sign_in_tokens",
            json!({"user_id": ada, "expires_in_seconds": 600}),
        )
        .await
        .ok();
    assert_eq!(t["object"], "sign_in_token");
    assert_eq!(t["status"], "pending");
    assert_eq!(t["user_id"], ada.as_str());
    assert!(t["id"].as_str().unwrap().starts_with("sit_"));
    let ticket = t["token"].as_str().unwrap();
    assert!(t["url"].as_str().unwrap().ends_with(ticket));
    let (_, c) = verify(&emu.get("/jwks").await.ok(), ticket);
    assert_eq!(c["sub"], ada.as_str());
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 600);
    let revoked = emu
        .post_empty(&format!("/sign_in_tokens/{}/revoke", id(&t)))
        .await
        .ok();
    assert_eq!(revoked["status"], "revoked");
    let e = emu
        .post_empty(&format!("/sign_in_tokens/{}/revoke", id(&t)))
        .await;
    assert_eq!(
        e.err(400, "sign_in_token_cannot_be_revoked_code")["long_message"],
        "Sign in token cannot be revoked because its status is revoked. Only pending tokens can be revoked."
    );
    emu.post_empty("/sign_in_tokens/sit_2xhFjEI5X2qWRvtV13BzSj8H6Dk/revoke")
        .await
        .err(404, "resource_not_found");
    emu.post(
        "/sign_in_tokens",
        json!({"user_id": "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk"}),
    )
    .await
    .err(404, "resource_not_found");
    emu.post(
        "/sign_in_tokens",
        json!({"user_id": ada, "expires_in_seconds": 0}),
    )
    .await
    .err(422, "form_param_value_invalid");
    let org = emu.org_id("Acme").await;
    emu.post("/sign_in_tokens", json!({"user_id": ada, "org_id": org}))
        .await
        .err(403, "not_a_member_in_organization");
}

#[tokio::test]
async fn testing_tokens_are_issued_for_an_hour() {
    let emu = emu().await;
    let t = emu.post_empty("/testing_tokens").await.ok();
    assert_eq!(t["object"], "testing_token");
    let token = t["token"].as_str().unwrap();
    let (issued, rest) = token.split_once('-').unwrap();
    assert_eq!(
        t["expires_at"].as_i64().unwrap(),
        issued.parse::<i64>().unwrap() + 3600
    );
    assert!(rest.len() >= 32);
}

#[tokio::test]
async fn sessions_templates_and_sign_in_tokens_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data: Some(dir.path().join("state.db")),
        signing_key: Some(fixture("signing-key.pem")),
        ..Config::default()
    };
    let first = Emu::with(config.clone()).await;
    let ada = first.user_id("ada@example.com").await;
    let sess = session(&first, &ada, json!({})).await;
    let t = first
        .post(
            "/jwt_templates",
            json!({"name": "keep", "claims": {"a": 1}}),
        )
        .await
        .ok();
    let sit = first
        .post("/sign_in_tokens", json!({"user_id": ada}))
        .await
        .ok();
    first.emulator.shutdown().await;
    let second = Emu::with(config).await;
    assert_eq!(
        second.get(&format!("/sessions/{}", id(&sess))).await.ok(),
        sess
    );
    assert_eq!(
        second.get(&format!("/jwt_templates/{}", id(&t))).await.ok(),
        t
    );
    // The template is found by name after the restart too.
    second
        .post_empty(&format!("/sessions/{}/tokens/keep", id(&sess)))
        .await
        .ok();
    second
        .post_empty(&format!("/sign_in_tokens/{}/revoke", id(&sit)))
        .await
        .ok();
}

#[tokio::test]
async fn the_instance_route_says_how_to_trust_the_tokens() {
    let emu = emu().await;
    let jwks = emu.get("/jwks").await.ok();
    let i = emu
        .own(Method::GET, "/_emulator/instance")
        .send()
        .await
        .ok();
    assert_eq!(i["instance_id"], jwks["keys"][0]["kid"]);
    assert_eq!(i["issuer"], emu.base_url());
    assert_eq!(
        i["jwks_url"],
        format!("{}/.well-known/jwks.json", emu.base_url())
    );
    let pem = i["jwt_public_key"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
    let pk = i["publishable_key"].as_str().unwrap();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(pk.strip_prefix("pk_test_").unwrap())
        .unwrap();
    let host = emu.base_url().replace("http://", "");
    assert_eq!(String::from_utf8(decoded).unwrap(), format!("{host}$"));
}

#[tokio::test]
async fn the_instance_is_the_keys_with_the_jwks_kid_as_its_id() {
    let emu = emu().await;
    let jwks = emu.get("/jwks").await.ok();
    let instance = emu.get("/instance").await.ok();
    assert_eq!(instance["object"], "instance");
    assert_eq!(instance["id"], jwks["keys"][0]["kid"]);
    assert_eq!(
        instance["environment_type"], "development",
        "an sk_test_ key"
    );
    assert!(instance["allowed_origins"].is_null() && instance["workspace_id"].is_null());

    let live = "sk_live_emulatorInstanceTest";
    let prod = Emu::with(Config {
        secret_keys: vec![live.to_owned()],
        ..Config::default()
    })
    .await;
    let instance = prod
        .req(Method::GET, "/instance")
        .header("authorization", &format!("Bearer {live}"))
        .send()
        .await
        .ok();
    assert_eq!(
        instance["environment_type"], "production",
        "an sk_live_ key"
    );
}
