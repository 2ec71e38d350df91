//! `clerkctl webhooks verify`: deliveries signed as the emulator (and Svix) sign them.

use clerk_emulator::webhooks::{decode_secret, sign};
use serde_json::json;

use crate::support::Cli;

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
