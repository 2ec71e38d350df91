//! `clerkctl orgs ...` (alias `organizations`).

use serde_json::json;

use crate::support::{Cli, Emu, ids};

#[test]
fn list_with_filters_paging_and_counts() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let all = cli.run(&["orgs", "list"]).ok().json();
    assert_eq!(ids(&all), ["org_globex", "org_acme"]);
    assert_eq!(all["total_count"], 2);
    assert!(all["data"][0].get("members_count").is_none());

    let counted = cli
        .run(&["organizations", "list", "--include-members-count"])
        .ok()
        .json();
    assert_eq!(counted["data"][0]["members_count"], 2);
    assert_eq!(counted["data"][1]["members_count"], 3);

    let page = cli
        .run(&["orgs", "list", "--limit", "1", "--offset", "1"])
        .ok()
        .json();
    assert_eq!(ids(&page), ["org_acme"]);
    assert_eq!(page["total_count"], 2);
    let by_name = cli
        .run(&["orgs", "list", "--order-by", "+name"])
        .ok()
        .json();
    assert_eq!(ids(&by_name), ["org_acme", "org_globex"]);
    let query = cli.run(&["orgs", "list", "--query", "glob"]).ok().json();
    assert_eq!(ids(&query), ["org_globex"]);
    let of_user = cli
        .run(&["orgs", "list", "--user-id", "user_alan"])
        .ok()
        .json();
    assert_eq!(ids(&of_user), ["org_acme"]);
    let chosen = cli
        .run(&["orgs", "list", "--organization-id", "org_globex"])
        .ok()
        .json();
    assert_eq!(ids(&chosen), ["org_globex"]);
    let elevated = cli
        .run(&[
            "orgs",
            "list",
            "--include-missing-member-with-elevated-permissions",
        ])
        .ok()
        .json();
    assert_eq!(ids(&elevated), ["org_globex", "org_acme"]);

    let all = cli
        .run(&["orgs", "list", "--all", "--limit", "1", "-o", "ndjson"])
        .ok()
        .ndjson();
    let streamed: Vec<&str> = all.iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(streamed, ["org_globex", "org_acme"]);
}

#[test]
fn get_by_id_or_by_slug() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let by_id = cli.run(&["orgs", "get", "org_acme"]).ok().json();
    let by_slug = cli.run(&["orgs", "get", "acme"]).ok().json();
    assert_eq!(by_id, by_slug);
    assert_eq!(by_id, emu.org("org_acme").unwrap());
    let counted = cli
        .run(&["orgs", "get", "acme", "--include-members-count"])
        .ok()
        .json();
    assert_eq!(counted["members_count"], 3);

    let err = cli.run(&["orgs", "get", "initech"]).code(4).error();
    assert_eq!(err["code"], "not_found");
    assert!(
        err["message"].as_str().unwrap().contains("initech"),
        "{err}"
    );
}

#[test]
fn create_sends_every_flag() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let out = cli
        .run(&[
            "orgs",
            "create",
            "Initech",
            "--slug",
            "initech",
            "--created-by",
            "user_alan",
            "--max-allowed-memberships",
            "25",
            "--public-metadata",
            r#"{"plan": "starter"}"#,
            "--private-metadata",
            r#"{"crm": 7}"#,
        ])
        .ok()
        .json();
    let id = out["id"].as_str().unwrap();
    let stored = emu.org(id).unwrap();
    assert_eq!(out, stored);
    assert_eq!(stored["name"], "Initech");
    assert_eq!(stored["slug"], "initech");
    assert_eq!(stored["created_by"], "user_alan");
    assert_eq!(stored["max_allowed_memberships"], 25);
    assert_eq!(stored["public_metadata"], json!({"plan": "starter"}));
    assert_eq!(stored["private_metadata"], json!({"crm": 7}));
    let members = emu.members(id);
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["role"], "org:admin", "the creator is its admin");
}

#[test]
fn create_with_a_taken_slug_is_refused_by_clerk() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let err = cli
        .run(&["orgs", "create", "Acme 2", "--slug", "acme"])
        .code(5)
        .error();
    assert_eq!(err["status"], 422);
    assert_eq!(emu.counts()[1], 2);
}

#[test]
fn update_changes_the_fields_given() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    cli.run(&[
        "orgs",
        "update",
        "org_globex",
        "--name",
        "Globex Corporation",
        "--slug",
        "globex-corp",
        "--max-allowed-memberships",
        "5",
        "--admin-delete-enabled",
        "false",
    ])
    .ok();
    let stored = emu.org("org_globex").unwrap();
    assert_eq!(stored["name"], "Globex Corporation");
    assert_eq!(stored["slug"], "globex-corp");
    assert_eq!(stored["max_allowed_memberships"], 5);
    assert_eq!(stored["admin_delete_enabled"], false);

    let err = cli.run(&["orgs", "update", "org_globex"]).code(2).error();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .starts_with("nothing to change")
    );
}

#[test]
fn metadata_merges_or_replaces() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let out = cli
        .run(&[
            "orgs",
            "update-metadata",
            "org_acme",
            "--public-metadata",
            r#"{"seats": 40}"#,
        ])
        .ok()
        .json();
    assert_eq!(
        out["public_metadata"],
        json!({"plan": "enterprise", "seats": 40})
    );
    cli.run(&[
        "orgs",
        "replace-metadata",
        "org_acme",
        "--private-metadata",
        r#"{"billing": "y"}"#,
    ])
    .ok();
    let stored = emu.org("org_acme").unwrap();
    assert_eq!(
        stored["public_metadata"],
        json!({"plan": "enterprise", "seats": 40})
    );
    assert_eq!(stored["private_metadata"], json!({"billing": "y"}));
    cli.run(&[
        "orgs",
        "replace-metadata",
        "org_acme",
        "--public-metadata",
        "{}",
    ])
    .ok();
    assert_eq!(emu.org("org_acme").unwrap()["public_metadata"], json!({}));
    cli.run(&["orgs", "update-metadata", "org_acme"]).code(2);
}

#[test]
fn delete_removes_the_organization_with_its_memberships_and_invitations() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    cli.run(&["orgs", "delete", "org_acme"]).code(7);
    assert!(emu.org("org_acme").is_some());
    let out = cli
        .run(&["orgs", "delete", "org_acme", "--yes"])
        .ok()
        .json();
    assert_eq!(out["deleted"], true);
    assert!(emu.org("org_acme").is_none());
    assert_eq!(emu.counts(), [5, 1, 2, 1, 2]);
}

#[test]
fn every_list_flag_reaches_the_request() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    assert_eq!(
        cli.dry_query(&[
            "orgs",
            "list",
            "--query",
            "ac",
            "--user-id",
            "user_ada",
            "--organization-id",
            "-org_globex",
            "--include-members-count",
            "--include-missing-member-with-elevated-permissions",
            "--limit",
            "2",
            "--offset",
            "1",
            "--order-by",
            "-name",
        ]),
        "query=ac&user_id=user_ada&organization_id=-org_globex&include_members_count=true\
         &include_missing_member_with_elevated_permissions=true&limit=2&offset=1&order_by=-name"
    );
    assert_eq!(
        cli.dry_query(&["orgs", "get", "acme", "--include-members-count"]),
        "include_members_count=true"
    );
}
