//! Sessions, their tokens, JWT templates, the JWKS, testing tokens and sign-in tokens.

use clerk_api::models::{SessionStatus, SignInTokenStatus, User};
use clerk_api::{Client, Error, RequestSpec};
use futures::TryStreamExt;
use http::Method;
use serde_json::json;

use crate::support::setup;

async fn user(clerk: &Client, email: &str) -> User {
    clerk
        .users()
        .create()
        .email_address([email])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn sessions_are_made_listed_read_and_revoked() {
    let (_emu, clerk) = setup().await;
    let ada = user(&clerk, "ada@example.com").await;
    let org = clerk.organizations().create("Acme").send().await.unwrap();
    clerk
        .memberships(&org.id)
        .add(&ada.id, "org:admin")
        .send()
        .await
        .unwrap();
    let plain = clerk.sessions().create(&ada.id).send().await.unwrap();
    let with_org = clerk
        .sessions()
        .create(&ada.id)
        .active_organization_id(&org.id)
        .send()
        .await
        .unwrap();
    assert_eq!(plain.user_id, ada.id);
    assert_eq!(plain.status, SessionStatus::Active);
    assert!(plain.client_id.is_some() && plain.expire_at.is_some());
    assert_eq!(with_org.last_active_organization_id.as_ref(), Some(&org.id));

    let fetched = clerk.sessions().get(&plain.id).send().await.unwrap();
    assert_eq!(fetched, plain);

    let page = clerk
        .sessions()
        .list()
        .user_id(&ada.id)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(2), "paginated=true gives a total");
    assert_eq!(page.data[0].id, with_org.id, "newest first");
    assert_eq!(
        clerk
            .sessions()
            .list()
            .user_id(&ada.id)
            .spec()
            .param("paginated"),
        Some("true")
    );

    let revoked = clerk.sessions().revoke(&plain.id).send().await.unwrap();
    assert_eq!(revoked.status, SessionStatus::Revoked);
    let active: Vec<_> = clerk
        .sessions()
        .list()
        .user_id(&ada.id)
        .status("active")
        .limit(1)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(active.len(), 1, "streams every page");
    assert_eq!(active[0].id, with_org.id);

    // Clerk's 404 and 401 come back as API errors.
    let gone = "sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse().unwrap();
    let Err(Error::Api(e)) = clerk.sessions().get(&gone).send().await else {
        panic!("a 404")
    };
    assert_eq!(e.status, 404);
    let Err(Error::Api(e)) = clerk.sessions().token(&plain.id).send().await else {
        panic!("a revoked session mints nothing")
    };
    assert_eq!(e.status, 401);
}

#[tokio::test]
async fn tokens_verify_against_the_instance_pem() {
    let (_emu, clerk) = setup().await;
    let ada = user(&clerk, "ada@example.com").await;
    let session = clerk.sessions().create(&ada.id).send().await.unwrap();
    let token = clerk
        .sessions()
        .token(&session.id)
        .expires_in_seconds(120)
        .send()
        .await
        .unwrap();
    assert_eq!(token.object, "token");
    let claims = token.claims().unwrap();
    assert_eq!(claims["sub"], ada.id.as_str());
    assert_eq!(claims["sid"], session.id.as_str());
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        120
    );
    assert!(!format!("{token:?}").contains(token.jwt.rsplit('.').next().unwrap()));

    let jwks = clerk.jwks().send().await.unwrap();
    let kid = token.header().unwrap()["kid"].as_str().unwrap().to_owned();
    let key = jwks.key(&kid).expect("the token's key is in the JWKS");
    assert_eq!(key.kty, "RSA");
    assert_eq!(key.use_.as_deref(), Some("sig"));
    // The PEM made from the JWK is byte for byte the one the emulator states for
    // CLERK_JWT_KEY, read from its own route (outside /v1).
    let instance = clerk
        .request(RequestSpec::outside_api(Method::GET, "/_emulator/instance"))
        .send()
        .await
        .unwrap();
    assert_eq!(key.to_pem().unwrap(), instance["jwt_public_key"]);
    assert!(
        clerk
            .request(RequestSpec::outside_api(Method::GET, "/_emulator/instance"))
            .prepare()
            .url
            .ends_with("/_emulator/instance")
    );
}

#[tokio::test]
async fn jwt_templates_round_trip_and_mint() {
    let (_emu, clerk) = setup().await;
    let ada = user(&clerk, "ada@example.com").await;
    let session = clerk.sessions().create(&ada.id).send().await.unwrap();
    let claims = json!({"email": "{{user.primary_email_address}}", "aud": "reports"});
    let t = clerk
        .jwt_templates()
        .create("reports", &claims)
        .lifetime(300)
        .allowed_clock_skew(10)
        .send()
        .await
        .unwrap();
    assert!(t.id.as_str().starts_with("jtmp_"));
    assert_eq!((t.lifetime, t.allowed_clock_skew), (Some(300), Some(10)));
    assert!(!t.custom_signing_key);

    let minted = clerk
        .sessions()
        .template_token(&session.id, "reports")
        .send()
        .await
        .unwrap();
    assert_eq!(minted.claims().unwrap()["email"], "ada@example.com");
    assert_eq!(minted.claims().unwrap()["aud"], "reports");

    let updated = clerk
        .jwt_templates()
        .update(&t.id, "reports-v2", &t.claims)
        .lifetime(600)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.name, "reports-v2");
    assert_eq!(updated.lifetime, Some(600));
    assert_eq!(updated.allowed_clock_skew, Some(10), "kept");
    let page = clerk.jwt_templates().list().send().await.unwrap();
    assert_eq!(page.total_count, Some(1));
    assert_eq!(
        clerk.jwt_templates().get(&t.id).send().await.unwrap(),
        updated
    );

    // Claims that are not an object are refused before anything is sent.
    let err = clerk
        .jwt_templates()
        .create("bad", json!(["a"]))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err}");
    // A reserved claim is Clerk's 400.
    let Err(Error::Api(e)) = clerk
        .jwt_templates()
        .create("bad", json!({"sub": "x"}))
        .send()
        .await
    else {
        panic!("refused")
    };
    assert_eq!(e.code(), Some("jwt_template_reserved_claim"));

    let deleted = clerk.jwt_templates().delete(&t.id).send().await.unwrap();
    assert!(deleted.deleted);
    let Err(Error::Api(e)) = clerk
        .sessions()
        .template_token(&session.id, "reports-v2")
        .send()
        .await
    else {
        panic!("no such template")
    };
    assert_eq!(e.status, 404);
}

#[tokio::test]
async fn testing_and_sign_in_tokens() {
    let (_emu, clerk) = setup().await;
    let ada = user(&clerk, "ada@example.com").await;
    let testing = clerk.create_testing_token().send().await.unwrap();
    assert!(!testing.token.is_empty() && testing.expires_at.is_some());
    assert!(!format!("{testing:?}").contains(&testing.token));

    let ticket = clerk
        .sign_in_tokens()
        .create(&ada.id)
        .expires_in_seconds(300)
        .send()
        .await
        .unwrap();
    assert_eq!(ticket.user_id, ada.id);
    assert_eq!(ticket.status, SignInTokenStatus::Pending);
    let secret = ticket
        .token
        .clone()
        .expect("a new ticket carries its token");
    assert!(!format!("{ticket:?}").contains(&secret));
    let revoked = clerk
        .sign_in_tokens()
        .revoke(&ticket.id)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status, SignInTokenStatus::Revoked);
    let Err(Error::Api(e)) = clerk.sign_in_tokens().revoke(&ticket.id).send().await else {
        panic!("not pending any more")
    };
    assert_eq!(e.status, 400);
}
