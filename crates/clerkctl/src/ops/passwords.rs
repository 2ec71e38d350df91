//! Passwords moving in with their users: each import row's `password_digest` checked against
//! its `password_hasher`'s format before anything is sent, and `verify_password` to prove,
//! before the real run, that migrated users sign in with their old passwords.
//!
//! A digest is an offline cracking target and a password is a password: neither goes into an
//! error, a reason, a log or a journal here. Errors name the row's line and what is wrong, in
//! `clerk_passwords`' words, which never repeat any part of a digest.

use clerk_api::models::User;
use clerk_api::resources::VerifyPassword;
use clerk_passwords::{PasswordHasher, check_digest};
use serde_json::Value;

use super::{Listing, Object, Read, check};
use crate::fail::{CliResult, Subject, usage};

/// What is wrong with a row's `password_digest` and `password_hasher`, if anything: a digest
/// without a hasher (or the reverse), an unknown hasher, or a digest that does not fit its
/// hasher's format.
pub fn row_problem(row: &Object) -> Option<String> {
    let text = |k: &str| match row.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(format!("{k} must be a string")),
    };
    let digest = match text("password_digest") {
        Ok(d) => d,
        Err(e) => return Some(e),
    };
    let hasher = match text("password_hasher") {
        Ok(h) => h,
        Err(e) => return Some(e),
    };
    match (digest, hasher) {
        (None, None) => None,
        (Some(_), None) => Some(format!(
            "password_digest without password_hasher: say which hasher made it (one of {})",
            PasswordHasher::NAMES.join(", ")
        )),
        (None, Some(h)) => Some(format!(
            "password_hasher {h:?} without password_digest: give the digest or leave the hasher out"
        )),
        (Some(d), Some(h)) => {
            let hasher = match h.parse::<PasswordHasher>() {
                Ok(hasher) => hasher,
                // The hasher's name is not secret; its error lists the accepted ones.
                Err(e) => return Some(format!("password_hasher: {e}")),
            };
            if row.get("password").is_some_and(|p| !p.is_null()) {
                return Some("both password and password_digest: give one of them".to_owned());
            }
            check_digest(hasher, d)
                .err()
                .map(|e| format!("password_digest is {e}"))
        }
    }
}

/// Checks every row's password fields; any problem stops the whole job before anything is sent
/// (exit 2), naming each row's line and what is wrong. `rows` are (line, row) pairs.
pub fn check_rows<'a>(rows: impl IntoIterator<Item = (usize, &'a Object)>) -> CliResult<()> {
    let problems: Vec<String> = rows
        .into_iter()
        .filter_map(|(line, row)| row_problem(row).map(|p| format!("line {line}: {p}")))
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    const SHOWN: usize = 20;
    let mut msg = format!(
        "{} row{} with a bad password_digest or password_hasher; nothing was sent:",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for p in problems.iter().take(SHOWN) {
        msg.push_str("\n  ");
        msg.push_str(p);
    }
    if problems.len() > SHOWN {
        msg.push_str(&format!("\n  and {} more", problems.len() - SHOWN));
    }
    msg.push_str("\nfix these rows (or remove their password columns) and run the job again");
    Err(usage(msg))
}

/// `users verify-password`: whether `password` is the user's. Changes nothing on the user
/// (a read, for the read-only guard); Clerk answers a wrong password with `incorrect_password`.
pub fn verify(user_id: &str, password: String) -> CliResult<Read<VerifyPassword>> {
    let id = check::user_id(user_id)?;
    if password.is_empty() {
        return Err(usage("the password is empty: give the one to check"));
    }
    Ok(Read::new(
        format!("users verify-password {id}"),
        Subject::User,
        move |c| c.users().verify_password(&id, password.clone()),
    ))
}

/// The user with this email address (a first page of one says: addresses are unique).
pub fn find_by_email(email: &str) -> CliResult<Listing<User>> {
    let email = check::email(email)?;
    Ok(Listing::new("users list", Subject::User, move |c| {
        c.users().list().email_address([email.clone()]).limit(1)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(v: Value) -> Object {
        v.as_object().unwrap().clone()
    }

    const BCRYPT: &str = "$2b$04$CtHIiSt9gXbgojBWIgWOtOLgi1OMlIHR2qABWrWafqg0oG87qKS9e";

    #[test]
    fn good_pairs_and_rows_without_passwords_pass() {
        assert_eq!(row_problem(&row(json!({"email_address": "a@b.co"}))), None);
        assert_eq!(
            row_problem(&row(
                json!({"password_digest": BCRYPT, "password_hasher": "bcrypt"})
            )),
            None
        );
        assert_eq!(
            row_problem(&row(json!({"password": "hunter22hunter22"}))),
            None
        );
    }

    #[test]
    fn every_problem_is_named_without_the_digest() {
        let cut = &BCRYPT[..40];
        let cases = [
            (
                json!({"password_digest": cut, "password_hasher": "bcrypt"}),
                "not a valid bcrypt digest",
            ),
            (
                json!({"password_digest": BCRYPT, "password_hasher": "rot13"}),
                "`rot13` is not a password hasher",
            ),
            (
                json!({"password_digest": BCRYPT}),
                "without password_hasher",
            ),
            (
                json!({"password_hasher": "bcrypt"}),
                "without password_digest",
            ),
            (
                json!({"password_digest": 12, "password_hasher": "bcrypt"}),
                "must be a string",
            ),
            (
                json!({"password_digest": BCRYPT, "password_hasher": "md5"}),
                "not a valid md5 digest",
            ),
            (
                json!({"password_digest": BCRYPT, "password_hasher": "bcrypt", "password": "x"}),
                "both password and password_digest",
            ),
        ];
        for (r, expected) in cases {
            let p = row_problem(&row(r.clone())).unwrap_or_else(|| panic!("{r} passed"));
            assert!(p.contains(expected), "{p}");
            assert!(!p.contains(cut) && !p.contains("CtHIiSt9"), "{p}");
        }
        let rows = [
            row(json!({"password_digest": BCRYPT, "password_hasher": "bcrypt"})),
            row(json!({"password_digest": cut, "password_hasher": "bcrypt"})),
            row(json!({"password_hasher": "sha256"})),
        ];
        let e = check_rows([(2, &rows[0]), (3, &rows[1]), (4, &rows[2])]).unwrap_err();
        let line = e.line();
        assert_eq!(e.exit_code(), crate::fail::exit::USAGE);
        assert!(line.contains("2 rows"), "{line}");
        assert!(line.contains("line 3: password_digest is not a valid bcrypt digest"));
        assert!(line.contains("line 4: password_hasher \"sha256\" without"));
        assert!(!line.contains("line 2"), "{line}");
        assert!(!line.contains("CtHIiSt9"), "{line}");
    }
}
