//! `clerkctl api`, `completions`, `reset`, `status` and `--local`.

use serde_json::{Value, json};

use crate::support::{Cli, Emu, ids};

#[test]
fn api_calls_any_endpoint_with_every_method() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    assert_eq!(
        cli.run(&["api", "GET", "/users/count"]).ok().json(),
        json!({"object": "total_count", "total_count": 5})
    );
    assert_eq!(
        cli.run(&["api", "get", "/v1/users/count", "-q", "banned=true"])
            .ok()
            .json()["total_count"],
        1,
        "the method in any case, /v1 optional, -q for the query"
    );
    assert_eq!(
        cli.run(&["api", "GET", "users/count"]).ok().json()["total_count"],
        5,
        "the leading slash optional"
    );
    let users = cli
        .run(&[
            "api",
            "GET",
            "/users",
            "-q",
            "limit=2",
            "-q",
            "order_by=+created_at",
        ])
        .ok()
        .json();
    assert_eq!(ids(&users), ["user_ada", "user_grace"]);

    let created = cli
        .run(&[
            "api",
            "POST",
            "/organizations",
            "--data",
            r#"{"name": "Hooli", "slug": "hooli"}"#,
        ])
        .ok()
        .json();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(emu.org("hooli").unwrap()["id"], id.as_str());
    cli.run(&[
        "api",
        "PATCH",
        &format!("/organizations/{id}"),
        "-d",
        r#"{"name": "Hooli XYZ"}"#,
    ])
    .ok();
    assert_eq!(emu.org(&id).unwrap()["name"], "Hooli XYZ");
    cli.run(&[
        "api",
        "PUT",
        "/users/user_ada/metadata",
        "-d",
        r#"{"public_metadata": {"x": 1}}"#,
    ])
    .ok();
    assert_eq!(
        emu.user("user_ada").unwrap()["public_metadata"],
        json!({"x": 1})
    );
    let deleted = cli
        .run(&["api", "DELETE", &format!("/organizations/{id}"), "--yes"])
        .ok()
        .json();
    assert_eq!(deleted["deleted"], true);
    assert!(emu.org(&id).is_none());
    let audit = cli.audit();
    let methods: Vec<&str> = audit
        .iter()
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert_eq!(methods, ["POST", "PATCH", "PUT", "DELETE"]);
    assert!(audit.iter().all(|r| r["command"] == "api"));

    let table = cli.run(&["api", "GET", "/users/count", "-o", "table"]).ok();
    assert_eq!(
        table.stdout, "{\n  \"object\": \"total_count\",\n  \"total_count\": 5\n}\n",
        "a table has nothing better than JSON for an arbitrary answer"
    );
    let err = cli.run(&["api", "GET", "/nowhere"]).code(4).error();
    assert_eq!(err["code"], "resource_not_found");
    assert_eq!(err["long_message"], "Resource not found");
}

#[test]
fn completions_for_each_shell() {
    let cli = Cli::at("http://127.0.0.1:9", None);
    let bash = cli.run(&["completions", "bash"]).ok().stdout;
    assert!(
        bash.contains("_clerkctl()") && bash.contains("app-invitations"),
        "{bash}"
    );
    let zsh = cli.run(&["completions", "zsh"]).ok().stdout;
    assert!(zsh.starts_with("#compdef clerkctl"), "{zsh}");
    let fish = cli.run(&["completions", "fish"]).ok().stdout;
    assert!(fish.contains("complete -c clerkctl"), "{fish}");
    for shell in ["elvish", "powershell"] {
        assert!(!cli.run(&["completions", shell]).ok().stdout.is_empty());
    }
    cli.run(&["completions", "tcsh"]).code(2);
}

#[test]
fn local_starts_with_the_demo_company_and_keeps_its_state() {
    let cli = Cli::local();
    let users = cli.run(&["users", "list"]).ok().json();
    assert_eq!(users["total_count"], 6);
    let orgs = cli.run(&["orgs", "list"]).ok().json();
    let slugs: Vec<&str> = orgs["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["globex", "acme"]);
    let acme = cli.run(&["orgs", "get", "acme"]).ok().json();
    let acme_id = acme["id"].as_str().unwrap();
    assert_eq!(
        cli.run(&["members", "list", acme_id]).ok().json()["total_count"],
        3
    );
    assert_eq!(
        cli.run(&["invitations", "list"]).ok().json()["total_count"],
        3
    );
    assert_eq!(
        cli.run(&["app-invitations", "list"]).ok().json()["total_count"],
        2
    );
    assert!(cli.local_db().exists());

    // Changes persist from one command to the next.
    let created = cli
        .run(&["users", "create", "--email-address", "new@example.com"])
        .ok()
        .json();
    let id = created["id"].as_str().unwrap();
    assert_eq!(cli.run(&["users", "get", id]).ok().json()["id"], id);
    assert_eq!(cli.run(&["users", "count"]).ok().json()["total_count"], 7);
    let audit = cli.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["instance"], "local");
    assert!(
        !std::fs::read_to_string(cli.audit_path())
            .unwrap()
            .contains("sk_test_clerkctl_local")
    );
}

#[test]
fn reset_empties_the_local_state_and_the_demo_does_not_come_back() {
    let cli = Cli::local();
    cli.run(&["users", "count"]).ok();
    cli.run(&["reset"]).code(7);
    assert_eq!(cli.run(&["users", "count"]).ok().json()["total_count"], 6);
    let run = cli.run(&["reset", "--yes"]).ok();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!("clerkctl: emptied {}\n", cli.local_db().display())
    );
    assert_eq!(cli.run(&["users", "count"]).ok().json()["total_count"], 0);
    assert_eq!(cli.run(&["orgs", "list"]).ok().json()["total_count"], 0);
    let run = cli.run(&["reset", "--yes", "--demo"]).ok();
    assert!(
        run.stderr.ends_with("and loaded the demo company\n"),
        "{}",
        run.stderr
    );
    assert_eq!(cli.run(&["users", "count"]).ok().json()["total_count"], 6);
    cli.run(&["--dry-run", "reset"]).ok();
    assert_eq!(cli.run(&["users", "count"]).ok().json()["total_count"], 6);
    cli.run(&["--read-only", "reset", "--yes"]).code(7);
    // The two resets that emptied the state are in the audit log; the refused ones are not.
    let resets: Vec<_> = cli
        .audit()
        .into_iter()
        .filter(|r| r["command"] == "reset")
        .collect();
    assert_eq!(resets.len(), 2, "{resets:?}");
    assert_eq!(resets[0]["outcome"]["demo"], false);
    assert_eq!(resets[1]["outcome"]["demo"], true);
    assert_eq!(resets[1]["instance"], "local");
}

#[test]
fn local_keeps_its_state_under_xdg_data_home_by_default() {
    let cli = Cli::at("http://127.0.0.1:9", None);
    cli.run(&["--local", "users", "count"]).ok();
    assert!(cli.data_home().join("clerkctl").join("local.db").exists());
    let other = cli.dir().join("elsewhere.db");
    cli.run(&[
        "--local",
        "--local-data",
        other.to_str().unwrap(),
        "reset",
        "--yes",
    ])
    .ok();
    assert_eq!(
        cli.run(&["--local", "users", "count"]).ok().json()["total_count"],
        6,
        "the default state is untouched"
    );
    assert_eq!(
        cli.run(&[
            "--local",
            "--local-data",
            other.to_str().unwrap(),
            "users",
            "count"
        ])
        .ok()
        .json()["total_count"],
        0
    );
}

#[test]
fn status_names_the_instance_and_whether_the_key_works() {
    let emu = crate::support::Emu::with(clerk_emulator::Config {
        secret_keys: vec![crate::support::KEY.to_owned()],
        ..crate::support::config()
    });
    emu.seed(crate::support::company());
    let cli = Cli::new(&emu);
    let run = cli.run(&["status", "-o", "json"]).ok();
    let s = run.json();
    assert_eq!(s["key_works"], true, "{s}");
    assert_eq!(s["environment_type"], "development");
    assert!(s["instance_id"].as_str().unwrap().starts_with("ins_"));
    assert_eq!(
        (s["users"].as_u64(), s["organizations"].as_u64()),
        (Some(5), Some(2))
    );
    assert_eq!(s["read_only"], false);
    assert_eq!(
        s["api_url"],
        format!("{}/v1", emu.url.trim_end_matches('/'))
    );
    let key = crate::support::KEY;
    assert_eq!(s["key"], format!("sk_test_…{}", &key[key.len() - 4..]));
    assert!(!run.stdout.contains(key) && !run.stderr.contains(key));
    let ro = cli
        .run(&["--read-only", "status", "-o", "json"])
        .ok()
        .json();
    assert_eq!(ro["read_only"], true);
    // On a terminal: a short table.
    let table = cli.run_tty("", &["status"], "").ok();
    assert!(table.stdout.contains("development"), "{}", table.stdout);
    assert!(table.stdout.contains("(works)"), "{}", table.stdout);

    // A key Clerk refuses: the status says so, and the exit code is 3 with a hint.
    let wrong = Cli::at(&emu.url, Some("sk_test_notTheRightKey9876"));
    let run = wrong.run(&["status", "-o", "json"]).code(3);
    let s: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(s["key_works"], false, "{s}");
    assert!(s["error"].as_str().is_some_and(|e| !e.is_empty()), "{s}");
    assert!(s["users"].is_null());
    assert!(!run.stdout.contains("notTheRightKey"), "{}", run.stdout);
    assert!(run.error()["hint"].is_string(), "{}", run.stderr);
}
