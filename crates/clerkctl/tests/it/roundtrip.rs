//! Files that round-trip: exports take their format from the file's name (a mismatch with
//! `--format` is refused), write ISO 8601 times in CSV, and leave private metadata out unless
//! asked; a change that would change nothing says so.

use crate::support::{Cli, Emu};

#[test]
fn an_export_takes_its_format_from_the_name_and_refuses_a_mismatch() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let csv = cli.dir().join("users.csv");
    cli.run(&["users", "export", "--out", csv.to_str().unwrap()])
        .ok();
    let text = std::fs::read_to_string(&csv).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.starts_with("id,"), "CSV, from the name: {header}");
    assert!(
        !header.contains("private_metadata"),
        "left out by default: {header}"
    );
    assert!(
        text.contains("2024-01-01T09:00:00.000Z"),
        "ISO 8601 times in CSV: {text}"
    );
    assert!(!text.contains("salary"));

    let with_private = cli.dir().join("private.csv");
    cli.run(&[
        "users",
        "export",
        "--out",
        with_private.to_str().unwrap(),
        "--include-private-metadata",
    ])
    .ok();
    let text = std::fs::read_to_string(&with_private).unwrap();
    assert!(text.lines().next().unwrap().contains("private_metadata"));
    assert!(text.contains("salary"));

    let nd = cli.dir().join("orgs.ndjson");
    cli.run(&["orgs", "export", "--out", nd.to_str().unwrap()])
        .ok();
    let first = std::fs::read_to_string(&nd).unwrap();
    let first: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    assert_eq!(first["object"], "organization");
    assert!(first.get("private_metadata").is_none());

    let wrong = cli.dir().join("wrong.csv");
    let err = cli
        .run(&[
            "users",
            "export",
            "--out",
            wrong.to_str().unwrap(),
            "--format",
            "ndjson",
        ])
        .code(2)
        .error();
    assert!(
        err["message"].as_str().unwrap().contains("does not match"),
        "{err}"
    );
    assert!(!wrong.exists(), "nothing written");
    let unknown = cli.dir().join("users.txt");
    cli.run(&["users", "export", "--out", unknown.to_str().unwrap()])
        .code(2);
    assert!(!unknown.exists());
    cli.run(&[
        "users",
        "export",
        "--out",
        unknown.to_str().unwrap(),
        "--format",
        "csv",
    ])
    .ok();
    // stdout: ndjson unless told.
    let out = cli.run(&["members", "export", "acme"]).ok().ndjson();
    assert_eq!(out.len(), 3);
}

#[test]
fn adding_a_member_who_has_that_role_already_changes_nothing_and_says_so() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let run = cli
        .run(&["members", "add", "acme", "grace_h", "--role", "admin"])
        .ok();
    assert!(
        run.stderr
            .contains("is already org:admin in org_acme: nothing changed"),
        "{}",
        run.stderr
    );
    assert_eq!(run.json()["changed"], false);
    assert!(cli.audit().is_empty(), "nothing was sent");
    // Another role is a change Clerk refuses, as before: use members update.
    cli.run(&["members", "add", "acme", "grace_h", "--role", "member"])
        .code(5);
}
