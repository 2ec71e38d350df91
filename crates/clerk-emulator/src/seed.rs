//! Seed files: users, organizations, memberships and invitations to load at start.
//!
//! ```json
//! {
//!   "roles": [{"key": "org:billing", "name": "Billing", "permissions": ["org:sys_billing:manage"]}],
//!   "users": [{"id": "user_...", "email_address": ["ada@example.com"], "first_name": "Ada"}],
//!   "organizations": [{"id": "org_...", "name": "Acme", "slug": "acme", "created_by": "user_..."}],
//!   "memberships": [{"organization_id": "acme", "user_id": "user_...", "role": "org:member"}],
//!   "organization_invitations": [{"organization_id": "org_...", "email_address": "x@example.com", "role": "org:member"}],
//!   "invitations": [{"email_address": "y@example.com", "status": "accepted"}]
//! }
//! ```
//!
//! Each entry is the body of the matching create request, checked the same way, plus a few
//! fields only a seed may set: `id`, `last_active_at`, `last_sign_in_at` and
//! `external_accounts` on users, `admin_delete_enabled` on organizations, `organization_id`
//! (an ID or slug) on memberships and organization invitations, `status` on invitations.
//! Users (members, organization creators) may be referred to by ID or by email address. Everything loads in one transaction.

use serde::Deserialize;

use crate::engine::{
    CreateInvitation, CreateMembership, CreateOrgInvitation, CreateOrganization, CreateUser, Engine,
};
use crate::error::ApiError;
use crate::model::Role;

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Seed {
    pub roles: Vec<Role>,
    pub users: Vec<CreateUser>,
    pub organizations: Vec<CreateOrganization>,
    pub memberships: Vec<CreateMembership>,
    pub organization_invitations: Vec<CreateOrgInvitation>,
    pub invitations: Vec<CreateInvitation>,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("cannot read seed file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("seed file {path} is not valid: {source}")]
    Parse {
        path: String,
        source: serde_json::Error,
    },
    #[error("seed file {path}: {what}[{index}] was refused: {error}")]
    Refused {
        path: String,
        what: &'static str,
        index: usize,
        error: ApiError,
    },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl Seed {
    pub fn from_file(path: &std::path::Path) -> Result<Seed, SeedError> {
        let shown = path.display().to_string();
        let text = std::fs::read(path).map_err(|source| SeedError::Read {
            path: shown.clone(),
            source,
        })?;
        serde_json::from_slice(&text).map_err(|source| SeedError::Parse {
            path: shown,
            source,
        })
    }
}

impl Engine {
    /// Loads a seed, checking each entry as the Backend API would. Entries are applied in
    /// order (roles, users, organizations, memberships, invitations); the first refusal stops
    /// the load and says which entry it was. Records loaded before it stay.
    pub fn load_seed(&self, seed: Seed, path: &str) -> Result<(), SeedError> {
        self.add_roles(seed.roles);
        let refused = |what, index, error| SeedError::Refused {
            path: path.to_owned(),
            what,
            index,
            error,
        };
        self.seed_write(|st, ch, now| {
            for (i, u) in seed.users.into_iter().enumerate() {
                crate::engine::seed_user(st, ch, u, now).map_err(|e| refused("users", i, e))?;
            }
            for (i, o) in seed.organizations.into_iter().enumerate() {
                crate::engine::seed_org(st, ch, o, now)
                    .map_err(|e| refused("organizations", i, e))?;
            }
            for (i, m) in seed.memberships.into_iter().enumerate() {
                crate::engine::seed_membership(st, ch, m, now)
                    .map_err(|e| refused("memberships", i, e))?;
            }
            for (i, inv) in seed.organization_invitations.into_iter().enumerate() {
                crate::engine::seed_org_invitation(st, ch, inv, now)
                    .map_err(|e| refused("organization_invitations", i, e))?;
            }
            for (i, inv) in seed.invitations.into_iter().enumerate() {
                crate::engine::seed_invitation(st, ch, inv, now)
                    .map_err(|e| refused("invitations", i, e))?;
            }
            Ok(())
        })
    }
}
