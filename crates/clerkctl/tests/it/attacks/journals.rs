//! Journals are bound to the instance they record: a rehearsal on `--local` never turns the
//! real run into a no-op, and a file that is not a journal (the input itself) is refused.

use crate::support::{Cli, Emu};

#[test]
fn a_rehearsal_journal_never_turns_the_real_run_into_a_no_op() {
    let shared = tempfile::tempdir().unwrap();
    let users = shared.path().join("users.csv");
    std::fs::write(&users, "email_address\nmigrated@example.com\n").unwrap();
    let invitees = shared.path().join("invitees.csv");
    std::fs::write(&invitees, "email_address\ninvited@example.com\n").unwrap();

    // The rehearsal, on --local: done, and journaled beside the files.
    let local = Cli::local();
    local
        .run(&["users", "import", "--file", users.to_str().unwrap()])
        .ok();
    local
        .run(&[
            "app-invitations",
            "bulk",
            "--file",
            invitees.to_str().unwrap(),
        ])
        .ok();

    // The real run: refused, saying why, and nothing reported done.
    let emu = Emu::new();
    let real = Cli::new(&emu);
    let before = emu.counts();
    for args in [
        ["users", "import", "--file", users.to_str().unwrap()],
        [
            "app-invitations",
            "bulk",
            "--file",
            invitees.to_str().unwrap(),
        ],
    ] {
        let run = real.run(&args);
        assert_ne!(run.code, 0, "{args:?}: {}", run.stdout);
        assert!(run.stderr.contains("another instance"), "{}", run.stderr);
        assert!(!run.stdout.contains("earlier run"), "{}", run.stdout);
    }
    assert_eq!(emu.counts(), before);
    // With a journal of its own, the real run does the work.
    let journal = shared.path().join("real.journal");
    real.run(&[
        "users",
        "import",
        "--file",
        users.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
    ])
    .ok();
    assert_ne!(emu.counts(), before);
}

#[test]
fn the_input_file_or_any_other_file_is_refused_as_a_journal() {
    let emu = Emu::new();
    let cli = Cli::new(&emu);
    let users = cli.dir().join("users.csv");
    let text = "email_address\nmigrated@example.com\n";
    std::fs::write(&users, text).unwrap();
    let run = cli.run(&[
        "users",
        "import",
        "--file",
        users.to_str().unwrap(),
        "--journal",
        users.to_str().unwrap(),
    ]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("not a clerkctl journal"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&users).unwrap(), text);
    assert_eq!(emu.counts(), [0; 5]);
}
