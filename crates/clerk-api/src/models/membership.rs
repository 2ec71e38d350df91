use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Metadata, Organization, Timestamp};
use crate::ids::{OrganizationMembershipId, UserId};

/// A user's membership in an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationMembership {
    pub id: OrganizationMembershipId,
    /// The role key, e.g. `org:admin`.
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub role_name: Option<String>,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
    #[serde(default)]
    pub public_metadata: Metadata,
    #[serde(default)]
    pub private_metadata: Option<Metadata>,
    pub organization: Organization,
    #[serde(default)]
    pub public_user_data: Option<PublicUserData>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The member's public profile, as a membership carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublicUserData {
    pub user_id: UserId,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub image_url: Option<String>,
    #[serde(default)]
    pub has_image: bool,
    /// The member's primary email address, phone number or username.
    #[serde(default)]
    pub identifier: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
