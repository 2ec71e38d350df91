//! `clerkctl sessions ...`, `clerkctl token`, `clerkctl jwt-templates ...` and `clerkctl jwks`.

use clerk_api::models::Token;
use serde_json::{Map, Value, json};

use crate::support::{Cli, Emu, Stub, ids};

/// The claims of a JWT printed on stdout.
fn claims(jwt: &str) -> Map<String, Value> {
    let token: Token =
        serde_json::from_value(json!({"object": "token", "jwt": jwt.trim()})).unwrap();
    token.claims().expect("a JWT on stdout")
}

#[test]
fn sessions_are_made_listed_read_and_revoked() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let made = cli
        .run(&["sessions", "create", "user_ada", "--org", "org_acme"])
        .ok()
        .json();
    assert_eq!(made["status"], "active");
    assert_eq!(made["last_active_organization_id"], "org_acme");
    let id = made["id"].as_str().unwrap().to_owned();
    let plain = cli.run(&["sessions", "create", "user_ada"]).ok().json();

    let listed = cli
        .run(&["sessions", "list", "--user-id", "user_ada"])
        .ok()
        .json();
    assert_eq!(ids(&listed), [plain["id"].as_str().unwrap(), &id]);
    assert_eq!(listed["total_count"], 2);
    assert_eq!(cli.run(&["sessions", "get", &id]).ok().json(), made);

    // Revoking asks first; without a terminal it needs --yes, and sends nothing.
    cli.run(&["sessions", "revoke", &id]).code(7);
    assert_eq!(
        cli.run(&["sessions", "get", &id]).ok().json()["status"],
        "active"
    );
    let revoked = cli.run(&["sessions", "revoke", &id, "--yes"]).ok().json();
    assert_eq!(revoked["status"], "revoked");
    let active = cli
        .run(&[
            "sessions",
            "list",
            "--user-id",
            "user_ada",
            "--status",
            "active",
        ])
        .ok()
        .json();
    assert_eq!(ids(&active), [plain["id"].as_str().unwrap()]);
    let audit = cli.audit();
    assert_eq!(audit.len(), 3, "two creates and a revoke: {audit:?}");
    assert_eq!(audit[2]["command"], "sessions revoke");

    // Clerk's 404s, and bad input refused before anything is sent.
    let err = cli
        .run(&["sessions", "get", "sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk"])
        .code(4)
        .error();
    assert_eq!(err["code"], "resource_not_found");
    assert!(
        err["hint"].as_str().unwrap().contains("sessions list"),
        "{err}"
    );
    cli.run(&["sessions", "create", "user_nobody"]).code(4);
    let err = cli.run(&["sessions", "list"]).code(2).error();
    assert!(
        err["message"].as_str().unwrap().contains("--user-id"),
        "{err}"
    );
    cli.run(&[
        "sessions",
        "list",
        "--user-id",
        "user_ada",
        "--status",
        "asleep",
    ])
    .code(2);
    cli.run(&["sessions", "get", "user_ada"]).code(2);
    cli.run(&["--read-only", "sessions", "create", "user_ada"])
        .code(7);
    cli.run(&["--read-only", "sessions", "revoke", &id, "--yes"])
        .code(7);
    let audit = cli.audit();
    assert_eq!(audit.len(), 4, "only the 404 was sent besides: {audit:?}");
    assert_eq!(audit[3]["status"], 404);
}

#[test]
fn token_reuses_or_makes_a_session_and_prints_the_token_alone() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let first = cli.run(&["token", "user_ada"]).ok();
    assert_eq!(first.stdout.lines().count(), 1, "the token alone");
    let c = claims(&first.stdout);
    assert_eq!(c["sub"], "user_ada");
    assert!(first.stderr.contains("made session"), "{}", first.stderr);
    let sid = c["sid"].as_str().unwrap().to_owned();

    // The same user's active session is used again.
    let again = cli.run(&["token", "user_ada", "--ttl", "600"]).ok();
    let c = claims(&again.stdout);
    assert_eq!(c["sid"], sid.as_str());
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 600);
    assert!(again.stderr.contains("using session"), "{}", again.stderr);

    // With --org, a session with that organization active, and the token carries it.
    let json = cli
        .run(&["token", "user_ada", "--org", "org_acme", "-o", "json"])
        .ok()
        .json();
    assert_eq!(json["created_session"], true);
    assert_eq!(json["organization_id"], "org_acme");
    let c = claims(json["jwt"].as_str().unwrap());
    assert_eq!(c["o"]["id"], "org_acme");
    assert_eq!(c["o"]["rol"], "admin");
    assert_eq!(json["expires_at"], c["exp"]);

    // --session with --org: against the emulator its control route switches the session.
    let switched = cli
        .run(&["token", "user_grace", "--org", "org_globex"])
        .ok();
    let grace_sid = claims(&switched.stdout)["sid"].as_str().unwrap().to_owned();
    let out = cli
        .run(&[
            "token",
            "user_grace",
            "--session",
            &grace_sid,
            "--org",
            "org_acme",
        ])
        .ok();
    let c = claims(&out.stdout);
    assert_eq!(
        (c["sid"].as_str(), c["o"]["id"].as_str()),
        (Some(grace_sid.as_str()), Some("org_acme"))
    );

    // A template's token.
    cli.run(&[
        "jwt-templates",
        "create",
        "reports",
        "--claims",
        r#"{"email": "{{user.primary_email_address}}"}"#,
    ])
    .ok();
    let out = cli
        .run(&["token", "user_ada", "--template", "reports"])
        .ok();
    assert_eq!(claims(&out.stdout)["email"], "ada@acme.test");

    // Clerk's 404s; a session that is not the user's or not active; bad input (exit 2).
    let err = cli
        .run(&["token", "user_ada", "--template", "nope"])
        .code(4)
        .error();
    assert_eq!(err["code"], "resource_not_found");
    cli.run(&["token", "user_nobody"]).code(4);
    let err = cli
        .run(&["token", "user_ada", "--session", &grace_sid])
        .code(2)
        .error();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("belongs to user user_grace"),
        "{err}"
    );
    cli.run(&["sessions", "revoke", &sid, "--yes"]).ok();
    let err = cli
        .run(&["token", "user_ada", "--session", &sid])
        .code(2)
        .error();
    assert!(
        err["message"].as_str().unwrap().contains("revoked"),
        "{err}"
    );
    cli.run(&["token", "user_ada", "--ttl", "10"]).code(2);
    cli.run(&["token", "org_acme"]).code(2);
    cli.run(&["token", "user_ada", "--org", "user_ada"]).code(2);

    // Read-only mode refuses before anything is sent; a dry run shows the first request.
    let before = cli.audit().len();
    cli.run(&["--read-only", "token", "user_katherine"]).code(7);
    let dry = cli.run(&["--dry-run", "token", "user_katherine"]).ok();
    assert!(
        dry.json()["url"].as_str().unwrap().contains("/sessions?"),
        "{}",
        dry.stdout
    );
    assert!(!dry.stdout.contains(crate::support::KEY));
    assert_eq!(cli.audit().len(), before);
    let none = cli
        .run(&["sessions", "list", "--user-id", "user_katherine"])
        .ok()
        .json();
    assert_eq!(none["total_count"], 0, "nothing was made");

    // Minting is recorded, never the token.
    let audit = cli.audit();
    assert!(
        audit
            .iter()
            .any(|r| r["command"] == "token" && r["path"].as_str().unwrap().ends_with("/tokens"))
    );
    let text = std::fs::read_to_string(cli.audit_path()).unwrap();
    assert!(
        !text.contains(first.stdout.trim()),
        "the audit log holds no token"
    );
}

#[test]
fn token_on_a_production_instance_makes_no_session() {
    // Clerk's Backend API makes sessions only on development instances: with a production key
    // and no active session, the command says so after one read, and makes nothing.
    let stub = Stub::answering(200, json!({"data": [], "total_count": 0}));
    let cli = Cli::at(&stub.url, Some("sk_live_clerkctlIntegrationTests"));
    let err = cli.run(&["token", "user_ada"]).code(2).error();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("development instances"),
        "{err}"
    );
    let sent = stub.requests();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].starts_with("GET /v1/sessions?"), "{}", sent[0]);
}

#[test]
fn jwt_templates_round_trip() {
    let emu = Emu::company();
    let cli = Cli::new(&emu);
    let dir = cli.dir().to_owned();
    std::fs::write(
        dir.join("claims.json"),
        r#"{"plan": "{{user.public_metadata.level}}"}"#,
    )
    .unwrap();
    let made = cli
        .run(&[
            "jwt-templates",
            "create",
            "hasura",
            "--claims",
            "@claims.json",
            "--lifetime",
            "300",
        ])
        .ok()
        .json();
    let id = made["id"].as_str().unwrap().to_owned();
    assert_eq!(made["lifetime"], 300);
    assert_eq!(
        cli.run(&["jwt-templates", "list"]).ok().json()["total_count"],
        1
    );
    assert_eq!(cli.run(&["jwt-templates", "get", &id]).ok().json(), made);

    // An update keeps what it is not given (the name and claims are read first).
    let updated = cli
        .run(&["jwt-templates", "update", &id, "--allowed-clock-skew", "10"])
        .ok()
        .json();
    assert_eq!(updated["name"], "hasura");
    assert_eq!(updated["claims"], made["claims"]);
    assert_eq!(
        (
            updated["lifetime"].as_i64(),
            updated["allowed_clock_skew"].as_i64()
        ),
        (Some(300), Some(10))
    );
    let renamed = cli
        .run(&[
            "jwt-templates",
            "update",
            &id,
            "--name",
            "hasura-v2",
            "--claims",
            r#"{"a": 1}"#,
        ])
        .ok()
        .json();
    assert_eq!(
        (renamed["name"].as_str(), renamed["claims"].clone()),
        (Some("hasura-v2"), json!({"a": 1}))
    );

    // A custom signing key comes from a file, and is never printed or recorded.
    std::fs::write(dir.join("key"), "a-shared-secret-of-some-length").unwrap();
    let custom = cli
        .run(&[
            "jwt-templates",
            "update",
            &id,
            "--custom-signing-key",
            "true",
            "--signing-algorithm",
            "HS256",
            "--signing-key-file",
            "key",
        ])
        .ok();
    assert_eq!(custom.json()["custom_signing_key"], true);
    let dry = cli
        .run(&[
            "--dry-run",
            "jwt-templates",
            "create",
            "x",
            "--claims",
            "{}",
            "--custom-signing-key",
            "true",
            "--signing-algorithm",
            "HS256",
            "--signing-key-file",
            "key",
        ])
        .ok();
    let audit = std::fs::read_to_string(cli.audit_path()).unwrap();
    for text in [&custom.stdout, &custom.stderr, &audit] {
        assert!(!text.contains("a-shared-secret"), "{text}");
    }
    // A dry run shows what would be sent: the key is part of that request, as the user gave it.
    assert!(dry.json()["body"]["signing_key"].is_string());

    // Clerk's refusals and 404s; bad input.
    let err = cli
        .run(&[
            "jwt-templates",
            "create",
            "bad",
            "--claims",
            r#"{"sub": "x"}"#,
        ])
        .code(5)
        .error();
    assert_eq!(err["code"], "jwt_template_reserved_claim");
    cli.run(&["jwt-templates", "create", "bad", "--claims", "[1]"])
        .code(2);
    cli.run(&["jwt-templates", "create", "bad", "--claims", "{"])
        .code(2);
    cli.run(&["jwt-templates", "update", &id]).code(2);
    cli.run(&["jwt-templates", "get", "hasura"]).code(2);
    cli.run(&[
        "jwt-templates",
        "create",
        "x",
        "--claims",
        "{}",
        "--allowed-clock-skew",
        "301",
    ])
    .code(2);
    cli.run(&[
        "--read-only",
        "jwt-templates",
        "update",
        &id,
        "--lifetime",
        "60",
    ])
    .code(7);
    cli.run(&["jwt-templates", "delete", &id]).code(7);
    let gone = cli
        .run(&["jwt-templates", "delete", &id, "--yes"])
        .ok()
        .json();
    assert_eq!(gone["deleted"], true);
    let err = cli.run(&["jwt-templates", "get", &id]).code(4).error();
    assert_eq!(err["code"], "resource_not_found");
    cli.run(&["jwt-templates", "update", &id, "--lifetime", "60"])
        .code(4);
}

#[test]
fn jwks_and_its_pem() {
    let emu = Emu::new();
    let cli = Cli::new(&emu);
    let jwks = cli.run(&["jwks"]).ok().json();
    let key = emu.engine().signing_key().unwrap();
    assert_eq!(jwks["keys"][0]["kid"], key.kid());
    let pem = cli.run(&["jwks", "--pem"]).ok().stdout;
    assert_eq!(
        pem,
        key.public_pem(),
        "the PEM the emulator states for CLERK_JWT_KEY"
    );
    let json = cli.run(&["jwks", "--pem", "-o", "json"]).ok().json();
    assert_eq!(json["pem"], key.public_pem());
    let err = cli
        .run(&["jwks", "--pem", "--kid", "ins_other"])
        .code(2)
        .error();
    assert!(
        err["message"].as_str().unwrap().contains(key.kid()),
        "{err}"
    );
    cli.run(&["jwks", "--kid", "x"]).code(2);
}
