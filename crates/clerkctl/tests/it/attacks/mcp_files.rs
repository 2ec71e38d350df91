//! MCP file access: an agent (following instructions hidden in Clerk's data) names files in
//! tool arguments. Every such name is confined to the server's files directory: nothing is
//! written, read or appended outside it, read-only mode included.

use std::os::unix::fs::{MetadataExt, symlink};

use serde_json::{Value, json};

use super::mcp_stdio;
use crate::support::{Cli, Emu, company};

/// The tool error's message, after checking the call was refused.
fn refused(answer: &Value) -> String {
    assert_eq!(answer["isError"], true, "{answer}");
    let message = answer["structuredContent"]["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("a message: {answer}"))
        .to_owned();
    assert!(message.contains("files directory"), "{message}");
    message
}

#[test]
fn read_only_mcp_never_writes_an_export_outside_its_files_directory() {
    let emu = Emu::new();
    emu.seed(company());
    let cli = Cli::new(&emu);
    let ssh = cli.home().join(".ssh");
    std::fs::create_dir_all(&ssh).unwrap();
    let keys = ssh.join("authorized_keys");
    let files = cli.state_home().join("clerkctl").join("files");
    // A link planted inside the directory, leading to ~/.ssh.
    std::fs::create_dir_all(&files).unwrap();
    symlink(&ssh, files.join("ssh")).unwrap();
    let tries = [
        keys.display().to_string(),
        "../../../home/.ssh/authorized_keys".to_owned(),
        "ssh/authorized_keys".to_owned(),
        "/tmp/clerkctl-attack-export.ndjson".to_owned(),
    ];
    let mut calls: Vec<(&str, Value)> = tries
        .iter()
        .map(|out| ("export_users", json!({"out": out})))
        .collect();
    calls.push(("export_users", json!({"out": "users.ndjson"})));
    let (answers, _) = mcp_stdio(&cli, &["--read-only", "mcp"], &calls);
    for a in &answers[..tries.len()] {
        let message = refused(a);
        assert!(message.contains(&files.display().to_string()), "{message}");
    }
    assert!(!keys.exists(), "nothing was planted in ~/.ssh");
    assert!(!std::path::Path::new("/tmp/clerkctl-attack-export.ndjson").exists());
    // A plain name lands in the files directory, private.
    let ok = &answers[tries.len()];
    assert_eq!(ok["isError"], false, "{ok}");
    let written = files.join("users.ndjson");
    assert_eq!(
        ok["structuredContent"]["out"],
        written.canonicalize().unwrap().display().to_string()
    );
    assert!(
        std::fs::read_to_string(&written)
            .unwrap()
            .contains("user_ada")
    );
    assert_eq!(std::fs::metadata(&written).unwrap().mode() & 0o777, 0o600);
}

#[test]
fn files_dir_is_created_private_and_confines_exports_to_itself() {
    let emu = Emu::new();
    emu.seed(company());
    let cli = Cli::new(&emu);
    let dir = cli.dir().join("exports");
    let d = dir.display().to_string();
    let inside = dir.join("orgs.csv").display().to_string();
    let (answers, _) = mcp_stdio(
        &cli,
        &["--read-only", "mcp", "--files-dir", &d],
        &[
            ("export_organizations", json!({"out": inside})),
            ("export_users", json!({"out": "sub/../../escape.ndjson"})),
        ],
    );
    assert_eq!(answers[0]["isError"], false, "{}", answers[0]);
    assert!(dir.join("orgs.csv").is_file());
    assert_eq!(std::fs::metadata(&dir).unwrap().mode() & 0o777, 0o700);
    refused(&answers[1]);
    assert!(!cli.dir().join("escape.ndjson").exists());
}

#[test]
fn mcp_bulk_tools_never_read_files_or_write_journals_and_backups_outside() {
    let emu = Emu::new();
    emu.seed(company());
    let cli = Cli::new(&emu);
    // A file outside holding secrets: a dry run would echo its rows.
    let secrets = cli.dir().join("secrets.csv");
    std::fs::write(
        &secrets,
        "email_address,password\nmary@example.com,Sup3r-Secret-Passw0rd\n",
    )
    .unwrap();
    let files = cli.state_home().join("clerkctl").join("files");
    std::fs::create_dir_all(&files).unwrap();
    symlink(&secrets, files.join("planted.csv")).unwrap();
    let journal = cli.dir().join("planted.journal");
    let backup = cli.dir().join("backup.ndjson");
    let row = json!([{"email_address": ["mary@example.com"]}]);
    let calls = [
        (
            "import_users",
            json!({"file": secrets.display().to_string(), "dry_run": true}),
        ),
        (
            "import_users",
            json!({"file": "../../../secrets.csv", "dry_run": true}),
        ),
        (
            "import_users",
            json!({"file": "planted.csv", "dry_run": true}),
        ),
        (
            "import_users",
            json!({"file": "/etc/passwd", "dry_run": true}),
        ),
        (
            "import_users",
            json!({"rows": row, "journal": journal.display().to_string()}),
        ),
        (
            "create_app_invitations_bulk",
            json!({"rows": [{"email_address": "x@example.com"}], "journal": "../x.journal"}),
        ),
        // The copy tools: the rows' file, the users export that maps their IDs, the journal.
        (
            "import_organizations",
            json!({"file": secrets.display().to_string(), "dry_run": true}),
        ),
        (
            "import_organizations",
            json!({"rows": [{"name": "Planted"}], "users": "../../../secrets.csv", "dry_run": true}),
        ),
        (
            "import_members",
            json!({"file": "planted.csv", "dry_run": true}),
        ),
        (
            "import_members",
            json!({"rows": [{"user_id": "user_ada", "role": "org:member"}],
                   "organization_id": "acme", "users": secrets.display().to_string()}),
        ),
        (
            "import_members",
            json!({"rows": [{"user_id": "user_ada", "role": "org:member"}],
                   "organization_id": "acme", "journal": journal.display().to_string()}),
        ),
        (
            "delete_users_matching",
            json!({"query": "ada@", "expect_count": 1, "backup": backup.display().to_string()}),
        ),
        (
            "ban_users_matching",
            json!({"query": "ada@", "expect_count": 1, "journal": "/tmp/clerkctl-attack.journal"}),
        ),
        ("get_user_count", json!({})),
    ];
    let (answers, _) = mcp_stdio(&cli, &["mcp"], &calls);
    for (call, a) in calls.iter().zip(&answers).take(calls.len() - 1) {
        let text = a.to_string();
        assert!(!text.contains("Sup3r-Secret"), "{}: {text}", call.0);
        assert!(!text.contains("root:"), "{}: {text}", call.0);
        refused(a);
    }
    assert!(!journal.exists() && !backup.exists());
    assert!(!cli.dir().join("x.journal").exists());
    assert!(!std::path::Path::new("/tmp/clerkctl-attack.journal").exists());
    // Nothing was sent: all five users are there, and no change was audited.
    assert_eq!(
        answers[calls.len() - 1]["structuredContent"]["total_count"],
        5
    );
    assert!(cli.audit().is_empty());
}
