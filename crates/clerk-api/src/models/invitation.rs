use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{InvitationStatus, Metadata, Timestamp};
use crate::ids::{InvitationId, OrganizationId, OrganizationInvitationId, UserId};

/// An invitation to join an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationInvitation {
    pub id: OrganizationInvitationId,
    pub email_address: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub role_name: Option<String>,
    #[serde(default)]
    pub organization_id: Option<OrganizationId>,
    #[serde(default)]
    pub inviter_id: Option<UserId>,
    #[serde(default)]
    pub public_inviter_data: Option<PublicInviterData>,
    #[serde(default)]
    pub status: Option<InvitationStatus>,
    #[serde(default)]
    pub public_metadata: Metadata,
    #[serde(default)]
    pub private_metadata: Option<Metadata>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Present in instance-wide and per-user lists.
    #[serde(default)]
    pub public_organization_data: Option<PublicOrganizationData>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublicInviterData {
    pub user_id: UserId,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub identifier: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublicOrganizationData {
    pub id: OrganizationId,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An invitation to sign up to the application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Invitation {
    pub id: InvitationId,
    pub email_address: String,
    #[serde(default)]
    pub public_metadata: Metadata,
    #[serde(default)]
    pub revoked: Option<bool>,
    #[serde(default)]
    pub status: Option<InvitationStatus>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
