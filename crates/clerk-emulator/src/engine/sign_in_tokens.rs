//! Sign-in tokens (`/v1/sign_in_tokens`) and testing tokens (`/v1/testing_tokens`).
//!
//! A sign-in token is a signed ticket a user could sign in with through Clerk's Frontend API;
//! the emulator keeps it, answers it and revokes it. A testing token is what Clerk's testing
//! helpers pass to the Frontend API to pass bot protection; it holds nothing to check.

use serde::Deserialize;
use serde_json::{Value, json};

use super::state::State;
use super::{Engine, Json, body, json};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, token};
use crate::model::{SignInToken, SignInTokenStatus};

/// Clerk's default sign-in token lifetime: 30 days.
const DEFAULT_EXPIRES_IN_SECONDS: i64 = 30 * 24 * 3600;
/// A testing token is valid for an hour, as in Clerk's example answer.
const TESTING_TOKEN_SECONDS: i64 = 3600;

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
            let answer = json(&t.view(true));
            st.save_sign_in_token(ch, t);
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
            let answer = json(&t.view(false));
            st.save_sign_in_token(ch, t);
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
