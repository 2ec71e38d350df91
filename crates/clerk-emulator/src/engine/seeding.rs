//! A seed file's records, each checked as the Backend API checks a request for it. Seeds may
//! name users and organizations by email address or slug where the API wants IDs.

use super::invitations::{self, CreateInvitation, CreateOrgInvitation};
use super::members::{self, CreateMembership};
use super::orgs::{self, CreateOrganization};
use super::state::{Changes, State};
use super::users::{self, CreateUser};
use crate::error::{ApiError, ApiResult};

fn seed_org_id(st: &State, id_or_slug: Option<&str>) -> ApiResult<String> {
    let given = id_or_slug.unwrap_or_default();
    st.find_org(given)
        .map(|o| o.id.clone())
        .ok_or_else(ApiError::organization_not_found)
}

pub(crate) fn seed_user(
    st: &mut State,
    ch: &mut Changes,
    u: CreateUser,
    now: i64,
) -> ApiResult<()> {
    users::create(st, ch, u, now).map(drop)
}

pub(crate) fn seed_org(
    st: &mut State,
    ch: &mut Changes,
    mut o: CreateOrganization,
    now: i64,
) -> ApiResult<()> {
    // A seed may name the creator by email address.
    if let Some(creator) = &o.created_by
        && !st.users.contains_key(creator)
        && let Some(id) = st.emails.get(&creator.to_lowercase())
    {
        o.created_by = Some(id.clone());
    }
    orgs::create(st, ch, o, now).map(drop)
}

pub(crate) fn seed_membership(
    st: &mut State,
    ch: &mut Changes,
    mut m: CreateMembership,
    now: i64,
) -> ApiResult<()> {
    let org = seed_org_id(st, m.organization_id.as_deref())?;
    if !st.users.contains_key(&m.user_id)
        && let Some(id) = st.emails.get(&m.user_id.to_lowercase())
    {
        m.user_id = id.clone();
    }
    // A member already (the organization's creator, made its admin): the seed's role and
    // metadata are the membership's, as in the instance it was exported from.
    if let Some(existing) = st.membership_of(&org, &m.user_id) {
        st.check_role("role", &m.role)?;
        let mut existing = existing.clone();
        existing.role = m.role;
        if let Some(p) = m.public_metadata {
            existing.public_metadata = p;
        }
        if let Some(p) = m.private_metadata {
            existing.private_metadata = p;
        }
        st.save_membership(ch, existing);
        return Ok(());
    }
    members::create(st, ch, &org, m, now).map(drop)
}

pub(crate) fn seed_org_invitation(
    st: &mut State,
    ch: &mut Changes,
    inv: CreateOrgInvitation,
    now: i64,
) -> ApiResult<()> {
    let org = seed_org_id(st, inv.organization_id.as_deref())?;
    invitations::seed_org_invitation(st, ch, &org, inv, now)
}

pub(crate) fn seed_invitation(
    st: &mut State,
    ch: &mut Changes,
    inv: CreateInvitation,
    now: i64,
) -> ApiResult<()> {
    invitations::seed_invitation(st, ch, inv, now)
}
