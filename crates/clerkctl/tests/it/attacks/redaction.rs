//! Redaction by rule: the audit log, debug logs and dry runs mask, at any depth, values whose
//! field name says they are secret, private metadata values, and the key wherever it appears.

use serde_json::json;

use super::mcp_stdio;
use crate::support::{Cli, Emu, KEY, company};

const SECRETS: &[&str] = &[
    "SIGNING-KEY-abc123",
    "client-secret-zz9",
    "nested-password-q7",
    "ssn-555-12-3456",
    "Sup3r-Secret-Passw0rd",
];

fn assert_hidden(what: &str, text: &str) {
    for secret in SECRETS.iter().chain([&KEY]) {
        assert!(!text.contains(secret), "{secret} in {what}: {text}");
    }
}

#[test]
fn the_audit_log_masks_secrets_at_any_depth_even_when_the_request_fails() {
    let emu = Emu::new();
    emu.seed(company());
    let cli = Cli::new(&emu);
    // A JWT template with a custom signing key: Clerk accepts it.
    cli.run(&[
        "api",
        "POST",
        "/jwt_templates",
        "--data",
        r#"{"name": "t1", "claims": {"a": 1}, "custom_signing_key": true, "signing_algorithm": "RS256", "signing_key": "SIGNING-KEY-abc123"}"#,
    ]);
    // Fields no fixed list names, nested, in a request Clerk refuses.
    cli.run(&[
        "api",
        "POST",
        "/users",
        "--data",
        r#"{"email_address": ["not an address"], "client_secret": "client-secret-zz9", "unsafe_metadata": {"login": {"password": "nested-password-q7"}}, "private_metadata": {"ids": {"ssn": "ssn-555-12-3456"}}}"#,
    ]);
    let records = cli.audit();
    assert_eq!(records.len(), 2, "{records:#?}");
    assert_hidden(
        "the audit log",
        &std::fs::read_to_string(cli.audit_path()).unwrap(),
    );
    assert_eq!(records[0]["body"]["signing_key"], "[masked]");
    assert_eq!(records[0]["body"]["signing_algorithm"], "RS256");
    assert_ne!(records[1]["status"], 200);
    assert_eq!(records[1]["body"]["client_secret"], "[masked]");
    assert_eq!(
        records[1]["body"]["unsafe_metadata"],
        json!({"login": {"password": "[masked]"}})
    );
    assert_eq!(
        records[1]["body"]["private_metadata"],
        json!({"ids": "[masked]"})
    );
}

#[test]
fn a_dry_run_never_prints_a_password_read_from_stdin_or_private_metadata() {
    let emu = Emu::new();
    let cli = Cli::new(&emu);
    let run = cli
        .run_stdin(
            &[
                "--dry-run",
                "users",
                "create",
                "--email-address",
                "mary@example.com",
                "--password-stdin",
                "--private-metadata",
                r#"{"ssn": "ssn-555-12-3456"}"#,
            ],
            "Sup3r-Secret-Passw0rd\n",
        )
        .ok();
    assert_hidden("a dry run", &format!("{}{}", run.stdout, run.stderr));
    assert_eq!(run.json()["body"]["password"], "[masked]");

    // A bulk plan too: the rows' passwords never show.
    let rows = cli.dir().join("rows.csv");
    std::fs::write(
        &rows,
        "email_address,password\nmary@example.com,Sup3r-Secret-Passw0rd\n",
    )
    .unwrap();
    let run = cli
        .run(&[
            "users",
            "import",
            "--file",
            rows.to_str().unwrap(),
            "--dry-run",
        ])
        .ok();
    assert_hidden("a bulk plan", &format!("{}{}", run.stdout, run.stderr));
    assert!(run.stdout.contains("[masked]"), "{}", run.stdout);
}

#[test]
fn debug_logs_never_show_mcp_tool_arguments_in_clear() {
    let emu = Emu::new();
    let cli = Cli::new(&emu).env("CLERKCTL_LOG", "trace");
    let (answers, stderr) = mcp_stdio(
        &cli,
        &["mcp"],
        &[(
            "import_users",
            json!({
                "rows": [{
                    "email_address": ["mary@example.com"],
                    "password": "Sup3r-Secret-Passw0rd",
                    "private_metadata": {"ssn": "ssn-555-12-3456"},
                    "unsafe_metadata": {"client_secret": "client-secret-zz9"},
                }],
                "dry_run": true,
            }),
        )],
    );
    assert_hidden("debug logs", &stderr);
    assert!(stderr.contains("tool call import_users"), "{stderr}");
    // The bulk tool's plan masks them too.
    assert_hidden("the dry run's answer", &answers[0].to_string());
    assert!(
        answers[0].to_string().contains("[masked]"),
        "{}",
        answers[0]
    );
}
