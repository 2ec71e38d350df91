//! A digest kept with its hasher, that never shows itself by accident.

use std::fmt;

use crate::{DigestError, PasswordHasher, check_digest};

/// A password digest and the hasher that made it. `Debug` shows the hasher only; the digest
/// is reached through [`PasswordDigest::expose_digest`], so every place that reads it says so.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PasswordDigest {
    hasher: PasswordHasher,
    digest: String,
}

impl PasswordDigest {
    /// A digest whose format fits its hasher.
    pub fn new(hasher: PasswordHasher, digest: impl Into<String>) -> Result<Self, DigestError> {
        let digest = digest.into();
        check_digest(hasher, &digest)?;
        Ok(PasswordDigest { hasher, digest })
    }

    pub fn hasher(&self) -> PasswordHasher {
        self.hasher
    }

    /// The digest itself: a secret (an offline cracking target). Send it where it belongs
    /// (Clerk's `password_digest`); never print or log it.
    pub fn expose_digest(&self) -> &str {
        &self.digest
    }

    /// Checks a password against the digest ([`crate::verify`]).
    #[cfg(feature = "verify")]
    pub fn verify(&self, password: &str) -> Result<bool, crate::VerifyError> {
        crate::verify(self.hasher, &self.digest, password)
    }
}

impl fmt::Debug for PasswordDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordDigest")
            .field("hasher", &self.hasher)
            .field("digest", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_digest() {
        let d =
            PasswordDigest::new(PasswordHasher::Md5, "5f4dcc3b5aa765d61d8327deb882cf99").unwrap();
        let shown = format!("{d:?} {d:#?}");
        assert!(!shown.contains("5f4dcc3b"), "{shown}");
        assert!(shown.contains("Md5"), "{shown}");
        assert_eq!(d.expose_digest(), "5f4dcc3b5aa765d61d8327deb882cf99");
    }

    #[test]
    fn a_malformed_digest_is_refused() {
        assert!(PasswordDigest::new(PasswordHasher::Sha256, "abc").is_err());
    }
}
