//! How an emulator is started: address, storage, keys, seed, the instance's settings (limits,
//! organizations, lockout), injected faults and the clock its rate limits count on.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Deserializer};

/// Everything an [`crate::Emulator`] needs to start. `Config::default()` serves an empty,
/// in-memory instance on `127.0.0.1` at a free port, accepting any `sk_test_` key, with the
/// settings of a production instance created today ([`Settings::default`]).
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
    /// More seed files, loaded with `seed` as one seed: clerkctl's exports of users,
    /// organizations and members (see `Engine::load_seed_files`).
    pub more_seeds: Vec<PathBuf>,
    /// The emulated instance's settings: rate limits, organizations, lockout.
    pub settings: Settings,
    pub faults: Faults,
    /// Added before every answer.
    pub latency: Duration,
    /// What the rate limits count time on (tests use [`Clock::manual`]).
    pub clock: Clock,
    /// A PEM file with the instance's RSA signing key. Without it the key is the one the data
    /// file keeps, or a new one made on first use (and kept in the data file).
    pub signing_key: Option<PathBuf>,
    /// How long a session token lives when the request names no lifetime.
    pub session_token_lifetime: Duration,
    pub webhooks: WebhookOptions,
    /// How long a connection may take to send a request's head (and, for a new connection,
    /// its first byte) before it is closed: half-sent requests cannot hold the server.
    pub header_read_timeout: Duration,
    /// Connections served at once; one more is answered 503 and closed, so idle connections
    /// cannot use up the process's files.
    pub max_connections: usize,
}

/// [`Config::header_read_timeout`] unless told: hyper's own default.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// [`Config::max_connections`] unless told: far above what a test suite or a bulk job opens,
/// well under a usual limit of open files (1024).
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

impl Default for Config {
    fn default() -> Self {
        Config {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            data: None,
            secret_keys: Vec::new(),
            seed: None,
            more_seeds: Vec::new(),
            settings: Settings::default(),
            faults: Faults::default(),
            latency: Duration::ZERO,
            clock: Clock::default(),
            signing_key: None,
            session_token_lifetime: Duration::from_secs(
                crate::engine::sessions::DEFAULT_TOKEN_LIFETIME_SECS as u64,
            ),
            webhooks: WebhookOptions::default(),
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl Config {
    /// This configuration with every limit lifted ([`Settings::no_limits`]), for load tests
    /// and tests that make many records.
    pub fn no_limits(mut self) -> Config {
        self.settings = self.settings.no_limits();
        self
    }
}

/// The kind of Clerk instance emulated: their Backend API rate limits differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InstanceKind {
    #[default]
    Production,
    Development,
}

impl InstanceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceKind::Production => "production",
            InstanceKind::Development => "development",
        }
    }

    /// Clerk's Backend API limit for the instance, per secret key.
    pub fn rate_limit(self) -> RateLimit {
        match self {
            InstanceKind::Production => RateLimit::PRODUCTION,
            InstanceKind::Development => RateLimit::DEVELOPMENT,
        }
    }
}

impl FromStr for InstanceKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "production" => Ok(InstanceKind::Production),
            "development" => Ok(InstanceKind::Development),
            other => Err(format!(
                "unknown instance {other:?}: expected production or development"
            )),
        }
    }
}

/// The account lockout policy: after `max_attempts` failed sign-ins an account locks for
/// `duration` (`None`: until an administrator unlocks it). `POST /users/{id}/lock` locks the
/// same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    pub max_attempts: u32,
    pub duration: Option<Duration>,
}

impl Lockout {
    /// A new instance's policy: 10 attempts, one hour (docs/guides/secure/user-lockout.mdx).
    pub const NEW_INSTANCE: Lockout = Lockout {
        max_attempts: 10,
        duration: Some(Duration::from_secs(3600)),
    };
    /// The smallest attempt limit Clerk's Dashboard accepts.
    pub const MIN_ATTEMPTS: u32 = 5;
}

/// Per-record limit: updates of one user, organization or membership's data or metadata.
pub const RECORD_LIMIT: RateLimit = RateLimit {
    requests: 10,
    window: Duration::from_secs(10),
};

/// The settings of the emulated instance. [`Settings::default`] is a production instance
/// created today (see `spec/clerk-facts/LIMITS.md` for the sources).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub instance: InstanceKind,
    /// Members plus pending invitations a new organization allows (its
    /// `max_allowed_memberships`, which each organization can change); 0 is no limit.
    pub membership_limit: u32,
    /// Whether organizations may be given slugs.
    pub org_slugs: bool,
    /// `None`: the lockout policy is off.
    pub lockout: Option<Lockout>,
    /// Requests per secret key; `None` is no limit.
    pub rate_limit: Option<RateLimit>,
    /// [`RECORD_LIMIT`] on updates of one user, organization or membership.
    pub record_limits: bool,
    /// Clerk's hourly limits on invitation creates.
    pub invitation_limits: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::new_instance(InstanceKind::Production)
    }
}

impl Settings {
    /// An instance of this kind created today: 5 members per organization (pending
    /// invitations included), slugs off, lockout after 10 attempts for an hour, and Clerk's
    /// rate limits (per instance, per record, hourly for invitations).
    pub fn new_instance(instance: InstanceKind) -> Settings {
        Settings {
            instance,
            membership_limit: 5,
            org_slugs: false,
            lockout: Some(Lockout::NEW_INSTANCE),
            rate_limit: Some(instance.rate_limit()),
            record_limits: true,
            invitation_limits: true,
        }
    }

    /// These settings with every limit lifted: the instance, per-record and hourly rate limits
    /// and the default membership limit. Slugs and lockout are left as they are.
    pub fn no_limits(self) -> Settings {
        Settings {
            membership_limit: 0,
            rate_limit: None,
            record_limits: false,
            invitation_limits: false,
            ..self
        }
    }

    /// These settings with organization slugs on or off.
    pub fn org_slugs(self, on: bool) -> Settings {
        Settings {
            org_slugs: on,
            ..self
        }
    }

    /// A new instance of `instance` (production unless it is `None`, or the file names one)
    /// changed by the settings file at `path`, if any.
    pub fn load(path: Option<&Path>, instance: Option<InstanceKind>) -> Result<Settings, String> {
        let file = match path {
            None => SettingsFile::default(),
            Some(path) => {
                let text = std::fs::read(path)
                    .map_err(|e| format!("cannot read settings file {}: {e}", path.display()))?;
                serde_json::from_slice(&text).map_err(|e| {
                    format!(
                        "settings file {} is not valid: {e} (see docs/emulator.md, \"Instance settings\")",
                        path.display()
                    )
                })?
            }
        };
        file.apply(instance).map_err(|e| match path {
            Some(path) => format!("settings file {}: {e}", path.display()),
            None => e,
        })
    }

    /// One line saying which settings are in effect.
    pub fn describe(&self) -> String {
        let rate = match self.rate_limit {
            Some(r) => format!("{} requests per {} s", r.requests, r.window.as_secs_f64()),
            None => "no request limit".to_owned(),
        };
        let record = if self.record_limits {
            "10 updates per 10 s per record"
        } else {
            "no per-record limit"
        };
        let hourly = if self.invitation_limits {
            "hourly invitation limits"
        } else {
            "no invitation limits"
        };
        let members = match self.membership_limit {
            0 => "unlimited members".to_owned(),
            n => format!("{n} members"),
        };
        let slugs = if self.org_slugs {
            "slugs on"
        } else {
            "slugs off"
        };
        let lockout = match self.lockout {
            None => "lockout off".to_owned(),
            Some(Lockout {
                max_attempts,
                duration: None,
            }) => format!("lockout after {max_attempts} attempts until unlocked"),
            Some(Lockout {
                max_attempts,
                duration: Some(d),
            }) => format!(
                "lockout after {max_attempts} attempts for {}",
                human_duration(d)
            ),
        };
        format!(
            "{} instance: {rate}, {record}, {hourly}; organizations: {members}, {slugs}; {lockout}",
            self.instance.as_str()
        )
    }
}

fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        3600 => "1 hour".to_owned(),
        s if s % 3600 == 0 => format!("{} hours", s / 3600),
        s if s % 60 == 0 => format!("{} minutes", s / 60),
        s => format!("{s} s"),
    }
}

/// `--settings FILE`: every field is optional; a missing one keeps the new instance's value.
///
/// ```json
/// {
///   "instance": "production",
///   "membership_limit": 5,
///   "org_slugs": false,
///   "lockout": {"max_attempts": 10, "duration_seconds": 3600},
///   "rate_limit": "1000/10",
///   "record_limits": true,
///   "invitation_limits": true
/// }
/// ```
///
/// `"lockout": null` turns the lockout policy off, `"duration_seconds": null` locks until an
/// administrator unlocks, `"rate_limit": null` lifts the request limit.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    #[serde(default)]
    pub instance: Option<InstanceKind>,
    #[serde(default)]
    pub membership_limit: Option<u32>,
    #[serde(default)]
    pub org_slugs: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub lockout: Option<Option<LockoutFile>>,
    #[serde(default, deserialize_with = "present")]
    pub rate_limit: Option<Option<String>>,
    #[serde(default)]
    pub record_limits: Option<bool>,
    #[serde(default)]
    pub invitation_limits: Option<bool>,
}

/// The `lockout` object of a settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockoutFile {
    #[serde(default)]
    pub max_attempts: Option<u32>,
    #[serde(default, deserialize_with = "present")]
    pub duration_seconds: Option<Option<u64>>,
}

/// Tells a field given as `null` (`Some(None)`) from one left out (`None`).
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

impl SettingsFile {
    /// The settings this file makes of a new instance; `instance` (a flag) wins over the
    /// file's own.
    pub fn apply(self, instance: Option<InstanceKind>) -> Result<Settings, String> {
        let kind = instance.or(self.instance).unwrap_or_default();
        let mut s = Settings::new_instance(kind);
        if let Some(n) = self.membership_limit {
            s.membership_limit = n;
        }
        if let Some(on) = self.org_slugs {
            s.org_slugs = on;
        }
        match self.lockout {
            None => {}
            Some(None) => s.lockout = None,
            Some(Some(l)) => {
                let mut lockout = Lockout::NEW_INSTANCE;
                if let Some(n) = l.max_attempts {
                    if n < Lockout::MIN_ATTEMPTS {
                        return Err(format!(
                            "lockout.max_attempts is {n}; Clerk accepts {} or more",
                            Lockout::MIN_ATTEMPTS
                        ));
                    }
                    lockout.max_attempts = n;
                }
                match l.duration_seconds {
                    None => {}
                    Some(None) => lockout.duration = None,
                    Some(Some(0)) => {
                        return Err(
                            "lockout.duration_seconds must be 1 or more, or null to lock until an administrator unlocks".into(),
                        );
                    }
                    Some(Some(secs)) => lockout.duration = Some(Duration::from_secs(secs)),
                }
                s.lockout = Some(lockout);
            }
        }
        match self.rate_limit {
            None => {}
            Some(None) => s.rate_limit = None,
            Some(Some(text)) => s.rate_limit = Some(text.parse()?),
        }
        if let Some(on) = self.record_limits {
            s.record_limits = on;
        }
        if let Some(on) = self.invitation_limits {
            s.invitation_limits = on;
        }
        Ok(s)
    }
}

/// The time rate limits count on: the system's monotonic clock, or a manual one that only
/// moves when told (so a test of a limit never races the clock).
#[derive(Debug, Clone)]
pub enum Clock {
    System(Instant),
    /// Milliseconds since the clock was made.
    Manual(Arc<AtomicU64>),
}

impl Default for Clock {
    fn default() -> Self {
        Clock::System(Instant::now())
    }
}

impl Clock {
    /// A clock that stands still until [`Clock::advance`]; clones share it.
    pub fn manual() -> Clock {
        Clock::Manual(Arc::new(AtomicU64::new(0)))
    }

    /// Moves a manual clock on; a no-op on the system clock.
    pub fn advance(&self, by: Duration) {
        if let Clock::Manual(ms) = self {
            ms.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
        }
    }

    /// Time since the clock was made.
    pub fn now(&self) -> Duration {
        match self {
            Clock::System(origin) => origin.elapsed(),
            Clock::Manual(ms) => Duration::from_millis(ms.load(Ordering::SeqCst)),
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
    fn a_new_instance_is_configured_as_clerk_documents() {
        let s = Settings::default();
        assert_eq!(s.instance, InstanceKind::Production);
        assert_eq!(s.membership_limit, 5);
        assert!(!s.org_slugs);
        assert_eq!(s.lockout, Some(Lockout::NEW_INSTANCE));
        assert_eq!(s.rate_limit, Some(RateLimit::PRODUCTION));
        assert!(s.record_limits && s.invitation_limits);
        let dev = Settings::new_instance(InstanceKind::Development);
        assert_eq!(dev.rate_limit, Some(RateLimit::DEVELOPMENT));
        let open = Settings::default().no_limits();
        assert_eq!(open.membership_limit, 0);
        assert_eq!(open.rate_limit, None);
        assert!(!open.record_limits && !open.invitation_limits);
        assert_eq!(
            open.lockout, s.lockout,
            "no_limits leaves the lockout policy"
        );
    }

    fn file(json: &str) -> SettingsFile {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_settings_file_changes_only_what_it_names() {
        assert_eq!(file("{}").apply(None).unwrap(), Settings::default());
        let s = file(
            r#"{"instance": "development", "membership_limit": 0, "org_slugs": true,
                "lockout": {"max_attempts": 5, "duration_seconds": null},
                "rate_limit": "50/1", "record_limits": false, "invitation_limits": false}"#,
        )
        .apply(None)
        .unwrap();
        assert_eq!(s.instance, InstanceKind::Development);
        assert_eq!(s.membership_limit, 0);
        assert!(s.org_slugs);
        assert_eq!(
            s.lockout,
            Some(Lockout {
                max_attempts: 5,
                duration: None
            })
        );
        assert_eq!(s.rate_limit, Some("50/1".parse().unwrap()));
        assert!(!s.record_limits && !s.invitation_limits);
        // The instance's own rate limit, unless the file gives one; a flag's instance wins.
        let dev = file(r#"{"instance": "development"}"#).apply(None).unwrap();
        assert_eq!(dev.rate_limit, Some(RateLimit::DEVELOPMENT));
        let prod = file(r#"{"instance": "development"}"#)
            .apply(Some(InstanceKind::Production))
            .unwrap();
        assert_eq!(prod.rate_limit, Some(RateLimit::PRODUCTION));
        let off = file(r#"{"lockout": null, "rate_limit": null}"#)
            .apply(None)
            .unwrap();
        assert_eq!((off.lockout, off.rate_limit), (None, None));
    }

    #[test]
    fn bad_settings_files_say_what_is_wrong() {
        assert!(serde_json::from_str::<SettingsFile>(r#"{"slugs": true}"#).is_err());
        let few = file(r#"{"lockout": {"max_attempts": 3}}"#).apply(None);
        assert!(few.unwrap_err().contains("5 or more"));
        let zero = file(r#"{"lockout": {"duration_seconds": 0}}"#).apply(None);
        assert!(zero.is_err());
        let rate = file(r#"{"rate_limit": "fast"}"#).apply(None);
        assert!(rate.unwrap_err().contains("N/SECONDS"));
    }

    #[test]
    fn the_settings_in_effect_read_in_one_line() {
        assert_eq!(
            Settings::default().describe(),
            "production instance: 1000 requests per 10 s, 10 updates per 10 s per record, \
             hourly invitation limits; organizations: 5 members, slugs off; lockout after 10 \
             attempts for 1 hour"
        );
        assert_eq!(
            Settings::default().no_limits().org_slugs(true).describe(),
            "production instance: no request limit, no per-record limit, no invitation limits; \
             organizations: unlimited members, slugs on; lockout after 10 attempts for 1 hour"
        );
    }

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let c = Clock::manual();
        let shared = c.clone();
        assert_eq!(c.now(), Duration::ZERO);
        shared.advance(Duration::from_secs(3));
        assert_eq!(c.now(), Duration::from_secs(3));
    }

    #[test]
    fn faults_parse() {
        assert_eq!("drop".parse::<FaultKind>().unwrap(), FaultKind::Drop);
        assert!("418".parse::<FaultKind>().is_err());
    }
}
