//! `Clerk-API-Version` (or `__clerk_api_version`): what the official SDKs send is accepted, and
//! the one difference in scope applies: from 2026-05-12, `PATCH /users/{id}` and
//! `PATCH /organizations/{id}` refuse metadata.

use reqwest::Method;
use serde_json::json;

use crate::support::{Emu, id};

#[tokio::test]
async fn before_2026_05_12_update_replaces_metadata() {
    // No version (the emulator's default), the Python SDK's version, and an old one.
    for version in [None, Some("2025-11-10"), Some("2021-02-05")] {
        let emu = Emu::start().await;
        let uid = id(&emu
            .user(
                "ada@example.com",
                json!({"public_metadata": {"a": {"b": 1}, "z": 1}, "private_metadata": {"p": 1}}),
            )
            .await);
        let mut req = emu
            .req(Method::PATCH, &format!("/users/{uid}"))
            .json(json!({"first_name": "Ada", "public_metadata": {"a": {"c": 2}}, "unsafe_metadata": {"u": 1}}));
        if let Some(v) = version {
            req = req.version(v);
        }
        let u = req.send().await.ok();
        assert_eq!(u["first_name"], "Ada", "{version:?}");
        assert_eq!(
            u["public_metadata"],
            json!({"a": {"c": 2}}),
            "replaced, not merged"
        );
        assert_eq!(
            u["private_metadata"],
            json!({"p": 1}),
            "fields left out are untouched"
        );
        assert_eq!(u["unsafe_metadata"], json!({"u": 1}));

        let oid = id(&emu
            .org(
                "Acme",
                json!({"public_metadata": {"x": {"y": 1}}, "private_metadata": {"q": 1}}),
            )
            .await);
        let mut req = emu
            .req(Method::PATCH, &format!("/organizations/{oid}"))
            .json(json!({"name": "Acme 2", "public_metadata": {"x": {"w": 2}}}));
        if let Some(v) = version {
            req = req.version(v);
        }
        let o = req.send().await.ok();
        assert_eq!(o["name"], "Acme 2");
        assert_eq!(o["public_metadata"], json!({"x": {"w": 2}}));
        assert_eq!(o["private_metadata"], json!({"q": 1}));
    }
}

#[tokio::test]
async fn from_2026_05_12_update_refuses_metadata_and_changes_nothing() {
    let emu = Emu::start().await;
    let uid = id(&emu
        .user("ada@example.com", json!({"public_metadata": {"a": 1}}))
        .await);
    let oid = id(&emu.org("Acme", json!({"public_metadata": {"x": 1}})).await);
    let user_before = emu.get(&format!("/users/{uid}")).await.ok();
    let org_before = emu.get(&format!("/organizations/{oid}")).await.ok();
    // The JS and Go SDKs' version, by header or by query parameter.
    for (path, body, resource) in [
        (
            format!("/users/{uid}"),
            json!({"first_name": "Ada", "private_metadata": {"b": 2}}),
            "users/{user_id}",
        ),
        (
            format!("/organizations/{oid}"),
            json!({"name": "Other", "public_metadata": {"x": 2}}),
            "organizations/{organization_id}",
        ),
    ] {
        for by_query in [false, true] {
            let req = if by_query {
                emu.req(
                    Method::PATCH,
                    &format!("{path}?__clerk_api_version=2026-05-12"),
                )
            } else {
                emu.req(Method::PATCH, &path).version("2026-05-12")
            };
            let r = req.json(body.clone()).send().await;
            let e = r.err(422, "form_param_unknown");
            let param = e["meta"]["param_name"].as_str().unwrap();
            assert!(param.ends_with("_metadata"), "{param}");
            let long = e["long_message"].as_str().unwrap();
            assert!(
                long.contains(&format!("/v1/{resource}/metadata")),
                "points at the metadata endpoints: {long}"
            );
        }
    }
    assert_eq!(emu.get(&format!("/users/{uid}")).await.ok(), user_before);
    assert_eq!(
        emu.get(&format!("/organizations/{oid}")).await.ok(),
        org_before
    );
    // Everything else works the same under 2026-05-12.
    let u = emu
        .req(Method::PATCH, &format!("/users/{uid}"))
        .version("2026-05-12")
        .json(json!({"first_name": "Ada"}))
        .send()
        .await
        .ok();
    assert_eq!(u["first_name"], "Ada");
    let u = emu
        .req(Method::PATCH, &format!("/users/{uid}/metadata"))
        .version("2026-05-12")
        .json(json!({"public_metadata": {"b": 2}}))
        .send()
        .await
        .ok();
    assert_eq!(u["public_metadata"], json!({"a": 1, "b": 2}));
}

#[tokio::test]
async fn invalid_or_doubled_versions_are_refused() {
    let emu = Emu::start().await;
    for v in ["2099-01-01", "latest", "", "2026-5-12"] {
        let r = emu.req(Method::GET, "/users").version(v).send().await;
        let e = r.err(400, "api_version_invalid");
        assert!(
            e["long_message"].as_str().unwrap().contains("2026-05-12"),
            "names the supported versions"
        );
    }
    emu.get("/users?__clerk_api_version=2020-01-01")
        .await
        .err(400, "api_version_invalid");
    // Both the header and the query parameter, even when they agree.
    let r = emu
        .req(Method::GET, "/users?__clerk_api_version=2026-05-12")
        .version("2026-05-12")
        .send()
        .await;
    r.err(400, "api_version_invalid");
    // A refused version stores nothing.
    emu.req(Method::POST, "/users")
        .version("1999-01-01")
        .json(json!({"email_address": ["a@example.com"]}))
        .send()
        .await
        .err(400, "api_version_invalid");
    assert_eq!(emu.counts(), [0; 5]);
    for v in [
        "2021-02-05",
        "2024-10-01",
        "2025-03-12",
        "2025-04-10",
        "2025-11-10",
        "2026-05-12",
    ] {
        emu.req(Method::GET, "/users").version(v).send().await.ok();
        emu.get(&format!("/users?__clerk_api_version={v}"))
            .await
            .ok();
    }
}
