//! Checking input before anything is sent: IDs, email addresses, roles, JSON arguments.

use std::io::Read;

use clerk_api::ids::{self, IdError};
use serde_json::{Map, Value};

use crate::fail::{CliResult, usage};

fn id_err(what: &str, e: IdError) -> crate::fail::Fail {
    usage(format!("{what}: {e}"))
}

pub fn user_id(s: &str) -> CliResult<ids::UserId> {
    ids::UserId::parse(s).map_err(|e| id_err("USER_ID", e))
}

pub fn org_id(s: &str) -> CliResult<ids::OrganizationId> {
    ids::OrganizationId::parse(s).map_err(|e| {
        let mut f = id_err("ORG_ID", e);
        if let crate::fail::Fail::Usage(m) = &mut f
            && ids::is_slug(s)
        {
            m.push_str(&format!(" (to find the ID of the organization with slug {s:?}: clerkctl orgs get {s} --fields id)"));
        }
        f
    })
}

/// An organization ID or a slug (where Clerk accepts either).
pub fn org_id_or_slug(s: &str) -> CliResult<ids::OrganizationRef> {
    if s.starts_with("org_") {
        org_id(s).map(ids::OrganizationRef::Id)
    } else {
        ids::OrganizationRef::slug(s).map_err(|e| usage(e.to_string()))
    }
}

/// A new slug for an organization (`orgs create` and `orgs update` check it alike).
pub fn slug(s: &str) -> CliResult<String> {
    if ids::is_slug(s) {
        Ok(s.to_owned())
    } else {
        Err(usage(format!(
            "slug {s:?} may contain only lowercase letters, digits and -"
        )))
    }
}

pub fn org_invitation_id(s: &str) -> CliResult<ids::OrganizationInvitationId> {
    ids::OrganizationInvitationId::parse(s).map_err(|e| id_err("INVITATION_ID", e))
}

pub fn invitation_id(s: &str) -> CliResult<ids::InvitationId> {
    ids::InvitationId::parse(s).map_err(|e| id_err("INVITATION_ID", e))
}

/// Checks a `±` list of IDs (`+user_1`, `-user_2`, `user_3`).
pub fn signed_ids<T>(values: &[String], check: fn(&str) -> CliResult<T>) -> CliResult<Vec<String>> {
    values
        .iter()
        .map(|v| {
            let (sign, rest) = match v.chars().next() {
                Some(c @ ('+' | '-')) => (Some(c), &v[1..]),
                _ => (None, v.as_str()),
            };
            check(rest)?;
            Ok(sign.map_or_else(|| rest.to_owned(), |s| format!("{s}{rest}")))
        })
        .collect()
}

pub fn email(s: &str) -> CliResult<String> {
    let s = s.trim();
    let ok = s.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
    }) && !s.chars().any(char::is_whitespace);
    if ok {
        Ok(s.to_owned())
    } else {
        Err(usage(format!("{s:?} is not an email address")))
    }
}

/// A role key: `org:admin`, `org:member`, or a custom `org:...` role.
pub fn role(s: &str) -> CliResult<String> {
    let key = s.strip_prefix("org:").unwrap_or("");
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b':')
    {
        Ok(s.to_owned())
    } else {
        Err(usage(format!(
            "role {s:?} is not a role key: use org:admin, org:member, or a custom role such as org:billing_manager"
        )))
    }
}

pub fn status(s: &str) -> CliResult<String> {
    match s {
        "pending" | "accepted" | "revoked" | "expired" => Ok(s.to_owned()),
        _ => Err(usage(format!(
            "status {s:?} must be pending, accepted, revoked or expired"
        ))),
    }
}

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
pub fn json_object(flag: &str, raw: &str) -> CliResult<Map<String, Value>> {
    match json_arg(flag, raw)? {
        Value::Object(m) => Ok(m),
        other => Err(usage(format!(
            "{flag} must be a JSON object such as '{{\"plan\": \"pro\"}}', got {}",
            kind(&other)
        ))),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_slugs() {
        assert!(user_id("user_2xh").is_ok());
        assert!(user_id("org_2xh").is_err());
        assert_eq!(org_id_or_slug("acme-inc").unwrap().as_str(), "acme-inc");
        let crate::fail::Fail::Usage(m) = org_id("acme").unwrap_err() else {
            panic!()
        };
        assert!(m.contains("clerkctl orgs get acme"), "{m}");
        assert_eq!(
            signed_ids(&["-user_1".into(), "user_2".into()], user_id).unwrap(),
            ["-user_1", "user_2"]
        );
        assert!(signed_ids(&["+org_1".into()], user_id).is_err());
    }

    #[test]
    fn emails_roles_json() {
        assert!(email("a@b.co").is_ok());
        assert!(email("a@b").is_err());
        assert!(role("org:admin").is_ok());
        assert!(role("admin").is_err());
        assert!(role("org:").is_err());
        assert!(json_object("--public-metadata", "{\"a\":1}").is_ok());
        assert!(json_object("--public-metadata", "[1]").is_err());
        assert!(json_object("--public-metadata", "{nope").is_err());
    }
}
