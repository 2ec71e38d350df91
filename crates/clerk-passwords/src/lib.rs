//! Clerk's password hashers: the names Clerk accepts in `password_hasher`, a check of each
//! digest's format, and (with the `verify` feature) checking a password against a digest.
//!
//! Clerk lets existing password hashes move in with their users: `POST /users` (and
//! `PATCH /users/{user_id}`) take `password_digest` with the `password_hasher` that made it,
//! and each hasher expects its digest in a particular format. This crate knows those formats:
//!
//! - [`PasswordHasher`]: every hasher Clerk accepts, parsed from and shown as Clerk's names;
//! - [`check_digest`]: a pure, cheap check that a digest fits its hasher's format, decoding
//!   every encoded part, with a [`DigestError`] that says what is wrong without repeating any
//!   part of the digest;
//! - [`verify`] (feature `verify`): whether a password matches a digest, computed as the
//!   hasher's own implementation computes it (bcrypt, argon2, scrypt, PBKDF2, ... through the
//!   RustCrypto crates and `bcrypt`; Firebase's scrypt variant, phpass, Symfony's and Django's
//!   schemes as their documentation defines them);
//! - [`PasswordDigest`]: a digest kept with its hasher, whose `Debug` never shows it.
//!
//! Without the `verify` feature the crate links no hash implementation, only base64 and hex
//! decoding: a tool that only checks formats before sending digests to Clerk stays small.
//!
//! Where Clerk's documentation leaves a detail open (`md5_salted`'s salt position, the key of
//! `hmac_sha256_utf16_b64`, `md5_phpass` and `ldap_ssha`, which it names without a format),
//! the choice is written on the hasher's parser or computation; `docs/emulator.md` of the
//! clerkctl repository lists them all.

mod digest;
mod hasher;
mod stored;
#[cfg(feature = "verify")]
mod verify;

pub use digest::{DigestError, check_digest};
pub use hasher::{PasswordHasher, UnknownHasher};
pub use stored::PasswordDigest;
#[cfg(feature = "verify")]
pub use verify::{Limits, VerifyError, argon2id_hash, bcrypt_hash, verify, verify_with_limits};
