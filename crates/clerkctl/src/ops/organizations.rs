//! Organizations: list, get, create, update, metadata, delete.

use clerk_api::Request;
use clerk_api::models::{DeletedObject, Organization};
use clerk_api::page::List;
use clerk_api::request::One;
use clerk_api::resources::{CreateOrganization, OrganizationMetadata, UpdateOrganization};
use schemars::JsonSchema;
use serde::Deserialize;

use super::{Change, Listing, Object, Read, Write, check, nothing_to_change, set_some};
use crate::fail::{CliResult, Subject};

/// The filters of `orgs list` and `orgs export` (and of the MCP tools `list_organizations` and
/// `export_organizations`): Clerk's query parameters for `GET /organizations`.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationFilters {
    /// An exact organization ID, or part of a name or slug.
    #[arg(long, help = "Exact ID, or part of a name or slug")]
    pub query: Option<String>,
    /// Only organizations these users belong to (IDs like user_2xhF..., email addresses or usernames); prefix one with - to
    /// exclude that user's organizations instead.
    #[arg(
        long = "user-id",
        value_name = "USER_ID",
        allow_hyphen_values = true,
        help = "Organizations with this member; prefix + to include, - to exclude (repeatable)"
    )]
    #[serde(default)]
    pub user_id: Vec<String>,
    /// Only these organizations (IDs like org_2xhF..., slugs or names); prefix one with - to exclude it
    /// instead.
    #[arg(
        long = "organization-id",
        value_name = "ORG_ID",
        allow_hyphen_values = true,
        help = "These organizations; prefix + to include, - to exclude (repeatable)"
    )]
    #[serde(default)]
    pub organization_id: Vec<String>,
    /// Add members_count to each organization.
    #[arg(long, help = "Include members_count")]
    #[serde(default)]
    pub include_members_count: bool,
    /// Add missing_member_with_elevated_permissions to each organization.
    #[arg(long, help = "Include missing_member_with_elevated_permissions")]
    #[serde(default)]
    pub include_missing_member_with_elevated_permissions: bool,
}

impl OrganizationFilters {
    fn checked(&self) -> CliResult<OrganizationFilters> {
        Ok(OrganizationFilters {
            user_id: check::signed_ids(&self.user_id, check::user_id)?,
            organization_id: check::signed_ids(&self.organization_id, check::org_id)?,
            ..self.clone()
        })
    }

    fn apply<'c>(&self, req: Request<'c, List<Organization>>) -> Request<'c, List<Organization>> {
        let f = self.clone();
        let mut req = req;
        set_some!(req, query: f.query);
        req = req.user_id(f.user_id).organization_id(f.organization_id);
        set_some!(req,
            include_members_count: f.include_members_count.then_some(true),
            include_missing_member_with_elevated_permissions:
                f.include_missing_member_with_elevated_permissions.then_some(true),
        );
        req
    }
}

/// `orgs list`.
pub fn list(filters: &OrganizationFilters) -> CliResult<Listing<Organization>> {
    let filters = filters.checked()?;
    Ok(Listing::new("orgs list", Subject::Organization, move |c| {
        filters.apply(c.organizations().list())
    }))
}

/// The list request of an export: every organization matching the filters, 500 a page.
pub fn export(filters: &OrganizationFilters) -> CliResult<Listing<Organization>> {
    let filters = filters.checked()?;
    Ok(Listing::new("export", Subject::Organization, move |c| {
        filters.apply(c.organizations().list()).limit(500)
    }))
}

/// `orgs get`, by ID or slug.
pub fn get(organization: &str, include_members_count: bool) -> CliResult<Read<One<Organization>>> {
    let org = check::org_ref(organization)?;
    Ok(Read::new(
        format!("orgs get {org}"),
        Subject::Organization,
        move |c| {
            let req = c.organizations().get(&org);
            if include_members_count {
                req.include_members_count(true)
            } else {
                req
            }
        },
    ))
}

/// A new organization: Clerk's create-organization fields.
#[derive(Debug, Clone, Default)]
pub struct Create {
    pub name: String,
    pub slug: Option<String>,
    /// The user who becomes its first admin.
    pub created_by: Option<String>,
    pub max_allowed_memberships: Option<i64>,
    pub public_metadata: Option<Object>,
    pub private_metadata: Option<Object>,
}

/// `orgs create`.
pub fn create(input: Create) -> CliResult<Write<CreateOrganization>> {
    let slug = input.slug.as_deref().map(check::slug).transpose()?;
    let created_by = input
        .created_by
        .as_deref()
        .map(check::user_id)
        .transpose()?;
    let change = Change::new("create an organization", Subject::Organization, None);
    Ok(Write::new(change, move |c| {
        let mut req = c.organizations().create(input.name.clone());
        set_some!(req,
            slug: slug.clone(),
            created_by: created_by.as_ref(),
            max_allowed_memberships: input.max_allowed_memberships,
            public_metadata: input.public_metadata.as_ref(),
            private_metadata: input.private_metadata.as_ref(),
        );
        req
    }))
}

/// An organization's settings to change: Clerk's update-organization fields.
#[derive(Debug, Clone, Default)]
pub struct Update {
    pub organization_id: String,
    pub name: Option<String>,
    pub slug: Option<String>,
    pub max_allowed_memberships: Option<i64>,
    pub admin_delete_enabled: Option<bool>,
}

impl Update {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.slug.is_none()
            && self.max_allowed_memberships.is_none()
            && self.admin_delete_enabled.is_none()
    }
}

/// `orgs update`.
pub fn update(input: Update) -> CliResult<Write<UpdateOrganization>> {
    let id = check::org_id(&input.organization_id)?;
    let slug = input.slug.as_deref().map(check::slug).transpose()?;
    if input.is_empty() {
        return Err(nothing_to_change(
            "name, slug, max_allowed_memberships, admin_delete_enabled",
        ));
    }
    let change = Change::new(
        format!("update organization {id}"),
        Subject::Organization,
        Some(id.as_str()),
    );
    Ok(Write::new(change, move |c| {
        let mut req = c.organizations().update(&id);
        set_some!(req,
            name: input.name.clone(),
            slug: slug.clone(),
            max_allowed_memberships: input.max_allowed_memberships,
            admin_delete_enabled: input.admin_delete_enabled,
        );
        req
    }))
}

/// Metadata to merge into (or put in place of) an organization's.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    pub organization_id: String,
    pub public_metadata: Option<Object>,
    pub private_metadata: Option<Object>,
}

impl Metadata {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.public_metadata.is_none() && self.private_metadata.is_none()
    }
}

/// `orgs update-metadata` (a deep merge; `null` removes a key) or, with `replace`,
/// `orgs replace-metadata`.
pub fn metadata(input: Metadata, replace: bool) -> CliResult<Write<OrganizationMetadata>> {
    let id = check::org_id(&input.organization_id)?;
    if input.is_empty() {
        return Err(nothing_to_change("public_metadata, private_metadata"));
    }
    let verb = if replace { "replace" } else { "update" };
    let change = Change::new(
        format!("{verb} the metadata of organization {id}"),
        Subject::Organization,
        Some(id.as_str()),
    );
    Ok(Write::new(change, move |c| {
        let mut req = if replace {
            c.organizations().replace_metadata(&id)
        } else {
            c.organizations().update_metadata(&id)
        };
        set_some!(req,
            public_metadata: input.public_metadata.as_ref(),
            private_metadata: input.private_metadata.as_ref(),
        );
        req
    }))
}

/// `orgs delete`.
pub fn delete(organization_id: &str) -> CliResult<Write<One<DeletedObject>>> {
    let id = check::org_id(organization_id)?;
    let change = Change::new(
        format!("delete organization {id} with all its memberships and invitations"),
        Subject::Organization,
        Some(id.as_str()),
    )
    .destructive();
    Ok(Write::new(change, move |c| c.organizations().delete(&id)))
}

/// The fields an organizations file may give (`orgs import`): Clerk's create-organization
/// fields. `created_by` names a user of the instance the file came from; the import maps it.
pub const ROW_FIELDS: &[&str] = &[
    "name",
    "slug",
    "created_by",
    "max_allowed_memberships",
    "public_metadata",
    "private_metadata",
    "created_at",
    "role_set_key",
];

/// An organizations file needs a name column.
pub const ROW_NEEDS: &[&[&str]] = &[&["name"]];

/// Columns of `orgs export` that are Clerk's to set: accepted, and left out of the request.
pub const ROW_DROPPED: &[&str] = &["id", "members_count", "updated_at"];

/// How a CSV column of an organizations file is read.
pub fn row_cell(field: &str) -> super::Cell {
    match field {
        "public_metadata" | "private_metadata" => super::Cell::Object,
        "max_allowed_memberships" => super::Cell::Int,
        _ => super::Cell::Text,
    }
}

/// Turns a row of `orgs export` (CSV, or Clerk's organization object in ndjson) into a
/// create-organization row: `created_at` as RFC 3339 (Clerk's create takes that, its objects
/// hold milliseconds).
pub fn row_from_export(row: &mut Object) {
    if row.get("object").and_then(serde_json::Value::as_str) == Some("organization") {
        // Clerk's whole object: only what a create takes (and the ID, dropped later).
        row.retain(|k, _| ROW_FIELDS.contains(&k.as_str()) || k == "id");
        row.retain(|_, v| !v.is_null());
    }
    super::row_time_iso(row, "created_at");
}

/// Checks a bulk row (a name, a slug if given); answers its key, what identifies the
/// organization so that a row is never created twice: its slug, else its name.
pub fn prepare_row(row: &mut Object) -> Result<String, String> {
    let name = super::row_text(row, "name");
    if name.trim().is_empty() {
        return Err("no name".into());
    }
    let slug = super::row_text(row, "slug");
    if !slug.is_empty() {
        super::row_reason(check::slug(&slug))?;
        return Ok(format!("slug:{slug}"));
    }
    Ok(format!("name:{name}"))
}

/// The create of one prepared row, the row as its body.
pub fn create_row(row: &Object) -> CliResult<Write<CreateOrganization>> {
    let body = row.clone();
    let change = Change::new("create an organization", Subject::Organization, None);
    let name = super::row_text(row, "name");
    Ok(Write::new(change, move |c| {
        c.organizations().create(name.clone()).body(&body)
    }))
}

/// The lookup for the organization a prepared row may have made already: by its slug (Clerk's
/// get takes one), else by its exact name among those a name search finds.
pub enum RowLookup {
    Slug(Read<One<Organization>>),
    Name(String, Listing<Organization>),
}

/// See [`RowLookup`].
pub fn find_row(row: &Object) -> CliResult<RowLookup> {
    let slug = super::row_text(row, "slug");
    if !slug.is_empty() {
        return get(&slug, false).map(RowLookup::Slug);
    }
    let name = super::row_text(row, "name");
    let search = list(&OrganizationFilters {
        query: Some(name.clone()),
        ..OrganizationFilters::default()
    })?;
    Ok(RowLookup::Name(name, search))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{Page, query, test_client};

    #[test]
    fn filters_reach_the_query_and_are_checked() {
        let f = OrganizationFilters {
            query: Some("acme".into()),
            user_id: vec!["-user_1".into()],
            organization_id: vec!["org_2".into()],
            include_members_count: true,
            include_missing_member_with_elevated_permissions: false,
        };
        let c = test_client();
        let req = list(&f).unwrap().request(
            &c,
            &Page {
                limit: Some(5),
                ..Page::default()
            },
        );
        assert_eq!(
            query(&req),
            [
                "query=acme",
                "user_id=-user_1",
                "organization_id=org_2",
                "include_members_count=true",
                "limit=5"
            ]
        );
        assert!(
            list(&OrganizationFilters {
                user_id: vec!["org_1".into()],
                ..Default::default()
            })
            .is_err()
        );
    }

    #[test]
    fn slugs_and_ids_are_checked_before_anything() {
        assert!(get("Acme Inc", false).is_err());
        assert_eq!(
            get("acme", true)
                .unwrap()
                .request(&test_client())
                .spec()
                .path,
            "/organizations/acme"
        );
        assert!(
            create(Create {
                name: "Acme".into(),
                slug: Some("Acme".into()),
                ..Default::default()
            })
            .is_err()
        );
        assert!(
            update(Update {
                organization_id: "org_1".into(),
                ..Default::default()
            })
            .is_err()
        );
        assert!(delete("acme").unwrap_err().line().contains("orgs get acme"));
    }
}
