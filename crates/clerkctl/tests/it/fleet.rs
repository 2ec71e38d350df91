//! Fleet operations: `users delete-matching` and `users ban-matching` count and show the
//! matches, refuse without confirmation (or with a count that differs), back the users up, skip
//! an organization's only admin, and under faults and reruns delete every match once and
//! nothing else.

use clerk_emulator::Config;
use clerk_emulator::config::{FaultKind, Faults};
use serde_json::{Value, json};

use crate::support::{Cli, Emu, config, read_jsonl};

fn extra_users() -> Value {
    json!({"users": [
        {"id": "user_eve", "first_name": "Eve", "email_address": ["eve@notacme.test"]},
        {"id": "user_mallory", "first_name": "Mallory", "email_address": ["mallory@mail.acme.test"]},
    ]})
}

#[test]
fn delete_matching_confirms_backs_up_skips_sole_admins_and_matches_domains_exactly() {
    let emu = Emu::company();
    emu.seed(extra_users());
    let cli = Cli::new(&emu);
    let before = emu.counts();

    // No terminal: the count and a sample, then a refusal naming the count to pass.
    let run = cli
        .run(&[
            "users",
            "delete-matching",
            "--email-domain",
            "acme.test",
            "--yes",
        ])
        .code(7);
    assert!(run.stderr.contains("4 users match"), "{}", run.stderr);
    assert!(
        run.stderr.contains("skipping user_katherine") && run.stderr.contains("org_globex"),
        "the only admin of Globex is skipped: {}",
        run.stderr
    );
    assert!(run.stderr.contains("--expect-count 4"), "{}", run.stderr);
    cli.run(&[
        "users",
        "delete-matching",
        "--email-domain",
        "acme.test",
        "--expect-count",
        "5",
        "--yes",
    ])
    .code(7);
    assert_eq!(emu.counts(), before, "nothing changed");

    let backup = cli.dir().join("gone.ndjson");
    let done = cli
        .run(&[
            "users",
            "delete-matching",
            "--email-domain",
            "acme.test",
            "--expect-count",
            "4",
            "--yes",
            "--backup",
            backup.to_str().unwrap(),
        ])
        .ok()
        .json();
    assert_eq!(done["done"], 4, "{done}");
    let saved = read_jsonl(&backup);
    let mut saved_ids: Vec<&str> = saved.iter().map(|u| u["id"].as_str().unwrap()).collect();
    saved_ids.sort();
    assert_eq!(
        saved_ids,
        ["user_ada", "user_alan", "user_barbara", "user_grace"]
    );
    for gone in saved_ids {
        assert!(emu.user(gone).is_none(), "{gone}");
    }
    for kept in ["user_katherine", "user_eve", "user_mallory"] {
        assert!(emu.user(kept).is_some(), "{kept} did not match");
    }
    // The backup is a users import file.
    let target = Emu::new();
    Cli::new(&target)
        .run(&[
            "users",
            "import",
            "--file",
            backup.to_str().unwrap(),
            "--rate",
            "off",
        ])
        .ok();
    assert_eq!(target.counts()[0], 4);
}

#[test]
fn ban_matching_leaves_banned_users_alone_and_finds_those_who_never_signed_in() {
    let emu = Emu::company();
    emu.seed(extra_users());
    let cli = Cli::new(&emu);
    let backup = cli.dir().join("banned.ndjson");
    let done = cli
        .run(&[
            "users",
            "ban-matching",
            "--never-signed-in",
            "--email-domain",
            "notacme.test",
            "--expect-count",
            "1",
            "--yes",
            "--backup",
            backup.to_str().unwrap(),
        ])
        .ok()
        .json();
    assert_eq!(done["done"], 1);
    assert_eq!(emu.user("user_eve").unwrap()["banned"], true);
    assert_eq!(emu.user("user_mallory").unwrap()["banned"], false);
    // Barbara is banned already: not a match for a ban.
    let dry = cli
        .run(&[
            "--dry-run",
            "users",
            "ban-matching",
            "--inactive-since",
            "1d",
            "--include-sole-admins",
        ])
        .ok()
        .json();
    let ids: Vec<&str> = dry["user_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        !ids.contains(&"user_barbara") && !ids.contains(&"user_eve"),
        "{ids:?}"
    );
    assert_eq!(ids.len(), 5, "{ids:?}");
}

#[test]
fn under_faults_and_reruns_every_match_is_deleted_once_and_nothing_else() {
    let emu = Emu::with(Config {
        faults: Faults {
            rate: 0.3,
            kinds: FaultKind::ALL.to_vec(),
            retry_after_secs: 0,
            seed: Some(7),
        },
        ..config()
    });
    let mut users = Vec::new();
    for i in 0..30 {
        users.push(
            json!({"id": format!("user_gone{i}"), "email_address": [format!("u{i}@fleet.test")]}),
        );
    }
    for i in 0..10 {
        users.push(
            json!({"id": format!("user_keep{i}"), "email_address": [format!("u{i}@keep.test")]}),
        );
    }
    emu.seed(json!({"users": users}));
    let cli = Cli::new(&emu);
    let backup = cli.dir().join("fleet.ndjson");
    let mut remaining = 30u64;
    for _ in 0..10 {
        if remaining == 0 {
            break;
        }
        let run = cli.run(&[
            "users",
            "delete-matching",
            "--email-domain",
            "fleet.test",
            "--expect-count",
            &remaining.to_string(),
            "--yes",
            "--backup",
            backup.to_str().unwrap(),
            "--rate",
            "off",
            "-o",
            "json",
        ]);
        if run.code == 0 || run.code == 5 {
            let v = run.json();
            remaining -= v["done"].as_u64().unwrap();
        }
        // Other exits: a fault outlasted the retries while reading; the rerun carries on.
    }
    assert_eq!(remaining, 0, "every match deleted within ten runs");
    for i in 0..30 {
        assert!(emu.user(&format!("user_gone{i}")).is_none());
    }
    for i in 0..10 {
        assert!(
            emu.user(&format!("user_keep{i}")).is_some(),
            "never matched"
        );
    }
    // Each user was deleted by exactly one answered request.
    let deletes: Vec<Value> = cli
        .audit()
        .into_iter()
        .filter(|r| r["method"] == "DELETE" && r["status"] == 200)
        .collect();
    let mut ids: Vec<String> = deletes
        .iter()
        .map(|r| {
            r["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), deletes.len(), "no user deleted twice");
    assert!(ids.iter().all(|id| id.starts_with("user_gone")), "{ids:?}");
}

/// `users VERB-matching` killed (SIGKILL) once a third of its matches are journaled, then run
/// again: every match changed, each by one request, and nothing that did not match.
fn killed_half_way_then_rerun(verb: &str) {
    const MATCHING: usize = 150;
    let server = crate::server::Server::start(Config {
        latency: std::time::Duration::from_millis(2),
        ..config()
    });
    let mut users = Vec::new();
    for i in 0..MATCHING {
        users.push(
            json!({"id": format!("user_gone{i}"), "email_address": [format!("u{i}@fleet.test")]}),
        );
    }
    for i in 0..20 {
        users.push(
            json!({"id": format!("user_keep{i}"), "email_address": [format!("u{i}@keep.test")]}),
        );
    }
    let seed: clerk_emulator::seed::Seed = serde_json::from_value(json!({"users": users})).unwrap();
    server.emulator.engine().load_seed(seed, "test").unwrap();
    let backup = server.home.path().join("gone.ndjson");
    let journal = server.home.path().join("gone.ndjson.fleet-journal");
    let args = |expect: usize| -> Vec<String> {
        [
            "users",
            &format!("{verb}-matching"),
            "--email-domain",
            "fleet.test",
            "--expect-count",
            &expect.to_string(),
            "--yes",
            "--backup",
            backup.to_str().unwrap(),
            "--rate",
            "off",
            "-o",
            "json",
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let client = server.client();
    let banned = || {
        server.block_on(async {
            client
                .users()
                .list()
                .banned(true)
                .count()
                .send()
                .await
                .unwrap()
        }) as usize
    };
    let left = || {
        if verb == "delete" {
            server.emulator.engine().counts()[0] - 20
        } else {
            MATCHING - banned()
        }
    };
    let mut child = server
        .cmd()
        .args(args(MATCHING))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed (SIGKILL) once a third of the users are journaled, whenever that is.
    crate::support::kill_once_journaled(&mut child, &journal, MATCHING / 3, |_| true);
    let remaining = left();
    assert!(
        remaining > 0 && remaining < MATCHING,
        "killed half-way: {remaining} left"
    );

    let args = args(remaining);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = server.run(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = crate::server::json(&out);
    assert_eq!(summary["done"], remaining as u64, "{summary}");
    assert_eq!(left(), 0, "every match changed");
    let (users, banned_now) = (server.emulator.engine().counts()[0], banned());
    if verb == "delete" {
        assert_eq!(
            (users, banned_now),
            (20, 0),
            "the users that did not match are kept"
        );
    } else {
        assert_eq!(
            (users, banned_now),
            (MATCHING + 20, MATCHING),
            "only the matches banned"
        );
    }
    // Each user deleted by one answered request, across both runs; none that did not match.
    let audit = server.home.path().join("state/clerkctl/audit.jsonl");
    let mut ids: Vec<String> = crate::support::read_jsonl(&audit)
        .into_iter()
        .filter(|r| {
            r["status"] == 200
                && if verb == "delete" {
                    r["method"] == "DELETE"
                } else {
                    r["path"].as_str().unwrap().ends_with("/ban")
                }
        })
        .map(|r| r["resource_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let all = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all, "no user changed twice");
    assert!(
        ids.len() >= remaining,
        "the rerun's deletes are audited: {ids:?}"
    );
    assert!(ids.iter().all(|id| id.starts_with("user_gone")), "{ids:?}");
}

#[test]
fn a_delete_matching_killed_half_way_deletes_the_rest_on_a_rerun_and_nothing_else() {
    killed_half_way_then_rerun("delete");
}

#[test]
fn a_ban_matching_killed_half_way_bans_the_rest_on_a_rerun_and_nothing_else() {
    killed_half_way_then_rerun("ban");
}
