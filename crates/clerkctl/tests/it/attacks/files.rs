//! Files: exports, the audit log, journals and the `--local` state are created new, private
//! (0600, directories 0700), never through a symbolic link, and whole or not at all.

use std::os::unix::fs::{MetadataExt, symlink};
use std::path::Path;

use serde_json::json;

use crate::support::{Cli, Emu, Stub, company};

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().mode() & 0o777
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn an_export_never_overwrites_a_file_without_force() {
    let emu = Emu::new();
    emu.seed(company());
    let cli = Cli::new(&emu);
    let out = cli.dir().join("users.ndjson");
    std::fs::write(&out, "mine\n").unwrap();
    let run = cli
        .run(&["users", "export", "--out", out.to_str().unwrap()])
        .code(7);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine\n");

    cli.run(&["users", "export", "--out", out.to_str().unwrap(), "--force"])
        .ok();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("\"object\":\"user\""), "{text}");
    assert_eq!(mode(&out), 0o600);
}

#[test]
fn an_export_never_writes_through_a_planted_symlink() {
    let emu = Emu::new();
    emu.seed(company());
    let cli = Cli::new(&emu);
    let ssh = cli.dir().join("authorized_keys");
    std::fs::write(&ssh, "ssh-ed25519 AAAA mine\n").unwrap();

    // At the name itself: refused, even when the link dangles (creating it would create its
    // target).
    let out = cli.dir().join("users.ndjson");
    symlink(&ssh, &out).unwrap();
    cli.run(&["users", "export", "--out", out.to_str().unwrap()])
        .code(7);
    let dangling = cli.dir().join("dangling.ndjson");
    let nowhere = cli.dir().join("nowhere");
    symlink(&nowhere, &dangling).unwrap();
    cli.run(&["users", "export", "--out", dangling.to_str().unwrap()])
        .code(7);
    assert!(!nowhere.exists());

    // At the old temporary name beside it: ignored, the export is written elsewhere.
    let fresh = cli.dir().join("fresh.ndjson");
    let partial = cli.dir().join("fresh.ndjson.partial");
    symlink(&ssh, &partial).unwrap();
    cli.run(&["users", "export", "--out", fresh.to_str().unwrap()])
        .ok();
    assert!(std::fs::symlink_metadata(&partial).unwrap().is_symlink());
    assert!(
        std::fs::read_to_string(&fresh)
            .unwrap()
            .contains("\"object\":\"user\"")
    );

    // With --force the link is replaced by the file, and its target left alone.
    cli.run(&["users", "export", "--out", out.to_str().unwrap(), "--force"])
        .ok();
    assert!(!std::fs::symlink_metadata(&out).unwrap().is_symlink());
    assert_eq!(
        std::fs::read_to_string(&ssh).unwrap(),
        "ssh-ed25519 AAAA mine\n"
    );
}

#[test]
fn an_export_to_a_directory_or_that_fails_leaves_nothing_behind() {
    let emu = Emu::new();
    emu.seed(company());
    let cli = Cli::new(&emu);
    let work = cli.dir().join("work");
    let dir = work.join("exports");
    std::fs::create_dir_all(&dir).unwrap();
    cli.run(&["users", "export", "--out", dir.to_str().unwrap(), "--force"])
        .code(7);
    assert_eq!(names(&work), ["exports"]);
    assert!(names(&dir).is_empty());

    // The server fails after nothing was written: no file, no temporary file.
    let stub = Stub::answering(
        400,
        json!({"errors": [{"message": "bad", "long_message": "bad request", "code": "form_param_invalid"}]}),
    );
    let failing = Cli::at(&stub.url, Some(crate::support::KEY));
    let out = work.join("users.ndjson");
    assert!(
        failing
            .run(&["users", "export", "--out", out.to_str().unwrap()])
            .code
            != 0
    );
    assert_eq!(names(&work), ["exports"]);
}

#[test]
fn every_file_clerkctl_creates_is_private() {
    let emu = Emu::new();
    emu.seed(company());
    let cli = Cli::new(&emu);
    // An export, the audit log and a journal.
    let out = cli.dir().join("new").join("users.csv");
    cli.run(&[
        "users",
        "export",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(mode(&out), 0o600);
    assert_eq!(mode(out.parent().unwrap()), 0o700);
    let rows = cli.dir().join("rows.csv");
    std::fs::write(&rows, "email_address\nnew.person@example.com\n").unwrap();
    let journal = cli.dir().join("journals").join("import.journal");
    cli.run(&[
        "users",
        "import",
        "--file",
        rows.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(mode(&journal), 0o600);
    assert_eq!(mode(journal.parent().unwrap()), 0o700);
    assert_eq!(mode(&cli.audit_path()), 0o600);
    assert_eq!(mode(cli.audit_path().parent().unwrap()), 0o700);

    // The --local state.
    let local = Cli::local();
    local.run(&["users", "list"]).ok();
    assert_eq!(mode(&local.local_db()), 0o600);
}

#[test]
fn the_audit_log_and_a_journal_never_follow_a_planted_symlink() {
    let emu = Emu::new();
    emu.seed(company());
    let cli = Cli::new(&emu);
    let bashrc = cli.dir().join("bashrc");
    std::fs::write(&bashrc, "keep\n").unwrap();
    std::fs::create_dir_all(cli.audit_path().parent().unwrap()).unwrap();
    symlink(&bashrc, cli.audit_path()).unwrap();
    let before = emu.counts();
    cli.run(&["users", "create", "--email-address", "x@example.com"])
        .code(7);
    assert_eq!(emu.counts(), before, "nothing was sent");

    let rows = cli.dir().join("rows.csv");
    std::fs::write(&rows, "email_address\nnew.person@example.com\n").unwrap();
    let journal = cli.dir().join("import.journal");
    symlink(&bashrc, &journal).unwrap();
    let run = cli.run(&[
        "--no-audit",
        "users",
        "import",
        "--file",
        rows.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
    ]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert_eq!(emu.counts(), before, "nothing was sent");
    assert_eq!(std::fs::read_to_string(&bashrc).unwrap(), "keep\n");
}
