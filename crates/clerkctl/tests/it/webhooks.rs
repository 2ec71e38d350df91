//! `clerkctl webhooks verify`: deliveries signed as the emulator (and Svix) sign them; and
//! `clerkctl webhooks backfill`: an event for every object, each verifying, none lost or sent
//! twice across a kill, the secret kept out of everything.

use std::collections::BTreeMap;

use clerk_emulator::webhooks::{decode_secret, sign};
use serde_json::{Value, json};

use crate::support::{Cli, Emu, Stub};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A saved delivery: its body and its headers (as HTTP header lines) in the Cli's directory.
fn save(cli: &Cli, body: &str, id: &str, timestamp: i64, secret: &str) {
    let sig = sign(&decode_secret(secret).unwrap(), id, timestamp, body);
    std::fs::write(cli.dir().join("body.json"), body).unwrap();
    std::fs::write(
        cli.dir().join("headers.txt"),
        format!("svix-id: {id}\nsvix-timestamp: {timestamp}\nsvix-signature: {sig}\n"),
    )
    .unwrap();
}

#[test]
fn verifies_a_delivery_and_says_why_one_fails() {
    let cli = Cli::at("http://127.0.0.1:9", None).env("CLERK_WEBHOOK_SIGNING_SECRET", SECRET);
    let body = json!({"data": {"id": "user_1", "object": "user"}, "object": "event", "type": "user.created"})
        .to_string();
    save(&cli, &body, "msg_1", now(), SECRET);
    let args = [
        "webhooks",
        "verify",
        "--body",
        "body.json",
        "--headers",
        "headers.txt",
    ];
    let ok = cli.run(&args).ok();
    let v = ok.json();
    assert_eq!(
        (
            v["verified"].as_bool(),
            v["type"].as_str(),
            v["object_id"].as_str()
        ),
        (Some(true), Some("user.created"), Some("user_1"))
    );
    assert!(!ok.stdout.contains(SECRET) && !ok.stderr.contains(SECRET));

    // The body from stdin, the headers as flags.
    let stdin_ok = cli.run_stdin(
        &[
            "webhooks",
            "verify",
            "--body",
            "-",
            "--headers",
            "headers.txt",
        ],
        &body,
    );
    stdin_ok.ok();

    // A byte changed.
    std::fs::write(
        cli.dir().join("body.json"),
        body.replace("user_1", "user_2"),
    )
    .unwrap();
    let err = cli.run(&args).code(2).error();
    assert!(
        err["message"].as_str().unwrap().contains("bad_signature"),
        "{err}"
    );

    // Another endpoint's secret.
    save(
        &cli,
        &body,
        "msg_1",
        now(),
        "whsec_c2VjcmV0LW9mLWFub3RoZXItZW5kcG9pbnQteA==",
    );
    let err = cli.run(&args).code(2).error();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("no signature matches"),
        "{err}"
    );

    // Too old, unless the timestamp is ignored; too new.
    save(&cli, &body, "msg_1", now() - 3600, SECRET);
    let err = cli.run(&args).code(2).error();
    assert!(
        err["message"].as_str().unwrap().contains("too old"),
        "{err}"
    );
    let mut ignoring = args.to_vec();
    ignoring.push("--ignore-timestamp");
    cli.run(&ignoring).ok();
    save(&cli, &body, "msg_1", now() + 3600, SECRET);
    let err = cli.run(&args).code(2).error();
    assert!(
        err["message"].as_str().unwrap().contains("too new"),
        "{err}"
    );

    // Malformed headers, a missing one, a secret of the wrong form, no secret.
    save(&cli, &body, "msg_1", now(), SECRET);
    let err = cli
        .run(&[
            "webhooks",
            "verify",
            "--body",
            "body.json",
            "--headers",
            "headers.txt",
            "--svix-signature",
            "abc",
        ])
        .code(2)
        .error();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("malformed_header"),
        "{err}"
    );
    let err = cli
        .run(&[
            "webhooks",
            "verify",
            "--body",
            "body.json",
            "--svix-timestamp",
            "1",
        ])
        .code(2)
        .error();
    assert!(
        err["message"].as_str().unwrap().contains("svix-id"),
        "{err}"
    );
    let wrong = Cli::at("http://127.0.0.1:9", None)
        .env("CLERK_WEBHOOK_SIGNING_SECRET", "sk_test_not-a-secret!");
    save(&wrong, &body, "msg_1", now(), SECRET);
    let err = wrong.run(&args).code(2).error();
    assert!(
        err["message"].as_str().unwrap().contains("secret_format"),
        "{err}"
    );
    assert!(
        !err.to_string().contains("sk_test_not-a-secret"),
        "the secret is never shown"
    );
    let unset = Cli::at("http://127.0.0.1:9", None);
    save(&unset, &body, "msg_1", now(), SECRET);
    let err = unset.run(&args).code(2).error();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("CLERK_WEBHOOK_SIGNING_SECRET"),
        "{err}"
    );
}

/// A delivery the endpoint received: its headers (names lowercased) and body.
struct Delivery {
    headers: BTreeMap<String, String>,
    body: String,
}

impl Delivery {
    fn event(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }

    fn key(&self) -> (String, String) {
        let e = self.event();
        (
            e["type"].as_str().unwrap().to_owned(),
            e["data"]["id"].as_str().unwrap().to_owned(),
        )
    }
}

fn deliveries(endpoint: &Stub) -> Vec<Delivery> {
    endpoint
        .requests()
        .iter()
        .map(|r| {
            let (head, body) = r.split_once("\r\n\r\n").unwrap();
            let headers = head
                .lines()
                .skip(1)
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            Delivery {
                headers,
                body: body.to_owned(),
            }
        })
        .collect()
}

/// Checks a delivery's signature as Svix does, with the emulator's own signing.
fn verifies(d: &Delivery, secret: &str) -> bool {
    let ts: i64 = d.headers["svix-timestamp"].parse().unwrap();
    (now() - ts).abs() <= 300
        && d.headers["svix-signature"]
            == sign(
                &decode_secret(secret).unwrap(),
                &d.headers["svix-id"],
                ts,
                &d.body,
            )
}

fn backfill_cli(emu: &Emu) -> Cli {
    Cli::new(emu).env("CLERK_WEBHOOK_SIGNING_SECRET", SECRET)
}

#[test]
fn backfill_sends_a_signed_created_event_for_every_object() {
    let emu = Emu::company();
    let endpoint = Stub::answering(204, json!({}));
    let cli = backfill_cli(&emu);
    let to = format!("{}/api/webhooks/clerk?token=hush", endpoint.url);
    let args = [
        "webhooks",
        "backfill",
        "--to",
        &to,
        "--instance-id",
        "ins_test",
        "--rate",
        "off",
    ];
    let out = cli.run(&args).ok();
    let summary = out.json();
    assert_eq!(
        (
            summary["status"].as_str(),
            summary["events"].as_u64(),
            summary["sent"].as_u64(),
            summary["failed"].as_u64()
        ),
        (Some("done"), Some(12), Some(12), Some(0)),
        "{summary}"
    );
    let got = deliveries(&endpoint);
    let mut keys: Vec<(String, String)> = got.iter().map(Delivery::key).collect();
    // Users first, then organizations, then memberships.
    let order: Vec<&str> = keys.iter().map(|k| k.0.as_str()).collect();
    assert_eq!(order[..5], ["user.created"; 5]);
    assert_eq!(order[5..7], ["organization.created"; 2]);
    assert_eq!(order[7..], ["organizationMembership.created"; 5]);
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 12, "no object twice");
    let users: Vec<&str> = keys
        .iter()
        .filter(|k| k.0 == "user.created")
        .map(|k| k.1.as_str())
        .collect();
    assert_eq!(
        users,
        [
            "user_ada",
            "user_alan",
            "user_barbara",
            "user_grace",
            "user_katherine"
        ]
    );
    for d in &got {
        assert!(verifies(d, SECRET), "{:?}", d.headers);
        let e = d.event();
        assert_eq!(e["object"], "event");
        assert_eq!(e["instance_id"], "ins_test");
        assert!(e["timestamp"].as_i64().unwrap() > 1_700_000_000_000);
        // `data` is the object as the API answers it.
        let id = e["data"]["id"].as_str().unwrap();
        if e["type"] == "user.created" {
            assert_eq!(e["data"], emu.user(id).unwrap());
        }
        // And `clerkctl webhooks verify` accepts it.
        std::fs::write(cli.dir().join("b.json"), &d.body).unwrap();
        let headers = serde_json::to_string(&d.headers).unwrap();
        std::fs::write(cli.dir().join("h.json"), headers).unwrap();
        cli.run(&[
            "webhooks",
            "verify",
            "--body",
            "b.json",
            "--headers",
            "h.json",
        ])
        .ok();
    }
    // The secret and the endpoint's token are nowhere: output, journal, audit log.
    let journal = std::fs::read_to_string(cli.dir().join("webhooks-backfill.journal")).unwrap();
    let audit = serde_json::to_string(&cli.audit()).unwrap();
    for text in [&out.stdout, &out.stderr, &journal, &audit] {
        assert!(!text.contains(SECRET) && !text.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        assert!(!text.contains("hush"), "{text}");
    }
    assert!(audit.contains("webhooks backfill"), "{audit}");

    // A second run sends nothing: the endpoint accepted everything.
    let again = cli.run(&args).ok().json();
    assert_eq!(
        (again["sent"].as_u64(), again["already_done"].as_u64()),
        (Some(0), Some(12)),
        "{again}"
    );
    assert_eq!(deliveries(&endpoint).len(), 12);
}

#[test]
fn backfill_dry_run_lists_and_sends_nothing_and_types_choose_events() {
    let emu = Emu::company();
    let endpoint = Stub::tripwire();
    // No secret needed to list.
    let cli = Cli::new(&emu);
    let to = format!("{}/hooks", endpoint.url);
    let out = cli
        .run(&[
            "--dry-run",
            "webhooks",
            "backfill",
            "--to",
            &to,
            "--types",
            "organization.created,organizationMembership.created",
            "-o",
            "json",
        ])
        .ok();
    let planned = out.json();
    let types: Vec<&str> = planned["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["type"].as_str().unwrap())
        .collect();
    assert_eq!(types.len(), 7, "{planned}");
    assert!(!types.contains(&"user.created"));
    assert!(endpoint.requests().is_empty());
    assert!(!cli.dir().join("webhooks-backfill.journal").exists());
}

#[test]
fn backfill_refuses_bad_input_and_read_only_mode_and_sends_nothing() {
    let emu = Emu::company();
    let endpoint = Stub::tripwire();
    let to = format!("{}/hooks", endpoint.url);
    let cli = backfill_cli(&emu);
    for (args, says) in [
        (vec!["--to", "http://hooks.example.com/clerk"], "plain http"),
        (vec!["--to", "ftp://127.0.0.1/x"], "scheme"),
        (vec!["--to", "not a url"], "not a URL"),
        (vec!["--to", &to, "--types", "user.deleted"], "user.deleted"),
        (vec!["--to", &to, "--rate", "fast"], "fast"),
    ] {
        let mut all = vec!["webhooks", "backfill"];
        all.extend(args);
        let run = cli.run(&all).code(2);
        assert!(run.stderr.contains(says), "{all:?}: {}", run.stderr);
    }
    // No secret, or a malformed one.
    let no_secret = Cli::new(&emu)
        .run(&["webhooks", "backfill", "--to", &to])
        .code(2);
    assert!(
        no_secret
            .stderr
            .contains("CLERK_WEBHOOK_SIGNING_SECRET is not set")
    );
    let bad = Cli::new(&emu)
        .env("HOOK_SECRET", "whsec_!!!")
        .run(&[
            "webhooks",
            "backfill",
            "--to",
            &to,
            "--secret-env",
            "HOOK_SECRET",
        ])
        .code(2);
    assert!(bad.stderr.contains("not base64"), "{}", bad.stderr);
    assert!(!bad.stderr.contains("whsec_!!!"));
    // Read-only mode: it would send users' data out.
    let ro = cli
        .run(&["--read-only", "webhooks", "backfill", "--to", &to])
        .code(7);
    assert!(ro.stderr.contains("read-only"), "{}", ro.stderr);
    assert!(endpoint.requests().is_empty());
}

#[test]
fn backfill_reports_what_the_endpoint_refused_and_sends_it_again_next_run() {
    let emu = Emu::company();
    let refusing = Stub::answering(400, json!({"error": "no"}));
    let cli = backfill_cli(&emu);
    let to = format!("{}/hooks", refusing.url);
    let args = [
        "webhooks",
        "backfill",
        "--to",
        &to,
        "--types",
        "organization.created",
        "--rate",
        "off",
    ];
    let out = cli.run(&args).code(5);
    let summary = out.json();
    assert_eq!(summary["failed"], 2, "{summary}");
    assert_eq!(summary["failures"][0]["code"], "400", "{summary}");
    // A refused event is not done: the next run sends it again.
    let again = cli.run(&args).code(5).json();
    assert_eq!(again["already_done"], 0, "{again}");
    assert_eq!(refusing.requests().len(), 4);
}

#[test]
fn backfill_killed_half_way_resends_only_what_was_not_accepted() {
    const USERS: usize = 60;
    let emu = Emu::new();
    let users: Vec<Value> = (0..USERS)
        .map(|i| json!({"id": format!("user_k{i:03}"), "email_address": [format!("k{i}@example.test")]}))
        .collect();
    emu.seed(json!({"users": users}));
    let endpoint = Stub::answering(200, json!({}));
    let cli = backfill_cli(&emu);
    let to = format!("{}/hooks", endpoint.url);
    let args = [
        "webhooks",
        "backfill",
        "--to",
        &to,
        "--types",
        "user.created",
        "--rate",
        "30/1",
    ];
    let journal = cli.dir().join("webhooks-backfill.journal");
    let mut child = cli
        .command(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    crate::support::kill_once_journaled(&mut child, &journal, USERS / 3, crate::support::created);
    let first = deliveries(&endpoint).len();
    assert!(first < USERS, "killed before the end");

    let summary = cli.run(&args).ok().json();
    assert!(
        summary["already_done"].as_u64().unwrap() >= (USERS / 3) as u64,
        "{summary}"
    );
    let got = deliveries(&endpoint);
    let mut by_object: BTreeMap<String, Vec<&Delivery>> = BTreeMap::new();
    for d in &got {
        assert!(verifies(d, SECRET));
        by_object.entry(d.key().1).or_default().push(d);
    }
    assert_eq!(by_object.len(), USERS, "every user");
    // Only the one delivery in flight at the kill (accepted, but not yet journaled) may come
    // twice, and then with the same svix-id, so an endpoint keeping ids drops it.
    let twice: Vec<_> = by_object.values().filter(|v| v.len() > 1).collect();
    assert!(twice.len() <= 1, "{} sent twice", twice.len());
    for v in twice {
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].headers["svix-id"], v[1].headers["svix-id"]);
    }
}
