//! Seed files: users, organizations, memberships, invitations and roles loaded at start,
//! each entry checked as the Backend API would check its create request.

use clerk_emulator::server::StartError;
use clerk_emulator::{Config, Emulator, Settings};
use serde_json::{Value, json};

use crate::support::{Emu, ids, items};

fn seed_file(dir: &tempfile::TempDir, body: &Value) -> std::path::PathBuf {
    let path = dir.path().join("seed.json");
    std::fs::write(&path, body.to_string()).unwrap();
    path
}

#[tokio::test]
async fn a_seed_loads_everything_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let seed = seed_file(
        &dir,
        &json!({
            "roles": [{"key": "org:billing", "name": "Billing", "permissions": ["org:sys_billing:manage"]}],
            "users": [
                {"id": "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk", "email_address": ["ada@example.com"], "first_name": "Ada",
                 "last_active_at": 1700000000000_i64},
                {"email_address": ["grace@example.com"], "username": "grace_h"}
            ],
            "organizations": [
                {"id": "org_2xhFjEI5X2qWRvtV13BzSj8H6Dk", "name": "Acme", "slug": "acme",
                 "created_by": "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk", "admin_delete_enabled": false}
            ],
            "memberships": [
                {"organization_id": "acme", "user_id": "grace@example.com", "role": "org:billing"}
            ],
            "organization_invitations": [
                {"organization_id": "org_2xhFjEI5X2qWRvtV13BzSj8H6Dk", "email_address": "x@example.com", "role": "org:member"},
                {"organization_id": "acme", "email_address": "old@example.com", "role": "org:member", "status": "accepted"}
            ],
            "invitations": [
                {"email_address": "y@example.com"},
                {"email_address": "z@example.com", "status": "accepted"}
            ]
        }),
    );
    // The seed gives its organization a slug.
    let emu = Emu::with(Config {
        seed: Some(seed),
        settings: Settings::default().org_slugs(true),
        ..Config::default()
    })
    .await;
    assert_eq!(emu.counts(), [2, 1, 2, 2, 2]);
    let ada = emu
        .get("/users/user_2xhFjEI5X2qWRvtV13BzSj8H6Dk")
        .await
        .ok();
    assert_eq!(ada["first_name"], "Ada");
    assert_eq!(ada["last_active_at"], 1_700_000_000_000_i64);
    let org = emu.get("/organizations/acme").await.ok();
    assert_eq!(org["id"], "org_2xhFjEI5X2qWRvtV13BzSj8H6Dk");
    assert_eq!(org["admin_delete_enabled"], false);
    assert_eq!(org["pending_invitations_count"], 1);
    let members = emu
        .get("/organizations/acme/memberships?order_by=username")
        .await;
    // Memberships are listed by organization ID, not slug.
    members.err(404, "resource_not_found");
    let members = emu
        .get("/organizations/org_2xhFjEI5X2qWRvtV13BzSj8H6Dk/memberships?order_by=username")
        .await
        .ok();
    assert_eq!(members["total_count"], 2);
    let billing = items(&members)
        .iter()
        .find(|m| m["role"] == "org:billing")
        .expect("the seeded member");
    assert_eq!(billing["role_name"], "Billing");
    assert_eq!(billing["permissions"], json!(["org:sys_billing:manage"]));
    assert_eq!(
        billing["public_user_data"]["identifier"],
        "grace@example.com"
    );
    let accepted = emu.get("/invitations?status=accepted").await.ok();
    assert_eq!(accepted[0]["email_address"], "z@example.com");
    assert_eq!(accepted[0]["status"], "accepted");
    let all = emu
        .get("/organization_invitations?status=accepted")
        .await
        .ok();
    assert_eq!(ids(&all).len(), 1);
}

async fn start_error(seed: Value) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = seed_file(&dir, &seed);
    match Emulator::start(Config {
        seed: Some(path),
        ..Config::default()
    })
    .await
    {
        Ok(_) => panic!("the seed {seed} was accepted"),
        Err(e) => {
            assert!(matches!(e, StartError::Seed(_)), "{e}");
            e.to_string()
        }
    }
}

#[tokio::test]
async fn a_bad_seed_stops_the_start_and_says_which_entry() {
    let e = start_error(json!({"users": [{"email_address": ["a@example.com"]}, {"email_address": ["A@example.com"]}]})).await;
    assert!(
        e.contains("users[1]") && e.contains("form_identifier_exists"),
        "{e}"
    );
    let e = start_error(
        json!({"memberships": [{"organization_id": "nope", "user_id": "x", "role": "org:member"}]}),
    )
    .await;
    assert!(
        e.contains("memberships[0]") && e.contains("resource_not_found"),
        "{e}"
    );
    let e = start_error(json!({"people": []})).await;
    assert!(e.contains("not valid"), "{e}");
    let e =
        start_error(json!({"users": [{"id": "usr_1", "email_address": ["a@example.com"]}]})).await;
    assert!(e.contains("users[0]"), "{e}");
    let e = start_error(json!({"users": [{"email_address": ["a@example.com"], "external_accounts": [{"provider": "oauth_google"}]}]})).await;
    assert!(e.contains("provider_user_id"), "{e}");
}
