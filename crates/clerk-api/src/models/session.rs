use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{SessionStatus, SignInTokenStatus, Timestamp};
use crate::ids::{ClientId, OrganizationId, SessionId, UserId};

/// A user's session on one client (a browser or a device).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Session {
    /// The session's ID.
    pub id: SessionId,
    /// The user signed in.
    pub user_id: UserId,
    /// The client the session lives on.
    #[serde(default)]
    pub client_id: Option<ClientId>,
    /// Its status; only an `active` session mints tokens.
    pub status: SessionStatus,
    /// The organization active in the session, which its tokens name (the `o` claim).
    #[serde(default)]
    pub last_active_organization_id: Option<OrganizationId>,
    /// Who is impersonating the user, when someone is.
    #[serde(default)]
    pub actor: Option<Value>,
    /// When the user was last active in it (Unix milliseconds).
    #[serde(default)]
    pub last_active_at: Option<Timestamp>,
    /// Where the latest activity came from, when Clerk knows.
    #[serde(default)]
    pub latest_activity: Option<SessionActivity>,
    /// When it expires (Unix milliseconds).
    #[serde(default)]
    pub expire_at: Option<Timestamp>,
    /// When it is abandoned if unused (Unix milliseconds).
    #[serde(default)]
    pub abandon_at: Option<Timestamp>,
    /// What the user must still do before the session is active (a `pending` session).
    #[serde(default)]
    pub tasks: Option<Vec<SessionTask>>,
    /// When it was created (Unix milliseconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// When it last changed (Unix milliseconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Where a session's latest activity came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionActivity {
    /// The activity's ID.
    #[serde(default)]
    pub id: Option<String>,
    /// The device type, e.g. `Macintosh`.
    #[serde(default)]
    pub device_type: Option<String>,
    /// Whether the device is a mobile one.
    #[serde(default)]
    pub is_mobile: bool,
    /// The browser's name.
    #[serde(default)]
    pub browser_name: Option<String>,
    /// The browser's version.
    #[serde(default)]
    pub browser_version: Option<String>,
    /// The IP address.
    #[serde(default)]
    pub ip_address: Option<String>,
    /// The city, from the IP address.
    #[serde(default)]
    pub city: Option<String>,
    /// The country, from the IP address.
    #[serde(default)]
    pub country: Option<String>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A task a user must complete before their session is active.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionTask {
    /// What to do, e.g. `choose-organization`.
    pub key: String,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A signed token: `{"object": "token", "jwt": "..."}`, what a session token (or a JWT
/// template's token) request answers.
///
/// The JWT is a credential: whoever holds it is the user until it expires. `Debug` shows only
/// its header and claims, never the signature.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Token {
    /// `token`.
    #[serde(default)]
    pub object: String,
    /// The JWT, to send as `Authorization: Bearer ...`.
    pub jwt: String,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Token {
    /// The token's claims (its payload), decoded without checking the signature: for reading
    /// `exp`, `sid` or `o`, never for trusting them. `None` if the JWT is malformed.
    pub fn claims(&self) -> Option<Map<String, Value>> {
        jwt_part(&self.jwt, 1)
    }

    /// The token's header (`alg`, `kid`, ...), decoded. `None` if the JWT is malformed.
    pub fn header(&self) -> Option<Map<String, Value>> {
        jwt_part(&self.jwt, 0)
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("header", &self.header())
            .field("claims", &self.claims())
            .field("jwt", &"[not shown]")
            .finish_non_exhaustive()
    }
}

fn jwt_part(jwt: &str, index: usize) -> Option<Map<String, Value>> {
    use base64::Engine as _;
    let part = jwt.split('.').nth(index)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A testing token: lets a test runner's browser through Clerk's bot protection (pass it as
/// `__clerk_testing_token` to the Frontend API).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TestingToken {
    /// `testing_token`.
    #[serde(default)]
    pub object: String,
    /// The token.
    pub token: String,
    /// When it expires (Unix **seconds**, as Clerk documents it).
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for TestingToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestingToken")
            .field("token", &"[not shown]")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A sign-in token: a one-time ticket that signs its user in (the `ticket` strategy of the
/// Frontend API).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SignInToken {
    /// The sign-in token's ID. Clerk documents no prefix for it, so it is not typed.
    pub id: String,
    /// The user it signs in.
    pub user_id: UserId,
    /// Its status; only a `pending` one can be used or revoked.
    pub status: SignInTokenStatus,
    /// The ticket itself: present when it is created, a credential until used or revoked.
    #[serde(default)]
    pub token: Option<String>,
    /// A URL that signs the user in with the ticket.
    #[serde(default)]
    pub url: Option<String>,
    /// When it was created (Unix milliseconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// When it last changed (Unix milliseconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for SignInToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInToken")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("status", &self.status)
            .field("token", &self.token.as_ref().map(|_| "[not shown]"))
            .field("url", &self.url.as_ref().map(|_| "[not shown]"))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_session_reads_unknown_statuses_and_keeps_extra_fields() {
        let s: Session = serde_json::from_value(json!({
            "object": "session", "id": "sess_1", "user_id": "user_1", "client_id": "client_1",
            "status": "frozen", "last_active_organization_id": null, "new_field": 1,
        }))
        .unwrap();
        assert_eq!(s.status, SessionStatus::Unknown("frozen".into()));
        assert_eq!(s.extra["new_field"], 1);
        assert!(s.last_active_organization_id.is_none());
    }

    #[test]
    fn a_token_shows_its_claims_but_never_its_signature() {
        // {"alg":"RS256"} . {"sub":"user_1"} . a signature
        let t: Token = serde_json::from_value(json!({
            "object": "token",
            "jwt": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJlLXNlY3JldA",
        }))
        .unwrap();
        assert_eq!(t.claims().unwrap()["sub"], "user_1");
        assert_eq!(t.header().unwrap()["alg"], "RS256");
        let shown = format!("{t:?}");
        assert!(
            shown.contains("user_1") && !shown.contains("c2lnbmF0dXJl"),
            "{shown}"
        );
        let bad = Token {
            object: "token".into(),
            jwt: "not a jwt".into(),
            extra: Map::new(),
        };
        assert!(bad.claims().is_none());
    }
}
