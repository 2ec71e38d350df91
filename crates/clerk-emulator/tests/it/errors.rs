//! Bad input everywhere: wrong types, unknown fields on closed schemas, malformed JSON, a wrong
//! content type, unknown routes and methods. Each gets a Clerk-shaped error (the client checks
//! every body against `ClerkErrors`) and stores nothing.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Emu, id};

/// An instance with one of everything, to aim bad requests at.
struct World {
    emu: Emu,
    user: String,
    org: String,
    org_invitation: String,
    invitation: String,
}

async fn world() -> World {
    // The tests send many bad requests to the same records: no per-record limit.
    let emu = Emu::unlimited().await;
    let user = emu.user_id("ada@example.com").await;
    let org = id(&emu.org("Acme", json!({"created_by": user})).await);
    let org_invitation = id(&emu
        .post(
            &format!("/organizations/{org}/invitations"),
            json!({"email_address": "x@example.com", "role": "org:member"}),
        )
        .await
        .ok());
    let invitation = id(&emu
        .post("/invitations", json!({"email_address": "y@example.com"}))
        .await
        .ok());
    World {
        emu,
        user,
        org,
        org_invitation,
        invitation,
    }
}

impl World {
    /// Every endpoint that takes a body: method, path, a valid body.
    fn bodies(&self) -> Vec<(Method, String, Value)> {
        let (u, o) = (&self.user, &self.org);
        let member = json!({"email_address": "z@example.com", "role": "org:member"});
        vec![
            (
                Method::POST,
                "/users".into(),
                json!({"email_address": ["n@example.com"]}),
            ),
            (
                Method::PATCH,
                format!("/users/{u}"),
                json!({"first_name": "A"}),
            ),
            (
                Method::PATCH,
                format!("/users/{u}/metadata"),
                json!({"public_metadata": {"a": 1}}),
            ),
            (
                Method::PUT,
                format!("/users/{u}/metadata"),
                json!({"public_metadata": {"a": 1}}),
            ),
            (Method::POST, "/users/ban".into(), json!({"user_ids": [u]})),
            (
                Method::POST,
                "/users/unban".into(),
                json!({"user_ids": [u]}),
            ),
            (
                Method::POST,
                "/organizations".into(),
                json!({"name": "New"}),
            ),
            (
                Method::PATCH,
                format!("/organizations/{o}"),
                json!({"name": "B"}),
            ),
            (
                Method::PATCH,
                format!("/organizations/{o}/metadata"),
                json!({"public_metadata": {"a": 1}}),
            ),
            (
                Method::PUT,
                format!("/organizations/{o}/metadata"),
                json!({"public_metadata": {"a": 1}}),
            ),
            (
                Method::PATCH,
                format!("/organizations/{o}/memberships/{u}"),
                json!({"role": "org:admin"}),
            ),
            (
                Method::PATCH,
                format!("/organizations/{o}/memberships/{u}/metadata"),
                json!({"public_metadata": {"a": 1}}),
            ),
            (
                Method::POST,
                format!("/organizations/{o}/invitations"),
                member.clone(),
            ),
            (
                Method::POST,
                format!("/organizations/{o}/invitations/bulk"),
                json!([member]),
            ),
            (
                Method::POST,
                format!(
                    "/organizations/{o}/invitations/{}/revoke",
                    self.org_invitation
                ),
                json!({}),
            ),
            (
                Method::POST,
                "/invitations".into(),
                json!({"email_address": "w@example.com"}),
            ),
            (
                Method::POST,
                "/invitations/bulk".into(),
                json!([{"email_address": "v@example.com"}]),
            ),
        ]
    }

    /// A snapshot of everything stored, to show a refused request changed nothing.
    async fn snapshot(&self) -> Value {
        let e = &self.emu;
        json!({
            "users": e.get("/users?limit=500").await.ok(),
            "orgs": e.get("/organizations?limit=500").await.ok(),
            "members": e.get("/organization_memberships?limit=500").await.ok(),
            "org_invitations": e.get("/organization_invitations?limit=500").await.ok(),
            "invitations": e.get("/invitations?limit=500&status=pending").await.ok(),
            "revoked": e.get("/invitations?limit=500&status=revoked").await.ok(),
            "counts": e.counts().to_vec(),
        })
    }
}

#[tokio::test]
async fn malformed_json_is_request_body_invalid() {
    let w = world().await;
    let before = w.snapshot().await;
    for (method, path, _) in w.bodies() {
        for raw in [&b"{"[..], b"{\"name\": }", b"not json", b"{\"a\":1}}"] {
            let r = w
                .emu
                .req(method.clone(), &path)
                .raw(raw, Some("application/json"))
                .send()
                .await;
            let e = r.err(400, "request_body_invalid");
            assert_eq!(e["message"], "Request body invalid", "{method} {path}");
        }
    }
    assert_eq!(w.snapshot().await, before);
}

#[tokio::test]
async fn a_wrong_content_type_is_unsupported() {
    let w = world().await;
    let before = w.snapshot().await;
    for (method, path, body) in w.bodies() {
        let bytes = serde_json::to_vec(&body).unwrap();
        for ct in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        ] {
            let r = w
                .emu
                .req(method.clone(), &path)
                .raw(&bytes, Some(ct))
                .send()
                .await;
            let e = r.err(415, "unsupported_content_type");
            let long = e["long_message"].as_str().unwrap();
            assert!(long.contains("application/json"), "{long}");
        }
    }
    assert_eq!(w.snapshot().await, before);
    // JSON with a charset parameter is JSON.
    w.emu
        .req(Method::POST, "/users")
        .raw(
            br#"{"email_address": ["cs@example.com"]}"#,
            Some("application/json; charset=utf-8"),
        )
        .send()
        .await
        .ok();
}

#[tokio::test]
async fn wrong_types_are_refused_everywhere() {
    let w = world().await;
    let before = w.snapshot().await;
    // One wrongly typed field per body, and a body of the wrong JSON type.
    let wrong = |path: &str, body: &Value| -> Value {
        let mut b = body.clone();
        let target = if b.is_array() { &mut b[0] } else { &mut b };
        let obj = target.as_object_mut().unwrap();
        if obj.is_empty() {
            // The revoke body: requesting_user_id must be a string.
            obj.insert("requesting_user_id".into(), json!(5));
        } else {
            let key = obj.keys().next().unwrap().clone();
            let bad = match &obj[&key] {
                Value::String(_) => json!(5),
                Value::Object(_) => json!("not an object"),
                Value::Array(_) => json!({"not": "an array"}),
                _ => json!(null),
            };
            obj.insert(key, bad);
        }
        assert_ne!(&b, body, "{path}");
        b
    };
    for (method, path, body) in w.bodies() {
        let r = w
            .emu
            .req(method.clone(), &path)
            .json(wrong(&path, &body))
            .send()
            .await;
        let e = r.err(422, "form_param_value_invalid");
        let long = e["long_message"].as_str().unwrap();
        assert!(long.contains("Received"), "{method} {path}: {long}");
        // The body itself of the wrong JSON type.
        let other = if body.is_array() {
            json!({"a": 1})
        } else {
            json!([1])
        };
        w.emu
            .req(method.clone(), &path)
            .json(other)
            .send()
            .await
            .err(400, "request_body_invalid");
    }
    assert_eq!(w.snapshot().await, before);
}

#[tokio::test]
async fn unknown_fields_are_refused_where_the_schema_is_closed() {
    let w = world().await;
    let before = w.snapshot().await;
    // additionalProperties: false in the spec (see spec_tables for the full comparison).
    let closed = [
        "/users",
        "/users/{u}",
        "/users/{u}/metadata",
        "/organizations/{o}",
        "/organizations/{o}/metadata",
        "/organizations/{o}/memberships/{u}/metadata",
        "/invitations",
        "/invitations/bulk",
    ];
    for (method, path, body) in w.bodies() {
        let template = path.replace(&w.user, "{u}").replace(&w.org, "{o}");
        if !closed.contains(&template.as_str()) {
            continue;
        }
        let mut b = body.clone();
        let target = if b.is_array() { &mut b[0] } else { &mut b };
        target["made_up_field"] = json!(1);
        let r = w.emu.req(method.clone(), &path).json(b).send().await;
        let e = r.err(422, "form_param_unknown");
        let param = e["meta"]["param_name"].as_str().unwrap();
        assert!(param.ends_with("made_up_field"), "{method} {path}: {param}");
    }
    assert_eq!(w.snapshot().await, before);
    // Open schemas ignore unknown fields, as Clerk does.
    let o = w
        .emu
        .post(
            "/organizations",
            json!({"name": "Open", "made_up_field": 1}),
        )
        .await
        .ok();
    assert_eq!(o["name"], "Open");
}

#[tokio::test]
async fn every_problem_is_reported_at_once() {
    let emu = Emu::start().await;
    let r = emu
        .post(
            "/users",
            json!({"first_name": 1, "last_name": true, "made_up": 1, "email_address": "a@b.co"}),
        )
        .await;
    assert_eq!(r.status, 422);
    // A value of the wrong type names its field in the long message only, as Clerk's
    // FailedToParseRequestBody does (no meta).
    let mut got: Vec<(String, String)> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let field = e["meta"]["param_name"].as_str().map_or_else(
                || {
                    let long = e["long_message"].as_str().unwrap();
                    long.split(' ').next().unwrap().to_owned()
                },
                str::to_owned,
            );
            (e["code"].as_str().unwrap().to_owned(), field)
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("form_param_unknown".to_owned(), "made_up".to_owned()),
            (
                "form_param_value_invalid".to_owned(),
                "email_address".to_owned()
            ),
            (
                "form_param_value_invalid".to_owned(),
                "first_name".to_owned()
            ),
            (
                "form_param_value_invalid".to_owned(),
                "last_name".to_owned()
            ),
        ]
    );
    // Bulk items say which item was wrong.
    let r = emu
        .post(
            "/invitations/bulk",
            json!([{"email_address": "a@example.com"}, {"email_address": 5}, {}]),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.params(), ["", "[2].email_address"]);
    assert!(
        r.body["errors"][0]["long_message"]
            .as_str()
            .unwrap()
            .starts_with("[1].email_address is invalid.")
    );
    assert_eq!(emu.counts(), [0; 5]);
}

#[tokio::test]
async fn unknown_routes_and_methods_are_clerk_shaped() {
    let w = world().await;
    let before = w.snapshot().await;
    for path in ["/nope", "/users/x/y/z", "/organizations/o/domains", "/"] {
        let r = w.emu.get(path).await;
        // Clerk's index's ResourceNotFound.
        let e = r.err(404, "resource_not_found");
        assert_eq!(
            (&e["message"], &e["long_message"]),
            (&json!("not found"), &json!("Resource not found"))
        );
    }
    let r = w.emu.req(Method::GET, "/users").send().await;
    assert_eq!(r.status, 200);
    // Outside /v1 too.
    let raw = crate::support::client()
        .get(format!("{}/v2/users", w.emu.base_url()))
        .bearer_auth(crate::support::KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 404);
    let body: Value = raw.json().await.unwrap();
    crate::openapi::assert_matches_spec("GET", "/v2/users", 404, &body);
    let u = &w.user;
    for (method, path) in [
        (Method::DELETE, "/users".to_owned()),
        (Method::PUT, format!("/users/{u}")),
        (Method::POST, format!("/users/{u}")),
        (Method::GET, "/users/ban".to_owned()),
        (
            Method::DELETE,
            format!("/invitations/{}/revoke", w.invitation),
        ),
        (
            Method::GET,
            format!("/organizations/{}/invitations/bulk", w.org),
        ),
        (
            Method::PUT,
            format!("/organizations/{}/memberships/{u}/metadata", w.org),
        ),
    ] {
        let r = w.emu.req(method.clone(), &path).send().await;
        r.err(405, "method_not_allowed");
    }
    assert_eq!(w.snapshot().await, before);
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let emu = Emu::start().await;
    let huge =
        json!({"email_address": ["a@example.com"], "first_name": "x".repeat(1024 * 1024 + 1)});
    emu.post("/users", huge)
        .await
        .err(413, "request_body_too_large");
    assert_eq!(emu.counts(), [0; 5]);
}
