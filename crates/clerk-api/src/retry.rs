//! When to try a request again, how long to wait, and client-side pacing to an instance's rate
//! limit.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use http::HeaderMap;

use crate::error::Error;

/// Whether a request may be sent again after an answer was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Sending it twice has the effect of sending it once (reads, updates, deletes, bans).
    Safe,
    /// Sending it twice may create two objects. It is retried only when Clerk certainly did not
    /// carry it out (429, 503, no connection); after a lost answer the caller must look first.
    Once,
}

/// How one attempt at a request failed, as far as deciding to try again goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Clerk (or a proxy in front of it) answered with an error status.
    Answered {
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` header, when there was one.
        retry_after: Option<Duration>,
    },
    /// No connection was made: nothing reached Clerk.
    NotSent,
    /// The request went out but no answer came back (timeout, reset): it may have been
    /// carried out.
    AnswerLost,
}

impl Outcome {
    /// The outcome an error stands for; `None` for errors that are not about sending (a bad
    /// setting, an answer that could not be decoded), which no retry can mend.
    pub fn of(error: &Error) -> Option<Outcome> {
        match error {
            Error::Api(api) => Some(Outcome::Answered {
                status: api.status,
                retry_after: api.retry_after,
            }),
            Error::Transport { ambiguous, .. } => Some(if *ambiguous {
                Outcome::AnswerLost
            } else {
                Outcome::NotSent
            }),
            _ => None,
        }
    }
}

/// One attempt that failed: which it was, what kind of request, and a random draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attempt {
    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub number: u32,
    /// Whether the request may be repeated after a lost answer.
    pub repeat: Repeat,
    /// A number in `0.0..=1.0` that spreads the waits ("jitter"), so that many clients do not
    /// retry in step. Drawn at random by [`Attempt::new`]; fixed in tests.
    pub jitter: f64,
}

impl Attempt {
    /// Attempt `number` of a request of kind `repeat`, with a random jitter.
    pub fn new(number: u32, repeat: Repeat) -> Attempt {
        Attempt {
            number,
            repeat,
            jitter: fastrand::f64(),
        }
    }
}

/// What a [`RetryPolicy`] decides after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send the request again after this wait.
    Retry(Duration),
    /// Give up: the failure is the answer.
    Stop,
}

/// When to try a request again and how long to wait: exponential backoff with jitter on 429
/// (honouring `Retry-After`), 503 and refused connections for every request, and on 502, 504
/// and lost answers for requests that are safe to repeat ([`Repeat::Safe`]). (The client
/// itself does not retry a connection refused by a loopback address, where nothing listens:
/// see [`crate::Error::nothing_listening`].)
///
/// The decision is one pure function, [`RetryPolicy::decide`]. A client has a policy
/// ([`crate::ClientBuilder::retry`]) and any request can have its own
/// ([`crate::Request::retry`]). A caller that runs its own loop (one that looks an object up
/// after a lost answer before sending again, say) sends with [`RetryPolicy::none`] and asks
/// `decide` itself, so that there is one loop and one backoff.
///
/// ```
/// use std::time::Duration;
/// use clerk_api::retry::{Attempt, Decision, Outcome, Repeat, RetryPolicy};
///
/// let policy = RetryPolicy::default();
/// let first = Attempt { number: 1, repeat: Repeat::Once, jitter: 0.0 };
/// let busy = Outcome::Answered { status: 429, retry_after: Some(Duration::from_secs(2)) };
/// assert_eq!(policy.decide(&first, &busy), Decision::Retry(Duration::from_secs(2)));
/// // A create whose answer was lost may have been carried out: never sent blindly again.
/// assert_eq!(policy.decide(&first, &Outcome::AnswerLost), Decision::Stop);
/// ```
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

    /// Whether to send again after `attempt` failed with `outcome`, and after what wait.
    pub fn decide(&self, attempt: &Attempt, outcome: &Outcome) -> Decision {
        if attempt.number > self.max_retries {
            return Decision::Stop;
        }
        let backoff = Decision::Retry(self.backoff(attempt.number, attempt.jitter));
        match *outcome {
            Outcome::Answered {
                status,
                retry_after,
            } => {
                let worth_it = match status {
                    // Clerk says it did not carry the request out: safe for every request.
                    429 | 503 => true,
                    // A gateway's answer: Clerk may have carried it out.
                    502 | 504 => attempt.repeat == Repeat::Safe,
                    _ => false,
                };
                match retry_after {
                    _ if !worth_it => Decision::Stop,
                    Some(wait) if wait > self.max_retry_after => Decision::Stop,
                    Some(wait) => Decision::Retry(
                        wait + Duration::from_millis(250).mul_f64(attempt.jitter.clamp(0.0, 1.0)),
                    ),
                    None => backoff,
                }
            }
            Outcome::NotSent => backoff,
            Outcome::AnswerLost if attempt.repeat == Repeat::Safe => backoff,
            Outcome::AnswerLost => Decision::Stop,
        }
    }

    /// The wait before retry number `retry` (1-based): the base delay, doubled for each retry
    /// before it and at most `max_delay`, of which half is fixed and half scaled by `jitter`
    /// (0.0 to 1.0; "equal jitter").
    pub fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
            .min(self.max_delay);
        let half = exp / 2;
        half + half.mul_f64(jitter.clamp(0.0, 1.0))
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
    /// Requests allowed in any window.
    pub requests: u32,
    /// The window.
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
        let err = || {
            format!(
                "invalid rate {s:?}: expected N/SECONDS, N from 1 and SECONDS from 0.001 to 86400, for example 100/10"
            )
        };
        let (n, secs) = s.split_once('/').ok_or_else(err)?;
        let requests: u32 = n.trim().parse().map_err(|_| err())?;
        let secs: f64 = secs
            .trim()
            .trim_end_matches('s')
            .parse()
            .map_err(|_| err())?;
        // A window under a millisecond or over a day is a typo, and Duration cannot hold
        // every f64: bounded, nothing the parser accepts can overflow later.
        if requests == 0 || !(0.001..=86_400.0).contains(&secs) {
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
/// when Clerk answers 429. Public for callers that pace requests of their own to the same
/// rule (to another server, say):
///
/// ```
/// # async fn demo() {
/// use clerk_api::retry::{Pacer, RateLimit};
/// let pacer = Pacer::new("10/1".parse::<RateLimit>().unwrap());
/// let ticket = pacer.acquire().await; // waits while 10 answers came within the last second
/// // ... send the request ...
/// pacer.answered(ticket).await;
/// # }
/// ```
///
/// A request counts from when its answer arrives, not from when it was sent: the server saw it
/// no later than that, so the next window's requests can never reach the server while the
/// first is still inside the server's window, whatever the network delays.
#[derive(Debug)]
pub struct Pacer {
    limit: RateLimit,
    state: tokio::sync::Mutex<PacerState>,
}

impl Pacer {
    /// A pacer to `limit`, with nothing sent yet.
    pub fn new(limit: RateLimit) -> Pacer {
        Pacer {
            limit,
            state: tokio::sync::Mutex::new(PacerState::default()),
        }
    }

    /// Waits until one more request fits the limit, and counts it. Pass the ticket to
    /// [`Pacer::answered`] when the answer (or failure) comes back.
    pub async fn acquire(&self) -> u64 {
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
    pub async fn answered(&self, ticket: u64) {
        let now = Instant::now();
        let mut s = self.state.lock().await;
        if let Some(entry) = s.sent.iter_mut().rev().find(|(t, _)| *t == ticket) {
            entry.1 = now;
        }
    }

    /// Holds every request until `delay` has passed (after a 429).
    pub async fn block_for(&self, delay: Duration) {
        let until = Instant::now() + delay;
        let mut s = self.state.lock().await;
        if s.blocked_until.is_none_or(|b| b < until) {
            s.blocked_until = Some(until);
        }
    }

    /// How many more requests the window takes right now without waiting (none while a 429's
    /// pause lasts); `None` when another task holds the count this instant. What a caller may
    /// send at once on top of what it already has in flight, without a request waiting here.
    pub fn room(&self) -> Option<usize> {
        let s = self.state.try_lock().ok()?;
        let now = Instant::now();
        if s.blocked_until.is_some_and(|until| until > now) {
            return Some(0);
        }
        let counted = s
            .sent
            .iter()
            .filter(|(_, t)| now.duration_since(*t) < self.limit.per)
            .count();
        Some((self.limit.requests as usize).saturating_sub(counted))
    }

    /// The limit it paces to.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_out_of_bounds_is_an_error_never_a_panic() {
        for bad in [
            "1/18446744073709551615",
            "1/1e30",
            "1/1e-30",
            "1/NaN",
            "1/inf",
            "0/10",
            "1/-1",
            "4294967296/1",
        ] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
        assert!("1/86400".parse::<RateLimit>().is_ok());
        assert!("5/1.5s".parse::<RateLimit>().is_ok());
    }

    fn at(number: u32, repeat: Repeat) -> Attempt {
        Attempt {
            number,
            repeat,
            jitter: 0.5,
        }
    }

    fn status(status: u16) -> Outcome {
        Outcome::Answered {
            status,
            retry_after: None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn room_is_what_the_window_takes_now() {
        let pacer = Pacer::new("5/10".parse().unwrap());
        assert_eq!(pacer.room(), Some(5));
        let a = pacer.acquire().await;
        let _b = pacer.acquire().await;
        assert_eq!(pacer.room(), Some(3));
        tokio::time::advance(Duration::from_secs(4)).await;
        pacer.answered(a).await;
        tokio::time::advance(Duration::from_secs(7)).await;
        // The second counted from when it was sent (11 s ago), the first from its answer (7 s).
        assert_eq!(pacer.room(), Some(4));
        pacer.block_for(Duration::from_secs(1)).await;
        assert_eq!(pacer.room(), Some(0), "nothing while a 429's pause lasts");
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(pacer.room(), Some(4));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for retry in 1..10 {
            let exp = (p.base_delay * (1 << (retry - 1))).min(p.max_delay);
            assert_eq!(p.backoff(retry, 0.0), exp / 2, "retry {retry}");
            assert_eq!(p.backoff(retry, 1.0), exp, "retry {retry}");
        }
        assert_eq!(p.backoff(1, 0.5), Duration::from_millis(225));
    }

    #[test]
    fn which_answers_are_retried() {
        let p = RetryPolicy::default();
        let wait = |n| Decision::Retry(p.backoff(n, 0.5));
        for repeat in [Repeat::Once, Repeat::Safe] {
            assert_eq!(p.decide(&at(1, repeat), &status(429)), wait(1));
            assert_eq!(p.decide(&at(2, repeat), &status(503)), wait(2));
            assert_eq!(p.decide(&at(1, repeat), &Outcome::NotSent), wait(1));
            for never in [400, 401, 404, 422, 500] {
                assert_eq!(p.decide(&at(1, repeat), &status(never)), Decision::Stop);
            }
        }
        // Clerk may have carried these out: only requests safe to repeat go again.
        for maybe_done in [status(502), status(504), Outcome::AnswerLost] {
            assert_eq!(p.decide(&at(1, Repeat::Safe), &maybe_done), wait(1));
            assert_eq!(p.decide(&at(1, Repeat::Once), &maybe_done), Decision::Stop);
        }
    }

    #[test]
    fn retries_run_out() {
        let p = RetryPolicy {
            max_retries: 2,
            ..RetryPolicy::default()
        };
        assert!(matches!(
            p.decide(&at(2, Repeat::Safe), &status(503)),
            Decision::Retry(_)
        ));
        assert_eq!(p.decide(&at(3, Repeat::Safe), &status(503)), Decision::Stop);
        assert_eq!(
            RetryPolicy::none().decide(&at(1, Repeat::Safe), &Outcome::NotSent),
            Decision::Stop
        );
    }

    #[test]
    fn retry_after_is_honoured_up_to_a_limit() {
        let p = RetryPolicy::default();
        let after = |secs| Outcome::Answered {
            status: 429,
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(
            p.decide(&at(1, Repeat::Once), &after(7)),
            Decision::Retry(Duration::from_millis(7125))
        );
        assert_eq!(p.decide(&at(1, Repeat::Once), &after(121)), Decision::Stop);
        // Retry-After on an answer that is not worth retrying changes nothing.
        let refused = Outcome::Answered {
            status: 422,
            retry_after: Some(Duration::from_secs(1)),
        };
        assert_eq!(p.decide(&at(1, Repeat::Safe), &refused), Decision::Stop);
    }

    #[test]
    fn errors_map_to_outcomes() {
        let api =
            crate::error::ApiError::from_response(503, b"", None, Some(Duration::from_secs(3)), 1);
        assert_eq!(
            Outcome::of(&Error::Api(api)),
            Some(Outcome::Answered {
                status: 503,
                retry_after: Some(Duration::from_secs(3))
            })
        );
        assert_eq!(Outcome::of(&Error::MissingSecretKey), None);
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
