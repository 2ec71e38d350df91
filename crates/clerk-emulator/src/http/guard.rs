//! What every request passes before its route: latency, authentication, the API version, rate
//! limits, and injected faults.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use parking_lot::Mutex;

use super::{App, Failure};
use crate::config::{Config, FaultKind, Faults, RateLimit};
use crate::engine::ApiVersion;
use crate::error::ApiError;

/// Marks a response whose connection must close with no answer (an injected drop).
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

/// The client's address, set on each request by the server.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub std::net::SocketAddr);

/// What a route is, for what it must pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Clerk's Backend API: authentication, versions, limits, faults.
    Api,
    /// The emulator's control and inspection routes: authentication only.
    Control,
    /// Public, as on a Frontend API: the JWKS.
    Public,
}

fn kind(path: &str) -> Kind {
    if path == "/.well-known/jwks.json" {
        Kind::Public
    } else if path.starts_with("/_emulator/") {
        Kind::Control
    } else {
        Kind::Api
    }
}

#[derive(Debug)]
pub(super) struct Guard {
    keys: Vec<String>,
    latency: Duration,
    limiter: Option<Limiter>,
    invitation_limiter: Option<Limiter>,
    faults: Faults,
    rng: Mutex<fastrand::Rng>,
}

impl Guard {
    pub(super) fn new(config: &Config) -> Guard {
        Guard {
            keys: config.secret_keys.clone(),
            latency: config.latency,
            limiter: config.rate_limit.map(Limiter::new),
            invitation_limiter: config.invitation_limits.then(|| {
                Limiter::new(RateLimit {
                    requests: 0,
                    window: HOUR,
                })
            }),
            faults: config.faults.clone(),
            rng: Mutex::new(match config.faults.seed {
                Some(seed) => fastrand::Rng::with_seed(seed),
                None => fastrand::Rng::new(),
            }),
        }
    }

    fn authenticate(&self, headers: &HeaderMap) -> Result<String, ApiError> {
        let value = headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or_else(ApiError::auth_missing)?;
        let value = value.to_str().map_err(|_| ApiError::auth_header_format())?;
        let (scheme, key) = value
            .split_once(' ')
            .ok_or_else(ApiError::auth_header_format)?;
        let key = key.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || key.is_empty() || key.contains(' ') {
            return Err(ApiError::auth_header_format());
        }
        if !self.keys.is_empty() {
            return if self.keys.iter().any(|k| k == key) {
                Ok(key.to_owned())
            } else {
                Err(ApiError::secret_key_invalid())
            };
        }
        if key
            .strip_prefix("sk_test_")
            .is_some_and(|rest| !rest.is_empty())
        {
            Ok(key.to_owned())
        } else if key.starts_with("sk_live_") {
            Err(ApiError::live_key_refused())
        } else {
            Err(ApiError::secret_key_invalid())
        }
    }

    fn draw_fault(&self) -> Option<FaultKind> {
        if self.faults.rate <= 0.0 || self.faults.kinds.is_empty() {
            return None;
        }
        let mut rng = self.rng.lock();
        (rng.f64() < self.faults.rate)
            .then(|| self.faults.kinds[rng.usize(..self.faults.kinds.len())])
    }
}

const HOUR: Duration = Duration::from_secs(3600);

/// Clerk's hourly limits on invitation creates, per endpoint.
fn hourly_invitation_limit(method: &Method, path: &str) -> Option<(&'static str, u32)> {
    if method != Method::POST {
        return None;
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["v1", "invitations"] => Some(("invitations", 100)),
        ["v1", "invitations", "bulk"] => Some(("invitations/bulk", 25)),
        ["v1", "organizations", _, "invitations"] => Some(("organizations/invitations", 250)),
        ["v1", "organizations", _, "invitations", "bulk"] => {
            Some(("organizations/invitations/bulk", 50))
        }
        _ => None,
    }
}

/// A sliding-window log per key: at most `requests` in any `window`.
#[derive(Debug)]
struct Limiter {
    limit: RateLimit,
    log: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Limiter {
    fn new(limit: RateLimit) -> Limiter {
        Limiter {
            limit,
            log: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request, or says how many seconds until one is allowed.
    fn admit(&self, key: &str, max: u32) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut log = self.log.lock();
        let times = log.entry(key.to_owned()).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.limit.window)
        {
            times.pop_front();
        }
        if times.len() >= max as usize {
            let oldest = *times
                .front()
                .expect("limit reached means a request is logged");
            let wait = (oldest + self.limit.window).saturating_duration_since(now);
            return Err(ApiError::rate_limited(wait.as_secs_f64().ceil() as u64));
        }
        times.push_back(now);
        Ok(())
    }
}

fn version(req: &Request) -> Result<ApiVersion, ApiError> {
    let header = req
        .headers()
        .get("clerk-api-version")
        .map(|v| v.to_str().unwrap_or("").trim().to_owned());
    let query = req.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "__clerk_api_version")
            .map(|(_, v)| v.into_owned())
    });
    let given = match (header, query) {
        (Some(_), Some(_)) => return Err(ApiError::version_twice()),
        (Some(v), None) | (None, Some(v)) => v,
        (None, None) => return Ok(ApiVersion::DEFAULT),
    };
    ApiVersion::parse(&given).ok_or_else(|| {
        let known: Vec<&str> = ApiVersion::ALL.iter().map(|v| v.as_str()).collect();
        ApiError::version_invalid(&given, &known)
    })
}

/// Runs a request with what webhook events say about it (client IP, user agent).
async fn run(req: Request, next: Next) -> Response {
    let info = crate::webhooks::RequestInfo {
        client_ip: req
            .extensions()
            .get::<PeerAddr>()
            .map(|p| p.0.ip().to_string())
            .unwrap_or_default(),
        user_agent: req
            .headers()
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
    };
    crate::webhooks::REQUEST.scope(info, next.run(req)).await
}

pub(super) async fn gate(State(app): State<App>, mut req: Request, next: Next) -> Response {
    let guard = &app.guard;
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    match kind(&path) {
        Kind::Public => return log(&method, &path, started, run(req, next).await),
        Kind::Control => {
            let resp = match guard.authenticate(req.headers()) {
                Ok(_) => run(req, next).await,
                Err(e) => Failure(e).into_response(),
            };
            return log(&method, &path, started, resp);
        }
        Kind::Api => {}
    }
    if !guard.latency.is_zero() {
        tokio::time::sleep(guard.latency).await;
    }
    let checked = (|| {
        let key = guard.authenticate(req.headers())?;
        let version = version(&req)?;
        if let Some(limiter) = &guard.limiter {
            limiter.admit(&key, limiter.limit.requests)?;
        }
        if let (Some(limiter), Some((endpoint, max))) = (
            &guard.invitation_limiter,
            hourly_invitation_limit(&method, &path),
        ) {
            limiter.admit(&format!("{key} {endpoint}"), max)?;
        }
        Ok::<_, ApiError>(version)
    })();
    let version = match checked {
        Ok(v) => v,
        Err(e) => return log(&method, &path, started, Failure(e).into_response()),
    };
    req.extensions_mut().insert(version);
    let fault = guard.draw_fault();
    let early = match fault {
        Some(FaultKind::Internal) => Some(ApiError::internal("injected fault")),
        Some(FaultKind::Unavailable) => Some(ApiError::unavailable()),
        Some(FaultKind::RateLimited) => {
            let mut e = ApiError::rate_limited(guard.faults.retry_after_secs);
            e.retry_after = Some(guard.faults.retry_after_secs);
            Some(e)
        }
        _ => None,
    };
    if let Some(e) = early {
        return log(&method, &path, started, Failure(e).into_response());
    }
    let mut resp = run(req, next).await;
    match fault {
        Some(FaultKind::BadGateway) => resp = Failure(ApiError::bad_gateway()).into_response(),
        Some(FaultKind::Drop) => {
            resp.extensions_mut().insert(DropConnection);
        }
        _ => {}
    }
    log(&method, &path, started, resp)
}

fn log(method: &Method, path: &str, started: Instant, resp: Response) -> Response {
    tracing::debug!(
        %method,
        path,
        status = resp.status().as_u16(),
        dropped = resp.extensions().get::<DropConnection>().is_some(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_allows_n_per_window_then_says_when() {
        let l = Limiter::new(RateLimit {
            requests: 2,
            window: Duration::from_secs(10),
        });
        assert!(l.admit("k", 2).is_ok());
        assert!(l.admit("k", 2).is_ok());
        let e = l.admit("k", 2).unwrap_err();
        assert_eq!(e.status, 429);
        assert!((1..=10).contains(&e.retry_after.unwrap()));
        assert!(l.admit("other", 2).is_ok(), "limits are per key");
    }

    #[test]
    fn hourly_limits_match_clerk_endpoints() {
        assert_eq!(
            hourly_invitation_limit(&Method::POST, "/v1/invitations"),
            Some(("invitations", 100))
        );
        assert_eq!(
            hourly_invitation_limit(&Method::POST, "/v1/organizations/org_1/invitations/bulk"),
            Some(("organizations/invitations/bulk", 50))
        );
        assert_eq!(
            hourly_invitation_limit(&Method::GET, "/v1/invitations"),
            None
        );
    }
}
