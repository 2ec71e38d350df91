//! Sessions and their tokens: list, get, create, revoke; a session token (or a JWT template's
//! token) for a session; the emulator's control of a session's active organization; the
//! instance's JWKS.

use clerk_api::ids::{OrganizationId, SessionId, UserId};
use clerk_api::models::{Jwks, Session, SessionStatus};
use clerk_api::request::One;
use clerk_api::resources::{CreateSession, CreateSessionToken};
use clerk_api::{ApiBase, RequestSpec};
use http::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Change, Listing, Read, Write, check, set_some};
use crate::fail::{CliResult, Subject, usage};

/// The filters of `sessions list` (and of the MCP tool `list_sessions`): Clerk's query
/// parameters for `GET /sessions`, which needs a user or a client.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionFilters {
    /// This user's sessions (an ID like user_2xhF...). Clerk needs this or client_id.
    #[arg(
        long = "user-id",
        value_name = "USER_ID",
        help = "This user's sessions"
    )]
    pub user_id: Option<String>,
    /// This client's sessions (an ID like client_2xhF...): one browser or device.
    #[arg(
        long = "client-id",
        value_name = "CLIENT_ID",
        help = "This client's (browser's or device's) sessions"
    )]
    pub client_id: Option<String>,
    /// Only sessions with this status: active, pending, revoked, ended, expired, removed,
    /// abandoned or replaced.
    #[arg(
        long,
        value_name = "STATUS",
        help = "active, pending, revoked, ended, expired, removed, abandoned or replaced"
    )]
    pub status: Option<String>,
}

/// `sessions list`: a user's or a client's sessions, newest first.
pub fn list(filters: &SessionFilters) -> CliResult<Listing<Session>> {
    let user = filters.user_id.as_deref().map(check::user_id).transpose()?;
    let client = filters
        .client_id
        .as_deref()
        .map(check::client_id)
        .transpose()?;
    let status = filters
        .status
        .as_deref()
        .map(check::session_status)
        .transpose()?;
    if user.is_none() && client.is_none() {
        return Err(usage(
            "Clerk lists sessions of a user or a client: give --user-id USER_ID or --client-id CLIENT_ID",
        ));
    }
    Ok(Listing::new("sessions list", Subject::Session, move |c| {
        let mut req = c.sessions().list();
        if let Some(u) = &user {
            req = req.user_id(u);
        }
        if let Some(cl) = &client {
            req = req.client_id(cl);
        }
        set_some!(req, status: status.clone());
        req
    }))
}

/// `sessions get`.
pub fn get(session_id: &str) -> CliResult<Read<One<Session>>> {
    let id = check::session_id(session_id)?;
    Ok(Read::new(
        format!("sessions get {id}"),
        Subject::Session,
        move |c| c.sessions().get(&id),
    ))
}

/// A new session: Clerk's create-session fields.
#[derive(Debug, Clone, Default)]
pub struct Create {
    pub user_id: String,
    /// An organization the user belongs to, active in the session (its tokens carry it).
    pub active_organization_id: Option<String>,
}

/// `sessions create`: an active session for a user. Clerk offers it on development instances
/// only (for testing).
pub fn create(input: Create) -> CliResult<Write<CreateSession>> {
    let user = check::user_id(&input.user_id)?;
    let org = input
        .active_organization_id
        .as_deref()
        .map(check::org_id)
        .transpose()?;
    let change = Change::new(
        format!("create a session for user {user}"),
        Subject::User,
        Some(user.as_str()),
    );
    Ok(Write::new(change, move |c| {
        let mut req = c.sessions().create(&user);
        set_some!(req, active_organization_id: org.as_ref());
        req
    }))
}

/// `sessions revoke`: signs the session out. Its tokens already out stay valid until they
/// expire; it can never mint another.
pub fn revoke(session_id: &str) -> CliResult<Write<One<Session>>> {
    let id = check::session_id(session_id)?;
    let change = Change::new(
        format!("revoke session {id}"),
        Subject::Session,
        Some(id.as_str()),
    )
    .destructive();
    Ok(Write::new(change, move |c| c.sessions().revoke(&id)))
}

/// A token to mint for a session.
#[derive(Debug, Clone, Default)]
pub struct Mint {
    pub session_id: String,
    /// A JWT template's name: its token instead of the session token.
    pub template: Option<String>,
    /// The token's lifetime in seconds (Clerk's `expires_in_seconds`).
    pub ttl: Option<i64>,
}

/// A session token (or a template's token) for an active session. It changes nothing in Clerk,
/// but it is a credential: it counts as a change, so read-only mode refuses it and the audit
/// log records who minted one (never the token).
pub fn mint(input: Mint) -> CliResult<Write<CreateSessionToken>> {
    let id = check::session_id(&input.session_id)?;
    let ttl = input.ttl.map(check::token_lifetime).transpose()?;
    let template = match input.template {
        Some(t) if t.trim().is_empty() => {
            return Err(usage(
                "--template needs a JWT template's name (`clerkctl jwt-templates list`)",
            ));
        }
        other => other,
    };
    let doing = match &template {
        Some(t) => format!("mint a {t:?} template token for session {id}"),
        None => format!("mint a session token for session {id}"),
    };
    let change = Change::new(doing, Subject::Session, Some(id.as_str()));
    Ok(Write::new(change, move |c| {
        let mut req = match &template {
            Some(t) => c.sessions().template_token(&id, t),
            None => c.sessions().token(&id),
        };
        set_some!(req, expires_in_seconds: ttl);
        req
    }))
}

/// Whether a client talks to Clerk itself (`*.clerk.com`, `*.clerk.dev`, ...) rather than an
/// emulator: only an emulator has the control routes outside `/v1`.
pub fn is_clerk(base: &ApiBase) -> bool {
    let url = url::Url::parse(base.as_str()).ok();
    url.as_ref().and_then(url::Url::host_str).is_some_and(|h| {
        let h = h.to_ascii_lowercase();
        ["clerk.com", "clerk.dev", "clerk.services", "clerkstage.dev"]
            .iter()
            .any(|d| h == *d || h.ends_with(&format!(".{d}")))
    })
}

/// The emulator's control route that makes an organization active in an existing session
/// (Clerk does this in its Frontend API, for a browser; its Backend API cannot).
pub fn set_active_organization(
    session_id: &SessionId,
    organization_id: &OrganizationId,
) -> Write<One<Value>> {
    let (sid, org) = (session_id.clone(), organization_id.clone());
    let change = Change::new(
        format!("make organization {org} active in session {sid} (emulator only)"),
        Subject::Session,
        Some(sid.as_str()),
    );
    Write::new(change, move |c| {
        let mut spec = RequestSpec::outside_api(
            Method::POST,
            format!("/_emulator/sessions/{sid}/active_organization"),
        );
        spec.body = Some(json!({ "organization_id": org.as_str() }));
        c.request(spec)
    })
}

/// `jwks`: the instance's public keys.
pub fn jwks() -> Read<One<Jwks>> {
    Read::new("jwks", Subject::Other, |c| c.jwks())
}

/// The session `token` should use when none is named: the newest active one of `user`, with
/// `org` active when one is asked for. `None`: a session must be made.
pub fn reusable<'s>(
    sessions: &'s [Session],
    user: &UserId,
    org: Option<&OrganizationId>,
) -> Option<&'s Session> {
    sessions
        .iter()
        .filter(|s| &s.user_id == user && s.status == SessionStatus::Active)
        .filter(|s| org.is_none_or(|o| s.last_active_organization_id.as_ref() == Some(o)))
        .max_by_key(|s| s.created_at.unwrap_or_default())
}

/// What `token` asks for, checked.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub user: UserId,
    pub session: Option<SessionId>,
    pub org: Option<OrganizationId>,
    pub template: Option<String>,
    pub ttl: Option<i64>,
}

/// Checks `token`'s input: `USER [--session ID] [--org ORG_ID] [--template NAME] [--ttl S]`.
pub fn token_request(
    user: &str,
    session: Option<&str>,
    org: Option<&str>,
    template: Option<&str>,
    ttl: Option<i64>,
) -> CliResult<TokenRequest> {
    let request = TokenRequest {
        user: check::user_id(user)?,
        session: session.map(check::session_id).transpose()?,
        org: org.map(check::org_id).transpose()?,
        template: template.map(str::to_owned),
        ttl: ttl.map(check::token_lifetime).transpose()?,
    };
    // Checked here too, so bad input is refused before any request.
    mint(Mint {
        session_id: "sess_check".into(),
        template: request.template.clone(),
        ttl: request.ttl,
    })?;
    Ok(request)
}

/// The session's owner is not the user asked for, or it cannot mint.
pub fn unusable(session: &Session, user: &UserId) -> Option<String> {
    if &session.user_id != user {
        return Some(format!(
            "session {} belongs to user {}, not {user}: drop --session to use or make one of {user}'s",
            session.id, session.user_id
        ));
    }
    if session.status != SessionStatus::Active {
        return Some(format!(
            "session {} is {}: only an active session mints tokens; drop --session to make a new one",
            session.id,
            session.status.as_str()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{query, test_client};

    fn session(id: &str, user: &str, status: &str, org: Option<&str>, created: i64) -> Session {
        serde_json::from_value(json!({
            "object": "session", "id": id, "user_id": user, "status": status,
            "last_active_organization_id": org, "created_at": created,
        }))
        .unwrap()
    }

    #[test]
    fn lists_need_a_user_or_a_client() {
        let err = list(&SessionFilters::default()).unwrap_err();
        assert!(err.line().contains("--user-id"), "{}", err.line());
        let f = SessionFilters {
            user_id: Some("user_1".into()),
            status: Some("active".into()),
            ..Default::default()
        };
        let c = test_client();
        let req = list(&f).unwrap().request(&c, &Default::default());
        assert_eq!(req.spec().path, "/sessions");
        assert_eq!(
            query(&req),
            ["paginated=true", "user_id=user_1", "status=active"]
        );
        let bad = SessionFilters {
            status: Some("asleep".into()),
            ..f
        };
        assert!(list(&bad).is_err());
    }

    #[test]
    fn mints_session_and_template_tokens() {
        let c = test_client();
        let op = mint(Mint {
            session_id: "sess_1".into(),
            template: Some("hasura".into()),
            ttl: Some(300),
        })
        .unwrap();
        let req = op.request(&c);
        assert_eq!(req.spec().path, "/sessions/sess_1/tokens/hasura");
        assert_eq!(req.spec().body, Some(json!({"expires_in_seconds": 300})));
        assert!(!op.change.destructive);
        assert!(
            mint(Mint {
                session_id: "sess_1".into(),
                ttl: Some(10),
                ..Default::default()
            })
            .is_err()
        );
        assert!(token_request("user_1", None, Some("acme"), None, None).is_err());
        assert!(token_request("user_1", None, None, Some(" "), None).is_err());
    }

    #[test]
    fn reuses_the_newest_active_session_with_the_organization() {
        let user: UserId = "user_1".parse().unwrap();
        let org: OrganizationId = "org_1".parse().unwrap();
        let all = [
            session("sess_a", "user_1", "active", None, 1),
            session("sess_b", "user_1", "active", Some("org_1"), 2),
            session("sess_c", "user_1", "revoked", Some("org_1"), 3),
            session("sess_d", "user_2", "active", Some("org_1"), 4),
        ];
        assert_eq!(reusable(&all, &user, None).unwrap().id, "sess_b");
        assert_eq!(reusable(&all, &user, Some(&org)).unwrap().id, "sess_b");
        let other: OrganizationId = "org_2".parse().unwrap();
        assert!(reusable(&all, &user, Some(&other)).is_none());
        assert!(unusable(&all[2], &user).unwrap().contains("revoked"));
        assert!(unusable(&all[3], &user).unwrap().contains("belongs to"));
    }

    #[test]
    fn only_clerk_hosts_are_clerk() {
        let base = |u: &str| ApiBase::parse(u).unwrap();
        assert!(is_clerk(&base("https://api.clerk.com")));
        assert!(!is_clerk(&base("http://127.0.0.1:8787")));
        assert!(!is_clerk(&base("https://notclerk.com")));
    }
}
