//! Logs. By default only warnings (the client's retries), written as a person reads them:
//! `clerkctl: warning: Clerk answered 503; retrying in 0.3s`, above any progress bar, through
//! the one [`Stderr`] writer. `CLERKCTL_LOG=debug` (any `tracing` filter) shows more, in the
//! developer's format with levels and fields.

use std::fmt;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use crate::term::{Escaped, Stderr, escape_text, style};

/// What is logged unless `CLERKCTL_LOG` says otherwise.
const DEFAULT: &str = "clerk_api=warn";

/// A warning as a line for people: `clerkctl: warning: {message}`, the message's control
/// characters escaped (it may quote Clerk's answer), the word coloured on a colour terminal.
struct Plain {
    colour: bool,
}

impl<S, N> FormatEvent<S, N> for Plain
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut w: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        struct Message(String);
        impl Visit for Message {
            fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
            fn record_str(&mut self, field: &Field, value: &str) {
                if field.name() == "message" {
                    value.clone_into(&mut self.0);
                }
            }
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        let label = match *event.metadata().level() {
            Level::ERROR => Some(("error:", style::RED)),
            Level::WARN => Some(("warning:", style::YELLOW)),
            _ => None,
        };
        write!(w, "clerkctl: ")?;
        if let Some((word, code)) = label {
            write!(w, "{} ", crate::term::paint(self.colour, code, word))?;
        }
        writeln!(w, "{}", escape_text(&message.0))
    }
}

/// Sends the process's logs to `err`: warnings for people, or with `CLERKCTL_LOG` set, what
/// its filter asks for in the developer's format.
pub fn init(err: &Stderr) {
    let _ = match EnvFilter::try_from_env("CLERKCTL_LOG") {
        Ok(filter) => tracing::subscriber::set_global_default(developer(err, filter)),
        Err(_) => tracing::subscriber::set_global_default(plain(err, EnvFilter::new(DEFAULT))),
    };
}

/// Whether an event may be logged whatever `CLERKCTL_LOG` says: the MCP library's debug and
/// trace events print whole requests and answers (tool arguments with passwords, private
/// metadata), so they never are; clerkctl logs each tool call itself, masked
/// (`crate::redact::mask`).
fn never_data(meta: &tracing::Metadata<'_>) -> bool {
    !(meta.target().starts_with("rmcp") && *meta.level() > tracing::Level::INFO)
}

fn plain(err: &Stderr, filter: EnvFilter) -> impl Subscriber + Send + Sync {
    use tracing_subscriber::prelude::*;
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(err.clone())
        .event_format(Plain {
            colour: err.colour(),
        });
    tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::filter::filter_fn(never_data))
        .with(fmt)
}

fn developer(err: &Stderr, filter: EnvFilter) -> impl Subscriber + Send + Sync {
    use tracing_subscriber::prelude::*;
    let fmt = tracing_subscriber::fmt::layer()
        // Field values may hold data: every line is escaped, so no colour codes of its own.
        .with_writer(Escaped(err.clone()))
        .with_ansi(false)
        .with_target(false)
        .without_time();
    tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::filter::filter_fn(never_data))
        .with(fmt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_warnings_are_lines_for_people_and_the_rest_waits_for_debug() {
        let (err, said) = Stderr::buffer();
        tracing::subscriber::with_default(plain(&err, EnvFilter::new(DEFAULT)), || {
            tracing::warn!(target: "clerk_api", attempt = 1, "Clerk answered 503; retrying in 0.3s");
            tracing::info!(target: "clerk_api", "not shown by default");
            tracing::warn!(target: "hyper", "not clerk's");
            tracing::warn!(target: "clerk_api", "a name: \x1b]0;pwned\x07");
        });
        assert_eq!(
            said.text(),
            "clerkctl: warning: Clerk answered 503; retrying in 0.3s\n\
             clerkctl: warning: a name: \\x1b]0;pwned\\x07\n"
        );
    }

    #[test]
    fn debug_logs_keep_their_fields_and_are_escaped() {
        let (err, said) = Stderr::buffer();
        tracing::subscriber::with_default(developer(&err, EnvFilter::new("debug")), || {
            tracing::debug!(target: "clerk_api", name = "\x1b[2J", "sent");
        });
        let text = said.text();
        assert!(text.contains("DEBUG") && text.contains("sent"), "{text}");
        assert!(!text.contains('\x1b'), "{text:?}");
    }

    #[test]
    fn the_mcp_librarys_request_dumps_never_show_even_at_trace() {
        let (err, said) = Stderr::buffer();
        tracing::subscriber::with_default(developer(&err, EnvFilter::new("trace")), || {
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
