//! Organization invitations and application invitations.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::Value;

use super::body;
use super::metadata;
use super::query::{self, Query, by_creation, contains_ci, directed};
use super::state::{Changes, State};
use super::validate;
use super::{Engine, Json, json, list_json};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, token};
use crate::model::{DeletedObject, Invitation, InvitationStatus, Metadata, OrganizationInvitation};

/// Bulk endpoints take at most this many items.
pub const BULK_MAX: usize = 10;
const DEFAULT_EXPIRY_DAYS: i64 = 30;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// `POST /organizations/{id}/invitations` and each item of its bulk form. A seed file may also
/// name the organization and a `status`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreateOrgInvitation {
    pub email_address: String,
    pub inviter_user_id: Option<String>,
    pub role: String,
    pub public_metadata: Option<Metadata>,
    pub private_metadata: Option<Metadata>,
    pub redirect_url: Option<String>,
    pub expires_in_days: Option<i64>,
    pub notify: Option<bool>,
    pub organization_id: Option<String>,
    pub status: Option<InvitationStatus>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RevokeOrgInvitation {
    requesting_user_id: Option<String>,
}

/// `POST /invitations` and each item of `POST /invitations/bulk`. A seed file may add a status.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreateInvitation {
    pub email_address: String,
    pub public_metadata: Option<Metadata>,
    pub redirect_url: Option<String>,
    pub notify: Option<bool>,
    pub ignore_existing: Option<bool>,
    pub expires_in_days: Option<i64>,
    pub template_slug: Option<String>,
    pub status: Option<InvitationStatus>,
}

fn expiry(days: Option<i64>, now: i64) -> Option<i64> {
    Some(now + days.unwrap_or(DEFAULT_EXPIRY_DAYS) * DAY_MS)
}

// ---- organization invitations ----------------------------------------------------------------

/// Checks a batch of organization invitations before any is created: all or none.
fn check_org_invitations(st: &State, org_id: &str, items: &[CreateOrgInvitation]) -> ApiResult<()> {
    st.get_org(org_id)?;
    let now = super::now_ms();
    let mut seen = HashSet::new();
    for item in items {
        validate::email("email_address", &item.email_address).map_err(ApiError::form1)?;
        st.check_role("role", &item.role)?;
        if let Some(inviter) = item.inviter_user_id.as_deref().filter(|s| !s.is_empty())
            && !st.is_org_admin(org_id, inviter)
        {
            return Err(ApiError::not_an_admin(inviter));
        }
        metadata::check_sizes([
            ("public_metadata", item.public_metadata.as_ref()),
            ("private_metadata", item.private_metadata.as_ref()),
        ])?;
        let email = item.email_address.to_lowercase();
        let pending = st.org_invitations_of(org_id).any(|i| {
            i.email_address.eq_ignore_ascii_case(&email)
                && i.status_at(now) == InvitationStatus::Pending
        });
        if pending || !seen.insert(email.clone()) {
            return Err(ApiError::org_invitation_not_unique());
        }
        if let Some(user) = st.user_with_email(&email)
            && st.membership_of(org_id, user).is_some()
        {
            return Err(ApiError::already_member(user));
        }
    }
    st.check_membership_quota(org_id, items.len())
}

pub(super) fn create_org_invitation(
    st: &mut State,
    ch: &mut Changes,
    org_id: &str,
    item: CreateOrgInvitation,
    now: i64,
) -> String {
    let inv = OrganizationInvitation {
        id: new_id("orginv"),
        organization_id: org_id.to_owned(),
        email_address: item.email_address,
        role: item.role,
        inviter_id: item.inviter_user_id.filter(|s| !s.is_empty()),
        public_metadata: item.public_metadata.unwrap_or_default(),
        private_metadata: item.private_metadata.unwrap_or_default(),
        redirect_url: item.redirect_url,
        status: item.status.unwrap_or(InvitationStatus::Pending),
        ticket: token(32),
        expires_at: expiry(item.expires_in_days, now),
        created_at: now,
        updated_at: now,
    };
    let id = inv.id.clone();
    st.save_org_invitation(ch, inv);
    id
}

/// An organization invitation as Clerk shows it; `with_org` adds `public_organization_data`.
fn org_invitation_view<'a>(
    st: &'a State,
    inv: &'a OrganizationInvitation,
    with_org: bool,
    now: i64,
) -> crate::model::OrganizationInvitationView<'a> {
    let role_name = st
        .role(&inv.role)
        .map_or(inv.role.as_str(), |r| r.name.as_str());
    let inviter = inv.inviter_id.as_deref().and_then(|id| st.user(id));
    let org = if with_org {
        st.orgs.get(&inv.organization_id)
    } else {
        None
    };
    inv.view(role_name, inviter, org, now)
}

fn org_invitation_json(st: &State, id: &str) -> Json {
    json(&org_invitation_view(
        st,
        &st.org_invitations[id],
        false,
        super::now_ms(),
    ))
}

const ORG_INVITATION_ORDER: &[&str] = &["created_at", "email_address"];

fn sort_org_invitations(invs: &mut [&OrganizationInvitation], field: &str, desc: bool) {
    invs.sort_by(|a, b| {
        let primary = match field {
            "email_address" => directed(
                a.email_address
                    .to_lowercase()
                    .cmp(&b.email_address.to_lowercase()),
                desc,
            ),
            _ => directed(by_creation(a.created_at, &a.id, b.created_at, &b.id), desc),
        };
        primary
            .then_with(|| b.created_at.cmp(&a.created_at))
            .then_with(|| b.id.cmp(&a.id))
    });
}

fn org_invitation_list(
    st: &State,
    mut invs: Vec<&OrganizationInvitation>,
    field: &str,
    desc: bool,
    page: query::Page,
    with_org: bool,
) -> Json {
    sort_org_invitations(&mut invs, field, desc);
    let total = invs.len();
    let now = super::now_ms();
    let views: Vec<_> = query::paginate(invs, page)
        .into_iter()
        .map(|i| org_invitation_view(st, i, with_org, now))
        .collect();
    list_json(views, total)
}

// ---- application invitations -------------------------------------------------------------------

fn check_invitations(st: &State, items: &[CreateInvitation], bulk: bool) -> ApiResult<()> {
    let now = super::now_ms();
    let mut seen = HashSet::new();
    let mut pending = Vec::new();
    let mut taken = None;
    for (index, item) in items.iter().enumerate() {
        validate::email("email_address", &item.email_address).map_err(ApiError::form1)?;
        if let Some(v) = &item.public_metadata {
            metadata::check_size("public_metadata", v)?;
        }
        let ignore = item.ignore_existing.unwrap_or(false);
        let email = item.email_address.to_lowercase();
        let exists = st.invitations.values().any(|i| {
            i.email_address.eq_ignore_ascii_case(&email)
                && i.status_at(now) == InvitationStatus::Pending
        });
        if (exists && !ignore) || !seen.insert(email.clone()) {
            pending.push(item.email_address.clone());
        }
        // "There must be no existing user for any of the email addresses": bulk requests
        // cannot bypass this rule with ignore_existing.
        if st.user_with_email(&email).is_some() && (bulk || !ignore) && taken.is_none() {
            taken = Some(if bulk {
                format!("[{index}].email_address")
            } else {
                "email_address".to_owned()
            });
        }
    }
    if !pending.is_empty() {
        return Err(ApiError::duplicate_pending_invitation(&pending));
    }
    if let Some(param) = taken {
        return Err(ApiError::invitation_email_taken(&param));
    }
    Ok(())
}

pub(super) fn create_invitation(
    st: &mut State,
    ch: &mut Changes,
    item: CreateInvitation,
    now: i64,
) -> String {
    let inv = Invitation {
        id: new_id("inv"),
        email_address: item.email_address,
        public_metadata: item.public_metadata.unwrap_or_default(),
        redirect_url: item.redirect_url,
        template_slug: item.template_slug.unwrap_or_else(|| "invitation".into()),
        status: item.status.unwrap_or(InvitationStatus::Pending),
        ticket: token(32),
        expires_at: expiry(item.expires_in_days, now),
        created_at: now,
        updated_at: now,
    };
    let id = inv.id.clone();
    st.save_invitation(ch, inv);
    id
}

const INVITATION_ORDER: &[&str] = &["created_at", "email_address", "expires_at"];

impl Engine {
    pub fn create_org_invitation(&self, org_id: &str, body: Option<Value>) -> ApiResult<Json> {
        let input: CreateOrgInvitation = body::parse(&body::CREATE_ORG_INVITATION, body)?;
        self.write(|st, ch| {
            check_org_invitations(st, org_id, std::slice::from_ref(&input))?;
            let id = create_org_invitation(st, ch, org_id, input, super::now_ms());
            Ok(org_invitation_json(st, &id))
        })
    }

    pub fn create_org_invitations_bulk(
        &self,
        org_id: &str,
        body: Option<Value>,
    ) -> ApiResult<Json> {
        let items: Vec<CreateOrgInvitation> =
            body::parse_array(&body::CREATE_ORG_INVITATION_BULK, body, BULK_MAX)?;
        self.write(|st, ch| {
            check_org_invitations(st, org_id, &items)?;
            let now = super::now_ms();
            let ids: Vec<String> = items
                .into_iter()
                .map(|item| create_org_invitation(st, ch, org_id, item, now))
                .collect();
            let views: Vec<_> = ids
                .iter()
                .map(|id| org_invitation_view(st, &st.org_invitations[id], false, now))
                .collect();
            let n = views.len();
            Ok(list_json(views, n))
        })
    }

    pub fn get_org_invitation(&self, org_id: &str, id: &str) -> ApiResult<Json> {
        self.read(|st| {
            st.get_org(org_id)?;
            match st.org_invitations.get(id) {
                Some(inv) if inv.organization_id == org_id => Ok(org_invitation_json(st, id)),
                _ => Err(ApiError::invitation_not_found(id)),
            }
        })
    }

    pub fn list_org_invitations(
        &self,
        org_id: &str,
        pairs: &[(String, String)],
    ) -> ApiResult<Json> {
        let q = Query::new(pairs);
        let statuses = q.statuses("status")?;
        let email = q.one("email_address").map(str::to_lowercase);
        let order = q.order_by(ORG_INVITATION_ORDER, "-created_at")?;
        let page = q.page()?;
        self.read(|st| {
            st.get_org(org_id)?;
            let now = super::now_ms();
            let invs: Vec<_> = st
                .org_invitations_of(org_id)
                .filter(|i| statuses.is_empty() || statuses.contains(&i.status_at(now)))
                .filter(|i| {
                    email
                        .as_deref()
                        .is_none_or(|e| i.email_address.eq_ignore_ascii_case(e))
                })
                .collect();
            Ok(org_invitation_list(
                st,
                invs,
                &order.field,
                order.desc,
                page,
                false,
            ))
        })
    }

    /// `GET /organizations/{id}/invitations/pending` (deprecated upstream, still served).
    pub fn list_pending_org_invitations(
        &self,
        org_id: &str,
        pairs: &[(String, String)],
    ) -> ApiResult<Json> {
        let page = Query::new(pairs).page()?;
        self.read(|st| {
            st.get_org(org_id)?;
            let now = super::now_ms();
            let invs: Vec<_> = st
                .org_invitations_of(org_id)
                .filter(|i| i.status_at(now) == InvitationStatus::Pending)
                .collect();
            Ok(org_invitation_list(
                st,
                invs,
                "created_at",
                true,
                page,
                false,
            ))
        })
    }

    /// `GET /organization_invitations`: every organization invitation of the instance.
    pub fn list_all_org_invitations(&self, pairs: &[(String, String)]) -> ApiResult<Json> {
        let q = Query::new(pairs);
        let statuses = q.statuses("status")?;
        let text = q.one("query").map(str::to_lowercase);
        let order = q.order_by(ORG_INVITATION_ORDER, "-created_at")?;
        let page = q.page()?;
        self.read(|st| {
            let now = super::now_ms();
            let invs: Vec<_> = st
                .org_invitations
                .values()
                .filter(|i| statuses.is_empty() || statuses.contains(&i.status_at(now)))
                .filter(|i| {
                    text.as_deref()
                        .is_none_or(|t| contains_ci(&i.email_address, t))
                })
                .collect();
            Ok(org_invitation_list(
                st,
                invs,
                &order.field,
                order.desc,
                page,
                true,
            ))
        })
    }

    /// `GET /users/{id}/organization_invitations`: invitations to any of the user's addresses.
    pub fn list_user_org_invitations(
        &self,
        user_id: &str,
        pairs: &[(String, String)],
    ) -> ApiResult<Json> {
        let q = Query::new(pairs);
        let statuses = q.statuses("status")?;
        let page = q.page()?;
        self.read(|st| {
            let user = st.get_user(user_id)?;
            let emails: HashSet<String> = user
                .email_addresses
                .iter()
                .map(|e| e.value.to_lowercase())
                .collect();
            let now = super::now_ms();
            let invs: Vec<_> = st
                .org_invitations
                .values()
                .filter(|i| emails.contains(&i.email_address.to_lowercase()))
                .filter(|i| statuses.is_empty() || statuses.contains(&i.status_at(now)))
                .collect();
            Ok(org_invitation_list(
                st,
                invs,
                "created_at",
                true,
                page,
                true,
            ))
        })
    }

    pub fn revoke_org_invitation(
        &self,
        org_id: &str,
        id: &str,
        body: Option<Value>,
    ) -> ApiResult<Json> {
        let input: RevokeOrgInvitation = body::parse(&body::REVOKE_ORG_INVITATION, body)?;
        self.write(|st, ch| {
            st.get_org(org_id)?;
            let mut inv = match st.org_invitations.get(id) {
                Some(inv) if inv.organization_id == org_id => inv.clone(),
                _ => return Err(ApiError::invitation_not_found(id)),
            };
            if let Some(by) = input
                .requesting_user_id
                .as_deref()
                .filter(|s| !s.is_empty())
                && !st.is_org_admin(org_id, by)
            {
                return Err(ApiError::not_an_admin(by));
            }
            let now = super::now_ms();
            if inv.status_at(now) != InvitationStatus::Pending {
                return Err(ApiError::org_invitation_not_pending());
            }
            inv.status = InvitationStatus::Revoked;
            inv.updated_at = now;
            st.save_org_invitation(ch, inv);
            Ok(org_invitation_json(st, id))
        })
    }

    pub fn create_invitation(&self, body: Option<Value>) -> ApiResult<Json> {
        let input: CreateInvitation = body::parse(&body::CREATE_INVITATION, body)?;
        self.write(|st, ch| {
            check_invitations(st, std::slice::from_ref(&input), false)?;
            let id = create_invitation(st, ch, input, super::now_ms());
            Ok(json(&st.invitations[&id].view(super::now_ms())))
        })
    }

    pub fn create_invitations_bulk(&self, body: Option<Value>) -> ApiResult<Json> {
        let items: Vec<CreateInvitation> =
            body::parse_array(&body::CREATE_INVITATION_BULK, body, BULK_MAX)?;
        self.write(|st, ch| {
            check_invitations(st, &items, true)?;
            let now = super::now_ms();
            let ids: Vec<String> = items
                .into_iter()
                .map(|item| create_invitation(st, ch, item, now))
                .collect();
            let views: Vec<_> = ids.iter().map(|id| st.invitations[id].view(now)).collect();
            Ok(json(&views))
        })
    }

    /// `GET /invitations`: a bare array, or `{data, total_count}` with `paginated=true`.
    /// Without a status filter, revoked invitations are left out, as Clerk's summary says.
    pub fn list_invitations(&self, pairs: &[(String, String)]) -> ApiResult<Json> {
        let q = Query::new(pairs);
        let statuses = q.statuses("status")?;
        let text = q.one("query").map(str::to_lowercase);
        let order = q.order_by(INVITATION_ORDER, "-created_at")?;
        let paginated = q.bool("paginated")?.unwrap_or(false);
        let page = q.page()?;
        self.read(|st| {
            let now = super::now_ms();
            let mut invs: Vec<&Invitation> = st
                .invitations
                .values()
                .filter(|i| {
                    let s = i.status_at(now);
                    if statuses.is_empty() {
                        s != InvitationStatus::Revoked
                    } else {
                        statuses.contains(&s)
                    }
                })
                .filter(|i| {
                    text.as_deref()
                        .is_none_or(|t| contains_ci(&i.email_address, t) || contains_ci(&i.id, t))
                })
                .collect();
            invs.sort_by(|a, b| {
                let primary = match order.field.as_str() {
                    "email_address" => directed(
                        a.email_address
                            .to_lowercase()
                            .cmp(&b.email_address.to_lowercase()),
                        order.desc,
                    ),
                    "expires_at" => query::cmp_nullable(&a.expires_at, &b.expires_at, order.desc),
                    _ => directed(
                        by_creation(a.created_at, &a.id, b.created_at, &b.id),
                        order.desc,
                    ),
                };
                primary
                    .then_with(|| b.created_at.cmp(&a.created_at))
                    .then_with(|| b.id.cmp(&a.id))
            });
            let total = invs.len();
            let views: Vec<_> = query::paginate(invs, page)
                .into_iter()
                .map(|i| i.view(now))
                .collect();
            Ok(if paginated {
                list_json(views, total)
            } else {
                json(&views)
            })
        })
    }

    pub fn revoke_invitation(&self, id: &str) -> ApiResult<Json> {
        self.write(|st, ch| {
            let mut inv = st
                .invitations
                .get(id)
                .cloned()
                .ok_or_else(|| ApiError::invitation_not_found(id))?;
            let now = super::now_ms();
            match inv.status_at(now) {
                InvitationStatus::Revoked => return Err(ApiError::invitation_already_revoked()),
                InvitationStatus::Accepted => return Err(ApiError::invitation_already_accepted()),
                InvitationStatus::Pending | InvitationStatus::Expired => {}
            }
            inv.status = InvitationStatus::Revoked;
            inv.updated_at = now;
            st.save_invitation(ch, inv);
            Ok(json(&st.invitations[id].view(now)))
        })
    }

    /// `DELETE /invitations/{id}`: not in the vendored spec, but `@clerk/backend`'s
    /// `deleteInvitation` calls it. An invitation of any status can be deleted.
    pub fn delete_invitation(&self, id: &str) -> ApiResult<Json> {
        self.write(|st, ch| {
            let inv = st
                .delete_invitation(ch, id)
                .ok_or_else(|| ApiError::invitation_not_found(id))?;
            Ok(json(&DeletedObject {
                object: "invitation",
                id: inv.id,
                slug: None,
                external_id: None,
                deleted: true,
            }))
        })
    }
}

/// A seed's organization invitation: a pending one is checked like a request; one in another
/// status (accepted, revoked) only needs a valid address and role.
pub(super) fn seed_org_invitation(
    st: &mut State,
    ch: &mut Changes,
    org_id: &str,
    inv: CreateOrgInvitation,
    now: i64,
) -> ApiResult<()> {
    match inv.status {
        None | Some(InvitationStatus::Pending) => {
            check_org_invitations(st, org_id, std::slice::from_ref(&inv))?
        }
        Some(_) => {
            validate::email("email_address", &inv.email_address).map_err(ApiError::form1)?;
            st.check_role("role", &inv.role)?;
        }
    }
    create_org_invitation(st, ch, org_id, inv, now);
    Ok(())
}

pub(super) fn seed_invitation(
    st: &mut State,
    ch: &mut Changes,
    inv: CreateInvitation,
    now: i64,
) -> ApiResult<()> {
    match inv.status {
        None | Some(InvitationStatus::Pending) => {
            check_invitations(st, std::slice::from_ref(&inv), false)?
        }
        Some(_) => validate::email("email_address", &inv.email_address).map_err(ApiError::form1)?,
    }
    create_invitation(st, ch, inv, now);
    Ok(())
}
