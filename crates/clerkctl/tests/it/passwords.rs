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

    // With every log on, into another instance.
    let emu2 = Emu::new();
    let traced = Cli::new(&emu2).env("CLERKCTL_LOG", "trace");
    let journal2 = traced.dir().join("j2");
    let logged = traced
        .run(&[
            "users",
            "import",
            "--file",
            path,
            "--rate",
            "off",
            "--journal",
            journal2.to_str().unwrap(),
        ])
        .ok();
    outputs.push(("traced import".to_owned(), logged.stdout + &logged.stderr));
    outputs.push((
        "traced journal".to_owned(),
        std::fs::read_to_string(&journal2).unwrap(),
    ));
    assert_eq!(emu2.counts()[0], fx.len());

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

/// The example exports of docs/migrations/ (made by real hashing libraries, with make.py there).
fn example(name: &str) -> String {
    format!(
        "{}/../../docs/migrations/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn every_example_export_imports_and_its_users_sign_in_with_their_passwords() {
    let emu = Emu::new();
    let cli = Cli::new(&emu);
    let journal = |n: &str| cli.dir().join(format!("{n}.journal")).display().to_string();
    let imports: [(&str, &str, &[&str]); 4] = [
        ("clerk", "clerk.csv", &[]),
        (
            "auth0",
            "auth0.ndjson",
            &["--password-hashes", "auth0-password-hashes.ndjson"],
        ),
        (
            "firebase",
            "firebase.json",
            &["--hash-config", "firebase-hash-config.json"],
        ),
        ("supabase", "supabase.csv", &[]),
    ];
    let mut created = 0;
    for (from, file, extra) in imports {
        let path = example(file);
        let j = journal(from);
        let mut args = vec![
            "-o",
            "json",
            "users",
            "import",
            "--from",
            from,
            "--file",
            &path,
            "--journal",
            &j,
        ];
        let extra_paths: Vec<String> = extra
            .iter()
            .map(|a| {
                if a.starts_with("--") {
                    (*a).to_owned()
                } else {
                    example(a)
                }
            })
            .collect();
        args.extend(extra_paths.iter().map(String::as_str));
        let run = cli.run(&args).ok();
        let s = run.json();
        assert_eq!(s["failed"], 0, "{from}: {s}");
        created += s["created"].as_u64().unwrap();
        // A second run finds everything done.
        let again = cli.run(&args).ok().json();
        assert_eq!(again["created"], 0, "{from}: {again}");
    }
    assert_eq!(created, 8);

    let users = cli
        .run(&["-o", "json", "users", "list", "--limit", "50"])
        .ok()
        .json();
    let find = |email: &str| -> Value {
        users["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| {
                u["email_addresses"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["email_address"] == email)
            })
            .unwrap_or_else(|| panic!("no user {email}"))
            .clone()
    };
    let status = |u: &Value, email: &str| -> String {
        u["email_addresses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["email_address"] == email)
            .unwrap()["verification"]["status"]
            .as_str()
            .unwrap_or("none")
            .to_owned()
    };
    let ada = find("ada@clerk.example.com");
    assert_eq!(ada["external_id"], "user_2aDaLoveLaceExample00000");
    assert_eq!(ada["username"], "ada_lovelace");
    assert_eq!(status(&ada, "ada.l@clerk.example.com"), "verified");
    assert_ne!(status(&ada, "ada.old@clerk.example.com"), "verified");
    assert_eq!(ada["phone_numbers"][0]["phone_number"], "+15555550101");
    let linus = find("linus@auth0.example.com");
    assert_eq!(linus["external_id"], "auth0|65a1f0c2e4b0a1b2c3d4e5f6");
    assert_eq!(linus["created_at"], 1680674828123_i64);
    assert_eq!(status(&linus, "linus@auth0.example.com"), "verified");
    let margaret = find("margaret@auth0.example.com");
    assert_ne!(status(&margaret, "margaret@auth0.example.com"), "verified");
    let katherine = find("katherine@firebase.example.com");
    assert_eq!(katherine["external_id"], "Kx1rQ7aBcDeFgHiJkLmNoPqRsT12");
    assert_eq!(katherine["first_name"], "Katherine");
    assert_eq!(katherine["created_at"], 1680674828123_i64);
    let hedy = find("hedy@supabase.example.com");
    assert_eq!(hedy["external_id"], "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f");
    assert_eq!(hedy["first_name"], "Hedy");
    assert_eq!(hedy["created_at"], 1704067200000_i64);
    let grace = find("grace@clerk.example.com");
    assert_eq!(grace["password_enabled"], false);

    // Every example user with a password signs in with it, and not with another.
    let ok = cli
        .run(&[
            "-o",
            "json",
            "users",
            "verify-passwords",
            "--file",
            &example("passwords.csv"),
        ])
        .ok()
        .json();
    assert_eq!(
        (ok["checked"].as_u64(), ok["verified"].as_u64()),
        (Some(7), Some(7)),
        "{ok}"
    );
    let wrong = "email,password\nada@clerk.example.com,clerk-ada wrong horse\nhedy@supabase.example.com,supabase hedy pw\nnobody@example.com,whatever1\n";
    let bad = cli
        .run_stdin(
            &[
                "-o",
                "json",
                "users",
                "verify-passwords",
                "--file",
                "-",
                "--format",
                "csv",
            ],
            wrong,
        )
        .code(5)
        .json();
    assert_eq!(bad["verified"], 1, "{bad}");
    let failed: Vec<(&str, &str)> = bad["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["email"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        failed,
        [
            ("ada@clerk.example.com", "incorrect_password"),
            ("nobody@example.com", "user_not_found")
        ]
    );
}

#[test]
fn a_firebase_export_without_its_hash_config_or_a_user_without_an_identifier_is_refused() {
    let emu = Emu::new();
    let cli = Cli::new(&emu);
    let fb = example("firebase.json");
    let run = cli
        .run(&["users", "import", "--from", "firebase", "--file", &fb])
        .code(2);
    assert!(
        run.error()["message"]
            .as_str()
            .unwrap()
            .contains("--hash-config")
    );
    let file = cli.dir().join("supabase.json");
    std::fs::write(
        &file,
        r#"[{"id": "a1", "email": "a@x.example.com"}, {"id": "b2", "email": ""}, {"id": "c3"}]"#,
    )
    .unwrap();
    let run = cli
        .run(&[
            "users",
            "import",
            "--from",
            "supabase",
            "--file",
            file.to_str().unwrap(),
        ])
        .code(2);
    let msg = run.error()["message"].as_str().unwrap().to_owned();
    assert!(
        msg.contains("2 users without") && msg.contains("lines 2, 3"),
        "{msg}"
    );
    assert_eq!(emu.counts()[0], 0);
    assert!(!cli.dir().join("supabase.json.journal").exists());
}
