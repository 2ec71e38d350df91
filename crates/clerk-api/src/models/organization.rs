use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Metadata, Timestamp};
use crate::ids::{OrganizationId, UserId};

/// An organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Organization {
    pub id: OrganizationId,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub image_url: Option<String>,
    #[serde(default)]
    pub has_image: bool,
    /// Present only when asked for (`include_members_count`).
    #[serde(default)]
    pub members_count: Option<u64>,
    #[serde(default)]
    pub pending_invitations_count: Option<u64>,
    #[serde(default)]
    pub max_allowed_memberships: Option<i64>,
    #[serde(default)]
    pub admin_delete_enabled: Option<bool>,
    #[serde(default, deserialize_with = "super::metadata_or_null")]
    pub public_metadata: Metadata,
    #[serde(default)]
    pub private_metadata: Option<Metadata>,
    #[serde(default)]
    pub created_by: Option<UserId>,
    #[serde(default)]
    pub role_set_key: Option<String>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
