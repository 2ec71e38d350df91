//! The network: a proxy from the environment never sees plain-http (loopback) or `--local`
//! traffic, https keeps it, and whatever a server sends back is scrubbed of the key.

use serde_json::json;

use super::mcp_stdio;
use crate::support::{Cli, Emu, KEY, Stub, company};

/// The key, whole or as a recognisable part of it.
fn assert_no_key(what: &str, text: &str) {
    for piece in [KEY, "clerkctlIntegration", "IntegrationTests"] {
        assert!(!text.contains(piece), "{piece} in {what}: {text}");
    }
}

#[test]
fn a_proxy_from_the_environment_never_sees_loopback_or_local_traffic() {
    let emu = Emu::new();
    emu.seed(company());
    let proxy = Stub::answering(
        200,
        json!({"data": [{"id": "user_invented", "object": "user"}], "total_count": 1}),
    );
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        let run = Cli::new(&emu)
            .env(var, &proxy.url)
            .run(&["users", "list"])
            .ok();
        assert!(
            !run.stdout.contains("user_invented"),
            "{var}: {}",
            run.stdout
        );
        assert!(run.stdout.contains("user_ada"), "{var}: {}", run.stdout);
        let run = Cli::local()
            .env(var, &proxy.url)
            .run(&["users", "list"])
            .ok();
        assert!(
            !run.stdout.contains("user_invented"),
            "{var}: {}",
            run.stdout
        );
    }
    assert!(proxy.requests().is_empty(), "{:?}", proxy.requests());
}

#[test]
fn an_https_origin_keeps_the_environments_proxy() {
    let proxy = Stub::answering(502, json!({}));
    let cli = Cli::at("https://clerk.example.invalid", Some(KEY)).env("HTTPS_PROXY", &proxy.url);
    let run = cli.run(&["users", "list"]);
    assert_ne!(run.code, 0);
    let requests = proxy.requests();
    assert!(
        requests
            .first()
            .is_some_and(|r| r.starts_with("CONNECT clerk.example.invalid:443")),
        "{requests:?}"
    );
    // The proxy only ever sees the tunnel's head, never the key.
    assert_no_key("the proxy's requests", &requests.join("\n"));
}

/// A server that puts the Authorization header it received everywhere it can: the error's
/// messages and meta, the trace ID, and (JSON-escaped) a user's name.
fn reflecting(status: u16) -> Stub {
    Stub::replying(move |req| {
        let auth = req
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
            .unwrap_or("")
            .to_owned();
        let escaped = auth.replace("sk_", "\\u0073k_");
        let body = if status == 200 {
            format!(
                r#"{{"id": "user_x", "object": "user", "first_name": "{escaped}", "last_name": "{auth}"}}"#
            )
        } else {
            json!({"errors": [{"message": auth, "long_message": format!("you sent {auth}"),
                "code": "authorization_invalid", "meta": {"echo": auth}}], "clerk_trace_id": auth})
            .to_string()
        };
        (status, body)
    })
}

#[test]
fn a_server_that_reflects_the_key_never_gets_it_printed_or_returned() {
    let failing = reflecting(401);
    let cli = Cli::at(&failing.url, Some(KEY));
    let run = cli.run(&["users", "list"]);
    assert_ne!(run.code, 0);
    assert!(
        failing.requests()[0].contains(KEY),
        "the stub did see the key"
    );
    assert_no_key("stderr", &run.stderr);
    assert_no_key("stdout", &run.stdout);
    let run = cli.run(&["-o", "json", "users", "get", "user_x"]);
    assert_no_key("the JSON error", &run.stderr);
    assert!(run.stderr.contains("sk_test_…"), "{}", run.stderr);

    let echoing = reflecting(200);
    let cli = Cli::at(&echoing.url, Some(KEY));
    let run = cli.run(&["api", "GET", "/users/user_x"]).ok();
    assert_no_key("stdout", &run.stdout);
    let run = cli.run(&["users", "get", "user_x"]);
    assert_no_key("stdout", &run.stdout);
    assert_no_key("stderr", &run.stderr);

    let (answers, stderr) = mcp_stdio(
        &cli,
        &["mcp"],
        &[("get_user", json!({"user_id": "user_x"}))],
    );
    assert_no_key("an MCP result", &answers[0].to_string());
    assert_no_key("the MCP server's stderr", &stderr);
    let cli = Cli::at(&failing.url, Some(KEY));
    let (answers, _) = mcp_stdio(
        &cli,
        &["mcp"],
        &[("get_user", json!({"user_id": "user_x"}))],
    );
    assert_no_key("an MCP tool error", &answers[0].to_string());
}
