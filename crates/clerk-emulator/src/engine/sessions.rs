//! Sessions (`/v1/sessions`) and the tokens they mint.
//!
//! `POST /sessions` makes an active session for a user, as Clerk's testing endpoint does. A
//! session token carries the claims Clerk documents for session token version 2; a JWT
//! template token carries the template's rendered claims and the default claims of a custom
//! JWT. Both are signed with the instance key and listed in `GET /v1/jwks`. Only an active
//! session mints tokens: a revoked, ended or expired one gets 401.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::query::{self, Query};
use super::shortcodes;
use super::state::State;
use super::templates;
use super::{Engine, Json, body, json, list_json};
use crate::error::{ApiError, ApiResult};
use crate::ids::new_id;
use crate::model::{Membership, Session, SessionStatus, User};

/// Clerk's default session lifetime (seven days) and abandonment (thirty days).
const SESSION_LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;
const SESSION_ABANDON_MS: i64 = 30 * 24 * 3600 * 1000;
/// Clerk's default session token lifetime, and the `nbf` leeway its session tokens carry.
pub const DEFAULT_TOKEN_LIFETIME_SECS: i64 = 60;
const SESSION_TOKEN_SKEW_SECS: i64 = 10;

/// The `cat` header values `@clerk/backend` tells token classes apart by (clerk_go's
/// `pkg/jwt`): a template token is refused where a session token is expected.
pub const CATEGORY_SESSION_TOKEN: &str = "cl_B7d4PD111AAA";
pub const CATEGORY_JWT_TEMPLATE: &str = "cl_B7d4PD222AAA";

/// What a token needs from the request that asks for it.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    /// The `iss` claim: the emulator's base URL, standing in for a Frontend API URL.
    pub issuer: String,
    /// The `azp` claim: the request's `Origin`, as Clerk takes it from the browser's.
    pub azp: Option<String>,
    /// Lifetime of session tokens when the request names none.
    pub session_token_lifetime: i64,
}

#[derive(Debug, Deserialize)]
struct CreateSession {
    user_id: String,
    active_organization_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CreateToken {
    expires_in_seconds: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct SetActiveOrganization {
    organization_id: Option<String>,
}

fn get<'a>(st: &'a State, id: &str) -> ApiResult<&'a Session> {
    st.sessions
        .get(id)
        .ok_or_else(|| ApiError::session_not_found(id))
}

/// The organization a session may make active: one the user belongs to.
fn check_member<'a>(st: &'a State, user_id: &str, org_id: &str) -> ApiResult<&'a Membership> {
    if !st.orgs.contains_key(org_id) {
        return Err(ApiError::organization_not_found());
    }
    st.membership_of(org_id, user_id)
        .ok_or_else(ApiError::not_a_member)
}

fn jti() -> String {
    let mut bytes = [0u8; 10];
    fastrand::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `o` claim (and the `fea` claim it refers to) for the session's active organization.
///
/// Permissions are Clerk's `org:<feature>:<permission>`; system permissions (`org:sys_*`) stay
/// out of the token, as Clerk's do. `per` lists the permission names, `fea` the features
/// (`o:<feature>`), and `fpm` one bitmask per feature over `per`, least significant bit first.
fn org_claims(st: &State, m: &Membership) -> Option<(Value, Option<String>)> {
    let org = st.orgs.get(&m.organization_id)?;
    let permissions: Vec<(String, String)> = st
        .role(&m.role)
        .map(|r| r.permissions.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|p| {
            let mut parts = p.splitn(3, ':');
            let (_, feature, perm) = (parts.next()?, parts.next()?, parts.next()?);
            (!feature.starts_with("sys_")).then(|| (feature.to_owned(), perm.to_owned()))
        })
        .collect();
    let mut features: Vec<&str> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (f, p) in &permissions {
        if !features.contains(&f.as_str()) {
            features.push(f);
        }
        if !names.contains(&p.as_str()) {
            names.push(p);
        }
    }
    let masks: Vec<String> = features
        .iter()
        .map(|f| {
            let mask: u64 = permissions
                .iter()
                .filter(|(pf, _)| pf == f)
                .filter_map(|(_, p)| names.iter().position(|n| n == p))
                .fold(0, |acc, i| acc | (1 << i));
            mask.to_string()
        })
        .collect();
    let role = m.role.strip_prefix("org:").unwrap_or(&m.role);
    let o = json!({
        "id": org.id,
        "slg": org.slug,
        "rol": role,
        "per": names.join(","),
        "fpm": masks.join(","),
    });
    let fea = (!features.is_empty()).then(|| {
        features
            .iter()
            .map(|f| format!("o:{f}"))
            .collect::<Vec<_>>()
            .join(",")
    });
    Some((o, fea))
}

/// What a template's shortcode names, for this session's user and active organization.
fn lookup(st: &State, user: &User, session: &Session, path: &[String]) -> Value {
    let Some((root, rest)) = path.split_first() else {
        return Value::Null;
    };
    let membership = session
        .last_active_organization_id
        .as_deref()
        .and_then(|org| st.membership_of(org, &user.id));
    let (Some(field), tail) = (
        rest.first().map(String::as_str),
        rest.get(1..).unwrap_or(&[]),
    ) else {
        return Value::Null;
    };
    let opt = |v: Option<&str>| v.map_or(Value::Null, |s| Value::String(s.to_owned()));
    match root.as_str() {
        "user" => {
            let view: Value =
                serde_json::from_slice(&user.json(st.user_context())).unwrap_or(Value::Null);
            match field {
                "public_metadata" | "unsafe_metadata" => shortcodes::dig(&view[field], tail),
                _ if !tail.is_empty() => Value::Null,
                "id" | "external_id" | "username" | "first_name" | "last_name" | "image_url"
                | "profile_image_url" | "has_image" | "two_factor_enabled" => view[field].clone(),
                "full_name" => {
                    let name = [user.first_name.as_deref(), user.last_name.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ");
                    if name.is_empty() {
                        Value::Null
                    } else {
                        Value::String(name)
                    }
                }
                "primary_email_address" => opt(user.primary_email()),
                "primary_phone_number" => opt(user.primary_phone()),
                "primary_web3_wallet" => opt(user.primary_web3()),
                "email_verified" => Value::Bool(user.primary_email().is_some()),
                "phone_number_verified" => Value::Bool(user.primary_phone().is_some()),
                // Seconds, as Clerk's template guide shows them.
                "created_at" => json!(user.created_at / 1000),
                "updated_at" => json!(user.updated_at / 1000),
                "organizations" => Value::Object(
                    st.user_orgs
                        .get(&user.id)
                        .into_iter()
                        .flatten()
                        .filter_map(|org| {
                            st.membership_of(org, &user.id)
                                .map(|m| (org.clone(), Value::String(m.role.clone())))
                        })
                        .collect(),
                ),
                _ => Value::Null,
            }
        }
        "org" => {
            let Some(m) = membership else {
                return Value::Null;
            };
            let Some(org) = st.orgs.get(&m.organization_id) else {
                return Value::Null;
            };
            match field {
                "public_metadata" => {
                    shortcodes::dig(&Value::Object(org.public_metadata.clone()), tail)
                }
                _ if !tail.is_empty() => Value::Null,
                "id" => json!(org.id),
                "name" => json!(org.name),
                "slug" => json!(org.slug),
                "image_url" => json!(crate::model::DEFAULT_IMAGE_URL),
                "has_image" => json!(false),
                "role" => json!(m.role),
                _ => Value::Null,
            }
        }
        "org_membership" => match (membership, field) {
            (Some(m), "public_metadata") => {
                shortcodes::dig(&Value::Object(m.public_metadata.clone()), tail)
            }
            _ => Value::Null,
        },
        // No impersonation in the emulator: `session.actor` is always null.
        _ => Value::Null,
    }
}

impl Engine {
    pub fn create_session(&self, body: Option<Value>) -> ApiResult<Json> {
        let input: CreateSession = body::parse(&body::CREATE_SESSION, body)?;
        self.write(|st, ch| {
            let user = st
                .user(&input.user_id)
                .ok_or_else(|| ApiError::user_not_found(&input.user_id))?;
            if user.banned {
                return Err(ApiError::user_banned());
            }
            if let Some(org) = &input.active_organization_id {
                check_member(st, &input.user_id, org)?;
            }
            let now = super::now_ms();
            st.record_sign_in(ch, &input.user_id, now);
            let s = Session {
                id: new_id("sess"),
                user_id: input.user_id,
                client_id: new_id("client"),
                status: SessionStatus::Active,
                last_active_organization_id: input.active_organization_id,
                last_active_at: now,
                expire_at: now + SESSION_LIFETIME_MS,
                abandon_at: now + SESSION_ABANDON_MS,
                created_at: now,
                updated_at: now,
            };
            let id = s.id.clone();
            st.save_session(ch, s);
            Ok(json(&st.sessions[&id].view(now)))
        })
    }

    /// `GET /sessions`: newest first, by user or client (one of them is required), by status.
    pub fn list_sessions(&self, pairs: &[(String, String)]) -> ApiResult<Json> {
        let q = Query::new(pairs);
        let user = q.one("user_id");
        let client = q.one("client_id");
        let status = q.one("status");
        if let Some(s) = status
            && !SessionStatus::FILTERS.contains(&s)
        {
            return Err(ApiError::query_value_invalid("status", s));
        }
        let paginated = q.bool("paginated")?.unwrap_or(false);
        let page = q.page()?;
        if user.is_none() && client.is_none() {
            return Err(ApiError::one_of_params_missing(&["client_id", "user_id"]));
        }
        self.read(|st| {
            let now = super::now_ms();
            let mut found: Vec<&Session> = match user {
                Some(u) => st
                    .user_sessions
                    .get(u)
                    .into_iter()
                    .flatten()
                    .filter_map(|id| st.sessions.get(id))
                    .collect(),
                None => st.sessions.values().collect(),
            };
            found.retain(|s| {
                client.is_none_or(|c| s.client_id == c)
                    && status.is_none_or(|want| s.status_at(now).as_str() == want)
            });
            found.sort_by(|a, b| query::by_creation(b.created_at, &b.id, a.created_at, &a.id));
            let total = found.len();
            let views: Vec<Value> = query::paginate(found, page)
                .into_iter()
                .map(|s| s.view(now))
                .collect();
            Ok(if paginated {
                list_json(views, total)
            } else {
                json(&views)
            })
        })
    }

    pub fn get_session(&self, id: &str) -> ApiResult<Json> {
        self.read(|st| get(st, id).map(|s| json(&s.view(super::now_ms()))))
    }

    /// Revokes an active session; a session already ended stays as it is.
    pub fn revoke_session(&self, id: &str) -> ApiResult<Json> {
        self.write(|st, ch| {
            let now = super::now_ms();
            let s = get(st, id)?;
            if s.status_at(now) == SessionStatus::Active {
                let mut s = s.clone();
                s.status = SessionStatus::Revoked;
                s.updated_at = now;
                st.save_session(ch, s);
            }
            Ok(json(&st.sessions[id].view(now)))
        })
    }

    /// Chooses a session's active organization (`None` clears it). Clerk does this in its
    /// Frontend API; the emulator offers it on its own control route.
    pub fn set_active_organization(&self, id: &str, body: Option<Value>) -> ApiResult<Json> {
        let input: SetActiveOrganization = body::parse(&body::SET_ACTIVE_ORGANIZATION, body)?;
        self.write(|st, ch| {
            let now = super::now_ms();
            let s = get(st, id)?;
            if s.status_at(now) != SessionStatus::Active {
                return Err(ApiError::session_not_active());
            }
            let org = match input.organization_id.as_deref() {
                Some(org) => {
                    let org = st
                        .find_org(org)
                        .map(|o| o.id.clone())
                        .ok_or_else(ApiError::organization_not_found)?;
                    check_member(st, &s.user_id, &org)?;
                    Some(org)
                }
                None => None,
            };
            let mut s = s.clone();
            s.last_active_organization_id = org;
            s.last_active_at = now;
            s.updated_at = now;
            st.save_session(ch, s);
            Ok(json(&st.sessions[id].view(now)))
        })
    }

    /// `POST /sessions/{id}/tokens[/{template}]`: `{"object": "token", "jwt": ...}`.
    pub fn create_session_token(
        &self,
        id: &str,
        template: Option<&str>,
        body: Option<Value>,
        req: &TokenRequest,
    ) -> ApiResult<Json> {
        let spec = if template.is_some() {
            &body::CREATE_SESSION_TOKEN_FROM_TEMPLATE
        } else {
            &body::CREATE_SESSION_TOKEN
        };
        let input: CreateToken = body::parse(spec, body)?;
        // Signed outside the state lock: the key may have to be made (and stored) first.
        let key = self.signing_key()?;
        let (header, claims, custom) = self.read(|st| {
            let now_ms = super::now_ms();
            let session = get(st, id)?;
            if session.status_at(now_ms) != SessionStatus::Active {
                return Err(ApiError::session_not_active());
            }
            let user = st
                .user(&session.user_id)
                .ok_or_else(ApiError::session_not_active)?;
            let now = now_ms / 1000;
            let mut claims = Map::new();
            if let Some(azp) = &req.azp {
                claims.insert("azp".into(), json!(azp));
            }
            match template {
                None => {
                    let lifetime = input
                        .expires_in_seconds
                        .unwrap_or(req.session_token_lifetime);
                    claims.insert("exp".into(), json!(now + lifetime));
                    let minutes = (now_ms - session.created_at).max(0) / 60_000;
                    claims.insert("fva".into(), json!([minutes, -1]));
                    claims.insert("iat".into(), json!(now));
                    claims.insert("iss".into(), json!(req.issuer));
                    claims.insert("jti".into(), json!(jti()));
                    claims.insert("nbf".into(), json!(now - SESSION_TOKEN_SKEW_SECS));
                    let org = session
                        .last_active_organization_id
                        .as_deref()
                        .and_then(|org| st.membership_of(org, &user.id))
                        .and_then(|m| org_claims(st, m));
                    if let Some((o, fea)) = org {
                        if let Some(fea) = fea {
                            claims.insert("fea".into(), json!(fea));
                        }
                        claims.insert("o".into(), o);
                    }
                    claims.insert("sid".into(), json!(session.id));
                    claims.insert("sub".into(), json!(user.id));
                    claims.insert("v".into(), json!(2));
                    Ok((
                        json!({"cat": CATEGORY_SESSION_TOKEN}),
                        Value::Object(claims),
                        None,
                    ))
                }
                Some(name) => {
                    let t = templates::by_name(st, name)?;
                    let rendered = shortcodes::render(&t.claims, &|p| lookup(st, user, session, p));
                    let lifetime = input.expires_in_seconds.unwrap_or(t.lifetime);
                    let mut all = rendered;
                    all.insert("exp".into(), json!(now + lifetime));
                    all.insert("iat".into(), json!(now));
                    all.insert("iss".into(), json!(req.issuer));
                    all.insert("jti".into(), json!(jti()));
                    all.insert("nbf".into(), json!(now - t.allowed_clock_skew));
                    all.insert("sub".into(), json!(user.id));
                    all.extend(claims);
                    Ok((
                        json!({"cat": CATEGORY_JWT_TEMPLATE}),
                        Value::Object(all),
                        t.custom_key(),
                    ))
                }
            }
        })?;
        let jwt = match custom {
            Some(k) => k.sign_jwt(header, &claims).map_err(ApiError::internal)?,
            None => key.sign_jwt(header, &claims),
        };
        Ok(json(&json!({"object": "token", "jwt": jwt})))
    }
}
