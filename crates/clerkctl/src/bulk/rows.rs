//! Reading a bulk job's input: CSV with a header of Clerk field names, or ndjson. Each row is
//! the body of Clerk's create request; a row that cannot be read is reported with its line.

use std::path::Path;

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

/// Reads every row. `cell` says how to read a CSV column.
pub fn read(
    path: &Path,
    format: FileFormat,
    cell: fn(&str) -> Cell,
) -> CliResult<(Vec<Row>, Vec<BadRow>)> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
    match format {
        FileFormat::Ndjson => Ok(read_ndjson(&text)),
        FileFormat::Csv => read_csv(&text, cell),
    }
}

fn read_ndjson(text: &str) -> (Vec<Row>, Vec<BadRow>) {
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
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
    (rows, bad)
}

fn read_csv(text: &str, cell: fn(&str) -> Cell) -> CliResult<(Vec<Row>, Vec<BadRow>)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| usage(format!("cannot read the CSV header: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(usage(
            "the CSV file has no header row of Clerk field names (e.g. email_address,role)",
        ));
    }
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
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
        let (rows, bad) = read_csv(text, cells).unwrap();
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

    #[test]
    fn ndjson_rows() {
        let (rows, bad) = read_ndjson(
            "{\"email_address\":\"a@x.io\"}\n\n[1]\n{nope\n{\"email_address\":\"b@x.io\"}\n",
        );
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 5]);
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [3, 4]);
    }
}
