//! Routes for sessions, session tokens, the JWKS, JWT templates, sign-in tokens and testing
//! tokens under `/v1`, and the emulator's own routes outside it: `/_emulator/...` (control and
//! inspection, with the secret key) and `/.well-known/jwks.json` (public, as a Frontend API's).

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::routing::{get, post};
use serde_json::json;

use super::{Answer, App, JsonBody, Reply, query_pairs};
use crate::engine::json;
use crate::engine::sessions::TokenRequest;

fn answer(r: crate::error::ApiResult<Vec<u8>>) -> Reply {
    r.map(Answer).map_err(Into::into)
}

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/v1/sessions", get(list_sessions).post(create_session))
        .route("/v1/sessions/{session_id}", get(get_session))
        .route("/v1/sessions/{session_id}/revoke", post(revoke_session))
        .route("/v1/sessions/{session_id}/tokens", post(create_token))
        .route(
            "/v1/sessions/{session_id}/tokens/{template_name}",
            post(create_template_token),
        )
        .route("/v1/jwks", get(jwks))
        .route("/v1/instance", get(get_instance))
        .route(
            "/v1/jwt_templates",
            get(list_templates).post(create_template),
        )
        .route(
            "/v1/jwt_templates/{template_id}",
            get(get_template)
                .patch(update_template)
                .delete(delete_template),
        )
        .route("/v1/sign_in_tokens", post(create_sign_in_token))
        .route(
            "/v1/sign_in_tokens/{sign_in_token_id}/revoke",
            post(revoke_sign_in_token),
        )
        .route("/v1/testing_tokens", post(create_testing_token))
        // The emulator's own routes.
        .route("/.well-known/jwks.json", get(jwks))
        .route("/_emulator/instance", get(instance))
        .route(
            "/_emulator/sessions/{session_id}/active_organization",
            post(set_active_organization),
        )
        .route("/_emulator/webhooks/deliveries", get(list_deliveries))
}

fn token_request(app: &App, headers: &HeaderMap) -> TokenRequest {
    TokenRequest {
        issuer: app.tokens.issuer.clone(),
        azp: headers
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && *v != "null")
            .map(str::to_owned),
        session_token_lifetime: app.tokens.session_token_lifetime,
    }
}

async fn list_sessions(State(app): State<App>, RawQuery(q): RawQuery) -> Reply {
    answer(app.engine.list_sessions(&query_pairs(q.as_deref())))
}

async fn create_session(State(app): State<App>, JsonBody(body): JsonBody) -> Reply {
    answer(app.engine.create_session(body))
}

async fn get_session(State(app): State<App>, Path(id): Path<String>) -> Reply {
    answer(app.engine.get_session(&id))
}

async fn revoke_session(State(app): State<App>, Path(id): Path<String>) -> Reply {
    answer(app.engine.revoke_session(&id))
}

async fn create_token(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Reply {
    let req = token_request(&app, &headers);
    answer(app.engine.create_session_token(&id, None, body, &req))
}

async fn create_template_token(
    State(app): State<App>,
    Path((id, template)): Path<(String, String)>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Reply {
    let req = token_request(&app, &headers);
    answer(
        app.engine
            .create_session_token(&id, Some(&template), body, &req),
    )
}

async fn jwks(State(app): State<App>) -> Reply {
    let key = app.engine.signing_key()?;
    Ok(Answer(json(&json!({"keys": [key.jwk()]}))))
}

/// `GET /v1/instance`: the instance the key belongs to. Its ID is the signing key's `kid` (as
/// Clerk's is); its environment is the key's (`sk_live_`: production, `sk_test_`:
/// development), the guard having accepted the key already.
async fn get_instance(State(app): State<App>, headers: HeaderMap) -> Reply {
    let key = app.engine.signing_key()?;
    let live = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .is_some_and(|(_, k)| k.trim().starts_with("sk_live_"));
    Ok(Answer(json(&json!({
        "object": "instance",
        "id": key.kid(),
        "environment_type": if live { "production" } else { "development" },
        "allowed_origins": null,
        "workspace_id": null,
    }))))
}

async fn list_templates(State(app): State<App>, RawQuery(q): RawQuery) -> Reply {
    answer(app.engine.list_jwt_templates(&query_pairs(q.as_deref())))
}

async fn create_template(State(app): State<App>, JsonBody(body): JsonBody) -> Reply {
    answer(app.engine.create_jwt_template(body))
}

async fn get_template(State(app): State<App>, Path(id): Path<String>) -> Reply {
    answer(app.engine.get_jwt_template(&id))
}

async fn update_template(
    State(app): State<App>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Reply {
    answer(app.engine.update_jwt_template(&id, body))
}

async fn delete_template(State(app): State<App>, Path(id): Path<String>) -> Reply {
    answer(app.engine.delete_jwt_template(&id))
}

async fn create_sign_in_token(State(app): State<App>, JsonBody(body): JsonBody) -> Reply {
    answer(app.engine.create_sign_in_token(body, &app.tokens.issuer))
}

async fn revoke_sign_in_token(State(app): State<App>, Path(id): Path<String>) -> Reply {
    answer(app.engine.revoke_sign_in_token(&id))
}

async fn create_testing_token(State(app): State<App>) -> Reply {
    answer(app.engine.create_testing_token())
}

/// `GET /_emulator/instance`: what an app under test needs to trust the emulator's tokens.
async fn instance(State(app): State<App>) -> Reply {
    use base64::Engine as _;
    let key = app.engine.signing_key()?;
    let issuer = &app.tokens.issuer;
    let host = issuer
        .split_once("://")
        .map_or(issuer.as_str(), |(_, rest)| rest);
    let publishable = format!(
        "pk_test_{}",
        base64::engine::general_purpose::STANDARD.encode(format!("{host}$"))
    );
    Ok(Answer(json(&json!({
        "object": "emulator_instance",
        "instance_id": key.kid(),
        "issuer": issuer,
        "publishable_key": publishable,
        "jwks_url": format!("{issuer}/.well-known/jwks.json"),
        "jwt_public_key": key.public_pem(),
        "session_token_lifetime": app.tokens.session_token_lifetime,
        "webhooks": app.engine.webhooks().map(|w| w.endpoints()).unwrap_or_default(),
    }))))
}

async fn set_active_organization(
    State(app): State<App>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Reply {
    answer(app.engine.set_active_organization(&id, body))
}

async fn list_deliveries(State(app): State<App>, RawQuery(q): RawQuery) -> Reply {
    let pairs = query_pairs(q.as_deref());
    match app.engine.webhooks() {
        Some(w) => answer(w.deliveries(&pairs)),
        None => Ok(Answer(json(&json!({"data": [], "total_count": 0})))),
    }
}
