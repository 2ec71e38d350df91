//! Writing results to stdout: tables for people, Clerk's JSON for programs, one object per line
//! for streams. `--fields` keeps only the fields asked for; `--jq` filters the JSON.
//!
//! Tables keep one line per row at any width: a column that may be cut (a name) is shortened
//! with `…`, one that may not (an ID, an email address, a time) is shown whole or, when even
//! then the row does not fit, left out with the least important columns first. On a terminal,
//! times read relative ("3 days ago") and status values are coloured; every cell has its
//! control characters escaped, since Clerk's data is written by anyone who can sign up.

use std::io::{BufWriter, IsTerminal, Stdout, Write};

use serde_json::Value;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::cli::{Format, Global};
use crate::fail::{CliResult, Fail, Hint, usage};
use crate::jq::{self, Jq};
use crate::term::{self, Stderr, escape, style};

/// What is being printed, which decides the table's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    User,
    Organization,
    Membership,
    OrganizationInvitation,
    Invitation,
    Session,
    JwtTemplate,
    Deleted,
    Count,
    /// Anything else (`clerkctl api`, dry runs): shown as JSON even in table mode.
    Raw,
}

impl Kind {
    /// The object's name, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Organization => "organization",
            Kind::Membership => "membership",
            Kind::OrganizationInvitation => "organization invitation",
            Kind::Invitation => "invitation",
            Kind::Session => "session",
            Kind::JwtTemplate => "JWT template",
            Kind::Deleted => "deleted object",
            Kind::Count => "count",
            Kind::Raw => "object",
        }
    }
}

/// What a cell shows, before it is laid out.
#[derive(Debug, Clone, PartialEq)]
enum Shown {
    Text(String),
    /// Unix milliseconds: relative on a terminal, else `2024-01-01 09:00 UTC`.
    Time(Option<i64>),
    /// A state (`active`, `banned`, `pending`), coloured by its value.
    Status(String),
}

type Extract = fn(&Value) -> Shown;

/// How a column gives way when a table is wider than the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// Whole or not at all: an ID, an email address or a time broken in two is worse than
    /// none.
    Whole,
    /// May be cut to this many characters (its header's width at least), ending in `…`.
    Cut(usize),
}

/// One of a kind's table columns.
struct ColumnDef {
    header: &'static str,
    extract: Extract,
    fit: Fit,
    /// When columns must go, the lowest goes first.
    keep: u8,
}

/// What a table column shows: one of the kind's columns, or a field asked for with `--fields`.
enum Column {
    Computed(Extract),
    Field(String),
}

/// How times are shown.
#[derive(Debug, Clone, Copy)]
struct Clock {
    /// "3 days ago" rather than the date (on a terminal).
    relative: bool,
    now_ms: i64,
}

pub struct Out {
    format: Format,
    fields: Option<Vec<String>>,
    /// `--jq`, compiled; its mistake, to report before anything is sent.
    jq: Option<Result<Jq, String>>,
    /// Whether `-o` (or `--jq`) chose the format, rather than the terminal.
    explicit: bool,
    /// Dry runs show the whole request.
    verbose: bool,
    pretty: bool,
    color: bool,
    terminal: bool,
    clock: Clock,
    /// The width tables must fit; `None` lays them out whatever their width.
    width: Option<u16>,
    w: BufWriter<Stdout>,
    /// For notes to the reader, which are not data.
    err: Stderr,
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Out")
            .field("format", &self.format)
            .field("fields", &self.fields)
            .finish()
    }
}

impl Out {
    pub fn new(global: &Global, err: Stderr) -> Out {
        let tty = std::io::stdout().is_terminal();
        let jq = global.jq.as_deref().map(Jq::compile);
        let format = match (global.output, &jq) {
            (Some(f), _) => f,
            (None, Some(_)) => Format::Json,
            (None, None) if tty => Format::Table,
            (None, None) => Format::Json,
        };
        let now_ms = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        Out {
            format,
            fields: global.fields.clone().map(|f| {
                f.into_iter()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            }),
            jq,
            explicit: global.output.is_some() || global.jq.is_some(),
            verbose: global.verbose,
            pretty: tty,
            color: term::colour_for(tty),
            terminal: tty,
            clock: Clock {
                relative: tty,
                now_ms: i64::try_from(now_ms).unwrap_or(i64::MAX),
            },
            width: if tty { terminal_width() } else { None },
            w: BufWriter::new(std::io::stdout()),
            err,
        }
    }

    /// What must hold before anything is sent: `--jq` compiles, and goes with JSON output.
    pub fn ready(&self) -> CliResult<()> {
        match &self.jq {
            Some(Err(e)) => Err(usage(format!("--jq: {e}")).with_hint(Hint::same(
                "fix the expression (jq's language: https://jqlang.org/manual/); quote it for the shell, e.g. --jq '.data[].id'",
            ))),
            Some(Ok(_)) if self.format == Format::Table => Err(usage(
                "--jq filters JSON: it cannot go with -o table",
            )
            .with_hint(Hint::same("drop -o table, or use -o json or -o ndjson with --jq")))
            ,
            _ => Ok(()),
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether errors should be JSON (on stderr): when JSON output was asked for, or stderr
    /// is no terminal.
    pub fn json_errors(&self) -> bool {
        let asked = if self.explicit && self.format != Format::Table {
            crate::fail::Requested::Json
        } else {
            crate::fail::Requested::Other
        };
        crate::fail::json_errors(asked, self.err.is_terminal())
    }

    /// Refuses `--fields` that no object of this kind has (exit 2, before anything is sent).
    pub fn check_fields(&self, kind: Kind) -> CliResult<()> {
        match (&self.fields, crate::fields::shape(kind)) {
            (Some(fields), Some(shape)) => crate::fields::check(kind.noun(), shape, fields),
            _ => Ok(()),
        }
    }

    fn project(&self, v: &Value) -> Value {
        match &self.fields {
            None => v.clone(),
            Some(fields) => project(v, fields),
        }
    }

    /// One JSON document, through `--jq` when given.
    fn json_line(&mut self, v: &Value) -> std::io::Result<()> {
        if let Some(Ok(jq)) = &self.jq {
            let results = jq.run(v).map_err(|e| std::io::Error::other(JqFailed(e)))?;
            for r in results {
                match r {
                    jq::Output::Text(t) => {
                        // A string printed raw on a terminal must not drive it.
                        if self.terminal {
                            writeln!(self.w, "{}", term::escape_text(&t))?;
                        } else {
                            writeln!(self.w, "{t}")?;
                        }
                    }
                    jq::Output::Json(v) => self.json_value(&v)?,
                }
            }
            return Ok(());
        }
        self.json_value(v)
    }

    fn json_value(&mut self, v: &Value) -> std::io::Result<()> {
        if self.pretty && self.format != Format::Ndjson {
            serde_json::to_writer_pretty(&mut self.w, v)?;
        } else {
            serde_json::to_writer(&mut self.w, v)?;
        }
        writeln!(self.w)
    }

    /// Prints a JSON document as it is (a bulk job's summary): `--fields` picks fields of
    /// Clerk's objects, not of this; `--jq` applies.
    pub fn request(&mut self, v: &Value) -> std::io::Result<()> {
        self.json_line(v)?;
        self.w.flush()
    }

    /// Prints the request a dry run would have sent (as `app::dry_request` shows it). On a
    /// terminal, in table mode, a short summary: `POST /v1/users` and the body on one line.
    pub fn dry_run(&mut self, v: &Value) -> std::io::Result<()> {
        if self.format == Format::Table && !self.verbose {
            let method = v.get("method").and_then(Value::as_str).unwrap_or("?");
            let path = v.get("path").and_then(Value::as_str).unwrap_or("?");
            writeln!(self.w, "{}", escape(&format!("{method} {path}")))?;
            if let Some(body) = v.get("body") {
                writeln!(self.w, "{body}")?;
            }
            self.w.flush()?;
            self.err.say("dry run: nothing was sent");
            return Ok(());
        }
        self.request(v)
    }

    /// Plain text for people (summaries in table mode).
    pub fn raw_text(&mut self, text: &str) -> std::io::Result<()> {
        writeln!(self.w, "{}", term::escape_text(text))?;
        self.w.flush()
    }

    /// One object.
    pub fn object(&mut self, kind: Kind, v: &Value) -> std::io::Result<()> {
        match self.format {
            Format::Json | Format::Ndjson => {
                let v = self.project(v);
                self.json_line(&v)?;
            }
            Format::Table => match kind {
                Kind::Raw => {
                    let v = self.project(v);
                    serde_json::to_writer_pretty(&mut self.w, &v)?;
                    writeln!(self.w)?;
                }
                Kind::Count if self.fields.is_none() => {
                    writeln!(self.w, "{}", v.get("total_count").unwrap_or(v))?;
                }
                _ => {
                    let rows: Vec<(String, Shown)> = match &self.fields {
                        Some(fields) => fields
                            .iter()
                            .map(|f| (f.clone(), field_cell(v, f)))
                            .collect(),
                        None => details(kind)
                            .iter()
                            .map(|(k, f)| ((*k).to_owned(), f(v)))
                            .collect(),
                    };
                    self.write_details(rows)?;
                }
            },
        }
        self.w.flush()
    }

    /// A key-value table: keys bold, long values wrapped at spaces onto the lines below
    /// (never inside a word: an ID or an address stays whole).
    fn write_details(&mut self, rows: Vec<(String, Shown)>) -> std::io::Result<()> {
        let keys: Vec<String> = rows.iter().map(|(k, _)| escape(k).into_owned()).collect();
        let key_width = keys.iter().map(|k| k.width()).max().unwrap_or(0);
        let room = self
            .width
            .map(|w| usize::from(w).saturating_sub(key_width + 2).max(20));
        for (key, (_, shown)) in keys.iter().zip(&rows) {
            let (text, code) = self.show(shown, true);
            let pad = " ".repeat(key_width - key.width());
            let key = term::paint(self.color, style::BOLD, key);
            let lines = match room {
                Some(room) => wrap(&text, room),
                None => vec![text],
            };
            for (i, line) in lines.iter().enumerate() {
                let line = match code {
                    Some(code) => term::paint(self.color, code, line),
                    None => line.clone(),
                };
                if i == 0 {
                    writeln!(self.w, "{key}{pad}  {line}")?;
                } else {
                    writeln!(self.w, "{}  {line}", " ".repeat(key_width))?;
                }
            }
        }
        Ok(())
    }

    /// A cell's text (escaped) and colour.
    fn show(&self, shown: &Shown, in_details: bool) -> (String, Option<&'static str>) {
        match shown {
            Shown::Text(t) => (escape(t).into_owned(), None),
            Shown::Status(t) => (escape(t).into_owned(), status_colour(t)),
            Shown::Time(None) => ("-".into(), None),
            Shown::Time(Some(ms)) => {
                let absolute = format_time(*ms);
                if !self.clock.relative {
                    (absolute, None)
                } else if in_details {
                    (
                        format!("{absolute} ({})", ago(*ms, self.clock.now_ms)),
                        None,
                    )
                } else {
                    (ago(*ms, self.clock.now_ms), None)
                }
            }
        }
    }

    /// A page of a list with its total (`None` when unknown).
    pub fn list(&mut self, kind: Kind, items: &[Value], total: Option<u64>) -> std::io::Result<()> {
        let mut list = self.list_writer(kind);
        for item in items {
            list.item(self, item)?;
        }
        list.end(self, total)
    }

    pub fn list_writer(&mut self, kind: Kind) -> ListWriter {
        ListWriter {
            kind,
            count: 0,
            rows: Vec::new(),
            buffered: Vec::new(),
        }
    }

    fn columns(&self, kind: Kind) -> Vec<(String, Column, Fit, u8)> {
        match &self.fields {
            Some(f) => {
                let n = f.len();
                f.iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let last = f.rsplit('.').next().unwrap_or(f);
                        let whole = last == "id"
                            || last.ends_with("_id")
                            || last.contains("email")
                            || last.ends_with("_at");
                        let fit = if whole { Fit::Whole } else { Fit::Cut(8) };
                        // The fields asked for first matter most.
                        let keep = u8::try_from(n - i).unwrap_or(u8::MAX);
                        (f.to_uppercase(), Column::Field(f.clone()), fit, keep)
                    })
                    .collect()
            }
            None => columns(kind)
                .iter()
                .map(|c| {
                    (
                        c.header.to_owned(),
                        Column::Computed(c.extract),
                        c.fit,
                        c.keep,
                    )
                })
                .collect(),
        }
    }

    /// Lays out and writes a table: one line per row, fitted to the width.
    fn write_table(&mut self, kind: Kind, rows: Vec<Vec<Shown>>) -> std::io::Result<()> {
        let columns = self.columns(kind);
        let headers: Vec<String> = columns.iter().map(|c| c.0.clone()).collect();
        let cells: Vec<Vec<(String, Option<&'static str>)>> = rows
            .iter()
            .map(|r| r.iter().map(|s| self.show(s, false)).collect())
            .collect();
        let fits: Vec<Fit> = columns.iter().map(|c| c.2).collect();
        let keeps: Vec<u8> = columns.iter().map(|c| c.3).collect();
        let texts: Vec<Vec<&str>> = cells
            .iter()
            .map(|r| r.iter().map(|(t, _)| t.as_str()).collect())
            .collect();
        let (shown, widths) = layout(&headers, &texts, &fits, &keeps, self.width.map(usize::from));
        let line = |w: &mut BufWriter<Stdout>, parts: Vec<(String, Option<&'static str>)>| {
            let mut out = String::new();
            let last = parts.len().saturating_sub(1);
            for (i, ((text, code), width)) in parts.into_iter().zip(&widths).enumerate() {
                if i > 0 {
                    out.push_str("  ");
                }
                let text = fit_to(&text, *width);
                let pad = if i == last {
                    String::new()
                } else {
                    " ".repeat(width.saturating_sub(text.width()))
                };
                match code {
                    Some(code) => out.push_str(&term::paint(self.color, code, &text)),
                    None => out.push_str(&text),
                }
                out.push_str(&pad);
            }
            writeln!(w, "{}", out.trim_end())
        };
        let header: Vec<(String, Option<&'static str>)> = shown
            .iter()
            .map(|&i| (headers[i].clone(), Some(style::BOLD)))
            .collect();
        line(&mut self.w, header)?;
        for row in cells {
            let parts = shown.iter().map(|&i| row[i].clone()).collect();
            line(&mut self.w, parts)?;
        }
        Ok(())
    }
}

/// A `--jq` expression that failed on the output (the request was sent: not a usage error).
#[derive(Debug)]
pub struct JqFailed(pub String);

impl std::fmt::Display for JqFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--jq: {}", self.0)
    }
}

impl std::error::Error for JqFailed {}

/// What an output error means: a `--jq` expression that failed on Clerk's answer is said so
/// (after the request was made: exit 1, not a usage error); a closed pipe ends quietly.
pub fn output_failed(e: std::io::Error) -> Fail {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<JqFailed>())
    {
        Some(jq) => Fail::Other(format!(
            "{jq} (the request was made; only the output failed)"
        ))
        .with_hint(Hint::same(
            "fix the expression and run the command again, or look at the answer without --jq",
        )),
        None => Fail::Other(e.to_string()),
    }
}

/// Writes a list item by item: JSON and ndjson stream (constant memory); tables, pretty JSON
/// and `--jq` (which filters the whole list) are laid out at the end.
pub struct ListWriter {
    kind: Kind,
    count: u64,
    rows: Vec<Vec<Shown>>,
    buffered: Vec<Value>,
}

impl ListWriter {
    pub fn item(&mut self, out: &mut Out, v: &Value) -> std::io::Result<()> {
        let first = self.count == 0;
        self.count += 1;
        let whole = out.pretty || out.jq.is_some();
        match out.format {
            Format::Ndjson => {
                let v = out.project(v);
                out.json_line(&v)?;
            }
            Format::Json if whole => self.buffered.push(out.project(v)),
            Format::Json => {
                out.w.write_all(if first { b"{\"data\":[" } else { b"," })?;
                let v = out.project(v);
                serde_json::to_writer(&mut out.w, &v)?;
            }
            Format::Table if self.kind == Kind::Raw => self.buffered.push(out.project(v)),
            Format::Table => {
                let row = out
                    .columns(self.kind)
                    .iter()
                    .map(|(_, column, _, _)| match column {
                        Column::Computed(e) => e(v),
                        Column::Field(path) => field_cell(v, path),
                    })
                    .collect();
                self.rows.push(row);
            }
        }
        Ok(())
    }

    /// Finishes the list; `total` defaults to the number of items written.
    pub fn end(self, out: &mut Out, total: Option<u64>) -> std::io::Result<()> {
        let total = total.unwrap_or(self.count);
        let whole = out.pretty || out.jq.is_some();
        match out.format {
            Format::Ndjson => {}
            Format::Json if whole => {
                let v = serde_json::json!({"data": self.buffered, "total_count": total});
                out.json_line(&v)?;
            }
            Format::Json => {
                if self.count == 0 {
                    out.w.write_all(b"{\"data\":[")?;
                }
                writeln!(out.w, "],\"total_count\":{total}}}")?;
            }
            Format::Table if self.kind == Kind::Raw => {
                let v = serde_json::json!({"data": self.buffered, "total_count": total});
                serde_json::to_writer_pretty(&mut out.w, &v)?;
                writeln!(out.w)?;
            }
            Format::Table => {
                if self.rows.is_empty() {
                    writeln!(out.w, "(none)")?;
                } else {
                    let count = self.count;
                    out.write_table(self.kind, self.rows)?;
                    if total > count {
                        // A note for the reader, not data: stderr, so `| wc -l` counts rows.
                        out.w.flush()?;
                        out.err.line(format_args!(
                            "{count} of {total} shown; use --offset, --limit or --all for more"
                        ));
                    }
                }
            }
        }
        out.w.flush()
    }
}

/// Which columns a table shows, and how wide each is: the columns, most important first, that
/// fit at their narrowest (a column that may be cut at its minimum, one that may not at its
/// widest cell); then the columns that may be cut are widened back as far as the width allows
/// (the widest given up first). A column that may not be cut is never narrower than its
/// widest cell; the most important column is always shown.
fn layout(
    headers: &[String],
    rows: &[Vec<&str>],
    fits: &[Fit],
    keeps: &[u8],
    width: Option<usize>,
) -> (Vec<usize>, Vec<usize>) {
    let natural: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].width())
                .chain([headers[i].width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let all: Vec<usize> = (0..headers.len()).collect();
    let Some(width) = width else {
        let widths = all.iter().map(|&i| natural[i]).collect();
        return (all, widths);
    };
    let total = |ws: &[usize]| ws.iter().sum::<usize>() + 2 * ws.len().saturating_sub(1);
    let floor = |i: usize| match fits[i] {
        Fit::Whole => natural[i],
        Fit::Cut(min) => natural[i].min(min.max(headers[i].width())),
    };
    // The columns by importance: each is taken if it fits (at its narrowest) beside those
    // already taken, so that a wide column that cannot fit does not take the narrower ones
    // after it down with it.
    let mut by_importance = all.clone();
    by_importance.sort_by_key(|&i| (std::cmp::Reverse(keeps[i]), i));
    let mut shown: Vec<usize> = Vec::new();
    for i in by_importance {
        let mut floors: Vec<usize> = shown.iter().map(|&j| floor(j)).collect();
        floors.push(floor(i));
        if shown.is_empty() || total(&floors) <= width {
            shown.push(i);
        }
    }
    shown.sort_unstable();
    let floors: Vec<usize> = shown.iter().map(|&i| floor(i)).collect();
    let mut widths: Vec<usize> = shown.iter().map(|&i| natural[i]).collect();
    while total(&widths) > width {
        // The widest column that can still give a character.
        let Some(j) = (0..widths.len())
            .filter(|&j| widths[j] > floors[j])
            .max_by_key(|&j| (widths[j], std::cmp::Reverse(j)))
        else {
            break;
        };
        widths[j] -= 1;
    }
    if shown.len() == 1 && widths[0] > width && matches!(fits[shown[0]], Fit::Cut(_)) {
        widths[0] = width.max(1);
    }
    (shown, widths)
}

/// `text` in at most `width` columns: as it is, or cut with `…`.
fn fit_to(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` broken at spaces into lines of at most `room` columns; a word longer than that
/// stays whole on its own line.
fn wrap(text: &str, room: usize) -> Vec<String> {
    if text.width() <= room {
        return vec![text.to_owned()];
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.width() + 1 + word.width() > room {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// The colour of a state: green for what works, red for what is blocked, yellow for what
/// waits or is held, dim for what is over.
fn status_colour(status: &str) -> Option<&'static str> {
    Some(match status {
        "active" | "accepted" => style::GREEN,
        "banned" | "banned, locked" => style::RED,
        "locked" | "pending" => style::YELLOW,
        "revoked" | "expired" => style::DIM,
        _ => return None,
    })
}

/// How long ago (or from now) `ms` is, as people say it: `just now`, `5 minutes ago`,
/// `3 days ago`, `in 29 days`, `2 years ago`.
fn ago(ms: i64, now_ms: i64) -> String {
    let diff = now_ms.saturating_sub(ms);
    let secs = diff.unsigned_abs() / 1000;
    let (n, unit) = match secs {
        0..60 => return "just now".into(),
        60..3_600 => (secs / 60, "minute"),
        3_600..86_400 => (secs / 3_600, "hour"),
        86_400..2_592_000 => (secs / 86_400, "day"),
        2_592_000..31_536_000 => (secs / 2_592_000, "month"),
        _ => (secs / 31_536_000, "year"),
    };
    let amount = term::count(n, unit, &format!("{unit}s"));
    if diff >= 0 {
        format!("{amount} ago")
    } else {
        format!("in {amount}")
    }
}

/// The width tables must fit on a terminal: `COLUMNS` when set, else the terminal's own. A
/// terminal that does not know its size (a pseudo-terminal with none set says 0 columns) gets
/// tables laid out whatever their width rather than columns squeezed to one character.
fn terminal_width() -> Option<u16> {
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok());
    from_env
        .or_else(|| terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| w.0))
        .filter(|w| *w >= MIN_TABLE_WIDTH)
}

/// Narrower than this, fitting makes tables unreadable: lay them out whatever their width.
const MIN_TABLE_WIDTH: u16 = 20;

/// A `--fields` path as a cell: a time when it names one (`created_at`), else its value.
fn field_cell(v: &Value, path: &str) -> Shown {
    let value = lookup(v, path);
    match (&value, path.rsplit('.').next()) {
        (Value::Number(n), Some(last)) if last.ends_with("_at") && n.is_i64() => {
            Shown::Time(n.as_i64())
        }
        _ => Shown::Text(cell(Some(&value))),
    }
}

/// Keeps only `fields`; missing fields read as null. Dots reach inside objects
/// (`public_metadata.plan`) and across arrays (`email_addresses.email_address` keeps that field
/// of every address; `email_addresses.0` keeps the first). An array (`clerkctl api GET /users`)
/// keeps them in each item, and a list envelope (`{"data": [...], "total_count": N}`) in each
/// item of `data`.
pub fn project(v: &Value, fields: &[String]) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(|i| project(i, fields)).collect()),
        Value::Object(m)
            if m.get("data").is_some_and(Value::is_array) && m.contains_key("total_count") =>
        {
            let mut m = m.clone();
            if let Some(data) = m.get_mut("data") {
                *data = project(data, fields);
            }
            Value::Object(m)
        }
        Value::Object(_) => pick(v, &Paths::of(fields)),
        _ => v.clone(),
    }
}

/// Dotted paths as a tree, in the order given: `id`, `public_metadata.plan` is
/// `{id, public_metadata: {plan}}`.
#[derive(Debug, Default)]
struct Paths {
    /// The whole value is wanted.
    whole: bool,
    children: Vec<(String, Paths)>,
}

impl Paths {
    fn of(fields: &[String]) -> Paths {
        let mut root = Paths::default();
        for f in fields {
            let mut node = &mut root;
            for part in f.split('.') {
                let i = match node.children.iter().position(|(k, _)| k == part) {
                    Some(i) => i,
                    None => {
                        node.children.push((part.to_owned(), Paths::default()));
                        node.children.len() - 1
                    }
                };
                node = &mut node.children[i].1;
            }
            node.whole = true;
        }
        root
    }
}

fn pick(v: &Value, paths: &Paths) -> Value {
    if paths.whole {
        return v.clone();
    }
    match v {
        Value::Object(m) => Value::Object(
            paths
                .children
                .iter()
                .map(|(k, sub)| (k.clone(), m.get(k).map_or(Value::Null, |x| pick(x, sub))))
                .collect(),
        ),
        Value::Array(items) => {
            let indices: Option<Vec<usize>> =
                paths.children.iter().map(|(k, _)| k.parse().ok()).collect();
            match indices {
                Some(indices) => Value::Array(
                    indices
                        .iter()
                        .zip(&paths.children)
                        .filter_map(|(i, (_, sub))| items.get(*i).map(|x| pick(x, sub)))
                        .collect(),
                ),
                None => Value::Array(items.iter().map(|x| pick(x, paths)).collect()),
            }
        }
        _ => Value::Null,
    }
}

/// The value at a dotted path, reaching across arrays as [`project`] does.
fn lookup(v: &Value, path: &str) -> Value {
    fn at(v: &Value, parts: &[&str]) -> Value {
        let Some((first, rest)) = parts.split_first() else {
            return v.clone();
        };
        match v {
            Value::Object(m) => m.get(*first).map_or(Value::Null, |x| at(x, rest)),
            Value::Array(items) => match first.parse::<usize>() {
                Ok(i) => items.get(i).map_or(Value::Null, |x| at(x, rest)),
                Err(_) => Value::Array(items.iter().map(|x| at(x, parts)).collect()),
            },
            _ => Value::Null,
        }
    }
    let parts: Vec<&str> = path.split('.').collect();
    at(v, &parts)
}

/// A value as a table cell: strings bare, a list of strings comma-separated, the rest compact
/// JSON.
fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "-".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(Value::is_string) => {
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        }
        Some(other) => other.to_string(),
    }
}

fn text(v: &Value, key: &str) -> Shown {
    Shown::Text(cell(v.get(key)))
}

fn at(v: &Value, key: &str) -> Shown {
    Shown::Time(v.get(key).and_then(Value::as_i64))
}

/// Unix milliseconds as `2026-11-26 06:10 UTC`.
fn format_time(ms: i64) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) else {
        return ms.to_string();
    };
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.format(&fmt).unwrap_or_else(|_| ms.to_string())
}

/// A user's (or a member's) first and last name, or `-`.
pub fn name(v: &Value) -> String {
    let parts: Vec<&str> = ["first_name", "last_name"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_str))
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(" ")
    }
}

/// A user's primary email address (or first one), or `-`.
pub fn primary_email(v: &Value) -> String {
    let primary = v.get("primary_email_address_id").and_then(Value::as_str);
    let emails = v.get("email_addresses").and_then(Value::as_array);
    emails
        .and_then(|es| {
            es.iter()
                .find(|e| e.get("id").and_then(Value::as_str) == primary && primary.is_some())
                .or_else(|| es.first())
        })
        .and_then(|e| e.get("email_address").and_then(Value::as_str))
        .unwrap_or("-")
        .to_owned()
}

fn all_of(v: &Value, list: &str, field: &str) -> Shown {
    let items: Vec<&str> = v
        .get(list)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|e| e.get(field).and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    Shown::Text(if items.is_empty() {
        "-".into()
    } else {
        items.join(", ")
    })
}

fn user_status(v: &Value) -> Shown {
    let flag = |k| v.get(k).and_then(Value::as_bool).unwrap_or(false);
    Shown::Status(
        match (flag("banned"), flag("locked")) {
            (true, true) => "banned, locked",
            (true, false) => "banned",
            (false, true) => "locked",
            (false, false) => "active",
        }
        .into(),
    )
}

fn compact(v: &Value, key: &str) -> Shown {
    Shown::Text(match v.get(key) {
        Some(Value::Object(m)) if m.is_empty() => "{}".into(),
        other => cell(other),
    })
}

fn member_user<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.get("public_user_data").and_then(|u| u.get(key))
}

fn columns(kind: Kind) -> &'static [ColumnDef] {
    const fn col(header: &'static str, extract: Extract, fit: Fit, keep: u8) -> ColumnDef {
        ColumnDef {
            header,
            extract,
            fit,
            keep,
        }
    }
    use Fit::{Cut, Whole};
    match kind {
        Kind::User => {
            const {
                &[
                    col("ID", |v| text(v, "id"), Whole, 9),
                    col("NAME", |v| Shown::Text(name(v)), Cut(6), 6),
                    col("EMAIL", |v| Shown::Text(primary_email(v)), Whole, 8),
                    col("USERNAME", |v| text(v, "username"), Cut(8), 3),
                    col("STATUS", user_status, Whole, 5),
                    col("CREATED", |v| at(v, "created_at"), Whole, 2),
                ]
            }
        }
        Kind::Organization => {
            const {
                &[
                    col("ID", |v| text(v, "id"), Whole, 9),
                    col("NAME", |v| text(v, "name"), Cut(10), 8),
                    col("SLUG", |v| text(v, "slug"), Cut(8), 6),
                    col("MEMBERS", |v| text(v, "members_count"), Whole, 4),
                    col("CREATED", |v| at(v, "created_at"), Whole, 2),
                ]
            }
        }
        Kind::Membership => {
            const {
                &[
                    col(
                        "USER ID",
                        |v| Shown::Text(cell(member_user(v, "user_id"))),
                        Whole,
                        9,
                    ),
                    col(
                        "IDENTIFIER",
                        |v| Shown::Text(cell(member_user(v, "identifier"))),
                        Whole,
                        8,
                    ),
                    col(
                        "NAME",
                        |v| Shown::Text(v.get("public_user_data").map_or("-".into(), name)),
                        Cut(10),
                        5,
                    ),
                    col("ROLE", |v| text(v, "role"), Whole, 7),
                    col(
                        "ORGANIZATION",
                        |v| Shown::Text(cell(v.get("organization").and_then(|o| o.get("slug")))),
                        Cut(8),
                        3,
                    ),
                    col("JOINED", |v| at(v, "created_at"), Whole, 2),
                ]
            }
        }
        Kind::OrganizationInvitation => {
            const {
                &[
                    col("ID", |v| text(v, "id"), Whole, 9),
                    col("EMAIL", |v| text(v, "email_address"), Whole, 8),
                    col("ROLE", |v| text(v, "role"), Whole, 6),
                    col("STATUS", |v| Shown::Status(cell(v.get("status"))), Whole, 7),
                    col("ORGANIZATION", |v| text(v, "organization_id"), Whole, 3),
                    col("EXPIRES", |v| at(v, "expires_at"), Whole, 4),
                    col("CREATED", |v| at(v, "created_at"), Whole, 2),
                ]
            }
        }
        Kind::Invitation => {
            const {
                &[
                    col("ID", |v| text(v, "id"), Whole, 9),
                    col("EMAIL", |v| text(v, "email_address"), Whole, 8),
                    col("STATUS", |v| Shown::Status(cell(v.get("status"))), Whole, 7),
                    col("EXPIRES", |v| at(v, "expires_at"), Whole, 4),
                    col("CREATED", |v| at(v, "created_at"), Whole, 2),
                ]
            }
        }
        Kind::Session => {
            const {
                &[
                    col("ID", |v| text(v, "id"), Whole, 9),
                    col("USER ID", |v| text(v, "user_id"), Whole, 8),
                    col("STATUS", |v| Shown::Status(cell(v.get("status"))), Whole, 7),
                    col(
                        "ORGANIZATION",
                        |v| text(v, "last_active_organization_id"),
                        Whole,
                        3,
                    ),
                    col("LAST ACTIVE", |v| at(v, "last_active_at"), Whole, 4),
                    col("EXPIRES", |v| at(v, "expire_at"), Whole, 2),
                ]
            }
        }
        Kind::JwtTemplate => {
            const {
                &[
                    col("ID", |v| text(v, "id"), Whole, 9),
                    col("NAME", |v| text(v, "name"), Cut(10), 8),
                    col("LIFETIME", |v| text(v, "lifetime"), Whole, 6),
                    col("CLOCK SKEW", |v| text(v, "allowed_clock_skew"), Whole, 4),
                    col("CUSTOM KEY", |v| text(v, "custom_signing_key"), Whole, 3),
                    col("CREATED", |v| at(v, "created_at"), Whole, 2),
                ]
            }
        }
        Kind::Deleted => {
            const {
                &[
                    col("OBJECT", |v| text(v, "object"), Whole, 5),
                    col("ID", |v| text(v, "id"), Whole, 9),
                    col("DELETED", |v| text(v, "deleted"), Whole, 7),
                ]
            }
        }
        Kind::Count => const { &[col("TOTAL", |v| text(v, "total_count"), Whole, 9)] },
        Kind::Raw => &[],
    }
}

fn details(kind: Kind) -> &'static [(&'static str, Extract)] {
    match kind {
        Kind::User => &[
            ("id", |v| text(v, "id")),
            ("name", |v| Shown::Text(name(v))),
            ("emails", |v| all_of(v, "email_addresses", "email_address")),
            ("phones", |v| all_of(v, "phone_numbers", "phone_number")),
            ("username", |v| text(v, "username")),
            ("external_id", |v| text(v, "external_id")),
            ("status", user_status),
            ("created", |v| at(v, "created_at")),
            ("updated", |v| at(v, "updated_at")),
            ("last sign-in", |v| at(v, "last_sign_in_at")),
            ("last active", |v| at(v, "last_active_at")),
            ("public_metadata", |v| compact(v, "public_metadata")),
            ("private_metadata", |v| compact(v, "private_metadata")),
            ("unsafe_metadata", |v| compact(v, "unsafe_metadata")),
        ],
        Kind::Organization => &[
            ("id", |v| text(v, "id")),
            ("name", |v| text(v, "name")),
            ("slug", |v| text(v, "slug")),
            ("members", |v| text(v, "members_count")),
            ("pending invitations", |v| {
                text(v, "pending_invitations_count")
            }),
            ("max memberships", |v| text(v, "max_allowed_memberships")),
            ("created by", |v| text(v, "created_by")),
            ("created", |v| at(v, "created_at")),
            ("updated", |v| at(v, "updated_at")),
            ("public_metadata", |v| compact(v, "public_metadata")),
            ("private_metadata", |v| compact(v, "private_metadata")),
        ],
        Kind::Membership => &[
            ("id", |v| text(v, "id")),
            ("organization", |v| {
                let o = v.get("organization");
                Shown::Text(format!(
                    "{} ({})",
                    cell(o.and_then(|o| o.get("name"))),
                    cell(o.and_then(|o| o.get("id")))
                ))
            }),
            ("user", |v| Shown::Text(cell(member_user(v, "user_id")))),
            ("identifier", |v| {
                Shown::Text(cell(member_user(v, "identifier")))
            }),
            ("name", |v| {
                Shown::Text(v.get("public_user_data").map_or("-".into(), name))
            }),
            ("role", |v| text(v, "role")),
            ("permissions", |v| {
                Shown::Text(
                    v.get("permissions")
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(Value::as_str)
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_else(|| "-".into()),
                )
            }),
            ("joined", |v| at(v, "created_at")),
            ("public_metadata", |v| compact(v, "public_metadata")),
            ("private_metadata", |v| compact(v, "private_metadata")),
        ],
        Kind::OrganizationInvitation => &[
            ("id", |v| text(v, "id")),
            ("organization", |v| text(v, "organization_id")),
            ("email", |v| text(v, "email_address")),
            ("role", |v| text(v, "role")),
            ("status", |v| Shown::Status(cell(v.get("status")))),
            ("inviter", |v| text(v, "inviter_id")),
            ("expires", |v| at(v, "expires_at")),
            ("created", |v| at(v, "created_at")),
            ("url", |v| text(v, "url")),
            ("public_metadata", |v| compact(v, "public_metadata")),
        ],
        Kind::Invitation => &[
            ("id", |v| text(v, "id")),
            ("email", |v| text(v, "email_address")),
            ("status", |v| Shown::Status(cell(v.get("status")))),
            ("expires", |v| at(v, "expires_at")),
            ("created", |v| at(v, "created_at")),
            ("url", |v| text(v, "url")),
            ("public_metadata", |v| compact(v, "public_metadata")),
        ],
        Kind::Session => &[
            ("id", |v| text(v, "id")),
            ("user", |v| text(v, "user_id")),
            ("client", |v| text(v, "client_id")),
            ("status", |v| Shown::Status(cell(v.get("status")))),
            ("organization", |v| text(v, "last_active_organization_id")),
            ("last active", |v| at(v, "last_active_at")),
            ("expires", |v| at(v, "expire_at")),
            ("abandoned at", |v| at(v, "abandon_at")),
            ("created", |v| at(v, "created_at")),
        ],
        Kind::JwtTemplate => &[
            ("id", |v| text(v, "id")),
            ("name", |v| text(v, "name")),
            ("claims", |v| compact(v, "claims")),
            ("lifetime", |v| text(v, "lifetime")),
            ("clock skew", |v| text(v, "allowed_clock_skew")),
            ("custom key", |v| text(v, "custom_signing_key")),
            ("algorithm", |v| text(v, "signing_algorithm")),
            ("created", |v| at(v, "created_at")),
            ("updated", |v| at(v, "updated_at")),
        ],
        Kind::Deleted => &[
            ("object", |v| text(v, "object")),
            ("id", |v| text(v, "id")),
            ("deleted", |v| text(v, "deleted")),
        ],
        Kind::Count | Kind::Raw => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_keep_only_what_was_asked() {
        let v = json!({"id": "user_1", "first_name": "Ada", "public_metadata": {"plan": "pro", "x": 1}});
        let p = project(
            &v,
            &["id".into(), "public_metadata.plan".into(), "missing".into()],
        );
        assert_eq!(
            p,
            json!({"id": "user_1", "public_metadata": {"plan": "pro"}, "missing": null})
        );
    }

    #[test]
    fn fields_reach_across_arrays() {
        let v = json!({"id": "user_1", "email_addresses": [
            {"id": "idn_1", "email_address": "a@x.co"},
            {"id": "idn_2", "email_address": "b@x.co"},
        ]});
        let fields = |f: &[&str]| f.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            project(&v, &fields(&["email_addresses.email_address"])),
            json!({"email_addresses": [{"email_address": "a@x.co"}, {"email_address": "b@x.co"}]})
        );
        assert_eq!(
            project(&v, &fields(&["email_addresses.1.id", "id.nope"])),
            json!({"email_addresses": [{"id": "idn_2"}], "id": null})
        );
        assert_eq!(
            cell(Some(&lookup(&v, "email_addresses.email_address"))),
            "a@x.co, b@x.co"
        );
        assert_eq!(cell(Some(&lookup(&v, "email_addresses.5.id"))), "-");
    }

    #[test]
    fn fields_reach_into_arrays_and_list_envelopes() {
        let fields = ["id".to_owned()];
        assert_eq!(
            project(
                &json!([{"id": "user_1", "x": 1}, {"id": "user_2"}]),
                &fields
            ),
            json!([{"id": "user_1"}, {"id": "user_2"}])
        );
        assert_eq!(
            project(
                &json!({"data": [{"id": "org_1", "name": "A"}], "total_count": 3}),
                &fields
            ),
            json!({"data": [{"id": "org_1"}], "total_count": 3})
        );
        assert_eq!(
            project(&json!({"id": "x", "data": [1]}), &fields),
            json!({"id": "x"}),
            "an object with a data field but no total_count is not a list"
        );
    }

    #[test]
    fn times_are_readable() {
        assert_eq!(format_time(1_350_717_320_902), "2012-10-20 07:15 UTC");
        assert_eq!(at(&json!({}), "t"), Shown::Time(None));
        let now = 1_700_000_000_000;
        let day = 86_400_000;
        assert_eq!(ago(now - 5_000, now), "just now");
        assert_eq!(ago(now - 60_000, now), "1 minute ago");
        assert_eq!(ago(now - 3 * day, now), "3 days ago");
        assert_eq!(ago(now + 29 * day + 1_000, now), "in 29 days");
        assert_eq!(ago(now - 400 * day, now), "1 year ago");
        assert_eq!(ago(now - 800 * day, now), "2 years ago");
    }

    fn laid_out(width: Option<usize>) -> (Vec<usize>, Vec<usize>) {
        let headers: Vec<String> = ["ID", "NAME", "EMAIL", "USERNAME", "STATUS", "CREATED"]
            .iter()
            .map(|h| (*h).to_owned())
            .collect();
        let rows = vec![vec![
            "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk",
            "Ada Augusta Lovelace",
            "ada.lovelace@analytical-engines.test",
            "ada_lovelace",
            "active",
            "2 years ago",
        ]];
        let fits = [
            Fit::Whole,
            Fit::Cut(6),
            Fit::Whole,
            Fit::Cut(8),
            Fit::Whole,
            Fit::Whole,
        ];
        layout(&headers, &rows, &fits, &[9, 6, 8, 3, 5, 2], width)
    }

    #[test]
    fn tables_cut_names_then_leave_out_the_least_important_columns() {
        // Wide enough: everything at its natural width.
        let (shown, widths) = laid_out(Some(200));
        assert_eq!(shown, [0, 1, 2, 3, 4, 5]);
        assert_eq!(widths, [32, 20, 36, 12, 6, 11]);
        // 120: the name and username are cut before anything goes.
        let (shown, widths) = laid_out(Some(120));
        assert_eq!(shown, [0, 1, 2, 3, 4, 5]);
        assert!(widths.iter().sum::<usize>() + 10 <= 120, "{widths:?}");
        assert_eq!((widths[0], widths[2], widths[5]), (32, 36, 11), "whole");
        // 80: the least important columns go; the ID and the address stay whole.
        let (shown, widths) = laid_out(Some(80));
        assert!(shown.starts_with(&[0, 1, 2]), "{shown:?}");
        assert!(!shown.contains(&5) && !shown.contains(&3), "{shown:?}");
        assert!(widths.iter().sum::<usize>() + 2 * (widths.len() - 1) <= 80);
        assert_eq!((widths[0], widths[2]), (32, 36));
        // Narrower than the ID and the address together: the address goes, and what still
        // fits beside the ID stays.
        let (shown, widths) = laid_out(Some(40));
        assert_eq!(shown, [0, 1]);
        assert_eq!(widths, [32, 6]);
        // No width (not a terminal): nothing is cut.
        assert_eq!(laid_out(None).0.len(), 6);
    }

    #[test]
    fn cut_text_ends_in_an_ellipsis_and_wrapped_text_keeps_words_whole() {
        assert_eq!(fit_to("Ada Augusta Lovelace", 10), "Ada Augus…");
        assert_eq!(fit_to("Ada", 10), "Ada");
        assert_eq!(fit_to("日本語の名前", 7), "日本語…");
        assert_eq!(
            wrap("one two three user_2xhFjEI5X2qWRvtV13BzSj8H6Dk", 10),
            ["one two", "three", "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk"]
        );
    }
}
