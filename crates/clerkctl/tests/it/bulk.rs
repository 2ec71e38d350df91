//! Bulk jobs under injected faults and rate limits: every row done exactly once, nothing lost,
//! nothing created twice, also when the job is killed half-way and run again.

use std::collections::HashSet;
use std::time::Duration;

use clerk_emulator::config::{FaultKind, Faults};
use clerk_emulator::{Config, Settings};
use futures::TryStreamExt;
use serde_json::{Value, json};

use crate::server::{Server, json, write};
use crate::support::config;

const ROWS: usize = 1000;

/// Every fault, on a fifth of the requests, including answers dropped after the write.
pub(crate) fn faulty() -> Config {
    Config {
        faults: Faults {
            rate: 0.2,
            kinds: FaultKind::ALL.to_vec(),
            retry_after_secs: 0,
            seed: Some(2026),
        },
        ..config()
    }
}

pub(crate) const FAST: &[&str] = &["--rate", "off", "--no-hourly-limits", "-o", "json"];

fn org(server: &Server, name: &str) -> String {
    let client = server.client();
    server.block_on(async {
        client
            .organizations()
            .create(name)
            .send()
            .await
            .unwrap()
            .id
            .to_string()
    })
}

/// Creates `n` users one after another, the `i`th named `name(i)`, answering their IDs in
/// that order.
fn create_users(server: &Server, n: usize, name: impl Fn(usize) -> String) -> Vec<String> {
    let client = server.client();
    server.block_on(async {
        let mut ids = Vec::new();
        for i in 0..n {
            ids.push(
                client
                    .users()
                    .create()
                    .username(name(i))
                    .send()
                    .await
                    .unwrap()
                    .id
                    .to_string(),
            );
        }
        ids
    })
}

/// Every user, newest first, one page after another.
fn all_users(server: &Server) -> Vec<Value> {
    let client = server.client();
    server.block_on(async {
        client
            .users()
            .list()
            .limit(500)
            .stream_as()
            .try_collect()
            .await
            .unwrap()
    })
}

fn pending_invitation_emails(server: &Server, org: &str) -> Vec<String> {
    let client = server.client();
    server.block_on(async {
        let all: Vec<Value> = client
            .organization_invitations(&org.parse().unwrap())
            .list()
            .status(["pending"])
            .limit(500)
            .stream_as()
            .try_collect()
            .await
            .unwrap();
        all.iter()
            .map(|i| i["email_address"].as_str().unwrap().to_owned())
            .collect()
    })
}

fn exactly_once(found: &[String], expected: usize) {
    let distinct: HashSet<&String> = found.iter().collect();
    assert_eq!(distinct.len(), found.len(), "duplicates were created");
    assert_eq!(found.len(), expected, "rows were lost");
}

#[test]
fn a_thousand_organization_invitations_under_faults() {
    let server = Server::start(faulty());
    let org = org(&server, "Invitees");
    let file = server.home.path().join("invitees.csv");
    let mut csv = String::from("email_address\n");
    for i in 0..ROWS {
        csv.push_str(&format!("person{i}@example.com\n"));
    }
    write(&file, &csv);
    let out = server.run(
        &[
            &[
                "invitations",
                "bulk",
                &org,
                "--file",
                file.to_str().unwrap(),
                "--role",
                "org:member",
            ],
            FAST,
        ]
        .concat(),
    );
    let summary = json(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{summary}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(summary["status"], "done");
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(
        summary["created"].as_u64().unwrap() + summary["skipped"].as_u64().unwrap(),
        ROWS as u64
    );
    assert!(
        summary["retries"].as_u64().unwrap() > 0,
        "faults were met: {summary}"
    );
    exactly_once(&pending_invitation_emails(&server, &org), ROWS);

    // A second run finds everything done and sends nothing.
    let again = json(
        &server.run(
            &[
                &[
                    "invitations",
                    "bulk",
                    &org,
                    "--file",
                    file.to_str().unwrap(),
                    "--role",
                    "org:member",
                ],
                FAST,
            ]
            .concat(),
        ),
    );
    assert_eq!(again["already_done"], ROWS as u64);
    assert_eq!(again["requests"], 0);
}

#[test]
fn a_thousand_application_invitations_under_faults() {
    let server = Server::start(faulty());
    let file = server.home.path().join("invitees.ndjson");
    let rows: Vec<String> = (0..ROWS)
        .map(|i| {
            json!({"email_address": format!("app{i}@example.com"), "public_metadata": {"n": i}})
                .to_string()
        })
        .collect();
    write(&file, &rows.join("\n"));
    let out = server.run(
        &[
            &["app-invitations", "bulk", "--file", file.to_str().unwrap()],
            FAST,
        ]
        .concat(),
    );
    let summary = json(&out);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    let client = server.client();
    let found: Vec<String> = server.block_on(async {
        let all: Vec<Value> = client
            .invitations()
            .list()
            .status("pending")
            .limit(500)
            .stream_as()
            .try_collect()
            .await
            .unwrap();
        all.iter()
            .map(|i| i["email_address"].as_str().unwrap().to_owned())
            .collect()
    });
    exactly_once(&found, ROWS);
}

#[test]
fn users_import_under_faults_skips_existing_users() {
    let server = Server::start(faulty());
    let client = server.client();
    // Two users exist already: one matched by external ID, one by email.
    server.block_on(async {
        client
            .users()
            .create()
            .external_id("ext-7")
            .email_address(["other7@example.com"])
            .send()
            .await
            .unwrap();
        client
            .users()
            .create()
            .email_address(["user9@example.com"])
            .send()
            .await
            .unwrap();
    });
    let file = server.home.path().join("users.csv");
    let mut csv = String::from("external_id,email_address,first_name,public_metadata\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "ext-{i},user{i}@example.com,User {i},\"{{\"\"n\"\": {i}}}\"\n"
        ));
    }
    write(&file, &csv);
    let out = server.run(&[&["users", "import", "--file", file.to_str().unwrap()], FAST].concat());
    let summary = json(&out);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    assert_eq!(summary["skipped"], 2, "{summary}");
    assert_eq!(summary["created"], (ROWS - 2) as u64);
    let total = server.block_on(async { client.users().count().send().await.unwrap() });
    assert_eq!(total, ROWS as u64, "998 created plus the 2 that existed");
    let skips = summary["skips"].as_array().unwrap();
    assert!(
        skips
            .iter()
            .all(|s| s["id"].as_str().is_some_and(|id| id.starts_with("user_"))),
        "skipped rows name the existing user: {skips:?}"
    );
}

#[test]
fn members_add_bulk_under_faults() {
    let server = Server::start(faulty());
    let client = server.client();
    let org = org(&server, "Members Inc");
    let ids = create_users(&server, 300, |i| format!("member_{i}"));
    server.block_on(async {
        client
            .memberships(&org.parse().unwrap())
            .add(&ids[0].parse().unwrap(), "org:admin")
            .send()
            .await
            .unwrap();
    });
    let file = server.home.path().join("members.csv");
    let mut csv = String::from("user_id,role\n");
    for (i, id) in ids.iter().enumerate() {
        csv.push_str(&format!(
            "{id},{}\n",
            if i % 10 == 0 { "org:admin" } else { "" }
        ));
    }
    write(&file, &csv);
    let out = server.run(
        &[
            &[
                "members",
                "add-bulk",
                &org,
                "--file",
                file.to_str().unwrap(),
                "--role",
                "org:member",
            ],
            FAST,
        ]
        .concat(),
    );
    let summary = json(&out);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    assert_eq!(summary["skipped"], 1, "the existing member: {summary}");
    let members = server.block_on(async {
        client
            .memberships(&org.parse().unwrap())
            .list()
            .send()
            .await
            .unwrap()
            .total_count
    });
    assert_eq!(members, Some(300));
    let admins = server.block_on(async {
        client
            .memberships(&org.parse().unwrap())
            .list()
            .role(["org:admin"])
            .send()
            .await
            .unwrap()
            .total_count
    });
    assert_eq!(admins, Some(30));
}

/// Runs the job `args` with `concurrency` requests in flight, kills it (SIGKILL) once a third
/// of its `rows` are journaled as created, whenever that is, checks with `done_so_far` that it
/// stopped short, then runs it again to the end and answers that run's summary, which must
/// report the first run's rows as already done.
pub(crate) fn kill_then_resume(
    server: &Server,
    args: &[&str],
    concurrency: &str,
    journal: &std::path::Path,
    rows: usize,
    done_so_far: impl FnOnce() -> usize,
) -> Value {
    let mut child = server
        .cmd()
        .args(args)
        .args(["--concurrency", concurrency])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    crate::support::kill_once_journaled(&mut child, journal, rows / 3, crate::support::created);
    assert!(done_so_far() < rows, "killed before the end");

    let out = server.run(args);
    let summary = json(&out);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    assert!(
        summary["already_done"].as_u64().unwrap() >= (rows / 3) as u64,
        "{summary}"
    );
    summary
}

#[test]
fn a_job_killed_half_way_carries_on_and_creates_nothing_twice() {
    let server = Server::start(Config {
        latency: Duration::from_millis(2),
        ..faulty()
    });
    let org = org(&server, "Resumed");
    let file = server.home.path().join("resume.csv");
    let mut csv = String::from("email_address,role\n");
    for i in 0..ROWS {
        csv.push_str(&format!("resume{i}@example.com,org:member\n"));
    }
    write(&file, &csv);
    let args = [
        &[
            "invitations",
            "bulk",
            &org,
            "--file",
            file.to_str().unwrap(),
        ][..],
        FAST,
    ]
    .concat();
    kill_then_resume(
        &server,
        &args,
        "2",
        &server.home.path().join("resume.csv.journal"),
        ROWS,
        || pending_invitation_emails(&server, &org).len(),
    );
    exactly_once(&pending_invitation_emails(&server, &org), ROWS);
}

#[test]
fn a_users_import_killed_half_way_carries_on_and_creates_nobody_twice() {
    let server = Server::start(Config {
        latency: Duration::from_millis(2),
        ..faulty()
    });
    let file = server.home.path().join("import.csv");
    let mut csv = String::from("external_id,email_address\n");
    for i in 0..ROWS {
        csv.push_str(&format!("k-{i},killed{i}@example.com\n"));
    }
    write(&file, &csv);
    let args = [
        &["users", "import", "--file", file.to_str().unwrap()][..],
        FAST,
    ]
    .concat();
    let client = server.client();
    let count = || server.block_on(async { client.users().count().send().await.unwrap() });
    let journal = server.home.path().join("import.csv.journal");
    kill_then_resume(&server, &args, "2", &journal, ROWS, || count() as usize);
    assert_eq!(count(), ROWS as u64, "every user once");
    let external: Vec<String> = all_users(&server)
        .iter()
        .map(|u| u["external_id"].as_str().unwrap().to_owned())
        .collect();
    exactly_once(&external, ROWS);
}

#[test]
fn a_members_add_bulk_killed_half_way_carries_on_and_adds_nobody_twice() {
    let server = Server::start(Config {
        latency: Duration::from_millis(2),
        ..faulty()
    });
    let client = server.client();
    let org = org(&server, "Killed Inc");
    const MEMBERS: usize = 300;
    let ids = create_users(&server, MEMBERS, |i| format!("killed_{i}"));
    let file = server.home.path().join("add.csv");
    let csv: String = std::iter::once("user_id\n".to_owned())
        .chain(ids.iter().map(|id| format!("{id}\n")))
        .collect();
    write(&file, &csv);
    let args = [
        &[
            "members",
            "add-bulk",
            &org,
            "--file",
            file.to_str().unwrap(),
            "--role",
            "org:member",
        ][..],
        FAST,
    ]
    .concat();
    let members = || -> Vec<String> {
        server.block_on(async {
            let all: Vec<Value> = client
                .memberships(&org.parse().unwrap())
                .list()
                .limit(500)
                .stream_as()
                .try_collect()
                .await
                .unwrap();
            all.iter()
                .map(|m| {
                    m["public_user_data"]["user_id"]
                        .as_str()
                        .unwrap()
                        .to_owned()
                })
                .collect()
        })
    };
    let journal = server.home.path().join("add.csv.journal");
    kill_then_resume(&server, &args, "1", &journal, MEMBERS, || members().len());
    exactly_once(&members(), MEMBERS);
}

#[test]
fn a_metadata_job_killed_half_way_carries_on_and_sends_no_done_row_again() {
    let server = Server::start(Config {
        latency: Duration::from_millis(2),
        ..faulty()
    });
    const USERS: usize = 300;
    let ids = create_users(&server, USERS, |i| format!("meta_{i}"));
    let file = server.home.path().join("plans.csv");
    let csv: String = std::iter::once("user_id,public_metadata\n".to_owned())
        .chain(
            ids.iter()
                .enumerate()
                .map(|(i, id)| format!("{id},\"{{\"\"n\"\": {i}}}\"\n")),
        )
        .collect();
    write(&file, &csv);
    let args = [
        &[
            "users",
            "update-metadata-bulk",
            "--file",
            file.to_str().unwrap(),
        ][..],
        // No hourly limits to turn off: they are on invitation creates only.
        &["--rate", "off", "-o", "json"],
    ]
    .concat();
    let updated = || -> usize {
        all_users(&server)
            .iter()
            .filter(|u| u["public_metadata"].get("n").is_some())
            .count()
    };
    let journal = server.home.path().join("plans.csv.journal");
    let summary = kill_then_resume(&server, &args, "1", &journal, USERS, updated);
    assert_eq!(
        summary["updated"].as_u64().unwrap() + summary["already_done"].as_u64().unwrap(),
        USERS as u64,
        "{summary}"
    );
    // Across both runs, each row was recorded done once: the second run sent none of the
    // first run's done rows again.
    let text = std::fs::read_to_string(&journal).unwrap();
    let done: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["event"] == "created")
        .map(|e| e["key"].as_str().unwrap().to_owned())
        .collect();
    exactly_once(&done, USERS);
    // And every user holds its own row's metadata.
    for u in &all_users(&server) {
        let i = ids.iter().position(|id| u["id"] == id.as_str()).unwrap();
        assert_eq!(u["public_metadata"]["n"], json!(i), "{u}");
    }
}

#[test]
fn an_export_under_faults_returns_every_user_once() {
    let server = Server::start(faulty());
    create_users(&server, 1200, |i| format!("export_{i:04}"));
    let out_file = server.home.path().join("users.ndjson");
    let out = server.run(&[
        "users",
        "export",
        "--out",
        out_file.to_str().unwrap(),
        "--rate",
        "off",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&out_file).unwrap();
    let names: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["username"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    exactly_once(&names, 1200);
    // Pages fetched together, some of them 429s, 500s or dropped and retried, are written in
    // the list's order: newest first, as one page after another by cursor gives them.
    let expected: Vec<String> = all_users(&server)
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, expected);
    assert!(!server.home.path().join("users.ndjson.partial").exists());

    // Paced: the count goes with the first pages, and the window's room lets pages go in a
    // burst; faults on either change nothing that is written.
    let paced_file = server.home.path().join("paced.ndjson");
    let out = server.run(&[
        "users",
        "export",
        "--out",
        paced_file.to_str().unwrap(),
        "--rate",
        "1000/10",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&paced_file).unwrap(), text);

    let csv_out = server.run(&[
        "users",
        "export",
        "--format",
        "csv",
        "--rate",
        "off",
        "--username",
        "export_0001",
    ]);
    let csv = String::from_utf8(csv_out.stdout).unwrap();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("id,external_id,primary_email_address")
    );
    assert!(lines.next().unwrap().contains("export_0001"));
    assert_eq!(lines.next(), None);
}

#[test]
fn a_paced_job_meets_no_429() {
    let server = Server::start(Config {
        settings: Settings {
            rate_limit: Some("40/1".parse().unwrap()),
            ..Settings::default()
        },
        ..config()
    });
    let file = server.home.path().join("paced.csv");
    let mut csv = String::from("email_address\n");
    for i in 0..100 {
        csv.push_str(&format!("paced{i}@example.com\n"));
    }
    write(&file, &csv);
    let out = server.run(&[
        "users",
        "import",
        "--file",
        file.to_str().unwrap(),
        "--rate",
        "40/1",
        "-o",
        "json",
    ]);
    let summary = json(&out);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    assert_eq!(summary["created"], 100);
    assert_eq!(
        summary["rate_limited"], 0,
        "pacing kept under the server's limit: {summary}"
    );
}

#[test]
fn bad_rows_are_reported_by_line_and_do_not_stop_the_job() {
    let server = Server::start(config());
    let org = org(&server, "Rows");
    let file = server.home.path().join("rows.csv");
    write(
        &file,
        "email_address,role,expires_in_days\nok1@example.com,org:member,\nnot-an-email,org:member,\nok2@example.com,owner,\nok3@example.com,org:member,soon\nok4@example.com,org:member,400\n",
    );
    let out = server.run(
        &[
            &[
                "invitations",
                "bulk",
                &org,
                "--file",
                file.to_str().unwrap(),
            ],
            FAST,
        ]
        .concat(),
    );
    let summary = json(&out);
    assert_eq!(
        out.status.code(),
        Some(5),
        "Clerk or the checks refused some rows: {summary}"
    );
    assert_eq!(summary["created"], 1);
    let failed: Vec<u64> = summary["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    let mut failed_sorted = failed.clone();
    failed_sorted.sort();
    assert_eq!(failed_sorted, [3, 4, 5, 6], "{summary}");
    let clerk_refusal = summary["failures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["line"] == 6)
        .unwrap();
    assert_eq!(
        clerk_refusal["code"], "form_param_value_invalid",
        "400 days is refused by Clerk: {clerk_refusal}"
    );
}

#[test]
fn dry_run_and_read_only_send_nothing() {
    let server = Server::start(config());
    let org = org(&server, "Dry");
    let file = server.home.path().join("dry.csv");
    write(&file, "email_address\na@example.com\nb@example.com\n");
    let out = server.run(&[
        "invitations",
        "bulk",
        &org,
        "--file",
        file.to_str().unwrap(),
        "--role",
        "org:member",
        "--dry-run",
        "-o",
        "ndjson",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let plan: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(plan.len(), 1, "two rows in one bulk request");
    assert_eq!(plan[0]["lines"], json!([2, 3]));
    assert!(
        plan[0]["request"]["path"]
            .as_str()
            .unwrap()
            .ends_with("/invitations/bulk"),
        "{}",
        plan[0]
    );
    assert!(
        !server.home.path().join("dry.csv.journal").exists(),
        "a dry run keeps no journal"
    );

    let out = server.run(&[
        "--read-only",
        "invitations",
        "bulk",
        &org,
        "--file",
        file.to_str().unwrap(),
        "--role",
        "org:member",
    ]);
    assert_eq!(out.status.code(), Some(7));
    assert!(pending_invitation_emails(&server, &org).is_empty());
}

#[test]
fn lost_answers_are_looked_up_not_sent_again() {
    // Half the answers are dropped after the write; one request at a time, so the seeded
    // draw falls the same way every run.
    let server = Server::start(Config {
        faults: Faults {
            rate: 0.5,
            kinds: vec![FaultKind::Drop],
            retry_after_secs: 0,
            seed: Some(11),
        },
        ..config()
    });
    let file = server.home.path().join("drops.ndjson");
    let rows: Vec<String> = (0..60)
        .map(|i| json!({"email_address": [format!("drop{i}@example.com")]}).to_string())
        .collect();
    write(&file, &rows.join("\n"));
    let out = server.run(
        &[
            &[
                "users",
                "import",
                "--file",
                file.to_str().unwrap(),
                "--concurrency",
                "1",
            ],
            FAST,
        ]
        .concat(),
    );
    let summary = json(&out);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    assert!(
        summary["reconciled"].as_u64().unwrap() > 0,
        "some creates were found after their answer was lost: {summary}"
    );
    assert_eq!(summary["created"], 60);
    let client = server.client();
    assert_eq!(
        server.block_on(async { client.users().count().send().await.unwrap() }),
        60
    );
}

#[test]
fn a_row_clerk_keeps_refusing_as_busy_is_tried_again_then_the_job_stops() {
    // Every request answered 429 (with Retry-After: 0): the row is sent ten times, by the job's
    // own retry loop alone (the client does not retry a job's creates on top of it), then the
    // job stops, the row left to a later run.
    let server = Server::start(Config {
        faults: Faults {
            rate: 1.0,
            kinds: vec![FaultKind::RateLimited],
            retry_after_secs: 0,
            seed: Some(7),
        },
        ..config()
    });
    let file = server.home.path().join("busy.csv");
    write(&file, "email_address\nbusy@example.com\n");
    let out = server.run(&[&["users", "import", "--file", file.to_str().unwrap()], FAST].concat());
    let summary = json(&out);
    assert_eq!(out.status.code(), Some(6), "{summary}");
    assert_eq!(summary["status"], "stopped");
    assert!(
        summary["stopped_because"]
            .as_str()
            .is_some_and(|s| s.contains("429")),
        "{summary}"
    );
    assert_eq!(summary["requests"], 10);
    assert_eq!(summary["rate_limited"], 10);
    assert_eq!(summary["retries"], 9);
    assert_eq!(summary["created"], 0);
    assert_eq!(summary["failed"], 0, "not refused: left for the next run");
    assert_eq!(summary["not_done"], 1);
}
