//! `clerkctl emulator`: the URL on the first stdout line, durability across `kill -9`, a clean
//! exit on SIGTERM, the flags for tokens and webhooks, and the instance settings its flags and
//! settings file give.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, ChildStderr, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

/// A running `clerkctl emulator` and the base URL it printed.
struct Running {
    child: Child,
    addr: String,
    // Held so the child's stdout stays open.
    _stdout: BufReader<ChildStdout>,
}

impl Drop for Running {
    /// A failing test must not leave an emulator running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(data: &Path) -> Running {
    let mut args = vec!["--data".to_owned()];
    args.push(data.display().to_string());
    start_with(&args)
}

fn start_with(flags: &[String]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clerkctl"))
        .args(["emulator", "--port", "0"])
        .args(flags)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("clerkctl starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line.trim();
    let addr = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("the first line is the base URL, got {line:?}"));
    assert!(addr.starts_with("127.0.0.1:"), "loopback by default: {url}");
    Running {
        addr: addr.to_owned(),
        child,
        _stdout: stdout,
    }
}

/// One HTTP/1.1 exchange on a fresh connection: status and JSON body.
fn call(addr: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    call_as(addr, "sk_test_cli", method, path, body)
}

fn call_as(addr: &str, key: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{method} /v1{path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

fn ok(addr: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let (status, body) = call(addr, method, path, body);
    assert_eq!(status, 200, "{method} {path}: {body}");
    body
}

#[test]
fn kill_9_loses_no_answered_write() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("clerk.db");
    let mut emu = start(&data);
    let a = emu.addr.clone();
    let org = ok(&a, "POST", "/organizations", Some(json!({"name": "Acme"})))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut users = Vec::new();
    for i in 0..20 {
        let u = ok(
            &a,
            "POST",
            "/users",
            Some(json!({"email_address": [format!("u{i}@example.com")]})),
        );
        let id = u["id"].as_str().unwrap().to_owned();
        if i % 4 == 0 {
            ok(
                &a,
                "POST",
                &format!("/organizations/{org}/memberships"),
                Some(json!({"user_id": id, "role": "org:member"})),
            );
        }
        ok(
            &a,
            "PATCH",
            &format!("/users/{id}/metadata"),
            Some(json!({"public_metadata": {"n": i}})),
        );
        users.push(id);
    }
    // The last answered write, right before the kill.
    ok(&a, "DELETE", &format!("/users/{}", users[19]), None);
    emu.child.kill().unwrap();
    let status = emu.child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "killed, not stopped: {status:?}");

    let mut emu = start(&data);
    let a = emu.addr.clone();
    for (i, id) in users.iter().enumerate().take(19) {
        let u = ok(&a, "GET", &format!("/users/{id}"), None);
        assert_eq!(u["public_metadata"], json!({"n": i}));
    }
    assert_eq!(
        call(&a, "GET", &format!("/users/{}", users[19]), None).0,
        404
    );
    assert_eq!(ok(&a, "GET", "/users/count", None)["total_count"], 19);
    let members = ok(
        &a,
        "GET",
        &format!("/organizations/{org}/memberships"),
        None,
    );
    assert_eq!(members["total_count"], 5);

    // SIGTERM stops it cleanly, exit 0.
    let pid = emu.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = emu.child.wait().unwrap();
    assert!(status.success(), "exits 0 on SIGTERM: {status:?}");
}

#[test]
fn flags_reach_the_emulator() {
    let flags: Vec<String> = [
        "--secret-key",
        "sk_test_alpha",
        "--secret-key",
        "sk_live_configured",
        "--rate-limit",
        "3/3600",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut emu = start_with(&flags);
    let a = emu.addr.clone();
    let (status, body) = call_as(&a, "sk_test_other", "GET", "/users", None);
    assert_eq!(
        (status, &body["errors"][0]["code"]),
        (401, &json!("clerk_key_invalid"))
    );
    for key in ["sk_test_alpha", "sk_live_configured", "sk_test_alpha"] {
        assert_eq!(call_as(&a, key, "GET", "/users", None).0, 200, "{key}");
    }
    // The configured keys are separate instances for the rate limit: alpha has spent 2 of 3.
    assert_eq!(call_as(&a, "sk_test_alpha", "GET", "/users", None).0, 200);
    let (status, body) = call_as(&a, "sk_test_alpha", "GET", "/users", None);
    assert_eq!(
        (status, &body["errors"][0]["code"]),
        (429, &json!("too_many_requests"))
    );
    emu.child.kill().unwrap();
    emu.child.wait().unwrap();

    let faults = ["--fault-rate", "1", "--faults", "503"]
        .map(str::to_owned)
        .to_vec();
    let mut emu = start_with(&faults);
    let (status, body) = call(
        &emu.addr,
        "POST",
        "/users",
        Some(json!({"email_address": ["a@example.com"]})),
    );
    assert_eq!(
        (status, &body["errors"][0]["code"]),
        (503, &json!("service_unavailable"))
    );
    emu.child.kill().unwrap();
    emu.child.wait().unwrap();
}

/// Runs `clerkctl emulator` with flags that must be refused: exit 2, and stderr says why.
fn refused(flags: &[&str], says: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_clerkctl"))
        .args(["emulator", "--port", "0"])
        .args(flags)
        .env_remove("CLERKCTL_TEST_UNSET_SECRET")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{flags:?}: nothing served");
    assert!(stderr.contains(says), "{flags:?}: {stderr}");
}

#[test]
fn token_and_webhook_flags_are_checked_before_serving() {
    refused(
        &["--webhook", "ftp://example.com/hooks"],
        "http:// or https://",
    );
    refused(&["--webhook", "example.com/hooks"], "not a URL");
    refused(&["--webhook-secret", "not-a-secret"], "whsec_");
    refused(&["--webhook-secret", "whsec_c2hvcnQ="], "at least 24 bytes");
    refused(
        &[
            "--webhook",
            "http://127.0.0.1:9/hooks",
            "--webhook-secret-env",
            "CLERKCTL_TEST_UNSET_SECRET",
        ],
        "CLERKCTL_TEST_UNSET_SECRET",
    );
    refused(
        &[
            "--webhook-secret",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "--webhook-secret-env",
            "X",
        ],
        "cannot be used with",
    );
    refused(&["--webhook-retry-scale=-1"], "factor");
    refused(&["--session-token-lifetime", "0"], "session-token-lifetime");
    refused(&["--signing-key", "/nonexistent/key.pem"], "signing key");
}

/// Starts `clerkctl emulator` with `flags`, and reads stderr until a line containing `until`.
fn start_reading_stderr(
    flags: &[String],
    env: &[(&str, &str)],
    until: &str,
) -> (Child, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clerkctl"))
        .args(["emulator", "--port", "0"])
        .args(flags)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut url = String::new();
    stdout.read_line(&mut url).unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        seen.push_str(&line);
        if line.contains(until) {
            break;
        }
    }
    (child, url.trim().to_owned(), seen)
}

#[test]
fn a_generated_webhook_secret_is_printed_at_start_and_kept_in_the_data_file() {
    let dir = tempfile::tempdir().unwrap();
    let flags: Vec<String> = [
        "--data",
        dir.path().join("state.db").to_str().unwrap(),
        "--webhook",
        "http://127.0.0.1:9/hooks",
    ]
    .map(str::to_owned)
    .to_vec();
    let secret_of = |stderr: &str| {
        stderr
            .lines()
            .find_map(|l| {
                l.split_once("CLERK_WEBHOOK_SIGNING_SECRET=")
                    .map(|(_, s)| s.trim().to_owned())
            })
            .unwrap_or_else(|| panic!("no secret in {stderr}"))
    };
    let (mut first, url, stderr) =
        start_reading_stderr(&flags, &[], "CLERK_WEBHOOK_SIGNING_SECRET=");
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "the URL is still the first line: {url}"
    );
    assert!(
        stderr.contains("delivering webhooks to http://127.0.0.1:9/hooks"),
        "{stderr}"
    );
    let secret = secret_of(&stderr);
    assert!(
        clerk_emulator::WebhookSecret::parse(&secret).is_ok(),
        "{secret}"
    );
    first.kill().unwrap();
    first.wait().unwrap();
    let (mut second, _, stderr) =
        start_reading_stderr(&flags, &[], "CLERK_WEBHOOK_SIGNING_SECRET=");
    assert_eq!(
        secret_of(&stderr),
        secret,
        "the same secret after a restart"
    );
    second.kill().unwrap();
    second.wait().unwrap();
    // A secret given through the environment is used and never printed.
    let given = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let env_flags: Vec<String> = [
        "--webhook",
        "http://127.0.0.1:9/hooks",
        "--webhook-secret-env",
        "MY_HOOK_SECRET",
    ]
    .map(str::to_owned)
    .to_vec();
    let (mut third, _, stderr) = start_reading_stderr(
        &env_flags,
        &[("MY_HOOK_SECRET", given)],
        "delivering webhooks",
    );
    assert!(!stderr.contains("whsec_"), "{stderr}");
    third.kill().unwrap();
    third.wait().unwrap();
}

#[test]
fn signing_key_and_token_lifetime_reach_the_emulator() {
    use base64::Engine as _;
    let key = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../clerk-emulator/tests/fixtures/signing-key.pem");
    let expected_kid =
        clerk_emulator::keys::SigningKey::from_pem(&std::fs::read_to_string(&key).unwrap())
            .unwrap()
            .kid()
            .to_owned();
    let flags: Vec<String> = [
        "--signing-key",
        key.to_str().unwrap(),
        "--session-token-lifetime",
        "5",
    ]
    .map(str::to_owned)
    .to_vec();
    let emu = start_with(&flags);
    let a = emu.addr.clone();
    let (status, jwks) = call(&a, "GET", "/jwks", None);
    assert_eq!(
        (status, &jwks["keys"][0]["kid"]),
        (200, &json!(expected_kid))
    );
    let (_, user) = call(
        &a,
        "POST",
        "/users",
        Some(json!({"email_address": ["t@example.com"]})),
    );
    let (_, session) = call(
        &a,
        "POST",
        "/sessions",
        Some(json!({"user_id": user["id"]})),
    );
    let sid = session["id"].as_str().unwrap();
    let (status, token) = call(&a, "POST", &format!("/sessions/{sid}/tokens"), None);
    assert_eq!(status, 200, "{token}");
    let payload = token["jwt"]
        .as_str()
        .unwrap()
        .split('.')
        .nth(1)
        .unwrap()
        .to_owned();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        5
    );
    assert_eq!(claims["iss"], format!("http://{a}"));
}

/// Starts `clerkctl emulator` with `flags` and returns it with the settings line it printed on
/// stderr (`clerkctl emulator: settings: ...`).
fn start_saying_settings(flags: &[&str]) -> (Running, String, BufReader<ChildStderr>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clerkctl"))
        .args(["emulator", "--port", "0"])
        .args(flags)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("clerkctl starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("the first line is the base URL, got {line:?}"))
        .to_owned();
    let mut settings = String::new();
    for _ in 0..5 {
        let mut l = String::new();
        stderr.read_line(&mut l).unwrap();
        if let Some(rest) = l.trim().strip_prefix("clerkctl emulator: settings: ") {
            settings = rest.to_owned();
            break;
        }
    }
    assert!(!settings.is_empty(), "the emulator says its settings");
    let running = Running {
        addr,
        child,
        _stdout: stdout,
    };
    (running, settings, stderr)
}

fn error_code(body: &Value) -> &Value {
    &body["errors"][0]["code"]
}

#[test]
fn a_new_production_instance_by_default() {
    let (emu, settings, _err) = start_saying_settings(&[]);
    assert_eq!(
        settings,
        "production instance: 1000 requests per 10 s, 10 updates per 10 s per record, hourly \
         invitation limits; organizations: 5 members, slugs off; lockout after 10 attempts for 1 hour"
    );
    let a = &emu.addr;
    let (status, body) = call(
        a,
        "POST",
        "/organizations",
        Some(json!({"name": "Acme", "slug": "acme"})),
    );
    assert_eq!(
        (status, error_code(&body)),
        (403, &json!("organization_slugs_disabled"))
    );
    let org = ok(a, "POST", "/organizations", Some(json!({"name": "Acme"})));
    assert_eq!(org["max_allowed_memberships"], 5);
    let user = ok(
        a,
        "POST",
        "/users",
        Some(json!({"email_address": ["ada@example.com"]})),
    );
    assert_eq!(user["verification_attempts_remaining"], 10);
    let id = user["id"].as_str().unwrap();
    let locked = ok(a, "POST", &format!("/users/{id}/lock"), None);
    let left = locked["lockout_expires_in_seconds"].as_i64().unwrap();
    assert!((1..=3600).contains(&left), "{left}");
}

#[test]
fn flags_and_a_settings_file_change_the_instance() {
    let (emu, settings, _err) = start_saying_settings(&[
        "--instance",
        "development",
        "--org-slugs",
        "on",
        "--membership-limit",
        "0",
    ]);
    assert_eq!(
        settings,
        "development instance: 100 requests per 10 s, 10 updates per 10 s per record, hourly \
         invitation limits; organizations: unlimited members, slugs on; lockout after 10 \
         attempts for 1 hour"
    );
    let org = ok(
        &emu.addr,
        "POST",
        "/organizations",
        Some(json!({"name": "Acme", "slug": "acme"})),
    );
    assert_eq!(
        (&org["slug"], &org["max_allowed_memberships"]),
        (&json!("acme"), &json!(0))
    );
    drop(emu);

    // The file changes the new instance; a flag wins over the file.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("settings.json");
    std::fs::write(
        &file,
        json!({"instance": "development", "membership_limit": 7, "record_limits": false,
               "lockout": {"max_attempts": 6, "duration_seconds": null}})
        .to_string(),
    )
    .unwrap();
    let path = file.display().to_string();
    let (emu, settings, _err) =
        start_saying_settings(&["--settings", &path, "--membership-limit", "3"]);
    assert_eq!(
        settings,
        "development instance: 100 requests per 10 s, no per-record limit, hourly invitation \
         limits; organizations: 3 members, slugs off; lockout after 6 attempts until unlocked"
    );
    let a = &emu.addr;
    let user = ok(
        a,
        "POST",
        "/users",
        Some(json!({"email_address": ["ada@example.com"]})),
    );
    let id = user["id"].as_str().unwrap();
    let locked = ok(a, "POST", &format!("/users/{id}/lock"), None);
    assert_eq!(locked["lockout_expires_in_seconds"], Value::Null);
    let unlocked = ok(a, "POST", &format!("/users/{id}/unlock"), None);
    assert_eq!(unlocked["verification_attempts_remaining"], 6);
}

#[test]
fn no_limits_lifts_every_limit_but_the_ones_named() {
    let (emu, settings, _err) = start_saying_settings(&["--no-limits"]);
    assert_eq!(
        settings,
        "production instance: no request limit, no per-record limit, no invitation limits; \
         organizations: unlimited members, slugs off; lockout after 10 attempts for 1 hour"
    );
    let org = ok(
        &emu.addr,
        "POST",
        "/organizations",
        Some(json!({"name": "A"})),
    );
    assert_eq!(org["max_allowed_memberships"], 0);
    drop(emu);
    // A request rate given with it still applies (counted, not timed: the window is an hour).
    let (emu, settings, _err) = start_saying_settings(&["--no-limits", "--rate-limit", "3/3600"]);
    assert!(
        settings.starts_with("production instance: 3 requests per 3600 s, no per-record limit"),
        "{settings}"
    );
    for _ in 0..3 {
        ok(&emu.addr, "GET", "/users", None);
    }
    let (status, body) = call(&emu.addr, "GET", "/users", None);
    assert_eq!(
        (status, error_code(&body)),
        (429, &json!("too_many_requests"))
    );
}

#[test]
fn a_bad_settings_file_stops_the_start_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for (content, says) in [
        (r#"{"slugs": true}"#, "unknown field `slugs`"),
        (r#"{"lockout": {"max_attempts": 2}}"#, "5 or more"),
        (r#"{"rate_limit": "fast"}"#, "N/SECONDS"),
        ("not json", "is not valid"),
    ] {
        let file = dir.path().join("settings.json");
        std::fs::write(&file, content).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_clerkctl"))
            .args(["emulator", "--port", "0", "--settings"])
            .arg(&file)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{content}");
        assert!(out.stdout.is_empty(), "nothing served: {content}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(says) && stderr.contains("settings.json"),
            "{content}: {stderr}"
        );
    }
}

#[test]
fn demo_starts_with_the_demo_company_and_only_into_empty_state() {
    let emu = start_with(&["--demo".to_owned()]);
    let count = ok(&emu.addr, "GET", "/users/count", None);
    assert_eq!(count["total_count"], 6, "the demo company's users");
    let orgs = ok(&emu.addr, "GET", "/organizations", None);
    assert_eq!(orgs["total_count"], 2);
    assert!(
        orgs["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["slug"].is_string()),
        "{orgs}"
    );
    drop(emu);

    // Into a data file that holds the demo already: loaded once, not twice.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("state.db");
    let flags = [
        "--demo".to_owned(),
        "--data".to_owned(),
        data.display().to_string(),
    ];
    drop(start_with(&flags));
    let again = start_with(&flags);
    assert_eq!(
        ok(&again.addr, "GET", "/users/count", None)["total_count"],
        6
    );
}

/// The emulator as a server: any key is refused off loopback, keys come from the environment
/// or a file (out of `ps`), only they are accepted, and one data file has one emulator.
#[test]
fn keys_stay_out_of_ps_any_key_is_refused_off_loopback_and_data_is_locked() {
    refused(&["--host", "0.0.0.0"], "--insecure-any-key");
    refused(
        &["--secret-key-env", "CLERKCTL_TEST_UNSET_SECRET"],
        "not set",
    );
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, "sk_test_from_a_file\n").unwrap();
    let data = dir.path().join("one.db");
    let emu = start_with(&[
        "--secret-key-file".to_owned(),
        key_file.display().to_string(),
        "--data".to_owned(),
        data.display().to_string(),
    ]);
    let status = |key: &str| call_as(&emu.addr, key, "GET", "/users/count", None).0;
    assert_eq!(status("sk_test_from_a_file"), 200);
    assert_eq!(status("sk_test_cli"), 401, "any other key is refused");
    let cmdline = std::fs::read_to_string(format!("/proc/{}/cmdline", emu.child.id())).unwrap();
    assert!(
        !cmdline.contains("sk_test_from_a_file"),
        "the key is not in ps"
    );
    // A second emulator on the same data file refuses to start, naming the file.
    refused(&["--data", data.to_str().unwrap()], "one.db");
}
