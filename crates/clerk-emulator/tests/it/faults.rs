//! Injected faults. 500, 503 and 429 strike before the request is handled: nothing is written.
//! 502 and `drop` strike after the write committed: the client sees a failure (for `drop`, a
//! connection closed with no answer), yet the object exists. Rate limits count requests per key.

use std::sync::Arc;
use std::time::Duration;

use clerk_emulator::config::FaultKind;
use clerk_emulator::{Config, Emulator, Faults, RateLimit, Settings};
use reqwest::Method;
use serde_json::json;

use crate::support::Emu;

fn faulty(kind: FaultKind) -> Config {
    Config {
        faults: Faults {
            rate: 1.0,
            kinds: vec![kind],
            retry_after_secs: 7,
            seed: Some(42),
        },
        ..Config::default()
    }
}

/// A second, fault-free server on the same engine: it shows what the faulty one stored.
async fn observer(emu: &Emu) -> Emu {
    let engine = Arc::clone(emu.emulator.engine());
    Emu::around(
        Emulator::serve(engine, &Config::default())
            .await
            .expect("observer starts"),
    )
}

#[tokio::test]
async fn faults_before_handling_write_nothing() {
    for (kind, status, code) in [
        (FaultKind::Internal, 500, "internal_clerk_error"),
        (FaultKind::Unavailable, 503, "service_unavailable"),
        (FaultKind::RateLimited, 429, "too_many_requests"),
    ] {
        let emu = Emu::with(faulty(kind)).await;
        let clean = observer(&emu).await;
        let org = clean.org_id("Acme").await;
        let before = clean.counts();
        let writes = [
            (
                Method::POST,
                "/users".to_owned(),
                json!({"email_address": ["a@example.com"]}),
            ),
            (
                Method::POST,
                "/organizations".to_owned(),
                json!({"name": "Other"}),
            ),
            (
                Method::POST,
                format!("/organizations/{org}/invitations"),
                json!({"email_address": "b@example.com", "role": "org:member"}),
            ),
            (
                Method::POST,
                "/invitations".to_owned(),
                json!({"email_address": "c@example.com"}),
            ),
            (Method::DELETE, format!("/organizations/{org}"), json!({})),
        ];
        for (method, path, body) in writes {
            let r = emu.req(method.clone(), &path).json(body).send().await;
            r.err(status, code);
            if kind == FaultKind::RateLimited {
                assert_eq!(r.header("retry-after"), Some("7"), "{method} {path}");
            }
        }
        assert_eq!(clean.counts(), before, "{kind:?} wrote nothing");
        assert_eq!(clean.user_count("").await, 0);
        clean.get(&format!("/organizations/{org}")).await.ok();
    }
}

#[tokio::test]
async fn a_502_comes_after_the_write_committed() {
    let emu = Emu::with(faulty(FaultKind::BadGateway)).await;
    let clean = observer(&emu).await;
    let r = emu
        .post("/users", json!({"email_address": ["ada@example.com"]}))
        .await;
    r.err(502, "bad_gateway");
    let found = clean.get("/users?email_address=ada@example.com").await.ok();
    assert_eq!(found.as_array().unwrap().len(), 1, "the user was created");
    // Retrying a create the careless way makes a duplicate attempt, which Clerk refuses.
    clean
        .post("/users", json!({"email_address": ["ada@example.com"]}))
        .await
        .err(422, "form_identifier_exists");
}

#[tokio::test]
async fn a_dropped_answer_comes_after_the_write_committed() {
    let emu = Emu::with(faulty(FaultKind::Drop)).await;
    let clean = observer(&emu).await;
    for i in 0..3 {
        let result = emu
            .req(Method::POST, "/invitations")
            .json(json!({"email_address": format!("inv{i}@example.com")}))
            .try_send()
            .await;
        let err = result.expect_err("the connection closes with no answer");
        assert!(!err.is_status() && !err.is_timeout(), "{err:?}");
    }
    let list = clean.get("/invitations?paginated=true").await.ok();
    assert_eq!(list["total_count"], 3, "every dropped create was committed");
    // Reads are dropped too.
    let user = clean.user_id("ada@example.com").await;
    assert!(
        emu.req(Method::GET, &format!("/users/{user}"))
            .try_send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_fault_rate_strikes_that_fraction_reproducibly() {
    let run = |seed| async move {
        let emu = Emu::with(Config {
            faults: Faults {
                rate: 0.5,
                kinds: vec![FaultKind::Internal, FaultKind::Unavailable],
                retry_after_secs: 1,
                seed: Some(seed),
            },
            ..Config::default()
        })
        .await;
        let mut statuses = Vec::new();
        for _ in 0..40 {
            statuses.push(emu.get("/users").await.status);
        }
        statuses
    };
    let a = run(7).await;
    assert_eq!(a, run(7).await, "the same seed draws the same faults");
    let ok = a.iter().filter(|s| **s == 200).count();
    assert!((8..=32).contains(&ok), "about half fail: {a:?}");
    assert!(a.iter().all(|s| [200, 500, 503].contains(s)), "{a:?}");
    // No rate, no faults.
    let calm = Emu::with(Config {
        faults: Faults {
            rate: 0.0,
            ..Faults::default()
        },
        ..Config::default()
    })
    .await;
    for _ in 0..20 {
        calm.get("/users").await.ok();
    }
}

fn limited(requests: u32) -> Config {
    Config {
        settings: Settings {
            // A long window: the test counts requests and never waits for it to pass.
            rate_limit: Some(RateLimit {
                requests,
                window: Duration::from_secs(3600),
            }),
            ..Settings::default()
        },
        ..Config::default()
    }
}

#[tokio::test]
async fn rate_limits_count_requests_per_key() {
    let emu = Emu::with(limited(3)).await;
    for _ in 0..3 {
        emu.get("/users").await.ok();
    }
    let r = emu
        .post("/users", json!({"email_address": ["a@example.com"]}))
        .await;
    let e = r.err(429, "too_many_requests");
    assert_eq!(e["message"], "Too many requests");
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(
        (1..=3600).contains(&retry),
        "whole seconds until the window frees: {retry}"
    );
    // Each key is its own instance, with its own budget.
    let other = "sk_test_other_instance";
    for _ in 0..3 {
        emu.req(Method::GET, "/users").key(other).send().await.ok();
    }
    emu.req(Method::GET, "/users")
        .key(other)
        .send()
        .await
        .err(429, "too_many_requests");
    assert_eq!(emu.counts(), [0; 5], "the refused create stored nothing");
    // Refused keys do not spend the budget.
    let fresh = Emu::with(limited(1)).await;
    for _ in 0..3 {
        fresh
            .req(Method::GET, "/users")
            .key("sk_live_nope")
            .send()
            .await
            .err(401, "clerk_key_invalid");
    }
    fresh.get("/users").await.ok();
    fresh.get("/users").await.err(429, "too_many_requests");
}

#[tokio::test]
async fn hourly_invitation_limits_apply_per_endpoint() {
    // A new instance's hourly limits, on organizations that take any number of invitations.
    let emu = Emu::with(Config {
        settings: Settings {
            membership_limit: 0,
            ..Settings::default()
        },
        ..Config::default()
    })
    .await;
    let org = emu.org_id("Acme").await;
    let item = |i: usize, prefix: &str| json!({"email_address": format!("{prefix}{i}@example.com"), "role": "org:member"});
    // POST /invitations/bulk: 25 an hour.
    for i in 0..25 {
        emu.post(
            "/invitations/bulk",
            json!([{"email_address": format!("b{i}@example.com")}]),
        )
        .await
        .ok();
    }
    let r = emu
        .post(
            "/invitations/bulk",
            json!([{"email_address": "late@example.com"}]),
        )
        .await;
    r.err(429, "too_many_requests");
    assert!(r.header("retry-after").is_some());
    // Other endpoints keep their own budgets: POST /invitations (100) still works.
    emu.post(
        "/invitations",
        json!({"email_address": "single@example.com"}),
    )
    .await
    .ok();
    // POST /organizations/{id}/invitations/bulk: 50 an hour.
    for i in 0..50 {
        emu.post(
            &format!("/organizations/{org}/invitations/bulk"),
            json!([item(i, "o")]),
        )
        .await
        .ok();
    }
    emu.post(
        &format!("/organizations/{org}/invitations/bulk"),
        json!([item(99, "o")]),
    )
    .await
    .err(429, "too_many_requests");
    let pending = emu
        .get(&format!("/organizations/{org}/invitations?limit=1"))
        .await
        .ok();
    assert_eq!(pending["total_count"], 50);
    // Reads are not limited.
    for _ in 0..5 {
        emu.get("/invitations").await.ok();
    }
}
