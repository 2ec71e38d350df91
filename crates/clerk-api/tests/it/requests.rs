//! Building requests: bodies that merge, values that serialize, typed IDs, and retry policies
//! set per request.

use std::time::Duration;

use clerk_api::ids::{OrganizationRef, UserId};
use clerk_api::{Error, RetryPolicy};
use clerk_emulator::config::{FaultKind, Faults};
use clerk_emulator::{Config, Settings};
use serde::Serialize;
use serde_json::json;

use crate::support::{client_for, emulator, setup};

#[tokio::test]
async fn a_body_merges_into_what_the_constructor_set() {
    let (_emu, clerk) = setup().await;
    let org = clerk
        .organizations()
        .create("Merge Inc")
        .send()
        .await
        .unwrap();
    let req = clerk
        .organization_invitations(&org.id)
        .create("ada@example.com", "org:member")
        .expires_in_days(3)
        .body(json!({"notify": false, "role": "org:admin"}));
    assert_eq!(
        req.spec().body,
        Some(json!({
            "email_address": "ada@example.com",
            "role": "org:admin",
            "expires_in_days": 3,
            "notify": false
        })),
        "the constructor's fields stay, the body's win where both set one"
    );
    let inv = req.send().await.unwrap();
    assert_eq!(inv.role, "org:admin");
}

#[derive(Serialize)]
struct Plan {
    plan: &'static str,
    seats: u32,
}

#[tokio::test]
async fn metadata_takes_anything_that_serializes_to_an_object() {
    let (_emu, clerk) = setup().await;
    let user = clerk
        .users()
        .create()
        .username("serde_fan")
        .public_metadata(Plan {
            plan: "pro",
            seats: 3,
        })
        .private_metadata(json!({"tier": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        serde_json::Value::Object(user.public_metadata.clone()),
        json!({"plan": "pro", "seats": 3})
    );

    let before = clerk.stats().requests;
    let err = clerk
        .users()
        .update_metadata(&user.id)
        .public_metadata(vec![1, 2, 3])
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid(m) if m.contains("public_metadata must be a JSON object")),
        "{err:?}"
    );
    assert_eq!(clerk.stats().requests, before, "nothing was sent");
}

#[tokio::test]
async fn ids_from_strings_are_checked_before_anything_is_sent() {
    // The organization gets a slug: an instance with slugs on.
    let emu = emulator(Config {
        settings: Settings::default().org_slugs(true),
        ..Config::default()
    })
    .await;
    let clerk = client_for(&emu);
    async fn get(clerk: &clerk_api::Client, raw: &str) -> clerk_api::Result<String> {
        let id: UserId = raw.parse()?;
        Ok(clerk.users().get(&id).send().await?.id.to_string())
    }
    let err = get(&clerk, "org_2xhFjEI5X2qWRvtV13BzSj8H6Dk")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Id(_)), "{err:?}");
    assert!(err.to_string().contains("is not a user ID"), "{err}");
    assert_eq!(clerk.stats().requests, 0);

    let org = clerk
        .organizations()
        .create("Slugged")
        .slug("slugged")
        .send()
        .await
        .unwrap();
    let by_ref: OrganizationRef = "slugged".parse().unwrap();
    assert_eq!(
        clerk.organizations().get(by_ref).send().await.unwrap().id,
        org.id
    );
    assert_eq!(
        clerk
            .organizations()
            .get(&org.id)
            .send()
            .await
            .unwrap()
            .slug
            .as_deref(),
        Some("slugged")
    );
}

#[tokio::test]
async fn a_request_can_carry_its_own_retry_policy() {
    let emu = emulator(Config {
        faults: Faults {
            rate: 1.0,
            kinds: vec![FaultKind::Unavailable],
            retry_after_secs: 0,
            seed: Some(3),
        },
        ..Config::default()
    })
    .await;
    let clerk = client_for(&emu);
    let err = clerk
        .users()
        .count()
        .retry(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(clerk.stats().requests, 1, "sent once, as the request asked");

    let err = clerk
        .users()
        .count()
        .retry(RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(clerk.stats().requests, 1 + 3);

    // The client's own policy (four retries) for requests that set none.
    clerk.users().count().send().await.unwrap_err();
    assert_eq!(clerk.stats().requests, 1 + 3 + 5);
}
