//! With a terminal: tables by default, colour unless `NO_COLOR`, the terminal's width, and the
//! question a destructive command asks. Each runs the binary under a pseudo-terminal made by
//! util-linux `script`.

use clerk_emulator::Config;

use crate::support::{Cli, Emu, config, redact};

const BOLD: &str = "\x1b[1m";

#[test]
fn a_terminal_gets_a_table_in_colour() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let run = cli.run_tty("", &["users", "list"], "").ok();
    assert!(run.stdout.contains(BOLD), "bold headers: {:?}", run.stdout);
    let plain = strip_escapes(&run.stdout);
    let header: Vec<&str> = plain.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["ID", "NAME", "EMAIL", "USERNAME", "STATUS", "CREATED"]
    );
    let ada = plain.lines().find(|l| l.contains("user_ada")).unwrap();
    let cells: Vec<&str> = ada
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    // Times read relative on a terminal (JSON keeps Clerk's milliseconds).
    assert_eq!(
        redact(&cells.join(" | ")),
        "user_ada | Ada Lovelace | ada@acme.test | ada_l | active | [WHEN]"
    );
    assert!(cells[5].ends_with(" ago"), "{cells:?}");
    let barbara = plain.lines().find(|l| l.contains("user_barbara")).unwrap();
    assert!(barbara.contains(" banned "), "{barbara}");
}

#[test]
fn no_color_turns_colour_off() {
    let emu = Emu::company();
    let cli = Cli::new(&emu).env("NO_COLOR", "1");
    let run = cli.run_tty("", &["users", "list"], "").ok();
    assert!(!run.stdout.contains('\x1b'), "{:?}", run.stdout);
    insta::assert_snapshot!("tty_users_list", redact(&run.stdout));
    let run = cli.run_tty("", &["orgs", "get", "acme"], "").ok();
    insta::assert_snapshot!("tty_orgs_get", redact(&run.stdout));
}

#[test]
fn tables_fit_the_terminal_width() {
    let emu = Emu::company();
    let cli = Cli::new(&emu).env("NO_COLOR", "1");
    let run = cli
        .run_tty("stty cols 70 rows 40", &["users", "list"], "")
        .ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "one line per row: {}", run.stdout);
    for line in &lines {
        assert!(
            line.chars().count() <= 70,
            "{} wide: {line:?}",
            line.chars().count()
        );
    }
    // A terminal that knows no width (0 columns) gets the table unwrapped, not squeezed.
    let run = cli
        .run_tty("stty cols 0 rows 0", &["users", "list"], "")
        .ok();
    assert_eq!(run.stdout.lines().count(), 6, "{}", run.stdout);
    // COLUMNS wins over the terminal.
    let narrow = Cli::new(&emu).env("NO_COLOR", "1").env("COLUMNS", "50");
    let run = narrow
        .run_tty("stty cols 200 rows 40", &["orgs", "list"], "")
        .ok();
    assert!(
        run.stdout.lines().all(|l| l.chars().count() <= 50),
        "{}",
        run.stdout
    );
}

#[test]
fn json_on_a_terminal_is_pretty() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let run = cli
        .run_tty(
            "",
            &[
                "users",
                "get",
                "user_ada",
                "-o",
                "json",
                "--fields",
                "id,username",
            ],
            "",
        )
        .ok();
    assert_eq!(
        run.stdout,
        "{\n  \"id\": \"user_ada\",\n  \"username\": \"ada_l\"\n}\n"
    );
}

#[test]
fn errors_on_a_terminal_are_a_line_and_a_hint() {
    let emu = Emu::company();
    let cli = Cli::new(&emu).env("NO_COLOR", "1");
    let run = cli
        .run_tty("", &["users", "get", "user_nobody"], "")
        .code(4);
    assert_eq!(
        redact(&run.stdout),
        "clerkctl: error: users get user_nobody: No user was found with id user_nobody (HTTP 404, resource_not_found, trace [TRACE])\n\
         hint: check the user ID: user IDs look like user_[ID] (find one with `clerkctl users list --query ...`)\n"
    );
    // In colour, the words that say what a line is.
    let run = Cli::new(&emu)
        .run_tty("", &["users", "get", "user_nobody"], "")
        .code(4);
    assert!(
        run.stdout.contains("\x1b[31merror:\x1b[0m"),
        "{:?}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\x1b[36mhint:\x1b[0m"),
        "{:?}",
        run.stdout
    );
    // -o json on a terminal asks for JSON errors too.
    let run = cli
        .run_tty("", &["users", "get", "user_nobody", "-o", "json"], "")
        .code(4);
    let json: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(json["error"]["code"], "resource_not_found");
    // A mistyped command line at a terminal: clap's words, exit 2.
    let run = cli.run_tty("", &["users", "lst"], "").code(2);
    assert!(
        run.stdout.contains("unrecognized subcommand 'lst'"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("{\"error\""), "{}", run.stdout);
}

#[test]
fn a_destructive_command_asks_and_no_sends_nothing() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    for answer in ["n\n", "\n", "nope\n"] {
        let run = cli
            .run_tty("", &["users", "delete", "user_ada"], answer)
            .code(7);
        assert!(
            run.stdout.contains(
                "clerkctl: delete user user_ada (Ada Lovelace, ada@acme.test)? This cannot be undone. [y/N] "
            ),
            "{:?}",
            run.stdout
        );
        assert!(
            strip_escapes(&run.stdout).contains(
                "clerkctl: error: did not delete user user_ada: not confirmed; nothing was sent"
            ),
            "{:?}",
            run.stdout
        );
    }
    assert!(emu.user("user_ada").is_some());
    assert!(cli.audit().is_empty());
}

#[test]
fn a_destructive_command_asks_and_yes_goes_ahead() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let run = cli.run_tty("", &["users", "ban", "user_alan"], "y\n").ok();
    assert!(
        run.stdout.contains(
            "ban user user_alan (Alan Turing, alan@acme.test)? It can be undone with `clerkctl users unban user_alan`. [y/N]"
        ),
        "{:?}",
        run.stdout
    );
    assert_eq!(emu.user("user_alan").unwrap()["banned"], true);
    cli.run_tty("", &["members", "remove", "org_acme", "user_alan"], "yes\n")
        .ok();
    assert_eq!(emu.members("org_acme").len(), 2);
    // Deleting an organization asks for its slug: `y` is not enough.
    let run = cli
        .run_tty("", &["orgs", "delete", "org_globex"], "y\n")
        .code(7);
    assert!(
        run.stdout.contains(
            "delete organization org_globex with all its memberships and invitations (Globex, slug globex, 2 members)? This cannot be undone. Type globex to confirm: "
        ),
        "{:?}",
        run.stdout
    );
    assert!(emu.org("org_globex").is_some());
    cli.run_tty("", &["orgs", "delete", "org_globex"], "globex\n")
        .ok();
    assert!(emu.org("org_globex").is_none());
    // Asking about someone who is not there fails before the question.
    let run = cli
        .run_tty("", &["users", "delete", "user_nobody"], "y\n")
        .code(4);
    assert!(!run.stdout.contains("[y/N]"), "{:?}", run.stdout);
    // --yes asks nothing.
    let run = cli
        .run_tty("", &["users", "lock", "user_alan", "--yes"], "")
        .ok();
    assert!(!run.stdout.contains("[y/N]"));
    assert_eq!(emu.user("user_alan").unwrap()["locked"], true);
    assert_eq!(cli.audit().len(), 4);
}

#[test]
fn the_question_names_a_production_key_first() {
    let live = "sk_live_clerkctlTtyProductionKey4242";
    let emu = Emu::with(Config {
        secret_keys: vec![live.to_owned()],
        ..config()
    });
    emu.seed(crate::support::company());
    let cli = Cli::at(&emu.url, Some(live));
    let run = cli
        .run_tty("", &["users", "delete", "user_ada"], "n\n")
        .code(7);
    let notice = run
        .stdout
        .find("clerkctl: using a production key (sk_live_…4242) against")
        .expect("the notice");
    let question = run.stdout.find("[y/N]").expect("the question");
    assert!(notice < question, "{:?}", run.stdout);
    assert!(!run.stdout.contains(live));
    assert!(emu.user("user_ada").is_some());
}

#[test]
fn local_mode_on_a_terminal() {
    let cli = Cli::local().env("NO_COLOR", "1");
    let run = cli.run_tty("", &["orgs", "list"], "").ok();
    // The first --local command loads the demo company and says with which settings.
    let (notice, plain) = run.stdout.split_once('\n').unwrap();
    assert!(
        notice.starts_with("clerkctl: loaded the demo company") && notice.contains("slugs on"),
        "{notice}"
    );
    assert!(plain.starts_with("ID"), "{plain}");
    assert!(
        plain.contains("Acme Inc") && plain.contains("Globex"),
        "{plain}"
    );
    cli.run_tty("", &["reset"], "n\n").code(7);
    assert!(cli.run(&["orgs", "list"]).ok().json()["total_count"] == 2);
    cli.run_tty("", &["reset"], "y\n").ok();
    assert_eq!(cli.run(&["orgs", "list"]).ok().json()["total_count"], 0);
}

fn strip_escapes(s: &str) -> String {
    regex::Regex::new("\x1b\\[[0-9;]*m")
        .unwrap()
        .replace_all(s, "")
        .into_owned()
}

#[test]
fn password_stdin_on_a_terminal_asks_for_the_password() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let run = cli
        .run_tty(
            "",
            &[
                "users",
                "create",
                "--email-address",
                "typed@example.com",
                "--password-stdin",
                "-o",
                "json",
            ],
            "Typed-Secret-Passw0rd!\n",
        )
        .ok();
    assert!(
        run.stdout.contains("Password (not shown): "),
        "{}",
        run.stdout
    );
    let id = run
        .stdout
        .split("\"id\": \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the new user is printed: {}", run.stdout))
        .to_owned();
    assert_eq!(emu.user(&id).unwrap()["password_enabled"], true);
    // The password itself never appears in the audit log.
    let audit = std::fs::read_to_string(cli.audit_path()).unwrap();
    assert!(!audit.contains("Typed-Secret-Passw0rd!"));
}

/// Users with IDs, names and addresses as long as real ones.
fn long_users() -> Emu {
    let emu = Emu::new();
    emu.seed(serde_json::json!({
        "users": [
            {"id": "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk", "first_name": "Maximiliana",
             "last_name": "Featherstonehaugh-Wolfeschlegelsteinhausen",
             "email_address": ["maximiliana.featherstonehaugh@engineering.example.com"],
             "username": "maximiliana_featherstonehaugh",
             "created_at": "2024-01-01T09:00:00Z"},
            {"id": "user_2yQ8bR3nVt6kLmP0aZc4dEfGh1J", "first_name": "Bo",
             "email_address": ["bo@x.co"], "banned": true,
             "created_at": "2024-03-01T09:00:00Z"},
        ],
    }));
    emu
}

#[test]
fn tables_keep_one_line_per_row_at_80_and_120_columns() {
    let emu = long_users();
    let cli = Cli::new(&emu).env("NO_COLOR", "1");
    for cols in [80, 120] {
        let run = cli
            .run_tty(&format!("stty cols {cols} rows 40"), &["users", "list"], "")
            .ok();
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(
            lines.len(),
            3,
            "a header and one line per user: {}",
            run.stdout
        );
        for line in &lines {
            let wide = unicode_width(line);
            assert!(wide <= cols, "{wide} wide at {cols}: {line:?}");
        }
        let max = lines
            .iter()
            .find(|l| l.starts_with("user_2xh"))
            .unwrap_or_else(|| panic!("{}", run.stdout));
        let bo = lines
            .iter()
            .find(|l| l.starts_with("user_2yQ"))
            .unwrap_or_else(|| panic!("{}", run.stdout));
        // IDs and addresses are never broken: whole, or left out.
        assert!(
            max.contains("user_2xhFjEI5X2qWRvtV13BzSj8H6Dk"),
            "{}",
            run.stdout
        );
        assert!(bo.contains("user_2yQ8bR3nVt6kLmP0aZc4dEfGh1J"));
        let email = "maximiliana.featherstonehaugh@engineering.example.com";
        assert!(
            max.contains(email) || !lines[0].contains("EMAIL"),
            "{}",
            run.stdout
        );
        // A long name is shortened, not wrapped.
        assert!(max.contains('…'), "{}", run.stdout);
        if cols == 120 {
            assert!(max.contains(email), "{}", run.stdout);
        }
    }
    // Times on a terminal read relative.
    let run = cli
        .run_tty("stty cols 200 rows 40", &["users", "list"], "")
        .ok();
    assert!(
        run.stdout
            .lines()
            .all(|l| l.ends_with(" ago") || l.starts_with("ID")),
        "{}",
        run.stdout
    );
    // A detail view wraps long values at spaces, never inside an address.
    let run = cli
        .run_tty(
            "stty cols 80 rows 40",
            &["users", "get", "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk"],
            "",
        )
        .ok();
    assert!(
        run.stdout
            .lines()
            .all(|l| unicode_width(l) <= 80 || l.contains("@"))
    );
    assert!(
        run.stdout
            .contains("maximiliana.featherstonehaugh@engineering.example.com")
    );
    // The absolute time stays, the relative one is added.
    assert!(
        run.stdout.contains("2024-01-01 09:00 UTC ("),
        "{}",
        run.stdout
    );
}

fn unicode_width(s: &str) -> usize {
    // Every character of these tables is one column wide ("…" included).
    s.chars().count()
}

#[test]
fn status_values_are_coloured_and_clicolor_force_colours_a_pipe() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let run = cli.run_tty("", &["users", "list"], "").ok();
    assert!(
        run.stdout.contains("\x1b[32mactive\x1b[0m"),
        "{:?}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\x1b[31mbanned\x1b[0m"),
        "{:?}",
        run.stdout
    );
    // Piped, no colour unless forced.
    let run = cli.run(&["users", "list", "-o", "table"]).ok();
    assert!(!run.stdout.contains('\x1b'));
    let forced = Cli::new(&emu).env("CLICOLOR_FORCE", "1");
    let run = forced.run(&["users", "list", "-o", "table"]).ok();
    assert!(run.stdout.contains("\x1b[1mID"), "{:?}", run.stdout);
    let both = Cli::new(&emu)
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1");
    let run = both.run(&["users", "list", "-o", "table"]).ok();
    assert!(!run.stdout.contains('\x1b'), "NO_COLOR wins");
}

/// Screen-clear, window-title and OSC 8 hyperlink sequences, as anyone who signs up can
/// put them in their name.
const HOSTILE: &str =
    "Eve\x1b[2J\x1b]0;pwned\x07\x1b]8;;https://evil.test\x1b\\click\x1b]8;;\x1b\\";

#[test]
fn control_characters_in_data_are_shown_escaped() {
    let emu = Emu::new();
    emu.seed(serde_json::json!({
        "users": [{"id": "user_eve", "first_name": HOSTILE, "last_name": "Hacker",
                   "email_address": ["eve@evil.test"]}],
        "organizations": [{"id": "org_evil", "name": "Evil\x1b]0;pwned\x07\x1b[2J Corp", "slug": "evil"}],
    }));
    let cli = Cli::new(&emu).env("NO_COLOR", "1");
    let shown = "Eve\\x1b[2J\\x1b]0;pwned\\x07\\x1b]8;;https://evil.test\\x1b\\click";
    // A table, a detail view, a question, a dry-run summary.
    let org = "Evil\\x1b]0;pwned\\x07\\x1b[2J Corp";
    for (args, input, code, expect) in [
        (vec!["users", "list"], "", 0, shown),
        (vec!["users", "get", "user_eve"], "", 0, shown),
        (vec!["orgs", "list"], "", 0, org),
        (vec!["orgs", "delete", "org_evil"], "no\n", 7, org),
        (vec!["users", "delete", "user_eve"], "n\n", 7, shown),
        (
            vec![
                "--dry-run",
                "users",
                "update",
                "user_eve",
                "--first-name",
                HOSTILE,
            ],
            "",
            0,
            "PATCH /v1/users/user_eve",
        ),
    ] {
        let run = cli
            .run_tty("stty cols 200 rows 40", &args, input)
            .code(code);
        assert!(!run.stdout.contains('\x1b'), "{args:?}: {:?}", run.stdout);
        assert!(!run.stdout.contains('\x07'), "{args:?}: {:?}", run.stdout);
        assert!(run.stdout.contains(expect), "{args:?}: {:?}", run.stdout);
    }
    // A human error quoting what was typed.
    let run = cli
        .run_tty("", &["users", "get", "user_\x1b]0;x\x07"], "")
        .code(2);
    assert!(!run.stdout.contains('\x1b'), "{:?}", run.stdout);
    assert!(run.stdout.contains("\\u{1b}]0;x\\u{7}"), "{:?}", run.stdout);
}

#[test]
fn a_retry_warning_during_an_export_is_a_plain_line_above_its_progress() {
    use clerk_emulator::config::{FaultKind, Faults};
    let emu = Emu::with(Config {
        faults: Faults {
            rate: 0.5,
            kinds: vec![FaultKind::Unavailable],
            retry_after_secs: 0,
            seed: Some(11),
        },
        latency: std::time::Duration::from_millis(60),
        ..config()
    });
    let users: Vec<serde_json::Value> = (0..1500)
        .map(|i| serde_json::json!({"email_address": [format!("u{i}@example.com")]}))
        .collect();
    emu.seed(serde_json::json!({"users": users}));
    let cli = Cli::new(&emu).env("NO_COLOR", "1");
    let out = cli.dir().join("users.ndjson");
    let run = cli
        .run_tty("", &["users", "export", "--out", out.to_str().unwrap()], "")
        .ok();
    let csi = regex::Regex::new("\x1b\\[[0-9;?]*[A-Za-z]").unwrap();
    let shown = csi.replace_all(&run.stdout, "").into_owned();
    let warnings: Vec<&str> = shown
        .lines()
        .filter(|l| l.contains("retrying in"))
        // What the terminal shows of the line: the text after its last carriage return.
        .map(|l| l.rsplit('\r').next().unwrap_or(l))
        .collect();
    assert!(!warnings.is_empty(), "a fault was retried: {shown:?}");
    assert!(
        shown
            .find(" users  ")
            .is_some_and(|p| Some(p) < shown.find("retrying in")),
        "the progress was on the terminal when the warning came: {shown:?}"
    );
    for w in warnings {
        assert!(
            w.starts_with("clerkctl: warning: Clerk answered 503; retrying in "),
            "a plain line of its own, not drawn through the progress: {w:?}"
        );
    }
    assert_eq!(
        crate::support::read_jsonl(&out).len(),
        1500,
        "every user once"
    );
}
