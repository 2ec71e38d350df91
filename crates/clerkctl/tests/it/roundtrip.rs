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

/// The users of one instance, as the fields a copy must keep.
fn users_of(emu: &Emu) -> Vec<serde_json::Value> {
    let cli = Cli::new(emu);
    let mut users: Vec<serde_json::Value> = cli
        .run(&["users", "list", "--all", "-o", "ndjson"])
        .ok()
        .ndjson()
        .into_iter()
        .map(|u| {
            let emails: Vec<serde_json::Value> = u["email_addresses"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["email_address"].clone())
                .collect();
            serde_json::json!({
                "emails": emails,
                "username": u["username"],
                "first_name": u["first_name"],
                "last_name": u["last_name"],
                "external_id": u["external_id"],
                "public_metadata": u["public_metadata"],
                "private_metadata": u["private_metadata"],
                "unsafe_metadata": u["unsafe_metadata"],
                "created_at": u["created_at"],
                "banned": u["banned"],
            })
        })
        .collect();
    users.sort_by_key(|u| u["external_id"].to_string());
    users
}

#[test]
fn users_exports_are_accepted_by_users_import_and_recreate_the_same_users() {
    let source = Emu::company();
    let cli = Cli::new(&source);
    let want = users_of(&source);
    for name in ["users.csv", "users.ndjson"] {
        let file = cli.dir().join(name);
        cli.run(&[
            "users",
            "export",
            "--out",
            file.to_str().unwrap(),
            "--include-private-metadata",
        ])
        .ok();
        let target = Emu::new();
        let into = Cli::new(&target);
        let run = into.run(&[
            "users",
            "import",
            "--file",
            file.to_str().unwrap(),
            "--rate",
            "off",
            "-o",
            "json",
        ]);
        assert_eq!(run.code, 0, "{name}: {}\n{}", run.stdout, run.stderr);
        assert_eq!(run.json()["created"], 5, "{name}");
        assert_eq!(users_of(&target), want, "{name}: the same users");
        // Run again: nothing doubled.
        let again = into
            .run(&[
                "users",
                "import",
                "--file",
                file.to_str().unwrap(),
                "--rate",
                "off",
                "-o",
                "json",
            ])
            .ok()
            .json();
        assert_eq!(again["created"], 0, "{name}: {again}");
        assert_eq!(users_of(&target).len(), 5);
    }
}

#[test]
fn headers_are_matched_loosely_and_unknown_columns_stop_before_anything_is_sent() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let before = emu.org_invitations("org_globex").len();
    let loose = cli.dir().join("loose.csv");
    std::fs::write(
        &loose,
        "Email Address, ROLE\nnew1@globex.test,admin\nnew2@globex.test,member\n",
    )
    .unwrap();
    let done = cli
        .run(&[
            "invitations",
            "bulk",
            "globex",
            "--file",
            loose.to_str().unwrap(),
            "--rate",
            "off",
            "--no-hourly-limits",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(done["created"], 2, "{done}");
    assert_eq!(emu.org_invitations("org_globex").len(), before + 2);

    let typo = cli.dir().join("typo.csv");
    std::fs::write(&typo, "email,rol,colour\nx@globex.test,admin,red\n").unwrap();
    let err = cli
        .run(&[
            "invitations",
            "bulk",
            "globex",
            "--file",
            typo.to_str().unwrap(),
        ])
        .code(2)
        .error();
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("unknown columns rol, colour"), "{message}");
    assert!(
        !cli.dir().join("typo.csv.journal").exists(),
        "stopped before a journal was written"
    );
    let missing = cli.dir().join("missing.csv");
    std::fs::write(&missing, "role\nadmin\n").unwrap();
    let err = cli
        .run(&[
            "invitations",
            "bulk",
            "globex",
            "--file",
            missing.to_str().unwrap(),
        ])
        .code(2)
        .error();
    assert!(
        err["message"].as_str().unwrap().contains("email_address"),
        "{err}"
    );
    assert_eq!(
        emu.org_invitations("org_globex").len(),
        before + 2,
        "nothing sent"
    );
}

#[test]
fn bulk_files_can_come_from_stdin() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    cli.run_stdin(&["members", "add-bulk", "globex", "--file", "-"], "")
        .code(2);
    let journal = cli.dir().join("stdin.journal");
    let run = cli.run_stdin(
        &[
            "members",
            "add-bulk",
            "globex",
            "--file",
            "-",
            "--journal",
            journal.to_str().unwrap(),
            "--rate",
            "off",
            "-o",
            "json",
        ],
        "{\"user_id\": \"user_ada\", \"role\": \"admin\"}\n",
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        emu.members("org_globex")
            .iter()
            .any(|m| m["public_user_data"]["user_id"] == "user_ada" && m["role"] == "org:admin")
    );
}

#[test]
fn members_exports_are_accepted_by_members_add_bulk() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    for (name, org) in [("acme.csv", "globex"), ("acme.ndjson", "globex")] {
        let file = cli.dir().join(name);
        cli.run(&["members", "export", "acme", "--out", file.to_str().unwrap()])
            .ok();
        let run = cli.run(&[
            "members",
            "add-bulk",
            org,
            "--file",
            file.to_str().unwrap(),
            "--rate",
            "off",
            "-o",
            "json",
        ]);
        assert!(run.code == 0 || run.code == 5, "{name}: {}", run.stderr);
        let roles: Vec<(String, String)> = {
            let mut r: Vec<(String, String)> = emu
                .members("org_globex")
                .iter()
                .map(|m| {
                    (
                        m["public_user_data"]["user_id"]
                            .as_str()
                            .unwrap()
                            .to_owned(),
                        m["role"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            r.sort();
            r
        };
        // Grace was a member of Globex already (kept as she was); Ada and Alan came over
        // with their Acme roles.
        assert!(
            roles.contains(&("user_ada".into(), "org:admin".into())),
            "{name}: {roles:?}"
        );
        assert!(
            roles.contains(&("user_alan".into(), "org:member".into())),
            "{name}: {roles:?}"
        );
    }
}

/// Names and metadata that a spreadsheet would run as formulas are written as text (a leading
/// `'`), and importing the export gives back exactly what was there.
#[test]
fn csv_exports_never_carry_a_formula_and_still_round_trip() {
    let source = Emu::new();
    let mut seed = crate::support::company();
    let hostile = [
        ("=cmd|' /c calc'!A1", "+1+1"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "-2+3"),
        ("\tTabbed", "'=already quoted"),
    ];
    for (i, (first, last)) in hostile.iter().enumerate() {
        seed["users"][i]["first_name"] = serde_json::json!(first);
        seed["users"][i]["last_name"] = serde_json::json!(last);
    }
    seed["users"][3]["external_id"] = serde_json::json!("=HYPERLINK(\"http://evil.example\")");
    source.seed(seed);
    let want = users_of(&source);
    let cli = Cli::new(&source);
    let file = cli.dir().join("users.csv");
    cli.run(&[
        "users",
        "export",
        "--out",
        file.to_str().unwrap(),
        "--include-private-metadata",
    ])
    .ok();
    let mut reader = csv::Reader::from_path(&file).unwrap();
    let mut cells = 0;
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            cells += 1;
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula reached the CSV: {cell:?}"
            );
        }
    }
    assert!(cells > 20);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("'=cmd|"), "{text}");
    assert!(text.contains("''=already quoted"), "{text}");

    let target = Emu::new();
    let into = Cli::new(&target);
    into.run(&[
        "users",
        "import",
        "--file",
        file.to_str().unwrap(),
        "--rate",
        "off",
    ])
    .ok();
    assert_eq!(users_of(&target), want, "the same names and metadata");
}
