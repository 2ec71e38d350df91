//! The instance a key belongs to: `GET /instance`, and the counts `status` shows.

use clerk_api::models::{Instance, Organization};
use clerk_api::request::One;

use super::organizations::{self, OrganizationFilters};
use super::{Listing, Read};
use crate::fail::{CliResult, Subject};

/// `status`: which instance the key belongs to (its ID, development or production).
pub fn get() -> Read<One<Instance>> {
    Read::new("status", Subject::Other, |c| c.instance())
}

/// The organizations, whose first page's `total_count` counts them.
pub fn organizations() -> CliResult<Listing<Organization>> {
    organizations::list(&OrganizationFilters::default())
}
