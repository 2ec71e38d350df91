//! `clerkctl users ...` against an emulator holding the test company.

use serde_json::json;

use crate::support::{Cli, Emu, ids};

/// Newest first, as Clerk lists users by default.
const NEWEST_FIRST: [&str; 5] = [
    "user_katherine",
    "user_barbara",
    "user_alan",
    "user_grace",
    "user_ada",
];

#[test]
fn list_prints_one_page_with_the_total_from_users_count() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let all = cli.run(&["users", "list"]).ok().json();
    assert_eq!(ids(&all), NEWEST_FIRST);
    assert_eq!(all["total_count"], 5);
    assert_eq!(
        all["data"][4]["email_addresses"][0]["email_address"], "ada@acme.test",
        "Clerk's own objects, whole"
    );

    let page = cli.run(&["users", "list", "--limit", "2"]).ok().json();
    assert_eq!(ids(&page), ["user_katherine", "user_barbara"]);
    assert_eq!(page["total_count"], 5, "the total counts every user");

    let page = cli
        .run(&["users", "list", "--limit", "2", "--offset", "2"])
        .ok()
        .json();
    assert_eq!(ids(&page), ["user_alan", "user_grace"]);

    let oldest = cli
        .run(&["users", "list", "--order-by", "+created_at", "--limit", "1"])
        .ok()
        .json();
    assert_eq!(ids(&oldest), ["user_ada"]);
    let by_name = cli
        .run(&["users", "list", "--order-by", "-first_name"])
        .ok()
        .json();
    assert_eq!(
        ids(&by_name),
        [
            "user_katherine",
            "user_grace",
            "user_barbara",
            "user_alan",
            "user_ada"
        ]
    );

    let after = cli
        .run(&["users", "list", "--starting-after", "user_alan"])
        .ok()
        .json();
    assert_eq!(ids(&after), ["user_grace", "user_ada"]);
    assert_eq!(after["total_count"], 5);
}

#[test]
fn list_all_pages_through_everything() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let all = cli
        .run(&["users", "list", "--all", "--limit", "2"])
        .ok()
        .json();
    assert_eq!(ids(&all), NEWEST_FIRST, "three pages of two, in order");
    assert_eq!(all["total_count"], 5);

    let lines = cli
        .run(&["users", "list", "--all", "--limit", "2", "-o", "ndjson"])
        .ok()
        .ndjson();
    let streamed: Vec<&str> = lines.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(streamed, NEWEST_FIRST);

    // Ordered by another field, Clerk refuses the cursor: pages go by offset.
    let by_name = cli
        .run(&[
            "users",
            "list",
            "--all",
            "--limit",
            "2",
            "--order-by",
            "+first_name",
        ])
        .ok()
        .json();
    assert_eq!(
        ids(&by_name),
        [
            "user_ada",
            "user_alan",
            "user_barbara",
            "user_grace",
            "user_katherine"
        ]
    );

    let from_offset = cli
        .run(&["users", "list", "--all", "--limit", "2", "--offset", "3"])
        .ok()
        .json();
    assert_eq!(ids(&from_offset), ["user_grace", "user_ada"]);
}

#[test]
fn list_filters_reach_clerk_and_the_total_counts_the_same_users() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let cases: &[(&[&str], &[&str])] = &[
        (&["--email-address", "ada@acme.test"], &["user_ada"]),
        (
            &[
                "--email-address",
                "ada@acme.test",
                "--email-address",
                "alan@acme.test",
            ],
            &["user_alan", "user_ada"],
        ),
        (&["--query", "hopp"], &["user_grace"]),
        (&["--banned", "true"], &["user_barbara"]),
        (
            &["--organization-id", "org_acme"],
            &["user_alan", "user_grace", "user_ada"],
        ),
        (
            &["--user-id", "user_ada", "--user-id", "user_katherine"],
            &["user_katherine", "user_ada"],
        ),
        (&["--external-id", "emp-3"], &["user_alan"]),
        (&["--username", "grace_h"], &["user_grace"]),
        (&["--name-query", "lov"], &["user_ada"]),
        (&["--email-address-query", "kath"], &["user_katherine"]),
        (&["--username-query", "bar"], &["user_barbara"]),
        // 2024-01-03T09:00:00Z and later.
        (
            &["--created-at-after", "1704272399999"],
            &["user_katherine", "user_barbara", "user_alan"],
        ),
        (
            &["--created-at-before", "1704186000001"],
            &["user_grace", "user_ada"],
        ),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["users", "list"];
        args.extend_from_slice(flags);
        let page = cli.run(&args).ok().json();
        assert_eq!(ids(&page), *expected, "{flags:?}");
        assert_eq!(page["total_count"], expected.len(), "{flags:?}");

        let mut args = vec!["users", "count"];
        args.extend_from_slice(flags);
        let count = cli.run(&args).ok().json();
        assert_eq!(
            count,
            json!({"object": "total_count", "total_count": expected.len()}),
            "{flags:?}"
        );
    }
}

#[test]
fn count_prints_clerks_object_or_the_bare_number_in_a_table() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    assert_eq!(
        cli.run(&["users", "count"]).ok().json(),
        json!({"object": "total_count", "total_count": 5})
    );
    assert_eq!(
        cli.run(&["users", "count", "-o", "table"]).ok().stdout,
        "5\n"
    );
}

#[test]
fn get_prints_the_user() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let user = cli.run(&["users", "get", "user_grace"]).ok().json();
    assert_eq!(user, emu.user("user_grace").unwrap());
    assert_eq!(user["object"], "user");
}

#[test]
fn create_sends_every_flag() {
    let emu = Emu::new();
    let cli = Cli::new(&emu);
    let created = cli
        .run_stdin(
            &[
                "users",
                "create",
                "--email-address",
                "mary@example.com",
                "--email",
                "mary.k@example.com",
                "--phone-number",
                "+15555550100",
                "--username",
                "mary_k",
                "--first-name",
                "Mary",
                "--last-name",
                "Keller",
                "--external-id",
                "crm-77",
                "--password-stdin",
                "--public-metadata",
                r#"{"plan": "pro"}"#,
                "--private-metadata",
                r#"{"ssn": "000"}"#,
                "--unsafe-metadata",
                r#"{"theme": "dark"}"#,
                "--data",
                r#"{"create_organization_enabled": false}"#,
            ],
            "correct horse battery staple\n",
        )
        .ok()
        .json();
    let id = created["id"].as_str().unwrap();
    let stored = emu.user(id).expect("the user exists");
    assert_eq!(created, stored);
    let emails: Vec<&str> = stored["email_addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["email_address"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["mary@example.com", "mary.k@example.com"]);
    assert_eq!(
        stored["phone_numbers"][0]["phone_number"],
        json!("+15555550100")
    );
    assert_eq!(stored["username"], "mary_k");
    assert_eq!(
        (&stored["first_name"], &stored["last_name"]),
        (&json!("Mary"), &json!("Keller"))
    );
    assert_eq!(stored["external_id"], "crm-77");
    assert_eq!(stored["password_enabled"], true);
    assert_eq!(stored["public_metadata"], json!({"plan": "pro"}));
    assert_eq!(stored["private_metadata"], json!({"ssn": "000"}));
    assert_eq!(stored["unsafe_metadata"], json!({"theme": "dark"}));
    assert_eq!(stored["create_organization_enabled"], false);
}

#[test]
fn create_refused_by_clerk_exits_5_and_creates_nothing() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let run = cli
        .run(&["users", "create", "--email-address", "ada@acme.test"])
        .code(5);
    let err = run.error();
    assert_eq!(err["status"], 422);
    assert_eq!(err["code"], "form_identifier_exists");
    assert!(
        err["hint"]
            .as_str()
            .unwrap()
            .contains("clerkctl users list --email-address"),
        "{err}"
    );
    assert_eq!(emu.counts()[0], 5);
}

#[test]
fn update_changes_profile_fields_only() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let before = emu.user("user_alan").unwrap();
    let updated = cli
        .run(&[
            "users",
            "update",
            "user_alan",
            "--first-name",
            "Alan M.",
            "--last-name",
            "Turing",
            "--username",
            "amturing",
            "--external-id",
            "emp-33",
            "--locale",
            "en-GB",
            "--data",
            r#"{"delete_self_enabled": false}"#,
        ])
        .ok()
        .json();
    let after = emu.user("user_alan").unwrap();
    assert_eq!(updated, after);
    assert_eq!(after["first_name"], "Alan M.");
    assert_eq!(after["username"], "amturing");
    assert_eq!(after["external_id"], "emp-33");
    assert_eq!(after["locale"], "en-GB");
    assert_eq!(after["delete_self_enabled"], false);
    assert_eq!(after["public_metadata"], before["public_metadata"]);

    let primary = after["email_addresses"][0]["id"].as_str().unwrap();
    cli.run(&[
        "users",
        "update",
        "user_alan",
        "--primary-email-address-id",
        primary,
    ])
    .ok();
    assert_eq!(
        emu.user("user_alan").unwrap()["primary_email_address_id"],
        primary
    );
}

#[test]
fn update_with_nothing_to_change_or_with_metadata_is_refused_before_sending() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let before = emu.user("user_alan").unwrap();
    let err = cli.run(&["users", "update", "user_alan"]).code(2).error();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .starts_with("nothing to change"),
        "{err}"
    );
    let err = cli
        .run(&[
            "users",
            "update",
            "user_alan",
            "--data",
            r#"{"public_metadata": {"a": 1}}"#,
        ])
        .code(2)
        .error();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("users update-metadata"),
        "{err}"
    );
    assert_eq!(emu.user("user_alan").unwrap(), before);
}

#[test]
fn update_metadata_merges_deeply_and_null_deletes() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let out = cli
        .run(&[
            "users",
            "update-metadata",
            "user_ada",
            "--public-metadata",
            r#"{"level": null, "team": {"name": "core"}}"#,
            "--private",
            r#"{"note": "vip"}"#,
            "--unsafe",
            r#"{"theme": "dark"}"#,
        ])
        .ok()
        .json();
    assert_eq!(
        out["public_metadata"],
        json!({"department": "engineering", "team": {"name": "core"}})
    );
    assert_eq!(
        out["private_metadata"],
        json!({"salary": 1000, "note": "vip"})
    );
    cli.run(&[
        "users",
        "update-metadata",
        "user_ada",
        "--public-metadata",
        r#"{"team": {"size": 3}}"#,
    ])
    .ok();
    let stored = emu.user("user_ada").unwrap();
    assert_eq!(
        stored["public_metadata"],
        json!({"department": "engineering", "team": {"name": "core", "size": 3}})
    );
    assert_eq!(stored["unsafe_metadata"], json!({"theme": "dark"}));
}

#[test]
fn replace_metadata_replaces_only_the_fields_given() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    cli.run(&[
        "users",
        "replace-metadata",
        "user_ada",
        "--public-metadata",
        r#"{"fresh": true}"#,
    ])
    .ok();
    let stored = emu.user("user_ada").unwrap();
    assert_eq!(stored["public_metadata"], json!({"fresh": true}));
    assert_eq!(
        stored["private_metadata"],
        json!({"salary": 1000}),
        "untouched"
    );
}

#[test]
fn metadata_commands_need_some_metadata() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    for cmd in ["update-metadata", "replace-metadata"] {
        let err = cli.run(&["users", cmd, "user_ada"]).code(2).error();
        assert!(
            err["message"]
                .as_str()
                .unwrap()
                .contains("--public-metadata, --private-metadata, --unsafe-metadata"),
            "{err}"
        );
    }
}

#[test]
fn delete_removes_the_user() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let out = cli
        .run(&["users", "delete", "user_katherine", "--yes"])
        .ok()
        .json();
    assert_eq!(
        (&out["object"], &out["id"], &out["deleted"]),
        (&json!("user"), &json!("user_katherine"), &json!(true))
    );
    assert!(emu.user("user_katherine").is_none());
    assert_eq!(emu.counts()[0], 4);
    let table = cli
        .run(&["users", "delete", "user_alan", "--yes", "-o", "table"])
        .ok();
    assert_eq!(
        table.stdout, "object   user\nid       user_alan\ndeleted  true\n",
        "labelled like every other object's table"
    );
}

#[test]
fn ban_unban_lock_unlock_set_the_flags() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let flags = |id: &str| {
        let u = emu.user(id).unwrap();
        (
            u["banned"].as_bool().unwrap(),
            u["locked"].as_bool().unwrap(),
        )
    };
    let out = cli.run(&["users", "ban", "user_alan", "--yes"]).ok().json();
    assert_eq!(out["banned"], true);
    assert_eq!(flags("user_alan"), (true, false));
    cli.run(&["users", "lock", "user_alan", "--yes"]).ok();
    assert_eq!(flags("user_alan"), (true, true));
    cli.run(&["users", "unban", "user_alan"]).ok();
    assert_eq!(flags("user_alan"), (false, true));
    let out = cli.run(&["users", "unlock", "user_alan"]).ok().json();
    assert_eq!(out["locked"], false);
    assert_eq!(flags("user_alan"), (false, false));
}

#[test]
fn unban_and_unlock_need_no_confirmation_but_ban_lock_delete_do() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    for cmd in ["delete", "ban", "lock"] {
        let err = cli.run(&["users", cmd, "user_grace"]).code(7).error();
        assert!(
            err["message"].as_str().unwrap().contains("pass --yes"),
            "{cmd}: {err}"
        );
    }
    let grace = emu.user("user_grace").unwrap();
    assert_eq!(
        (&grace["banned"], &grace["locked"]),
        (&json!(false), &json!(false))
    );
    cli.run(&["users", "unban", "user_barbara"]).ok();
    cli.run(&["users", "unlock", "user_barbara"]).ok();
    assert_eq!(emu.user("user_barbara").unwrap()["banned"], false);
}

#[test]
fn every_filter_reaches_the_request() {
    let emu = Emu::company();
    let req = Cli::new(&emu)
        .run(&[
            "--dry-run",
            "users",
            "list",
            "--email-address",
            "a@b.co",
            "--phone-number",
            "+15555550100",
            "--external-id",
            "-emp-1",
            "--username",
            "ada_l",
            "--web3-wallet",
            "0xabc",
            "--user-id",
            "+user_ada",
            "--organization-id",
            "-org_acme",
            "--query",
            "q",
            "--email-address-query",
            "e",
            "--phone-number-query",
            "p",
            "--username-query",
            "u",
            "--name-query",
            "n",
            "--provider",
            "oauth_google",
            "--provider-user-id",
            "g-1",
            "--banned",
            "false",
            "--last-active-at-before",
            "9",
            "--last-active-at-after",
            "8",
            "--created-at-before",
            "7",
            "--created-at-after",
            "6",
            "--last-sign-in-at-before",
            "5",
            "--last-sign-in-at-after",
            "4",
            "--limit",
            "3",
            "--order-by",
            "-created_at",
            "--starting-after",
            "user_grace",
        ])
        .ok()
        .json();
    let url = req["path"].as_str().unwrap();
    assert_eq!(
        url.split_once('?').unwrap().1,
        "email_address=a%40b.co&phone_number=%2B15555550100&external_id=-emp-1&username=ada_l\
         &web3_wallet=0xabc&user_id=%2Buser_ada&organization_id=-org_acme&query=q\
         &email_address_query=e&phone_number_query=p&username_query=u&name_query=n\
         &provider=oauth_google&provider_user_id=g-1&banned=false&last_active_at_before=9\
         &last_active_at_after=8&created_at_before=7&created_at_after=6\
         &last_sign_in_at_before=5&last_sign_in_at_after=4&starting_after=user_grace&limit=3\
         &order_by=-created_at"
    );
}
