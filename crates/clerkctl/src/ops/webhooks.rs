//! Webhooks: checking a delivery (its body and Svix headers) against an endpoint's signing
//! secret, as Svix's libraries and `verifyWebhook` from `@clerk/backend/webhooks` do, but
//! saying why one fails. Nothing here is sent anywhere.

use std::collections::BTreeMap;

use aws_lc_rs::hmac;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

/// Svix's tolerance for a delivery's timestamp, either way: five minutes.
pub const TOLERANCE_SECONDS: i64 = 300;

/// Why a delivery does not verify: each says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The secret is not `whsec_` and base64.
    SecretFormat(String),
    /// A header is missing or malformed.
    Header(String),
    /// The timestamp is outside the tolerance.
    Timestamp(String),
    /// No signature matches.
    Signature(String),
}

impl Refusal {
    pub fn message(&self) -> &str {
        match self {
            Refusal::SecretFormat(m)
            | Refusal::Header(m)
            | Refusal::Timestamp(m)
            | Refusal::Signature(m) => m,
        }
    }

    /// A short name of the reason, for JSON answers.
    pub fn reason(&self) -> &'static str {
        match self {
            Refusal::SecretFormat(_) => "secret_format",
            Refusal::Header(_) => "malformed_header",
            Refusal::Timestamp(_) => "timestamp",
            Refusal::Signature(_) => "bad_signature",
        }
    }
}

/// The key of a signing secret: `whsec_` and base64, as the Clerk Dashboard shows it (a bare
/// base64 secret is taken too, as Svix's libraries take it).
pub fn secret_key(secret: &str) -> Result<Vec<u8>, Refusal> {
    let secret = secret.trim();
    let b64 = secret.strip_prefix("whsec_").unwrap_or(secret);
    let bad = |why: &str| {
        Refusal::SecretFormat(format!(
            "the signing secret {why}: it looks like whsec_ followed by base64 (Clerk Dashboard, Webhooks, the endpoint, Signing Secret)"
        ))
    };
    if b64.is_empty() {
        return Err(bad("is empty"));
    }
    match STANDARD.decode(b64) {
        Ok(k) if !k.is_empty() => Ok(k),
        _ => Err(bad("is not base64 after whsec_")),
    }
}

/// Reads headers saved as a JSON object (`{"svix-id": "..."}`) or as HTTP header lines
/// (`svix-id: ...`), names lowercased.
pub fn parse_headers(text: &str) -> Result<BTreeMap<String, String>, Refusal> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        let v: Value = serde_json::from_str(trimmed).map_err(|e| {
            Refusal::Header(format!(
                "the headers are not a JSON object of names and values ({e})"
            ))
        })?;
        let Value::Object(map) = v else {
            unreachable!("starts with {{")
        };
        return map
            .into_iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.to_ascii_lowercase(), s)),
                other => Err(Refusal::Header(format!(
                    "header {k} is not a string: {other}"
                ))),
            })
            .collect();
    }
    let mut headers = BTreeMap::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        // A request line (`POST /webhooks HTTP/1.1`) may head a saved request.
        if line.contains(" HTTP/") {
            continue;
        }
        let (k, v) = line.split_once(':').ok_or_else(|| {
            Refusal::Header(format!("{line:?} is not a header line (name: value)"))
        })?;
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
    }
    Ok(headers)
}

/// What a delivery that verified says.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    pub id: String,
    pub timestamp: i64,
    /// The event's `type` and the `id` of its `data`, when the body is a Clerk event.
    pub event_type: Option<String>,
    pub object_id: Option<String>,
}

impl Verified {
    pub fn to_json(&self) -> Value {
        json!({
            "verified": true,
            "svix_id": self.id,
            "svix_timestamp": self.timestamp,
            "type": self.event_type,
            "object_id": self.object_id,
        })
    }
}

fn header<'h>(headers: &'h BTreeMap<String, String>, name: &str) -> Result<&'h str, Refusal> {
    // Svix's libraries take the Standard Webhooks names too (webhook-id, ...).
    let alt = name.replace("svix-", "webhook-");
    headers
        .get(name)
        .or_else(|| headers.get(&alt))
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            Refusal::Header(format!(
                "the {name} header is missing: a Clerk delivery carries svix-id, svix-timestamp and svix-signature"
            ))
        })
}

/// Checks `body` (the bytes exactly as received) and its headers against `secret` at `now`
/// (Unix seconds); `tolerance` is how far the timestamp may be from `now`, `None` for any.
pub fn verify(
    secret: &str,
    headers: &BTreeMap<String, String>,
    body: &[u8],
    now: i64,
    tolerance: Option<i64>,
) -> Result<Verified, Refusal> {
    let key = secret_key(secret)?;
    let id = header(headers, "svix-id")?;
    let ts_text = header(headers, "svix-timestamp")?;
    let signatures = header(headers, "svix-signature")?;
    let timestamp: i64 = ts_text.parse().map_err(|_| {
        Refusal::Header(format!(
            "svix-timestamp {ts_text:?} is not a number of seconds since 1970"
        ))
    })?;
    if let Some(tol) = tolerance {
        if timestamp < now - tol {
            return Err(Refusal::Timestamp(format!(
                "the timestamp is too old: sent {} s ago, more than the {tol} s allowed (a replayed or saved delivery; --ignore-timestamp checks the signature alone)",
                now - timestamp
            )));
        }
        if timestamp > now + tol {
            return Err(Refusal::Timestamp(format!(
                "the timestamp is too new: {} s in the future, more than the {tol} s allowed (check this machine's clock)",
                timestamp - now
            )));
        }
    }
    let mut expected = Vec::new();
    for part in signatures.split_whitespace() {
        let Some((version, sig)) = part.split_once(',') else {
            return Err(Refusal::Header(format!(
                "svix-signature holds {part:?}: each signature is v1, followed by base64"
            )));
        };
        if version == "v1" {
            let sig = STANDARD.decode(sig).map_err(|_| {
                Refusal::Header(format!(
                    "svix-signature holds {part:?}, whose signature is not base64"
                ))
            })?;
            expected.push(sig);
        }
    }
    if expected.is_empty() {
        return Err(Refusal::Header(
            "svix-signature holds no v1 signature".into(),
        ));
    }
    let hkey = hmac::Key::new(hmac::HMAC_SHA256, &key);
    let mut signed = format!("{id}.{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    if !expected
        .iter()
        .any(|sig| hmac::verify(&hkey, &signed, sig).is_ok())
    {
        return Err(Refusal::Signature(
            "no signature matches: the body or the svix-id or svix-timestamp header differ from what was sent (save the body byte for byte), or the secret is another endpoint's".into(),
        ));
    }
    let event: Option<Value> = serde_json::from_slice(body).ok();
    Ok(Verified {
        id: id.to_owned(),
        timestamp,
        event_type: event
            .as_ref()
            .and_then(|e| e.get("type"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        object_id: event
            .as_ref()
            .and_then(|e| e.pointer("/data/id"))
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example of Svix's "verifying manually" guide.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const BODY: &str = r#"{"test": 2432232314}"#;
    const TS: i64 = 1614265330;

    fn headers(sig: &str) -> BTreeMap<String, String> {
        parse_headers(&format!(
            "POST /webhooks HTTP/1.1\nSvix-Id: msg_p5jXN8AQM9LWM0D4loKWxJek\nsvix-timestamp: {TS}\nsvix-signature: {sig}\n"
        ))
        .unwrap()
    }

    #[test]
    fn accepts_svix_reference_and_says_why_others_fail() {
        let good = headers("v1,bm9ldmVy v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let ok = verify(SECRET, &good, BODY.as_bytes(), TS + 10, Some(300)).unwrap();
        assert_eq!(ok.id, "msg_p5jXN8AQM9LWM0D4loKWxJek");
        let tampered = verify(SECRET, &good, br#"{"test": 1}"#, TS, Some(300)).unwrap_err();
        assert_eq!(tampered.reason(), "bad_signature");
        let old = verify(SECRET, &good, BODY.as_bytes(), TS + 301, Some(300)).unwrap_err();
        assert!(old.message().contains("too old"), "{old:?}");
        let new = verify(SECRET, &good, BODY.as_bytes(), TS - 301, Some(300)).unwrap_err();
        assert!(new.message().contains("too new"), "{new:?}");
        assert!(verify(SECRET, &good, BODY.as_bytes(), TS + 9999, None).is_ok());
        let bad_secret = verify("sk_test_x!", &good, BODY.as_bytes(), TS, None).unwrap_err();
        assert_eq!(bad_secret.reason(), "secret_format");
        let other = verify("whsec_c2VjcmV0", &good, BODY.as_bytes(), TS, None).unwrap_err();
        assert_eq!(other.reason(), "bad_signature");
        let malformed = verify(SECRET, &headers("g0hM9SsE"), BODY.as_bytes(), TS, None);
        assert_eq!(malformed.unwrap_err().reason(), "malformed_header");
        let mut missing = good.clone();
        missing.remove("svix-id");
        let err = verify(SECRET, &missing, BODY.as_bytes(), TS, None).unwrap_err();
        assert!(err.message().contains("svix-id"), "{err:?}");
        let json = parse_headers(&format!(
            r#"{{"svix-id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "svix-timestamp": "{TS}", "svix-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}}"#
        ))
        .unwrap();
        assert!(verify(SECRET, &json, BODY.as_bytes(), TS, Some(300)).is_ok());
    }
}
