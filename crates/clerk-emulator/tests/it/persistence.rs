//! A data file keeps the instance across restarts. (The `kill -9` test runs the real binary:
//! see `crates/clerkctl/tests`.)

use std::path::Path;

use clerk_emulator::{Config, Settings};
use serde_json::{Value, json};

use crate::support::{Emu, id};

/// A data file at `path`, on an instance with slugs on (the tests give organizations slugs).
fn on(path: &Path) -> Config {
    Config {
        data: Some(path.to_owned()),
        settings: Settings::default().org_slugs(true),
        ..Config::default()
    }
}

/// Everything the instance answers, for before/after comparisons.
async fn snapshot(emu: &Emu) -> Value {
    json!({
        "users": emu.get("/users?limit=500&order_by=created_at").await.ok(),
        "orgs": emu.get("/organizations?limit=500&include_members_count=true").await.ok(),
        "members": emu.get("/organization_memberships?limit=500").await.ok(),
        "org_invitations": emu.get("/organization_invitations?limit=500").await.ok(),
        "invitations": emu.get("/invitations?limit=500&paginated=true").await.ok(),
        "revoked": emu.get("/invitations?limit=500&status=revoked").await.ok(),
    })
}

#[tokio::test]
async fn writes_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nested").join("clerk.db");
    let emu = Emu::with(on(&file)).await;
    let ada = emu
        .user(
            "ada@example.com",
            json!({"username": "ada_l", "public_metadata": {"a": {"b": 1}}}),
        )
        .await;
    let ada = id(&ada);
    let grace = emu.user_id("grace@example.com").await;
    let gone = emu.user_id("gone@example.com").await;
    let org = id(&emu
        .org("Acme", json!({"created_by": ada, "slug": "acme"}))
        .await);
    let doomed = emu.org_id("Doomed").await;
    emu.member(&org, &grace, "org:member").await;
    emu.member(&org, &gone, "org:member").await;
    emu.member(&doomed, &grace, "org:member").await;
    emu.patch(
        &format!("/users/{ada}/metadata"),
        json!({"public_metadata": {"a": {"c": 2}}}),
    )
    .await
    .ok();
    let inv = id(&emu
        .post(
            &format!("/organizations/{org}/invitations"),
            json!({"email_address": "x@example.com", "role": "org:member"}),
        )
        .await
        .ok());
    emu.post(
        &format!("/organizations/{org}/invitations/{inv}/revoke"),
        json!({}),
    )
    .await
    .ok();
    emu.post(
        &format!("/organizations/{org}/invitations"),
        json!({"email_address": "y@example.com", "role": "org:admin"}),
    )
    .await
    .ok();
    let app = id(&emu
        .post("/invitations", json!({"email_address": "z@example.com"}))
        .await
        .ok());
    emu.post(&format!("/invitations/{app}/revoke"), json!({}))
        .await
        .ok();
    emu.post("/invitations", json!({"email_address": "w@example.com"}))
        .await
        .ok();
    emu.delete(&format!("/users/{gone}")).await.ok();
    emu.delete(&format!("/organizations/{doomed}")).await.ok();
    let before = snapshot(&emu).await;
    let counts = emu.counts();
    assert_eq!(counts, [2, 1, 2, 2, 2]);
    emu.emulator.shutdown().await;

    let emu = Emu::with(on(&file)).await;
    assert_eq!(emu.counts(), counts);
    assert_eq!(snapshot(&emu).await, before);
    // Indexes were rebuilt: uniqueness, slugs and memberships work on the loaded data.
    emu.post("/users", json!({"email_address": ["ADA@example.com"]}))
        .await
        .err(422, "form_identifier_exists");
    emu.get("/organizations/acme").await.ok();
    emu.get(&format!("/organizations/{doomed}"))
        .await
        .err(404, "resource_not_found");
    emu.post(
        &format!("/organizations/{org}/memberships"),
        json!({"user_id": grace, "role": "org:member"}),
    )
    .await
    .err(400, "already_a_member_in_organization");
    // And the file keeps taking writes.
    emu.user_id("later@example.com").await;
    emu.emulator.shutdown().await;
    let emu = Emu::with(on(&file)).await;
    assert_eq!(emu.user_count("").await, 3);
}

#[tokio::test]
async fn a_seed_fills_a_new_data_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clerk.db");
    let seed = dir.path().join("seed.json");
    std::fs::write(
        &seed,
        json!({"users": [{"email_address": ["seeded@example.com"]}],
               "organizations": [{"name": "Seeded", "slug": "seeded"}]})
        .to_string(),
    )
    .unwrap();
    let config = Config {
        seed: Some(seed),
        ..on(&file)
    };
    let emu = Emu::with(config.clone()).await;
    emu.user_id("added@example.com").await;
    assert_eq!(emu.counts(), [2, 1, 0, 0, 0]);
    emu.emulator.shutdown().await;
    // Restarting with the same flags keeps what the file holds and seeds nothing twice.
    let emu = Emu::with(config).await;
    assert_eq!(emu.counts(), [2, 1, 0, 0, 0]);
    emu.get("/organizations/seeded").await.ok();
}

#[tokio::test]
async fn without_a_data_file_state_is_in_memory() {
    let emu = Emu::start().await;
    emu.user_id("ada@example.com").await;
    emu.emulator.shutdown().await;
    let emu = Emu::start().await;
    assert_eq!(emu.counts(), [0; 5]);
}
