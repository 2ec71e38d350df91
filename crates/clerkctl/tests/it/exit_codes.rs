//! Every documented exit code, with each of its causes.

use std::time::Duration;

use clerk_emulator::config::{FaultKind, Faults};
use clerk_emulator::{Config, RateLimit, Settings};
use serde_json::json;

use crate::support::{Cli, Emu, Stub, config};

fn faulty(kind: FaultKind) -> Emu {
    Emu::with(Config {
        faults: Faults {
            rate: 1.0,
            kinds: vec![kind],
            retry_after_secs: 0,
            seed: Some(7),
        },
        ..config()
    })
}

/// Lines the client logged on stderr before retrying.
fn retries(stderr: &str) -> usize {
    stderr.lines().filter(|l| l.contains("retrying in")).count()
}

fn clerk_error(status: u16, code: &str) -> serde_json::Value {
    json!({"errors": [{"message": "stub", "long_message": format!("the stub answers {status}"), "code": code}], "clerk_trace_id": "trace123"})
}

#[test]
fn exit_0_when_done() {
    let emu = Emu::company();
    Cli::new(&emu).run(&["users", "count"]).code(0);
}

#[test]
fn exit_1_when_clerk_fails_unexpectedly_or_cannot_be_reached() {
    let stub = Stub::answering(500, clerk_error(500, "internal_clerk_error"));
    let run = Cli::at(&stub.url, Some("sk_test_x")).run(&["users", "get", "user_ada"]);
    let err = run.code(1).error();
    assert_eq!(
        (err["status"].clone(), err["exit_code"].clone()),
        (json!(500), json!(1))
    );
    assert_eq!(err["trace_id"], "trace123");
    assert_eq!(stub.requests().len(), 1, "a 500 is not retried");

    // A loopback port nobody listens on: an emulator not started. Waiting does not start
    // it, so the refusal is said at once, with the question to ask.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = Cli::at(&format!("http://127.0.0.1:{port}"), Some("sk_test_x"))
        .run(&["users", "get", "user_ada", "-o", "table"])
        .code(1);
    assert_eq!(retries(&run.stderr), 0, "{}", run.stderr);
    let err = run.error();
    assert_eq!(err["code"], "network_error");
    assert!(
        err["hint"]
            .as_str()
            .unwrap()
            .starts_with("is the emulator running?"),
        "{err}"
    );
    assert!(
        !run.stderr.contains('\x1b'),
        "no colour codes when stderr is a pipe"
    );
}

#[test]
fn exit_2_for_input_refused_before_any_request() {
    let stub = Stub::tripwire();
    let cli = Cli::at(&stub.url, Some("sk_test_x"));
    cli.run(&["users", "get", "org_acme"]).code(2);
    cli.run(&["users", "list", "--limit", "0"]).code(2);
    cli.run(&["users", "frobnicate"]).code(2);
    assert!(stub.requests().is_empty());
}

#[test]
fn exit_3_without_a_key_with_a_wrong_key_and_on_403() {
    let emu = Emu::company();
    let run = Cli::at(&emu.url, None).run(&["users", "list"]).code(3);
    let err = run.error();
    assert_eq!(err["code"], "missing_secret_key");
    assert_eq!(
        err["message"],
        "CLERK_SECRET_KEY environment variable is not set"
    );
    assert!(
        err["hint"]
            .as_str()
            .unwrap()
            .contains("export CLERK_SECRET_KEY=sk_test_")
    );
    let err = Cli::at(&emu.url, Some("  "))
        .run(&["users", "list", "-o", "table"])
        .code(3)
        .error();
    assert_eq!(err["code"], "missing_secret_key");
    // Keys that cannot be secret keys are refused before any request, never repeated.
    let stub = Stub::tripwire();
    for (key, says) in [
        ("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k", "publishable key"),
        ("\"sk_test_quotedKey1234\"", "in quotes"),
        ("sk_test_with space1234", "spaces or a line break"),
        ("sk_test_newline1234\n", "spaces or a line break"),
        ("whsec_notAKey1234", "not a secret key"),
    ] {
        let err = Cli::at(&stub.url, Some(key))
            .run(&["users", "list"])
            .code(3)
            .error();
        let message = err["message"].as_str().unwrap();
        assert!(message.contains(says), "{key:?}: {err}");
        assert!(!err.to_string().contains(key.trim()), "{err}");
        assert!(err["hint"].as_str().unwrap().contains("sk_test_"), "{err}");
    }
    assert!(stub.requests().is_empty());

    let strict = Emu::with(Config {
        secret_keys: vec!["sk_test_theRightOne".into()],
        ..config()
    });
    let err = Cli::at(&strict.url, Some("sk_test_theWrongOne"))
        .run(&["users", "list"])
        .code(3)
        .error();
    assert_eq!(err["status"], 401);
    assert_eq!(err["code"], "clerk_key_invalid");
    assert!(
        err["hint"]
            .as_str()
            .unwrap()
            .starts_with("the secret key is invalid or expired; generate a new one"),
        "{err}"
    );

    let stub = Stub::answering(403, clerk_error(403, "authorization_invalid"));
    let err = Cli::at(&stub.url, Some("sk_test_x"))
        .run(&["orgs", "list"])
        .code(3)
        .error();
    assert_eq!(err["status"], 403);
}

#[test]
fn exit_4_when_not_found_with_the_kind_of_id_expected() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let cases: &[(&[&str], &str)] = &[
        (&["users", "get", "user_nobody"], "user IDs look like user_"),
        (
            &["orgs", "get", "org_nothing"],
            "organization IDs look like org_",
        ),
        (
            &["members", "list", "org_nothing"],
            "clerkctl members list ORG_ID",
        ),
        (
            &["invitations", "get", "org_acme", "orginv_nothing"],
            "the invitation ID (orginv_...)",
        ),
        (
            &["app-invitations", "revoke", "inv_nothing", "--yes"],
            "invitation IDs look like inv_",
        ),
        (
            &["api", "GET", "/users/user_nobody"],
            "check the path and the IDs in it",
        ),
    ];
    for (args, hint) in cases {
        let err = cli.run(args).code(4).error();
        assert_eq!(err["status"], 404, "{args:?}");
        assert!(
            err["hint"].as_str().unwrap().contains(hint),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn exit_5_when_clerk_refuses_400_402_409_422() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    // 422, naming the parameter.
    let err = cli
        .run(&[
            "users",
            "create",
            "--email-address",
            "x@example.com",
            "--username",
            "a",
        ])
        .code(5)
        .error();
    assert_eq!(err["status"], 422);
    assert_eq!(err["meta"]["param_name"], "username");
    assert_eq!(
        err["hint"],
        "Clerk rejected the parameter `username`; fix it and retry"
    );
    // 400.
    let id = emu.invitation_id("tim@example.test");
    cli.run(&["app-invitations", "revoke", &id, "--yes"]).ok();
    let err = cli
        .run(&["app-invitations", "revoke", &id, "--yes"])
        .code(5)
        .error();
    assert_eq!(err["status"], 400);
    for (status, code) in [
        (402, "unsupported_subscription_plan_features"),
        (409, "conflict"),
    ] {
        let stub = Stub::answering(status, clerk_error(status, code));
        let err = Cli::at(&stub.url, Some("sk_test_x"))
            .run(&["orgs", "create", "Acme"])
            .code(5)
            .error();
        assert_eq!(err["status"], status);
        assert_eq!(stub.requests().len(), 1, "{status} is not retried");
    }
}

#[test]
fn exit_6_on_429_after_retries() {
    let emu = faulty(FaultKind::RateLimited);
    let run = Cli::new(&emu)
        .run(&["users", "count", "-o", "table"])
        .code(6);
    assert_eq!(retries(&run.stderr), 4, "{}", run.stderr);
    let err = run.error();
    assert_eq!(err["status"], 429);
    assert_eq!(err["code"], "too_many_requests");
    assert!(
        err["hint"]
            .as_str()
            .unwrap()
            .starts_with("rate-limited by Clerk"),
        "{err}"
    );
}

#[test]
fn exit_6_on_429_at_once_when_clerk_asks_for_a_long_wait() {
    let emu = Emu::with(Config {
        settings: Settings {
            rate_limit: Some(RateLimit {
                requests: 1,
                window: Duration::from_secs(3600),
            }),
            ..Settings::default()
        },
        ..config()
    });
    let cli = Cli::new(&emu);
    cli.run(&["users", "count"]).ok();
    let run = cli.run(&["users", "count"]).code(6);
    assert_eq!(retries(&run.stderr), 0, "an hour is not waited for");
    let err = run.error();
    assert_eq!(err["status"], 429);
    let hint = err["hint"].as_str().unwrap();
    assert!(
        hint.starts_with("rate-limited by Clerk; wait 3")
            && hint.ends_with("s and retry, or send fewer requests"),
        "{hint}"
    );
}

#[test]
fn exit_6_on_502_503_and_504_after_retries() {
    for kind in [FaultKind::BadGateway, FaultKind::Unavailable] {
        let emu = faulty(kind);
        let run = Cli::new(&emu).run(&["users", "list"]).code(6);
        assert_eq!(retries(&run.stderr), 4, "{kind:?}: {}", run.stderr);
        let err = run.error();
        assert!(err["status"] == 502 || err["status"] == 503, "{err}");
        assert!(err["message"].is_string());
    }
    let stub = Stub::answering(504, clerk_error(504, "gateway_timeout"));
    let run = Cli::at(&stub.url, Some("sk_test_x"))
        .run(&["orgs", "get", "acme"])
        .code(6);
    assert_eq!(
        stub.requests().len(),
        5,
        "the first attempt and four retries"
    );
    assert_eq!(run.error()["status"], 504);
}

#[test]
fn a_create_is_not_repeated_after_a_502_and_the_audit_log_says_so() {
    // The emulator's 502 strikes after the request was handled: the user exists.
    let emu = faulty(FaultKind::BadGateway);
    let cli = Cli::new(&emu);
    let run = cli
        .run(&["users", "create", "--email-address", "once@example.com"])
        .code(6);
    assert_eq!(retries(&run.stderr), 0, "{}", run.stderr);
    assert_eq!(emu.counts()[0], 1, "created once, not again");
    let audit = cli.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["status"], 502);

    // A 503 comes before anything was done: repeating the create is safe.
    let emu = faulty(FaultKind::Unavailable);
    let run = Cli::new(&emu)
        .run(&["users", "create", "--email-address", "once@example.com"])
        .code(6);
    assert_eq!(retries(&run.stderr), 4, "{}", run.stderr);
    assert_eq!(emu.counts()[0], 0);
}

#[test]
fn exit_7_when_a_safety_guard_refuses() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let err = cli
        .run(&[
            "--read-only",
            "users",
            "update",
            "user_ada",
            "--first-name",
            "X",
        ])
        .code(7)
        .error();
    assert_eq!(err["code"], "guard");
    assert_eq!(err["exit_code"], 7);
    cli.run(&["users", "delete", "user_ada"]).code(7);
    assert_eq!(emu.user("user_ada").unwrap()["first_name"], "Ada");
}
