//! One error type that keeps Clerk's answers apart from transport and decoding failures.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One entry of Clerk's `errors[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClerkError {
    /// A short message.
    #[serde(default)]
    pub message: String,
    /// The message that says what went wrong.
    #[serde(default)]
    pub long_message: String,
    /// A stable code, e.g. `resource_not_found` or `form_identifier_exists`.
    #[serde(default)]
    pub code: String,
    /// More about the error, e.g. `param_name`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub meta: Map<String, Value>,
}

impl ClerkError {
    /// `meta.param_name`: the parameter Clerk rejected, when it names one.
    pub fn param_name(&self) -> Option<&str> {
        self.meta.get("param_name").and_then(Value::as_str)
    }
}

/// A non-2xx answer from Clerk.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// Clerk's `errors[]` (one error made up from the status when the body was not Clerk's).
    pub errors: Vec<ClerkError>,
    /// `clerk_trace_id` from the body, or the `Clerk-Trace-Id` header.
    pub trace_id: Option<String>,
    /// `Retry-After`, when Clerk sent one.
    pub retry_after: Option<Duration>,
    /// How many attempts were made before giving up.
    pub attempts: u32,
}

impl ApiError {
    /// The first error's code, e.g. `resource_not_found`.
    pub fn code(&self) -> Option<&str> {
        self.errors.first().map(|e| e.code.as_str())
    }

    /// The first error's long message (or its short one).
    pub fn long_message(&self) -> Option<&str> {
        self.errors.first().map(|e| {
            if e.long_message.is_empty() {
                e.message.as_str()
            } else {
                e.long_message.as_str()
            }
        })
    }

    /// Whether any of the errors has this code.
    pub fn has_code(&self, code: &str) -> bool {
        self.errors.iter().any(|e| e.code == code)
    }
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<ClerkError>,
    #[serde(default)]
    clerk_trace_id: Option<String>,
}

impl ApiError {
    /// Builds the error from a non-2xx answer. A body that is not `ClerkErrors` (a proxy's
    /// HTML page, say) still gives an error with the status and an excerpt of the body.
    pub(crate) fn from_response(
        status: u16,
        body: &[u8],
        trace_header: Option<String>,
        retry_after: Option<Duration>,
        attempts: u32,
    ) -> ApiError {
        let (errors, trace_body) = match serde_json::from_slice::<ErrorBody>(body) {
            Ok(b) if !b.errors.is_empty() => (b.errors, b.clerk_trace_id),
            _ => {
                let excerpt: String = String::from_utf8_lossy(body).chars().take(200).collect();
                let reason = http::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("error");
                (
                    vec![ClerkError {
                        message: reason.to_owned(),
                        long_message: if excerpt.trim().is_empty() {
                            format!("HTTP {status} {reason} with no Clerk error body")
                        } else {
                            format!("HTTP {status} {reason}: {}", excerpt.trim())
                        },
                        code: String::new(),
                        meta: Map::new(),
                    }],
                    None,
                )
            }
        };
        ApiError {
            status,
            errors,
            trace_id: trace_body.or(trace_header),
            retry_after,
            attempts,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = self.code().filter(|c| !c.is_empty()) {
            write!(f, " {code}")?;
        }
        if let Some(msg) = self.long_message() {
            write!(f, ": {msg}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong talking to Clerk.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Clerk answered with an error.
    #[error("{0}")]
    Api(ApiError),
    /// The request did not get an answer: connection refused, reset, timed out.
    #[error("{message}")]
    Transport {
        /// What failed, for people.
        message: String,
        /// The request may have reached Clerk and been carried out (the answer was lost).
        ambiguous: bool,
        /// How many attempts were made.
        attempts: u32,
        /// The HTTP client's error.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// Clerk answered 2xx with a body this client cannot read.
    #[error("cannot decode Clerk's answer at `{path}`: {message}")]
    Decode {
        /// Where in the JSON the failure is, e.g. `data[3].created_at`.
        path: String,
        /// What was wrong there.
        message: String,
    },
    /// No secret key: `CLERK_SECRET_KEY` is not set, or the builder was given none.
    #[error("CLERK_SECRET_KEY environment variable is not set")]
    MissingSecretKey,
    /// The API URL cannot be used.
    #[error("invalid Clerk API URL {url:?}: {reason}")]
    InvalidApiUrl {
        /// The URL given.
        url: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// A string that is not an ID of the kind expected.
    #[error(transparent)]
    Id(#[from] crate::ids::IdError),
    /// A setting or argument the client refused before sending anything.
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// The Clerk answer, when there was one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status Clerk answered with.
    pub fn status(&self) -> Option<u16> {
        self.api().map(|e| e.status)
    }

    /// Whether the request may have been carried out although no success came back: a lost
    /// answer (timeout, closed connection) or a gateway error (500, 502, 504). A create that
    /// fails this way must be looked up before it is tried again.
    pub fn is_ambiguous(&self) -> bool {
        match self {
            Error::Transport { ambiguous, .. } => *ambiguous,
            Error::Api(e) => matches!(e.status, 500 | 502 | 504),
            _ => false,
        }
    }

    /// Whether a connection to this machine (a loopback address: an emulator) was refused:
    /// nothing listens there, and waiting does not start it, so the client does not retry it.
    pub fn nothing_listening(&self) -> bool {
        let Error::Transport {
            source: Some(source),
            ..
        } = self
        else {
            return false;
        };
        let local = source.url().is_some_and(|u| match u.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        });
        let mut cause: Option<&dyn std::error::Error> = Some(source);
        while let Some(c) = cause {
            if let Some(io) = c.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::ConnectionRefused
            {
                return local;
            }
            cause = c.source();
        }
        false
    }

    pub(crate) fn transport(source: reqwest::Error, ambiguous: bool, attempts: u32) -> Error {
        let what = if source.is_timeout() {
            "timed out"
        } else if source.is_connect() {
            "could not connect"
        } else {
            "connection failed"
        };
        let mut message = format!("request to Clerk {what}");
        if let Some(url) = source.url() {
            message.push_str(&format!(" ({})", url.host_str().unwrap_or("?")));
        }
        let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(&source);
        let mut detail = None;
        while let Some(c) = cause {
            detail = Some(c.to_string());
            cause = c.source();
        }
        if let Some(d) = detail {
            message.push_str(&format!(": {d}"));
        }
        if attempts > 1 {
            message.push_str(&format!(" (after {attempts} attempts)"));
        }
        Error::Transport {
            message,
            ambiguous,
            attempts,
            source: Some(source),
        }
    }
}

/// `Result<T, clerk_api::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_clerk_errors_and_trace_ids() {
        let body = br#"{"errors":[{"message":"not found","long_message":"No user was found with id user_1","code":"resource_not_found"}],"clerk_trace_id":"abc"}"#;
        let e = ApiError::from_response(404, body, Some("hdr".into()), None, 1);
        assert_eq!(e.code(), Some("resource_not_found"));
        assert_eq!(e.trace_id.as_deref(), Some("abc"));
        assert_eq!(
            e.to_string(),
            "HTTP 404 resource_not_found: No user was found with id user_1"
        );
    }

    #[test]
    fn survives_non_clerk_bodies() {
        let e =
            ApiError::from_response(502, b"<html>Bad Gateway</html>", Some("t".into()), None, 3);
        assert_eq!(e.status, 502);
        assert_eq!(e.trace_id.as_deref(), Some("t"));
        assert!(e.long_message().unwrap().contains("Bad Gateway"));
        assert!(Error::Api(e).is_ambiguous());
    }
}
