//! Reading a bulk job's input: CSV with a header of Clerk field names, or ndjson. Each row is
//! the body of Clerk's create request; a row that cannot be read is reported with its line.

use std::cell::Cell as Shared;
use std::io::{BufRead, Read};
use std::path::Path;
use std::rc::Rc;

use serde_json::{Map, Value};

use crate::cli::FileFormat;
use crate::fail::{CliResult, usage};

pub use crate::ops::Cell;

/// A row read from the input.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    pub body: Map<String, Value>,
}

/// A row that could not be read.
#[derive(Debug, Clone)]
pub struct BadRow {
    pub line: usize,
    pub reason: String,
}

pub fn format_of(path: &Path, given: Option<FileFormat>) -> CliResult<FileFormat> {
    file_format(Some(path), given)
}

/// The format of a file read or written: from its extension (`.csv`; `.ndjson`, `.jsonl`,
/// `.json`), or `given` (`--format`). Both, disagreeing, are refused: a `.csv` file holding
/// ndjson is a wrong file that a later reader trusts. Without a file (stdin, stdout, `-`),
/// `given` or ndjson.
pub fn file_format(path: Option<&Path>, given: Option<FileFormat>) -> CliResult<FileFormat> {
    let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
        return Ok(given.unwrap_or(FileFormat::Ndjson));
    };
    if path.is_dir() {
        // Not a file at all: the file module refuses it, saying so.
        return Ok(given.unwrap_or(FileFormat::Ndjson));
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase);
    let by_name = format_by_name(path);
    let name = |f: FileFormat| match f {
        FileFormat::Csv => "csv",
        FileFormat::Ndjson => "ndjson",
    };
    match (by_name, given) {
        (Some(n), Some(g)) if n != g => Err(usage(format!(
            "--format {} does not match the name {} (a .{} file is {}): rename the file or leave --format out",
            name(g),
            path.display(),
            ext.unwrap_or_default(),
            name(n)
        ))),
        (Some(n), _) => Ok(n),
        (None, Some(g)) => Ok(g),
        (None, None) => Err(usage(format!(
            "cannot tell the format of {} from its name: name it .csv or .ndjson, or pass --format csv or --format ndjson",
            path.display()
        ))),
    }
}

/// The format a file's extension names, if it names one.
pub fn format_by_name(path: &Path) -> Option<FileFormat> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .as_deref()
    {
        Some("csv") => Some(FileFormat::Csv),
        Some("ndjson" | "jsonl" | "json") => Some(FileFormat::Ndjson),
        _ => None,
    }
}

/// The fields a job's rows may hold (Clerk's names), those a file must have (one of each
/// group), those of the project's own exports that a row may carry and that are dropped
/// (read-only in Clerk), and how the export's shape becomes a row (`from_export`).
pub struct Shape {
    pub known: &'static [&'static str],
    pub needs: &'static [&'static [&'static str]],
    pub dropped: &'static [&'static str],
    pub from_export: fn(&mut Map<String, Value>),
}

/// What people call Clerk's fields in their spreadsheets.
const ALIASES: &[(&str, &str)] = &[
    ("email", "email_address"),
    ("e_mail", "email_address"),
    ("mail", "email_address"),
    ("email_address", "email_address"),
    ("emailaddress", "email_address"),
    ("phone", "phone_number"),
    ("phonenumber", "phone_number"),
    ("firstname", "first_name"),
    ("given_name", "first_name"),
    ("lastname", "last_name"),
    ("surname", "last_name"),
    ("family_name", "last_name"),
    ("userid", "user_id"),
    ("user", "user_id"),
    ("externalid", "external_id"),
];

/// A header as Clerk names its field: case, spaces and hyphens do not matter, and common
/// names (`Email Address`, `E-mail`, `First Name`) are known.
pub fn canonical(header: &str) -> String {
    let name: String = header
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    ALIASES
        .iter()
        .find(|(a, _)| *a == name)
        .map_or(name, |(_, to)| (*to).to_owned())
}

impl Shape {
    /// Every field a row may carry, known or dropped.
    fn accepts(&self, field: &str) -> bool {
        self.known.contains(&field) || self.dropped.contains(&field)
    }

    /// Checks the fields a file gives (a CSV header, or the keys of every ndjson row): unknown
    /// ones, and missing required ones, stop the job before anything is sent, named.
    pub fn check_fields<'a>(
        &self,
        fields: impl IntoIterator<Item = &'a str> + Clone,
    ) -> CliResult<()> {
        let unknown: Vec<&str> = fields
            .clone()
            .into_iter()
            .filter(|f| !f.is_empty() && !self.accepts(f))
            .collect();
        if !unknown.is_empty() {
            return Err(usage(format!(
                "unknown column{} {}: this job takes {}; rename or remove {}",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", "),
                self.known.join(", "),
                if unknown.len() == 1 { "it" } else { "them" }
            )));
        }
        let given: Vec<&str> = fields.into_iter().collect();
        for group in self.needs {
            if !group.iter().any(|f| given.contains(f)) {
                return Err(usage(format!(
                    "missing column: the file needs {}",
                    if group.len() == 1 {
                        group[0].to_owned()
                    } else {
                        format!("one of {}", group.join(", "))
                    }
                )));
            }
        }
        Ok(())
    }

    /// A row from ndjson or an MCP call: keys made canonical, the export's shape turned into
    /// a row, dropped fields removed.
    pub fn normalize(&self, body: &mut Map<String, Value>) {
        let keys: Vec<String> = body.keys().cloned().collect();
        for k in keys {
            let c = canonical(&k);
            if c != k
                && !body.contains_key(&c)
                && let Some(v) = body.remove(&k)
            {
                body.insert(c, v);
            }
        }
        (self.from_export)(body);
    }

    /// Drops the fields Clerk would refuse (an export's read-only ones).
    pub fn strip(&self, body: &mut Map<String, Value>) {
        body.retain(|k, _| !self.dropped.contains(&k.as_str()));
    }
}

/// Reads every row (`-` is stdin), checked against the job's `shape` before any is sent:
/// unknown or missing columns stop here.
pub fn read(
    path: &Path,
    format: FileFormat,
    cell: fn(&str) -> Cell,
    shape: &Shape,
) -> CliResult<(Vec<Row>, Vec<BadRow>)> {
    let input: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(path)
                .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?,
        )
    };
    parse(input, format, cell, shape)
}

/// Reads every row of `input`, as [`read`] does.
pub fn parse(
    input: Box<dyn Read>,
    format: FileFormat,
    cell: fn(&str) -> Cell,
    shape: &Shape,
) -> CliResult<(Vec<Row>, Vec<BadRow>)> {
    let (mut rows, bad) = match format {
        FileFormat::Ndjson => read_ndjson(input)?,
        FileFormat::Csv => read_csv(input, cell, shape)?,
    };
    if format == FileFormat::Ndjson {
        shape_rows(&mut rows, shape)?;
    } else {
        for r in &mut rows {
            (shape.from_export)(&mut r.body);
            shape.strip(&mut r.body);
        }
    }
    Ok((rows, bad))
}

/// Rows given as JSON objects (ndjson, an MCP call's rows): keys made canonical, the fields
/// checked across all rows, an export's shape turned into rows.
pub fn shape_rows(rows: &mut [Row], shape: &Shape) -> CliResult<()> {
    for r in rows.iter_mut() {
        shape.normalize(&mut r.body);
    }
    let mut fields: Vec<&str> = Vec::new();
    for r in rows.iter() {
        for k in r.body.keys() {
            if !fields.contains(&k.as_str()) {
                fields.push(k);
            }
        }
    }
    // Each row must have a required field; a missing one is the row's failure, said by the job.
    let unknown_only = Shape {
        needs: &[],
        ..*shape
    };
    unknown_only.check_fields(fields.iter().copied())?;
    for r in rows.iter_mut() {
        shape.strip(&mut r.body);
    }
    Ok(())
}

/// The characters that make a spreadsheet read a cell as a formula (OWASP's list).
const FORMULA_START: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Whether `cell`, after any leading `'`, starts like a formula.
fn formula_like(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// A cell as exports write it: one that a spreadsheet would run as a formula
/// (`=cmd|' /c calc'!A1`, `+1+1`, `@SUM(...)`) gets a leading `'`, which spreadsheets show as
/// text. A cell that is already `'` then such a character gets one more, so that
/// [`unescape_cell`] gives back exactly what was there.
pub fn escape_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if formula_like(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The value of a cell [`escape_cell`] wrote: the `'` it added goes again.
pub fn unescape_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    }
}

/// The most one row may hold, in bytes: far above what Clerk accepts in a create request (its
/// metadata fields take 8 KB each), and low enough that a hostile file cannot make clerkctl
/// hold a huge line in memory.
pub const MAX_ROW: u64 = 1024 * 1024;

/// A reader that refuses to read past an offset the caller moves forward after each row, so a
/// row longer than [`MAX_ROW`] stops the read instead of filling memory.
struct Capped<R> {
    inner: R,
    read: u64,
    limit: Rc<Shared<u64>>,
}

/// The error a [`Capped`] reader answers past its limit.
#[derive(Debug)]
struct RowTooLarge;

impl std::fmt::Display for RowTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a row longer than {} bytes", MAX_ROW)
    }
}

impl std::error::Error for RowTooLarge {}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let room = self.limit.get().saturating_sub(self.read);
        if room == 0 {
            return Err(std::io::Error::other(RowTooLarge));
        }
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.read += n as u64;
        Ok(n)
    }
}

fn too_large(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<RowTooLarge>())
}

fn row_too_large(line: usize) -> crate::fail::Fail {
    usage(format!(
        "the row at line {line} is longer than {} MiB, the most a row may hold; nothing was sent: split or fix that row",
        MAX_ROW / (1024 * 1024)
    ))
}

/// A byte-order mark some editors put first (Excel's "CSV UTF-8"): not part of the data.
const BOM: &[u8] = b"\xEF\xBB\xBF";

fn read_ndjson(input: impl Read) -> CliResult<(Vec<Row>, Vec<BadRow>)> {
    let limit = Rc::new(Shared::new(MAX_ROW + 1));
    let mut reader = std::io::BufReader::new(Capped {
        inner: input,
        read: 0,
        limit: limit.clone(),
    });
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    let mut consumed: u64 = 0;
    let mut buf = Vec::new();
    for line_no in 1.. {
        buf.clear();
        let n = match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if too_large(&e) => return Err(row_too_large(line_no)),
            Err(e) => return Err(usage(format!("cannot read line {line_no}: {e}"))),
        };
        consumed += n as u64;
        limit.set(consumed + MAX_ROW + 1);
        let mut bytes = buf.as_slice();
        if line_no == 1 {
            bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
        }
        let Ok(line) = std::str::from_utf8(bytes) else {
            bad.push(BadRow {
                line: line_no,
                reason: "not UTF-8 text".into(),
            });
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(body)) => rows.push(Row {
                line: line_no,
                body,
            }),
            Ok(_) => bad.push(BadRow {
                line: line_no,
                reason: "not a JSON object".into(),
            }),
            Err(e) => bad.push(BadRow {
                line: line_no,
                reason: format!("not valid JSON: {e}"),
            }),
        }
    }
    Ok((rows, bad))
}

fn read_csv(
    input: impl Read,
    cell: fn(&str) -> Cell,
    shape: &Shape,
) -> CliResult<(Vec<Row>, Vec<BadRow>)> {
    // The csv reader reads ahead a buffer's worth past the row it is on.
    const AHEAD: u64 = 64 * 1024;
    let limit = Rc::new(Shared::new(MAX_ROW + AHEAD));
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(Capped {
            inner: input,
            read: 0,
            limit: limit.clone(),
        });
    let too_large_csv = |e: &csv::Error, line: usize| match e.kind() {
        csv::ErrorKind::Io(io) if too_large(io) => Some(row_too_large(line)),
        _ => None,
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            too_large_csv(&e, 1)
                .unwrap_or_else(|| usage(format!("cannot read the CSV header: {e}")))
        })?
        .iter()
        .map(canonical)
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(usage(
            "the CSV file has no header row of Clerk field names (e.g. email_address,role)",
        ));
    }
    shape.check_fields(headers.iter().map(String::as_str))?;
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    let mut records = reader.records();
    loop {
        let next_line = records.reader().position().line() as usize;
        let Some(record) = records.next() else { break };
        limit.set(records.reader().position().byte() + MAX_ROW + AHEAD);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                if let Some(fail) = too_large_csv(&e, next_line) {
                    return Err(fail);
                }
                let line = e.position().map_or(0, |p| p.line() as usize);
                bad.push(BadRow {
                    line,
                    reason: format!("cannot read this CSV row: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let mut body = Map::new();
        let mut problem = None;
        for (name, raw) in headers.iter().zip(record.iter()) {
            if raw.is_empty() || name.is_empty() {
                continue;
            }
            let raw = unescape_cell(raw);
            match convert(cell(name), raw) {
                Ok(v) => {
                    body.insert(name.clone(), v);
                }
                Err(why) => {
                    problem = Some(format!("column {name}: {why}"));
                    break;
                }
            }
        }
        match problem {
            Some(reason) => bad.push(BadRow { line, reason }),
            None if body.is_empty() => {}
            None => rows.push(Row { line, body }),
        }
    }
    Ok((rows, bad))
}

fn convert(kind: Cell, raw: &str) -> Result<Value, String> {
    match kind {
        Cell::Text => Ok(Value::String(raw.to_owned())),
        Cell::Bool => match raw.to_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "0" => Ok(Value::Bool(false)),
            _ => Err(format!("{raw:?} is not true or false")),
        },
        Cell::Int => raw
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("{raw:?} is not a whole number")),
        Cell::Object => match serde_json::from_str::<Value>(raw) {
            Ok(v @ Value::Object(_)) => Ok(v),
            _ => Err(format!("{raw:?} is not a JSON object")),
        },
        Cell::List => {
            if raw.starts_with('[') {
                match serde_json::from_str::<Value>(raw) {
                    Ok(v @ Value::Array(_)) => Ok(v),
                    _ => Err(format!("{raw:?} is not a JSON array")),
                }
            } else {
                Ok(Value::Array(
                    raw.split(';')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| Value::String(s.to_owned()))
                        .collect(),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(name: &str) -> Cell {
        match name {
            "notify" => Cell::Bool,
            "expires_in_days" => Cell::Int,
            "public_metadata" => Cell::Object,
            "email_address" => Cell::List,
            _ => Cell::Text,
        }
    }

    #[test]
    fn csv_cells_take_clerk_types_and_bad_rows_keep_their_line() {
        let text = "email_address,role,notify,expires_in_days,public_metadata\n\
                    a@x.io,org:member,false,7,\"{\"\"team\"\":\"\"a\"\"}\"\n\
                    b@x.io;c@x.io,org:admin,maybe,,\n\
                    ,,,,\n\
                    d@x.io,,,,\n";
        let (rows, bad) = read_csv(text.as_bytes(), cells, &ANY).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].body["notify"], false);
        assert_eq!(rows[0].body["expires_in_days"], 7);
        assert_eq!(rows[0].body["public_metadata"]["team"], "a");
        assert_eq!(rows[0].body["email_address"], serde_json::json!(["a@x.io"]));
        assert_eq!(rows[1].line, 5);
        assert!(
            !rows[1].body.contains_key("role"),
            "empty cells are left out"
        );
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 3);
        assert!(bad[0].reason.contains("notify"), "{}", bad[0].reason);
    }

    const ANY: Shape = Shape {
        known: &[
            "email_address",
            "role",
            "notify",
            "expires_in_days",
            "public_metadata",
        ],
        needs: &[&["email_address"]],
        dropped: &["id"],
        from_export: |_| {},
    };

    #[test]
    fn headers_are_matched_loosely_and_unknown_or_missing_ones_stop_the_job() {
        assert_eq!(canonical(" Email Address "), "email_address");
        assert_eq!(canonical("E-mail"), "email_address");
        assert_eq!(canonical("Email"), "email_address");
        assert_eq!(canonical("ROLE"), "role");
        assert_eq!(canonical("First Name"), "first_name");
        let (rows, _) = read_csv(
            "\u{feff}Email Address,Role,ID\na@x.io,org:admin,x\n".as_bytes(),
            cells,
            &ANY,
        )
        .unwrap();
        assert_eq!(rows[0].body["email_address"], serde_json::json!(["a@x.io"]));
        assert_eq!(rows[0].body["role"], "org:admin");
        let e = read_csv("email,rol,colour\na@x.io,x,y\n".as_bytes(), cells, &ANY).unwrap_err();
        assert!(
            e.line().contains("unknown columns rol, colour"),
            "{}",
            e.line()
        );
        let e = read_csv("role\norg:admin\n".as_bytes(), cells, &ANY).unwrap_err();
        assert!(
            e.line()
                .contains("missing column: the file needs email_address"),
            "{}",
            e.line()
        );
        let mut rows = vec![Row {
            line: 1,
            body: serde_json::json!({"Email": "a@x.io", "id": "x"})
                .as_object()
                .unwrap()
                .clone(),
        }];
        shape_rows(&mut rows, &ANY).unwrap();
        assert_eq!(
            rows[0].body,
            *serde_json::json!({"email_address": "a@x.io"})
                .as_object()
                .unwrap()
        );
        let mut rows = vec![Row {
            line: 1,
            body: serde_json::json!({"email_adress": "a@x.io"})
                .as_object()
                .unwrap()
                .clone(),
        }];
        assert!(shape_rows(&mut rows, &ANY).is_err());
    }

    #[test]
    fn ndjson_rows() {
        let (rows, bad) = read_ndjson(
            "\u{feff}{\"email_address\":\"a@x.io\"}\n\n[1]\n{nope\n{\"email_address\":\"b@x.io\"}\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 5]);
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [3, 4]);
    }

    /// A huge row stops the read at the cap, naming its line, without reading it whole.
    #[test]
    fn a_row_over_the_cap_is_refused_naming_its_line_without_reading_it_whole() {
        struct Endless(u64);
        impl Read for Endless {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                buf.fill(b'x');
                self.0 += buf.len() as u64;
                Ok(buf.len())
            }
        }
        let head = "{\"email_address\":\"a@x.io\"}\n{\"first_name\":\"".as_bytes();
        let mut endless = Endless(0);
        let e = read_ndjson(head.chain(&mut endless)).unwrap_err();
        assert!(e.line().contains("line 2"), "{}", e.line());
        assert!(endless.0 < 2 * MAX_ROW, "read {} bytes", endless.0);

        let head = "email_address,role\na@x.io,org:admin\nb@x.io,\"".as_bytes();
        let mut endless = Endless(0);
        let e = read_csv(head.chain(&mut endless), cells, &ANY).unwrap_err();
        assert!(e.line().contains("line 3"), "{}", e.line());
        assert!(endless.0 < 2 * MAX_ROW, "read {} bytes", endless.0);
    }

    proptest::proptest! {
        #![proptest_config(crate::props::config())]

        /// No bytes make a reader panic; ndjson rows written by serde read back the same.
        #[test]
        fn rows_never_panic_and_ndjson_round_trips(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            text in crate::props::typed(),
            values in proptest::collection::vec(crate::props::json(), 0..6),
        ) {
            let _ = read_ndjson(bytes.as_slice());
            let _ = read_csv(bytes.as_slice(), cells, &ANY);
            let _ = read_csv(format!("email_address,role\n{text}\n").as_bytes(), cells, &ANY);
            let objects: Vec<Map<String, Value>> = values
                .into_iter()
                .map(|v| match v {
                    Value::Object(m) => m,
                    other => Map::from_iter([("v".to_owned(), other)]),
                })
                .collect();
            let file: String = objects
                .iter()
                .map(|o| format!("{}\n", Value::Object(o.clone())))
                .collect();
            let (rows, bad) = read_ndjson(file.as_bytes()).unwrap();
            proptest::prop_assert!(bad.is_empty());
            let read: Vec<Map<String, Value>> = rows.into_iter().map(|r| r.body).collect();
            proptest::prop_assert_eq!(read, objects);
        }
    }

    #[test]
    fn formula_cells_are_escaped_and_read_back_exactly() {
        for (value, written) in [
            ("=cmd|' /c calc'!A1", "'=cmd|' /c calc'!A1"),
            ("+1+1", "'+1+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("Ada", "Ada"),
            ("'quoted", "'quoted"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(escape_cell(value), written, "{value:?}");
            assert_eq!(unescape_cell(written), value, "{written:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(crate::props::config())]

        #[test]
        fn escaped_cells_never_start_a_formula_and_read_back(cell in crate::props::typed()) {
            let written = escape_cell(&cell);
            proptest::prop_assert!(!written.starts_with(FORMULA_START), "{written:?}");
            proptest::prop_assert_eq!(unescape_cell(&written), cell.as_str());
        }
    }
}
