//! `clerkctl invitations ...` (organization invitations) and `clerkctl app-invitations ...`.

use serde_json::json;

use crate::support::{Cli, Emu, ids};

fn emails(v: &serde_json::Value) -> Vec<String> {
    let items = v.get("data").unwrap_or(v);
    let mut out: Vec<String> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["email_address"].as_str().unwrap().to_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn list_per_organization_and_instance_wide() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let acme = cli.run(&["invitations", "list", "org_acme"]).ok().json();
    assert_eq!(emails(&acme), ["donald@acme.test", "margaret@acme.test"]);
    assert_eq!(acme["total_count"], 2);
    let one = cli
        .run(&[
            "invitations",
            "list",
            "org_acme",
            "--email-address",
            "donald@acme.test",
        ])
        .ok()
        .json();
    assert_eq!(emails(&one), ["donald@acme.test"]);
    let paged = cli
        .run(&["invitations", "list", "org_acme", "--limit", "1"])
        .ok()
        .json();
    assert_eq!(ids(&paged).len(), 1);
    assert_eq!(paged["total_count"], 2);
    let revoked = cli
        .run(&["invitations", "list", "org_acme", "--status", "revoked"])
        .ok()
        .json();
    assert_eq!(revoked["total_count"], 0);

    let everywhere = cli.run(&["invitations", "list"]).ok().json();
    assert_eq!(
        emails(&everywhere),
        ["donald@acme.test", "john@globex.test", "margaret@acme.test"]
    );
    let queried = cli
        .run(&[
            "invitations",
            "list",
            "--query",
            "globex",
            "--status",
            "pending",
        ])
        .ok()
        .json();
    assert_eq!(emails(&queried), ["john@globex.test"]);
    let streamed = cli
        .run(&[
            "invitations",
            "list",
            "--all",
            "--limit",
            "1",
            "-o",
            "ndjson",
        ])
        .ok()
        .ndjson();
    assert_eq!(streamed.len(), 3);

    // Each list's flags belong to one shape of the command.
    cli.run(&["invitations", "list", "org_acme", "--query", "x"])
        .code(2);
    cli.run(&["invitations", "list", "--email-address", "x@y.test"])
        .code(2);
    cli.run(&[
        "invitations",
        "list",
        "--status",
        "pending",
        "--status",
        "revoked",
    ])
    .code(2);
}

#[test]
fn get_create_revoke() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let created = cli
        .run(&[
            "invitations",
            "create",
            "org_acme",
            "alice@example.com",
            "--role",
            "org:member",
            "--inviter-user-id",
            "user_ada",
            "--expires-in-days",
            "7",
            "--redirect-url",
            "https://app.example.com/welcome",
            "--no-notify",
            "--public-metadata",
            r#"{"source": "cli"}"#,
            "--private-metadata",
            r#"{"ticket": 9}"#,
        ])
        .ok()
        .json();
    assert_eq!(created["object"], "organization_invitation");
    assert_eq!(created["status"], "pending");
    assert_eq!(created["role"], "org:member");
    assert_eq!(created["inviter_id"], "user_ada");
    assert_eq!(created["public_metadata"], json!({"source": "cli"}));
    let week = 7 * 24 * 3600 * 1000;
    assert_eq!(
        created["expires_at"].as_i64().unwrap() - created["created_at"].as_i64().unwrap(),
        week
    );
    let id = created["id"].as_str().unwrap();
    assert_eq!(emu.org_invitation_id("org_acme", "alice@example.com"), id);

    let got = cli.run(&["invitations", "get", "org_acme", id]).ok().json();
    assert_eq!(got["email_address"], "alice@example.com");

    cli.run(&["invitations", "revoke", "org_acme", id]).code(7);
    let revoked = cli
        .run(&[
            "invitations",
            "revoke",
            "org_acme",
            id,
            "--requesting-user-id",
            "user_grace",
            "--yes",
        ])
        .ok()
        .json();
    assert_eq!(revoked["status"], "revoked");
    let stored = emu
        .org_invitations("org_acme")
        .into_iter()
        .find(|i| i["id"] == id)
        .unwrap();
    assert_eq!(stored["status"], "revoked");

    // Clerk's index makes OrganizationInvitationNotPending a 404: exit 4.
    let err = cli
        .run(&["invitations", "revoke", "org_acme", id, "--yes"])
        .code(4)
        .error();
    assert_eq!(err["code"], "organization_invitation_not_pending");
    assert_eq!(
        err["hint"],
        "the invitation is no longer pending; nothing to revoke"
    );
}

#[test]
fn a_second_pending_invitation_is_refused_with_a_hint() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let err = cli
        .run(&[
            "invitations",
            "create",
            "org_acme",
            "margaret@acme.test",
            "--role",
            "org:member",
        ])
        .code(5)
        .error();
    assert!(
        err["hint"]
            .as_str()
            .unwrap()
            .contains("clerkctl invitations list ORG_ID --status pending"),
        "{err}"
    );
    assert_eq!(emu.org_invitations("org_acme").len(), 2);
}

#[test]
fn app_invitations_list_create_revoke() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let listed = cli.run(&["app-invitations", "list"]).ok().json();
    assert_eq!(emails(&listed), ["radia@example.test", "tim@example.test"]);
    assert_eq!(listed["total_count"], 2);
    let paged = cli
        .run(&["app-invitations", "list", "--limit", "1", "--offset", "1"])
        .ok()
        .json();
    assert_eq!(ids(&paged).len(), 1);
    let queried = cli
        .run(&["app-invitations", "list", "--query", "radia"])
        .ok()
        .json();
    assert_eq!(emails(&queried), ["radia@example.test"]);

    let created = cli
        .run(&[
            "app-invitations",
            "create",
            "bob@example.com",
            "--public-metadata",
            r#"{"plan": "trial"}"#,
            "--redirect-url",
            "https://app.example.com/signup",
            "--expires-in-days",
            "3",
            "--no-notify",
            "--template-slug",
            "invitation",
        ])
        .ok()
        .json();
    assert_eq!(created["object"], "invitation");
    assert_eq!(created["status"], "pending");
    assert_eq!(created["public_metadata"], json!({"plan": "trial"}));
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(emu.invitation_id("bob@example.com"), id);

    let err = cli
        .run(&["app-invitations", "create", "bob@example.com"])
        .code(5)
        .error();
    assert_eq!(err["code"], "duplicate_record");
    cli.run(&[
        "app-invitations",
        "create",
        "bob@example.com",
        "--ignore-existing",
    ])
    .ok();

    cli.run(&["app-invitations", "revoke", &id]).code(7);
    let revoked = cli
        .run(&["app-invitations", "revoke", &id, "--yes"])
        .ok()
        .json();
    assert_eq!(revoked["status"], "revoked");
    let status = emu
        .invitations()
        .into_iter()
        .find(|i| i["id"] == id.as_str())
        .unwrap()["status"]
        .clone();
    assert_eq!(status, "revoked");
    let revoked_list = cli
        .run(&["app-invitations", "list", "--status", "revoked"])
        .ok()
        .json();
    assert_eq!(ids(&revoked_list), [id]);
}

#[test]
fn every_list_flag_reaches_the_request() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    assert_eq!(
        cli.dry_query(&[
            "invitations",
            "list",
            "org_acme",
            "--status",
            "pending",
            "--status",
            "expired",
            "--email-address",
            "a@b.co",
            "--order-by",
            "-created_at",
            "--offset",
            "2",
        ]),
        "status=pending&status=expired&email_address=a%40b.co&offset=2&order_by=-created_at"
    );
    assert_eq!(
        cli.dry_query(&[
            "invitations",
            "list",
            "--status",
            "accepted",
            "--query",
            "acme",
            "--limit",
            "3"
        ]),
        "status=accepted&query=acme&limit=3"
    );
    assert_eq!(
        cli.dry_query(&[
            "app-invitations",
            "list",
            "--status",
            "revoked",
            "--query",
            "tim",
            "--limit",
            "5",
            "--offset",
            "1",
            "--order-by",
            "+email_address",
        ]),
        "paginated=true&status=revoked&query=tim&limit=5&offset=1&order_by=%2Bemail_address",
        "paginated=true asks for the {{data, total_count}} shape"
    );
}
