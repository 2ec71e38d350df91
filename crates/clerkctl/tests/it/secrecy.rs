//! The scenario: a whole session with a recognisable key, and the key never shows in
//! stdout, stderr or the audit log: not whole, and not in part beyond its last four characters.

use clerk_emulator::Config;
use clerk_emulator::config::{FaultKind, Faults};

use crate::support::{Cli, Emu, Run, company, config};

const PREFIX: &str = "sk_test_";
const SECRET: &str = "CanaryQ7vXk2LmZp9RwT5yHs3JdN8bWf";
const WRONG: &str = "sk_test_WrongCanaryP4kQ8zXv1MnB6tGd";

/// Every stretch of six characters of a key's secret part that must never be printed.
fn pieces(key: &str) -> Vec<String> {
    let secret: Vec<char> = key.strip_prefix(PREFIX).unwrap().chars().collect();
    secret.windows(6).map(|w| w.iter().collect()).collect()
}

fn assert_hidden(what: &str, text: &str, keys: &[&str]) {
    for key in keys {
        assert!(!text.contains(key), "{what} shows the key {key}:\n{text}");
        for piece in pieces(key) {
            assert!(
                !text.contains(&piece),
                "{what} shows {piece:?} of the key:\n{text}"
            );
        }
    }
}

#[test]
fn the_key_never_shows_in_stdout_stderr_or_the_audit_log() {
    let key = format!("{PREFIX}{SECRET}");
    let emu = Emu::with(Config {
        secret_keys: vec![key.clone()],
        ..config()
    });
    emu.seed(company());
    let cli = Cli::at(&emu.url, Some(&key)).env("CLERKCTL_LOG", "trace");
    let mut runs: Vec<Run> = Vec::new();
    let mut run = |args: &[&str], stdin: &str, code: i32| {
        let r = cli.run_stdin(args, stdin);
        assert_eq!(r.code, code, "{args:?}: {}", r.stderr);
        runs.push(r);
    };

    // Reads in every output mode, with fields.
    run(&["users", "list"], "", 0);
    run(&["users", "list", "-o", "table", "--limit", "2"], "", 0);
    run(
        &["users", "list", "--all", "-o", "ndjson", "--fields", "id"],
        "",
        0,
    );
    run(&["users", "count"], "", 0);
    run(&["orgs", "get", "acme", "-o", "table"], "", 0);
    run(
        &[
            "members",
            "list",
            "org_acme",
            "--fields",
            "role,public_user_data.identifier",
        ],
        "",
        0,
    );
    run(&["invitations", "list"], "", 0);
    run(&["app-invitations", "list", "-o", "table"], "", 0);
    run(&["api", "GET", "/users", "-q", "limit=1"], "", 0);
    // Changes, audited.
    run(
        &[
            "users",
            "create",
            "--email-address",
            "mary@example.com",
            "--password-stdin",
            "--private-metadata",
            "{\"k\": 1}",
        ],
        "Passw0rd-Long-Enough!\n",
        0,
    );
    run(
        &["users", "update", "user_ada", "--first-name", "Augusta"],
        "",
        0,
    );
    run(
        &[
            "users",
            "update-metadata",
            "user_ada",
            "--public-metadata",
            "-",
        ],
        "{\"plan\": \"pro\"}",
        0,
    );
    run(&["orgs", "create", "Initech", "--slug", "initech"], "", 0);
    run(
        &[
            "members",
            "add",
            "org_globex",
            "user_alan",
            "--role",
            "org:member",
        ],
        "",
        0,
    );
    run(
        &[
            "invitations",
            "create",
            "org_acme",
            "zed@example.com",
            "--role",
            "org:member",
        ],
        "",
        0,
    );
    run(&["app-invitations", "create", "zoe@example.com"], "", 0);
    run(&["users", "ban", "user_alan", "--yes"], "", 0);
    run(
        &[
            "api",
            "POST",
            "/organizations",
            "--data",
            "{\"name\": \"Hooli\"}",
        ],
        "",
        0,
    );
    // Dry runs print the request, headers included.
    run(
        &["--dry-run", "--verbose", "users", "delete", "user_grace"],
        "",
        0,
    );
    run(
        &[
            "--dry-run",
            "--verbose",
            "api",
            "PATCH",
            "/users/user_grace",
            "-d",
            "{\"first_name\": \"G\"}",
        ],
        "",
        0,
    );
    run(
        &["--dry-run", "--verbose", "orgs", "list", "--fields", "id"],
        "",
        0,
    );
    // Errors of every kind.
    run(&["users", "get", "user_nobody"], "", 4);
    run(&["users", "get", "user_nobody", "-o", "table"], "", 4);
    run(
        &["users", "create", "--email-address", "ada@acme.test"],
        "",
        5,
    );
    run(&["users", "get", "org_not_a_user"], "", 2);
    run(&["users", "get", "nobody@example.com"], "", 4);
    run(&["users", "delete", "user_grace"], "", 7);
    run(
        &["--read-only", "users", "delete", "user_grace", "--yes"],
        "",
        7,
    );
    run(&["users", "lst"], "", 2);

    // The same emulator with a wrong key: 401.
    let wrong = Cli::at(&emu.url, Some(WRONG)).env("CLERKCTL_LOG", "trace");
    let r = wrong.run(&["users", "list"]);
    assert_eq!(r.code, 3);
    runs.push(r);
    let r = wrong.run(&[
        "users",
        "update",
        "user_ada",
        "--first-name",
        "X",
        "-o",
        "table",
    ]);
    assert_eq!(r.code, 3);
    runs.push(r);

    for r in &runs {
        assert_hidden("stdout", &r.stdout, &[&key, WRONG]);
        assert_hidden("stderr", &r.stderr, &[&key, WRONG]);
    }
    let masked = runs
        .iter()
        .filter(|r| {
            r.stdout.contains(
                "Bearer sk_test_…SECRET"
                    .replace("SECRET", &SECRET[SECRET.len() - 4..])
                    .as_str(),
            )
        })
        .count();
    assert_eq!(masked, 3, "each dry run shows the masked key");
    let audit = std::fs::read_to_string(cli.audit_path()).unwrap();
    assert_eq!(
        audit.lines().count(),
        10,
        "nine changes and a refused create: {audit}"
    );
    assert_hidden("the audit log", &audit, &[&key, WRONG]);
    let wrong_audit = std::fs::read_to_string(wrong.audit_path()).unwrap();
    assert_eq!(
        wrong_audit.lines().count(),
        1,
        "the refused change is recorded"
    );
    assert_hidden("the audit log", &wrong_audit, &[&key, WRONG]);
}

#[test]
fn the_key_stays_hidden_through_retries_and_faults() {
    let key = format!("{PREFIX}{SECRET}");
    let emu = Emu::with(Config {
        secret_keys: vec![key.clone()],
        faults: Faults {
            rate: 1.0,
            kinds: vec![FaultKind::Unavailable, FaultKind::Drop, FaultKind::Internal],
            retry_after_secs: 0,
            seed: Some(3),
        },
        ..config()
    });
    let cli = Cli::at(&emu.url, Some(&key)).env("CLERKCTL_LOG", "debug");
    for args in [
        &["users", "list"][..],
        &["users", "create", "--email-address", "a@example.com"],
        &["orgs", "delete", "org_x", "--yes"],
    ] {
        let r = cli.run(args);
        assert_ne!(r.code, 0, "{args:?}");
        assert_hidden("stdout", &r.stdout, &[&key]);
        assert_hidden("stderr", &r.stderr, &[&key]);
    }
    let audit = std::fs::read_to_string(cli.audit_path()).unwrap();
    assert_hidden("the audit log", &audit, &[&key]);
}
