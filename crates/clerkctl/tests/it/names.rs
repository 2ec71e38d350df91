//! Names for things: a user by ID, email address or username; an organization by ID, slug or
//! exact name; role shorthands; times as dates, date-times, ages or milliseconds. A name that
//! matches nothing exits 4, one that matches several exits 2 listing them, and nothing is
//! changed either way.

use serde_json::json;

use crate::support::{Cli, Emu, ids};

#[test]
fn a_user_is_found_by_email_or_username_wherever_one_is_taken() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let by_email = cli.run(&["users", "get", "ada@acme.test"]).ok().json();
    assert_eq!(by_email["id"], "user_ada");
    let by_case = cli.run(&["users", "get", "ADA@Acme.test"]).ok().json();
    assert_eq!(
        by_case["id"], "user_ada",
        "emails are compared without case"
    );
    let by_username = cli.run(&["users", "get", "grace_h"]).ok().json();
    assert_eq!(by_username["id"], "user_grace");

    cli.run(&[
        "users",
        "update",
        "alan@acme.test",
        "--first-name",
        "Alan M.",
    ])
    .ok();
    assert_eq!(emu.user("user_alan").unwrap()["first_name"], "Alan M.");
    cli.run(&["users", "ban", "katherine_j", "--yes"]).ok();
    assert_eq!(emu.user("user_katherine").unwrap()["banned"], true);
    cli.run(&[
        "users",
        "update-metadata",
        "ada_l",
        "--public-metadata",
        r#"{"team":"core"}"#,
    ])
    .ok();
    assert_eq!(
        emu.user("user_ada").unwrap()["public_metadata"]["team"],
        "core"
    );

    // Filters take names too, with Clerk's + and - signs kept.
    let listed = cli
        .run(&[
            "users",
            "list",
            "--user-id",
            "ada@acme.test",
            "--user-id",
            "grace_h",
        ])
        .ok()
        .json();
    let mut got = ids(&listed);
    got.sort();
    assert_eq!(got, ["user_ada", "user_grace"]);
    let orgs = cli
        .run(&["orgs", "list", "--user-id", "alan@acme.test"])
        .ok()
        .json();
    assert_eq!(ids(&orgs), ["org_acme"]);
}

#[test]
fn an_organization_is_found_by_slug_or_exact_name_wherever_one_is_taken() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    assert_eq!(
        cli.run(&["orgs", "get", "acme"]).ok().json()["id"],
        "org_acme"
    );
    assert_eq!(
        cli.run(&["orgs", "get", "Acme Inc"]).ok().json()["id"],
        "org_acme"
    );
    assert_eq!(
        cli.run(&["orgs", "get", "globex"]).ok().json()["id"],
        "org_globex",
        "a slug"
    );
    cli.run(&["orgs", "update", "acme", "--name", "Acme Corp"])
        .ok();
    assert_eq!(emu.org("org_acme").unwrap()["name"], "Acme Corp");
    let members = cli.run(&["members", "list", "acme"]).ok().json();
    assert_eq!(members["total_count"], 3);
    let of_acme = cli
        .run(&["users", "list", "--organization-id", "acme"])
        .ok()
        .json();
    let mut got = ids(&of_acme);
    got.sort();
    assert_eq!(got, ["user_ada", "user_alan", "user_grace"]);
    let not_globex = cli
        .run(&[
            "users",
            "list",
            "--organization-id",
            "-globex",
            "--organization-id",
            "acme",
        ])
        .ok()
        .json();
    let mut got = ids(&not_globex);
    got.sort();
    assert_eq!(got, ["user_ada", "user_alan"]);

    // Both names at once, and a role shorthand.
    cli.run(&[
        "members",
        "add",
        "globex",
        "ada@acme.test",
        "--role",
        "admin",
    ])
    .ok();
    let ada = emu
        .members("org_globex")
        .into_iter()
        .find(|m| m["public_user_data"]["user_id"] == "user_ada")
        .expect("ada joined globex");
    assert_eq!(ada["role"], "org:admin");
    cli.run(&["members", "update", "globex", "ada_l", "--role", "member"])
        .ok();
    cli.run(&["members", "remove", "globex", "ada_l", "--yes"])
        .ok();
    cli.run(&["orgs", "delete", "Globex", "--yes"]).ok();
    assert!(emu.org("org_globex").is_none());
}

#[test]
fn unknown_names_exit_4_and_ambiguous_ones_exit_2_listing_the_matches() {
    let emu = Emu::company();
    emu.seed(json!({"organizations": [
        {"id": "org_twin1", "name": "Twins", "slug": "twins-1"},
        {"id": "org_twin2", "name": "Twins", "slug": "twins-2"},
    ]}));
    let cli = Cli::new(&emu);
    let before = emu.counts();

    let err = cli
        .run(&["users", "delete", "nobody@acme.test", "--yes"])
        .code(4)
        .error();
    assert_eq!(err["code"], "not_found");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("nobody@acme.test"),
        "{err}"
    );
    assert!(
        err["hint"].as_str().unwrap().contains("users list --query"),
        "{err}"
    );
    cli.run(&["users", "ban", "no_such_user", "--yes"]).code(4);
    cli.run(&["orgs", "delete", "no-such-org", "--yes"]).code(4);
    cli.run(&[
        "members",
        "add",
        "acme",
        "nobody@acme.test",
        "--role",
        "admin",
    ])
    .code(4);

    let err = cli
        .run(&["orgs", "delete", "Twins", "--yes"])
        .code(2)
        .error();
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("ambiguous")
            && message.contains("org_twin1")
            && message.contains("org_twin2"),
        "{message}"
    );
    // The slug of one of them is not ambiguous.
    assert_eq!(
        cli.run(&["orgs", "get", "twins-2"]).ok().json()["id"],
        "org_twin2"
    );
    assert_eq!(emu.counts(), before, "nothing changed");
}

#[test]
fn time_filters_take_dates_date_times_ages_and_milliseconds() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    // The company's users were created on 2024-01-01 .. 2024-01-05 at 09:00 UTC.
    let count = |args: &[&str]| {
        let v = cli.run(&[&["users", "count"], args].concat()).ok().json();
        v["total_count"].as_u64().unwrap()
    };
    assert_eq!(count(&["--created-at-after", "2024-01-03"]), 3);
    assert_eq!(count(&["--created-at-after", "2024-01-03T09:00:01Z"]), 2);
    assert_eq!(
        count(&["--created-at-after", "2024-01-03T10:00:01+01:00"]),
        2
    );
    assert_eq!(count(&["--created-before", "2024-01-03"]), 2);
    assert_eq!(count(&["--created-at-after", "1704272400001"]), 2);
    assert_eq!(
        count(&["--created-at-after", "30d"]),
        0,
        "all older than 30 days"
    );
    assert_eq!(count(&["--created-at-before", "1d"]), 5);
    let err = cli
        .run(&["users", "list", "--created-at-after", "last tuesday"])
        .code(2)
        .error();
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("ISO 8601") && message.contains("30d"),
        "{message}"
    );
}

#[test]
fn several_users_at_once_and_nothing_done_twice() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    // Barbara is banned already: said, answered with "changed": false, and not sent again.
    let run = cli
        .run(&[
            "users",
            "ban",
            "ada@acme.test",
            "user_barbara",
            "grace_h",
            "--yes",
        ])
        .ok();
    assert!(
        run.stderr
            .contains("user_barbara is already banned: nothing changed"),
        "{}",
        run.stderr
    );
    let answered = run.json();
    let rows = answered["data"]
        .as_array()
        .expect("a list for several users");
    assert_eq!(rows.len(), 3);
    let barbara = rows.iter().find(|u| u["id"] == "user_barbara").unwrap();
    assert_eq!(barbara["changed"], false);
    for id in ["user_ada", "user_grace", "user_barbara"] {
        assert_eq!(emu.user(id).unwrap()["banned"], true, "{id}");
    }
    let again = cli.run(&["users", "unlock", "ada_l"]).ok();
    assert!(
        again.stderr.contains("already not locked"),
        "{}",
        again.stderr
    );
    assert_eq!(again.json()["changed"], false);
    let audit: Vec<String> = cli
        .audit()
        .iter()
        .map(|r| r["path"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(audit.len(), 2, "two bans sent, nothing else: {audit:?}");

    // Every name is resolved before anything is deleted: one unknown stops them all.
    cli.run(&["users", "delete", "ada_l", "nobody@acme.test", "--yes"])
        .code(4);
    assert!(emu.user("user_ada").is_some());
    let deleted = cli
        .run(&["users", "delete", "ada_l", "alan@acme.test", "--yes"])
        .ok()
        .json();
    assert_eq!(deleted["data"].as_array().unwrap().len(), 2);
    assert!(emu.user("user_ada").is_none() && emu.user("user_alan").is_none());
    // Without a terminal, several deletes need --yes like one does.
    cli.run(&["users", "delete", "grace_h", "katherine_j"])
        .code(7);
    assert!(emu.user("user_grace").is_some());
}

#[test]
fn users_orgs_lists_a_users_organizations_with_roles() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let grace = cli.run(&["users", "orgs", "grace@acme.test"]).ok().json();
    let mut got: Vec<(String, String)> = grace["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["organization"]["name"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("Acme Inc".to_owned(), "org:admin".to_owned()),
            ("Globex".to_owned(), "org:member".to_owned())
        ]
    );
    assert_eq!(grace["total_count"], 2);
    let none = cli.run(&["users", "orgs", "barbara_l"]).ok().json();
    assert_eq!(none["data"], json!([]));
    cli.run(&["users", "orgs", "nobody@acme.test"]).code(4);
}

#[test]
fn users_update_sets_a_password_from_stdin() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let run = cli.run_stdin(
        &["users", "update", "ada_l", "--password-stdin"],
        "correct horse battery staple\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(emu.user("user_ada").unwrap()["password_enabled"], true);
    let audit = std::fs::read_to_string(cli.audit_path()).unwrap();
    assert!(
        !audit.contains("correct horse"),
        "the password is never recorded"
    );
    assert!(!run.stdout.contains("correct horse") && !run.stderr.contains("correct horse"));
}

#[test]
fn sessions_and_tokens_take_names_too() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let made = cli
        .run(&["sessions", "create", "ada@acme.test", "--org", "acme"])
        .ok()
        .json();
    assert_eq!(made["user_id"], "user_ada");
    let listed = cli
        .run(&["sessions", "list", "--user-id", "ada_l"])
        .ok()
        .json();
    assert_eq!(listed["data"].as_array().unwrap().len(), 1, "{listed}");
    cli.run(&["sessions", "create", "nobody@acme.test"]).code(4);
}
