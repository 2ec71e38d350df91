//! The client: configuration, and sending a request with retries and pacing.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderValue};
use url::Url;

use crate::config::{API_VERSION, ApiBase, KeyKind, SecretKey};
use crate::error::{ApiError, Error, Result};
use crate::request::{PreparedRequest, RequestSpec};
use crate::retry::{Attempt, Decision, Outcome, Pacer, RateLimit, RetryPolicy, retry_after};

/// The default user agent: `clerkctl/<version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("clerkctl/", env!("CARGO_PKG_VERSION"));

/// The longest URL sent: Cloudflare, in front of Clerk, refuses longer ones (its documented
/// limit is 16 KB; Clerk's own is assumed to be no higher).
pub const MAX_URL_LEN: usize = 16 * 1024;

/// A Clerk Backend API client. Cheap to clone; clones share connections and pacing.
///
/// ```no_run
/// # async fn demo() -> clerk_api::Result<()> {
/// let clerk = clerk_api::Client::from_env()?; // CLERK_SECRET_KEY, CLERK_API_URL
/// let id: clerk_api::ids::UserId = "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?;
/// let user = clerk.users().get(&id).send().await?;
/// println!("{:?}", user.primary_email_address());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base: ApiBase,
    key: SecretKey,
    user_agent: String,
    retry: RetryPolicy,
    pacer: Option<Pacer>,
    stats: Counters,
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    retries: AtomicU64,
    rate_limited: AtomicU64,
    answered: AtomicU64,
    round_trip_us: AtomicU64,
}

/// What a client (and its clones) has sent so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Of those, retries.
    pub retries: u64,
    /// 429 answers received.
    pub rate_limited: u64,
    /// Requests that got an answer (of any status).
    pub answered: u64,
    /// The time those took, from sending to the answer's head, added up (pacing waits not
    /// included): divided by `answered`, the round trip a caller can size its concurrency by.
    pub round_trip: Duration,
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    key: Option<SecretKey>,
    base: Option<ApiBase>,
    user_agent: String,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            key: None,
            base: None,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            rate_limit: None,
        }
    }
}

impl ClientBuilder {
    /// The secret key requests are sent with (required).
    pub fn secret_key(mut self, key: SecretKey) -> Self {
        self.key = Some(key);
        self
    }

    /// The API URL, as `CLERK_API_URL` takes it (an origin; `/v1` is appended).
    pub fn api_url(mut self, url: &str) -> Result<Self> {
        self.base = Some(ApiBase::parse(url)?);
        Ok(self)
    }

    /// The API base, already parsed [default: `https://api.clerk.com/v1`].
    pub fn api_base(mut self, base: ApiBase) -> Self {
        self.base = Some(base);
        self
    }

    /// The `User-Agent` header [default: [`DEFAULT_USER_AGENT`]].
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// The longest a connection may take to open [default: 10 s].
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// The longest one attempt may take, from sending to the end of the answer [default:
    /// 60 s].
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// The retry policy of every request that does not set its own
    /// ([`crate::Request::retry`]) [default: [`RetryPolicy::default`]].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Paces every request of this client (and its clones) to `limit`.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// The client; fails without a secret key.
    pub fn build(self) -> Result<Client> {
        let key = self.key.ok_or(Error::MissingSecretKey)?;
        let base = self.base.unwrap_or_default();
        let mut http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none());
        if base.url().scheme() == "http" {
            // Requests only ever go to the base (no redirects), and a plain-http base is a
            // loopback one (an emulator): TLS is never used, so skip loading the system's root
            // certificates, which costs a short-lived process like `clerkctl users get` more
            // than the request itself.
            http = http.tls_certs_only(Vec::<reqwest::Certificate>::new());
        }
        if base.url().scheme() == "http" {
            // A plain-http base is a loopback one (ApiBase refuses any other): a proxy from the
            // environment (HTTP_PROXY, ALL_PROXY) would receive the key in clear and could
            // answer for the emulator. https keeps the environment's proxies.
            http = http.no_proxy();
        }
        let http = http
            .build()
            .map_err(|e| Error::Invalid(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                key,
                user_agent: self.user_agent,
                retry: self.retry,
                pacer: self.rate_limit.map(Pacer::new),
                stats: Counters::default(),
            }),
        })
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `CLERK_SECRET_KEY` and `CLERK_API_URL`.
    pub fn from_env() -> Result<Client> {
        Client::builder()
            .secret_key(SecretKey::from_env()?)
            .api_base(ApiBase::from_env()?)
            .build()
    }

    /// Where requests go.
    pub fn base(&self) -> &ApiBase {
        &self.inner.base
    }

    /// The kind of instance the key belongs to.
    pub fn key_kind(&self) -> KeyKind {
        self.inner.key.kind()
    }

    /// The key, masked (`sk_test_…abcd`).
    pub fn masked_key(&self) -> String {
        self.inner.key.masked()
    }

    /// A one-way fingerprint of the key (see [`SecretKey::fingerprint`]).
    pub fn key_fingerprint(&self) -> String {
        self.inner.key.fingerprint()
    }

    /// `text` with this client's key masked wherever it appears (see [`SecretKey::scrub`]).
    pub fn scrub(&self, text: &str) -> String {
        self.inner.key.scrub(text)
    }

    /// Requests, retries and 429s so far.
    pub fn stats(&self) -> Stats {
        let c = &self.inner.stats;
        Stats {
            requests: c.requests.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            rate_limited: c.rate_limited.load(Ordering::Relaxed),
            answered: c.answered.load(Ordering::Relaxed),
            round_trip: Duration::from_micros(c.round_trip_us.load(Ordering::Relaxed)),
        }
    }

    /// The pacing limit, if any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.pacer.as_ref().map(Pacer::limit)
    }

    /// How many more requests the pacer's window takes right now (see [`Pacer::room`]); `None`
    /// without a pace, or when that is not known this instant.
    pub fn pace_room(&self) -> Option<usize> {
        self.inner.pacer.as_ref().and_then(Pacer::room)
    }

    fn url(&self, spec: &RequestSpec) -> Url {
        let mut url: Url = self.inner.base.url().clone();
        let base = url.path().trim_end_matches('/');
        let base = if spec.outside_api {
            base.strip_suffix("/v1").unwrap_or(base)
        } else {
            base
        };
        let path = format!("{base}{}", spec.path);
        url.set_path(&path);
        if !spec.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &spec.query {
                pairs.append_pair(k, v);
            }
        }
        url
    }

    fn headers(&self, with_body: bool, masked: bool) -> Vec<(http::HeaderName, String)> {
        let auth = if masked {
            format!("Bearer {}", self.inner.key.masked())
        } else {
            format!("Bearer {}", self.inner.key.expose())
        };
        let mut headers = vec![
            (AUTHORIZATION, auth),
            (
                http::HeaderName::from_static("clerk-api-version"),
                API_VERSION.to_owned(),
            ),
            (ACCEPT, "application/json".to_owned()),
            (USER_AGENT, self.inner.user_agent.clone()),
        ];
        if with_body {
            headers.push((CONTENT_TYPE, "application/json".to_owned()));
        }
        headers
    }

    /// Any Backend API request (for endpoints this crate has no handler for); answers JSON.
    pub fn request(
        &self,
        spec: RequestSpec,
    ) -> crate::Request<'_, crate::request::One<serde_json::Value>> {
        crate::Request::new(self, spec)
    }

    /// The request as it would go out, with the key masked.
    pub fn prepare(&self, spec: &RequestSpec) -> PreparedRequest {
        PreparedRequest {
            method: spec.method.to_string(),
            url: self.url(spec).to_string(),
            headers: self
                .headers(spec.body.is_some(), true)
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            body: spec.body.clone(),
        }
    }

    /// Sends a request, retrying as its policy decides, and returns a 2xx answer's body.
    pub async fn execute(&self, spec: &RequestSpec) -> Result<Bytes> {
        let url = self.url(spec);
        // A server drops a request whose URL is too long without an answer, which would look
        // like a lost connection and be retried: refuse it here, before anything is sent.
        if url.as_str().len() > MAX_URL_LEN {
            return Err(Error::Invalid(format!(
                "the request's URL is {} bytes long, more than the {MAX_URL_LEN} servers accept: shorten the query or filters",
                url.as_str().len()
            )));
        }
        let body = match &spec.body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|e| Error::Invalid(e.to_string()))?),
            None => None,
        };
        let mut headers = HeaderMap::new();
        for (name, value) in self.headers(body.is_some(), false) {
            let mut value = HeaderValue::from_str(&value).map_err(|_| {
                Error::Invalid(format!(
                    "the {name} header has characters HTTP does not allow"
                ))
            })?;
            // Keeps the key out of any Debug output (and so out of trace logs) on the way down.
            value.set_sensitive(name == AUTHORIZATION);
            headers.insert(name, value);
        }
        let policy = spec.retry.unwrap_or(self.inner.retry);
        let mut number: u32 = 0;
        loop {
            number += 1;
            let ticket = match &self.inner.pacer {
                Some(pacer) => Some(pacer.acquire().await),
                None => None,
            };
            let mut req = self
                .inner
                .http
                .request(spec.method.clone(), url.clone())
                .headers(headers.clone());
            if let Some(b) = &body {
                req = req.body(b.clone());
            }
            self.inner.stats.requests.fetch_add(1, Ordering::Relaxed);
            if number > 1 {
                self.inner.stats.retries.fetch_add(1, Ordering::Relaxed);
            }
            let sent_at = std::time::Instant::now();
            let sent = req.send().await;
            if sent.is_ok() {
                let took = sent_at.elapsed().as_micros().min(u128::from(u64::MAX)) as u64;
                self.inner.stats.answered.fetch_add(1, Ordering::Relaxed);
                self.inner
                    .stats
                    .round_trip_us
                    .fetch_add(took, Ordering::Relaxed);
            }
            if let (Some(pacer), Some(ticket)) = (&self.inner.pacer, ticket) {
                pacer.answered(ticket).await;
            }
            let error = match sent {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let wait = retry_after(resp.headers());
                    // Whatever comes back is scrubbed of the key before anyone reads it: a
                    // server or proxy that echoes the request must not get it printed.
                    let trace = resp
                        .headers()
                        .get("clerk-trace-id")
                        .and_then(|v| v.to_str().ok())
                        .map(|t| self.inner.key.scrub(t));
                    match resp.bytes().await.map(|b| self.inner.key.scrub_body(b)) {
                        Ok(bytes) if (200..300).contains(&status) => return Ok(bytes),
                        Ok(bytes) => {
                            Error::Api(ApiError::from_response(status, &bytes, trace, wait, number))
                        }
                        // The head arrived but the body did not: the answer was lost.
                        Err(e) => Error::transport(e, true, number),
                    }
                }
                // Without a connection, nothing reached Clerk.
                Err(e) => {
                    let ambiguous = !e.is_connect();
                    Error::transport(e, ambiguous, number)
                }
            };
            let Some(outcome) = Outcome::of(&error) else {
                return Err(error);
            };
            // Nothing listens on this machine's port (an emulator not started): waiting does
            // not start it, so say so at once.
            if error.nothing_listening() {
                return Err(error);
            }
            if let Outcome::Answered {
                status: 429,
                retry_after,
            } = outcome
            {
                self.inner
                    .stats
                    .rate_limited
                    .fetch_add(1, Ordering::Relaxed);
                // Clerk blocks the whole instance: hold every request of this client (and its
                // clones) for as long as Clerk asks, whoever retries.
                if let (Some(pacer), Some(wait)) = (&self.inner.pacer, retry_after)
                    && wait <= policy.max_retry_after
                {
                    pacer.block_for(wait).await;
                }
            }
            let delay = match policy.decide(&Attempt::new(number, spec.repeat), &outcome) {
                Decision::Stop => return Err(error),
                Decision::Retry(delay) => delay,
            };
            match &error {
                Error::Api(api) => tracing::warn!(
                    status = api.status,
                    code = api.code().unwrap_or(""),
                    attempt = number,
                    "Clerk answered {}; retrying in {:.1}s",
                    api.status,
                    delay.as_secs_f64()
                ),
                other => tracing::warn!(
                    attempt = number,
                    "{other}; retrying in {:.1}s",
                    delay.as_secs_f64()
                ),
            }
            tokio::time::sleep(delay).await;
        }
    }
}
