//! Input checked before anything is sent: ID prefixes, email addresses, roles, metadata (inline,
//! `@FILE`, `-`), limits, statuses, slugs. Refusals exit 2 and send nothing: the tests point the
//! binary at a stub that records every request, or at an emulator whose state must not change.

use serde_json::json;

use crate::support::{Cli, Emu, Stub};

/// Runs each command line against a tripwire: exit 2, the message contains `expect`, and no
/// request was sent.
fn refused(cases: &[(&[&str], &str)]) {
    let stub = Stub::tripwire();
    let cli = Cli::at(&stub.url, Some("sk_test_x"));
    for (args, expect) in cases {
        let run = cli.run_stdin(args, "");
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}");
        let err = run.error();
        assert_eq!(err["exit_code"], 2, "{args:?}");
        let message = err["message"].as_str().unwrap();
        assert!(
            message.contains(expect),
            "{args:?}: {message:?} lacks {expect:?}"
        );
    }
    assert_eq!(stub.requests(), Vec::<String>::new(), "nothing was sent");
}

#[test]
fn ids_must_have_the_right_prefix() {
    refused(&[
        (
            &["users", "get", "org_acme"],
            "\"org_acme\" is not a user ID: user IDs look like user_",
        ),
        (&["users", "get", "user_"], "is not a user ID"),
        (&["users", "get", "user_a/b"], "is not a user ID"),
        (&["users", "delete", "idn_1", "--yes"], "is not a user ID"),
        (
            &["users", "update", "inv_1", "--first-name", "X"],
            "is not a user ID",
        ),
        (&["users", "ban", "org_1", "--yes"], "is not a user ID"),
        (
            &["users", "list", "--user-id", "+org_1"],
            "is not a user ID",
        ),
        (
            &["users", "list", "--organization-id", "-user_1"],
            "is not an organization ID",
        ),
        (
            &["users", "list", "--starting-after", "org_1"],
            "is not a user ID",
        ),
        (
            &["orgs", "update", "user_1", "--name", "X"],
            "is not an organization ID",
        ),
        (
            &["orgs", "delete", "inv_1", "--yes"],
            "is not an organization ID",
        ),
        (&["orgs", "get", "user_1"], "is not an organization ID"),
        (&["orgs", "list", "--user-id", "org_1"], "is not a user ID"),
        (
            &["orgs", "create", "X", "--created-by", "org_1"],
            "is not a user ID",
        ),
        (&["members", "list", "user_1"], "is not an organization ID"),
        (
            &["members", "add", "org_1", "org_2", "--role", "org:member"],
            "is not a user ID",
        ),
        (
            &["members", "remove", "org_1", "inv_1", "--yes"],
            "is not a user ID",
        ),
        (
            &["invitations", "get", "org_1", "inv_1"],
            "is not an organization invitation ID",
        ),
        (
            &[
                "invitations",
                "revoke",
                "org_1",
                "orginv_1",
                "--requesting-user-id",
                "org_9",
                "--yes",
            ],
            "is not a user ID",
        ),
        (
            &[
                "invitations",
                "create",
                "org_1",
                "a@b.co",
                "--role",
                "org:member",
                "--inviter-user-id",
                "org_1",
            ],
            "is not a user ID",
        ),
        (
            &["app-invitations", "revoke", "orginv_1", "--yes"],
            "is not an invitation ID",
        ),
    ]);
}

#[test]
fn emails_roles_statuses_and_slugs_are_checked() {
    refused(&[
        (
            &["users", "create", "--email-address", "ada"],
            "\"ada\" is not an email address",
        ),
        (
            &["users", "create", "--email-address", "ada@localhost"],
            "is not an email address",
        ),
        (
            &["users", "list", "--email-address", "a b@c.de"],
            "is not an email address",
        ),
        (
            &["members", "list", "org_1", "--email-address", "@x.io"],
            "is not an email address",
        ),
        (
            &[
                "invitations",
                "create",
                "org_1",
                "bob",
                "--role",
                "org:member",
            ],
            "is not an email address",
        ),
        (
            &["invitations", "list", "org_1", "--email-address", "bob@"],
            "is not an email address",
        ),
        (
            &["app-invitations", "create", "bob@example"],
            "is not an email address",
        ),
        (
            &["members", "add", "org_1", "user_1", "--role", "owner"],
            "role \"owner\" is not a role key: use org:admin",
        ),
        (
            &["members", "update", "org_1", "user_1", "--role", "org:"],
            "is not a role key",
        ),
        (
            &["members", "list", "org_1", "--role", "boss"],
            "is not a role key",
        ),
        (
            &[
                "invitations",
                "create",
                "org_1",
                "a@b.co",
                "--role",
                "basic_member",
            ],
            "is not a role key",
        ),
        (
            &["invitations", "list", "org_1", "--status", "open"],
            "status \"open\" must be pending, accepted, revoked or expired",
        ),
        (
            &["app-invitations", "list", "--status", "done"],
            "must be pending, accepted, revoked or expired",
        ),
        (
            &["orgs", "create", "Acme", "--slug", "Acme Inc"],
            "slug \"Acme Inc\" may contain only lowercase letters, digits and -",
        ),
        (
            &["orgs", "update", "org_1", "--slug", "acme_inc"],
            "may contain only lowercase letters, digits and -",
        ),
        (
            &[
                "app-invitations",
                "create",
                "a@b.co",
                "--template-slug",
                "welcome",
            ],
            "must be invitation or waitlist_invitation",
        ),
    ]);
}

#[test]
fn limits_and_numbers_are_checked_by_the_command_line() {
    refused(&[
        (&["users", "list", "--limit", "0"], "0 is not in 1..=500"),
        (&["orgs", "list", "--limit", "501"], "501 is not in 1..=500"),
        (&["members", "list", "org_1", "--limit", "-1"], "-1"),
        (
            &[
                "invitations",
                "create",
                "org_1",
                "a@b.co",
                "--role",
                "org:member",
                "--expires-in-days",
                "0",
            ],
            "0 is not in 1..=365",
        ),
        (
            &[
                "app-invitations",
                "create",
                "a@b.co",
                "--expires-in-days",
                "366",
            ],
            "366 is not in 1..=365",
        ),
        (
            &["users", "list", "--banned", "maybe"],
            "invalid value 'maybe'",
        ),
    ]);
}

#[test]
fn metadata_must_be_a_json_object() {
    refused(&[
        (
            &[
                "users",
                "update-metadata",
                "user_1",
                "--public-metadata",
                "[1, 2]",
            ],
            "--public-metadata must be a JSON object such as '{\"plan\": \"pro\"}', got an array",
        ),
        (
            &[
                "users",
                "update-metadata",
                "user_1",
                "--private-metadata",
                "\"vip\"",
            ],
            "--private-metadata must be a JSON object such as '{\"plan\": \"pro\"}', got a string",
        ),
        (
            &[
                "users",
                "replace-metadata",
                "user_1",
                "--unsafe-metadata",
                "null",
            ],
            "got null",
        ),
        (
            &["users", "create", "--public-metadata", "{plan: pro}"],
            "--public-metadata: not valid JSON",
        ),
        (
            &["users", "create", "--data", "42"],
            "--data must be a JSON object",
        ),
        (
            &["orgs", "create", "Acme", "--private-metadata", "true"],
            "got a boolean",
        ),
        (
            &[
                "orgs",
                "update-metadata",
                "org_1",
                "--public-metadata",
                "1.5",
            ],
            "got a number",
        ),
        (
            &[
                "members",
                "add",
                "org_1",
                "user_1",
                "--role",
                "org:member",
                "--public-metadata",
                "[]",
            ],
            "got an array",
        ),
        (
            &[
                "invitations",
                "create",
                "org_1",
                "a@b.co",
                "--role",
                "org:member",
                "--public-metadata",
                "[]",
            ],
            "got an array",
        ),
        (
            &[
                "app-invitations",
                "create",
                "a@b.co",
                "--public-metadata",
                "x",
            ],
            "not valid JSON",
        ),
        (
            &[
                "users",
                "update-metadata",
                "user_1",
                "--public-metadata",
                "@/nonexistent/meta.json",
            ],
            "--public-metadata: cannot read /nonexistent/meta.json",
        ),
        (
            &[
                "users",
                "update-metadata",
                "user_1",
                "--public-metadata",
                "-",
            ],
            "--public-metadata: not valid JSON",
        ),
        (
            &[
                "users",
                "update-metadata",
                "user_1",
                "--public-metadata",
                "-",
                "--private-metadata",
                "-",
            ],
            "only one argument can read stdin, but --public-metadata and --private-metadata all say -",
        ),
        (
            &["users", "create", "--password-stdin", "--data", "-"],
            "--password-stdin reads stdin; give the JSON arguments inline or as @FILE",
        ),
        (
            &[
                "users",
                "create",
                "--password-stdin",
                "--email-address",
                "a@b.co",
            ],
            "--password-stdin: stdin held no password",
        ),
    ]);
}

#[test]
fn api_arguments_are_checked() {
    refused(&[
        (
            &["api", "FETCH", "/users"],
            "method \"FETCH\" must be GET, POST, PATCH, PUT or DELETE",
        ),
        (
            &["api", "GET", "https://evil.example/users"],
            "must be an API path",
        ),
        (
            &["api", "GET", "/users?limit=1"],
            "put query parameters in -q KEY=VALUE",
        ),
        (&["api", "GET", "/users/../jwks"], "must be an API path"),
        (
            &["api", "GET", "/users", "-q", "limit"],
            "-q \"limit\" must be KEY=VALUE",
        ),
        (
            &["api", "GET", "/users", "--data", "{}"],
            "GET requests take no body",
        ),
        (
            &["api", "POST", "/users", "--data", "{"],
            "--data: not valid JSON",
        ),
        (&["reset", "--yes"], "run it as `clerkctl --local reset`"),
    ]);
}

#[test]
fn metadata_from_a_file_and_from_stdin() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let file = cli.dir().join("meta.json");
    std::fs::write(&file, r#"{"from": "file", "list": [1, 2]}"#).unwrap();
    cli.run(&[
        "users",
        "update-metadata",
        "user_ada",
        "--public-metadata",
        &format!("@{}", file.display()),
    ])
    .ok();
    assert_eq!(
        emu.user("user_ada").unwrap()["public_metadata"],
        json!({"department": "engineering", "level": 1, "from": "file", "list": [1, 2]})
    );
    cli.run_stdin(
        &[
            "orgs",
            "replace-metadata",
            "org_acme",
            "--private-metadata",
            "-",
        ],
        r#"{"from": "stdin"}"#,
    )
    .ok();
    assert_eq!(
        emu.org("org_acme").unwrap()["private_metadata"],
        json!({"from": "stdin"})
    );
    cli.run_stdin(
        &["api", "POST", "/organizations", "--data", "-"],
        r#"{"name": "From Stdin", "slug": "from-stdin"}"#,
    )
    .ok();
    assert_eq!(emu.org("from-stdin").unwrap()["name"], "From Stdin");
    let body = cli.dir().join("body.json");
    std::fs::write(&body, r#"{"name": "From File"}"#).unwrap();
    cli.run(&[
        "api",
        "PATCH",
        "/organizations/org_globex",
        "-d",
        &format!("@{}", body.display()),
    ])
    .ok();
    assert_eq!(emu.org("org_globex").unwrap()["name"], "From File");
}

#[test]
fn refused_changes_leave_the_emulator_untouched() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let before = (emu.counts(), emu.user("user_ada"), emu.members("org_acme"));
    cli.run(&["users", "create", "--email-address", "nope"])
        .code(2);
    cli.run(&[
        "users",
        "update-metadata",
        "user_ada",
        "--public-metadata",
        "[1]",
    ])
    .code(2);
    cli.run(&[
        "members",
        "add",
        "org_acme",
        "user_katherine",
        "--role",
        "owner",
    ])
    .code(2);
    cli.run(&[
        "members",
        "update",
        "org_acme",
        "user_alan",
        "--role",
        "owner",
    ])
    .code(2);
    cli.run(&[
        "invitations",
        "create",
        "org_acme",
        "x@",
        "--role",
        "org:member",
    ])
    .code(2);
    assert_eq!(
        (emu.counts(), emu.user("user_ada"), emu.members("org_acme")),
        before
    );
    assert!(cli.audit().is_empty());
}
