//! Passwords moving in with their users: `users import` with `password_digest` and
//! `password_hasher` (every digest checked before anything is sent), then `users
//! verify-password` and `users verify-passwords` proving on the emulator that the users sign in
//! with their old passwords. Digests and passwords never appear in any output or file clerkctl
//! writes. The fixtures are the ones real hashing libraries made for the emulator's own tests.

use std::path::Path;

use serde_json::Value;

use crate::support::{Cli, Emu};

const FIXTURES: &str = include_str!("../../../clerk-passwords/tests/fixtures/digests.json");

/// (hasher, password, digest) for every fixture.
fn fixtures() -> Vec<(String, String, String)> {
    let doc: Value = serde_json::from_str(FIXTURES).unwrap();
    doc["fixtures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_owned();
            (s("hasher"), s("password"), s("digest"))
        })
        .collect()
}

fn csv_file(path: &Path, header: &[&str], rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

/// Every file under `dir` but `except`, as text.
fn files_under(dir: &Path, except: &[&Path]) -> Vec<(String, String)> {
    let mut all = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if !except.contains(&p.as_path()) {
                let bytes = std::fs::read(&p).unwrap();
                all.push((
                    p.display().to_string(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                ));
            }
        }
    }
    all
}

/// No secret in any of the texts.
#[track_caller]
fn nowhere(secrets: &[&str], texts: &[(String, String)]) {
    for (name, text) in texts {
        for s in secrets {
            assert!(!text.contains(s), "{name} holds a secret ({s:?}):\n{text}");
        }
    }
}

fn email(i: usize) -> String {
    format!("fixture{i}@example.com")
}

#[test]
fn every_fixture_imports_then_verifies_and_no_output_or_file_holds_a_digest() {
    let emu = Emu::new();
    let cli = Cli::new(&emu);
    let fx = fixtures();
    let users = cli.dir().join("users.csv");
    csv_file(
        &users,
        &["email_address", "password_digest", "password_hasher"],
        &fx.iter()
            .enumerate()
            .map(|(i, (h, _, d))| vec![email(i), d.clone(), h.clone()])
            .collect::<Vec<_>>(),
    );
    let digests: Vec<&str> = fx.iter().map(|(_, _, d)| d.as_str()).collect();
    let passwords: Vec<&str> = fx.iter().map(|(_, p, _)| p.as_str()).collect();
    let path = users.to_str().unwrap();
    let mut outputs = Vec::new();

    let plan = cli
        .run(&["--dry-run", "-o", "json", "users", "import", "--file", path])
        .ok();
    assert_eq!(plan.json()["data"].as_array().unwrap().len(), fx.len());
    assert!(plan.stdout.contains("[masked]"), "{}", plan.stdout);
    outputs.push(("dry run stdout".to_owned(), plan.stdout));
    outputs.push(("dry run stderr".to_owned(), plan.stderr));
    let verbose = cli
        .run(&["--dry-run", "--verbose", "users", "import", "--file", path])
        .ok();
    outputs.push((
        "verbose dry run".to_owned(),
        verbose.stdout + &verbose.stderr,
    ));

    let run = cli
        .run(&[
            "-o", "json", "users", "import", "--file", path, "--rate", "off",
        ])
        .ok();
    let summary = run.json();
    assert_eq!(summary["created"], fx.len(), "{summary}");
    outputs.push(("import stdout".to_owned(), run.stdout));
    outputs.push(("import stderr".to_owned(), run.stderr));
    assert_eq!(emu.counts()[0], fx.len());

    // Every fixture signs in with its password.
    let creds = cli.dir().join("accounts.csv");
    csv_file(
        &creds,
        &["email", "password"],
        &fx.iter()
            .enumerate()
            .map(|(i, (_, p, _))| vec![email(i), p.clone()])
            .collect::<Vec<_>>(),
    );
    let ok = cli
        .run(&[
            "-o",
            "json",
            "users",
            "verify-passwords",
            "--file",
            creds.to_str().unwrap(),
        ])
        .ok();
    let v = ok.json();
    assert_eq!(
        (
            v["checked"].as_u64(),
            v["verified"].as_u64(),
            v["failed"].as_u64()
        ),
        (Some(fx.len() as u64), Some(fx.len() as u64), Some(0)),
        "{v}"
    );
    outputs.push(("verify-passwords".to_owned(), ok.stdout + &ok.stderr));

    // And none with a wrong one; failures named by email address, in the file's order.
    let wrong: String = fx
        .iter()
        .enumerate()
        .rev()
        .map(|(i, (_, p, _))| {
            format!(
                "{}\n",
                serde_json::json!({"email": email(i), "password": format!("{p}!")})
            )
        })
        .collect();
    let bad = cli
        .run_stdin(
            &["-o", "json", "users", "verify-passwords", "--file", "-"],
            &wrong,
        )
        .code(5);
    let v = bad.json();
    assert_eq!(v["verified"], 0, "{v}");
    let named: Vec<&str> = v["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["email"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..fx.len()).rev().map(email).collect();
    assert_eq!(named, expected);
    assert!(
        v["failures"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"] == "incorrect_password"),
        "{v}"
    );
    outputs.push((
        "verify-passwords wrong".to_owned(),
        bad.stdout + &bad.stderr,
    ));

    // One user, by email address, the password on stdin.
    let one = cli
        .run_stdin(
            &["users", "verify-password", &email(0), "--password-stdin"],
            &format!("{}\n", fx[0].1),
        )
        .ok();
    assert_eq!(one.json()["verified"], true, "{}", one.stdout);
    let wrong_one = cli
        .run_stdin(
            &["users", "verify-password", &email(0), "--password-stdin"],
            "not it at all\n",
        )
        .code(5);
    let e = wrong_one.error();
    assert_eq!(e["code"], "incorrect_password", "{e}");
    assert!(
        e["hint"].as_str().unwrap().contains("password_hasher"),
        "{e}"
    );
    outputs.push(("verify-password".to_owned(), one.stdout + &one.stderr));
    outputs.push(("verify-password wrong".to_owned(), wrong_one.stderr));

    nowhere(&digests, &outputs);
    nowhere(&passwords, &outputs);
    // The journal, the audit log and anything else written: no digest, no password.
    let written = files_under(cli.dir(), &[&users, &creds]);
    assert!(
        written
            .iter()
            .any(|(n, _)| n.ends_with("users.csv.journal")),
        "{written:?}"
    );
    assert!(written.iter().any(|(n, _)| n.ends_with("audit.jsonl")));
    nowhere(&digests, &written);
    nowhere(&passwords, &written);
}

#[test]
fn a_bad_digest_or_hasher_stops_the_whole_import_before_anything_is_sent() {
    let emu = Emu::new();
    let cli = Cli::new(&emu);
    let fx = fixtures();
    let (_, _, bcrypt) = fx.iter().find(|(h, _, _)| h == "bcrypt").unwrap().clone();
    let cut = bcrypt[..bcrypt.len() - 3].to_owned();
    let users = cli.dir().join("users.csv");
    csv_file(
        &users,
        &["email_address", "password_digest", "password_hasher"],
        &[
            vec![email(1), bcrypt.clone(), "bcrypt".into()],
            vec![email(2), cut.clone(), "bcrypt".into()],
            vec![email(3), bcrypt.clone(), "bcrypt2".into()],
            vec![email(4), bcrypt.clone(), String::new()],
            vec![email(5), String::new(), "argon2id".into()],
        ],
    );
    let path = users.to_str().unwrap();
    for dry in [true, false] {
        let mut args = vec!["users", "import", "--file", path];
        if dry {
            args.insert(0, "--dry-run");
        }
        let run = cli.run(&args).code(2);
        let e = run.error()["message"].as_str().unwrap().to_owned();
        assert!(e.contains("4 rows"), "{e}");
        assert!(
            e.contains("line 3: password_digest is not a valid bcrypt digest"),
            "{e}"
        );
        assert!(
            e.contains("line 4: password_hasher: `bcrypt2` is not a password hasher"),
            "{e}"
        );
        assert!(
            e.contains("line 5: password_digest without password_hasher"),
            "{e}"
        );
        assert!(
            e.contains("line 6: password_hasher \"argon2id\" without"),
            "{e}"
        );
        assert!(!e.contains("line 2"), "{e}");
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        nowhere(&[&bcrypt, &cut], &[("stderr".into(), run.stderr.clone())]);
    }
    // ndjson too, and with JSON errors.
    let nd = cli.dir().join("users.ndjson");
    std::fs::write(
        &nd,
        format!(
            "{}\n",
            serde_json::json!({"email_address": email(7), "password_digest": cut})
        ),
    )
    .unwrap();
    let run = cli
        .run(&[
            "-o",
            "json",
            "users",
            "import",
            "--file",
            nd.to_str().unwrap(),
        ])
        .code(2);
    assert!(
        run.error()["message"]
            .as_str()
            .unwrap()
            .contains("line 1: password_digest without password_hasher")
    );
    nowhere(&[&cut], &[("stderr".into(), run.stderr)]);

    // Nothing was sent, no journal was begun, and nothing anywhere holds a digest.
    assert_eq!(emu.counts()[0], 0);
    let written = files_under(cli.dir(), &[&users, &nd]);
    assert!(
        !written.iter().any(|(n, _)| n.ends_with(".journal")),
        "{written:?}"
    );
    nowhere(&[&bcrypt, &cut], &written);
}
