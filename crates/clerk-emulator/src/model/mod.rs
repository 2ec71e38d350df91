//! Stored records and their Clerk JSON shapes.
//!
//! Records (this file) are what the emulator keeps (in memory, and as JSON documents in
//! SQLite). Views (`views.rs`) are what Clerk returns: `*View` structs borrow a record and
//! serialize to exactly the shape the spec gives, with derived fields (`object`, `image_url`,
//! `role_name`, computed `status`, ...). Users, most of what the emulator sends, are also
//! written directly (`user_json.rs`), byte for byte their view. Sessions, JWT templates and
//! sign-in tokens, records and shapes, are in `sessions.rs`.

mod sessions;
mod user_json;
mod views;

pub use sessions::*;
pub use user_json::users_json;
pub use views::*;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub type Metadata = Map<String, Value>;

/// Metadata fields stored as JSON `null` (`PUT .../metadata` with `null` for a field, which
/// Clerk's docs say "overwrite\[s\] the field with a JSON `null` value"): they answer `null` until
/// they are set again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NullMetadata {
    #[serde(default)]
    pub public: bool,
    #[serde(default)]
    pub private: bool,
    #[serde(default, rename = "unsafe")]
    pub unsafe_: bool,
}

impl NullMetadata {
    pub fn is_none(&self) -> bool {
        !(self.public || self.private || self.unsafe_)
    }
}

/// A metadata field as answered: `null` when stored so.
pub fn shown(value: &Metadata, null: bool) -> Option<&Metadata> {
    (!null).then_some(value)
}

/// Placeholder image URLs, as Clerk returns for users and organizations with no uploaded image.
pub const DEFAULT_IMAGE_URL: &str = "https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9";
pub const DEFAULT_PROFILE_IMAGE_URL: &str = "https://www.gravatar.com/avatar?d=mp";
/// Host used in invitation links. `.invalid` is reserved (RFC 2606): no link can reach a real site.
pub const TICKET_BASE_URL: &str = "https://accounts.emulator.invalid/v1/tickets/accept?ticket=";

/// An email address, phone number or web3 wallet of a user (all `idn_` identifications).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Identification {
    pub id: String,
    pub value: String,
    /// Created with identification status `reserved` rather than `verified`.
    #[serde(default)]
    pub reserved: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub external_id: Option<String>,
    pub username: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub locale: Option<String>,
    pub email_addresses: Vec<Identification>,
    pub phone_numbers: Vec<Identification>,
    pub web3_wallets: Vec<Identification>,
    pub primary_email_address_id: Option<String>,
    pub primary_phone_number_id: Option<String>,
    pub primary_web3_wallet_id: Option<String>,
    pub password_enabled: bool,
    pub password_last_updated_at: Option<i64>,
    /// The password as a digest: one given in `password_digest`, or the hash of one set in
    /// clear. Kept and stored, never answered; its `Debug` hides the digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<clerk_passwords::PasswordDigest>,
    pub totp_enabled: bool,
    pub backup_code_enabled: bool,
    pub mfa_enabled_at: Option<i64>,
    pub mfa_disabled_at: Option<i64>,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    pub unsafe_metadata: Metadata,
    #[serde(default, skip_serializing_if = "NullMetadata::is_none")]
    pub null_metadata: NullMetadata,
    pub banned: bool,
    pub locked: bool,
    /// When a lock with an end lifts (Unix ms); `None` while unlocked or locked until unlocked.
    #[serde(default)]
    pub lockout_expires_at: Option<i64>,
    pub delete_self_enabled: bool,
    pub create_organization_enabled: bool,
    pub create_organizations_limit: Option<i64>,
    pub bypass_client_trust: bool,
    /// External (OAuth) accounts, only ever set by a seed file: the Backend API cannot create them.
    #[serde(default)]
    pub external_accounts: Vec<Value>,
    pub last_sign_in_at: Option<i64>,
    pub last_active_at: Option<i64>,
    pub legal_accepted_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a user's answer depends on besides the record: the time (a lockout counts down) and
/// the instance's lockout attempt limit (`None`: the lockout policy is off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserContext {
    pub now: i64,
    pub max_attempts: Option<u32>,
}

impl User {
    /// Locks the account until `expires_at` (`None`: until unlocked), or unlocks it.
    pub fn set_locked(&mut self, on: bool, expires_at: Option<i64>) {
        self.locked = on;
        self.lockout_expires_at = if on { expires_at } else { None };
    }

    /// Whether the account is locked at `now`: a lockout with an end is over once it ends.
    pub fn is_locked(&self, now: i64) -> bool {
        self.locked && self.lockout_expires_at.is_none_or(|at| at > now)
    }

    /// `lockout_expires_in_seconds`: the seconds left of a lockout that ends, rounded up.
    pub fn lockout_seconds(&self, now: i64) -> Option<i64> {
        let at = self.lockout_expires_at?;
        (self.locked && at > now).then(|| (at - now + 999) / 1000)
    }

    /// `verification_attempts_remaining`: none while locked, the instance's limit otherwise.
    pub fn attempts_remaining(&self, ctx: UserContext) -> Option<i64> {
        let max = ctx.max_attempts?;
        Some(if self.is_locked(ctx.now) {
            0
        } else {
            i64::from(max)
        })
    }

    pub fn primary_email(&self) -> Option<&str> {
        let primary = self.primary_email_address_id.as_deref()?;
        self.email_addresses
            .iter()
            .find(|e| e.id == primary)
            .map(|e| e.value.as_str())
    }

    pub fn primary_phone(&self) -> Option<&str> {
        let primary = self.primary_phone_number_id.as_deref()?;
        self.phone_numbers
            .iter()
            .find(|e| e.id == primary)
            .map(|e| e.value.as_str())
    }

    pub fn primary_web3(&self) -> Option<&str> {
        let primary = self.primary_web3_wallet_id.as_deref()?;
        self.web3_wallets
            .iter()
            .find(|e| e.id == primary)
            .map(|e| e.value.as_str())
    }

    /// What Clerk shows as a member's or inviter's `identifier`: primary email, phone, wallet or
    /// username, in that order.
    pub fn identifier(&self) -> Option<&str> {
        self.primary_email()
            .or_else(|| self.primary_phone())
            .or_else(|| self.primary_web3())
            .or(self.username.as_deref())
    }

    /// Gives back spare capacity. A deserialized `Vec` or map starts with room for four
    /// entries, where users mostly have one email address and one or two metadata keys: with
    /// 100,000 users that spare room is tens of megabytes.
    pub fn shrink_to_fit(&mut self) {
        for ids in [
            &mut self.email_addresses,
            &mut self.phone_numbers,
            &mut self.web3_wallets,
        ] {
            ids.shrink_to_fit();
        }
        self.external_accounts.shrink_to_fit();
        for map in [
            &mut self.public_metadata,
            &mut self.private_metadata,
            &mut self.unsafe_metadata,
        ] {
            if !map.is_empty() {
                // `Map` has no `shrink_to_fit`; collecting an exact-size iterator sizes it exactly.
                *map = std::mem::take(map).into_iter().collect();
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub max_allowed_memberships: i64,
    pub admin_delete_enabled: bool,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    #[serde(default, skip_serializing_if = "NullMetadata::is_none")]
    pub null_metadata: NullMetadata,
    pub created_by: Option<String>,
    pub role_set_key: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Membership {
    pub id: String,
    pub organization_id: String,
    pub user_id: String,
    pub role: String,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Membership {
    /// A new membership, with a fresh ID.
    pub fn new(
        organization_id: &str,
        user_id: &str,
        role: &str,
        public_metadata: Metadata,
        private_metadata: Metadata,
        now: i64,
    ) -> Membership {
        Membership {
            id: crate::ids::new_id("orgmem"),
            organization_id: organization_id.to_owned(),
            user_id: user_id.to_owned(),
            role: role.to_owned(),
            public_metadata,
            private_metadata,
            created_at: now,
            updated_at: now,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => Self::Pending,
            "accepted" => Self::Accepted,
            "revoked" => Self::Revoked,
            "expired" => Self::Expired,
            _ => return None,
        })
    }

    /// The status as seen now: a pending invitation past its expiry reads as expired.
    pub fn effective(self, expires_at: Option<i64>, now: i64) -> Self {
        match (self, expires_at) {
            (Self::Pending, Some(at)) if at <= now => Self::Expired,
            (s, _) => s,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrganizationInvitation {
    pub id: String,
    pub organization_id: String,
    pub email_address: String,
    pub role: String,
    pub inviter_id: Option<String>,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    pub redirect_url: Option<String>,
    pub status: InvitationStatus,
    pub ticket: String,
    pub expires_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl OrganizationInvitation {
    pub fn status_at(&self, now: i64) -> InvitationStatus {
        self.status.effective(self.expires_at, now)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub email_address: String,
    pub public_metadata: Metadata,
    pub redirect_url: Option<String>,
    pub template_slug: String,
    pub status: InvitationStatus,
    pub ticket: String,
    pub expires_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Invitation {
    pub fn status_at(&self, now: i64) -> InvitationStatus {
        self.status.effective(self.expires_at, now)
    }
}

/// An organization role: its key (`org:admin`), display name and permissions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Role {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub permissions: Vec<String>,
}

impl Role {
    /// What a membership whose role the instance no longer has shows: the key, its name
    /// without `org:`, no permissions.
    pub fn unknown(key: &str) -> Role {
        Role {
            key: key.to_owned(),
            name: key.trim_start_matches("org:").to_owned(),
            permissions: Vec::new(),
        }
    }

    /// Clerk's two default roles and their system permissions.
    pub fn defaults() -> Vec<Role> {
        let p = |xs: &[&str]| xs.iter().map(|s| (*s).to_owned()).collect();
        vec![
            Role {
                key: "org:admin".into(),
                name: "Admin".into(),
                permissions: p(&[
                    "org:sys_profile:manage",
                    "org:sys_profile:delete",
                    "org:sys_memberships:read",
                    "org:sys_memberships:manage",
                    "org:sys_domains:read",
                    "org:sys_domains:manage",
                ]),
            },
            Role {
                key: "org:member".into(),
                name: "Member".into(),
                permissions: p(&["org:sys_memberships:read"]),
            },
        ]
    }
}
