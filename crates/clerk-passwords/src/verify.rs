//! Checking a password against a digest: each hasher's algorithm, through maintained crates.

use std::fmt;

use aes::cipher::{KeyIvInit, StreamCipher};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;

use crate::PasswordHasher;
use crate::digest::{Argon2Variant, DigestError, Parsed, Plain, Prf, parse};

/// Why a password could not be checked against a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// The digest does not fit its hasher's format.
    Digest(DigestError),
    /// The hasher's digests cannot be checked here: `awscognito` digests name a Cognito user
    /// pool that Clerk asks at sign-in.
    Unverifiable(PasswordHasher),
    /// The digest asks for more work or memory than [`Limits`] allow.
    TooCostly {
        hasher: PasswordHasher,
        /// Which parameter, and the limit (no part of the digest).
        what: String,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Digest(e) => e.fmt(f),
            VerifyError::Unverifiable(h) => write!(
                f,
                "{h} digests cannot be checked offline: Clerk checks them against the AWS Cognito user pool they name"
            ),
            VerifyError::TooCostly { hasher, what } => {
                write!(f, "the {hasher} digest asks for too much work: {what}")
            }
        }
    }
}

impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            VerifyError::Digest(e) => Some(e),
            _ => None,
        }
    }
}

impl From<DigestError> for VerifyError {
    fn from(e: DigestError) -> Self {
        VerifyError::Digest(e)
    }
}

/// Upper bounds on the work one verification may take, so a digest with absurd parameters
/// cannot exhaust memory or hold a thread for hours. The defaults are far above what any
/// hashing library writes by default (bcrypt 10-12, argon2 up to a few hundred MiB, Django's
/// 1.2 million PBKDF2 iterations, Werkzeug's 32 MiB scrypt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest bcrypt cost (2^cost rounds).
    pub bcrypt_cost: u32,
    /// Largest argon2 memory, in KiB.
    pub argon2_memory_kib: u32,
    /// Largest argon2 iteration count.
    pub argon2_iterations: u32,
    /// Largest scrypt working memory (128 · N · r · p bytes).
    pub scrypt_memory_bytes: u64,
    /// Largest PBKDF2 or Symfony iteration count.
    pub iterations: u32,
    /// Largest phpass round count, as a power of two.
    pub phpass_log2_rounds: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            bcrypt_cost: 18,
            argon2_memory_kib: 1024 * 1024,
            argon2_iterations: 64,
            scrypt_memory_bytes: 1 << 30,
            iterations: 10_000_000,
            phpass_log2_rounds: 24,
        }
    }
}

/// Checks `password` against `digest`, computed as `hasher` computes it, with the default
/// [`Limits`]. `Ok(false)` is a wrong password.
///
/// ```
/// use clerk_passwords::{PasswordHasher, verify};
///
/// let digest = "5f4dcc3b5aa765d61d8327deb882cf99"; // MD5 of "password"
/// assert_eq!(verify(PasswordHasher::Md5, digest, "password"), Ok(true));
/// assert_eq!(verify(PasswordHasher::Md5, digest, "Password"), Ok(false));
/// ```
pub fn verify(hasher: PasswordHasher, digest: &str, password: &str) -> Result<bool, VerifyError> {
    verify_with_limits(hasher, digest, password, &Limits::default())
}

/// [`verify`] with explicit [`Limits`].
pub fn verify_with_limits(
    hasher: PasswordHasher,
    digest: &str,
    password: &str,
    limits: &Limits,
) -> Result<bool, VerifyError> {
    let parsed = parse(hasher, digest)?;
    let too_costly = |what: String| VerifyError::TooCostly { hasher, what };
    let pw = password.as_bytes();
    Ok(match parsed {
        Parsed::Awscognito => return Err(VerifyError::Unverifiable(hasher)),
        Parsed::Argon2 {
            variant,
            version,
            m,
            t,
            p,
            salt,
            hash,
        } => {
            if m > limits.argon2_memory_kib {
                return Err(too_costly(format!(
                    "memory above {} KiB",
                    limits.argon2_memory_kib
                )));
            }
            if t > limits.argon2_iterations {
                return Err(too_costly(format!(
                    "more than {} iterations",
                    limits.argon2_iterations
                )));
            }
            let algorithm = match variant {
                Argon2Variant::I => argon2::Algorithm::Argon2i,
                Argon2Variant::Id => argon2::Algorithm::Argon2id,
            };
            let version = if version == 0x10 {
                argon2::Version::V0x10
            } else {
                argon2::Version::V0x13
            };
            let params = argon2::Params::new(m, t, p, Some(hash.len())).map_err(|_| {
                DigestErrorFor(hasher).with("the parameters are out of argon2's range")
            })?;
            let mut out = vec![0u8; hash.len()];
            argon2::Argon2::new(algorithm, version, params)
                .hash_password_into(pw, &salt, &mut out)
                .map_err(|_| {
                    DigestErrorFor(hasher).with("argon2 refuses the salt or hash length")
                })?;
            eq(&out, &hash)
        }
        Parsed::Bcrypt {
            mcf,
            cost,
            pepper,
            sha256_hex_first,
        } => {
            if cost > limits.bcrypt_cost {
                return Err(too_costly(format!("a cost above {}", limits.bcrypt_cost)));
            }
            let input: Vec<u8> = if sha256_hex_first {
                hex::encode(Sha256::digest(pw)).into_bytes()
            } else {
                [pw, pepper.as_bytes()].concat()
            };
            // The crate truncates at 72 bytes, as every bcrypt implementation does.
            bcrypt::verify(&input, mcf).map_err(|_| {
                DigestErrorFor(hasher).with("the salt or hash is not valid bcrypt base64")
            })?
        }
        Parsed::HmacSha256 { hash, key } => {
            let message: Vec<u8> = password.encode_utf16().flat_map(u16::to_le_bytes).collect();
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes())
                .expect("HMAC takes keys of any length");
            mac.update(&message);
            eq(&mac.finalize().into_bytes(), &hash)
        }
        Parsed::LdapSsha { hash, salt } => {
            let mut h = Sha1::new();
            h.update(pw);
            h.update(&salt);
            eq(&h.finalize(), &hash)
        }
        Parsed::Plain {
            function,
            hash,
            salt,
        } => match salt {
            None => eq(&plain(function, pw, b""), &hash),
            // Clerk does not document which side the salt goes: either is accepted.
            Some(salt) => {
                let salt = salt.as_bytes();
                let after = eq(&plain(function, pw, salt), &hash);
                let before = eq(&plain(function, salt, pw), &hash);
                after | before
            }
        },
        Parsed::Phpass {
            count_log2,
            setting,
            checksum,
        } => {
            if count_log2 > limits.phpass_log2_rounds {
                return Err(too_costly(format!(
                    "more than 2^{} rounds",
                    limits.phpass_log2_rounds
                )));
            }
            let salt = &setting.as_bytes()[4..12];
            let mut hash = Md5::new().chain_update(salt).chain_update(pw).finalize();
            for _ in 0..(1u64 << count_log2) {
                hash = Md5::new().chain_update(hash).chain_update(pw).finalize();
            }
            eq(phpass_encode64(&hash).as_bytes(), checksum.as_bytes())
        }
        Parsed::Pbkdf2 {
            prf,
            iterations,
            salt,
            hash,
        } => {
            if iterations > limits.iterations {
                return Err(too_costly(format!(
                    "more than {} iterations",
                    limits.iterations
                )));
            }
            let mut out = vec![0u8; hash.len()];
            match prf {
                Prf::Sha1 => pbkdf2::pbkdf2_hmac::<Sha1>(pw, &salt, iterations, &mut out),
                Prf::Sha256 => pbkdf2::pbkdf2_hmac::<Sha256>(pw, &salt, iterations, &mut out),
                Prf::Sha512 => pbkdf2::pbkdf2_hmac::<Sha512>(pw, &salt, iterations, &mut out),
            }
            eq(&out, &hash)
        }
        Parsed::ScryptFirebase {
            hash,
            salt,
            signer_key,
            separator,
            rounds,
            mem_cost,
        } => {
            // Firebase's documented algorithm (github.com/firebase/scrypt): scrypt with
            // N = 2^memory cost, r = rounds, p = 1 over the salt and its separator gives a
            // 64-byte key, whose first 32 bytes AES-256-CTR-encrypt the signer key (zero IV).
            let params = scrypt::Params::new(mem_cost as u8, rounds, 1).map_err(|_| {
                DigestErrorFor(hasher).with("the rounds and memory cost are out of scrypt's range")
            })?;
            let mut derived = [0u8; 64];
            scrypt::scrypt(pw, &[salt, separator].concat(), &params, &mut derived)
                .expect("a 64-byte output is valid");
            let mut encrypted = signer_key;
            let key: [u8; 32] = derived[..32].try_into().expect("32 bytes");
            ctr::Ctr128BE::<aes::Aes256>::new(&key.into(), &[0u8; 16].into())
                .apply_keystream(&mut encrypted);
            eq(&encrypted, &hash)
        }
        Parsed::ScryptWerkzeug {
            log_n,
            r,
            p,
            salt,
            hash,
        } => {
            let memory = 128u64 << log_n;
            if memory
                .saturating_mul(u64::from(r))
                .saturating_mul(u64::from(p))
                > limits.scrypt_memory_bytes
            {
                return Err(too_costly(format!(
                    "more than {} bytes of scrypt work",
                    limits.scrypt_memory_bytes
                )));
            }
            let params = scrypt::Params::new(log_n, r, p)
                .map_err(|_| DigestErrorFor(hasher).with("N, r and p are out of scrypt's range"))?;
            let mut out = vec![0u8; hash.len()];
            scrypt::scrypt(pw, salt.as_bytes(), &params, &mut out).map_err(|_| {
                DigestErrorFor(hasher).with("the hash length is out of scrypt's range")
            })?;
            eq(&out, &hash)
        }
        Parsed::Symfony {
            iterations,
            salt,
            hash,
        } => {
            if iterations > limits.iterations {
                return Err(too_costly(format!(
                    "more than {} iterations",
                    limits.iterations
                )));
            }
            // Symfony's MessageDigestPasswordEncoder: `password{salt}` (the bare password
            // when the salt is empty), hashed, then hashed again with itself appended.
            let salted: Vec<u8> = if salt.is_empty() {
                pw.to_vec()
            } else {
                [pw, b"{", salt.as_bytes(), b"}"].concat()
            };
            let mut digest = Sha512::digest(&salted);
            for _ in 1..iterations {
                digest = Sha512::new()
                    .chain_update(digest)
                    .chain_update(&salted)
                    .finalize();
            }
            eq(&digest, &hash)
        }
    })
}

/// A [`DigestError`] found only while computing (parameters the format allows but the
/// algorithm's implementation refuses).
struct DigestErrorFor(PasswordHasher);

impl DigestErrorFor {
    fn with(self, problem: &str) -> VerifyError {
        VerifyError::Digest(DigestError::computed(self.0, problem))
    }
}

fn eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

fn plain(function: Plain, first: &[u8], second: &[u8]) -> Vec<u8> {
    match function {
        Plain::Md5 => Md5::new()
            .chain_update(first)
            .chain_update(second)
            .finalize()
            .to_vec(),
        Plain::Sha256 => Sha256::new()
            .chain_update(first)
            .chain_update(second)
            .finalize()
            .to_vec(),
    }
}

/// phpass's `encode64`: little-endian groups of 6 bits over `./0-9A-Za-z`.
fn phpass_encode64(input: &[u8]) -> String {
    const CHARS: &[u8] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = String::with_capacity(22);
    for chunk in input.chunks(3) {
        let value = chunk
            .iter()
            .enumerate()
            .fold(0u32, |v, (i, &b)| v | u32::from(b) << (8 * i));
        for i in 0..=chunk.len() {
            out.push(CHARS[((value >> (6 * i)) & 0x3f) as usize] as char);
        }
    }
    out
}

/// Hashes a password with bcrypt at `cost` (4 to 31), for passwords set in clear.
pub fn bcrypt_hash(password: &str, cost: u32) -> String {
    bcrypt::hash(password, cost).expect("the cost is in bcrypt's range and randomness is available")
}

/// Hashes a password with argon2id at the given memory (KiB), iterations and parallelism,
/// for passwords set in clear. The answer is a PHC string, an `argon2id` digest.
pub fn argon2id_hash(password: &str, memory_kib: u32, iterations: u32, parallelism: u32) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("randomness is available");
    let params = argon2::Params::new(memory_kib, iterations, parallelism, Some(32))
        .expect("the parameters are in argon2's range");
    let mut hash = [0u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(password.as_bytes(), &salt, &mut hash)
        .expect("a 16-byte salt and a 32-byte hash are valid");
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
    format!(
        "$argon2id$v=19$m={memory_kib},t={iterations},p={parallelism}${}${}",
        b64.encode(salt),
        b64.encode(hash)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phpass_encoding_matches_the_reference_layout() {
        // 16 bytes make 22 characters; zero bytes encode as `.`.
        assert_eq!(phpass_encode64(&[0u8; 16]), ".".repeat(22));
        assert_eq!(phpass_encode64(&[0xff; 3]), "zzzz");
        assert_eq!(phpass_encode64(&[1]), "/.");
    }
}
