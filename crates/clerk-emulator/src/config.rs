//! How an emulator is started: address, storage, keys, seed, limits and injected faults.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// Everything an [`crate::Emulator`] needs to start. `Config::default()` serves an empty,
/// in-memory instance on `127.0.0.1` at a free port, accepting any `sk_test_` key.
#[derive(Debug, Clone)]
pub struct Config {
    pub host: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// A SQLite file to keep state in; `None` keeps it in memory.
    pub data: Option<PathBuf>,
    /// Keys accepted; empty accepts any `sk_test_` key.
    pub secret_keys: Vec<String>,
    pub seed: Option<PathBuf>,
    pub rate_limit: Option<RateLimit>,
    /// Applies Clerk's hourly limits on invitation creates.
    pub invitation_limits: bool,
    pub faults: Faults,
    /// Added before every answer.
    pub latency: Duration,
    /// A PEM file with the instance's RSA signing key. Without it the key is the one the data
    /// file keeps, or a new one made on first use (and kept in the data file).
    pub signing_key: Option<PathBuf>,
    /// How long a session token lives when the request names no lifetime.
    pub session_token_lifetime: Duration,
    pub webhooks: WebhookOptions,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            data: None,
            secret_keys: Vec::new(),
            seed: None,
            rate_limit: None,
            invitation_limits: false,
            faults: Faults::default(),
            latency: Duration::ZERO,
            signing_key: None,
            session_token_lifetime: Duration::from_secs(
                crate::engine::sessions::DEFAULT_TOKEN_LIFETIME_SECS as u64,
            ),
            webhooks: WebhookOptions::default(),
        }
    }
}

/// Where and how changes are delivered as Clerk's webhooks.
#[derive(Debug, Clone)]
pub struct WebhookOptions {
    /// Endpoints (`http://` or `https://` URLs); none turns webhooks off.
    pub endpoints: Vec<String>,
    /// The signing secret (`whsec_...`); without it one is made and kept in the data file.
    pub secret: Option<WebhookSecret>,
    /// Multiplies the waits of Svix's retry schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
    /// 10 h); a test can make a day of retries take a second.
    pub retry_scale: f64,
    /// How long an endpoint may take to answer before the attempt counts as failed.
    pub timeout: Duration,
}

impl Default for WebhookOptions {
    fn default() -> Self {
        WebhookOptions {
            endpoints: Vec::new(),
            secret: None,
            retry_scale: 1.0,
            timeout: Duration::from_secs(15),
        }
    }
}

/// A webhook signing secret; shown as `whsec_…` in debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    /// Checks a secret as Svix's libraries read it: `whsec_` then base64 of at least 24 bytes.
    pub fn parse(s: &str) -> Result<WebhookSecret, String> {
        crate::webhooks::decode_secret(s)?;
        Ok(WebhookSecret(s.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(whsec_…)")
    }
}

impl FromStr for WebhookSecret {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        WebhookSecret::parse(s)
    }
}

/// `N/SECONDS`: at most N requests in any window of SECONDS, per secret key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window: Duration,
}

impl RateLimit {
    /// Clerk's limit for development instances (`sk_test_` keys): 100 requests per 10 s.
    pub const DEVELOPMENT: RateLimit = RateLimit {
        requests: 100,
        window: Duration::from_secs(10),
    };
    /// Clerk's limit for production instances (`sk_live_` keys): 1000 requests per 10 s.
    pub const PRODUCTION: RateLimit = RateLimit {
        requests: 1000,
        window: Duration::from_secs(10),
    };
}

impl FromStr for RateLimit {
    type Err = String;

    /// `100/10`, `100/10s`, `5/1.5`.
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
            window: Duration::from_secs_f64(secs),
        })
    }
}

impl std::fmt::Display for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.requests, self.window.as_secs_f64())
    }
}

/// A fault the emulator can inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// 500 before the request is handled: nothing was written.
    Internal,
    /// 502 after the request was handled: a write may have happened.
    BadGateway,
    /// 503 before the request is handled.
    Unavailable,
    /// 429 with `Retry-After`, before the request is handled.
    RateLimited,
    /// The request is handled (a write is committed), then the connection closes with no answer.
    Drop,
}

impl FaultKind {
    pub const ALL: [FaultKind; 5] = [
        FaultKind::Internal,
        FaultKind::BadGateway,
        FaultKind::Unavailable,
        FaultKind::RateLimited,
        FaultKind::Drop,
    ];

    /// Whether the fault strikes after the request was handled.
    pub fn after_handling(self) -> bool {
        matches!(self, FaultKind::BadGateway | FaultKind::Drop)
    }
}

impl FromStr for FaultKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            "500" => FaultKind::Internal,
            "502" => FaultKind::BadGateway,
            "503" => FaultKind::Unavailable,
            "429" => FaultKind::RateLimited,
            "drop" => FaultKind::Drop,
            other => {
                return Err(format!(
                    "unknown fault {other:?}: expected 500, 502, 503, 429 or drop"
                ));
            }
        })
    }
}

/// Faults injected into a fraction of requests.
#[derive(Debug, Clone)]
pub struct Faults {
    /// Fraction of requests, 0.0 to 1.0.
    pub rate: f64,
    /// Which faults to draw from, evenly.
    pub kinds: Vec<FaultKind>,
    /// `Retry-After` seconds on injected 429s.
    pub retry_after_secs: u64,
    /// Seed for the fault draw, for reproducible runs.
    pub seed: Option<u64>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            rate: 0.0,
            kinds: FaultKind::ALL.to_vec(),
            retry_after_secs: 1,
            seed: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse() {
        assert_eq!(
            "100/10".parse::<RateLimit>().unwrap(),
            RateLimit::DEVELOPMENT
        );
        assert_eq!(
            "5/1.5s".parse::<RateLimit>().unwrap().window,
            Duration::from_millis(1500)
        );
        for bad in ["", "100", "0/10", "10/0", "x/1", "10/-1"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn faults_parse() {
        assert_eq!("drop".parse::<FaultKind>().unwrap(), FaultKind::Drop);
        assert!("418".parse::<FaultKind>().is_err());
    }
}
