use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{InvitationStatus, Metadata, Timestamp};
use crate::ids::{InvitationId, OrganizationId, OrganizationInvitationId, UserId};

/// An invitation to join an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationInvitation {
    /// The invitation's ID.
    pub id: OrganizationInvitationId,
    /// The email address.
    pub email_address: String,
    /// The role key, e.g. `org:admin`.
    #[serde(default)]
    pub role: String,
    /// The role's display name.
    #[serde(default)]
    pub role_name: Option<String>,
    /// The organization's ID.
    #[serde(default)]
    pub organization_id: Option<OrganizationId>,
    /// The ID of the user who invited.
    #[serde(default)]
    pub inviter_id: Option<UserId>,
    /// The inviter's public profile.
    #[serde(default)]
    pub public_inviter_data: Option<PublicInviterData>,
    /// Its status.
    #[serde(default)]
    pub status: Option<InvitationStatus>,
    /// Metadata readable by the frontend and the backend.
    #[serde(default)]
    pub public_metadata: Metadata,
    /// Metadata readable only by the backend (absent from some answers).
    #[serde(default)]
    pub private_metadata: Option<Metadata>,
    /// The link the invitee follows.
    #[serde(default)]
    pub url: Option<String>,
    /// When it expires (Unix milliseconds).
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
    /// When it was created (Unix milliseconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// When it last changed (Unix milliseconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Present in instance-wide and per-user lists.
    #[serde(default)]
    pub public_organization_data: Option<PublicOrganizationData>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What an invitation shows of its inviter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublicInviterData {
    /// The user's ID.
    pub user_id: UserId,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// The user's main identifier (email, phone or username).
    #[serde(default)]
    pub identifier: Option<String>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What an invitation shows of its organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublicOrganizationData {
    /// The organization's ID.
    pub id: OrganizationId,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// The URL-friendly name: lowercase letters, digits and `-`.
    #[serde(default)]
    pub slug: Option<String>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An invitation to sign up to the application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Invitation {
    /// The invitation's ID.
    pub id: InvitationId,
    /// The email address.
    pub email_address: String,
    /// Metadata readable by the frontend and the backend.
    #[serde(default)]
    pub public_metadata: Metadata,
    /// Whether it was revoked.
    #[serde(default)]
    pub revoked: Option<bool>,
    /// Its status.
    #[serde(default)]
    pub status: Option<InvitationStatus>,
    /// The link the invitee follows.
    #[serde(default)]
    pub url: Option<String>,
    /// When it expires (Unix milliseconds).
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
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
