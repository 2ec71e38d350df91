//! Output modes: JSON (Clerk's objects; lists as `{"data": [...], "total_count": N}`), ndjson,
//! tables, `--fields`, and a closed pipe.

use std::process::Stdio;

use serde_json::{Value, json};

use crate::support::{Cli, Emu, redact};

#[test]
fn piped_output_is_compact_json_with_lists_in_an_envelope() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    for args in [
        &["users", "list"][..],
        &["orgs", "list"],
        &["members", "list", "org_acme"],
        &["invitations", "list", "org_acme"],
        &["invitations", "list"],
        &["app-invitations", "list"],
    ] {
        let run = cli.run(args).ok();
        assert_eq!(run.stdout.lines().count(), 1, "{args:?}: one line");
        let v = run.json();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["data", "total_count"], "{args:?}");
        assert!(
            v["data"].is_array() && v["total_count"].is_u64(),
            "{args:?}"
        );
        assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
    }
    // `-o json` says the same thing on purpose.
    let explicit = cli.run(&["users", "list", "-o", "json"]).ok();
    assert_eq!(explicit.stdout, cli.run(&["users", "list"]).ok().stdout);
    let one = cli.run(&["users", "get", "user_ada"]).ok();
    assert_eq!(one.stdout.lines().count(), 1);
    assert_eq!(one.json()["id"], "user_ada");
}

#[test]
fn ndjson_prints_one_object_a_line_without_a_total() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let lines = cli
        .run(&["users", "list", "-o", "ndjson", "--limit", "3"])
        .ok()
        .ndjson();
    let ids: Vec<&str> = lines.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["user_katherine", "user_barbara", "user_alan"]);
    assert!(lines.iter().all(|u| u["object"] == "user"));
    let one = cli
        .run(&["orgs", "get", "acme", "-o", "ndjson"])
        .ok()
        .ndjson();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["id"], "org_acme");
}

#[test]
fn fields_keep_only_what_was_asked_with_dotted_paths() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let user = cli
        .run(&[
            "users",
            "get",
            "user_ada",
            "--fields",
            "id,first_name,public_metadata.level,public_metadata.nope,email_addresses.email_address",
        ])
        .ok()
        .json();
    assert_eq!(
        user,
        json!({
            "id": "user_ada",
            "first_name": "Ada",
            "public_metadata": {"level": 1, "nope": null},
            "email_addresses": [{"email_address": "ada@acme.test"}],
        })
    );
    // A field no user has is refused before anything is sent, with the closest name.
    let err = cli
        .run(&["users", "get", "user_ada", "--fields", "id,emial"])
        .code(2)
        .error();
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("users have no field \"emial\""), "{err}");
    assert!(
        message.contains("did you mean \"email_addresses\"?"),
        "{err}"
    );
    assert_eq!(err["hint"], "use email_addresses");
    cli.run(&["orgs", "list", "--fields", "slgu"]).code(2);
    // --jq filters the JSON; strings print raw.
    let run = cli
        .run(&["users", "list", "--jq", ".data[] | select(.banned) | .id"])
        .ok();
    assert_eq!(run.stdout, "user_barbara\n");
    let run = cli
        .run(&["orgs", "list", "--jq", "[.data[].slug] | sort"])
        .ok();
    assert_eq!(run.json(), json!(["acme", "globex"]));
    let err = cli
        .run(&["users", "list", "--jq", ".data["])
        .code(2)
        .error();
    assert!(
        err["message"].as_str().unwrap().starts_with("--jq: "),
        "{err}"
    );
    let err = cli
        .run(&["users", "list", "--jq", ".data + 1"])
        .code(1)
        .error();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("the request was made; only the output failed"),
        "{err}"
    );
    let list = cli
        .run(&["users", "list", "--limit", "2", "--fields", "id, username"])
        .ok()
        .json();
    assert_eq!(
        list,
        json!({"data": [
            {"id": "user_katherine", "username": "katherine_j"},
            {"id": "user_barbara", "username": "barbara_l"},
        ], "total_count": 5})
    );
    let lines = cli
        .run(&["orgs", "list", "-o", "ndjson", "--fields", "slug"])
        .ok()
        .ndjson();
    assert_eq!(lines, [json!({"slug": "globex"}), json!({"slug": "acme"})]);
    let created = cli
        .run(&["orgs", "create", "Initech", "--fields", "name,slug"])
        .ok()
        .json();
    assert_eq!(created, json!({"name": "Initech", "slug": "initech"}));
}

#[test]
fn fields_reach_into_api_answers_of_both_list_shapes() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let users = cli
        .run(&["api", "GET", "/users", "-q", "limit=2", "--fields", "id"])
        .ok()
        .json();
    assert_eq!(
        users,
        json!([{"id": "user_katherine"}, {"id": "user_barbara"}])
    );
    let orgs = cli
        .run(&["api", "GET", "/organizations", "--fields", "slug"])
        .ok()
        .json();
    assert_eq!(
        orgs,
        json!({"data": [{"slug": "globex"}, {"slug": "acme"}], "total_count": 2})
    );
}

#[test]
fn tables_have_headers_readable_times_and_no_colour_when_piped() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let run = cli.run(&["users", "list", "-o", "table"]).ok();
    assert!(!run.stdout.contains('\x1b'), "no escape codes in a pipe");
    insta::assert_snapshot!("users_list_table", redact(&run.stdout));
    assert!(run.stderr.is_empty());

    let run = cli
        .run(&["users", "list", "-o", "table", "--limit", "2"])
        .ok();
    assert_eq!(run.stdout.lines().count(), 3, "a header and two rows");
    assert_eq!(
        run.stderr, "2 of 5 shown; use --offset, --limit or --all for more\n",
        "the note is not data: stderr"
    );

    let run = cli
        .run(&["users", "get", "user_barbara", "-o", "table"])
        .ok();
    insta::assert_snapshot!("users_get_table", redact(&run.stdout));
    let run = cli
        .run(&["orgs", "list", "-o", "table", "--include-members-count"])
        .ok();
    insta::assert_snapshot!("orgs_list_table", redact(&run.stdout));
    let run = cli
        .run(&[
            "members",
            "list",
            "org_acme",
            "-o",
            "table",
            "--order-by",
            "+first_name",
        ])
        .ok();
    insta::assert_snapshot!("members_list_table", redact(&run.stdout));
    let run = cli
        .run(&[
            "invitations",
            "list",
            "org_acme",
            "-o",
            "table",
            "--email-address",
            "donald@acme.test",
        ])
        .ok();
    insta::assert_snapshot!("invitations_list_table", redact(&run.stdout));
    let run = cli
        .run(&[
            "users",
            "list",
            "-o",
            "table",
            "--fields",
            "id,public_metadata.level",
            "--limit",
            "2",
        ])
        .ok();
    insta::assert_snapshot!("users_list_fields_table", redact(&run.stdout));
    let run = cli
        .run(&["users", "count", "-o", "table", "--banned", "true"])
        .ok();
    assert_eq!(run.stdout, "1\n");
    let run = cli
        .run(&[
            "app-invitations",
            "list",
            "-o",
            "table",
            "--status",
            "revoked",
        ])
        .ok();
    assert_eq!(run.stdout, "(none)\n", "an empty list says so");
}

#[test]
fn json_errors_are_one_object_on_stderr_with_nothing_on_stdout() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let run = cli.run(&["users", "get", "user_nobody"]).code(4);
    assert!(run.stdout.is_empty());
    insta::assert_snapshot!("error_404_json", redact(&run.stderr));
    let err = run.error();
    let keys: Vec<&String> = err.as_object().unwrap().keys().collect();
    for key in [
        "status",
        "code",
        "message",
        "long_message",
        "meta",
        "trace_id",
        "hint",
    ] {
        assert!(keys.contains(&&key.to_owned()), "{key} in {keys:?}");
    }
    assert!(err["trace_id"].as_str().is_some_and(|t| !t.is_empty()));

    let run = cli
        .run(&["orgs", "update", "org_acme", "--name", ""])
        .code(5);
    insta::assert_snapshot!("error_422_json", redact(&run.stderr));

    // A table's errors are one line for a person.
    let run = cli
        .run(&["users", "get", "user_nobody", "-o", "table"])
        .code(4);
    insta::assert_snapshot!("error_404_line", redact(&run.stderr));
    assert_eq!(run.stderr.lines().count(), 1);
}

#[test]
fn a_mistyped_command_line_is_a_json_error_when_the_output_is_json() {
    let cli = Cli::at("http://127.0.0.1:9", Some("sk_test_unused"));
    let run = cli.run(&["users", "get"]).code(2);
    let err = run.error();
    assert_eq!(err["code"], "usage");
    assert!(err["message"].as_str().unwrap().contains("<USER>"), "{err}");
    let run = cli.run(&["users", "lst", "-o", "ndjson"]).code(2);
    assert_eq!(run.error()["exit_code"], 2);
    // Piped, stderr is read by a program: JSON even with -o table (a terminal gets clap's
    // own words: tests/it/tty.rs).
    let run = cli.run(&["users", "lst", "-o", "table"]).code(2);
    let err = run.error();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .starts_with("unrecognized subcommand 'lst'"),
        "{err}"
    );
    assert_eq!(
        err["hint"],
        "see `clerkctl users --help` for the arguments and flags it takes"
    );
    let run = cli.run(&["--version"]).ok();
    assert_eq!(
        run.stdout,
        format!("clerkctl {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_documents_the_exit_codes_and_configuration() {
    let cli = Cli::at("http://127.0.0.1:9", None);
    let run = cli.run(&["--help"]).ok();
    insta::assert_snapshot!("help", run.stdout);
    let run = cli.run(&["users", "list", "--help"]).ok();
    insta::assert_snapshot!("help_users_list", run.stdout);
}

/// Runs with stdout a pipe whose reading end is already closed: every write fails.
fn closed_stdout(cli: &Cli, args: &[&str]) -> (i32, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = cli
        .command(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    for args in [
        &["users", "list"][..],
        &["users", "list", "--all", "-o", "ndjson"],
        &["users", "list", "-o", "table"],
        &["orgs", "get", "acme", "-o", "table"],
        &["users", "count"],
        &["api", "GET", "/users"],
        &["completions", "bash"],
        &["--help"],
    ] {
        let (code, stderr) = closed_stdout(&cli, args);
        assert_eq!((code, stderr.as_str()), (0, ""), "{args:?}");
    }
}

#[test]
fn head_reads_the_first_line_and_clerkctl_stops_quietly() {
    let emu = Emu::new();
    // Far more than a pipe holds, so clerkctl is still writing when head leaves.
    let users: Vec<Value> = (0..400)
        .map(|i| json!({"email_address": [format!("user{i}@example.com")], "first_name": "X".repeat(200)}))
        .collect();
    emu.seed(json!({"users": users}));
    let cli = Cli::new(&emu);
    let bin = env!("CARGO_BIN_EXE_clerkctl");
    let script = format!(
        "set -o pipefail; '{bin}' users list --all -o ndjson 2>stderr.txt | head -n 1 >first.txt; echo $?"
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .env_clear()
        .env("CLERK_API_URL", &emu.url)
        .env("CLERK_SECRET_KEY", crate::support::KEY)
        .env("HOME", cli.home())
        .env("XDG_STATE_HOME", cli.state_home())
        .current_dir(cli.dir())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0\n");
    let first = std::fs::read_to_string(cli.dir().join("first.txt")).unwrap();
    assert_eq!(first.lines().count(), 1);
    let user: Value = serde_json::from_str(first.trim()).unwrap();
    assert_eq!(user["object"], "user");
    let stderr = std::fs::read_to_string(cli.dir().join("stderr.txt")).unwrap();
    assert_eq!(stderr, "", "quietly");
}

#[test]
fn man_writes_a_page_per_command_and_overwrites_nothing_without_force() {
    use std::os::unix::fs::PermissionsExt;
    let cli = Cli::at("http://127.0.0.1:9", Some("sk_test_unused"));
    let out = cli.dir().join("man");
    let out_arg = out.to_str().unwrap();
    let run = cli.run(&["man", "--out", out_arg]).ok();
    assert!(run.stderr.contains("man pages into"), "{}", run.stderr);
    for page in [
        "clerkctl.1",
        "clerkctl-users.1",
        "clerkctl-users-list.1",
        "clerkctl-orgs-delete.1",
    ] {
        let path = out.join(page);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH"), "{page} is a man page");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{page}");
    }
    let list = std::fs::read_to_string(out.join("clerkctl-users-list.1")).unwrap();
    assert!(list.contains("email\\-address"), "the flags are documented");
    // Again: refused, nothing replaced; with --force, replaced.
    std::fs::write(out.join("clerkctl.1"), "mine").unwrap();
    let err = cli.run(&["man", "--out", out_arg]).code(7).error();
    assert!(
        err["message"].as_str().unwrap().contains("exists already"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("clerkctl.1")).unwrap(),
        "mine"
    );
    cli.run(&["man", "--out", out_arg, "--force"]).ok();
    assert!(
        std::fs::read_to_string(out.join("clerkctl.1"))
            .unwrap()
            .contains(".TH")
    );
}
