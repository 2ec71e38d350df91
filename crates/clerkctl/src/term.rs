//! stderr, the one way out for everything that is not data: messages, warnings, prompts,
//! progress bars and logs (stdout carries data only; see `output`). Like gh's IOStreams, every
//! part of clerkctl writes through a [`Stderr`] it is given, which a test replaces with a
//! buffer to read what was said, in process.
//!
//! Two rules hold for everything written here, so no message can break them: text that may
//! hold data (a name, Clerk's message) reaches the terminal with its control characters
//! escaped ([`escape_text`]), and a line written while a progress bar is drawn goes above the
//! bar (the bar is hidden, the line written, the bar drawn again). Never wrap a `Stderr` call in
//! `ProgressBar::suspend`: `Stderr` does that itself, and indicatif's lock is not reentrant.

use std::borrow::Cow;
use std::fmt::Display;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, WeakProgressBar};

/// Whether escape codes may colour a stream: never with `NO_COLOR` (no-color.org) or
/// `CLICOLOR=0`; always with `CLICOLOR_FORCE` (bixense.com/clicolors) set to anything but 0,
/// even into a pipe; otherwise on a terminal that is not `TERM=dumb`.
pub fn colour_for(terminal: bool) -> bool {
    colour_with(terminal, |var| std::env::var(var).ok())
}

fn colour_with(terminal: bool, var: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    if set("CLICOLOR").is_some_and(|v| v == "0") {
        return false;
    }
    terminal && var("TERM").is_some_and(|t| t != "dumb")
}

/// SGR codes clerkctl colours with.
pub mod style {
    pub const BOLD: &str = "1";
    pub const DIM: &str = "2";
    pub const RED: &str = "31";
    pub const GREEN: &str = "32";
    pub const YELLOW: &str = "33";
    pub const CYAN: &str = "36";
}

/// `text` in the SGR style `code` when `on`, as it is otherwise.
pub fn paint(on: bool, code: &str, text: &str) -> String {
    if on && !text.is_empty() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// Whether a character could change what a terminal shows rather than show itself: C0 and C1
/// controls (escape sequences start with ESC or CSI) and DEL, and the bidirectional overrides
/// and isolates that make text read in another order than it is stored.
fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_with(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| is_control(c) && !(keep_newlines && c == '\n'))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_control(c) && (c as u32) < 0x80 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `s` on one line, every control character shown escaped (`\x1b`, `\n`, `\u{202e}`): for a
/// table cell, a name in a question, a value in a message. Data in Clerk is written by anyone
/// who can sign up; a name holding `ESC ]0;...` must not retitle the terminal or hide the
/// line it is in.
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_with(s, false)
}

/// As [`escape`], but the line breaks of a message of several lines are kept.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    escape_with(s, true)
}

/// `n` and the noun, singular or plural: `1 row`, `3 rows`.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Where messages go, and what kind of place it is.
#[derive(Clone)]
pub struct Stderr {
    sink: Sink,
    terminal: bool,
    colour: bool,
    /// The progress bar being drawn, if any: lines are written above it.
    bar: Arc<Mutex<Option<WeakProgressBar>>>,
}

impl std::fmt::Debug for Stderr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stderr")
            .field("sink", &self.sink)
            .field("terminal", &self.terminal)
            .field("colour", &self.colour)
            .finish_non_exhaustive()
    }
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
    /// The process's stderr, coloured as [`colour_for`] says: escape codes in a log file or a
    /// CI log are noise.
    pub fn new() -> Stderr {
        let terminal = std::io::stderr().is_terminal();
        Stderr {
            sink: Sink::Process,
            terminal,
            colour: colour_for(terminal),
            bar: Arc::default(),
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
            bar: Arc::default(),
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

    /// `text` in the SGR style `code`, if this stream is coloured.
    pub fn paint(&self, code: &str, text: &str) -> String {
        paint(self.colour, code, text)
    }

    fn write(&self, bytes: &[u8]) {
        let bar = self
            .bar
            .lock()
            .expect("not poisoned")
            .as_ref()
            .and_then(WeakProgressBar::upgrade)
            .filter(|b| !b.is_finished());
        match bar {
            Some(bar) => bar.suspend(|| self.write_now(bytes)),
            None => self.write_now(bytes),
        }
    }

    fn write_now(&self, bytes: &[u8]) {
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

    /// A message: `clerkctl: {text}`, on its own line, control characters escaped.
    pub fn say(&self, text: impl Display) {
        let text = text.to_string();
        self.write(format!("clerkctl: {}\n", escape_text(&text)).as_bytes());
    }

    /// A warning: `clerkctl: warning: {text}`, the word in yellow on a colour terminal.
    pub fn warn(&self, text: impl Display) {
        let text = text.to_string();
        self.write(
            format!(
                "clerkctl: {} {}\n",
                self.paint(style::YELLOW, "warning:"),
                escape_text(&text)
            )
            .as_bytes(),
        );
    }

    /// A line as it is, control characters escaped (a JSON error, a note under a table).
    pub fn line(&self, text: impl Display) {
        let text = text.to_string();
        self.write(format!("{}\n", escape_text(&text)).as_bytes());
    }

    /// Text already made safe and styled by the caller (an error with its colours): written
    /// as it is.
    pub fn styled(&self, text: &str) {
        self.write(text.as_bytes());
    }

    /// A question left open for the answer: `clerkctl: {text}`, no newline.
    pub fn ask(&self, text: impl Display) {
        let text = text.to_string();
        self.write(format!("clerkctl: {}", escape_text(&text)).as_bytes());
    }

    /// A progress bar for `len` items (a spinner when unknown), drawn on stderr when it is a
    /// terminal and hidden otherwise, so pipes and logs get no escape codes.
    pub fn progress(&self, len: Option<u64>, template: &str) -> ProgressBar {
        if !self.terminal || !matches!(self.sink, Sink::Process) {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(template).unwrap_or_else(|_| {
            if len.is_some() {
                ProgressStyle::default_bar()
            } else {
                ProgressStyle::default_spinner()
            }
        });
        // indicatif's own {per_sec} shows four decimals: a rate is a whole number here.
        let style = style.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}/s", rounded(state.per_sec()));
            },
        );
        bar.set_style(style);
        *self.bar.lock().expect("not poisoned") = Some(bar.downgrade());
        bar
    }
}

/// A number as people read it: whole above 10, one decimal below, thousands grouped
/// (`145,000`, `12`, `2.5`).
pub fn rounded(x: f64) -> String {
    if !x.is_finite() || x <= 0.0 {
        return "0".into();
    }
    if x < 10.0 {
        let s = format!("{x:.1}");
        return s.strip_suffix(".0").map(str::to_owned).unwrap_or(s);
    }
    let n = x.round() as u64;
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A duration as people read it: `0.4s`, `12s`, `3m05s`, `1h02m`.
pub fn duration(d: std::time::Duration) -> String {
    let s = d.as_secs_f64();
    if s < 10.0 {
        format!("{}s", rounded(s).replace(',', ""))
    } else if s < 60.0 {
        format!("{}s", s.round() as u64)
    } else if s < 3600.0 {
        let s = s.round() as u64;
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        let s = s.round() as u64;
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    }
}

impl Default for Stderr {
    fn default() -> Self {
        Stderr::new()
    }
}

/// `tracing`'s way to write: each log line goes through the same [`Stderr`], as the formatter
/// wrote it (the formatter escapes what it writes).
impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Stderr {
    type Writer = LogLine;

    fn make_writer(&'a self) -> LogLine {
        LogLine {
            err: self.clone(),
            escape: false,
            buf: Vec::new(),
        }
    }
}

/// A [`Stderr`] for log lines whose fields may hold anything: each line's control characters
/// are escaped before it is written.
#[derive(Debug, Clone)]
pub struct Escaped(pub Stderr);

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Escaped {
    type Writer = LogLine;

    fn make_writer(&'a self) -> LogLine {
        LogLine {
            err: self.0.clone(),
            escape: true,
            buf: Vec::new(),
        }
    }
}

/// One log event, written whole when it is done.
#[derive(Debug)]
pub struct LogLine {
    err: Stderr,
    escape: bool,
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
        if self.buf.is_empty() {
            return;
        }
        if self.escape {
            let text = String::from_utf8_lossy(&self.buf);
            self.err.write(escape_text(&text).as_bytes());
        } else {
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

    #[test]
    fn control_characters_are_shown_escaped() {
        let hostile = "Ada\x1b[2J\x1b]0;pwned\x07\x1b]8;;https://evil.test\x1b\\x\x1b]8;;\x1b\\\u{9b}31m\u{202e}";
        let shown = escape(hostile);
        assert!(!shown.chars().any(is_control), "{shown}");
        assert_eq!(
            shown,
            "Ada\\x1b[2J\\x1b]0;pwned\\x07\\x1b]8;;https://evil.test\\x1b\\x\\x1b]8;;\\x1b\\\\u{9b}31m\\u{202e}"
        );
        assert_eq!(escape("two\nlines\t"), "two\\nlines\\t");
        assert_eq!(escape_text("two\nlines\x1b"), "two\nlines\\x1b");
        assert!(matches!(escape("plain Ünïcode"), Cow::Borrowed(_)));

        let (err, said) = Stderr::buffer();
        err.say(format_args!("delete user {hostile}?"));
        err.warn("\x1b[31mred");
        assert!(!said.text().contains('\x1b'), "{:?}", said.text());
    }

    #[test]
    fn numbers_and_nouns_read_as_people_write_them() {
        assert_eq!(count(1u64, "row", "rows"), "1 row");
        assert_eq!(count(0u64, "row", "rows"), "0 rows");
        assert_eq!(count(2u64, "row", "rows"), "2 rows");
        assert_eq!(rounded(145_012.345_6), "145,012");
        assert_eq!(rounded(12.3456), "12");
        assert_eq!(rounded(2.5), "2.5");
        assert_eq!(rounded(3.0), "3");
        assert_eq!(rounded(1_000.0), "1,000");
        assert_eq!(rounded(f64::NAN), "0");
        use std::time::Duration;
        assert_eq!(duration(Duration::from_millis(400)), "0.4s");
        assert_eq!(duration(Duration::from_secs(12)), "12s");
        assert_eq!(duration(Duration::from_secs(185)), "3m05s");
        assert_eq!(duration(Duration::from_secs(3720)), "1h02m");
    }

    #[test]
    fn colour_follows_no_color_and_clicolor_force() {
        let with = |terminal: bool, vars: &[(&str, &str)]| {
            let vars: Vec<(String, String)> = vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            colour_with(terminal, |name| {
                vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
            })
        };
        let xterm = ("TERM", "xterm");
        assert!(with(true, &[xterm]));
        assert!(!with(false, &[xterm]));
        assert!(!with(true, &[]), "no TERM, no colour");
        assert!(!with(true, &[("TERM", "dumb")]));
        assert!(
            with(false, &[("CLICOLOR_FORCE", "1")]),
            "forced into a pipe"
        );
        assert!(!with(false, &[("CLICOLOR_FORCE", "0")]), "0 forces nothing");
        assert!(
            !with(true, &[xterm, ("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]),
            "NO_COLOR wins"
        );
        assert!(
            with(true, &[xterm, ("NO_COLOR", "")]),
            "an empty NO_COLOR is unset"
        );
        assert!(!with(true, &[xterm, ("CLICOLOR", "0")]));
    }
}
