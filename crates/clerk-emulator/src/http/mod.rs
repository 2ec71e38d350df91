//! The HTTP face of the emulator: routes under `/v1`, authentication, API versions, rate limits,
//! injected faults, and Clerk-shaped errors for everything that goes wrong.

mod guard;
mod routes;
mod tokens;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::config::Config;
use crate::engine::{Engine, Json};
use crate::error::ApiError;

pub use guard::{DropConnection, PeerAddr};

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Shared by every request.
#[derive(Debug, Clone)]
pub struct App {
    pub engine: Arc<Engine>,
    guard: Arc<guard::Guard>,
    tokens: Arc<TokenSettings>,
}

/// How the emulator's tokens are issued.
#[derive(Debug)]
struct TokenSettings {
    /// The `iss` of every token: the emulator's base URL, which also serves the JWKS at
    /// `/.well-known/jwks.json` as a Frontend API does.
    issuer: String,
    /// Seconds a session token lives when the request names no lifetime.
    session_token_lifetime: i64,
}

/// The router for an engine and a configuration, served at `base_url`.
pub fn router(engine: Arc<Engine>, config: &Config, base_url: &str) -> Router {
    let app = App {
        engine,
        guard: Arc::new(guard::Guard::new(config)),
        tokens: Arc::new(TokenSettings {
            issuer: base_url.to_owned(),
            session_token_lifetime: config.session_token_lifetime.as_secs().max(1) as i64,
        }),
    };
    routes::routes()
        .merge(tokens::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::gate,
        ))
        .with_state(app)
}

/// A successful answer: 200 with a JSON body.
#[derive(Debug)]
pub struct Answer(pub Json);

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        // Exactly `application/json`: Clerk's JS SDK parses JSON only for that exact value.
        let mut resp = Response::new(Body::from(self.0));
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        resp
    }
}

/// An error answer with a `ClerkErrors` body.
#[derive(Debug)]
pub struct Failure(pub ApiError);

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure(e)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let trace_id = crate::ids::token(32).to_lowercase();
        let body = crate::engine::json(&self.0.body(&trace_id));
        let status =
            StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, Body::from(body)).into_response();
        let headers = resp.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Ok(v) = HeaderValue::from_str(&trace_id) {
            headers.insert("clerk-trace-id", v);
        }
        if let Some(secs) = self.0.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

pub type Reply = Result<Answer, Failure>;

async fn not_found(req: Request) -> Failure {
    tracing::debug!(method = %req.method(), path = req.uri().path(), "no such route");
    Failure(ApiError::route_not_found())
}

async fn method_not_allowed(req: Request) -> Failure {
    Failure(ApiError::method_not_allowed(
        req.method().as_str(),
        req.uri().path(),
    ))
}

/// A JSON request body: `None` when there is none. Refuses other content types (415),
/// oversized bodies (413) and malformed JSON (400) with Clerk's errors.
#[derive(Debug)]
pub struct JsonBody(pub Option<Value>);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Failure;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY_BYTES)
            .await
            .map_err(|_| ApiError::body_too_large(MAX_BODY_BYTES))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(JsonBody(None));
        }
        if let Some(ct) = &content_type {
            let essence = ct.split(';').next().unwrap_or("").trim();
            if !essence.eq_ignore_ascii_case("application/json") {
                return Err(ApiError::unsupported_content_type(essence).into());
            }
        }
        serde_json::from_slice(&bytes)
            .map(|v| JsonBody(Some(v)))
            .map_err(|e| {
                ApiError::malformed_body(&format!(
                    "malformed JSON at line {} column {}",
                    e.line(),
                    e.column()
                ))
                .into()
            })
    }
}

/// Decoded query pairs (`RawQuery` with form decoding, repeated keys kept).
pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| {
        form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
    .unwrap_or_default()
}
