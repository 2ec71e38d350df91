//! Organization memberships: list, add, change a role, merge metadata, remove.

use clerk_api::Request;
use clerk_api::ids::{OrganizationId, UserId};
use clerk_api::models::OrganizationMembership;
use clerk_api::page::List;
use clerk_api::request::One;
use clerk_api::resources::{AddMember, UpdateMember, UpdateMemberMetadata};
use schemars::JsonSchema;
use serde::Deserialize;

use super::time::Time;
use super::{
    Cell, Change, Listing, Object, Write, check, nothing_to_change, row_reason, row_role, row_text,
    set_some,
};
use crate::fail::{CliResult, Subject};

/// The filters of `members list` and `members export` (and of the MCP tools `list_members` and
/// `export_members`): Clerk's query parameters for `GET /organizations/{id}/memberships`.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberFilters {
    /// Only members with one of these roles, e.g. ["org:admin"].
    #[arg(long, help = "Members with this role (repeatable)")]
    #[serde(default)]
    pub role: Vec<String>,
    /// Only these users (IDs like user_2xhF..., email addresses or usernames); prefix one with - to exclude it instead.
    #[arg(
        long = "user-id",
        value_name = "USER_ID",
        allow_hyphen_values = true,
        help = "These users; prefix + to include, - to exclude (repeatable)"
    )]
    #[serde(default)]
    pub user_id: Vec<String>,
    /// Only members with one of these email addresses.
    #[arg(
        long = "email-address",
        value_name = "EMAIL",
        help = "Members with this email address (repeatable)"
    )]
    #[serde(default)]
    pub email_address: Vec<String>,
    /// Only members with one of these phone numbers (E.164).
    #[arg(
        long = "phone-number",
        value_name = "PHONE",
        help = "Members with this phone number (repeatable)"
    )]
    #[serde(default)]
    pub phone_number: Vec<String>,
    /// Only members with one of these usernames.
    #[arg(
        long,
        value_name = "USERNAME",
        help = "Members with this username (repeatable)"
    )]
    #[serde(default)]
    pub username: Vec<String>,
    /// Only members with one of these web3 wallet addresses.
    #[arg(
        long = "web3-wallet",
        value_name = "WALLET",
        help = "Members with this web3 wallet (repeatable)"
    )]
    #[serde(default)]
    pub web3_wallet: Vec<String>,
    /// Partial match over the members' emails, phones, usernames, IDs and names.
    #[arg(long)]
    pub query: Option<String>,
    /// Partial match over the members' email addresses.
    #[arg(long = "email-address-query", value_name = "TEXT")]
    pub email_address_query: Option<String>,
    /// Partial match over the members' phone numbers.
    #[arg(long = "phone-number-query", value_name = "TEXT")]
    pub phone_number_query: Option<String>,
    /// Partial match over the members' usernames.
    #[arg(long = "username-query", value_name = "TEXT")]
    pub username_query: Option<String>,
    /// Partial match over the members' names.
    #[arg(long = "name-query", value_name = "TEXT")]
    pub name_query: Option<String>,
    /// Members last active before this time (an ISO 8601 date or date-time, an age such as "30d" meaning 30 days
    /// ago, or Unix milliseconds).
    #[arg(
        long = "last-active-at-before",
        value_name = "TIME",
        help = "Members last active before this time (2024-01-31, 2024-01-31T09:00:00Z, 30d, or Unix ms)"
    )]
    pub last_active_at_before: Option<Time>,
    /// Members last active after this time (an ISO 8601 date or date-time, an age such as "30d" meaning 30 days
    /// ago, or Unix milliseconds).
    #[arg(
        long = "last-active-at-after",
        value_name = "TIME",
        help = "Members last active after this time (2024-01-31, 2024-01-31T09:00:00Z, 30d, or Unix ms)"
    )]
    pub last_active_at_after: Option<Time>,
    /// Memberships created before this time (an ISO 8601 date or date-time, an age such as "30d" meaning 30 days
    /// ago, or Unix milliseconds).
    #[arg(
        long = "created-at-before",
        value_name = "TIME",
        help = "Memberships created before this time (2024-01-31, 2024-01-31T09:00:00Z, 30d, or Unix ms)"
    )]
    pub created_at_before: Option<Time>,
    /// Memberships created after this time (an ISO 8601 date or date-time, an age such as "30d" meaning 30 days
    /// ago, or Unix milliseconds).
    #[arg(
        long = "created-at-after",
        value_name = "TIME",
        help = "Memberships created after this time (2024-01-31, 2024-01-31T09:00:00Z, 30d, or Unix ms)"
    )]
    pub created_at_after: Option<Time>,
}

impl MemberFilters {
    /// Whether no filter is given.
    pub fn is_empty(&self) -> bool {
        let f = self;
        [
            &f.role,
            &f.user_id,
            &f.email_address,
            &f.phone_number,
            &f.username,
            &f.web3_wallet,
        ]
        .iter()
        .all(|v| v.is_empty())
            && [
                &f.query,
                &f.email_address_query,
                &f.phone_number_query,
                &f.username_query,
                &f.name_query,
            ]
            .iter()
            .all(|v| v.is_none())
            && [
                f.last_active_at_before,
                f.last_active_at_after,
                f.created_at_before,
                f.created_at_after,
            ]
            .iter()
            .all(Option::is_none)
    }

    fn checked(&self) -> CliResult<MemberFilters> {
        Ok(MemberFilters {
            role: check::roles(&self.role)?,
            user_id: check::signed_ids(&self.user_id, check::user_id)?,
            email_address: check::emails(&self.email_address)?,
            ..self.clone()
        })
    }

    fn apply<'c>(
        &self,
        req: Request<'c, List<OrganizationMembership>>,
    ) -> Request<'c, List<OrganizationMembership>> {
        let f = self.clone();
        let mut req = req
            .role(f.role)
            .user_id(f.user_id)
            .email_address(f.email_address)
            .phone_number(f.phone_number)
            .username(f.username)
            .web3_wallet(f.web3_wallet);
        set_some!(req,
            query: f.query,
            email_address_query: f.email_address_query,
            phone_number_query: f.phone_number_query,
            username_query: f.username_query,
            name_query: f.name_query,
            last_active_at_before: f.last_active_at_before.map(Time::millis),
            last_active_at_after: f.last_active_at_after.map(Time::millis),
            created_at_before: f.created_at_before.map(Time::millis),
            created_at_after: f.created_at_after.map(Time::millis),
        );
        req
    }
}

/// `members list`.
pub fn list(
    organization_id: &str,
    filters: &MemberFilters,
) -> CliResult<Listing<OrganizationMembership>> {
    let org = check::org_id(organization_id)?;
    let filters = filters.checked()?;
    Ok(Listing::new(
        format!("members list {org}"),
        Subject::Membership,
        move |c| filters.apply(c.memberships(&org).list()),
    ))
}

/// The fields a members file may give.
pub const ROW_FIELDS: &[&str] = &["user_id", "role", "public_metadata", "private_metadata"];

/// A members file needs a user_id column.
pub const ROW_NEEDS: &[&[&str]] = &[&["user_id"]];

/// Columns of `members export` that are Clerk's: accepted, and left out of the request.
pub const ROW_DROPPED: &[&str] = &[
    "id",
    "organization_id",
    "organization_slug",
    "identifier",
    "first_name",
    "last_name",
    "created_at",
    "updated_at",
];

/// Turns Clerk's membership object (an ndjson `members export`) into a row: its user's ID,
/// role and metadata.
pub fn row_from_export(row: &mut Object) {
    if row.get("object").and_then(serde_json::Value::as_str) != Some("organization_membership") {
        return;
    }
    if let Some(id) = row
        .get("public_user_data")
        .and_then(|u| u.get("user_id"))
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
    {
        row.insert("user_id".into(), serde_json::Value::String(id));
    }
    row.retain(|k, _| ROW_FIELDS.contains(&k.as_str()));
}

/// The fields a `members import` file may give: a members row, plus where the membership was
/// in the instance the file came from (its organization, its user's identifier), which the
/// import maps to this instance's organization and user.
pub const IMPORT_ROW_FIELDS: &[&str] = &[
    "user_id",
    "role",
    "public_metadata",
    "private_metadata",
    "organization_id",
    "organization_slug",
    "identifier",
];

/// A `members import` file names the user by ID (of the instance it came from) or identifier.
pub const IMPORT_ROW_NEEDS: &[&[&str]] = &[&["user_id", "identifier"]];

/// Columns of `members export` that are Clerk's: accepted, and left out.
pub const IMPORT_ROW_DROPPED: &[&str] =
    &["id", "first_name", "last_name", "created_at", "updated_at"];

/// Turns Clerk's membership object (an ndjson `members export`) into a `members import` row:
/// its organization's ID and slug, its user's ID and identifier, role and metadata.
pub fn import_row_from_export(row: &mut Object) {
    if row.get("object").and_then(serde_json::Value::as_str) != Some("organization_membership") {
        return;
    }
    let pick = |row: &Object, object: &str, field: &str| {
        row.get(object)
            .and_then(|o| o.get(field))
            .and_then(serde_json::Value::as_str)
            .map(|s| serde_json::Value::String(s.to_owned()))
    };
    for (object, field, into) in [
        ("organization", "id", "organization_id"),
        ("organization", "slug", "organization_slug"),
        ("public_user_data", "user_id", "user_id"),
        ("public_user_data", "identifier", "identifier"),
    ] {
        if let Some(v) = pick(row, object, field) {
            row.insert(into.into(), v);
        }
    }
    row.retain(|k, v| IMPORT_ROW_FIELDS.contains(&k.as_str()) && !v.is_null());
}

/// Checks a `members import` row once its organization and user are this instance's:
/// answers its key, the organization and the user: one membership of each user in each
/// organization.
pub fn prepare_import_row(row: &mut Object) -> Result<String, String> {
    row_role(row, None)?;
    let org = row_reason(check::org_id(&row_text(row, "organization_id")))?;
    let user = row_reason(check::user_id(&row_text(row, "user_id")))?;
    Ok(format!("{org}:{user}"))
}

/// A `members import` row split into its organization and the add-member body.
pub fn import_row_parts(row: &Object) -> CliResult<(OrganizationId, Object)> {
    let org = check::org_id(&row_text(row, "organization_id"))?;
    let mut body = row.clone();
    body.retain(|k, _| ROW_FIELDS.contains(&k.as_str()));
    Ok((org, body))
}

/// Whether `found` (an existing membership) already has what a members row gives: its role,
/// and each metadata key it sets.
pub fn matches_row(found: &OrganizationMembership, row: &Object) -> bool {
    let holds = |have: Option<&serde_json::Map<String, serde_json::Value>>, field: &str| match row
        .get(field)
        .and_then(serde_json::Value::as_object)
    {
        None => true,
        Some(want) => want
            .iter()
            .all(|(k, v)| have.and_then(|h| h.get(k)) == Some(v)),
    };
    found.role == row_text(row, "role")
        && holds(Some(&found.public_metadata), "public_metadata")
        && holds(found.private_metadata.as_ref(), "private_metadata")
}

/// A role change and a metadata merge, each if needed (see [`complete_row`]).
pub type Completion = (
    Option<Write<UpdateMember>>,
    Option<Write<UpdateMemberMetadata>>,
);

/// The changes that give an existing membership what a members row says (its role, a merge
/// of its metadata): how `members import` completes a membership that was there already,
/// such as the admin membership Clerk gives an organization's creator.
pub fn complete_row(
    org: &OrganizationId,
    found: &OrganizationMembership,
    row: &Object,
) -> CliResult<Completion> {
    let user = row_text(row, "user_id");
    let role = row_text(row, "role");
    let update = (found.role != role)
        .then(|| update(org.as_str(), &user, &role))
        .transpose()?;
    let object = |f: &str| row.get(f).and_then(serde_json::Value::as_object).cloned();
    let merge = Metadata {
        organization_id: org.to_string(),
        user_id: user.clone(),
        public_metadata: object("public_metadata").filter(|m| !m.is_empty()),
        private_metadata: object("private_metadata").filter(|m| !m.is_empty()),
    };
    let merge = (!merge.is_empty()).then(|| metadata(merge)).transpose()?;
    Ok((update, merge))
}

/// `members export` without an organization: every membership of the instance
/// (`GET /organization_memberships`, which takes no filters).
pub fn export_all() -> Listing<OrganizationMembership> {
    Listing::new("export", Subject::Membership, |c| {
        c.all_memberships().limit(500)
    })
}

/// The read that finds a user's membership of an organization (to tell whether an add would
/// change anything).
pub fn membership_of(
    organization_id: &str,
    user_id: &str,
) -> CliResult<Listing<OrganizationMembership>> {
    check::user_id(user_id)?;
    list(
        organization_id,
        &MemberFilters {
            user_id: vec![user_id.to_owned()],
            ..MemberFilters::default()
        },
    )
}

/// The membership among `found` (a [`membership_of`] answer) that already gives the user
/// `role`: adding them again would change nothing.
pub fn already_with_role(
    found: &[serde_json::Value],
    user_id: &str,
    role: &str,
) -> Option<serde_json::Value> {
    found
        .iter()
        .find(|m| {
            m.pointer("/public_user_data/user_id")
                .and_then(serde_json::Value::as_str)
                == Some(user_id)
                && m.get("role").and_then(serde_json::Value::as_str) == Some(role)
        })
        .cloned()
}

/// The list request of an export: every member matching the filters, 500 a page.
pub fn export(
    organization_id: &str,
    filters: &MemberFilters,
) -> CliResult<Listing<OrganizationMembership>> {
    let org = check::org_id(organization_id)?;
    let filters = filters.checked()?;
    Ok(Listing::new("export", Subject::Organization, move |c| {
        filters.apply(c.memberships(&org).list()).limit(500)
    }))
}

/// The membership of one user, for a bulk job's lookup.
pub fn find(org: &OrganizationId, user: &UserId) -> Listing<OrganizationMembership> {
    let (org, user) = (org.clone(), user.clone());
    Listing::new("members list", Subject::Membership, move |c| {
        c.memberships(&org).list().user_id([user.as_str()])
    })
}

/// How a CSV column of a members file is read.
pub fn row_cell(field: &str) -> Cell {
    match field {
        "public_metadata" | "private_metadata" => Cell::Object,
        _ => Cell::Text,
    }
}

/// Checks a bulk row (`user_id`, `role`, metadata), giving it `role` when it names none;
/// answers its key, the user ID: one membership per user.
pub fn prepare_row(row: &mut Object, role: Option<&str>) -> Result<String, String> {
    row_role(row, role)?;
    let user = row
        .get("user_id")
        .and_then(serde_json::Value::as_str)
        .ok_or("no user_id")?;
    row_reason(check::user_id(user)).map(String::from)
}

/// The add of one prepared row, the row as its body.
pub fn create_row(org: &OrganizationId, row: &Object) -> CliResult<Write<AddMember>> {
    add(Add {
        organization_id: org.to_string(),
        user_id: row_text(row, "user_id"),
        role: row_text(row, "role"),
        other: row.clone(),
        ..Default::default()
    })
}

/// The membership a prepared row may have made already.
pub fn find_row(org: &OrganizationId, row: &Object) -> Option<Listing<OrganizationMembership>> {
    let user = check::user_id(&row_text(row, "user_id")).ok()?;
    Some(find(org, &user))
}

/// A new membership: Clerk's add-member fields.
#[derive(Debug, Clone, Default)]
pub struct Add {
    pub organization_id: String,
    pub user_id: String,
    /// The role key: org:admin, org:member, or a custom org:... role.
    pub role: String,
    pub public_metadata: Option<Object>,
    pub private_metadata: Option<Object>,
    /// Any other fields of Clerk's body (a bulk row), under the fields above.
    pub other: Object,
}

/// `members add`.
pub fn add(input: Add) -> CliResult<Write<AddMember>> {
    let org = check::org_id(&input.organization_id)?;
    let user = check::user_id(&input.user_id)?;
    let role = check::role(&input.role)?;
    let change = Change::new(
        format!("add {user} to {org} as {role}"),
        Subject::Membership,
        Some(user.as_str()),
    );
    Ok(Write::new(change, move |c| {
        let mut req = c.memberships(&org).add(&user, &role).body(&input.other);
        set_some!(req,
            public_metadata: input.public_metadata.as_ref(),
            private_metadata: input.private_metadata.as_ref(),
        );
        req
    }))
}

/// `members update`: a member's new role.
pub fn update(organization_id: &str, user_id: &str, role: &str) -> CliResult<Write<UpdateMember>> {
    let org = check::org_id(organization_id)?;
    let user = check::user_id(user_id)?;
    let role = check::role(role)?;
    let change = Change::new(
        format!("make {user} {role} in {org}"),
        Subject::Membership,
        Some(user.as_str()),
    );
    Ok(Write::new(change, move |c| {
        c.memberships(&org).update(&user, &role)
    }))
}

/// Metadata to merge into a membership's.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    pub organization_id: String,
    pub user_id: String,
    pub public_metadata: Option<Object>,
    pub private_metadata: Option<Object>,
}

impl Metadata {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.public_metadata.is_none() && self.private_metadata.is_none()
    }
}

/// `members update-metadata` (a deep merge; `null` removes a key).
pub fn metadata(input: Metadata) -> CliResult<Write<UpdateMemberMetadata>> {
    let org = check::org_id(&input.organization_id)?;
    let user = check::user_id(&input.user_id)?;
    if input.is_empty() {
        return Err(nothing_to_change("public_metadata, private_metadata"));
    }
    let change = Change::new(
        format!("update the metadata of {user}'s membership in {org}"),
        Subject::Membership,
        Some(user.as_str()),
    );
    Ok(Write::new(change, move |c| {
        let mut req = c.memberships(&org).update_metadata(&user);
        set_some!(req,
            public_metadata: input.public_metadata.as_ref(),
            private_metadata: input.private_metadata.as_ref(),
        );
        req
    }))
}

/// `members remove`.
pub fn remove(
    organization_id: &str,
    user_id: &str,
) -> CliResult<Write<One<OrganizationMembership>>> {
    let org = check::org_id(organization_id)?;
    let user = check::user_id(user_id)?;
    let change = Change::new(
        format!("remove {user} from {org}"),
        Subject::Membership,
        Some(user.as_str()),
    )
    .destructive();
    Ok(Write::new(change, move |c| {
        c.memberships(&org).remove(&user)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{Page, query, test_client};
    use serde_json::json;

    #[test]
    fn filters_reach_the_query_and_are_checked() {
        let f = MemberFilters {
            role: vec!["org:admin".into()],
            email_address: vec!["a@b.co".into()],
            name_query: Some("ada".into()),
            created_at_after: Some(Time(7)),
            ..Default::default()
        };
        let c = test_client();
        let req = list("org_1", &f).unwrap().request(&c, &Page::default());
        assert_eq!(req.spec().path, "/organizations/org_1/memberships");
        assert_eq!(
            query(&req),
            [
                "role=org:admin",
                "email_address=a@b.co",
                "name_query=ada",
                "created_at_after=7"
            ]
        );
        let bad_role = MemberFilters {
            role: vec!["owner".into()],
            ..Default::default()
        };
        assert!(list("org_1", &bad_role).is_err());
        assert!(list("acme", &MemberFilters::default()).is_err());
    }

    #[test]
    fn add_keeps_a_rows_other_fields() {
        let op = add(Add {
            organization_id: "org_1".into(),
            user_id: "user_1".into(),
            role: "org:member".into(),
            other: json!({"user_id": "user_1", "role": "org:member", "private_metadata": {"k": 1}})
                .as_object()
                .unwrap()
                .clone(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            op.request(&test_client()).spec().body,
            Some(json!({"user_id": "user_1", "role": "org:member", "private_metadata": {"k": 1}}))
        );
        assert!(
            add(Add {
                organization_id: "org_1".into(),
                user_id: "user_1".into(),
                role: "boss".into(),
                ..Default::default()
            })
            .is_err()
        );
    }
}
