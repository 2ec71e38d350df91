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
    assert_eq!(
        cells,
        [
            "user_ada",
            "Ada Lovelace",
            "ada@acme.test",
            "ada_l",
            "active",
            "2024-01-01 09:00 UTC"
        ]
    );
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
    assert!(lines.len() > 6, "wrapped into more lines: {}", run.stdout);
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
fn errors_on_a_terminal_are_one_line_with_a_hint() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let run = cli
        .run_tty("", &["users", "get", "user_nobody"], "")
        .code(4);
    assert_eq!(
        redact(&run.stdout),
        "clerkctl: users get user_nobody: No user was found with id user_nobody (HTTP 404, resource_not_found, trace [TRACE]) — hint: check the user ID: user IDs look like user_[ID] (find one with `clerkctl users list --query ...`)\n"
    );
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
            run.stdout
                .contains("clerkctl: delete user user_ada? This cannot be undone. [y/N] "),
            "{:?}",
            run.stdout
        );
        assert!(
            run.stdout.contains(
                "clerkctl: did not delete user user_ada: not confirmed; nothing was sent"
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
        run.stdout
            .contains("ban user user_alan? This cannot be undone. [y/N]")
    );
    assert_eq!(emu.user("user_alan").unwrap()["banned"], true);
    cli.run_tty("", &["members", "remove", "org_acme", "user_alan"], "yes\n")
        .ok();
    assert_eq!(emu.members("org_acme").len(), 2);
    cli.run_tty("", &["orgs", "delete", "org_globex"], "Y\n")
        .ok();
    assert!(emu.org("org_globex").is_none());
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
