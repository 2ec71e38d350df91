//! JWT templates (`/v1/jwt_templates`): named claim sets with their lifetime, clock skew and,
//! optionally, their own signing key.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::query::{self, Query};
use super::shortcodes;
use super::state::{Changes, State};
use super::{Engine, Json, body, json, list_json};
use crate::error::{ApiError, ApiResult};
use crate::ids::new_id;
use crate::keys::CustomKey;
use crate::model::{DeletedObject, JwtTemplate};

/// Claims every template token carries, which a template may not set. Clerk's JWT template
/// guide lists the first seven as default claims of every custom JWT and says the
/// session-bound `sid`, `v`, `pla` and `fea` cannot be included.
pub const RESERVED_CLAIMS: &[&str] = &[
    "azp", "exp", "iat", "iss", "jti", "nbf", "sub", "sid", "v", "pla", "fea",
];

/// Defaults from Clerk's JWT template guide.
pub const DEFAULT_LIFETIME: i64 = 60;
pub const DEFAULT_CLOCK_SKEW: i64 = 5;

/// The body of `POST /jwt_templates` and `PATCH /jwt_templates/{id}`.
#[derive(Debug, Deserialize)]
struct TemplateInput {
    name: String,
    claims: Map<String, Value>,
    lifetime: Option<i64>,
    allowed_clock_skew: Option<i64>,
    custom_signing_key: Option<bool>,
    signing_algorithm: Option<String>,
    signing_key: Option<String>,
}

fn check_claims(claims: &Map<String, Value>) -> ApiResult<()> {
    if let Some(reserved) = claims
        .keys()
        .find(|k| RESERVED_CLAIMS.contains(&k.as_str()))
    {
        return Err(ApiError::jwt_template_reserved_claim(reserved));
    }
    shortcodes::check(claims)
        .map_err(|why| ApiError::form1(ApiError::param_invalid_because("claims", &why)))
}

/// Checks an input against the instance (and the template it updates) and applies it.
fn apply(
    st: &State,
    current: Option<&JwtTemplate>,
    input: TemplateInput,
    now: i64,
) -> ApiResult<JwtTemplate> {
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        return Err(ApiError::form1(ApiError::param_empty("name")));
    }
    if let Some(other) = st.template_names.get(&name)
        && current.is_none_or(|c| &c.id != other)
    {
        return Err(ApiError::form1(ApiError::identifier_exists(
            "name",
            "JWT template name",
        )));
    }
    check_claims(&input.claims)?;
    let custom = input
        .custom_signing_key
        .unwrap_or_else(|| current.is_some_and(|c| c.custom_signing_key));
    let (algorithm, key) = if custom {
        let algorithm = input.signing_algorithm.or_else(|| {
            current
                .filter(|c| c.custom_signing_key)
                .map(|c| c.signing_algorithm.clone())
        });
        let key = input
            .signing_key
            .or_else(|| current.and_then(|c| c.signing_key.clone()));
        let mut missing = Vec::new();
        if algorithm.is_none() {
            missing.push(ApiError::conditional_param_missing(
                "signing_algorithm",
                "custom_signing_key",
                "true",
            ));
        }
        if key.is_none() {
            missing.push(ApiError::conditional_param_missing(
                "signing_key",
                "custom_signing_key",
                "true",
            ));
        }
        let (Some(algorithm), Some(key)) = (algorithm, key) else {
            return Err(ApiError::form(missing));
        };
        if let Err(e) = CustomKey::parse(&algorithm, &key) {
            let param = if crate::keys::CUSTOM_ALGORITHMS.contains(&algorithm.as_str()) {
                "signing_key"
            } else {
                "signing_algorithm"
            };
            return Err(ApiError::form1(ApiError::param_invalid_because(
                param,
                &e.to_string(),
            )));
        }
        (algorithm, Some(key))
    } else {
        ("RS256".to_owned(), None)
    };
    Ok(JwtTemplate {
        id: current.map_or_else(|| new_id("jtmp"), |c| c.id.clone()),
        name,
        claims: input.claims,
        lifetime: input
            .lifetime
            .or(current.map(|c| c.lifetime))
            .unwrap_or(DEFAULT_LIFETIME),
        allowed_clock_skew: input
            .allowed_clock_skew
            .or(current.map(|c| c.allowed_clock_skew))
            .unwrap_or(DEFAULT_CLOCK_SKEW),
        custom_signing_key: custom,
        signing_algorithm: algorithm,
        signing_key: key,
        created_at: current.map_or(now, |c| c.created_at),
        updated_at: now,
    })
}

fn get<'a>(st: &'a State, id: &str) -> ApiResult<&'a JwtTemplate> {
    st.jwt_templates
        .get(id)
        .ok_or_else(|| ApiError::jwt_template_not_found("id", id))
}

/// A template by name, for minting a token.
pub(super) fn by_name<'a>(st: &'a State, name: &str) -> ApiResult<&'a JwtTemplate> {
    st.template_names
        .get(name)
        .and_then(|id| st.jwt_templates.get(id))
        .ok_or_else(|| ApiError::jwt_template_not_found("name", name))
}

fn save(st: &mut State, ch: &mut Changes, t: JwtTemplate) -> Json {
    let answer = json(&t.view());
    st.save_jwt_template(ch, t);
    answer
}

impl Engine {
    pub fn list_jwt_templates(&self, pairs: &[(String, String)]) -> ApiResult<Json> {
        let q = Query::new(pairs);
        let paginated = q.bool("paginated")?.unwrap_or(false);
        let page = q.page()?;
        self.read(|st| {
            let mut all: Vec<&JwtTemplate> = st.jwt_templates.values().collect();
            all.sort_by(|a, b| query::by_creation(b.created_at, &b.id, a.created_at, &a.id));
            let total = all.len();
            let views: Vec<Value> = query::paginate(all, page)
                .into_iter()
                .map(JwtTemplate::view)
                .collect();
            Ok(if paginated {
                list_json(views, total)
            } else {
                json(&views)
            })
        })
    }

    pub fn get_jwt_template(&self, id: &str) -> ApiResult<Json> {
        self.read(|st| get(st, id).map(|t| json(&t.view())))
    }

    pub fn create_jwt_template(&self, body: Option<Value>) -> ApiResult<Json> {
        let input: TemplateInput = body::parse(&body::CREATE_JWT_TEMPLATE, body)?;
        self.write(|st, ch| {
            let t = apply(st, None, input, super::now_ms())?;
            Ok(save(st, ch, t))
        })
    }

    pub fn update_jwt_template(&self, id: &str, body: Option<Value>) -> ApiResult<Json> {
        let input: TemplateInput = body::parse(&body::UPDATE_JWT_TEMPLATE, body)?;
        self.write(|st, ch| {
            let current = get(st, id)?.clone();
            let t = apply(st, Some(&current), input, super::now_ms())?;
            Ok(save(st, ch, t))
        })
    }

    pub fn delete_jwt_template(&self, id: &str) -> ApiResult<Json> {
        self.write(|st, ch| {
            get(st, id)?;
            st.delete_jwt_template(ch, id);
            Ok(json(&DeletedObject {
                object: "jwt_template",
                id: id.to_owned(),
                slug: None,
                external_id: None,
                deleted: true,
            }))
        })
    }
}
