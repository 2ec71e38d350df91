use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Metadata, Timestamp};
use crate::ids::{OrganizationId, UserId};

/// An organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Organization {
    /// The organization's ID.
    pub id: OrganizationId,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// The URL-friendly name: lowercase letters, digits and `-`.
    #[serde(default)]
    pub slug: Option<String>,
    /// The profile image URL.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Whether an image was uploaded (else `image_url` is a default).
    #[serde(default)]
    pub has_image: bool,
    /// Present only when asked for (`include_members_count`).
    #[serde(default)]
    pub members_count: Option<u64>,
    /// Pending invitations, when asked for.
    #[serde(default)]
    pub pending_invitations_count: Option<u64>,
    /// The most members it may have; 0 for no limit.
    #[serde(default)]
    pub max_allowed_memberships: Option<i64>,
    /// Whether admins may delete the organization.
    #[serde(default)]
    pub admin_delete_enabled: Option<bool>,
    /// Metadata readable by the frontend and the backend.
    #[serde(default, deserialize_with = "super::metadata_or_null")]
    pub public_metadata: Metadata,
    /// Metadata readable only by the backend (absent from some answers).
    #[serde(default)]
    pub private_metadata: Option<Metadata>,
    /// The user who created it.
    #[serde(default)]
    pub created_by: Option<UserId>,
    /// The role set the organization uses.
    #[serde(default)]
    pub role_set_key: Option<String>,
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
