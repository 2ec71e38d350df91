//! Logs: warnings (retries) on stderr through the one [`Stderr`] writer; `CLERKCTL_LOG=debug`
//! shows more.

use tracing_subscriber::EnvFilter;

use crate::term::Stderr;

/// What is logged unless `CLERKCTL_LOG` says otherwise.
const DEFAULT: &str = "clerk_api=warn";

fn subscriber(err: &Stderr, filter: EnvFilter) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(err.clone())
        .with_ansi(err.colour())
        .with_target(false)
        .without_time()
        .finish()
}

/// Sends the process's logs to `err`, filtered by `CLERKCTL_LOG`.
pub fn init(err: &Stderr) {
    let filter =
        EnvFilter::try_from_env("CLERKCTL_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT));
    let _ = tracing::subscriber::set_global_default(subscriber(err, filter));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_warnings_reach_the_stderr_writer_and_the_rest_waits_for_debug() {
        let (err, said) = Stderr::buffer();
        tracing::subscriber::with_default(subscriber(&err, EnvFilter::new(DEFAULT)), || {
            tracing::warn!(target: "clerk_api", attempt = 1, "Clerk answered 503; retrying in 0.3s");
            tracing::info!(target: "clerk_api", "not shown by default");
            tracing::warn!(target: "hyper", "not clerk's");
        });
        let text = said.text();
        assert!(
            text.contains("WARN") && text.contains("Clerk answered 503; retrying in 0.3s"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            !text.contains('\u{1b}'),
            "no colour off a terminal: {text:?}"
        );
    }
}
