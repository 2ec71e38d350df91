//! Sessions, JWT templates and sign-in tokens: records and their Clerk shapes.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::TICKET_BASE_URL;
use crate::keys::CustomKey;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionStatus {
    Active,
    Revoked,
    Ended,
    Expired,
    Removed,
    Abandoned,
    Replaced,
    Pending,
}

impl SessionStatus {
    /// The values `GET /sessions?status=` takes.
    pub const FILTERS: &[&str] = &[
        "abandoned",
        "active",
        "ended",
        "expired",
        "removed",
        "replaced",
        "revoked",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Revoked => "revoked",
            Self::Ended => "ended",
            Self::Expired => "expired",
            Self::Removed => "removed",
            Self::Abandoned => "abandoned",
            Self::Replaced => "replaced",
            Self::Pending => "pending",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub client_id: String,
    pub status: SessionStatus,
    pub last_active_organization_id: Option<String>,
    pub last_active_at: i64,
    pub expire_at: i64,
    pub abandon_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Session {
    /// The status as seen now: an active session past its expiry reads as expired.
    pub fn status_at(&self, now: i64) -> SessionStatus {
        match self.status {
            SessionStatus::Active if now >= self.expire_at => SessionStatus::Expired,
            s => s,
        }
    }

    pub fn view(&self, now: i64) -> Value {
        json!({
            "object": "session",
            "id": self.id,
            "user_id": self.user_id,
            "client_id": self.client_id,
            "actor": null,
            "status": self.status_at(now).as_str(),
            "last_active_organization_id": self.last_active_organization_id,
            "last_active_at": self.last_active_at,
            "latest_activity": null,
            "expire_at": self.expire_at,
            "abandon_at": self.abandon_at,
            "updated_at": self.updated_at,
            "created_at": self.created_at,
            "tasks": null,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JwtTemplate {
    pub id: String,
    pub name: String,
    pub claims: Map<String, Value>,
    pub lifetime: i64,
    pub allowed_clock_skew: i64,
    pub custom_signing_key: bool,
    pub signing_algorithm: String,
    /// The custom key (a secret or a PEM private key); never in an answer.
    pub signing_key: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl JwtTemplate {
    pub fn view(&self) -> Value {
        json!({
            "object": "jwt_template",
            "id": self.id,
            "name": self.name,
            "claims": self.claims,
            "lifetime": self.lifetime,
            "allowed_clock_skew": self.allowed_clock_skew,
            "custom_signing_key": self.custom_signing_key,
            "signing_algorithm": self.signing_algorithm,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }

    /// The template's own key, when it has one.
    pub fn custom_key(&self) -> Option<CustomKey> {
        let key = self
            .signing_key
            .as_deref()
            .filter(|_| self.custom_signing_key)?;
        CustomKey::parse(&self.signing_algorithm, key).ok()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignInTokenStatus {
    Pending,
    Accepted,
    Revoked,
}

impl SignInTokenStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Revoked => "revoked",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignInToken {
    pub id: String,
    pub user_id: String,
    pub org_id: Option<String>,
    pub status: SignInTokenStatus,
    pub token: String,
    pub expires_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl SignInToken {
    /// The ticket itself is shown when it is made, as Clerk does.
    pub fn view(&self, with_token: bool) -> Value {
        let mut v = json!({
            "object": "sign_in_token",
            "id": self.id,
            "status": self.status.as_str(),
            "user_id": self.user_id,
            "url": format!("{TICKET_BASE_URL}{}", self.token),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        });
        if with_token {
            v["token"] = json!(self.token);
        }
        v
    }
}
