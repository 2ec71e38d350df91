//! When to try a request again, how long to wait, and client-side pacing to an instance's rate
//! limit.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use http::HeaderMap;

/// Whether a request may be sent again after an answer was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Sending it twice has the effect of sending it once (reads, updates, deletes, bans).
    Safe,
    /// Sending it twice may create two objects. It is retried only when Clerk certainly did not
    /// carry it out (429, 503, no connection); after a lost answer the caller must look first.
    Once,
}

/// Retries with exponential backoff and jitter on 429 (honouring `Retry-After`), 502, 503, 504
/// and connection failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// The first backoff; each retry doubles it.
    pub base_delay: Duration,
    /// The longest backoff.
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the 429 is returned.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            base_delay: Duration::from_millis(300),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Backoff before retry number `retry` (1-based): half fixed, half random ("equal jitter"),
    /// so that many clients do not retry in step.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
            .min(self.max_delay);
        let half = exp / 2;
        half + half.mul_f64(fastrand::f64())
    }

    /// Whether an HTTP status is worth retrying for a request of this kind.
    pub(crate) fn retry_status(status: u16, repeat: Repeat) -> bool {
        match status {
            429 | 503 => true,
            502 | 504 => repeat == Repeat::Safe,
            _ => false,
        }
    }
}

/// `Retry-After` as seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// At most `requests` per `per`, in any window (a sliding window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub per: Duration,
}

impl RateLimit {
    /// Clerk's limit for development instances: 100 requests per 10 seconds.
    pub const DEVELOPMENT: RateLimit = RateLimit {
        requests: 100,
        per: Duration::from_secs(10),
    };
    /// Clerk's limit for production instances: 1000 requests per 10 seconds.
    pub const PRODUCTION: RateLimit = RateLimit {
        requests: 1000,
        per: Duration::from_secs(10),
    };

    /// Requests per second, on average.
    pub fn per_second(&self) -> f64 {
        f64::from(self.requests) / self.per.as_secs_f64()
    }
}

impl std::str::FromStr for RateLimit {
    type Err = String;

    /// `100/10` or `100/10s`: N requests per SECONDS.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || format!("invalid rate {s:?}: expected N/SECONDS, for example 100/10");
        let (n, secs) = s.split_once('/').ok_or_else(err)?;
        let requests: u32 = n.trim().parse().map_err(|_| err())?;
        let secs: f64 = secs
            .trim()
            .trim_end_matches('s')
            .parse()
            .map_err(|_| err())?;
        if requests == 0 || !(secs > 0.0 && secs.is_finite()) {
            return Err(err());
        }
        Ok(RateLimit {
            requests,
            per: Duration::from_secs_f64(secs),
        })
    }
}

impl std::fmt::Display for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}s", self.requests, self.per.as_secs_f64())
    }
}

#[derive(Debug, Default)]
struct PacerState {
    /// Requests in the window: a ticket and the time it counts from.
    sent: VecDeque<(u64, Instant)>,
    next_ticket: u64,
    blocked_until: Option<Instant>,
}

/// Paces requests to a [`RateLimit`], shared by every clone of a client, and pauses them all
/// when Clerk answers 429.
///
/// A request counts from when its answer arrives, not from when it was sent: the server saw it
/// no later than that, so the next window's requests can never reach the server while the
/// first is still inside the server's window, whatever the network delays.
#[derive(Debug)]
pub(crate) struct Pacer {
    limit: RateLimit,
    state: tokio::sync::Mutex<PacerState>,
}

impl Pacer {
    pub(crate) fn new(limit: RateLimit) -> Pacer {
        Pacer {
            limit,
            state: tokio::sync::Mutex::new(PacerState::default()),
        }
    }

    /// Waits until one more request fits the limit, and counts it. Pass the ticket to
    /// [`Pacer::answered`] when the answer (or failure) comes back.
    pub(crate) async fn acquire(&self) -> u64 {
        loop {
            let wait = {
                let mut s = self.state.lock().await;
                let now = Instant::now();
                let window = self.limit.per;
                while s
                    .sent
                    .front()
                    .is_some_and(|(_, t)| now.duration_since(*t) >= window)
                {
                    s.sent.pop_front();
                }
                match s.blocked_until {
                    Some(until) if until > now => until - now,
                    _ if s.sent.len() < self.limit.requests as usize => {
                        let ticket = s.next_ticket;
                        s.next_ticket += 1;
                        s.sent.push_back((ticket, now));
                        return ticket;
                    }
                    _ => {
                        let oldest = s.sent.iter().map(|(_, t)| *t).min().expect("full window");
                        (oldest + window).saturating_duration_since(now)
                    }
                }
            };
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }

    /// Moves a request's count to now, when its answer arrived.
    pub(crate) async fn answered(&self, ticket: u64) {
        let now = Instant::now();
        let mut s = self.state.lock().await;
        if let Some(entry) = s.sent.iter_mut().rev().find(|(t, _)| *t == ticket) {
            entry.1 = now;
        }
    }

    /// Holds every request until `delay` has passed (after a 429).
    pub(crate) async fn block_for(&self, delay: Duration) {
        let until = Instant::now() + delay;
        let mut s = self.state.lock().await;
        if s.blocked_until.is_none_or(|b| b < until) {
            s.blocked_until = Some(until);
        }
    }

    pub(crate) fn limit(&self) -> RateLimit {
        self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for retry in 1..10 {
            let d = p.backoff(retry);
            let exp = (p.base_delay * (1 << (retry - 1))).min(p.max_delay);
            assert!(d >= exp / 2 && d <= exp, "retry {retry}: {d:?}");
        }
    }

    #[test]
    fn which_statuses_are_retried() {
        assert!(RetryPolicy::retry_status(429, Repeat::Once));
        assert!(RetryPolicy::retry_status(503, Repeat::Once));
        assert!(!RetryPolicy::retry_status(502, Repeat::Once));
        assert!(RetryPolicy::retry_status(502, Repeat::Safe));
        assert!(RetryPolicy::retry_status(504, Repeat::Safe));
        assert!(!RetryPolicy::retry_status(500, Repeat::Safe));
        assert!(!RetryPolicy::retry_status(422, Repeat::Safe));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(http::header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let future = std::time::SystemTime::now() + Duration::from_secs(30);
        h.insert(
            http::header::RETRY_AFTER,
            httpdate::fmt_http_date(future).parse().unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(
            d <= Duration::from_secs(30) && d >= Duration::from_secs(28),
            "{d:?}"
        );
        h.insert(http::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn rates_parse() {
        assert_eq!(
            "100/10".parse::<RateLimit>().unwrap(),
            RateLimit::DEVELOPMENT
        );
        assert!("0/1".parse::<RateLimit>().is_err());
        assert_eq!(RateLimit::PRODUCTION.per_second(), 100.0);
    }

    #[tokio::test(start_paused = true)]
    async fn pacer_spaces_requests_to_the_limit() {
        let pacer = Pacer::new(RateLimit {
            requests: 3,
            per: Duration::from_secs(1),
        });
        let start = tokio::time::Instant::now();
        for _ in 0..3 {
            pacer.acquire().await;
        }
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "the first window's worth goes at once"
        );
        pacer.acquire().await;
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(1),
            "the fourth waits for the window"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_counts_from_its_answer() {
        let pacer = Pacer::new(RateLimit {
            requests: 1,
            per: Duration::from_secs(1),
        });
        let start = tokio::time::Instant::now();
        let ticket = pacer.acquire().await;
        tokio::time::advance(Duration::from_millis(300)).await;
        pacer.answered(ticket).await;
        pacer.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_millis(1300));
    }
}
