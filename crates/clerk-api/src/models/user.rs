use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Metadata, Timestamp, VerificationStatus};
use crate::ids::{IdentificationId, UserId};

/// A user of the instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The user's ID.
    pub id: UserId,
    /// The ID of this object in your own system.
    #[serde(default)]
    pub external_id: Option<String>,
    /// The ID of the primary email address.
    #[serde(default)]
    pub primary_email_address_id: Option<IdentificationId>,
    /// The ID of the primary phone number.
    #[serde(default)]
    pub primary_phone_number_id: Option<IdentificationId>,
    /// The ID of the primary web3 wallet.
    #[serde(default)]
    pub primary_web3_wallet_id: Option<IdentificationId>,
    /// Username.
    #[serde(default)]
    pub username: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// The user's locale, e.g. `en-US`.
    #[serde(default)]
    pub locale: Option<String>,
    /// The profile image URL.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Whether an image was uploaded (else `image_url` is a default).
    #[serde(default)]
    pub has_image: bool,
    /// Metadata readable by the frontend and the backend.
    #[serde(default, deserialize_with = "super::metadata_or_null")]
    pub public_metadata: Metadata,
    /// Metadata readable only by the backend (absent from some answers).
    #[serde(default)]
    pub private_metadata: Option<Metadata>,
    /// Metadata the user can change from the frontend.
    #[serde(default)]
    pub unsafe_metadata: Option<Metadata>,
    /// Email addresses.
    #[serde(default)]
    pub email_addresses: Vec<EmailAddress>,
    /// Phone numbers.
    #[serde(default)]
    pub phone_numbers: Vec<PhoneNumber>,
    /// Web3 wallets.
    #[serde(default)]
    pub web3_wallets: Vec<Web3Wallet>,
    /// Whether the user has a password.
    #[serde(default)]
    pub password_enabled: bool,
    /// Whether the user has a second factor.
    #[serde(default)]
    pub two_factor_enabled: bool,
    /// Whether the user has an authenticator app.
    #[serde(default)]
    pub totp_enabled: bool,
    /// Whether the user has backup codes.
    #[serde(default)]
    pub backup_code_enabled: bool,
    /// Whether the user is banned.
    #[serde(default)]
    pub banned: bool,
    /// Whether the user is locked out of signing in.
    #[serde(default)]
    pub locked: bool,
    /// Seconds until a lock ends, when locked.
    #[serde(default)]
    pub lockout_expires_in_seconds: Option<i64>,
    /// Verification attempts left before the user is locked.
    #[serde(default)]
    pub verification_attempts_remaining: Option<i64>,
    /// Whether the user may delete themselves.
    #[serde(default)]
    pub delete_self_enabled: Option<bool>,
    /// Whether the user may create organizations.
    #[serde(default)]
    pub create_organization_enabled: Option<bool>,
    /// How many organizations the user may create.
    #[serde(default)]
    pub create_organizations_limit: Option<i64>,
    /// When the user last signed in (Unix milliseconds).
    #[serde(default)]
    pub last_sign_in_at: Option<Timestamp>,
    /// When it was last active (Unix milliseconds).
    #[serde(default)]
    pub last_active_at: Option<Timestamp>,
    /// When the user accepted the legal terms (Unix milliseconds).
    #[serde(default)]
    pub legal_accepted_at: Option<Timestamp>,
    /// When it was created (Unix milliseconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// When it last changed (Unix milliseconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Every other field Clerk sent (external accounts, passkeys, new fields, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl User {
    /// The primary email address, if the user has one.
    pub fn primary_email_address(&self) -> Option<&str> {
        let id = self.primary_email_address_id.as_ref()?;
        self.email_addresses
            .iter()
            .find(|e| e.id.as_ref() == Some(id))
            .map(|e| e.email_address.as_str())
    }

    /// First and last name joined, when either is set.
    pub fn full_name(&self) -> Option<String> {
        let parts: Vec<&str> = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// How an identification was verified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Verification {
    /// What kind of object it is, e.g. `user`.
    #[serde(default)]
    pub object: Option<String>,
    /// Its status.
    #[serde(default)]
    pub status: Option<VerificationStatus>,
    /// The strategy used, e.g. `email_code`.
    #[serde(default)]
    pub strategy: Option<String>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An email address of a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmailAddress {
    /// The identification's ID.
    #[serde(default)]
    pub id: Option<IdentificationId>,
    /// The email address.
    pub email_address: String,
    /// Whether it is reserved for a sign-up in progress.
    #[serde(default)]
    pub reserved: bool,
    /// How it was verified, if it was.
    #[serde(default)]
    pub verification: Option<Verification>,
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

/// A phone number of a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PhoneNumber {
    /// The identification's ID.
    #[serde(default)]
    pub id: Option<IdentificationId>,
    /// The phone number (E.164).
    pub phone_number: String,
    /// Whether it is reserved for a sign-up in progress.
    #[serde(default)]
    pub reserved: bool,
    /// How it was verified, if it was.
    #[serde(default)]
    pub verification: Option<Verification>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A web3 wallet of a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Web3Wallet {
    /// The identification's ID.
    #[serde(default)]
    pub id: Option<IdentificationId>,
    /// The wallet address.
    pub web3_wallet: String,
    /// How it was verified, if it was.
    #[serde(default)]
    pub verification: Option<Verification>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
