//! stderr, the one way out for everything that is not data: messages, warnings, prompts,
//! progress bars and logs (stdout carries data only; see `output`). Like gh's IOStreams, every
//! part of clerkctl writes through a [`Stderr`] it is given, which a test replaces with a
//! buffer to read what was said, in process.

use std::fmt::Display;
use std::io::{IsTerminal, Write};
#[cfg(test)]
use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Where messages go, and what kind of place it is.
#[derive(Debug, Clone)]
pub struct Stderr {
    sink: Sink,
    terminal: bool,
    colour: bool,
}

#[derive(Debug, Clone)]
enum Sink {
    Process,
    /// Tests read what was said.
    #[cfg(test)]
    Buffer(Arc<Mutex<Vec<u8>>>),
}

/// What was written to a [`Stderr::buffer`].
#[cfg(test)]
#[derive(Debug, Clone)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

#[cfg(test)]
impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).into_owned()
    }
}

impl Stderr {
    /// The process's stderr. Colour only on a terminal, and never with `NO_COLOR` or
    /// `TERM=dumb`: escape codes in a log file or a CI log are noise.
    pub fn new() -> Stderr {
        let terminal = std::io::stderr().is_terminal();
        let colour = terminal
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var("TERM").is_ok_and(|t| t != "dumb");
        Stderr {
            sink: Sink::Process,
            terminal,
            colour,
        }
    }

    /// A buffer in place of stderr (not a terminal), and what it holds.
    #[cfg(test)]
    pub fn buffer() -> (Stderr, Captured) {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let err = Stderr {
            sink: Sink::Buffer(buf.clone()),
            terminal: false,
            colour: false,
        };
        (err, Captured(buf))
    }

    pub fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// Whether escape codes may colour what is written.
    pub fn colour(&self) -> bool {
        self.colour
    }

    fn write(&self, bytes: &[u8]) {
        // A closed stderr must not stop a command that is otherwise fine.
        match &self.sink {
            Sink::Process => {
                let mut err = std::io::stderr().lock();
                let _ = err.write_all(bytes).and_then(|()| err.flush());
            }
            #[cfg(test)]
            Sink::Buffer(buf) => buf.lock().expect("not poisoned").extend_from_slice(bytes),
        }
    }

    /// A message: `clerkctl: {text}`, on its own line.
    pub fn say(&self, text: impl Display) {
        self.write(format!("clerkctl: {text}\n").as_bytes());
    }

    /// A line as it is (a JSON error, a note under a table).
    pub fn line(&self, text: impl Display) {
        self.write(format!("{text}\n").as_bytes());
    }

    /// A question left open for the answer: `clerkctl: {text}`, no newline.
    pub fn ask(&self, text: impl Display) {
        self.write(format!("clerkctl: {text}").as_bytes());
    }

    /// A progress bar for `len` items (a spinner when unknown), drawn on stderr when it is a
    /// terminal and hidden otherwise, so pipes and logs get no escape codes.
    pub fn progress(&self, len: Option<u64>, template: &str) -> ProgressBar {
        if !self.terminal || !matches!(self.sink, Sink::Process) {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
        bar.set_style(ProgressStyle::with_template(template).unwrap_or_else(|_| {
            if len.is_some() {
                ProgressStyle::default_bar()
            } else {
                ProgressStyle::default_spinner()
            }
        }));
        bar
    }
}

impl Default for Stderr {
    fn default() -> Self {
        Stderr::new()
    }
}

/// `tracing`'s way to write: each log line goes through the same [`Stderr`].
impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Stderr {
    type Writer = LogLine;

    fn make_writer(&'a self) -> LogLine {
        LogLine {
            err: self.clone(),
            buf: Vec::new(),
        }
    }
}

/// One log event, written whole when it is done.
#[derive(Debug)]
pub struct LogLine {
    err: Stderr,
    buf: Vec<u8>,
}

impl Write for LogLine {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LogLine {
    fn drop(&mut self) {
        if !self.buf.is_empty() {
            self.err.write(&self.buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_holds_what_was_said_and_is_no_terminal() {
        let (err, said) = Stderr::buffer();
        err.say("exported 3 users");
        err.line("{\"code\": \"x\"}");
        err.ask("delete user user_1? [y/N] ");
        assert_eq!(
            said.text(),
            "clerkctl: exported 3 users\n{\"code\": \"x\"}\nclerkctl: delete user user_1? [y/N] "
        );
        assert!(!err.is_terminal() && !err.colour());
        assert!(err.progress(Some(10), "{bar}").is_hidden());
    }
}
