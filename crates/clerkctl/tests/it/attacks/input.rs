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
