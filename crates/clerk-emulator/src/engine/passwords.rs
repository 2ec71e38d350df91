//! Passwords: digests given in `password_digest` (checked against their `password_hasher`'s
//! format), passwords set in clear (kept only as a hash), and
//! `POST /users/{user_id}/verify_password`.
//!
//! Hashing and verifying are CPU work: callers do them outside the state lock (a clear
//! password is hashed before the write begins; a verification reads the stored digest, lets
//! the lock go, then computes).

use clerk_passwords::{DigestError, PasswordDigest, PasswordHasher};
use serde::Deserialize;
use serde_json::Value;

use super::{Engine, Json, body, json};
use crate::error::{ApiError, ApiResult};

/// argon2id parameters for passwords set in clear: the smallest memory argon2 allows, one
/// pass. The emulator holds test accounts; the hash keeps clear passwords out of memory and
/// data files, and costs about as much as the rest of a `POST /users` (tens of microseconds),
/// where Clerk-grade parameters would cut the emulator's create rate a hundredfold.
const CLEAR_MEMORY_KIB: u32 = 8;
const CLEAR_ITERATIONS: u32 = 1;

/// The digest kept for a password set in clear.
pub(crate) fn hash_clear(password: &str) -> PasswordDigest {
    let digest = clerk_passwords::argon2id_hash(password, CLEAR_MEMORY_KIB, CLEAR_ITERATIONS, 1);
    PasswordDigest::new(PasswordHasher::Argon2id, digest).expect("argon2id writes PHC strings")
}

/// Checks a `password_digest` against its `password_hasher` (already known to be one Clerk
/// accepts), answering Clerk's error for a digest that does not fit.
pub(crate) fn check_digest(hasher: &str, digest: &str) -> ApiResult<PasswordDigest> {
    let hasher: PasswordHasher = hasher
        .parse()
        .map_err(|_| ApiError::internal("an unchecked password_hasher"))?;
    PasswordDigest::new(hasher, digest).map_err(|e| digest_invalid(&e))
}

/// `form_password_digest_invalid_code`, saying what is wrong and the expected format.
fn digest_invalid(e: &DigestError) -> ApiError {
    ApiError::password_digest_invalid(e.hasher().as_str(), e.problem(), e.expected())
}

#[derive(Deserialize)]
struct VerifyPassword {
    password: String,
}

impl Engine {
    /// `POST /users/{user_id}/verify_password`. Blocks for as long as the user's hasher takes:
    /// call it where blocking is allowed.
    pub fn verify_password(&self, user_id: &str, body: Option<Value>) -> ApiResult<Json> {
        let input: VerifyPassword = body::parse(&body::VERIFY_PASSWORD, body)?;
        let stored = self.read(|st| {
            let user = st.get_user(user_id)?;
            match (&user.password, user.password_enabled) {
                (Some(digest), _) => Ok(Some(digest.clone())),
                (None, false) => Err(ApiError::no_password_set()),
                // A user written by an emulator that did not keep passwords.
                (None, true) => Ok(None),
            }
        })?;
        let verified = match stored {
            Some(digest) => digest.verify(&input.password),
            None => Ok(false),
        };
        match verified {
            Ok(true) => Ok(json(&serde_json::json!({"verified": true}))),
            Ok(false) => Err(ApiError::incorrect_password()),
            // `awscognito` (Clerk asks Cognito), parameters beyond the emulator's limits, a
            // stored digest that no longer parses: the emulator cannot confirm the password,
            // and answers as for a wrong one.
            Err(_) => Err(ApiError::incorrect_password()),
        }
    }
}
