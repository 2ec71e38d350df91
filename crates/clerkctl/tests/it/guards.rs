//! The safety guards: read-only mode, confirmation of destructive commands, dry runs, the
//! production-key notice, plain http, and the audit log.

use clerk_emulator::Config;
use serde_json::{Value, json};

use crate::support::{Cli, Emu, KEY, Stub, config, read_jsonl};

/// Every command that changes something, against the test company.
const CHANGES: &[&[&str]] = &[
    &["users", "create", "--email-address", "new@example.com"],
    &["users", "update", "user_ada", "--first-name", "Augusta"],
    &[
        "users",
        "update-metadata",
        "user_ada",
        "--public-metadata",
        r#"{"a":1}"#,
    ],
    &[
        "users",
        "replace-metadata",
        "user_ada",
        "--public-metadata",
        r#"{"a":1}"#,
    ],
    &["users", "delete", "user_ada", "--yes"],
    &["users", "ban", "user_ada", "--yes"],
    &["users", "unban", "user_barbara"],
    &["users", "lock", "user_ada", "--yes"],
    &["users", "unlock", "user_ada"],
    &["orgs", "create", "Initech"],
    &["orgs", "update", "org_acme", "--name", "Acme Corp"],
    &[
        "orgs",
        "update-metadata",
        "org_acme",
        "--public-metadata",
        r#"{"a":1}"#,
    ],
    &[
        "orgs",
        "replace-metadata",
        "org_acme",
        "--public-metadata",
        r#"{"a":1}"#,
    ],
    &["orgs", "delete", "org_acme", "--yes"],
    &[
        "members",
        "add",
        "org_globex",
        "user_alan",
        "--role",
        "org:member",
    ],
    &[
        "members",
        "update",
        "org_acme",
        "user_alan",
        "--role",
        "org:admin",
    ],
    &[
        "members",
        "update-metadata",
        "org_acme",
        "user_alan",
        "--public-metadata",
        r#"{"a":1}"#,
    ],
    &["members", "remove", "org_acme", "user_alan", "--yes"],
    &[
        "invitations",
        "create",
        "org_acme",
        "new@example.com",
        "--role",
        "org:member",
    ],
    &["app-invitations", "create", "new@example.com"],
    &[
        "api",
        "POST",
        "/organizations",
        "--data",
        r#"{"name": "Initech"}"#,
    ],
    &[
        "api",
        "PATCH",
        "/users/user_ada",
        "--data",
        r#"{"first_name": "X"}"#,
    ],
    &["api", "DELETE", "/users/user_ada", "--yes"],
];

/// Everything the emulator holds, to prove a command changed nothing.
fn snapshot(emu: &Emu) -> Value {
    let users: Vec<Value> = [
        "user_ada",
        "user_grace",
        "user_alan",
        "user_barbara",
        "user_katherine",
    ]
    .iter()
    .map(|id| emu.user(id).unwrap_or(Value::Null))
    .collect();
    json!({
        "counts": emu.counts(),
        "users": users,
        "orgs": [emu.org("org_acme"), emu.org("org_globex")],
        "members": [emu.members("org_acme"), emu.members("org_globex")],
        "invitations": [emu.org_invitations("org_acme"), emu.invitations()],
    })
}

#[test]
fn read_only_refuses_every_change_before_sending_it() {
    let emu = Emu::company();
    let before = snapshot(&emu);
    let flagged = Cli::new(&emu);
    let by_env = Cli::new(&emu).env("CLERKCTL_READ_ONLY", "1");
    let org_inv = emu.org_invitation_id("org_acme", "margaret@acme.test");
    let app_inv = emu.invitation_id("tim@example.test");
    let mut all: Vec<Vec<&str>> = CHANGES.iter().map(|c| c.to_vec()).collect();
    all.push(vec![
        "invitations",
        "revoke",
        "org_acme",
        org_inv.as_str(),
        "--yes",
    ]);
    all.push(vec!["app-invitations", "revoke", app_inv.as_str(), "--yes"]);
    for args in &all {
        let mut with_flag = vec!["--read-only"];
        with_flag.extend(args);
        let err = flagged.run(&with_flag).code(7).error();
        let message = err["message"].as_str().unwrap();
        assert!(
            message.starts_with("refusing to ") && message.contains("read-only mode is on"),
            "{args:?}: {message}"
        );
        by_env.run(args).code(7);
    }
    assert_eq!(snapshot(&emu), before, "nothing changed");
    assert!(flagged.audit().is_empty() && by_env.audit().is_empty());

    // Reads still work, and CLERKCTL_READ_ONLY=0 is off.
    by_env.run(&["users", "get", "user_ada"]).ok();
    by_env.run(&["api", "GET", "/users/count"]).ok();
    Cli::new(&emu)
        .env("CLERKCTL_READ_ONLY", "0")
        .run(&["users", "unban", "user_barbara"])
        .ok();
    assert_eq!(emu.user("user_barbara").unwrap()["banned"], false);
}

#[test]
fn destructive_commands_need_yes_without_a_terminal() {
    let emu = Emu::company();
    let before = snapshot(&emu);
    let cli = Cli::new(&emu);
    let org_inv = emu.org_invitation_id("org_acme", "margaret@acme.test");
    let app_inv = emu.invitation_id("tim@example.test");
    let destructive: &[&[&str]] = &[
        &["users", "delete", "user_ada"],
        &["users", "ban", "user_ada"],
        &["users", "lock", "user_ada"],
        &["orgs", "delete", "org_acme"],
        &["members", "remove", "org_acme", "user_alan"],
        &["invitations", "revoke", "org_acme", org_inv.as_str()],
        &["app-invitations", "revoke", app_inv.as_str()],
        &["api", "DELETE", "/users/user_ada"],
    ];
    for args in destructive {
        let err = cli.run(args).code(7).error();
        let message = err["message"].as_str().unwrap();
        let undoable = args[1] == "ban" || args[1] == "lock";
        let says = if undoable {
            "takes access away: pass --yes to"
        } else {
            "cannot be undone: pass --yes to"
        };
        assert!(
            message.contains(says)
                && message.ends_with("(there is no terminal to ask on); nothing was sent"),
            "{args:?}: {message}"
        );
        // The hint is the command again, confirmed.
        let hint = err["hint"].as_str().unwrap();
        assert!(
            hint.starts_with("to go ahead, run `clerkctl ") && hint.ends_with(" --yes`"),
            "{args:?}: {hint}"
        );
    }
    assert_eq!(snapshot(&emu), before);
    assert!(cli.audit().is_empty());
    // The rest need no confirmation.
    cli.run(&["users", "unlock", "user_ada"]).ok();
    cli.run(&["orgs", "update", "org_acme", "--name", "Acme"])
        .ok();
}

#[test]
fn dry_run_prints_the_exact_request_sends_nothing_and_masks_the_key() {
    let emu = Emu::company();
    let before = snapshot(&emu);
    let cli = Cli::new(&emu);
    for args in CHANGES {
        let mut dry = vec!["--dry-run"];
        dry.extend(args.iter().filter(|a| **a != "--yes"));
        // Compact by default: what an agent needs, no URL or headers.
        let compact = cli.run(&dry).ok().json();
        assert!(
            compact["path"].as_str().unwrap().starts_with("/v1/"),
            "{args:?}: {compact}"
        );
        assert!(compact.get("url").is_none() && compact.get("headers").is_none());
        dry.push("--verbose");
        let run = cli.run(&dry).ok();
        let req = run.json();
        assert_eq!(req["body"], compact["body"], "{args:?}");
        assert!(
            req["url"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{}/v1/", emu.url)),
            "{args:?}: {req}"
        );
        let auth = req["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0] == "authorization")
            .unwrap()[1]
            .clone();
        assert_eq!(auth, "Bearer sk_test_…ests", "{args:?}");
        assert!(!run.stdout.contains(KEY) && !run.stderr.contains(KEY));
    }
    assert_eq!(snapshot(&emu), before, "nothing was sent");
    assert!(cli.audit().is_empty(), "nothing to audit");

    let req = cli
        .run(&[
            "users",
            "create",
            "--dry-run",
            "--email-address",
            "new@example.com",
            "--private-metadata",
            r#"{"ssn": "1"}"#,
            "--fields",
            "id",
            "--verbose",
        ])
        .ok()
        .json();
    assert_eq!(
        req,
        json!({
            "method": "POST",
            "url": format!("{}/v1/users", emu.url),
            "headers": [
                ["authorization", "Bearer sk_test_…ests"],
                ["clerk-api-version", "2026-05-12"],
                ["accept", "application/json"],
                ["user-agent", format!("clerkctl/{}", env!("CARGO_PKG_VERSION"))],
                ["content-type", "application/json"],
            ],
            "body": {"email_address": ["new@example.com"], "private_metadata": {"ssn": "[masked]"}},
        }),
        "the whole request, whatever --fields says, private metadata masked"
    );

    // Reads too: the query string is part of the path.
    let req = cli
        .run(&[
            "users",
            "list",
            "--dry-run",
            "--limit",
            "3",
            "--email-address",
            "a@b.co",
        ])
        .ok()
        .json();
    assert_eq!(req["method"], "GET");
    assert_eq!(req["path"], "/v1/users?email_address=a%40b.co&limit=3");
    assert!(req.get("body").is_none());
}

#[test]
fn a_production_key_is_named_on_stderr_before_a_change() {
    let live = "sk_live_clerkctlProductionKey9876";
    let emu = Emu::with(Config {
        secret_keys: vec![live.to_owned()],
        ..config()
    });
    emu.seed(crate::support::company());
    let cli = Cli::at(&emu.url, Some(live));
    let notice = format!(
        "clerkctl: using a production key (sk_live_…9876) against {}/v1\n",
        emu.url
    );
    let run = cli
        .run(&["users", "update", "user_ada", "--first-name", "Augusta"])
        .ok();
    assert_eq!(run.stderr, notice);
    assert_eq!(emu.user("user_ada").unwrap()["first_name"], "Augusta");
    // Once per command, before the change that fails too.
    let run = cli
        .run(&["users", "delete", "user_nobody", "--yes"])
        .code(4);
    assert!(run.stderr.starts_with(&notice), "{}", run.stderr);
    assert_eq!(run.stderr.matches("production key").count(), 1);
    // Not for reads, nor dry runs.
    assert_eq!(cli.run(&["users", "get", "user_ada"]).ok().stderr, "");
    let run = cli
        .run(&["users", "delete", "user_ada", "--dry-run", "--verbose"])
        .ok();
    assert_eq!(run.stderr, "");
    assert!(run.stdout.contains("Bearer sk_live_…9876"));
    assert!(!run.stdout.contains(live));
    // An emulator that was not told about the key refuses it.
    let other = Emu::new();
    let err = Cli::at(&other.url, Some(live))
        .run(&["users", "list"])
        .code(3)
        .error();
    assert!(
        err["long_message"]
            .as_str()
            .unwrap()
            .contains("refuses production (sk_live_) keys")
    );
}

#[test]
fn the_key_travels_over_plain_http_only_to_loopback() {
    let stub = Stub::answering(200, json!({"object": "total_count", "total_count": 0}));
    let port = stub.url.rsplit(':').next().unwrap().to_owned();
    Cli::at(&format!("http://localhost:{port}"), Some("sk_test_x"))
        .run(&["users", "count"])
        .ok();
    assert_eq!(stub.requests().len(), 1);
    let err = Cli::at("http://clerk.example.invalid", Some("sk_test_x"))
        .run(&["users", "count"])
        .code(2)
        .error();
    assert_eq!(err["code"], "invalid_api_url");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("never sent over plain http except to a loopback address")
    );
}

#[test]
fn the_audit_log_keeps_one_line_per_change_with_secrets_masked() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    cli.run(&["users", "get", "user_ada"]).ok();
    cli.run(&["orgs", "list"]).ok();
    assert!(cli.audit().is_empty(), "reads are not audited");
    let created = cli
        .run_stdin(
            &[
                "users",
                "create",
                "--email-address",
                "mary@example.com",
                "--password-stdin",
                "--private-metadata",
                r#"{"ssn": "123-45-6789", "nested": {"x": 1}}"#,
                "--public-metadata",
                r#"{"plan": "pro"}"#,
            ],
            "Sup3r-Secret-Passw0rd\n",
        )
        .ok()
        .json();
    let user = created["id"].as_str().unwrap();
    cli.run(&[
        "members",
        "add",
        "org_acme",
        user,
        "--role",
        "org:member",
        "--private-metadata",
        r#"{"badge": "badge-b77x"}"#,
    ])
    .ok();
    cli.run(&["users", "delete", "user_nobody", "--yes"])
        .code(4);
    cli.run(&[
        "api",
        "PATCH",
        &format!("/users/{user}/metadata"),
        "--data",
        r#"{"private_metadata": {"pin": "pin-98765-zz"}}"#,
    ])
    .ok();

    let records = cli.audit();
    assert_eq!(records.len(), 4, "{records:#?}");
    let text = std::fs::read_to_string(cli.audit_path()).unwrap();
    for secret in [
        "Sup3r-Secret-Passw0rd",
        "123-45-6789",
        "badge-b77x",
        "pin-98765-zz",
        KEY,
    ] {
        assert!(!text.contains(secret), "{secret} in the audit log: {text}");
    }
    let r = &records[0];
    let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "time",
            "command",
            "method",
            "path",
            "status",
            "code",
            "resource_id",
            "trace_id",
            "instance",
            "key",
            "body"
        ]
    );
    assert_eq!(r["command"], "users create");
    assert_eq!(r["method"], "POST");
    assert_eq!(r["path"], "/v1/users");
    assert_eq!(r["status"], 200);
    assert_eq!(r["resource_id"], user);
    assert_eq!(r["instance"], format!("{}/v1", emu.url));
    assert_eq!(r["key"], "sk_test_…ests");
    assert_eq!(
        r["body"],
        json!({
            "email_address": ["mary@example.com"],
            "password": "[masked]",
            "public_metadata": {"plan": "pro"},
            "private_metadata": {"ssn": "[masked]", "nested": "[masked]"},
        })
    );
    assert!(
        time::OffsetDateTime::parse(
            r["time"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339
        )
        .is_ok()
    );
    assert_eq!(records[1]["command"], "members add");
    assert_eq!(records[1]["path"], "/v1/organizations/org_acme/memberships");
    assert_eq!(
        records[1]["body"]["private_metadata"],
        json!({"badge": "[masked]"})
    );
    let failed = &records[2];
    assert_eq!(
        (
            &failed["command"],
            &failed["status"],
            &failed["code"],
            &failed["resource_id"]
        ),
        (
            &json!("users delete"),
            &json!(404),
            &json!("resource_not_found"),
            &json!("user_nobody")
        )
    );
    assert!(failed["trace_id"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(records[3]["command"], "api");
    assert_eq!(
        records[3]["body"],
        json!({"private_metadata": {"pin": "[masked]"}})
    );
}

#[test]
fn the_audit_log_goes_where_it_is_told_or_nowhere() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let elsewhere = cli.dir().join("logs").join("changes.jsonl");
    cli.run(&[
        "--audit-log",
        elsewhere.to_str().unwrap(),
        "users",
        "unban",
        "user_barbara",
    ])
    .ok();
    assert_eq!(read_jsonl(&elsewhere).len(), 1);
    let by_env = cli.dir().join("env.jsonl");
    Cli::new(&emu)
        .env("CLERKCTL_AUDIT_LOG", by_env.to_str().unwrap())
        .run(&["users", "lock", "user_barbara", "--yes"])
        .ok();
    assert_eq!(read_jsonl(&by_env)[0]["command"], "users lock");
    cli.run(&["--no-audit", "users", "unlock", "user_barbara"])
        .ok();
    assert!(cli.audit().is_empty(), "the default log was never used");
    assert_eq!(read_jsonl(&elsewhere).len(), 1);

    // Without $XDG_STATE_HOME it is under $HOME.
    let no_xdg = Cli::new(&emu).env("XDG_STATE_HOME", "");
    no_xdg.run(&["users", "lock", "user_barbara", "--yes"]).ok();
    let under_home = no_xdg.home().join(".local/state/clerkctl/audit.jsonl");
    assert_eq!(read_jsonl(&under_home).len(), 1);
}

#[test]
fn an_audit_log_that_cannot_be_written_stops_the_change_before_it_is_sent() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let blocked = cli.dir().join("a-file");
    std::fs::write(&blocked, "").unwrap();
    let path = blocked.join("audit.jsonl");
    let err = cli
        .run(&[
            "--audit-log",
            path.to_str().unwrap(),
            "users",
            "update",
            "user_ada",
            "--first-name",
            "X",
        ])
        .code(7)
        .error();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("pass --audit-log PATH or --no-audit; nothing was sent")
    );
    assert_eq!(emu.user("user_ada").unwrap()["first_name"], "Ada");
}
