//! Where requests go and with which key: `CLERK_SECRET_KEY`, `CLERK_API_URL`.

use std::fmt;
use std::net::IpAddr;

use url::Url;

use crate::error::Error;

/// Clerk's Backend API origin.
pub const DEFAULT_API_URL: &str = "https://api.clerk.com";
/// The Backend API version this client speaks, sent as `Clerk-API-Version`.
pub const API_VERSION: &str = "2026-05-12";
/// Environment variable holding the secret key.
pub const SECRET_KEY_ENV: &str = "CLERK_SECRET_KEY";
/// Environment variable holding the API origin, as Clerk's JavaScript SDKs read it.
pub const API_URL_ENV: &str = "CLERK_API_URL";

/// The kind of instance a secret key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `sk_test_...`: a development instance.
    Test,
    /// `sk_live_...`: a production instance.
    Live,
    /// Anything else (Clerk will refuse it).
    Other,
}

/// A Clerk secret key. It never prints: `Debug` and [`SecretKey::masked`] show at most the last
/// four characters.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    /// Wraps a key (surrounding whitespace is removed).
    pub fn new(key: impl Into<String>) -> SecretKey {
        SecretKey(key.into().trim().to_owned())
    }

    /// Reads `CLERK_SECRET_KEY`.
    pub fn from_env() -> Result<SecretKey, Error> {
        match std::env::var(SECRET_KEY_ENV) {
            Ok(v) if !v.trim().is_empty() => Ok(SecretKey::new(v)),
            _ => Err(Error::MissingSecretKey),
        }
    }

    /// What kind of instance the key belongs to, by its prefix.
    pub fn kind(&self) -> KeyKind {
        if self.0.starts_with("sk_test_") {
            KeyKind::Test
        } else if self.0.starts_with("sk_live_") {
            KeyKind::Live
        } else {
            KeyKind::Other
        }
    }

    /// `sk_live_…wxyz`: the prefix and the last four characters, for messages and audit logs.
    pub fn masked(&self) -> String {
        let prefix = match self.kind() {
            KeyKind::Test => "sk_test_",
            KeyKind::Live => "sk_live_",
            KeyKind::Other => "",
        };
        let rest = &self.0[prefix.len()..];
        let chars: Vec<char> = rest.chars().collect();
        if chars.len() <= 8 {
            format!("{prefix}…")
        } else {
            let tail: String = chars[chars.len() - 4..].iter().collect();
            format!("{prefix}…{tail}")
        }
    }

    /// The key itself, for the `Authorization` header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// Whether `text` contains this key (for redaction checks).
    pub fn appears_in(&self, text: &str) -> bool {
        !self.0.is_empty() && text.contains(&self.0)
    }

    /// A one-way fingerprint of the key (the first 16 hex digits of its SHA-256): the same key
    /// always gives the same one, and the key cannot be had back from it. For records that must
    /// recognise an instance without holding its key (a bulk job's journal).
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        sha2::Sha256::digest(self.0.as_bytes())
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// `text` with every occurrence of this key replaced by its masked form: for anything a
    /// server sent back (an echoing server or proxy must not get the key printed).
    pub fn scrub(&self, text: &str) -> String {
        if self.appears_in(text) {
            text.replace(&self.0, &self.masked())
        } else {
            text.to_owned()
        }
    }

    /// [`SecretKey::scrub`] for a body: the key as it stands, and in a JSON string however
    /// it is escaped (`\u0073k_...`).
    pub(crate) fn scrub_body(&self, body: bytes::Bytes) -> bytes::Bytes {
        if self.0.is_empty() {
            return body;
        }
        // Every answer passes here, pages of 500 users included: search with memchr's
        // vectorised substring search, not a comparison at every byte.
        let key = memchr::memmem::Finder::new(self.0.as_bytes());
        let mut body = if key.find(&body).is_some() {
            let masked = self.masked();
            let mut out = Vec::with_capacity(body.len());
            let mut rest: &[u8] = &body;
            while let Some(at) = key.find(rest) {
                out.extend_from_slice(&rest[..at]);
                out.extend_from_slice(masked.as_bytes());
                rest = &rest[at + key.needle().len()..];
            }
            out.extend_from_slice(rest);
            bytes::Bytes::from(out)
        } else {
            body
        };
        // Escapes can spell the key without its bytes appearing: when one stands for a character
        // of the key, read the JSON to be sure.
        if self.escape_spells_part_of_key(&body)
            && let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(&body)
            && self.scrub_value(&mut v)
            && let Ok(clean) = serde_json::to_vec(&v)
        {
            body = bytes::Bytes::from(clean);
        }
        body
    }

    /// Whether `body` holds a JSON escape (`\u0073`, `\/`, ...) that stands for a character of
    /// the key. Escapes of other characters (`\u003c` for `<`, as some encoders write) cannot
    /// spell the key, so they do not cost a parse.
    fn escape_spells_part_of_key(&self, body: &[u8]) -> bool {
        let mut at = 0;
        while let Some(i) = memchr::memchr(b'\\', &body[at..]) {
            let i = at + i;
            let (c, len) = match body.get(i + 1) {
                Some(b'u') => {
                    let hex = body
                        .get(i + 2..i + 6)
                        .and_then(|h| std::str::from_utf8(h).ok());
                    match hex.and_then(|h| u32::from_str_radix(h, 16).ok()) {
                        Some(code) => (char::from_u32(code), 6),
                        None => (None, 2),
                    }
                }
                Some(b'/') => (Some('/'), 2),
                Some(b'"') => (Some('"'), 2),
                Some(b'\\') => (Some('\\'), 2),
                _ => (None, 1),
            };
            if c.is_some_and(|c| self.0.contains(c)) {
                return true;
            }
            at = i + len;
        }
        false
    }

    /// Scrubs every string (and object key) in `v`; answers whether any held the key.
    fn scrub_value(&self, v: &mut serde_json::Value) -> bool {
        use serde_json::Value;
        match v {
            Value::String(s) if self.appears_in(s) => {
                *s = self.scrub(s);
                true
            }
            Value::Array(items) => {
                // Every item is scrubbed: no short-circuit.
                let mut any = false;
                for item in items {
                    any |= self.scrub_value(item);
                }
                any
            }
            Value::Object(map) => {
                let mut any = false;
                let old = std::mem::take(map);
                for (k, mut item) in old {
                    any |= self.scrub_value(&mut item);
                    let k = if self.appears_in(&k) {
                        any = true;
                        self.scrub(&k)
                    } else {
                        k
                    };
                    map.insert(k, item);
                }
                any
            }
            _ => false,
        }
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({})", self.masked())
    }
}

/// The Backend API's base URL: an origin plus `/v1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiBase(Url);

impl ApiBase {
    /// Parses an API URL as Clerk's JavaScript SDKs read `CLERK_API_URL`: an origin, with `/v1`
    /// appended unless the path already ends with it. `http://` is allowed only to loopback
    /// addresses, so a secret key never crosses a network in clear text.
    pub fn parse(raw: &str) -> Result<ApiBase, Error> {
        let raw = raw.trim();
        let mut url = Url::parse(raw).map_err(|e| Error::InvalidApiUrl {
            url: raw.to_owned(),
            reason: e.to_string(),
        })?;
        let invalid = |reason: &str| Error::InvalidApiUrl {
            url: raw.to_owned(),
            reason: reason.to_owned(),
        };
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(invalid(
                    "the secret key is never sent over plain http except to a loopback address (127.0.0.1, ::1, localhost); use https",
                ));
            }
            _ => {
                return Err(invalid(
                    "the scheme must be https (or http to a loopback address)",
                ));
            }
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("it has no host"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("it must not carry a query or a fragment"));
        }
        let path = url.path().trim_end_matches('/').to_owned();
        let path = if path.ends_with("/v1") {
            path
        } else {
            format!("{path}/v1")
        };
        url.set_path(&path);
        Ok(ApiBase(url))
    }

    /// Reads `CLERK_API_URL`, or Clerk's own origin when it is not set.
    pub fn from_env() -> Result<ApiBase, Error> {
        match std::env::var(API_URL_ENV) {
            Ok(v) if !v.trim().is_empty() => ApiBase::parse(&v),
            _ => ApiBase::parse(DEFAULT_API_URL),
        }
    }

    /// The base as a string, ending in `/v1`.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub(crate) fn url(&self) -> &Url {
        &self.0
    }

    /// Whether requests go to this machine.
    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.0)
    }
}

impl Default for ApiBase {
    fn default() -> Self {
        ApiBase::parse(DEFAULT_API_URL).expect("the default API URL is valid")
    }
}

impl fmt::Display for ApiBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_that_echoes_the_key_is_scrubbed_however_it_is_spelled() {
        let key = SecretKey::new("sk_live_reflectedSecretKey1234");
        let plain = bytes::Bytes::from(
            r#"{"errors":[{"message":"Bearer sk_live_reflectedSecretKey1234","long_message":"x"}]}"#,
        );
        let clean = key.scrub_body(plain);
        let text = String::from_utf8_lossy(&clean);
        assert!(!text.contains("reflectedSecret"), "{text}");
        assert!(text.contains("sk_live_…1234"), "{text}");
        let escaped = bytes::Bytes::from(
            r#"{"echo":"\u0073k_live_reflectedSecretKey1234","\u0073k_live_reflectedSecretKey1234":1}"#,
        );
        let clean = key.scrub_body(escaped);
        let v: serde_json::Value = serde_json::from_slice(&clean).unwrap();
        assert!(!v.to_string().contains("reflectedSecret"), "{v}");
        // Any one character of the key escaped, in either case of hex digits.
        for spelled in [
            r#"{"echo":"sk_live_reflected\u0053ecretKey1234"}"#,
            r#"{"echo":"sk_live_reflectedSecretKey123\u0034"}"#,
            r#"{"echo":"\u0073\u006B_live_reflectedSecretKey1234"}"#,
        ] {
            let clean = key.scrub_body(bytes::Bytes::from(spelled));
            let v: serde_json::Value = serde_json::from_slice(&clean).unwrap();
            assert!(!v.to_string().contains("reflectedSecret"), "{spelled}: {v}");
        }
        // Escapes of characters no key holds leave the body as it came, unparsed.
        for untouched in [r#"{"a":"\u003cb\u003e \u0026 \/"}"#, r#"{"a":"\\"}"#] {
            let body = bytes::Bytes::from(untouched);
            assert_eq!(key.scrub_body(body.clone()), body);
        }
        let untouched = bytes::Bytes::from(r#"{"a":"\u00e9"}"#);
        assert_eq!(key.scrub_body(untouched.clone()), untouched);
        assert_eq!(key.scrub("no key here"), "no key here");
    }

    #[test]
    fn api_url_gets_v1_like_the_js_sdk() {
        assert_eq!(
            ApiBase::parse("https://api.clerk.com").unwrap().as_str(),
            "https://api.clerk.com/v1"
        );
        assert_eq!(
            ApiBase::parse("https://api.clerk.com/").unwrap().as_str(),
            "https://api.clerk.com/v1"
        );
        assert_eq!(
            ApiBase::parse("https://api.clerk.com/v1/")
                .unwrap()
                .as_str(),
            "https://api.clerk.com/v1"
        );
        assert_eq!(
            ApiBase::parse("https://proxy.example.com/clerk")
                .unwrap()
                .as_str(),
            "https://proxy.example.com/clerk/v1"
        );
        assert_eq!(
            ApiBase::parse("http://127.0.0.1:8787").unwrap().as_str(),
            "http://127.0.0.1:8787/v1"
        );
        assert_eq!(
            ApiBase::parse("http://localhost:1").unwrap().as_str(),
            "http://localhost:1/v1"
        );
        assert_eq!(
            ApiBase::parse("http://[::1]:1").unwrap().as_str(),
            "http://[::1]:1/v1"
        );
    }

    #[test]
    fn plain_http_only_to_loopback() {
        let err = ApiBase::parse("http://api.example.com").unwrap_err();
        assert!(err.to_string().contains("plain http"), "{err}");
        assert!(ApiBase::parse("http://10.0.0.1").is_err());
        assert!(ApiBase::parse("ftp://x").is_err());
        assert!(ApiBase::parse("not a url").is_err());
    }

    #[test]
    fn keys_are_masked() {
        let key = SecretKey::new("sk_live_abcdefghijklmnopWXYZ");
        assert_eq!(key.kind(), KeyKind::Live);
        assert_eq!(key.masked(), "sk_live_…WXYZ");
        assert!(!format!("{key:?}").contains("abcdef"));
        assert_eq!(SecretKey::new("sk_test_short").masked(), "sk_test_…");
        assert_eq!(
            SecretKey::new("nonsense-but-long-enough").kind(),
            KeyKind::Other
        );
    }
}
