use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Metadata, Timestamp, VerificationStatus};
use crate::ids::{IdentificationId, UserId};

/// A user of the instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    pub id: UserId,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub primary_email_address_id: Option<IdentificationId>,
    #[serde(default)]
    pub primary_phone_number_id: Option<IdentificationId>,
    #[serde(default)]
    pub primary_web3_wallet_id: Option<IdentificationId>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub image_url: Option<String>,
    #[serde(default)]
    pub has_image: bool,
    #[serde(default, deserialize_with = "super::metadata_or_null")]
    pub public_metadata: Metadata,
    #[serde(default)]
    pub private_metadata: Option<Metadata>,
    #[serde(default)]
    pub unsafe_metadata: Option<Metadata>,
    #[serde(default)]
    pub email_addresses: Vec<EmailAddress>,
    #[serde(default)]
    pub phone_numbers: Vec<PhoneNumber>,
    #[serde(default)]
    pub web3_wallets: Vec<Web3Wallet>,
    #[serde(default)]
    pub password_enabled: bool,
    #[serde(default)]
    pub two_factor_enabled: bool,
    #[serde(default)]
    pub totp_enabled: bool,
    #[serde(default)]
    pub backup_code_enabled: bool,
    #[serde(default)]
    pub banned: bool,
    #[serde(default)]
    pub locked: bool,
    #[serde(default)]
    pub lockout_expires_in_seconds: Option<i64>,
    #[serde(default)]
    pub verification_attempts_remaining: Option<i64>,
    #[serde(default)]
    pub delete_self_enabled: Option<bool>,
    #[serde(default)]
    pub create_organization_enabled: Option<bool>,
    #[serde(default)]
    pub create_organizations_limit: Option<i64>,
    #[serde(default)]
    pub last_sign_in_at: Option<Timestamp>,
    #[serde(default)]
    pub last_active_at: Option<Timestamp>,
    #[serde(default)]
    pub legal_accepted_at: Option<Timestamp>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
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
    #[serde(default)]
    pub object: Option<String>,
    #[serde(default)]
    pub status: Option<VerificationStatus>,
    #[serde(default)]
    pub strategy: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmailAddress {
    #[serde(default)]
    pub id: Option<IdentificationId>,
    pub email_address: String,
    #[serde(default)]
    pub reserved: bool,
    #[serde(default)]
    pub verification: Option<Verification>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PhoneNumber {
    #[serde(default)]
    pub id: Option<IdentificationId>,
    pub phone_number: String,
    #[serde(default)]
    pub reserved: bool,
    #[serde(default)]
    pub verification: Option<Verification>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Web3Wallet {
    #[serde(default)]
    pub id: Option<IdentificationId>,
    pub web3_wallet: String,
    #[serde(default)]
    pub verification: Option<Verification>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
