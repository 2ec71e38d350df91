//! `users verify-passwords`: a list of test accounts (email address, password) checked against
//! an instance, to prove that migrated users sign in with their old passwords before the real
//! run. Each user is looked up by email address, then `verify_password` is asked; the answer is
//! how many sign in and which accounts do not, in the file's order.
//!
//! Passwords are read, sent to Clerk and dropped: never printed, journaled or put in an error
//! (`Credential`'s `Debug` hides its password).

use std::path::Path;

use clerk_api::{Client, Error as ClerkError};
use serde_json::{Value, json};

use super::rows::canonical;
use crate::cli::FileFormat;
use crate::fail::{CliResult, Fail, Subject, usage};
use crate::ops::{self, passwords};

/// One account to check.
pub struct Credential {
    pub line: usize,
    pub email: String,
    password: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("line", &self.line)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// Reads a credentials file (`-` is stdin): CSV with a header `email,password` (`email_address`
/// too), or ndjson objects with those keys. Passwords are taken as they are (spaces kept); a row
/// without an email address or a password stops here, named by its line.
pub fn read(path: &Path, format: FileFormat) -> CliResult<Vec<Credential>> {
    let text = if path.as_os_str() == "-" {
        let mut t = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut t)
            .map_err(|e| usage(format!("cannot read stdin: {e}")))?;
        t
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?
    };
    parse(&text, format)
}

fn parse(text: &str, format: FileFormat) -> CliResult<Vec<Credential>> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let take = |line: usize, email: Option<String>, password: Option<String>| match (
        email.filter(|e| !e.trim().is_empty()),
        password.filter(|p| !p.is_empty()),
    ) {
        (Some(email), Some(password)) => Ok(Credential {
            line,
            email: email.trim().to_owned(),
            password,
        }),
        (None, _) => Err(format!("line {line}: no email address")),
        (_, None) => Err(format!("line {line}: no password")),
    };
    let mut keep = |r: Result<Credential, String>, problems: &mut Vec<String>| match r {
        Ok(c) => found.push(c),
        Err(p) => problems.push(p),
    };
    match format {
        FileFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(false)
                .from_reader(text.as_bytes());
            let headers: Vec<String> = reader
                .headers()
                .map_err(|e| usage(format!("cannot read the CSV header: {e}")))?
                .iter()
                .map(canonical)
                .collect();
            let col = |name: &str| headers.iter().position(|h| h == name);
            let (Some(e), Some(p)) = (col("email_address"), col("password")) else {
                return Err(usage(
                    "the credentials file needs a header row with the columns email and password",
                ));
            };
            for record in reader.records() {
                match record {
                    Ok(r) => {
                        let line = r.position().map_or(0, |p| p.line() as usize);
                        if r.iter().all(str::is_empty) {
                            continue;
                        }
                        keep(
                            take(
                                line,
                                r.get(e).map(str::to_owned),
                                r.get(p).map(str::to_owned),
                            ),
                            &mut problems,
                        );
                    }
                    Err(err) => {
                        let line = err.position().map_or(0, |p| p.line() as usize);
                        // The csv error names counts and positions, never a cell.
                        problems.push(format!("line {line}: cannot read this CSV row: {err}"));
                    }
                }
            }
        }
        FileFormat::Ndjson => {
            for (i, raw) in text.lines().enumerate() {
                let line = i + 1;
                if raw.trim().is_empty() {
                    continue;
                }
                let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(raw) else {
                    // serde_json's message could quote the line: only its position is said.
                    problems.push(format!("line {line}: not a JSON object"));
                    continue;
                };
                let field = |names: &[&str]| {
                    obj.iter()
                        .find(|(k, _)| names.contains(&canonical(k).as_str()))
                        .and_then(|(_, v)| v.as_str())
                        .map(str::to_owned)
                };
                keep(
                    take(line, field(&["email_address"]), field(&["password"])),
                    &mut problems,
                );
            }
        }
    }
    if !problems.is_empty() {
        return Err(usage(format!(
            "the credentials file has rows that cannot be checked; nothing was sent:\n  {}",
            problems.join("\n  ")
        )));
    }
    if found.is_empty() {
        return Err(usage(
            "the credentials file holds no accounts: give rows of email,password",
        ));
    }
    Ok(found)
}

/// Checks every account in order: looks the user up by email address, then asks Clerk whether
/// the password is theirs. A refusal (no such user, a wrong password, no password set) is the
/// account's failure; what stops every check (authentication, Clerk unreachable or still busy
/// after retries) stops here with Clerk's error.
pub async fn run(client: &Client, creds: Vec<Credential>) -> CliResult<Value> {
    let checked = creds.len();
    let mut verified = 0usize;
    let mut failures = Vec::new();
    let page = ops::Page::default();
    for c in creds {
        let lookup = passwords::find_by_email(&c.email);
        let lookup = match lookup {
            Ok(l) => l,
            Err(e) => {
                failures.push(
                    json!({"line": c.line, "email": c.email, "code": "bad_email",
                    "reason": e.line()}),
                );
                continue;
            }
        };
        let found = lookup
            .request(client, &page)
            .send()
            .await
            .map_err(|error| Fail::Clerk {
                doing: format!("looking up {}", c.email),
                subject: Subject::User,
                error,
            })?;
        let Some(user) = found.data.into_iter().next() else {
            failures.push(
                json!({"line": c.line, "email": c.email, "code": "user_not_found",
                "reason": "no user has this email address"}),
            );
            continue;
        };
        let op = passwords::verify(user.id.as_str(), c.password)?;
        match op.request(client).send().await {
            Ok(true) => verified += 1,
            Ok(false) => failures.push(json!({"line": c.line, "email": c.email,
                "user_id": user.id.as_str(), "code": "not_verified",
                "reason": "Clerk did not confirm the password"})),
            Err(ClerkError::Api(a)) if matches!(a.status, 400 | 404 | 422) => {
                failures.push(json!({"line": c.line, "email": c.email,
                    "user_id": user.id.as_str(), "code": a.code(),
                    "reason": a.long_message().unwrap_or("refused")}));
            }
            Err(error) => {
                return Err(Fail::Clerk {
                    doing: op.doing,
                    subject: Subject::User,
                    error,
                });
            }
        }
    }
    Ok(json!({
        "checked": checked,
        "verified": verified,
        "failed": failures.len(),
        "failures": failures,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_ndjson_keep_passwords_whole_and_name_bad_rows() {
        let c = parse(
            "Email,Password\nada@example.com, spaced password \ngrace@example.com,\"a,b\"\"c\"\n",
            FileFormat::Csv,
        )
        .unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].password, " spaced password ");
        assert_eq!(c[1].password, "a,b\"c");
        assert_eq!(c[1].line, 3);
        let shown = format!("{c:?}");
        assert!(!shown.contains("spaced"), "{shown}");

        let c = parse(
            "{\"email\":\"ada@example.com\",\"password\":\"pässwörd 🔑\"}\n",
            FileFormat::Ndjson,
        )
        .unwrap();
        assert_eq!(c[0].password, "pässwörd 🔑");

        let e = parse(
            "email,password\nada@example.com,\n,secret-one\n",
            FileFormat::Csv,
        )
        .unwrap_err();
        let line = e.line();
        assert!(line.contains("line 2: no password"), "{line}");
        assert!(line.contains("line 3: no email address"), "{line}");
        assert!(!line.contains("secret-one"), "{line}");
        let e = parse(
            "{\"email\": \"a@b.co\", \"password\": \"secret-two\"\n",
            FileFormat::Ndjson,
        )
        .unwrap_err();
        assert!(!e.line().contains("secret-two"), "{}", e.line());
        assert!(parse("name,password\nx,y\n", FileFormat::Csv).is_err());
        assert!(parse("email,password\n", FileFormat::Csv).is_err());
    }
}
