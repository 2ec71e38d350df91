//! `token`: a session token for a user, finding or making a session first. Shared by the
//! command line (`clerkctl token`) and the MCP server (`create_session_token`); each step is an
//! `ops::sessions` operation run through `App` (read-only mode, dry run, audit log).
//!
//! What Clerk's Backend API can and cannot do decides the steps: it makes sessions (with an
//! active organization) only on development instances, it sets a token's lifetime anywhere, and
//! it cannot change an existing session's active organization (its Frontend API does that, in
//! a browser). Only against an emulator does `--session` with `--org` use the emulator's own
//! control route.

use clerk_api::models::{Session, Token};
use clerk_api::{Client, KeyKind, PreparedRequest};
use serde_json::{Value, json};

use crate::app::{App, Sent};
use crate::fail::{CliResult, Fail, Subject, usage};
use crate::ops::sessions::{self, TokenRequest};
use crate::ops::{Change, Page};

/// A token minted, with the session it came from.
#[derive(Debug)]
pub struct Minted {
    pub token: Token,
    pub session: Session,
    /// Whether the session was made for this token.
    pub created_session: bool,
}

impl Minted {
    /// The answer as JSON: the token, its session and user, and when it expires.
    pub fn to_json(&self) -> Value {
        let claims = self.token.claims().unwrap_or_default();
        json!({
            "object": "token",
            "jwt": self.token.jwt,
            "session_id": self.session.id,
            "user_id": self.session.user_id,
            "organization_id": self.session.last_active_organization_id,
            "created_session": self.created_session,
            "expires_at": claims.get("exp"),
        })
    }
}

/// What running `token` came to.
#[derive(Debug)]
pub enum Outcome {
    Minted(Box<Minted>),
    /// `--dry-run`: the first request it would send (the next ones depend on its answer).
    DryRun(PreparedRequest),
}

/// What `token` does, for read-only mode and the audit log.
pub fn change(req: &TokenRequest) -> Change {
    Change::new(
        format!("mint a session token for user {}", req.user),
        Subject::User,
        Some(req.user.as_str()),
    )
}

fn clerk_fail(doing: String, subject: Subject) -> impl FnOnce(clerk_api::Error) -> Fail {
    move |error| Fail::Clerk {
        doing,
        subject,
        error,
    }
}

async fn write<O: clerk_api::request::Operation>(
    app: &App,
    command: &str,
    op: crate::ops::Write<O>,
    client: &Client,
) -> CliResult<Value> {
    match app
        .send_change(command, &op.change, op.request(client))
        .await?
    {
        Sent::Done(v) => Ok(v),
        Sent::DryRun(_) => Err(Fail::Other("a dry run sends nothing".into())),
    }
}

fn decode<T: serde::de::DeserializeOwned>(v: Value, what: &str) -> CliResult<T> {
    serde_json::from_value(v).map_err(|e| Fail::Other(format!("Clerk's answer is not {what}: {e}")))
}

/// Runs `token` (after [`App::guard`] with [`change`]): the session named, or the user's newest
/// active one (with `org` active), or a new one; then the token.
pub async fn run(
    app: &App,
    command: &str,
    client: &Client,
    req: &TokenRequest,
) -> CliResult<Outcome> {
    if app.global.read_only {
        return Err(Fail::Guard(format!(
            "refusing to {}: read-only mode is on (--read-only or CLERKCTL_READ_ONLY); nothing was sent",
            change(req).doing
        )));
    }
    let emulator = app.local().is_some() || !sessions::is_clerk(client.base());
    if app.global.dry_run {
        let first = match &req.session {
            Some(id) => sessions::get(id.as_str())?.request(client).prepare(),
            None => sessions::list(&active_of(req))?
                .request(client, &Page::default())
                .prepare(),
        };
        return Ok(Outcome::DryRun(first));
    }
    let (session, created_session) = match &req.session {
        Some(id) => {
            let op = sessions::get(id.as_str())?;
            let session = op
                .request(client)
                .send()
                .await
                .map_err(clerk_fail(op.doing.clone(), op.subject))?;
            if let Some(why) = sessions::unusable(&session, &req.user) {
                return Err(usage(why));
            }
            let session = match &req.org {
                Some(org) if session.last_active_organization_id.as_ref() != Some(org) => {
                    if !emulator {
                        return Err(usage(format!(
                            "Clerk's Backend API cannot change an existing session's active organization (Clerk's Frontend API does, in a browser); drop --session {id} and a new session is made with {org} active (on development instances), or start the session in your app with that organization"
                        )));
                    }
                    let op = sessions::set_active_organization(&session.id, org);
                    decode(write(app, command, op, client).await?, "a session")?
                }
                _ => session,
            };
            (session, false)
        }
        None => {
            let op = sessions::list(&active_of(req))?;
            let page = op
                .request(
                    client,
                    &Page {
                        limit: Some(100),
                        ..Page::default()
                    },
                )
                .send()
                .await
                .map_err(clerk_fail(op.doing.clone(), op.subject))?;
            match sessions::reusable(&page.data, &req.user, req.org.as_ref()) {
                Some(s) => (s.clone(), false),
                None => {
                    if client.key_kind() == KeyKind::Live {
                        return Err(usage(format!(
                            "user {} has no active session{}, and Clerk's Backend API makes sessions only on development instances (sk_test_ keys): sign the user in through your app first, or name a session with --session",
                            req.user,
                            req.org
                                .as_ref()
                                .map(|o| format!(" with {o} active"))
                                .unwrap_or_default()
                        )));
                    }
                    let op = sessions::create(sessions::Create {
                        user_id: req.user.to_string(),
                        active_organization_id: req.org.as_ref().map(|o| o.to_string()),
                    })?;
                    (
                        decode(write(app, command, op, client).await?, "a session")?,
                        true,
                    )
                }
            }
        }
    };
    let op = sessions::mint(sessions::Mint {
        session_id: session.id.to_string(),
        template: req.template.clone(),
        ttl: req.ttl,
    })?;
    let token: Token = decode(write(app, command, op, client).await?, "a token")?;
    Ok(Outcome::Minted(Box::new(Minted {
        token,
        session,
        created_session,
    })))
}

fn active_of(req: &TokenRequest) -> sessions::SessionFilters {
    sessions::SessionFilters {
        user_id: Some(req.user.to_string()),
        client_id: None,
        status: Some("active".into()),
    }
}
