//! Signing: the instance's RSA key (session and template tokens, the JWKS, the PEM public key)
//! and the custom keys a JWT template may bring.
//!
//! The instance key is a 2048-bit RSA key with exponent 65537, because that is the only shape
//! Clerk's SDKs read as a networkless PEM key (`@clerk/backend` strips a fixed 2048-bit
//! SubjectPublicKeyInfo prefix to find the modulus). Its `kid` is derived from the public key,
//! so the same key always has the same `kid`, across restarts and machines.

use std::fmt;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, KeyPair as _};
use aws_lc_rs::{digest, hmac, rsa};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

/// Why a key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    Invalid(String),
    #[error("cannot generate a signing key")]
    Generate,
}

/// The instance's RS256 signing key.
pub struct SigningKey {
    pair: rsa::KeyPair,
    kid: String,
    n: String,
    e: String,
    public_pem: String,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the private half.
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

const RSA_BITS: usize = 2048;

impl SigningKey {
    /// A new random key.
    pub fn generate() -> Result<SigningKey, KeyError> {
        let pair = rsa::KeyPair::generate(rsa::KeySize::Rsa2048).map_err(|_| KeyError::Generate)?;
        SigningKey::new(pair)
    }

    /// A key from a PEM file's text: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1
    /// (`BEGIN RSA PRIVATE KEY`), 2048-bit RSA with exponent 65537.
    pub fn from_pem(text: &str) -> Result<SigningKey, KeyError> {
        let (label, der) = pem_decode(text).ok_or_else(|| {
            KeyError::Invalid(
                "not a PEM private key: expected -----BEGIN PRIVATE KEY----- (PKCS#8) or -----BEGIN RSA PRIVATE KEY----- (PKCS#1)"
                    .into(),
            )
        })?;
        let pair = match label.as_str() {
            "PRIVATE KEY" => rsa::KeyPair::from_pkcs8(&der),
            "RSA PRIVATE KEY" => rsa::KeyPair::from_der(&der),
            other => {
                return Err(KeyError::Invalid(format!(
                    "a PEM block of type {other:?} is not an RSA private key; expected PRIVATE KEY or RSA PRIVATE KEY"
                )));
            }
        }
        .map_err(|e| KeyError::Invalid(format!("not a usable RSA private key: {e}")))?;
        SigningKey::new(pair)
    }

    fn new(pair: rsa::KeyPair) -> Result<SigningKey, KeyError> {
        let public = pair.public_key();
        let n = public.modulus().big_endian_without_leading_zero().to_vec();
        let e = public.exponent().big_endian_without_leading_zero().to_vec();
        if n.len() * 8 != RSA_BITS || e != [1, 0, 1] {
            return Err(KeyError::Invalid(format!(
                "the signing key must be a {RSA_BITS}-bit RSA key with exponent 65537 (Clerk's SDKs read no other as a PEM public key); this one has {} bits",
                n.len() * 8
            )));
        }
        let spki = public
            .as_der()
            .map_err(|_| KeyError::Invalid("cannot encode the public key".into()))?;
        let spki = spki.as_ref();
        let hash = digest::digest(&digest::SHA256, spki);
        let mut id = [0u8; 20];
        id.copy_from_slice(&hash.as_ref()[..20]);
        Ok(SigningKey {
            kid: format!("ins_{}", crate::ids::base62(id)),
            n: URL_SAFE_NO_PAD.encode(&n),
            e: URL_SAFE_NO_PAD.encode(&e),
            public_pem: pem_encode("PUBLIC KEY", spki),
            pair,
        })
    }

    /// The PKCS#8 PEM of the private key, for keeping it in a data file.
    pub fn private_pem(&self) -> String {
        let der = self
            .pair
            .as_der()
            .expect("a loaded RSA key encodes as PKCS#8");
        pem_encode("PRIVATE KEY", der.as_ref())
    }

    /// The key's ID: `ins_` and 27 base62 characters derived from the public key. Clerk's
    /// `kid` is its instance ID; the emulator's instance ID is this too.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK, as `GET /v1/jwks` lists it.
    pub fn jwk(&self) -> Value {
        json!({
            "use": "sig",
            "kty": "RSA",
            "kid": self.kid,
            "alg": "RS256",
            "n": self.n,
            "e": self.e,
        })
    }

    /// `-----BEGIN PUBLIC KEY-----` PEM (SubjectPublicKeyInfo), what `CLERK_JWT_KEY` holds.
    pub fn public_pem(&self) -> &str {
        &self.public_pem
    }

    /// An RS256 JWT with this key's `kid`; `header` adds fields (such as `cat`).
    pub fn sign_jwt(&self, header: Value, claims: &Value) -> String {
        let mut h = json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"});
        merge(&mut h, header);
        encode_jwt(&h, claims, |input| {
            rsa_sign(&self.pair, &signature::RSA_PKCS1_SHA256, input)
        })
        .expect("the instance key signs")
    }
}

fn rsa_sign(
    pair: &rsa::KeyPair,
    encoding: &'static dyn signature::RsaEncoding,
    input: &[u8],
) -> Result<Vec<u8>, KeyError> {
    let mut sig = vec![0u8; pair.public_modulus_len()];
    pair.sign(encoding, &SystemRandom::new(), input, &mut sig)
        .map_err(|_| KeyError::Invalid("RSA signing failed".into()))?;
    Ok(sig)
}

fn merge(into: &mut Value, extra: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, extra) {
        a.extend(b);
    }
}

/// `base64url(header).base64url(claims).base64url(signature)`.
pub fn encode_jwt(
    header: &Value,
    claims: &Value,
    sign: impl FnOnce(&[u8]) -> Result<Vec<u8>, KeyError>,
) -> Result<String, KeyError> {
    let mut out = URL_SAFE_NO_PAD.encode(serde_json::to_vec(header).expect("JSON"));
    out.push('.');
    out.push_str(&URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("JSON")));
    let sig = sign(out.as_bytes())?;
    out.push('.');
    out.push_str(&URL_SAFE_NO_PAD.encode(sig));
    Ok(out)
}

/// The algorithms a JWT template's custom signing key may use.
pub const CUSTOM_ALGORITHMS: &[&str] = &[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
];

/// A JWT template's own signing key and algorithm.
pub enum CustomKey {
    Hmac(&'static str, Box<hmac::Key>),
    Rsa(&'static str, rsa::KeyPair),
    Ecdsa(&'static str, signature::EcdsaKeyPair),
}

impl fmt::Debug for CustomKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomKey({})", self.algorithm())
    }
}

impl CustomKey {
    /// Parses a template's `signing_algorithm` and `signing_key`: the shared secret for HS*,
    /// a PEM private key for RS* (PKCS#8 or PKCS#1) and ES* (PKCS#8).
    pub fn parse(algorithm: &str, key: &str) -> Result<CustomKey, KeyError> {
        let alg = CUSTOM_ALGORITHMS
            .iter()
            .copied()
            .find(|a| *a == algorithm)
            .ok_or_else(|| {
                KeyError::Invalid(format!(
                    "{algorithm} is not a supported signing algorithm. Supported: {}.",
                    CUSTOM_ALGORITHMS.join(", ")
                ))
            })?;
        let bad_pem = |what: &str| {
            KeyError::Invalid(format!(
                "signing_key must be a PEM-encoded {what} private key for {alg}"
            ))
        };
        match &alg[..2] {
            "HS" => {
                if key.is_empty() {
                    return Err(KeyError::Invalid(
                        "signing_key must not be empty".to_owned(),
                    ));
                }
                let h = match alg {
                    "HS256" => hmac::HMAC_SHA256,
                    "HS384" => hmac::HMAC_SHA384,
                    _ => hmac::HMAC_SHA512,
                };
                Ok(CustomKey::Hmac(
                    alg,
                    Box::new(hmac::Key::new(h, key.as_bytes())),
                ))
            }
            "RS" => {
                let (label, der) = pem_decode(key).ok_or_else(|| bad_pem("RSA"))?;
                let pair = match label.as_str() {
                    "PRIVATE KEY" => rsa::KeyPair::from_pkcs8(&der),
                    "RSA PRIVATE KEY" => rsa::KeyPair::from_der(&der),
                    _ => return Err(bad_pem("RSA")),
                }
                .map_err(|_| bad_pem("RSA"))?;
                Ok(CustomKey::Rsa(alg, pair))
            }
            _ => {
                let (label, der) = pem_decode(key).ok_or_else(|| bad_pem("EC"))?;
                if label != "PRIVATE KEY" {
                    return Err(bad_pem("EC (PKCS#8)"));
                }
                let curve = match alg {
                    "ES256" => &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                    "ES384" => &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                    _ => &signature::ECDSA_P521_SHA512_FIXED_SIGNING,
                };
                let pair = signature::EcdsaKeyPair::from_pkcs8(curve, &der)
                    .map_err(|_| bad_pem("EC (PKCS#8)"))?;
                Ok(CustomKey::Ecdsa(alg, pair))
            }
        }
    }

    pub fn algorithm(&self) -> &'static str {
        match self {
            CustomKey::Hmac(a, _) | CustomKey::Rsa(a, _) | CustomKey::Ecdsa(a, _) => a,
        }
    }

    /// A JWT signed with this key; the header has no `kid` (the key is not in the JWKS).
    pub fn sign_jwt(&self, header: Value, claims: &Value) -> Result<String, KeyError> {
        let mut h = json!({"alg": self.algorithm(), "typ": "JWT"});
        merge(&mut h, header);
        encode_jwt(&h, claims, |input| match self {
            CustomKey::Hmac(_, key) => Ok(hmac::sign(key, input).as_ref().to_vec()),
            CustomKey::Rsa(alg, pair) => {
                let encoding: &'static dyn signature::RsaEncoding = match *alg {
                    "RS256" => &signature::RSA_PKCS1_SHA256,
                    "RS384" => &signature::RSA_PKCS1_SHA384,
                    _ => &signature::RSA_PKCS1_SHA512,
                };
                rsa_sign(pair, encoding, input)
            }
            CustomKey::Ecdsa(_, pair) => pair
                .sign(&SystemRandom::new(), input)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| KeyError::Invalid("ECDSA signing failed".into())),
        })
    }
}

/// The first PEM block of a text: its label and decoded bytes.
pub fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start + "-----BEGIN ".len()..];
    let (label, rest) = rest.split_once("-----")?;
    let end_marker = format!("-----END {label}-----");
    let body_end = rest.find(&end_marker)?;
    let body: String = rest[..body_end]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let der = STANDARD.decode(body).ok()?;
    Some((label.to_owned(), der))
}

/// A PEM block with 64-character lines.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../tests/fixtures/signing-key.pem");

    fn decode_part(part: &str) -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    #[test]
    fn a_key_keeps_its_kid_through_pem() {
        let key = SigningKey::from_pem(FIXTURE).unwrap();
        assert!(
            key.kid().starts_with("ins_") && key.kid().len() == 31,
            "{}",
            key.kid()
        );
        let again = SigningKey::from_pem(&key.private_pem()).unwrap();
        assert_eq!(again.kid(), key.kid());
        assert_eq!(again.jwk(), key.jwk());
        assert_eq!(key.jwk()["e"], "AQAB");
        // The fixed prefix @clerk/backend strips from a 2048-bit key's PEM.
        let body: String = key
            .public_pem()
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        assert!(
            body.starts_with("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"),
            "{body}"
        );
        assert!(body.ends_with("IDAQAB"), "{body}");
    }

    #[test]
    fn tokens_verify_with_the_public_key() {
        let key = SigningKey::from_pem(FIXTURE).unwrap();
        let jwt = key.sign_jwt(json!({"cat": "x"}), &json!({"sub": "user_1"}));
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(
            decode_part(parts[0]),
            json!({"alg": "RS256", "kid": key.kid(), "typ": "JWT", "cat": "x"})
        );
        assert_eq!(decode_part(parts[1]), json!({"sub": "user_1"}));
        let (_, spki) = pem_decode(key.public_pem()).unwrap();
        let public = signature::UnparsedPublicKey::new(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            // The verifier takes the PKCS#1 RSAPublicKey; it sits at the end of the SPKI.
            &spki[spki.len() - 270..],
        );
        let signed = format!("{}.{}", parts[0], parts[1]);
        public
            .verify(
                signed.as_bytes(),
                &URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
            )
            .unwrap();
    }

    #[test]
    fn bad_keys_are_refused_with_a_reason() {
        assert!(SigningKey::from_pem("nonsense").is_err());
        let ec = include_str!("../tests/fixtures/es256-key.pem");
        let e = SigningKey::from_pem(ec).unwrap_err().to_string();
        assert!(e.contains("RSA"), "{e}");
    }

    #[test]
    fn custom_keys_sign_with_their_algorithm() {
        let hs = CustomKey::parse("HS256", "shh").unwrap();
        let jwt = hs.sign_jwt(json!({}), &json!({"a": 1})).unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(decode_part(parts[0]), json!({"alg": "HS256", "typ": "JWT"}));
        let key = hmac::Key::new(hmac::HMAC_SHA256, b"shh");
        hmac::verify(
            &key,
            format!("{}.{}", parts[0], parts[1]).as_bytes(),
            &URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
        )
        .unwrap();
        let es =
            CustomKey::parse("ES256", include_str!("../tests/fixtures/es256-key.pem")).unwrap();
        let jwt = es.sign_jwt(json!({}), &json!({})).unwrap();
        assert_eq!(
            URL_SAFE_NO_PAD
                .decode(jwt.rsplit('.').next().unwrap())
                .unwrap()
                .len(),
            64
        );
        assert!(CustomKey::parse("RS256", FIXTURE).is_ok());
        assert!(CustomKey::parse("ES256", FIXTURE).is_err());
        assert!(CustomKey::parse("none", "x").is_err());
        assert!(CustomKey::parse("HS256", "").is_err());
    }
}
