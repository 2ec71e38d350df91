//! Reading the command line's JSON arguments (inline, `@FILE`, or `-` for stdin) and a
//! password from stdin: argument parsing that only the command line does.

use std::io::{BufRead, IsTerminal, Read};

use serde_json::Value;

use crate::fail::{CliResult, usage};
use crate::ops::Object;

/// Reads a JSON argument: inline JSON, `@FILE`, or `-` for stdin.
pub fn json_arg(flag: &str, raw: &str) -> CliResult<Value> {
    let text = if raw == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| usage(format!("{flag}: cannot read stdin: {e}")))?;
        s
    } else if let Some(path) = raw.strip_prefix('@') {
        std::fs::read_to_string(path)
            .map_err(|e| usage(format!("{flag}: cannot read {path}: {e}")))?
    } else {
        raw.to_owned()
    };
    serde_json::from_str(&text).map_err(|e| usage(format!("{flag}: not valid JSON ({e})")))
}

/// A JSON argument that must be an object (metadata, bodies).
pub fn json_object(flag: &str, raw: &str) -> CliResult<Object> {
    match json_arg(flag, raw)? {
        Value::Object(m) => Ok(m),
        other => Err(usage(format!(
            "{flag} must be a JSON object such as '{{\"plan\": \"pro\"}}', got {}",
            kind(&other)
        ))),
    }
}

/// An optional JSON object argument.
pub fn opt_object(flag: &str, raw: &Option<String>) -> CliResult<Option<Object>> {
    raw.as_deref().map(|r| json_object(flag, r)).transpose()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Only one argument may read stdin.
pub fn at_most_one_stdin<'a>(
    args: impl IntoIterator<Item = (&'a str, Option<&'a String>)>,
) -> CliResult<()> {
    let from_stdin: Vec<&str> = args
        .into_iter()
        .filter(|(_, v)| v.is_some_and(|v| v == "-"))
        .map(|(f, _)| f)
        .collect();
    if from_stdin.len() > 1 {
        return Err(usage(format!(
            "only one argument can read stdin, but {} all say -",
            from_stdin.join(" and ")
        )));
    }
    Ok(())
}

/// The first line of stdin; typed at a terminal, asked for on it without echo.
pub fn read_password() -> CliResult<String> {
    let line = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password (not shown): ")
            .map_err(|e| usage(format!("--password-stdin: cannot read the password: {e}")))?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| usage(format!("--password-stdin: cannot read stdin: {e}")))?;
        line
    };
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(usage("--password-stdin: stdin held no password"));
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_objects() {
        assert!(json_object("--public-metadata", "{\"a\":1}").is_ok());
        assert!(json_object("--public-metadata", "[1]").is_err());
        assert!(json_object("--public-metadata", "{nope").is_err());
    }
}
