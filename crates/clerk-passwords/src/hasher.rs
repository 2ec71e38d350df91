//! The hashers Clerk accepts for `password_hasher`, by Clerk's names.

use std::fmt;
use std::str::FromStr;

/// A password hashing scheme Clerk accepts in `password_hasher` on `POST /users` and
/// `PATCH /users/{user_id}`.
///
/// The vendored OpenAPI file lists seventeen (its `PasswordHasher` schema); Clerk's reference
/// documentation for `createUser` and its SDKs name five more (`awscognito`, `bcrypt_peppered`,
/// `hmac_sha256_utf16_b64`, `md5_salted`, `sha256_salted`), which Clerk accepts too.
/// [`PasswordHasher::in_openapi_spec`] tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PasswordHasher {
    Argon2i,
    Argon2id,
    Awscognito,
    Bcrypt,
    BcryptPeppered,
    BcryptSha256Django,
    HmacSha256Utf16B64,
    LdapSsha,
    Md5,
    Md5Phpass,
    Md5Salted,
    Pbkdf2Sha1,
    Pbkdf2Sha256,
    Pbkdf2Sha256Django,
    Pbkdf2Sha512,
    Pbkdf2Sha512Hex,
    Phpass,
    ScryptFirebase,
    ScryptWerkzeug,
    Sha256,
    Sha256Salted,
    Sha512Symfony,
}

use PasswordHasher as H;

impl PasswordHasher {
    /// Every hasher, in the order of their names.
    pub const ALL: [PasswordHasher; 22] = [
        H::Argon2i,
        H::Argon2id,
        H::Awscognito,
        H::Bcrypt,
        H::BcryptPeppered,
        H::BcryptSha256Django,
        H::HmacSha256Utf16B64,
        H::LdapSsha,
        H::Md5,
        H::Md5Phpass,
        H::Md5Salted,
        H::Pbkdf2Sha1,
        H::Pbkdf2Sha256,
        H::Pbkdf2Sha256Django,
        H::Pbkdf2Sha512,
        H::Pbkdf2Sha512Hex,
        H::Phpass,
        H::ScryptFirebase,
        H::ScryptWerkzeug,
        H::Sha256,
        H::Sha256Salted,
        H::Sha512Symfony,
    ];

    /// Clerk's names of [`PasswordHasher::ALL`], in the same order.
    pub const NAMES: [&'static str; 22] = {
        let mut names = [""; 22];
        let mut i = 0;
        while i < 22 {
            names[i] = PasswordHasher::ALL[i].as_str();
            i += 1;
        }
        names
    };

    /// Clerk's name, as sent in `password_hasher`.
    pub const fn as_str(self) -> &'static str {
        match self {
            H::Argon2i => "argon2i",
            H::Argon2id => "argon2id",
            H::Awscognito => "awscognito",
            H::Bcrypt => "bcrypt",
            H::BcryptPeppered => "bcrypt_peppered",
            H::BcryptSha256Django => "bcrypt_sha256_django",
            H::HmacSha256Utf16B64 => "hmac_sha256_utf16_b64",
            H::LdapSsha => "ldap_ssha",
            H::Md5 => "md5",
            H::Md5Phpass => "md5_phpass",
            H::Md5Salted => "md5_salted",
            H::Pbkdf2Sha1 => "pbkdf2_sha1",
            H::Pbkdf2Sha256 => "pbkdf2_sha256",
            H::Pbkdf2Sha256Django => "pbkdf2_sha256_django",
            H::Pbkdf2Sha512 => "pbkdf2_sha512",
            H::Pbkdf2Sha512Hex => "pbkdf2_sha512_hex",
            H::Phpass => "phpass",
            H::ScryptFirebase => "scrypt_firebase",
            H::ScryptWerkzeug => "scrypt_werkzeug",
            H::Sha256 => "sha256",
            H::Sha256Salted => "sha256_salted",
            H::Sha512Symfony => "sha512_symfony",
        }
    }

    /// Whether the vendored OpenAPI file's `PasswordHasher` schema lists this hasher (the others
    /// are named by Clerk's reference documentation and SDKs).
    pub const fn in_openapi_spec(self) -> bool {
        !matches!(
            self,
            H::Awscognito
                | H::BcryptPeppered
                | H::HmacSha256Utf16B64
                | H::Md5Salted
                | H::Sha256Salted
        )
    }

    /// Whether a password can be checked against this hasher's digest offline. `awscognito`
    /// digests hold no hash: Clerk asks the Cognito user pool they name at the first sign-in.
    pub const fn is_verifiable_offline(self) -> bool {
        !matches!(self, H::Awscognito)
    }

    /// The form a digest for this hasher takes, as Clerk documents it (placeholders in
    /// angle brackets).
    pub const fn format(self) -> &'static str {
        match self {
            H::Argon2i => "$argon2i$v=19$m=<memory>,t=<iterations>,p=<parallelism>$<salt>$<hash>",
            H::Argon2id => "$argon2id$v=19$m=<memory>,t=<iterations>,p=<parallelism>$<salt>$<hash>",
            H::Awscognito => "awscognito#<user pool ID>#<client ID>#<identifier>",
            H::Bcrypt => {
                "$<algorithm version>$<cost>$<salt & hash>, e.g. $2b$10$ and 53 characters"
            }
            H::BcryptPeppered => "$<algorithm version>$<cost>$<salt & hash>$<pepper>",
            H::BcryptSha256Django => "bcrypt_sha256$$<algorithm version>$<cost>$<salt & hash>",
            H::HmacSha256Utf16B64 => "hmac_sha256_utf16_b64$<base64 hash>$<key>",
            H::LdapSsha => "{SSHA}<base64 of the SHA-1 hash followed by the salt>",
            H::Md5 => "a 32-character hex string",
            H::Md5Phpass => "$P$<rounds><salt><checksum> (or $H$...), 34 characters",
            H::Md5Salted => "<salt>$<32-character hex hash>",
            H::Pbkdf2Sha1 => {
                "pbkdf2_sha1$<iterations>$<salt>$<hex hash> or pbkdf2_sha1$<iterations>$<salt>$<hex hash>$<key length>"
            }
            H::Pbkdf2Sha256 => "pbkdf2_sha256$<iterations>$<base64 salt>$<base64 hash>",
            H::Pbkdf2Sha256Django => "pbkdf2_sha256$<iterations>$<salt>$<base64 hash>",
            H::Pbkdf2Sha512 => "pbkdf2_sha512$<iterations>$<salt>$<hex hash>",
            H::Pbkdf2Sha512Hex => "pbkdf2_sha512_hex$<iterations>$<hex salt>$<hex hash>",
            H::Phpass => "$P$<rounds><salt><checksum>, 34 characters",
            H::ScryptFirebase => {
                "<hash>$<salt>$<signer key>$<salt separator>$<rounds>$<memory cost>, the first four base64"
            }
            H::ScryptWerkzeug => "scrypt:<N>:<r>:<p>$<salt>$<hex hash>",
            H::Sha256 => "a 64-character hex string",
            H::Sha256Salted => "<salt>$<64-character hex hash>",
            H::Sha512Symfony => "sha512_symfony$<iterations>$<salt>$<base64 hash>",
        }
    }
}

impl fmt::Display for PasswordHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `password_hasher` value that names no hasher Clerk accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{name}` is not a password hasher Clerk accepts; use one of: {}", PasswordHasher::NAMES.join(", "))]
pub struct UnknownHasher {
    /// The value given (a hasher's name is not secret).
    pub name: String,
}

impl FromStr for PasswordHasher {
    type Err = UnknownHasher;

    /// Parses Clerk's name, exactly (Clerk's names are lowercase).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PasswordHasher::ALL
            .into_iter()
            .find(|h| h.as_str() == s)
            .ok_or_else(|| UnknownHasher { name: s.to_owned() })
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for PasswordHasher {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for PasswordHasher {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_sorted() {
        for h in PasswordHasher::ALL {
            assert_eq!(h.as_str().parse::<PasswordHasher>(), Ok(h));
            assert_eq!(h.to_string(), h.as_str());
        }
        let mut sorted = PasswordHasher::NAMES;
        sorted.sort_unstable();
        assert_eq!(sorted, PasswordHasher::NAMES);
        assert_eq!(
            PasswordHasher::ALL
                .iter()
                .filter(|h| h.in_openapi_spec())
                .count(),
            17
        );
    }

    #[test]
    fn unknown_names_are_refused_with_the_list() {
        let e = "BCRYPT".parse::<PasswordHasher>().unwrap_err();
        assert!(e.to_string().contains("`BCRYPT` is not"));
        assert!(e.to_string().contains("scrypt_firebase"));
        assert!("rot13".parse::<PasswordHasher>().is_err());
    }
}
