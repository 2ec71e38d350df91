use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Metadata, Organization, Timestamp};
use crate::ids::{OrganizationMembershipId, UserId};

/// A user's membership in an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationMembership {
    /// The membership's ID.
    pub id: OrganizationMembershipId,
    /// The role key, e.g. `org:admin`.
    #[serde(default)]
    pub role: String,
    /// The role's display name.
    #[serde(default)]
    pub role_name: Option<String>,
    /// The permissions the role grants.
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
    /// Metadata readable by the frontend and the backend.
    #[serde(default)]
    pub public_metadata: Metadata,
    /// Metadata readable only by the backend (absent from some answers).
    #[serde(default)]
    pub private_metadata: Option<Metadata>,
    /// The organization.
    pub organization: Organization,
    /// The member's public profile.
    #[serde(default)]
    pub public_user_data: Option<PublicUserData>,
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

/// The member's public profile, as a membership carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublicUserData {
    /// The user's ID.
    pub user_id: UserId,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// The profile image URL.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Whether an image was uploaded (else `image_url` is a default).
    #[serde(default)]
    pub has_image: bool,
    /// The member's primary email address, phone number or username.
    #[serde(default)]
    pub identifier: Option<String>,
    /// Username.
    #[serde(default)]
    pub username: Option<String>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
