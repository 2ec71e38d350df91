//! Logs: warnings (retries) on stderr through the one [`Stderr`] writer; `CLERKCTL_LOG=debug`
//! shows more.

use tracing_subscriber::EnvFilter;

use crate::term::Stderr;

/// What is logged unless `CLERKCTL_LOG` says otherwise.
const DEFAULT: &str = "clerk_api=warn";

/// Whether an event may be logged whatever `CLERKCTL_LOG` says: the MCP library's debug and
/// trace events print whole requests and answers (tool arguments with passwords, private
/// metadata), so they never are; clerkctl logs each tool call itself, masked
/// (`crate::redact::mask`).
fn never_data(meta: &tracing::Metadata<'_>) -> bool {
    !(meta.target().starts_with("rmcp") && *meta.level() > tracing::Level::INFO)
}

fn subscriber(err: &Stderr, filter: EnvFilter) -> impl tracing::Subscriber + Send + Sync {
    use tracing_subscriber::prelude::*;
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(err.clone())
        .with_ansi(err.colour())
        .with_target(false)
        .without_time();
    tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::filter::filter_fn(never_data))
        .with(fmt)
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

    #[test]
    fn the_mcp_librarys_request_dumps_never_show_even_at_trace() {
        let (err, said) = Stderr::buffer();
        tracing::subscriber::with_default(subscriber(&err, EnvFilter::new("trace")), || {
            tracing::debug!(target: "rmcp::service", "received request password=hunter22");
            tracing::trace!(target: "rmcp::service", "new event password=hunter22");
            tracing::info!(target: "rmcp::service", "client initialized");
            tracing::debug!(target: "clerkctl::mcp", "tool call");
        });
        let text = said.text();
        assert!(!text.contains("hunter22"), "{text}");
        assert!(
            text.contains("client initialized") && text.contains("tool call"),
            "{text}"
        );
    }
}
