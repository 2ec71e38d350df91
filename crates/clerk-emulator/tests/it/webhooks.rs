//! Webhooks: deliveries as Clerk makes them through Svix (headers, signature, body, event
//! names), in order per object, retried on Svix's schedule, never lost, and listed.
//!
//! Each test serves its own endpoint on 127.0.0.1:0 and waits for what it expects to arrive
//! (never for a fixed time).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use aws_lc_rs::hmac;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use clerk_emulator::server::WebhookSecretSource;
use clerk_emulator::{Config, Emulator, Settings, WebhookOptions, WebhookSecret};
use parking_lot::Mutex;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Emu, id};
use crate::tokens::fixture;

/// A made-up secret in Clerk's format.
pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: String,
    pub status: u16,
}

impl Received {
    pub fn event(&self) -> Value {
        serde_json::from_str(&self.body).expect("a delivery's body is JSON")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("no {name} header"))
    }
}

#[derive(Debug, Default)]
struct Inbox {
    got: Vec<Received>,
    /// Statuses to answer, in turn; then 204.
    plan: VecDeque<u16>,
}

/// A webhook endpoint on 127.0.0.1 that records what it receives.
#[derive(Debug, Clone)]
pub struct Receiver {
    pub url: String,
    inbox: Arc<Mutex<Inbox>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        Receiver::on(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()).await
    }

    pub async fn on(listener: tokio::net::TcpListener) -> Receiver {
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let url = format!("http://{}/clerk/webhooks", listener.local_addr().unwrap());
        let app = Router::new()
            .route("/clerk/webhooks", post(receive))
            .with_state(inbox.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { url, inbox }
    }

    /// Answer these statuses to the next deliveries, then 204.
    pub fn answer(&self, statuses: &[u16]) {
        self.inbox.lock().plan.extend(statuses);
    }

    pub fn all(&self) -> Vec<Received> {
        self.inbox.lock().got.clone()
    }

    /// Deliveries answered with a 2xx.
    pub fn delivered(&self) -> Vec<Received> {
        self.all()
            .into_iter()
            .filter(|r| (200..300).contains(&r.status))
            .collect()
    }

    /// Waits until `enough` holds for the delivered events, and returns them.
    pub async fn wait(&self, what: &str, enough: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        eventually(what, || {
            let events: Vec<Value> = self.delivered().iter().map(Received::event).collect();
            enough(&events).then_some(events)
        })
        .await
    }
}

async fn receive(
    State(inbox): State<Arc<Mutex<Inbox>>>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let mut inbox = inbox.lock();
    let status = inbox.plan.pop_front().unwrap_or(204);
    inbox.got.push(Received {
        headers,
        body,
        status,
    });
    StatusCode::from_u16(status).unwrap()
}

/// Polls `f` until it gives a value (at most 30 s: a wait for an event, not a timing check).
pub async fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

pub fn options(endpoints: &[&str], scale: f64) -> WebhookOptions {
    WebhookOptions {
        endpoints: endpoints.iter().map(|e| (*e).to_owned()).collect(),
        secret: Some(WebhookSecret::parse(SECRET).unwrap()),
        retry_scale: scale,
        ..WebhookOptions::default()
    }
}

/// An emulator delivering to `endpoints`, signing tokens with the fixture key.
pub async fn emu_with(endpoints: &[&str], scale: f64) -> Emu {
    Emu::with(Config {
        signing_key: Some(fixture("signing-key.pem")),
        webhooks: options(endpoints, scale),
        // No request limit: the tests make many requests to one instance.
        settings: Settings {
            rate_limit: None,
            ..Settings::default()
        },
        ..Config::default()
    })
    .await
}

/// An event name's deliveries about one object, in the order they arrived.
pub fn kinds_for(events: &[Value], object_id: &str) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["data"]["id"] == object_id)
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}

/// Checks Svix's signature: `v1,` base64 HMAC-SHA256 of `id.timestamp.body`.
pub fn assert_signed(r: &Received) {
    let key = STANDARD
        .decode(SECRET.strip_prefix("whsec_").unwrap())
        .unwrap();
    let signed = format!(
        "{}.{}.{}",
        r.header("svix-id"),
        r.header("svix-timestamp"),
        r.body
    );
    let sig = r.header("svix-signature");
    let raw = STANDARD
        .decode(sig.strip_prefix("v1,").expect("a v1 signature"))
        .unwrap();
    hmac::verify(
        &hmac::Key::new(hmac::HMAC_SHA256, &key),
        signed.as_bytes(),
        &raw,
    )
    .expect("the signature verifies with the secret");
}

async fn deliveries(emu: &Emu, query: &str) -> Value {
    emu.own(
        Method::GET,
        &format!("/_emulator/webhooks/deliveries{query}"),
    )
    .send()
    .await
    .ok()
}

#[tokio::test]
async fn deliveries_are_svix_signed_events_in_clerks_shape() {
    let hook = Receiver::start().await;
    let emu = emu_with(&[&hook.url], 1.0).await;
    let kid = emu.get("/jwks").await.ok()["keys"][0]["kid"].clone();
    let ada = emu.user_id("ada@example.com").await;
    let created = emu
        .req(Method::POST, "/sessions")
        .header("user-agent", "my-backend/1.0")
        .json(json!({"user_id": ada}))
        .send()
        .await
        .ok();
    let sid = id(&created);
    let events = hook
        .wait("session.created", |es| {
            es.iter().any(|e| e["type"] == "session.created")
        })
        .await;
    let delivery = hook
        .delivered()
        .into_iter()
        .find(|r| r.event()["type"] == "session.created")
        .unwrap();
    let event = delivery.event();
    assert_eq!(
        event.as_object().unwrap().keys().collect::<Vec<_>>(),
        [
            "data",
            "event_attributes",
            "instance_id",
            "object",
            "timestamp",
            "type"
        ]
    );
    assert_eq!(event["object"], "event");
    assert_eq!(
        event["instance_id"], kid,
        "Clerk's instance ID is its tokens' kid"
    );
    assert_eq!(
        event["event_attributes"],
        json!({"http_request": {"client_ip": "127.0.0.1", "user_agent": "my-backend/1.0"}})
    );
    assert!(event["timestamp"].as_i64().unwrap() >= created["created_at"].as_i64().unwrap());
    // `data` is the session as the API answered it, with its user.
    let mut data = event["data"].clone();
    let user = data.as_object_mut().unwrap().remove("user").unwrap();
    assert_eq!(data, created);
    assert_eq!(user, emu.get(&format!("/users/{ada}")).await.ok());
    assert!(delivery.header("svix-id").starts_with("msg_"));
    let ts: i64 = delivery.header("svix-timestamp").parse().unwrap();
    assert!((ts - clerk_emulator::now_ms() / 1000).abs() < 60);
    assert_eq!(delivery.header("content-type"), "application/json");
    assert_signed(&delivery);
    assert_eq!(kinds_for(&events, &sid), ["session.created"]);

    emu.post_empty(&format!("/sessions/{sid}/revoke"))
        .await
        .ok();
    let events = hook
        .wait("session.revoked", |es| kinds_for(es, &sid).len() == 2)
        .await;
    assert_eq!(
        kinds_for(&events, &sid),
        ["session.created", "session.revoked"]
    );
    let revoked = events
        .iter()
        .find(|e| e["type"] == "session.revoked")
        .unwrap();
    assert_eq!(revoked["data"]["status"], "revoked");
    // Every delivery is listed with its attempt.
    let listed = deliveries(&emu, &format!("?object_id={sid}")).await;
    assert_eq!(listed["total_count"], 2);
    let first = &listed["data"][0];
    assert_eq!(first["type"], "session.created");
    assert_eq!(first["status"], "succeeded");
    assert_eq!(first["endpoint"], hook.url.as_str());
    assert_eq!(first["attempts"][0]["response_status_code"], 204);
    assert_eq!(first["payload"]["data"]["id"], sid.as_str());
}

#[tokio::test]
async fn a_failing_endpoint_is_retried_in_order_per_object() {
    let hook = Receiver::start().await;
    // The first two attempts fail (a 500, then a redirect, which Svix counts as a failure).
    hook.answer(&[500, 302]);
    let emu = emu_with(&[&hook.url], 0.001).await;
    let ada = emu.user_id("ada@example.com").await;
    emu.patch(&format!("/users/{ada}"), json!({"first_name": "Ada"}))
        .await
        .ok();
    emu.patch(&format!("/users/{ada}"), json!({"last_name": "Lovelace"}))
        .await
        .ok();
    let events = hook
        .wait("the three user events", |es| kinds_for(es, &ada).len() == 3)
        .await;
    // The updates waited for the creation's retries: the order holds.
    assert_eq!(
        kinds_for(&events, &ada),
        ["user.created", "user.updated", "user.updated"]
    );
    let updated: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "user.updated")
        .collect();
    assert_eq!(updated[0]["data"]["first_name"], "Ada");
    assert!(updated[0]["data"]["last_name"].is_null());
    assert_eq!(updated[1]["data"]["last_name"], "Lovelace");
    let tries: Vec<u16> = hook
        .all()
        .iter()
        .filter(|r| r.event()["data"]["id"] == ada.as_str())
        .map(|r| r.status)
        .collect();
    assert_eq!(tries, [500, 302, 204, 204, 204]);
    // A retry is the same message (the same svix-id), signed anew.
    let created: Vec<Received> = hook
        .all()
        .into_iter()
        .filter(|r| r.event()["type"] == "user.created")
        .collect();
    assert_eq!(created.len(), 3);
    assert!(
        created
            .iter()
            .all(|r| r.header("svix-id") == created[0].header("svix-id"))
    );
    created.iter().for_each(assert_signed);
    let listed = deliveries(&emu, "?type=user.created").await;
    let attempts: Vec<&Value> = listed["data"][0]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["response_status_code"])
        .collect();
    assert_eq!(attempts, [&json!(500), &json!(302), &json!(204)]);
}

/// Each API change, and the event it makes, whose `data` is the API's answer.
#[tokio::test]
async fn every_change_makes_clerks_event_with_the_answer_as_data() {
    let hook = Receiver::start().await;
    let emu = emu_with(&[&hook.url], 1.0).await;
    let mut expected: Vec<(&str, Value)> = Vec::new();

    let ada = emu
        .user("ada@example.com", json!({"external_id": "ext-ada"}))
        .await;
    let ada_id = id(&ada);
    expected.push(("user.created", ada.clone()));
    let grace = emu.user("grace@example.com", json!({})).await;
    let grace_id = id(&grace);
    expected.push(("user.created", grace.clone()));
    let updated = emu
        .patch(&format!("/users/{ada_id}"), json!({"first_name": "Ada"}))
        .await
        .ok();
    expected.push(("user.updated", updated));
    let merged = emu
        .patch(
            &format!("/users/{ada_id}/metadata"),
            json!({"public_metadata": {"plan": "pro"}}),
        )
        .await
        .ok();
    expected.push(("user.updated", merged));
    let locked = emu.post_empty(&format!("/users/{ada_id}/lock")).await.ok();
    expected.push(("user.updated", locked));

    let org = emu.org("Acme", json!({"created_by": ada_id})).await;
    let org_id = id(&org);
    expected.push(("organization.created", org.clone()));
    let creator = emu
        .get(&format!("/organizations/{org_id}/memberships"))
        .await
        .ok()["data"][0]
        .clone();
    expected.push(("organizationMembership.created", creator.clone()));
    let renamed = emu
        .patch(
            &format!("/organizations/{org_id}"),
            json!({"name": "Acme 2"}),
        )
        .await
        .ok();
    expected.push(("organization.updated", renamed));
    let org_meta = emu
        .patch(
            &format!("/organizations/{org_id}/metadata"),
            json!({"public_metadata": {"tier": 1}}),
        )
        .await
        .ok();
    expected.push(("organization.updated", org_meta));

    let member = emu.member(&org_id, &grace_id, "org:member").await;
    expected.push(("organizationMembership.created", member.clone()));
    let promoted = emu
        .patch(
            &format!("/organizations/{org_id}/memberships/{grace_id}"),
            json!({"role": "org:admin"}),
        )
        .await
        .ok();
    expected.push(("organizationMembership.updated", promoted));
    let member_meta = emu
        .patch(
            &format!("/organizations/{org_id}/memberships/{grace_id}/metadata"),
            json!({"public_metadata": {"desk": 4}}),
        )
        .await
        .ok();
    expected.push(("organizationMembership.updated", member_meta));

    let inv = emu
        .post(
            &format!("/organizations/{org_id}/invitations"),
            json!({"email_address": "lin@example.com", "role": "org:member", "inviter_user_id": ada_id}),
        )
        .await
        .ok();
    expected.push(("organizationInvitation.created", inv.clone()));
    let revoked = emu
        .post(
            &format!("/organizations/{org_id}/invitations/{}/revoke", id(&inv)),
            json!({"requesting_user_id": ada_id}),
        )
        .await
        .ok();
    expected.push(("organizationInvitation.revoked", revoked));
    let bulk = emu
        .post(
            &format!("/organizations/{org_id}/invitations/bulk"),
            json!([{"email_address": "one@example.com", "role": "org:member"},
                   {"email_address": "two@example.com", "role": "org:member"}]),
        )
        .await
        .ok();
    for inv in crate::support::items(&bulk) {
        expected.push(("organizationInvitation.created", inv.clone()));
    }
    // Invitations to sign up make no event: Clerk has none for them.
    emu.post("/invitations", json!({"email_address": "new@example.com"}))
        .await
        .ok();

    let session = emu
        .post("/sessions", json!({"user_id": grace_id}))
        .await
        .ok();
    let mut with_user = session.clone();
    with_user["user"] = emu.get(&format!("/users/{grace_id}")).await.ok();
    expected.push(("session.created", with_user));

    // Banning revokes the session: the user's update, then the session's revocation.
    let banned = emu.post_empty(&format!("/users/{grace_id}/ban")).await.ok();
    expected.push(("user.updated", banned.clone()));
    let mut revoked_session = emu.get(&format!("/sessions/{}", id(&session))).await.ok();
    revoked_session["user"] = banned;
    expected.push(("session.revoked", revoked_session));

    let removed = emu
        .delete(&format!("/organizations/{org_id}/memberships/{grace_id}"))
        .await
        .ok();
    expected.push(("organizationMembership.deleted", removed));
    // Deleting the organization removes the creator's membership too.
    let last = emu
        .get(&format!("/organizations/{org_id}/memberships"))
        .await
        .ok()["data"][0]
        .clone();
    let gone = emu.delete(&format!("/organizations/{org_id}")).await.ok();
    // As the membership endpoints answer it: the organization has no `members_count`.
    expected.push(("organizationMembership.deleted", last.clone()));
    expected.push(("organization.deleted", gone.clone()));
    assert_eq!(
        gone,
        json!({"object": "organization", "id": org_id, "slug": org["slug"], "deleted": true})
    );
    let user_gone = emu.delete(&format!("/users/{ada_id}")).await.ok();
    expected.push(("user.deleted", user_gone.clone()));
    assert_eq!(
        user_gone,
        json!({"object": "user", "id": ada_id, "external_id": "ext-ada", "deleted": true})
    );

    let n = expected.len();
    let events = hook.wait("every event", |es| es.len() >= n).await;
    assert_eq!(events.len(), n, "no other events");
    // Per object, the order of the changes; across objects, any order.
    let mut got: Vec<(String, Value)> = events
        .iter()
        .map(|e| (e["type"].as_str().unwrap().to_owned(), e["data"].clone()))
        .collect();
    for (kind, data) in &expected {
        let at = got
            .iter()
            .position(|(k, d)| k == kind && d == data)
            .unwrap_or_else(|| panic!("no {kind} event with data {data}\ngot: {got:#?}"));
        let (_, d) = got.remove(at);
        // Nothing about the same object came before it.
        let object = d["id"].clone();
        assert!(
            got.iter().take(at).all(|(_, other)| other["id"] != object),
            "{kind} about {object} arrived after a later change of it"
        );
    }
}

#[tokio::test]
async fn a_down_endpoint_gets_every_attempt_then_the_delivery_is_listed_as_failed() {
    let up = Receiver::start().await;
    let down = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hooks", l.local_addr().unwrap())
    };
    // Svix's schedule, more than a day, in about a second.
    let emu = emu_with(&[&down, &up.url], 0.00001).await;
    let ada = emu.user_id("ada@example.com").await;
    let sid = id(&emu.post("/sessions", json!({"user_id": ada})).await.ok());
    let listed = loop_until_failed(&emu, &sid).await;
    assert_eq!(listed["endpoint"], down.as_str());
    let attempts = listed["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 8, "Svix's eight attempts");
    assert!(
        attempts
            .iter()
            .all(|a| a["response_status_code"].is_null() && a["error"] == "connection failed")
    );
    assert!(listed["next_attempt_at"].is_null());
    // The endpoint that is up got it once.
    let events = up
        .wait("the delivery to the endpoint that is up", |es| {
            !kinds_for(es, &sid).is_empty()
        })
        .await;
    assert_eq!(kinds_for(&events, &sid), ["session.created"]);
    let ok = deliveries(&emu, &format!("?status=succeeded&object_id={sid}")).await;
    assert_eq!(ok["data"][0]["message_id"], listed["message_id"]);
    emu.own(Method::GET, "/_emulator/webhooks/deliveries?status=lost")
        .send()
        .await
        .err(400, "invalid_query_parameter_value");
}

async fn loop_until_failed(emu: &Emu, object: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let listed = deliveries(emu, &format!("?status=failed&object_id={object}")).await;
        if listed["total_count"] == 1 {
            return listed["data"][0].clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "no failed delivery");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn pending_deliveries_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    // An endpoint that is down now and comes up later on the same address.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let url = format!("http://{addr}/clerk/webhooks");
    let config = Config {
        data: Some(dir.path().join("state.db")),
        signing_key: Some(fixture("signing-key.pem")),
        webhooks: options(&[&url], 0.01),
        ..Config::default()
    };
    let first = Emu::with(config.clone()).await;
    let ada = first.user_id("ada@example.com").await;
    let sid = id(&first.post("/sessions", json!({"user_id": ada})).await.ok());
    let tried = {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let l = deliveries(&first, &format!("?object_id={sid}")).await;
            if l["data"][0]["attempts"]
                .as_array()
                .is_some_and(|a| !a.is_empty())
            {
                break l;
            }
            assert!(tokio::time::Instant::now() < deadline);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    assert_eq!(tried["data"][0]["status"], "pending");
    first.emulator.shutdown().await;

    let hook = Receiver::on(tokio::net::TcpListener::bind(addr).await.unwrap()).await;
    let second = Emu::with(config).await;
    let events = hook
        .wait("the kept delivery", |es| !kinds_for(es, &sid).is_empty())
        .await;
    assert_eq!(kinds_for(&events, &sid), ["session.created"]);
    let listed = deliveries(&second, &format!("?object_id={sid}")).await;
    assert_eq!(listed["data"][0]["status"], "succeeded");
    assert!(listed["data"][0]["attempts"].as_array().unwrap().len() >= 2);
}

#[tokio::test]
async fn a_generated_secret_is_kept_in_the_data_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data: Some(dir.path().join("state.db")),
        signing_key: Some(fixture("signing-key.pem")),
        webhooks: WebhookOptions {
            endpoints: vec!["http://127.0.0.1:9/hooks".into()],
            ..WebhookOptions::default()
        },
        ..Config::default()
    };
    let first = Emulator::start(config.clone()).await.unwrap();
    let Some(WebhookSecretSource::Generated(secret)) = first.webhook_secret().cloned() else {
        panic!("a secret is generated");
    };
    assert!(WebhookSecret::parse(&secret).is_ok(), "{secret}");
    first.shutdown().await;
    let second = Emulator::start(config).await.unwrap();
    assert_eq!(
        second.webhook_secret(),
        Some(&WebhookSecretSource::Generated(secret))
    );
    // A given secret is not the emulator's to show.
    let given = Emulator::start(Config {
        webhooks: options(&["http://127.0.0.1:9/hooks"], 1.0),
        signing_key: Some(fixture("signing-key.pem")),
        ..Config::default()
    })
    .await
    .unwrap();
    assert_eq!(given.webhook_secret(), Some(&WebhookSecretSource::Given));
}

#[tokio::test]
async fn webhook_endpoints_must_be_http_or_https() {
    for bad in [
        "ftp://example.com/hooks",
        "example.com/hooks",
        "file:///tmp/x",
    ] {
        let e = Emulator::start(Config {
            webhooks: options(&[bad], 1.0),
            signing_key: Some(fixture("signing-key.pem")),
            ..Config::default()
        })
        .await
        .expect_err("refused");
        assert!(e.to_string().starts_with("webhooks:"), "{bad}: {e}");
    }
    assert!(WebhookSecret::parse("not-a-secret").is_err());
}

#[tokio::test]
async fn without_webhooks_nothing_is_listed() {
    let emu = crate::tokens::emu().await;
    let ada = emu.user_id("ada@example.com").await;
    emu.post("/sessions", json!({"user_id": ada})).await.ok();
    assert_eq!(
        deliveries(&emu, "").await,
        json!({"data": [], "total_count": 0})
    );
}
