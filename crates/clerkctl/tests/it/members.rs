//! `clerkctl members ...` (alias `memberships`): the organization first.

use serde_json::json;

use crate::support::{Cli, Emu};

fn member_ids(v: &serde_json::Value) -> Vec<String> {
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            m["public_user_data"]["user_id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

fn role_of(emu: &Emu, org: &str, user: &str) -> Option<String> {
    emu.members(org)
        .iter()
        .find(|m| m["public_user_data"]["user_id"] == user)
        .map(|m| m["role"].as_str().unwrap().to_owned())
}

#[test]
fn list_with_filters_and_paging() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let all = cli.run(&["members", "list", "org_acme"]).ok().json();
    assert_eq!(all["total_count"], 3);
    let mut everyone = member_ids(&all);
    everyone.sort();
    assert_eq!(everyone, ["user_ada", "user_alan", "user_grace"]);

    let cases: &[(&[&str], &[&str])] = &[
        (&["--role", "org:admin"], &["user_ada", "user_grace"]),
        (&["--user-id", "user_alan"], &["user_alan"]),
        (&["--email-address", "grace@acme.test"], &["user_grace"]),
        (&["--username", "ada_l"], &["user_ada"]),
        (&["--query", "turing"], &["user_alan"]),
        (&["--email-address-query", "gra"], &["user_grace"]),
        (&["--name-query", "lovelace"], &["user_ada"]),
        (&["--username-query", "race"], &["user_grace"]),
        (&["--phone-number-query", "555"], &[]),
        (
            &[
                "--web3-wallet",
                "0x0000000000000000000000000000000000000001",
            ],
            &[],
        ),
        (
            &["--created-at-after", "1"],
            &["user_ada", "user_alan", "user_grace"],
        ),
        (&["--created-at-before", "1"], &[]),
        (&["--last-active-at-after", "1"], &[]),
        (
            &["--order-by", "+first_name"],
            &["user_ada", "user_alan", "user_grace"],
        ),
        (
            &["--order-by", "+first_name", "--limit", "1", "--offset", "1"],
            &["user_alan"],
        ),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["memberships", "list", "org_acme"];
        args.extend_from_slice(flags);
        let page = cli.run(&args).ok().json();
        let mut got = member_ids(&page);
        if !flags.contains(&"--order-by") {
            got.sort();
        }
        assert_eq!(got, *expected, "{flags:?}");
    }
    let paged = cli
        .run(&[
            "members",
            "list",
            "org_acme",
            "--order-by",
            "+first_name",
            "--limit",
            "1",
        ])
        .ok()
        .json();
    assert_eq!(paged["total_count"], 3);

    let streamed = cli
        .run(&[
            "members",
            "list",
            "org_acme",
            "--all",
            "--limit",
            "2",
            "--order-by",
            "+first_name",
            "-o",
            "ndjson",
        ])
        .ok()
        .ndjson();
    let users: Vec<&str> = streamed
        .iter()
        .map(|m| m["public_user_data"]["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["user_ada", "user_alan", "user_grace"]);
}

#[test]
fn every_filter_reaches_the_request() {
    let emu = Emu::company();
    let req = Cli::new(&emu)
        .run(&[
            "--dry-run",
            "members",
            "list",
            "org_acme",
            "--role",
            "org:admin",
            "--user-id",
            "-user_ada",
            "--email-address",
            "a@b.co",
            "--phone-number",
            "+15555550100",
            "--username",
            "ada_l",
            "--web3-wallet",
            "0xabc",
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
            "--last-active-at-before",
            "5",
            "--last-active-at-after",
            "4",
            "--created-at-before",
            "3",
            "--created-at-after",
            "2",
            "--limit",
            "7",
            "--offset",
            "1",
            "--order-by",
            "-created_at",
        ])
        .ok()
        .json();
    let url = req["path"].as_str().unwrap();
    let query = url.split_once('?').unwrap().1;
    assert_eq!(
        query,
        "role=org%3Aadmin&user_id=-user_ada&email_address=a%40b.co&phone_number=%2B15555550100\
         &username=ada_l&web3_wallet=0xabc&query=q&email_address_query=e&phone_number_query=p\
         &username_query=u&name_query=n&last_active_at_before=5&last_active_at_after=4\
         &created_at_before=3&created_at_after=2&limit=7&offset=1&order_by=-created_at"
    );
}

#[test]
fn add_update_update_metadata_remove() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let added = cli
        .run(&[
            "members",
            "add",
            "org_globex",
            "user_alan",
            "--role",
            "org:member",
            "--public-metadata",
            r#"{"desk": 4}"#,
            "--private-metadata",
            r#"{"badge": "b-12"}"#,
        ])
        .ok()
        .json();
    assert_eq!(added["object"], "organization_membership");
    assert_eq!(added["role"], "org:member");
    assert_eq!(added["public_metadata"], json!({"desk": 4}));
    assert_eq!(added["private_metadata"], json!({"badge": "b-12"}));
    assert_eq!(
        role_of(&emu, "org_globex", "user_alan").as_deref(),
        Some("org:member")
    );

    let updated = cli
        .run(&[
            "members",
            "update",
            "org_globex",
            "user_alan",
            "--role",
            "org:admin",
        ])
        .ok()
        .json();
    assert_eq!(updated["role"], "org:admin");
    assert_eq!(
        role_of(&emu, "org_globex", "user_alan").as_deref(),
        Some("org:admin")
    );

    let meta = cli
        .run(&[
            "members",
            "update-metadata",
            "org_globex",
            "user_alan",
            "--public-metadata",
            r#"{"floor": 2}"#,
        ])
        .ok()
        .json();
    assert_eq!(meta["public_metadata"], json!({"desk": 4, "floor": 2}));
    cli.run(&["members", "update-metadata", "org_globex", "user_alan"])
        .code(2);

    cli.run(&["members", "remove", "org_globex", "user_alan"])
        .code(7);
    assert!(role_of(&emu, "org_globex", "user_alan").is_some());
    let removed = cli
        .run(&["members", "remove", "org_globex", "user_alan", "--yes"])
        .ok()
        .json();
    assert_eq!(removed["public_user_data"]["user_id"], "user_alan");
    assert!(role_of(&emu, "org_globex", "user_alan").is_none());
}

#[test]
fn clerk_refusals_come_with_hints() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let err = cli
        .run(&[
            "members",
            "add",
            "org_acme",
            "user_alan",
            "--role",
            "org:admin",
        ])
        .code(5)
        .error();
    assert_eq!(err["code"], "already_a_member_in_organization");
    assert!(
        err["hint"]
            .as_str()
            .unwrap()
            .contains("clerkctl members update"),
        "{err}"
    );
    let err = cli
        .run(&[
            "members",
            "update",
            "org_acme",
            "user_katherine",
            "--role",
            "org:admin",
        ])
        .code(4)
        .error();
    assert!(
        err["hint"]
            .as_str()
            .unwrap()
            .contains("clerkctl members list ORG_ID"),
        "{err}"
    );
}
