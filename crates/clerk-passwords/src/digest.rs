//! Digest formats: parsing a digest into its parts, for the format check and for verification.
//!
//! Every problem is described in words and counts only: a digest is a secret (an offline
//! cracking target), so no part of it ever goes into an error.

use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, DecodePaddingMode::Indifferent};

use crate::PasswordHasher;

/// Why a digest does not fit its hasher's format. Says what is wrong and what the format is,
/// never what the digest holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestError {
    hasher: PasswordHasher,
    problem: String,
}

impl DigestError {
    fn new(hasher: PasswordHasher, problem: impl Into<String>) -> Self {
        DigestError {
            hasher,
            problem: problem.into(),
        }
    }

    /// A problem found while computing: parameters the format allows but the algorithm's
    /// implementation refuses.
    #[cfg(feature = "verify")]
    pub(crate) fn computed(hasher: PasswordHasher, problem: &str) -> Self {
        DigestError::new(hasher, problem)
    }

    /// The hasher the digest was checked for.
    pub fn hasher(&self) -> PasswordHasher {
        self.hasher
    }

    /// What is wrong, in a few words (no part of the digest).
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// The form the hasher's digests take.
    pub fn expected(&self) -> &'static str {
        self.hasher.format()
    }
}

impl fmt::Display for DigestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not a valid {} digest: {}; expected {}",
            self.hasher,
            self.problem,
            self.hasher.format()
        )
    }
}

impl std::error::Error for DigestError {}

/// Checks that `digest` has the form Clerk documents for `hasher`, decoding every encoded
/// part. Pure and cheap: nothing is hashed.
///
/// ```
/// use clerk_passwords::{PasswordHasher, check_digest};
///
/// assert!(check_digest(PasswordHasher::Md5, "5f4dcc3b5aa765d61d8327deb882cf99").is_ok());
/// let e = check_digest(PasswordHasher::Md5, "5f4dcc3b").unwrap_err();
/// assert_eq!(e.to_string(), "not a valid md5 digest: the hash is 8 characters long, not 32; expected a 32-character hex string");
/// ```
pub fn check_digest(hasher: PasswordHasher, digest: &str) -> std::result::Result<(), DigestError> {
    parse(hasher, digest).map(drop)
}

// ---- parsed digests --------------------------------------------------------------------------

/// Argon2's two variants Clerk accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Argon2Variant {
    I,
    Id,
}

/// The hash functions of the PBKDF2 hashers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prf {
    Sha1,
    Sha256,
    Sha512,
}

/// The plain digests of `md5`, `sha256` and their salted forms.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plain {
    Md5,
    Sha256,
}

/// A digest split into its parts, encoded parts decoded. Holds secrets: no `Debug`.
#[cfg_attr(not(feature = "verify"), allow(dead_code))]
pub(crate) enum Parsed<'a> {
    Argon2 {
        variant: Argon2Variant,
        version: u32,
        m: u32,
        t: u32,
        p: u32,
        salt: Vec<u8>,
        hash: Vec<u8>,
    },
    Awscognito,
    /// `bcrypt`, `bcrypt_peppered` (the pepper appended to the password) and
    /// `bcrypt_sha256_django` (the password replaced by its SHA-256 in hex).
    Bcrypt {
        /// The 60-character modular crypt string.
        mcf: &'a str,
        cost: u32,
        pepper: &'a str,
        sha256_hex_first: bool,
    },
    HmacSha256 {
        hash: Vec<u8>,
        key: &'a str,
    },
    LdapSsha {
        hash: Vec<u8>,
        salt: Vec<u8>,
    },
    Plain {
        function: Plain,
        hash: Vec<u8>,
        salt: Option<&'a str>,
    },
    Phpass {
        count_log2: u32,
        /// `$P$`, the rounds character and the 8-character salt.
        setting: &'a str,
        checksum: &'a str,
    },
    Pbkdf2 {
        prf: Prf,
        iterations: u32,
        salt: Vec<u8>,
        hash: Vec<u8>,
    },
    ScryptFirebase {
        hash: Vec<u8>,
        salt: Vec<u8>,
        signer_key: Vec<u8>,
        separator: Vec<u8>,
        rounds: u32,
        mem_cost: u32,
    },
    ScryptWerkzeug {
        log_n: u8,
        r: u32,
        p: u32,
        salt: &'a str,
        hash: Vec<u8>,
    },
    Symfony {
        iterations: u32,
        salt: &'a str,
        hash: Vec<u8>,
    },
}

type Result<T> = std::result::Result<T, DigestError>;

/// Standard base64, padding optional, non-zero trailing bits allowed (as Go's and Python's
/// decoders allow them).
const B64: GeneralPurpose = lenient(&alphabet::STANDARD, Indifferent);
/// The PHC string format's base64: standard alphabet, no padding.
const PHC_B64: GeneralPurpose = lenient(&alphabet::STANDARD, DecodePaddingMode::RequireNone);

const fn lenient(a: &alphabet::Alphabet, padding: DecodePaddingMode) -> GeneralPurpose {
    GeneralPurpose::new(
        a,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(padding)
            .with_decode_allow_trailing_bits(true),
    )
}

/// bcrypt's and phpass's 64 characters.
const CRYPT_CHARS: &[u8] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Parses a digest for a hasher.
pub(crate) fn parse(hasher: PasswordHasher, digest: &str) -> Result<Parsed<'_>> {
    let err = |problem: &str| DigestError::new(hasher, problem);
    if digest.is_empty() {
        return Err(err("the digest is empty"));
    }
    if digest.trim() != digest {
        return Err(err("the digest starts or ends with whitespace"));
    }
    if digest.chars().any(char::is_control) {
        return Err(err("the digest holds a control character"));
    }
    let p = Parser { hasher };
    match hasher {
        PasswordHasher::Argon2i => p.argon2(digest, Argon2Variant::I),
        PasswordHasher::Argon2id => p.argon2(digest, Argon2Variant::Id),
        PasswordHasher::Awscognito => p.awscognito(digest),
        PasswordHasher::Bcrypt => p.bcrypt(digest),
        PasswordHasher::BcryptPeppered => p.bcrypt_peppered(digest),
        PasswordHasher::BcryptSha256Django => p.bcrypt_sha256_django(digest),
        PasswordHasher::HmacSha256Utf16B64 => p.hmac_sha256(digest),
        PasswordHasher::LdapSsha => p.ldap_ssha(digest),
        PasswordHasher::Md5 => p.plain(digest, Plain::Md5, false),
        PasswordHasher::Md5Salted => p.plain(digest, Plain::Md5, true),
        PasswordHasher::Sha256 => p.plain(digest, Plain::Sha256, false),
        PasswordHasher::Sha256Salted => p.plain(digest, Plain::Sha256, true),
        PasswordHasher::Md5Phpass => p.phpass(digest, &["$P$", "$H$"]),
        PasswordHasher::Phpass => p.phpass(digest, &["$P$"]),
        PasswordHasher::Pbkdf2Sha1 => p.pbkdf2_sha1(digest),
        PasswordHasher::Pbkdf2Sha256 => {
            p.pbkdf2(digest, "pbkdf2_sha256", Prf::Sha256, Enc::B64, Enc::B64)
        }
        PasswordHasher::Pbkdf2Sha256Django => {
            p.pbkdf2(digest, "pbkdf2_sha256", Prf::Sha256, Enc::Raw, Enc::B64)
        }
        PasswordHasher::Pbkdf2Sha512 => {
            p.pbkdf2(digest, "pbkdf2_sha512", Prf::Sha512, Enc::Raw, Enc::Hex)
        }
        PasswordHasher::Pbkdf2Sha512Hex => {
            p.pbkdf2(digest, "pbkdf2_sha512_hex", Prf::Sha512, Enc::Hex, Enc::Hex)
        }
        PasswordHasher::ScryptFirebase => p.scrypt_firebase(digest),
        PasswordHasher::ScryptWerkzeug => p.scrypt_werkzeug(digest),
        PasswordHasher::Sha512Symfony => p.symfony(digest),
    }
}

/// How a part of a digest is encoded.
#[derive(Clone, Copy)]
enum Enc {
    Raw,
    Hex,
    B64,
}

struct Parser {
    hasher: PasswordHasher,
}

impl Parser {
    fn err(&self, problem: impl Into<String>) -> DigestError {
        DigestError::new(self.hasher, problem)
    }

    /// Splits into exactly `n` `$`-separated parts.
    fn parts<'a>(&self, s: &'a str, n: usize) -> Result<Vec<&'a str>> {
        let parts: Vec<&str> = s.split('$').collect();
        if parts.len() != n {
            return Err(self.err(format!(
                "it has {} `$`-separated parts, not {n}",
                parts.len()
            )));
        }
        Ok(parts)
    }

    fn non_empty<'a>(&self, what: &str, s: &'a str) -> Result<&'a str> {
        if s.is_empty() {
            Err(self.err(format!("the {what} is empty")))
        } else {
            Ok(s)
        }
    }

    fn hex(&self, what: &str, s: &str) -> Result<Vec<u8>> {
        self.non_empty(what, s)?;
        if !s.len().is_multiple_of(2) {
            return Err(self.err(format!(
                "the {what} has an odd number of hex digits ({})",
                s.len()
            )));
        }
        hex::decode(s).map_err(|_| self.err(format!("the {what} is not hex")))
    }

    /// A hex hash of exactly `len` characters.
    fn hex_of_len(&self, what: &str, s: &str, len: usize) -> Result<Vec<u8>> {
        if !s.is_ascii() {
            return Err(self.err(format!("the {what} is not hex")));
        }
        if s.len() != len {
            return Err(self.err(format!(
                "the {what} is {} characters long, not {len}",
                s.len()
            )));
        }
        self.hex(what, s)
    }

    fn b64(&self, what: &str, s: &str) -> Result<Vec<u8>> {
        self.non_empty(what, s)?;
        B64.decode(s)
            .map_err(|_| self.err(format!("the {what} is not base64")))
    }

    fn decode(&self, what: &str, s: &str, enc: Enc) -> Result<Vec<u8>> {
        match enc {
            Enc::Raw => Ok(self.non_empty(what, s)?.as_bytes().to_vec()),
            Enc::Hex => self.hex(what, s),
            Enc::B64 => self.b64(what, s),
        }
    }

    /// A positive decimal integer, no sign or leading zeros beyond a single digit.
    fn count(&self, what: &str, s: &str) -> Result<u32> {
        let ok = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        match s.parse::<u32>() {
            Ok(n) if ok && n > 0 => Ok(n),
            Ok(_) if ok => Err(self.err(format!("the {what} is 0"))),
            _ => Err(self.err(format!("the {what} is not a positive whole number"))),
        }
    }

    // ---- argon2 ------------------------------------------------------------------------------

    fn argon2<'a>(&self, s: &'a str, variant: Argon2Variant) -> Result<Parsed<'a>> {
        let name = match variant {
            Argon2Variant::I => "argon2i",
            Argon2Variant::Id => "argon2id",
        };
        let mut parts: Vec<&str> = s.split('$').collect();
        if parts.first() != Some(&"") {
            return Err(self.err(format!("it does not start with `${name}$`")));
        }
        parts.remove(0);
        match parts.first() {
            Some(v) if *v == name => {}
            Some(&("argon2i" | "argon2id" | "argon2d")) => {
                return Err(self.err(format!(
                    "it names another argon2 variant, not {name}; set password_hasher to the variant the digest names"
                )));
            }
            _ => return Err(self.err(format!("it does not start with `${name}$`"))),
        }
        // `v=` is optional; Clerk assumes version 19 without it.
        let version = match parts.get(1) {
            Some(v) if v.starts_with("v=") => {
                let version = match &v[2..] {
                    "19" => 0x13,
                    "16" => 0x10,
                    _ => return Err(self.err("the version is not 16 or 19")),
                };
                parts.remove(1);
                version
            }
            _ => 0x13,
        };
        if parts.len() != 4 {
            return Err(self.err(format!(
                "it has {} `$`-separated parts after the variant and version, not 3 (parameters, salt, hash)",
                parts.len() - 1
            )));
        }
        let params: Vec<&str> = parts[1].split(',').collect();
        let param = |i: usize, key: &str| -> Result<u32> {
            let Some(value) = params.get(i).and_then(|p| p.strip_prefix(key)) else {
                return Err(
                    self.err("the parameters are not `m=<memory>,t=<iterations>,p=<parallelism>`")
                );
            };
            value
                .parse::<u32>()
                .ok()
                .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| self.err(format!("the parameter {key} is not a whole number")))
        };
        if params.len() != 3 {
            return Err(
                self.err("the parameters are not `m=<memory>,t=<iterations>,p=<parallelism>`")
            );
        }
        let (m, t, p) = (param(0, "m=")?, param(1, "t=")?, param(2, "p=")?);
        if !(1..=0x00FF_FFFF).contains(&p) {
            return Err(self.err("the parallelism is not between 1 and 16777215"));
        }
        if t == 0 {
            return Err(self.err("the iterations are 0"));
        }
        if u64::from(m) < 8 * u64::from(p) {
            return Err(self.err("the memory is less than 8 KiB per lane of parallelism"));
        }
        let salt = PHC_B64
            .decode(parts[2])
            .map_err(|_| self.err("the salt is not unpadded base64"))?;
        if salt.len() < 8 {
            return Err(self.err(format!(
                "the salt is {} bytes, argon2 needs at least 8",
                salt.len()
            )));
        }
        let hash = PHC_B64
            .decode(parts[3])
            .map_err(|_| self.err("the hash is not unpadded base64"))?;
        if hash.len() < 4 {
            return Err(self.err(format!(
                "the hash is {} bytes, argon2 makes at least 4",
                hash.len()
            )));
        }
        Ok(Parsed::Argon2 {
            variant,
            version,
            m,
            t,
            p,
            salt,
            hash,
        })
    }

    // ---- awscognito -------------------------------------------------------------------------

    fn awscognito<'a>(&self, s: &'a str) -> Result<Parsed<'a>> {
        let parts: Vec<&str> = s.splitn(4, '#').collect();
        if parts.len() != 4 || parts[0] != "awscognito" {
            return Err(self.err("it is not four `#`-separated parts starting with `awscognito`"));
        }
        // A user pool ID is `<region>_<ID>` (e.g. `us-east-1_AbCdEf123`).
        let pool_ok = parts[1].split_once('_').is_some_and(|(region, id)| {
            !region.is_empty()
                && region
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        if !pool_ok {
            return Err(self.err("the user pool ID is not `<region>_<ID>`"));
        }
        let client = parts[2];
        if client.is_empty()
            || client.len() > 128
            || !client
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'_')
        {
            return Err(self.err("the client ID is not 1 to 128 letters and digits"));
        }
        self.non_empty("identifier", parts[3])?;
        Ok(Parsed::Awscognito)
    }

    // ---- bcrypt ------------------------------------------------------------------------------

    /// The 60-character modular crypt string: `$2a$`, `$2b$`, `$2x$` or `$2y$`, a two-digit cost
    /// from 04 to 31, `$`, 53 characters of bcrypt's base64. Like Go's bcrypt (which Clerk's
    /// server is written in), the minor letter does not change the computation.
    fn bcrypt_mcf(&self, s: &str) -> Result<u32> {
        let b = s.as_bytes();
        if !(b.len() >= 4 && b[0] == b'$' && b[1] == b'2' && b[3] == b'$') {
            return Err(self.err("it does not start with `$2a$`, `$2b$`, `$2x$` or `$2y$`"));
        }
        if !matches!(b[2], b'a' | b'b' | b'x' | b'y') {
            return Err(self.err("its version is not 2a, 2b, 2x or 2y"));
        }
        if b.len() < 7 || b[6] != b'$' || !b[4..6].iter().all(u8::is_ascii_digit) {
            return Err(self.err("the cost is not two digits followed by `$`"));
        }
        let cost = u32::from(b[4] - b'0') * 10 + u32::from(b[5] - b'0');
        if !(4..=31).contains(&cost) {
            return Err(self.err(format!("the cost is {cost}, not between 04 and 31")));
        }
        let rest = &b[7..];
        if !s.is_ascii() {
            return Err(self
                .err("the salt and hash hold characters outside bcrypt's base64 (`./A-Za-z0-9`)"));
        }
        if rest.len() != 53 {
            return Err(self.err(format!(
                "the salt and hash are {} characters long, not 53",
                rest.len()
            )));
        }
        if !rest.iter().all(|c| CRYPT_CHARS.contains(c)) {
            return Err(self
                .err("the salt and hash hold characters outside bcrypt's base64 (`./A-Za-z0-9`)"));
        }
        Ok(cost)
    }

    fn bcrypt<'a>(&self, s: &'a str) -> Result<Parsed<'a>> {
        let cost = self.bcrypt_mcf(s)?;
        Ok(Parsed::Bcrypt {
            mcf: s,
            cost,
            pepper: "",
            sha256_hex_first: false,
        })
    }

    fn bcrypt_peppered<'a>(&self, s: &'a str) -> Result<Parsed<'a>> {
        // The bcrypt string is 60 ASCII characters; the pepper follows after a `$`.
        let (mcf, pepper) = match s.get(..60).zip(s.get(60..)) {
            Some((mcf, rest)) if rest.starts_with('$') => (mcf, &rest[1..]),
            _ => {
                self.bcrypt_mcf(s.get(..60).unwrap_or(s))?;
                return Err(self.err("the bcrypt hash is not followed by `$<pepper>`"));
            }
        };
        let cost = self.bcrypt_mcf(mcf)?;
        self.non_empty("pepper", pepper)?;
        Ok(Parsed::Bcrypt {
            mcf,
            cost,
            pepper,
            sha256_hex_first: false,
        })
    }

    fn bcrypt_sha256_django<'a>(&self, s: &'a str) -> Result<Parsed<'a>> {
        let Some(mcf) = s.strip_prefix("bcrypt_sha256$") else {
            return Err(self.err("it does not start with `bcrypt_sha256$`"));
        };
        let cost = self.bcrypt_mcf(mcf)?;
        Ok(Parsed::Bcrypt {
            mcf,
            cost,
            pepper: "",
            sha256_hex_first: true,
        })
    }

    // ---- HMAC, LDAP, plain digests -----------------------------------------------------------

    fn hmac_sha256<'a>(&self, s: &'a str) -> Result<Parsed<'a>> {
        let Some(rest) = s.strip_prefix("hmac_sha256_utf16_b64$") else {
            return Err(self.err("it does not start with `hmac_sha256_utf16_b64$`"));
        };
        let Some((hash, key)) = rest.split_once('$') else {
            return Err(self.err("the hash is not followed by `$<key>`"));
        };
        let hash = self.b64("hash", hash)?;
        if hash.len() != 32 {
            return Err(self.err(format!("the hash is {} bytes, not 32", hash.len())));
        }
        let key = self.non_empty("key", key)?;
        Ok(Parsed::HmacSha256 { hash, key })
    }

    fn ldap_ssha<'a>(&self, s: &'a str) -> Result<Parsed<'a>> {
        let scheme_ok = s.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("{SSHA}"));
        if !scheme_ok {
            return Err(self.err("it does not start with `{SSHA}`"));
        }
        let raw = self.b64("base64 after `{SSHA}`", &s[6..])?;
        if raw.len() <= 20 {
            return Err(self.err(format!(
                "it decodes to {} bytes: a 20-byte SHA-1 hash and at least one byte of salt are needed",
                raw.len()
            )));
        }
        let (hash, salt) = raw.split_at(20);
        Ok(Parsed::LdapSsha {
            hash: hash.to_vec(),
            salt: salt.to_vec(),
        })
    }

    fn plain<'a>(&self, s: &'a str, function: Plain, salted: bool) -> Result<Parsed<'a>> {
        let len = match function {
            Plain::Md5 => 32,
            Plain::Sha256 => 64,
        };
        if !salted {
            let hash = self.hex_of_len("hash", s, len)?;
            return Ok(Parsed::Plain {
                function,
                hash,
                salt: None,
            });
        }
        // `salt$hash`: the salt may itself hold `$`, the hash never does.
        let Some((salt, hash)) = s.rsplit_once('$') else {
            return Err(self.err("it is not `<salt>$<hash>`"));
        };
        let salt = self.non_empty("salt", salt)?;
        let hash = self.hex_of_len("hash after the last `$`", hash, len)?;
        Ok(Parsed::Plain {
            function,
            hash,
            salt: Some(salt),
        })
    }

    // ---- phpass ------------------------------------------------------------------------------

    fn phpass<'a>(&self, s: &'a str, prefixes: &[&str]) -> Result<Parsed<'a>> {
        if !prefixes.iter().any(|p| s.starts_with(p)) {
            let names: Vec<String> = prefixes.iter().map(|p| format!("`{p}`")).collect();
            return Err(self.err(format!("it does not start with {}", names.join(" or "))));
        }
        if !s.is_ascii() {
            return Err(self.err("it holds characters outside phpass's `./0-9A-Za-z`"));
        }
        if s.len() != 34 {
            return Err(self.err(format!("it is {} characters long, not 34", s.len())));
        }
        if !s.as_bytes()[3..].iter().all(|c| CRYPT_CHARS.contains(c)) {
            return Err(self.err("it holds characters outside phpass's `./0-9A-Za-z`"));
        }
        let count_log2 = CRYPT_CHARS
            .iter()
            .position(|&c| c == s.as_bytes()[3])
            .unwrap_or(0) as u32;
        if !(7..=30).contains(&count_log2) {
            return Err(self.err(format!(
                "its rounds character means 2^{count_log2} rounds; phpass allows 2^7 to 2^30"
            )));
        }
        Ok(Parsed::Phpass {
            count_log2,
            setting: &s[..12],
            checksum: &s[12..],
        })
    }

    // ---- PBKDF2 ------------------------------------------------------------------------------

    fn pbkdf2<'a>(
        &self,
        s: &'a str,
        prefix: &str,
        prf: Prf,
        salt_enc: Enc,
        hash_enc: Enc,
    ) -> Result<Parsed<'a>> {
        let parts = self.salted_parts(s, prefix)?;
        let iterations = self.count("iteration count", parts[1])?;
        let salt = self.decode("salt", parts[2], salt_enc)?;
        let hash = self.decode("hash", parts[3], hash_enc)?;
        if prf == Prf::Sha512 {
            // Clerk's documented bounds for pbkdf2_sha512.
            if iterations >= 420_000 {
                return Err(self.err("the iteration count is 420000 or more"));
            }
            if salt.len() >= 1024 {
                return Err(self.err("the salt is 1024 bytes or more"));
            }
            if hash.len() >= 1024 {
                return Err(self.err("the hash is 1024 bytes or more"));
            }
        }
        Ok(Parsed::Pbkdf2 {
            prf,
            iterations,
            salt,
            hash,
        })
    }

    /// Clerk: the salt is hex if it is valid hex, raw bytes otherwise; the hash is hex; an
    /// optional fifth part is the key length (32 without it).
    fn pbkdf2_sha1<'a>(&self, s: &'a str) -> Result<Parsed<'a>> {
        let n = s.split('$').count();
        let parts = self.prefixed_parts(s, "pbkdf2_sha1", if n == 5 { 5 } else { 4 })?;
        let iterations = self.count("iteration count", parts[1])?;
        let salt = self.non_empty("salt", parts[2])?;
        let salt = match hex::decode(salt) {
            Ok(bytes) => bytes,
            Err(_) => salt.as_bytes().to_vec(),
        };
        let hash = self.hex("hash", parts[3])?;
        let key_len = match parts.get(4) {
            Some(k) => self.count("key length", k)? as usize,
            None => 32,
        };
        // The derived key is `key length` bytes; a hash of another length can never match.
        if hash.len() != key_len {
            return Err(self.err(format!(
                "the hash is {} bytes but the key length is {key_len}{}",
                hash.len(),
                if parts.len() == 4 {
                    " (the default; give the key length as a fifth part)"
                } else {
                    ""
                }
            )));
        }
        Ok(Parsed::Pbkdf2 {
            prf: Prf::Sha1,
            iterations,
            salt,
            hash,
        })
    }

    /// `<prefix>$<iterations>$<salt>$<hash>`, where a raw salt may hold `$` (the hash, hex or
    /// base64, never does).
    fn salted_parts<'a>(&self, s: &'a str, prefix: &str) -> Result<[&'a str; 4]> {
        let Some(rest) = s.strip_prefix(prefix).and_then(|r| r.strip_prefix('$')) else {
            return Err(self.err(format!("it does not start with `{prefix}$`")));
        };
        let shape = || self.err(format!("it is not `{prefix}$<iterations>$<salt>$<hash>`"));
        let (iterations, rest) = rest.split_once('$').ok_or_else(shape)?;
        let (salt, hash) = rest.rsplit_once('$').ok_or_else(shape)?;
        Ok([&s[..prefix.len()], iterations, salt, hash])
    }

    fn prefixed_parts<'a>(&self, s: &'a str, prefix: &str, n: usize) -> Result<Vec<&'a str>> {
        if !s.strip_prefix(prefix).is_some_and(|r| r.starts_with('$')) {
            return Err(self.err(format!("it does not start with `{prefix}$`")));
        }
        self.parts(s, n)
    }

    // ---- scrypt ------------------------------------------------------------------------------

    fn scrypt_firebase<'a>(&self, s: &'a str) -> Result<Parsed<'a>> {
        let parts = self.parts(s, 6)?;
        let hash = self.b64("hash", parts[0])?;
        let salt = self.b64("salt", parts[1])?;
        let signer_key = self.b64("signer key", parts[2])?;
        // An empty separator is allowed: it is only appended to the salt.
        let separator = if parts[3].is_empty() {
            Vec::new()
        } else {
            self.b64("salt separator", parts[3])?
        };
        let rounds = self.count("rounds", parts[4])?;
        let mem_cost = self.count("memory cost", parts[5])?;
        // Firebase's ranges for its password hash parameters.
        if rounds > 8 {
            return Err(self.err(format!("the rounds are {rounds}; Firebase uses 1 to 8")));
        }
        if mem_cost > 14 {
            return Err(self.err(format!(
                "the memory cost is {mem_cost}; Firebase uses 1 to 14"
            )));
        }
        // The hash is the signer key encrypted with a stream cipher: the same length.
        if hash.len() != signer_key.len() {
            return Err(self.err(format!(
                "the hash is {} bytes but the signer key is {}: Firebase's hash is the signer key encrypted, so they are the same length",
                hash.len(),
                signer_key.len()
            )));
        }
        Ok(Parsed::ScryptFirebase {
            hash,
            salt,
            signer_key,
            separator,
            rounds,
            mem_cost,
        })
    }

    /// Werkzeug's `generate_password_hash` output: `scrypt:<N>:<r>:<p>$<salt>$<hex hash>`
    /// (`scrypt` alone means Werkzeug's defaults, 32768:8:1). A leading `$`, as Clerk's
    /// documentation writes the format, is accepted too.
    fn scrypt_werkzeug<'a>(&self, s: &'a str) -> Result<Parsed<'a>> {
        let s = s.strip_prefix('$').unwrap_or(s);
        let parts = self.parts(s, 3)?;
        let mut args = parts[0].split(':');
        if args.next() != Some("scrypt") {
            return Err(self.err("the method is not `scrypt` or `scrypt:<N>:<r>:<p>`"));
        }
        let args: Vec<&str> = args.collect();
        let (n, r, p) = match args.as_slice() {
            [] => (32768, 8, 1),
            [n, r, p] => (
                self.count("N", n)?,
                self.count("r", r)?,
                self.count("p", p)?,
            ),
            _ => return Err(self.err("the method is not `scrypt` or `scrypt:<N>:<r>:<p>`")),
        };
        if n < 2 || !n.is_power_of_two() {
            return Err(self.err(format!("N is {n}, not a power of two above 1")));
        }
        if u64::from(r) * u64::from(p) >= 1 << 30 {
            return Err(self.err("r times p is 2^30 or more"));
        }
        let salt = self.non_empty("salt", parts[1])?;
        let hash = self.hex("hash", parts[2])?;
        Ok(Parsed::ScryptWerkzeug {
            log_n: n.trailing_zeros() as u8,
            r,
            p,
            salt,
            hash,
        })
    }

    // ---- Symfony -----------------------------------------------------------------------------

    fn symfony<'a>(&self, s: &'a str) -> Result<Parsed<'a>> {
        let parts = self.salted_parts(s, "sha512_symfony")?;
        let iterations = self.count("iteration count", parts[1])?;
        // Symfony refuses salts with braces: the salt is merged as `password{salt}`.
        let salt = parts[2];
        if salt.contains(['{', '}']) {
            return Err(self.err("the salt holds `{` or `}`, which Symfony does not allow"));
        }
        let hash = self.b64("hash", parts[3])?;
        if hash.len() != 64 {
            return Err(self.err(format!(
                "the hash is {} bytes, not 64 (SHA-512)",
                hash.len()
            )));
        }
        Ok(Parsed::Symfony {
            iterations,
            salt,
            hash,
        })
    }
}
