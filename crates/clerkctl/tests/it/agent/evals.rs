//! The skill's evals (`skill/clerk-api/evals/*.md`): everyday admin tasks, each with the
//! final state it must reach on `--local` (the demo company), a check that verifies that state
//! and a reference solution. Each eval runs in a fresh `--local` state: its setup, then its
//! check, which must fail (no check can pass on the untouched demo), then its solution, then
//! its check again, which must pass. The commands and bytes of output each solution needs are
//! printed (`cargo test -p clerkctl --test it agent::evals -- --nocapture`) and recorded in
//! BENCHMARKS.md.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::{BIN, clean};

/// One eval, read from its markdown file.
#[derive(Debug)]
struct Eval {
    name: String,
    task: String,
    setup: String,
    state: String,
    solution: String,
    check: String,
}

fn evals_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../skill/clerk-api/evals")
        .canonicalize()
        .unwrap()
}

/// The text under each `## ` heading; a section's `sh` block is its code.
fn parse(name: &str, text: &str) -> Eval {
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            sections.push((h.trim().to_lowercase(), String::new()));
        } else if let Some((_, body)) = sections.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    let get = |h: &str| -> String {
        sections
            .iter()
            .find(|(k, _)| k == h)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let code = |h: &str| -> String {
        let body = get(h);
        if body.is_empty() {
            return body;
        }
        let inner = body
            .strip_prefix("```sh\n")
            .and_then(|b| b.strip_suffix("```"))
            .unwrap_or_else(|| panic!("{name}: the {h} section is one ```sh block"));
        inner.trim().to_owned()
    };
    Eval {
        name: name.to_owned(),
        task: get("task"),
        setup: code("setup"),
        state: get("final state"),
        solution: code("solution"),
        check: code("check"),
    }
}

fn evals() -> Vec<Eval> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(evals_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md")
                && p.file_name().is_some_and(|n| n != "README.md")
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            parse(&name, &std::fs::read_to_string(p).unwrap())
        })
        .collect()
}

/// A fresh `--local` state of its own: HOME, XDG_* and a work directory in a temp dir, the
/// built binary first on PATH, nothing from the outer environment.
struct Place {
    dir: tempfile::TempDir,
}

impl Place {
    fn new() -> Place {
        let dir = tempfile::tempdir().unwrap();
        for d in ["home", "data", "state", "config", "cache", "work"] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        Place { dir }
    }

    /// Runs a script in `sh -e`, in the work directory.
    fn sh(&self, script: &str) -> Output {
        let d = |s: &str| self.dir.path().join(s).display().to_string();
        let bin_dir = Path::new(BIN).parent().unwrap().display().to_string();
        let mut cmd = Command::new("sh");
        clean(&mut cmd);
        cmd.arg("-ec")
            .arg(script)
            .env("HOME", d("home"))
            .env("XDG_DATA_HOME", d("data"))
            .env("XDG_STATE_HOME", d("state"))
            .env("XDG_CONFIG_HOME", d("config"))
            .env("XDG_CACHE_HOME", d("cache"))
            .env("PATH", format!("{bin_dir}:/usr/local/bin:/usr/bin:/bin"))
            .env("NO_COLOR", "1")
            .current_dir(d("work"))
            .stdin(Stdio::null());
        cmd.output().unwrap()
    }
}

fn said(out: &Output) -> String {
    format!(
        "exit {:?}\n  stdout: {}\n  stderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout)
            .chars()
            .take(600)
            .collect::<String>(),
        String::from_utf8_lossy(&out.stderr)
            .chars()
            .take(900)
            .collect::<String>()
    )
}

/// The commands of a solution: its lines, comments and blank lines left out (a pipeline is one
/// command, as an agent runs it in one call).
fn commands(script: &str) -> usize {
    script
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count()
}

/// What a solution needs: its commands, and the bytes they print (stdout and stderr, all an
/// agent reads).
struct Measure {
    commands: usize,
    bytes: usize,
}

/// Runs one eval; answers its figures, or what went wrong.
fn run(e: &Eval) -> Result<Measure, String> {
    let place = Place::new();
    // The first --local command fills the state with the demo company.
    let start = format!("clerkctl --local users count >/dev/null 2>&1\n{}", e.setup);
    let out = place.sh(&start);
    if !out.status.success() {
        return Err(format!("{}: the setup failed: {}", e.name, said(&out)));
    }
    let out = place.sh(&e.check);
    if out.status.success() {
        return Err(format!(
            "{}: the check passes before the solution ran: it proves nothing",
            e.name
        ));
    }
    let out = place.sh(&e.solution);
    if !out.status.success() {
        return Err(format!("{}: the solution failed: {}", e.name, said(&out)));
    }
    let bytes = out.stdout.len() + out.stderr.len();
    let check = place.sh(&e.check);
    if !check.status.success() {
        return Err(format!(
            "{}: the check fails after the solution: {}\n  the solution said: {}",
            e.name,
            said(&check),
            said(&out)
        ));
    }
    Ok(Measure {
        commands: commands(&e.solution),
        bytes,
    })
}

/// The tasks of the trial the skill was rewritten from, each an eval.
const TRIAL: &[&str] = &[
    "01-list-users-with-emails",
    "02-user-organizations",
    "03-make-admin",
    "04-invite-three",
    "05-revoke-invitation",
    "06-metadata-every-member",
    "07-create-org-add-member",
    "08-export-users-csv",
    "09-ban-then-undo",
    "10-delete-organization",
    "11-remove-domain-users",
    "12-never-signed-in",
];

#[test]
fn every_eval_reaches_its_final_state_and_no_check_passes_on_the_untouched_demo() {
    let all = evals();
    let names: Vec<&str> = all.iter().map(|e| e.name.as_str()).collect();
    for t in TRIAL {
        assert!(names.contains(t), "the eval {t} is missing");
    }
    assert!(all.len() > TRIAL.len(), "the trial's tasks and more");
    for e in &all {
        assert!(!e.task.is_empty(), "{}: no task", e.name);
        assert!(!e.state.is_empty(), "{}: no final state", e.name);
        assert!(!e.solution.is_empty(), "{}: no solution", e.name);
        assert!(!e.check.is_empty(), "{}: no check", e.name);
    }
    // Two at a time: each eval has its own state, and most of the time is the binary's.
    let (a, b) = all.split_at(all.len() / 2);
    let results: Vec<(String, Result<Measure, String>)> = std::thread::scope(|s| {
        let one = s.spawn(|| {
            a.iter()
                .map(|e| (e.name.clone(), run(e)))
                .collect::<Vec<_>>()
        });
        let two = s.spawn(|| {
            b.iter()
                .map(|e| (e.name.clone(), run(e)))
                .collect::<Vec<_>>()
        });
        let mut r = one.join().unwrap();
        r.extend(two.join().unwrap());
        r
    });
    let mut failures = Vec::new();
    let (mut commands, mut bytes) = (0, 0);
    println!("| eval | commands | bytes of output |\n|---|---:|---:|");
    for (name, r) in &results {
        match r {
            Ok(m) => {
                println!("| {name} | {} | {} |", m.commands, m.bytes);
                commands += m.commands;
                bytes += m.bytes;
            }
            Err(why) => failures.push(why.clone()),
        }
    }
    println!("| all {} | {commands} | {bytes} |", results.len());
    assert!(
        failures.is_empty(),
        "{} of {} evals failed:\n{}",
        failures.len(),
        results.len(),
        failures.join("\n")
    );
}

#[test]
fn a_check_that_is_not_met_fails() {
    // The harness itself: a solution that does nothing leaves a check failing, reported.
    let e = parse(
        "x",
        "## Task\nBan Alan.\n## Final state\nAlan is banned.\n## Solution\n```sh\nclerkctl --local users count\n```\n## Check\n```sh\ntest \"$(clerkctl --local users get alan@acme.test --jq .banned)\" = true\n```\n",
    );
    let why = match run(&e) {
        Ok(_) => panic!("a solution that does nothing cannot pass"),
        Err(why) => why,
    };
    assert!(why.contains("the check fails after the solution"), "{why}");
    assert_eq!(
        commands("# read first\nclerkctl a | clerkctl b\n\nclerkctl c\n"),
        2
    );
}
