//! Checking input before anything is sent: IDs, slugs, email addresses, roles, statuses. Each
//! refusal is a usage error (exit 2) that says what a good value looks like.

use clerk_api::ids::{
    self, ClientId, IdError, IdentificationId, InvitationId, JwtTemplateId, OrganizationId,
    OrganizationInvitationId, OrganizationRef, SessionId, UserId,
};

use crate::fail::{CliResult, Fail, usage};

fn id_err(what: &str, e: IdError) -> Fail {
    usage(format!("{what}: {e}"))
}

pub fn user_id(s: &str) -> CliResult<UserId> {
    UserId::parse(s).map_err(|e| id_err("USER_ID", e))
}

pub fn org_id(s: &str) -> CliResult<OrganizationId> {
    OrganizationId::parse(s).map_err(|e| {
        let mut m = format!("ORG_ID: {e}");
        if ids::is_slug(s) {
            m.push_str(&format!(" (to find the ID of the organization with slug {s:?}: clerkctl orgs get {s} --fields id)"));
        }
        usage(m)
    })
}

/// An organization ID or a slug (where Clerk accepts either).
pub fn org_ref(s: &str) -> CliResult<OrganizationRef> {
    if s.starts_with(OrganizationId::PREFIX) {
        org_id(s).map(OrganizationRef::Id)
    } else {
        OrganizationRef::slug(s).map_err(|e| usage(e.to_string()))
    }
}

/// A new slug for an organization (create and update check it alike).
pub fn slug(s: &str) -> CliResult<String> {
    if ids::is_slug(s) {
        Ok(s.to_owned())
    } else {
        Err(usage(format!(
            "slug {s:?} may contain only lowercase letters, digits and -"
        )))
    }
}

pub fn org_invitation_id(s: &str) -> CliResult<OrganizationInvitationId> {
    OrganizationInvitationId::parse(s).map_err(|e| id_err("INVITATION_ID", e))
}

pub fn invitation_id(s: &str) -> CliResult<InvitationId> {
    InvitationId::parse(s).map_err(|e| id_err("INVITATION_ID", e))
}

pub fn session_id(s: &str) -> CliResult<SessionId> {
    SessionId::parse(s).map_err(|e| id_err("SESSION_ID", e))
}

pub fn client_id(s: &str) -> CliResult<ClientId> {
    ClientId::parse(s).map_err(|e| id_err("CLIENT_ID", e))
}

pub fn jwt_template_id(s: &str) -> CliResult<JwtTemplateId> {
    JwtTemplateId::parse(s).map_err(|e| id_err("TEMPLATE_ID", e))
}

/// A session status, as `GET /sessions` filters them.
pub fn session_status(s: &str) -> CliResult<String> {
    const STATUSES: &[&str] = &[
        "active",
        "pending",
        "revoked",
        "ended",
        "expired",
        "removed",
        "abandoned",
        "replaced",
    ];
    if STATUSES.contains(&s) {
        Ok(s.to_owned())
    } else {
        Err(usage(format!(
            "session status {s:?} must be one of {}",
            STATUSES.join(", ")
        )))
    }
}

/// A token's lifetime in seconds: 30 to 315360000 (ten years), as Clerk takes
/// `expires_in_seconds`.
pub fn token_lifetime(seconds: i64) -> CliResult<i64> {
    if (30..=315_360_000).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(usage(format!(
            "a token lifetime of {seconds} s is outside 30 to 315360000 seconds"
        )))
    }
}

pub fn identification_id(s: &str) -> CliResult<IdentificationId> {
    IdentificationId::parse(s).map_err(|e| id_err("IDN_ID", e))
}

/// Checks a `±` list of IDs (`+user_1`, `-user_2`, `user_3`): Clerk's include and exclude
/// filters.
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

pub fn emails(values: &[String]) -> CliResult<Vec<String>> {
    values.iter().map(|e| email(e)).collect()
}

/// A role key: `org:admin`, `org:member`, or a custom `org:...` role; `admin` and `member` are
/// shorthands for Clerk's two default roles.
pub fn role(s: &str) -> CliResult<String> {
    let s = s.trim();
    match s {
        "admin" => return Ok("org:admin".into()),
        "member" => return Ok("org:member".into()),
        _ => {}
    }
    let key = s.strip_prefix("org:").unwrap_or("");
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b':')
    {
        Ok(s.to_owned())
    } else {
        Err(usage(format!(
            "role {s:?} is not a role key: use org:admin (or admin), org:member (or member), or a custom role such as org:billing_manager"
        )))
    }
}

pub fn roles(values: &[String]) -> CliResult<Vec<String>> {
    values.iter().map(|r| role(r)).collect()
}

/// An invitation status.
pub fn status(s: &str) -> CliResult<String> {
    match s {
        "pending" | "accepted" | "revoked" | "expired" => Ok(s.to_owned()),
        _ => Err(usage(format!(
            "status {s:?} must be pending, accepted, revoked or expired"
        ))),
    }
}

/// Days until an invitation expires: 1 to 365, as Clerk takes them.
pub fn expires_in_days(days: i64) -> CliResult<i64> {
    if (1..=365).contains(&days) {
        Ok(days)
    } else {
        Err(usage(format!("expires_in_days {days} is outside 1 to 365")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_slugs() {
        assert!(user_id("user_2xh").is_ok());
        assert!(user_id("org_2xh").is_err());
        assert_eq!(org_ref("acme-inc").unwrap().as_str(), "acme-inc");
        assert!(org_ref("Acme Inc").is_err());
        let Fail::Usage(m) = org_id("acme").unwrap_err() else {
            panic!()
        };
        assert!(m.contains("clerkctl orgs get acme"), "{m}");
        assert_eq!(
            signed_ids(&["-user_1".into(), "user_2".into()], user_id).unwrap(),
            ["-user_1", "user_2"]
        );
        assert!(signed_ids(&["+org_1".into()], user_id).is_err());
        assert!(slug("acme-2").is_ok() && slug("Acme").is_err());
    }

    #[test]
    fn emails_roles_statuses() {
        assert!(email("a@b.co").is_ok());
        assert_eq!(email(" a@b.co ").unwrap(), "a@b.co");
        assert!(email("a@b").is_err());
        assert!(email("a b@c.de").is_err());
        assert!(role("org:admin").is_ok());
        assert_eq!(role("admin").unwrap(), "org:admin");
        assert_eq!(role("member").unwrap(), "org:member");
        assert!(role("billing").is_err());
        assert!(role("org:").is_err());
        assert!(status("pending").is_ok() && status("open").is_err());
        assert!(expires_in_days(365).is_ok() && expires_in_days(0).is_err());
    }
}
