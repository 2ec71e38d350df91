//! Organization memberships: add, list (per organization, per user, instance-wide), change
//! role, metadata, remove. Memberships are addressed by organization and user.

use serde::Deserialize;
use serde_json::Value;

use super::body;
use super::metadata::{self, Mode};
use super::query::{self, Query, by_creation, cmp_nullable, directed};
use super::state::{Changes, State};
use super::user_filter::UserFilter;
use super::{Engine, Json, json, list_json};
use crate::error::{ApiError, ApiResult};
use crate::model::{Membership, MembershipView, Metadata, Role, User};

/// `POST /organizations/{id}/memberships` (a seed file names the organization in the body).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreateMembership {
    pub user_id: String,
    pub role: String,
    pub public_metadata: Option<Metadata>,
    pub private_metadata: Option<Metadata>,
    pub organization_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct UpdateMembership {
    role: String,
}

pub(super) fn create(
    st: &mut State,
    ch: &mut Changes,
    org_id: &str,
    input: CreateMembership,
    now: i64,
) -> ApiResult<String> {
    st.get_org(org_id)?;
    st.check_role("role", &input.role)?;
    st.get_user(&input.user_id)?;
    if st.membership_of(org_id, &input.user_id).is_some() {
        return Err(ApiError::already_member(&input.user_id));
    }
    metadata::check_sizes([
        ("public_metadata", input.public_metadata.as_ref()),
        ("private_metadata", input.private_metadata.as_ref()),
    ])?;
    st.check_membership_quota(org_id, 1)?;
    let m = Membership::new(
        org_id,
        &input.user_id,
        &input.role,
        input.public_metadata.unwrap_or_default(),
        input.private_metadata.unwrap_or_default(),
        now,
    );
    let id = m.id.clone();
    st.save_membership(ch, m);
    Ok(id)
}

/// Refuses a change that would leave members but no administrator.
fn check_keeps_admin(st: &State, m: &Membership, new_role: Option<&str>) -> ApiResult<()> {
    if !st.is_admin_role(&m.role) || new_role.is_some_and(|r| st.is_admin_role(r)) {
        return Ok(());
    }
    let others: Vec<&Membership> = st
        .memberships_of(&m.organization_id)
        .filter(|o| o.id != m.id)
        .collect();
    let remaining_members = !others.is_empty() || new_role.is_some();
    if remaining_members && !others.iter().any(|o| st.is_admin_role(&o.role)) {
        return Err(ApiError::last_admin());
    }
    Ok(())
}

/// A membership as Clerk shows it, with its organization and the member's public data. The
/// organization carries no `members_count`: Clerk sends it only when asked for
/// (`include_members_count`), which the membership endpoints do not offer.
pub(super) fn view<'a>(
    st: &'a State,
    m: &'a Membership,
    fallback: &'a Role,
) -> Option<MembershipView<'a>> {
    let org = st.orgs.get(&m.organization_id)?;
    let role = st.role(&m.role).unwrap_or(fallback);
    let user: Option<&User> = st.user(&m.user_id);
    Some(m.view(role, org.view(st.org_counts(org, false, false)), user))
}

fn view_json(st: &State, m: &Membership) -> Json {
    let fallback = Role::unknown(&m.role);
    json(&view(st, m, &fallback).expect("membership's organization exists"))
}

fn list_views(st: &State, ms: Vec<&Membership>, page: query::Page) -> Json {
    let total = ms.len();
    let page_items = query::paginate(ms, page);
    let fallbacks: Vec<Role> = page_items.iter().map(|m| Role::unknown(&m.role)).collect();
    let views: Vec<_> = page_items
        .iter()
        .zip(&fallbacks)
        .filter_map(|(m, f)| view(st, m, f))
        .collect();
    list_json(views, total)
}

const MEMBERSHIP_ORDER_FIELDS: &[&str] = &[
    "phone_number",
    "email_address",
    "created_at",
    "first_name",
    "last_name",
    "username",
];

fn sort_memberships(st: &State, ms: &mut [&Membership], field: &str, desc: bool) {
    let user = |m: &Membership| st.user(&m.user_id);
    let text =
        |m: &Membership, f: fn(&User) -> Option<&str>| user(m).and_then(f).map(str::to_lowercase);
    ms.sort_by(|a, b| {
        let primary = match field {
            "created_at" => directed(by_creation(a.created_at, &a.id, b.created_at, &b.id), desc),
            "email_address" => cmp_nullable(
                &text(a, User::primary_email),
                &text(b, User::primary_email),
                desc,
            ),
            "phone_number" => cmp_nullable(
                &text(a, User::primary_phone),
                &text(b, User::primary_phone),
                desc,
            ),
            "first_name" => cmp_nullable(
                &text(a, |u| u.first_name.as_deref()),
                &text(b, |u| u.first_name.as_deref()),
                desc,
            ),
            "last_name" => cmp_nullable(
                &text(a, |u| u.last_name.as_deref()),
                &text(b, |u| u.last_name.as_deref()),
                desc,
            ),
            "username" => cmp_nullable(
                &text(a, |u| u.username.as_deref()),
                &text(b, |u| u.username.as_deref()),
                desc,
            ),
            _ => std::cmp::Ordering::Equal,
        };
        primary
            .then_with(|| b.created_at.cmp(&a.created_at))
            .then_with(|| b.id.cmp(&a.id))
    });
}

impl Engine {
    pub fn create_membership(&self, org_id: &str, body: Option<Value>) -> ApiResult<Json> {
        let input: CreateMembership = body::parse(&body::CREATE_MEMBERSHIP, body)?;
        self.write(|st, ch| {
            let id = create(st, ch, org_id, input, super::now_ms())?;
            Ok(view_json(st, &st.memberships[&id]))
        })
    }

    pub fn list_memberships(&self, org_id: &str, pairs: &[(String, String)]) -> ApiResult<Json> {
        let q = Query::new(pairs);
        let filter = UserFilter::parse(&q, true)?;
        let roles = q.list("role")?;
        let order = q.order_by(MEMBERSHIP_ORDER_FIELDS, "-created_at")?;
        let page = q.page()?;
        self.read(|st| {
            st.get_org(org_id)?;
            let empty = filter.is_empty();
            let mut ms: Vec<&Membership> = st
                .memberships_of(org_id)
                .filter(|m| roles.is_empty() || roles.contains(&m.role))
                .filter(|m| {
                    empty
                        || st
                            .users
                            .get(&m.user_id)
                            .is_some_and(|u| filter.matches(st, u))
                })
                .collect();
            sort_memberships(st, &mut ms, &order.field, order.desc);
            Ok(list_views(st, ms, page))
        })
    }

    /// `GET /organization_memberships`: every membership of the instance.
    pub fn list_all_memberships(&self, pairs: &[(String, String)]) -> ApiResult<Json> {
        let q = Query::new(pairs);
        let order = q.order_by(MEMBERSHIP_ORDER_FIELDS, "-created_at")?;
        let page = q.page()?;
        self.read(|st| {
            let mut ms: Vec<&Membership> = st.memberships.values().collect();
            sort_memberships(st, &mut ms, &order.field, order.desc);
            Ok(list_views(st, ms, page))
        })
    }

    /// `GET /users/{id}/organization_memberships`.
    pub fn list_user_memberships(
        &self,
        user_id: &str,
        pairs: &[(String, String)],
    ) -> ApiResult<Json> {
        let page = Query::new(pairs).page()?;
        self.read(|st| {
            st.get_user(user_id)?;
            let mut ms: Vec<&Membership> = st
                .user_orgs
                .get(user_id)
                .into_iter()
                .flatten()
                .filter_map(|org| st.membership_of(org, user_id))
                .collect();
            sort_memberships(st, &mut ms, "created_at", true);
            Ok(list_views(st, ms, page))
        })
    }

    pub fn update_membership(
        &self,
        org_id: &str,
        user_id: &str,
        body: Option<Value>,
    ) -> ApiResult<Json> {
        let input: UpdateMembership = body::parse(&body::UPDATE_MEMBERSHIP, body)?;
        self.write(|st, ch| {
            let mut m = st.get_membership(org_id, user_id)?.clone();
            st.check_role("role", &input.role)?;
            check_keeps_admin(st, &m, Some(&input.role))?;
            m.role = input.role;
            m.updated_at = super::now_ms();
            let id = m.id.clone();
            st.save_membership(ch, m);
            Ok(view_json(st, &st.memberships[&id]))
        })
    }

    pub fn update_membership_metadata(
        &self,
        org_id: &str,
        user_id: &str,
        body: Option<Value>,
    ) -> ApiResult<Json> {
        let input = metadata::read_body(&body::UPDATE_MEMBERSHIP_METADATA, body, Mode::Merge)?;
        self.write(|st, ch| {
            let mut m = st.get_membership(org_id, user_id)?.clone();
            input.apply(Mode::Merge, &mut m, super::now_ms())?;
            let id = m.id.clone();
            st.save_membership(ch, m);
            Ok(view_json(st, &st.memberships[&id]))
        })
    }

    /// Removes a member; answers with the membership as it was.
    pub fn delete_membership(&self, org_id: &str, user_id: &str) -> ApiResult<Json> {
        self.write(|st, ch| {
            let m = st.get_membership(org_id, user_id)?.clone();
            check_keeps_admin(st, &m, None)?;
            st.delete_membership(ch, &m.id);
            Ok(view_json(st, &m))
        })
    }
}
