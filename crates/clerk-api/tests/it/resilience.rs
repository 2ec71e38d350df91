//! Retries, ambiguity and pacing against the emulator's injected faults and rate limits.

use std::time::Duration;

use clerk_api::{Client, RateLimit, RetryPolicy, SecretKey};
use clerk_emulator::config::{FaultKind, Faults};
use clerk_emulator::{Config, RateLimit as ServerLimit, Settings};

use crate::support::{KEY, client_for, emulator};

fn faulty(kinds: &[FaultKind], rate: f64) -> Config {
    Config {
        faults: Faults {
            rate,
            kinds: kinds.to_vec(),
            retry_after_secs: 0,
            seed: Some(7),
        },
        ..Config::default()
    }
}

/// A client that retries many times, quickly: with half the requests failing, a few in a row
/// fail often enough that the default five attempts would make the test flaky.
fn patient_client(emu: &clerk_emulator::Emulator) -> Client {
    Client::builder()
        .secret_key(SecretKey::new(KEY))
        .api_url(&emu.base_url())
        .unwrap()
        .retry(RetryPolicy {
            max_retries: 40,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn reads_are_retried_through_429_502_503_504_and_drops() {
    let emu = emulator(faulty(
        &[
            FaultKind::RateLimited,
            FaultKind::BadGateway,
            FaultKind::Unavailable,
            FaultKind::Drop,
        ],
        0.5,
    ))
    .await;
    let clerk = patient_client(&emu);
    for _ in 0..40 {
        let n = clerk
            .users()
            .count()
            .send()
            .await
            .expect("retries get through");
        assert_eq!(n, 0);
    }
    let stats = clerk.stats();
    assert!(
        stats.retries > 0,
        "with half the requests failing, some were retried: {stats:?}"
    );
    assert_eq!(stats.requests, 40 + stats.retries);
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_not_repeated() {
    let emu = emulator(faulty(&[FaultKind::Drop], 1.0)).await;
    let clerk = client_for(&emu);
    let err = clerk
        .organizations()
        .create("Dropped Inc")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_ambiguous(), "{err:?}");
    assert_eq!(clerk.stats().requests, 1, "not sent twice");
    assert_eq!(emu.engine().counts()[1], 1, "the write happened once");
}

#[tokio::test]
async fn a_create_behind_a_502_is_not_repeated() {
    let emu = emulator(faulty(&[FaultKind::BadGateway], 1.0)).await;
    let clerk = client_for(&emu);
    let err = clerk
        .organizations()
        .create("Gateway Inc")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert!(err.is_ambiguous());
    assert_eq!(clerk.stats().requests, 1);
    assert_eq!(emu.engine().counts()[1], 1);
}

#[tokio::test]
async fn a_create_refused_with_429_or_503_is_retried() {
    let emu = emulator(faulty(
        &[FaultKind::RateLimited, FaultKind::Unavailable],
        0.5,
    ))
    .await;
    let clerk = patient_client(&emu);
    for i in 0..20 {
        clerk
            .organizations()
            .create(format!("Org {i}"))
            .send()
            .await
            .unwrap();
    }
    assert_eq!(emu.engine().counts()[1], 20, "each created exactly once");
    assert!(clerk.stats().retries > 0);
}

#[tokio::test]
async fn non_retryable_answers_come_back_at_once() {
    let emu = emulator(faulty(&[FaultKind::Internal], 1.0)).await;
    let clerk = client_for(&emu);
    let err = clerk.users().count().send().await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(clerk.stats().requests, 1);
}

#[tokio::test]
async fn a_refused_connection_to_this_machine_is_reported_at_once() {
    let emu = emulator(Config::default()).await;
    let url = emu.base_url();
    emu.shutdown().await;
    let clerk = Client::builder()
        .secret_key(SecretKey::new(KEY))
        .api_url(&url)
        .unwrap()
        .retry(RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let err = clerk
        .organizations()
        .create("Nobody Home")
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_ambiguous(), "nothing was sent: {err:?}");
    assert!(err.nothing_listening(), "{err:?}");
    assert_eq!(
        clerk.stats().requests,
        1,
        "nothing listens on a loopback port: retrying would only wait (a refused connection \
         elsewhere is retried: see the policy's tests)"
    );
    assert!(err.to_string().contains("could not connect"), "{err}");
}

#[tokio::test]
async fn pacing_keeps_under_the_servers_limit() {
    let emu = emulator(Config {
        settings: Settings {
            rate_limit: Some(ServerLimit {
                requests: 4,
                window: Duration::from_millis(400),
            }),
            ..Settings::default()
        },
        ..Config::default()
    })
    .await;
    let clerk = Client::builder()
        .secret_key(SecretKey::new(KEY))
        .api_url(&emu.base_url())
        .unwrap()
        .rate_limit(RateLimit {
            requests: 4,
            per: Duration::from_millis(400),
        })
        .build()
        .unwrap();
    for _ in 0..12 {
        clerk.users().count().send().await.unwrap();
    }
    assert_eq!(
        clerk.stats().rate_limited,
        0,
        "paced requests never meet a 429"
    );
    assert_eq!(clerk.stats().requests, 12);
}
