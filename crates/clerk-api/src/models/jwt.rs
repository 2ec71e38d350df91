use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Timestamp;
use crate::ids::JwtTemplateId;

/// A JWT template: the claims of a custom token (for Hasura, Supabase, a service of your own),
/// minted for a session with `POST /sessions/{id}/tokens/{name}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JwtTemplate {
    /// The template's ID.
    pub id: JwtTemplateId,
    /// The name tokens are asked for by.
    pub name: String,
    /// The claims, with Clerk's shortcodes (`{{user.id}}`, `{{org.role}}`, ...).
    #[serde(default)]
    pub claims: Map<String, Value>,
    /// Seconds a token lives.
    #[serde(default)]
    pub lifetime: Option<i64>,
    /// Seconds of clock skew allowed (`nbf` is that much before `iat`).
    #[serde(default)]
    pub allowed_clock_skew: Option<i64>,
    /// Whether tokens are signed with the template's own key rather than the instance's.
    #[serde(default)]
    pub custom_signing_key: bool,
    /// The signing algorithm, e.g. `RS256` or `HS256`.
    #[serde(default)]
    pub signing_algorithm: Option<String>,
    /// When it was created (Unix milliseconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// When it last changed (Unix milliseconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The instance's JSON Web Key Set: the public keys its tokens are signed with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Jwks {
    /// The keys.
    #[serde(default)]
    pub keys: Vec<Jwk>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Jwks {
    /// The key with this `kid` (a token's header names the key that signed it).
    pub fn key(&self, kid: &str) -> Option<&Jwk> {
        self.keys.iter().find(|k| k.kid == kid)
    }
}

/// One public key of a [`Jwks`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Jwk {
    /// The key's ID, which a token's header names (Clerk's is the instance ID, `ins_...`).
    #[serde(default)]
    pub kid: String,
    /// The key type: `RSA` for Clerk's instance keys.
    #[serde(default)]
    pub kty: String,
    /// The algorithm, e.g. `RS256`.
    #[serde(default)]
    pub alg: Option<String>,
    /// What the key is for: `sig`.
    #[serde(default, rename = "use")]
    pub use_: Option<String>,
    /// An RSA key's modulus (base64url).
    #[serde(default)]
    pub n: Option<String>,
    /// An RSA key's public exponent (base64url).
    #[serde(default)]
    pub e: Option<String>,
    /// Every other field Clerk sent (`crv`, `x`, `y` of other key types, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Why a [`Jwk`] has no PEM form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PemError(String);

impl Jwk {
    /// The public key as PEM (`-----BEGIN PUBLIC KEY-----`, SubjectPublicKeyInfo): what
    /// Clerk's Dashboard shows as the "PEM public key", and what `CLERK_JWT_KEY` (the SDKs'
    /// `jwtKey`) takes to verify tokens without fetching the JWKS. RSA keys only.
    ///
    /// ```
    /// # fn demo(jwks: clerk_api::models::Jwks) -> Result<(), clerk_api::models::PemError> {
    /// let pem = jwks.keys[0].to_pem()?;
    /// assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    /// # Ok(()) }
    /// ```
    pub fn to_pem(&self) -> Result<String, PemError> {
        if self.kty != "RSA" {
            return Err(PemError(format!(
                "the key {} is of type {:?}: only RSA keys have a PEM form here",
                self.kid, self.kty
            )));
        }
        let part = |name: &str, v: &Option<String>| {
            let text = v
                .as_deref()
                .ok_or_else(|| PemError(format!("the RSA key {} has no {name}", self.kid)))?;
            URL_SAFE_NO_PAD
                .decode(text.trim_end_matches('='))
                .map_err(|_| {
                    PemError(format!(
                        "the RSA key {}'s {name} is not base64url",
                        self.kid
                    ))
                })
        };
        let n = part("modulus (n)", &self.n)?;
        let e = part("exponent (e)", &self.e)?;
        if n.iter().all(|b| *b == 0) || e.iter().all(|b| *b == 0) {
            return Err(PemError(format!("the RSA key {} is empty", self.kid)));
        }
        // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
        let rsa_public_key = der(0x30, &[der_integer(&n), der_integer(&e)].concat());
        // SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING }, where the
        // algorithm is rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters.
        const RSA_ENCRYPTION: &[u8] = &[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
        ];
        let algorithm = der(0x30, RSA_ENCRYPTION);
        let bits = der(0x03, &[&[0u8][..], &rsa_public_key].concat());
        let spki = der(0x30, &[algorithm, bits].concat());
        let b64 = STANDARD.encode(spki);
        let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
        for line in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
            pem.push('\n');
        }
        pem.push_str("-----END PUBLIC KEY-----\n");
        Ok(pem)
    }
}

/// A DER element: tag, definite length, content.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// A non-negative DER INTEGER from big-endian bytes: leading zeros dropped, one added when the
/// top bit is set (else it would read as negative).
fn der_integer(be: &[u8]) -> Vec<u8> {
    let start = be.iter().position(|b| *b != 0).unwrap_or(be.len() - 1);
    let digits = &be[start..];
    let mut content = Vec::with_capacity(digits.len() + 1);
    if digits[0] & 0x80 != 0 {
        content.push(0);
    }
    content.extend_from_slice(digits);
    der(0x02, &content)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn der_lengths_and_integers() {
        assert_eq!(der(0x04, &[1, 2]), [0x04, 2, 1, 2]);
        let long = der(0x04, &[0; 300]);
        assert_eq!(&long[..4], &[0x04, 0x82, 0x01, 0x2c]);
        assert_eq!(der_integer(&[0, 0, 1, 0, 1]), [0x02, 3, 1, 0, 1]);
        assert_eq!(der_integer(&[0x80]), [0x02, 2, 0, 0x80]);
    }

    #[test]
    fn only_rsa_keys_have_a_pem() {
        let k: Jwk =
            serde_json::from_value(json!({"kid": "k1", "kty": "EC", "crv": "P-256"})).unwrap();
        assert!(k.to_pem().unwrap_err().to_string().contains("only RSA"));
        assert_eq!(k.extra["crv"], "P-256");
        let k: Jwk =
            serde_json::from_value(json!({"kid": "k1", "kty": "RSA", "e": "AQAB"})).unwrap();
        assert!(k.to_pem().unwrap_err().to_string().contains("modulus"));
    }
}
