//! Input that used to make clerkctl panic (exit 101 or 134) is a usage error now.

use crate::support::{Cli, Stub};

#[test]
fn an_absurd_rate_is_a_usage_error_never_a_panic() {
    let cli = Cli::local();
    for rate in ["1/18446744073709551615", "1/1e30", "1/1e-30"] {
        let run = cli.run(&["users", "export", "--rate", rate]).code(2);
        assert!(run.stderr.contains("invalid rate"), "{}", run.stderr);
    }
    let run = cli.run(&["emulator", "--rate-limit", "1/1e30"]).code(2);
    assert!(run.stderr.contains("invalid rate"), "{}", run.stderr);
}

#[test]
fn api_paths_that_leave_v1_are_refused_before_anything_is_sent() {
    let stub = Stub::tripwire();
    let cli = Cli::at(&stub.url, Some(crate::support::KEY));
    for path in [
        "/../admin",
        "/%2e%2e/admin",
        "/%2E%2E/admin",
        "/.%2e/admin",
        "/%252e%252e/admin",
        "\\admin",
        "/users\\..\\admin",
        "/users/%5c..%5cadmin",
        "/users/%5C%2e%2e/x",
        "/v1/../admin",
    ] {
        let run = cli.run(&["api", "GET", path]).code(2);
        assert!(run.stderr.contains("/v1"), "{path}: {}", run.stderr);
        let run = cli.run(&["api", "DELETE", path, "--yes"]).code(2);
        assert!(run.stderr.contains("path"), "{path}: {}", run.stderr);
    }
    assert!(stub.requests().is_empty(), "{:?}", stub.requests());
}

#[test]
fn a_huge_query_is_refused_before_sending_never_retried_as_a_network_error() {
    let stub = Stub::tripwire();
    let cli = Cli::at(&stub.url, Some(crate::support::KEY));
    // As long as one argument may be (Linux takes at most 128 KiB per argument).
    let query = "a".repeat(120 * 1024);
    let run = cli.run(&["users", "list", "--query", &query]).code(2);
    assert!(run.stderr.contains("URL"), "{}", run.stderr);
    assert!(!run.stderr.contains("network"), "{}", run.stderr);
    assert!(stub.requests().is_empty());
}

#[test]
fn a_byte_order_mark_keeps_the_first_row_and_a_huge_row_is_refused_naming_it() {
    let emu = crate::support::Emu::new();
    let cli = Cli::new(&emu);
    let file = cli.dir().join("people.ndjson");
    std::fs::write(
        &file,
        "\u{feff}{\"email_address\": [\"first@example.com\"]}\n{\"email_address\": [\"second@example.com\"]}\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    cli.run(&["users", "import", "--file", f]).ok();
    let csv = cli.dir().join("people.csv");
    std::fs::write(&csv, "\u{feff}email_address\nthird@example.com\n").unwrap();
    cli.run(&["users", "import", "--file", csv.to_str().unwrap()])
        .ok();
    let listed = cli.run(&["users", "list", "-o", "json"]).ok().json();
    let text = listed.to_string();
    for email in ["first@", "second@", "third@"] {
        assert!(text.contains(email), "{email} was imported: {text}");
    }

    // A 50 MB line: refused by its line number, nothing sent.
    let huge = cli.dir().join("huge.ndjson");
    let mut body =
        String::from("{\"email_address\": [\"fourth@example.com\"]}\n{\"first_name\": \"");
    body.push_str(&"x".repeat(50 * 1024 * 1024));
    body.push_str("\"}\n");
    std::fs::write(&huge, body).unwrap();
    let run = cli
        .run(&["users", "import", "--file", huge.to_str().unwrap()])
        .code(2);
    assert!(run.stderr.contains("line 2"), "{}", run.stderr);
    let listed = cli.run(&["users", "list", "-o", "json"]).ok().json();
    assert!(!listed.to_string().contains("fourth@"));
}
