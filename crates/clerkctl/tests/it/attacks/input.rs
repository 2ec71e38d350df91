//! Input that used to make clerkctl panic (exit 101 or 134) is a usage error now.

use crate::support::Cli;

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
