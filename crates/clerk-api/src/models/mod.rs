//! Clerk's objects, typed to survive Clerk's changes: nullable fields are `Option`, missing
//! fields take defaults, enums keep values they do not know, and every field this crate does not
//! model stays reachable in `extra`.

mod enums;
mod instance;
mod invitation;
mod jwt;
mod membership;
mod organization;
mod session;
mod user;

pub use enums::{InvitationStatus, SessionStatus, SignInTokenStatus, VerificationStatus};
pub use instance::Instance;
pub use invitation::{
    Invitation, OrganizationInvitation, PublicInviterData, PublicOrganizationData,
};
pub use jwt::{Jwk, Jwks, JwtTemplate, PemError};
pub use membership::{OrganizationMembership, PublicUserData};
pub use organization::Organization;
pub use session::{Session, SessionActivity, SessionTask, SignInToken, TestingToken, Token};
pub use user::{EmailAddress, PhoneNumber, User, Verification, Web3Wallet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A metadata object.
pub type Metadata = Map<String, Value>;

/// Reads a metadata object that may be `null`: Clerk stores JSON `null` when a `PUT
/// .../metadata` sends it ("overwrite the field with a JSON `null` value"), and it reads as
/// empty here.
pub(crate) fn metadata_or_null<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Metadata, D::Error> {
    Ok(Option::<Metadata>::deserialize(d)?.unwrap_or_default())
}

/// Unix time in milliseconds, as Clerk sends every timestamp.
pub type Timestamp = i64;

/// What a delete answers: `{"object": "user", "id": "...", "deleted": true}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeletedObject {
    /// What kind of object it is, e.g. `user`.
    #[serde(default)]
    pub object: String,
    /// Its ID, when it has one.
    #[serde(default)]
    pub id: Option<String>,
    /// The URL-friendly name: lowercase letters, digits and `-`.
    #[serde(default)]
    pub slug: Option<String>,
    /// Whether it was deleted.
    #[serde(default)]
    pub deleted: bool,
    /// The ID of this object in your own system.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"object": "total_count", "total_count": N}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TotalCount {
    pub total_count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn null_public_metadata_reads_as_empty() {
        let u: User =
            serde_json::from_value(json!({"id": "user_1", "public_metadata": null})).unwrap();
        assert!(u.public_metadata.is_empty());
        let o: Organization =
            serde_json::from_value(json!({"id": "org_1", "name": "A", "public_metadata": null}))
                .unwrap();
        assert!(o.public_metadata.is_empty());
        let u: User =
            serde_json::from_value(json!({"id": "user_1", "public_metadata": {"a": 1}})).unwrap();
        assert_eq!(u.public_metadata["a"], 1);
    }
}
