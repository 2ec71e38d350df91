//! Organizations: create (with the creator as admin), read by ID or slug, list, update,
//! metadata, and delete with its memberships and invitations.

use serde::Deserialize;
use serde_json::Value;

use super::body::{self, Patch};
use super::metadata::{self, MetadataInput, Mode};
use super::query::{self, Query, by_creation, contains_ci, directed};
use super::state::{Changes, State};
use super::validate::{self, collect};
use super::{ApiVersion, Engine, Json, json, list_json};
use crate::error::{ApiError, ApiResult};
use crate::ids::new_id;
use crate::model::{DeletedObject, Membership, Metadata, Organization};

/// `POST /organizations` (a seed file may also set `id`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreateOrganization {
    pub name: String,
    pub created_by: Option<String>,
    pub private_metadata: Option<Metadata>,
    pub public_metadata: Option<Metadata>,
    pub slug: Option<String>,
    pub max_allowed_memberships: Option<i64>,
    pub created_at: Option<String>,
    pub role_set_key: Option<String>,
    pub admin_delete_enabled: Option<bool>,
    pub id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct UpdateOrganization {
    name: Patch<String>,
    slug: Patch<String>,
    max_allowed_memberships: Patch<i64>,
    admin_delete_enabled: Option<bool>,
    created_at: Option<String>,
    role_set_key: Patch<String>,
    // Before 2026-05-12 only: replaces the field.
    public_metadata: Option<Metadata>,
    private_metadata: Option<Metadata>,
}

/// The role a creator gets in the organization they create.
const CREATOR_ROLE: &str = "org:admin";

/// A slug made from a name: `Acme, Inc.` -> `acme-inc`.
fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "org".to_owned()
    } else {
        trimmed.chars().take(200).collect()
    }
}

fn free_slug(st: &State, base: String) -> String {
    if !st.slugs.contains_key(&base) {
        return base;
    }
    loop {
        let candidate = format!("{base}-{}", crate::ids::token(6).to_lowercase());
        if !st.slugs.contains_key(&candidate) {
            return candidate;
        }
    }
}

pub(super) fn create(
    st: &mut State,
    ch: &mut Changes,
    input: CreateOrganization,
    now: i64,
) -> ApiResult<String> {
    let given_slug = input.slug.filter(|s| !s.is_empty());
    if given_slug.is_some() && !st.settings.org_slugs {
        return Err(ApiError::slugs_disabled());
    }
    let mut errors = Vec::new();
    collect(&mut errors, validate::org_name("name", &input.name));
    let slug = match given_slug {
        Some(slug) => {
            if let Err(e) = validate::slug("slug", &slug) {
                errors.push(e);
            } else if st.slugs.contains_key(&slug) {
                errors.push(ApiError::identifier_exists("slug", "slug"));
            }
            slug
        }
        None => free_slug(st, slugify(&input.name)),
    };
    let created_at = match &input.created_at {
        Some(v) => match validate::rfc3339_ms("created_at", v) {
            Ok(ms) => ms,
            Err(e) => {
                errors.push(e);
                now
            }
        },
        None => now,
    };
    if let Some(id) = &input.id
        && (!crate::ids::has_shape(id, "org") || st.orgs.contains_key(id))
    {
        errors.push(ApiError::seed_id_invalid(id, "org"));
    }
    if !errors.is_empty() {
        return Err(ApiError::form(errors));
    }
    metadata::check_sizes([
        ("public_metadata", input.public_metadata.as_ref()),
        ("private_metadata", input.private_metadata.as_ref()),
    ])?;
    let creator = input.created_by.filter(|c| !c.is_empty());
    if let Some(creator) = &creator
        && !st.users.contains_key(creator)
    {
        return Err(ApiError::creator_not_found(creator));
    }
    let org = Organization {
        id: input.id.unwrap_or_else(|| new_id("org")),
        name: input.name,
        slug,
        // The instance's default limit, which the organization keeps as its own.
        max_allowed_memberships: input
            .max_allowed_memberships
            .unwrap_or(i64::from(st.settings.membership_limit)),
        admin_delete_enabled: input.admin_delete_enabled.unwrap_or(true),
        public_metadata: input.public_metadata.unwrap_or_default(),
        private_metadata: input.private_metadata.unwrap_or_default(),
        null_metadata: Default::default(),
        created_by: creator.clone(),
        role_set_key: input.role_set_key,
        created_at,
        updated_at: now.max(created_at),
    };
    let id = org.id.clone();
    st.save_org(ch, org);
    if let Some(creator) = creator {
        let m = Membership::new(
            &id,
            &creator,
            CREATOR_ROLE,
            Metadata::new(),
            Metadata::new(),
            now,
        );
        st.save_membership(ch, m);
    }
    Ok(id)
}

fn view_json(st: &State, org: &Organization, with_members: bool, with_missing_admin: bool) -> Json {
    json(&org.view(st.org_counts(org, with_members, with_missing_admin)))
}

const ORG_ORDER_FIELDS: &[&str] = &["name", "created_at", "members_count"];

impl Engine {
    pub fn create_organization(&self, input: CreateOrganization) -> ApiResult<Json> {
        self.write(|st, ch| {
            let id = create(st, ch, input, super::now_ms())?;
            Ok(view_json(st, &st.orgs[&id], false, false))
        })
    }

    /// `GET /organizations/{id or slug}`.
    pub fn get_organization(
        &self,
        id_or_slug: &str,
        pairs: &[(String, String)],
    ) -> ApiResult<Json> {
        let q = Query::new(pairs);
        let with_members = q.bool("include_members_count")?.unwrap_or(false);
        let with_missing = q
            .bool("include_missing_member_with_elevated_permissions")?
            .unwrap_or(false);
        self.read(|st| {
            let org = st
                .find_org(id_or_slug)
                .ok_or_else(ApiError::organization_not_found)?;
            Ok(view_json(st, org, with_members, with_missing))
        })
    }

    pub fn list_organizations(&self, pairs: &[(String, String)]) -> ApiResult<Json> {
        let q = Query::new(pairs);
        let with_members = q.bool("include_members_count")?.unwrap_or(false);
        let with_missing = q
            .bool("include_missing_member_with_elevated_permissions")?
            .unwrap_or(false);
        // IDs match exactly (they are case-sensitive); names and slugs partially, in any case.
        let exact = q.one("query").map(str::to_owned);
        let text = exact.as_deref().map(str::to_lowercase);
        let user_ids = q.signed("user_id")?;
        let org_ids = q.signed("organization_id")?;
        let order = q.order_by(ORG_ORDER_FIELDS, "-created_at")?;
        let page = q.page()?;
        self.read(|st| {
            let mut orgs: Vec<&Organization> = st
                .orgs
                .values()
                .filter(|o| {
                    text.as_deref().is_none_or(|t| {
                        exact.as_deref() == Some(o.id.as_str())
                            || contains_ci(&o.name, t)
                            || contains_ci(&o.slug, t)
                    }) && org_ids.admits(|id| id == o.id)
                        && (user_ids.is_empty()
                            || user_ids.admits(|u| st.membership_of(&o.id, u).is_some()))
                })
                .collect();
            orgs.sort_by(|a, b| {
                let primary = match order.field.as_str() {
                    "name" => directed(
                        a.name.to_lowercase().cmp(&b.name.to_lowercase()),
                        order.desc,
                    ),
                    "members_count" => directed(
                        st.members_count(&a.id).cmp(&st.members_count(&b.id)),
                        order.desc,
                    ),
                    _ => directed(
                        by_creation(a.created_at, &a.id, b.created_at, &b.id),
                        order.desc,
                    ),
                };
                primary
                    .then_with(|| b.created_at.cmp(&a.created_at))
                    .then_with(|| b.id.cmp(&a.id))
            });
            let total = orgs.len();
            let views: Vec<_> = query::paginate(orgs, page)
                .into_iter()
                .map(|o| o.view(st.org_counts(o, with_members, with_missing)))
                .collect();
            Ok(list_json(views, total))
        })
    }

    pub fn update_organization(
        &self,
        id: &str,
        body: Option<Value>,
        version: ApiVersion,
    ) -> ApiResult<Json> {
        let spec = if version.update_takes_metadata() {
            &body::UPDATE_ORGANIZATION_LEGACY
        } else {
            &body::UPDATE_ORGANIZATION
        };
        let input: UpdateOrganization = body::parse(spec, body)
            .map_err(|e| metadata::hint_moved(e, "organizations/{organization_id}"))?;
        self.write(|st, ch| {
            let mut org = st.get_org(id)?.clone();
            if matches!(input.slug, Patch::Value(_)) && !st.settings.org_slugs {
                return Err(ApiError::slugs_disabled());
            }
            let mut errors = Vec::new();
            if let Patch::Value(name) = &input.name {
                collect(&mut errors, validate::org_name("name", name));
                org.name = name.clone();
            }
            if let Patch::Value(slug) = &input.slug
                && *slug != org.slug
            {
                if let Err(e) = validate::slug("slug", slug) {
                    errors.push(e);
                } else if st.slugs.contains_key(slug) {
                    errors.push(ApiError::identifier_exists("slug", "slug"));
                }
                org.slug = slug.clone();
            }
            match input.max_allowed_memberships {
                Patch::Value(n) => org.max_allowed_memberships = n,
                Patch::Null => org.max_allowed_memberships = 0,
                Patch::Absent => {}
            }
            if let Some(v) = input.admin_delete_enabled {
                org.admin_delete_enabled = v;
            }
            match &input.role_set_key {
                Patch::Value(v) => org.role_set_key = Some(v.clone()),
                Patch::Null => org.role_set_key = None,
                Patch::Absent => {}
            }
            if let Some(v) = &input.created_at {
                match validate::rfc3339_ms("created_at", v) {
                    Ok(ms) => org.created_at = ms,
                    Err(e) => errors.push(e),
                }
            }
            if !errors.is_empty() {
                return Err(ApiError::form(errors));
            }
            let now = super::now_ms();
            let replaced = MetadataInput {
                public_metadata: input.public_metadata,
                private_metadata: input.private_metadata,
                unsafe_metadata: None,
                ..MetadataInput::default()
            };
            replaced.apply(Mode::Replace, &mut org, now)?;
            org.updated_at = now;
            st.save_org(ch, org);
            Ok(view_json(st, &st.orgs[id], false, false))
        })
    }

    pub fn update_organization_metadata(
        &self,
        id: &str,
        body: Option<Value>,
        mode: Mode,
    ) -> ApiResult<Json> {
        if body.is_none() {
            return Err(ApiError::malformed_body("a JSON object body is required"));
        }
        let spec = match mode {
            Mode::Merge => &body::MERGE_ORGANIZATION_METADATA,
            Mode::Replace => &body::REPLACE_ORGANIZATION_METADATA,
        };
        let input = metadata::read_body(spec, body, mode)?;
        self.write(|st, ch| {
            let mut org = st.get_org(id)?.clone();
            input.apply(mode, &mut org, super::now_ms())?;
            st.save_org(ch, org);
            Ok(view_json(st, &st.orgs[id], false, false))
        })
    }

    /// Deletes an organization with all its memberships and invitations.
    pub fn delete_organization(&self, id: &str) -> ApiResult<Json> {
        self.write(|st, ch| {
            st.get_org(id)?;
            let org = st.delete_org(ch, id).expect("checked above");
            Ok(json(&DeletedObject {
                object: "organization",
                id: org.id,
                slug: Some(org.slug),
                external_id: None,
                deleted: true,
            }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_from_names() {
        assert_eq!(slugify("Acme, Inc."), "acme-inc");
        assert_eq!(slugify("  Zürich Labs "), "z-rich-labs");
        assert_eq!(slugify("!!!"), "org");
    }
}
