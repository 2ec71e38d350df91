//! What every request passes before its route: latency, authentication, the API version, rate
//! limits (per instance, per record, hourly for invitations), and injected faults.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use parking_lot::Mutex;

use super::{App, Failure};
use crate::config::{Clock, Config, FaultKind, Faults, RECORD_LIMIT};
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
    clock: Clock,
    /// Requests per secret key.
    limiter: Option<(Limiter, u32)>,
    /// Updates per user, organization and membership.
    record_limiter: Option<Limiter>,
    /// Invitation creates per endpoint and hour.
    invitation_limiter: Option<Limiter>,
    faults: Faults,
    rng: Mutex<fastrand::Rng>,
}

impl Guard {
    pub(super) fn new(config: &Config) -> Guard {
        let s = &config.settings;
        Guard {
            keys: config.secret_keys.clone(),
            latency: config.latency,
            clock: config.clock.clone(),
            limiter: s.rate_limit.map(|r| (Limiter::new(r.window), r.requests)),
            record_limiter: s.record_limits.then(|| Limiter::new(RECORD_LIMIT.window)),
            invitation_limiter: s.invitation_limits.then(|| Limiter::new(HOUR)),
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
            // Every configured key is compared, each in constant time: how long the check
            // takes says nothing about how much of a key was right.
            let matched = self.keys.iter().fold(subtle::Choice::from(0), |found, k| {
                found | subtle::ConstantTimeEq::ct_eq(k.as_bytes(), key.as_bytes())
            });
            return if bool::from(matched) {
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

/// What Clerk limits per record: updates of a user's, an organization's or a membership's
/// data or metadata, 10 in 10 s for each record (docs/guides/how-clerk-works/system-limits.mdx).
fn record_limited(method: &Method, path: &str) -> Option<String> {
    if method != Method::PATCH && method != Method::PUT {
        return None;
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let put = method == Method::PUT;
    match segments.as_slice() {
        ["v1", "users", id] if !put => Some(format!("users/{id}")),
        ["v1", "users", id, "metadata"] => Some(format!("users/{id}")),
        ["v1", "organizations", id] if !put => Some(format!("organizations/{id}")),
        ["v1", "organizations", id, "metadata"] => Some(format!("organizations/{id}")),
        ["v1", "organizations", org, "memberships", user] if !put => {
            Some(format!("memberships/{org}/{user}"))
        }
        ["v1", "organizations", org, "memberships", user, "metadata"] if !put => {
            Some(format!("memberships/{org}/{user}"))
        }
        _ => None,
    }
}

/// A sliding-window log per key: at most `max` requests in any `window`. Times are the
/// guard's clock readings, so tests drive it with a manual clock.
#[derive(Debug)]
struct Limiter {
    window: Duration,
    log: Mutex<HashMap<String, VecDeque<Duration>>>,
}

/// Past this many keys, keys with nothing left in their window are dropped (a bulk job
/// updates each of many users once).
const SWEEP_AT: usize = 4096;

impl Limiter {
    fn new(window: Duration) -> Limiter {
        Limiter {
            window,
            log: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request made at `now`, or says how many seconds until one is allowed.
    fn admit(&self, now: Duration, key: &str, max: u32) -> Result<(), ApiError> {
        let mut log = self.log.lock();
        if log.len() >= SWEEP_AT && !log.contains_key(key) {
            log.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.saturating_sub(*t) < self.window)
            });
        }
        let times = log.entry(key.to_owned()).or_default();
        while times
            .front()
            .is_some_and(|t| now.saturating_sub(*t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() >= max as usize {
            let oldest = *times
                .front()
                .expect("limit reached means a request is logged");
            let wait = (oldest + self.window).saturating_sub(now);
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
        let now = guard.clock.now();
        if let Some((limiter, max)) = &guard.limiter {
            limiter.admit(now, &key, *max)?;
        }
        if let (Some(limiter), Some(record)) =
            (&guard.record_limiter, record_limited(&method, &path))
        {
            limiter.admit(now, &format!("{key} {record}"), RECORD_LIMIT.requests)?;
        }
        if let (Some(limiter), Some((endpoint, max))) = (
            &guard.invitation_limiter,
            hourly_invitation_limit(&method, &path),
        ) {
            limiter.admit(now, &format!("{key} {endpoint}"), max)?;
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
            // Exactly what was asked, 0 included: a client's handling of it is under test.
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

    fn at(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    #[test]
    fn limiter_allows_n_per_window_then_says_when() {
        let l = Limiter::new(Duration::from_secs(10));
        assert!(l.admit(at(0), "k", 2).is_ok());
        assert!(l.admit(at(2_500), "k", 2).is_ok());
        let e = l.admit(at(3_000), "k", 2).unwrap_err();
        assert_eq!(e.status(), 429);
        assert_eq!(e.code(), "too_many_requests");
        // The oldest request leaves the window at 10 s: 7 s from now.
        assert_eq!(e.retry_after, Some(7));
        assert_eq!(l.admit(at(9_999), "k", 2).unwrap_err().retry_after, Some(1));
        assert!(l.admit(at(10_000), "k", 2).is_ok(), "the first one left");
        assert!(
            l.admit(at(10_000), "other", 2).is_ok(),
            "limits are per key"
        );
    }

    #[test]
    fn limiter_forgets_keys_whose_window_passed() {
        let l = Limiter::new(Duration::from_secs(10));
        for i in 0..SWEEP_AT {
            l.admit(at(0), &format!("user_{i}"), 10).unwrap();
        }
        l.admit(at(20_000), "late", 10).unwrap();
        assert_eq!(l.log.lock().len(), 1);
    }

    #[test]
    fn per_record_limits_cover_clerks_update_endpoints() {
        let limited = |m: Method, p: &str| record_limited(&m, p);
        assert_eq!(
            limited(Method::PATCH, "/v1/users/user_1"),
            Some("users/user_1".into())
        );
        assert_eq!(
            limited(Method::PUT, "/v1/users/user_1/metadata"),
            Some("users/user_1".into())
        );
        assert_eq!(
            limited(Method::PATCH, "/v1/organizations/org_1/metadata"),
            Some("organizations/org_1".into())
        );
        assert_eq!(
            limited(
                Method::PATCH,
                "/v1/organizations/org_1/memberships/user_1/metadata"
            ),
            Some("memberships/org_1/user_1".into())
        );
        assert_eq!(limited(Method::GET, "/v1/users/user_1"), None);
        assert_eq!(limited(Method::POST, "/v1/users/user_1/ban"), None);
        assert_eq!(limited(Method::PUT, "/v1/users/user_1"), None);
        assert_eq!(limited(Method::PATCH, "/v1/users/user_1/lock"), None);
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
