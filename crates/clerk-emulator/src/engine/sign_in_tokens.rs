//! Sign-in tokens (`/v1/sign_in_tokens`) and testing tokens (`/v1/testing_tokens`).
//!
//! A sign-in token is a signed ticket a user could sign in with through Clerk's Frontend API;
//! the emulator keeps it, answers it and revokes it. A testing token is what Clerk's testing
//! helpers pass to the Frontend API to pass bot protection; it holds nothing to check.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::state::{State, Table};
use super::{Engine, Json, body, json};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, token};
use crate::model::TICKET_BASE_URL;

/// Clerk's default sign-in token lifetime: 30 days.
const DEFAULT_EXPIRES_IN_SECONDS: i64 = 30 * 24 * 3600;
/// A testing token is valid for an hour, as in Clerk's example answer.
const TESTING_TOKEN_SECONDS: i64 = 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignInTokenStatus {
    Pending,
    Accepted,
    Revoked,
}

impl SignInTokenStatus {
    fn as_str(self) -> &'static str {
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
    fn view(&self, with_token: bool) -> Value {
        let mut v = json!({
            "object": "sign_in_token",
            "id": self.id,
            "status": self.status.as_str(),
            "user_id": self.user_id,
            "url": format!("{TICKET_BASE_URL}{}", self.token),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        });
        // The ticket itself is shown when it is made, as Clerk does.
        if with_token {
            v["token"] = json!(self.token);
        }
        v
    }
}

#[derive(Debug, Deserialize)]
struct CreateSignInToken {
    user_id: String,
    org_id: Option<String>,
    expires_in_seconds: Option<i64>,
}

fn get<'a>(st: &'a State, id: &str) -> ApiResult<&'a SignInToken> {
    st.sign_in_tokens
        .get(id)
        .ok_or_else(ApiError::resource_not_found)
}

impl Engine {
    pub fn create_sign_in_token(&self, body: Option<Value>, issuer: &str) -> ApiResult<Json> {
        let input: CreateSignInToken = body::parse(&body::CREATE_SIGN_IN_TOKEN, body)?;
        let key = self.signing_key()?;
        self.write(|st, ch| {
            if st.user(&input.user_id).is_none() {
                return Err(ApiError::user_not_found(&input.user_id));
            }
            if let Some(org) = &input.org_id {
                if !st.orgs.contains_key(org) {
                    return Err(ApiError::organization_not_found());
                }
                if st.membership_of(org, &input.user_id).is_none() {
                    return Err(ApiError::not_a_member());
                }
            }
            let now = super::now_ms();
            let expires_in = input
                .expires_in_seconds
                .unwrap_or(DEFAULT_EXPIRES_IN_SECONDS);
            let id = new_id("sit");
            let iat = now / 1000;
            let ticket = key.sign_jwt(
                json!({}),
                &json!({
                    "exp": iat + expires_in,
                    "iat": iat,
                    "iss": issuer,
                    "nbf": iat - 5,
                    "sid": id,
                    "st": "sign_in_token",
                    "sub": input.user_id,
                }),
            );
            let t = SignInToken {
                id: id.clone(),
                user_id: input.user_id,
                org_id: input.org_id,
                status: SignInTokenStatus::Pending,
                token: ticket,
                expires_at: now + expires_in * 1000,
                created_at: now,
                updated_at: now,
            };
            ch.touch(Table::SignInTokens, &id);
            let answer = json(&t.view(true));
            st.sign_in_tokens.insert(id, t);
            Ok(answer)
        })
    }

    /// Revokes a pending sign-in token; any other status gets Clerk's 400.
    pub fn revoke_sign_in_token(&self, id: &str) -> ApiResult<Json> {
        self.write(|st, ch| {
            let t = get(st, id)?;
            if t.status != SignInTokenStatus::Pending {
                return Err(ApiError::sign_in_token_not_revocable(t.status.as_str()));
            }
            let mut t = t.clone();
            t.status = SignInTokenStatus::Revoked;
            t.updated_at = super::now_ms();
            ch.touch(Table::SignInTokens, id);
            let answer = json(&t.view(false));
            st.sign_in_tokens.insert(id.to_owned(), t);
            Ok(answer)
        })
    }

    /// `POST /testing_tokens`: `<issued at>-<random>`, valid for an hour.
    pub fn create_testing_token(&self) -> ApiResult<Json> {
        let now = super::now_ms() / 1000;
        Ok(json(&json!({
            "object": "testing_token",
            "token": format!("{now}-{}", token(43)),
            "expires_at": now + TESTING_TOKEN_SECONDS,
        })))
    }
}
