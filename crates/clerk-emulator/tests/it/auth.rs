//! Authentication: a Bearer secret key on every route, Clerk's 401 bodies, `sk_live_` keys
//! refused unless configured, and `--secret-key` lists.

use clerk_emulator::Config;
use reqwest::Method;
use serde_json::json;

use crate::support::Emu;

#[tokio::test]
async fn a_missing_header_is_authentication_invalid() {
    let emu = Emu::start().await;
    let r = emu.req(Method::GET, "/users").no_auth().send().await;
    let e = r.err(401, "authentication_invalid");
    assert_eq!(e["message"], "Invalid authentication");
    // A refused write stores nothing.
    emu.req(Method::POST, "/users")
        .no_auth()
        .json(json!({"email_address": ["a@example.com"]}))
        .send()
        .await
        .err(401, "authentication_invalid");
    assert_eq!(emu.counts(), [0; 5]);
}

#[tokio::test]
async fn a_malformed_header_is_authorization_header_format_invalid() {
    let emu = Emu::start().await;
    for value in [
        "sk_test_abc",
        "Basic c2tfdGVzdF9hYmM=",
        "Bearer",
        "Bearer ",
        "Bearer sk_test_a sk_test_b",
        "Token sk_test_abc",
    ] {
        let r = emu
            .req(Method::GET, "/users")
            .header("authorization", value)
            .send()
            .await;
        let e = r.err(401, "authorization_header_format_invalid");
        assert_eq!(
            e["long_message"],
            "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
            "{value}"
        );
    }
    // The scheme is case-insensitive, as HTTP says.
    emu.req(Method::GET, "/users")
        .header("authorization", "bearer sk_test_abc")
        .send()
        .await
        .ok();
}

#[tokio::test]
async fn keys_that_are_not_test_keys_are_clerk_key_invalid() {
    let emu = Emu::start().await;
    for key in ["pk_test_abc", "sk_test_", "sk_abc", "nope"] {
        let r = emu.req(Method::GET, "/users").key(key).send().await;
        let e = r.err(401, "clerk_key_invalid");
        assert_eq!(
            e["message"],
            "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
            "{key}"
        );
    }
    // Any sk_test_ key works when none is configured, each its own instance key.
    for key in ["sk_test_1", "sk_test_another_one"] {
        emu.req(Method::GET, "/users").key(key).send().await.ok();
    }
}

#[tokio::test]
async fn live_keys_are_refused_with_a_reason() {
    let emu = Emu::start().await;
    let r = emu
        .req(Method::POST, "/users")
        .key("sk_live_abc")
        .json(json!({"email_address": ["a@example.com"]}))
        .send()
        .await;
    let e = r.err(401, "clerk_key_invalid");
    let long = e["long_message"].as_str().unwrap();
    assert!(
        long.contains("emulator never needs a production key") && long.contains("sk_live_"),
        "{long}"
    );
    assert_eq!(emu.counts(), [0; 5]);
}

#[tokio::test]
async fn configured_keys_are_the_only_ones_accepted() {
    let emu = Emu::with(Config {
        secret_keys: vec!["sk_test_alpha".into(), "sk_live_configured".into()],
        ..Config::default()
    })
    .await;
    for key in ["sk_test_alpha", "sk_live_configured"] {
        emu.req(Method::GET, "/users").key(key).send().await.ok();
    }
    for key in ["sk_test_beta", "sk_test_emulator_tests", "sk_live_other"] {
        emu.req(Method::GET, "/users")
            .key(key)
            .send()
            .await
            .err(401, "clerk_key_invalid");
    }
}

#[tokio::test]
async fn every_route_needs_a_key() {
    let emu = Emu::start().await;
    let user = emu.user_id("ada@example.com").await;
    let org = emu.org_id("Acme").await;
    for (method, path) in [
        (Method::GET, format!("/users/{user}")),
        (Method::GET, "/users/count".to_owned()),
        (Method::DELETE, format!("/users/{user}")),
        (Method::POST, format!("/users/{user}/ban")),
        (Method::GET, format!("/organizations/{org}")),
        (Method::DELETE, format!("/organizations/{org}")),
        (Method::GET, format!("/organizations/{org}/memberships")),
        (Method::GET, "/organization_memberships".to_owned()),
        (Method::GET, "/organization_invitations".to_owned()),
        (Method::GET, "/invitations".to_owned()),
    ] {
        emu.req(method.clone(), &path)
            .no_auth()
            .send()
            .await
            .err(401, "authentication_invalid");
    }
    // Nothing was deleted or banned.
    let u = emu.get(&format!("/users/{user}")).await.ok();
    assert_eq!(u["banned"], false);
    emu.get(&format!("/organizations/{org}")).await.ok();
}

#[tokio::test]
async fn errors_carry_a_trace_id_in_body_and_header() {
    let emu = Emu::start().await;
    let r = emu.req(Method::GET, "/users").no_auth().send().await;
    r.err(401, "authentication_invalid");
    let trace = r.body["clerk_trace_id"].as_str().unwrap();
    assert_eq!(r.header("clerk-trace-id"), Some(trace));
    let other = emu.req(Method::GET, "/users").no_auth().send().await;
    assert_ne!(other.body["clerk_trace_id"], r.body["clerk_trace_id"]);
}
