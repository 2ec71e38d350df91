//! Organization invitations: list (one organization's or every one's), get, create, create in
//! bulk, revoke.

use clerk_api::ids::OrganizationId;
use clerk_api::models::OrganizationInvitation;
use clerk_api::request::One;
use clerk_api::resources::{
    CreateOrganizationInvitation, CreateOrganizationInvitations, RevokeOrganizationInvitation,
};
use schemars::JsonSchema;
use serde::Deserialize;

use super::{
    Cell, Change, Listing, Object, Read, Write, check, row_email, row_role, row_text, set_some,
};
use crate::fail::{CliResult, Subject, usage};

/// The filters of `invitations list` (and of the MCP tool `list_invitations`): Clerk's query
/// parameters for `GET /organizations/{id}/invitations` and, without an organization,
/// `GET /organization_invitations`.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationFilters {
    /// Only invitations in these states: pending, accepted, revoked, expired (one state
    /// without organization_id).
    #[arg(long, help = "pending, accepted, revoked or expired (repeatable)")]
    #[serde(default)]
    pub status: Vec<String>,
    /// Only invitations to this email address (with organization_id).
    #[arg(
        long = "email-address",
        value_name = "EMAIL",
        help = "Invitations to this address (with ORG_ID)"
    )]
    pub email_address: Option<String>,
    /// Part of the email address (without organization_id: every organization's invitations).
    #[arg(long, help = "Part of the email address (without ORG_ID)")]
    pub query: Option<String>,
}

/// `invitations list`: one organization's invitations, or without one every organization's.
pub fn list(
    organization_id: Option<&str>,
    filters: &InvitationFilters,
) -> CliResult<Listing<OrganizationInvitation>> {
    let statuses: Vec<String> = filters
        .status
        .iter()
        .map(|s| check::status(s))
        .collect::<CliResult<_>>()?;
    match organization_id {
        Some(org) => {
            let org = check::org_id(org)?;
            if filters.query.is_some() {
                return Err(usage(
                    "--query searches every organization's invitations: leave out ORG_ID, or use --email-address",
                ));
            }
            let email = filters
                .email_address
                .as_deref()
                .map(check::email)
                .transpose()?;
            Ok(Listing::new(
                format!("invitations list {org}"),
                Subject::Organization,
                move |c| {
                    let mut req = c
                        .organization_invitations(&org)
                        .list()
                        .status(statuses.clone());
                    set_some!(req, email_address: email.clone());
                    req
                },
            ))
        }
        None => {
            if filters.email_address.is_some() {
                return Err(usage(
                    "--email-address needs ORG_ID; to search every organization use --query",
                ));
            }
            if statuses.len() > 1 {
                return Err(usage("without ORG_ID, --status takes one value"));
            }
            let query = filters.query.clone();
            Ok(Listing::new("invitations list", Subject::Other, move |c| {
                let mut req = c.all_organization_invitations().status(statuses.clone());
                set_some!(req, query: query.clone());
                req
            }))
        }
    }
}

/// The pending invitation of one address, for a bulk job's lookup.
pub fn find_pending(org: &OrganizationId, email: &str) -> Listing<OrganizationInvitation> {
    let (org, email) = (org.clone(), email.to_owned());
    Listing::new("invitations list", Subject::Organization, move |c| {
        c.organization_invitations(&org)
            .list()
            .status(["pending"])
            .email_address(email.clone())
    })
}

/// `invitations get`.
pub fn get(
    organization_id: &str,
    invitation_id: &str,
) -> CliResult<Read<One<OrganizationInvitation>>> {
    let org = check::org_id(organization_id)?;
    let inv = check::org_invitation_id(invitation_id)?;
    Ok(Read::new(
        format!("invitations get {org} {inv}"),
        Subject::OrganizationInvitation,
        move |c| c.organization_invitations(&org).get(&inv),
    ))
}

/// A new invitation: Clerk's create-invitation fields.
#[derive(Debug, Clone, Default)]
pub struct Create {
    pub organization_id: String,
    pub email_address: String,
    /// The role the person gets on accepting.
    pub role: String,
    /// An admin of the organization, shown as the inviter.
    pub inviter_user_id: Option<String>,
    pub expires_in_days: Option<i64>,
    pub redirect_url: Option<String>,
    /// Whether Clerk emails the invitation (Clerk's default: true).
    pub notify: Option<bool>,
    pub public_metadata: Option<Object>,
    pub private_metadata: Option<Object>,
    /// Any other fields of Clerk's body (a bulk row), under the fields above.
    pub other: Object,
}

/// `invitations create`.
pub fn create(input: Create) -> CliResult<Write<CreateOrganizationInvitation>> {
    let org = check::org_id(&input.organization_id)?;
    let email = check::email(&input.email_address)?;
    let role = check::role(&input.role)?;
    let inviter = input
        .inviter_user_id
        .as_deref()
        .map(check::user_id)
        .transpose()?;
    let expires = input
        .expires_in_days
        .map(check::expires_in_days)
        .transpose()?;
    let change = Change::new(
        format!("invite {email} to {org}"),
        Subject::Organization,
        None,
    );
    Ok(Write::new(change, move |c| {
        let mut req = c
            .organization_invitations(&org)
            .create(&email, &role)
            .body(&input.other);
        set_some!(req,
            inviter_user_id: inviter.as_ref(),
            expires_in_days: expires,
            redirect_url: input.redirect_url.clone(),
            notify: input.notify,
            public_metadata: input.public_metadata.as_ref(),
            private_metadata: input.private_metadata.as_ref(),
        );
        req
    }))
}

/// The fields an invitations file may give: Clerk's create-invitation fields.
pub const ROW_FIELDS: &[&str] = &[
    "email_address",
    "role",
    "inviter_user_id",
    "public_metadata",
    "private_metadata",
    "redirect_url",
    "expires_in_days",
    "notify",
];

/// How a CSV column of an invitations file is read.
pub fn row_cell(field: &str) -> Cell {
    match field {
        "public_metadata" | "private_metadata" => Cell::Object,
        "expires_in_days" => Cell::Int,
        "notify" => Cell::Bool,
        _ => Cell::Text,
    }
}

/// Checks a bulk row (Clerk's create fields), giving it `role` when it names none; answers its
/// key, the email address lowercased: one pending invitation per address.
pub fn prepare_row(row: &mut Object, role: Option<&str>) -> Result<String, String> {
    row_role(row, role)?;
    row_email(row)
}

/// The create of one prepared row, the row as its body.
pub fn create_row(
    org: &OrganizationId,
    row: &Object,
) -> CliResult<Write<CreateOrganizationInvitation>> {
    create(Create {
        organization_id: org.to_string(),
        email_address: row_text(row, "email_address"),
        role: row_text(row, "role"),
        other: row.clone(),
        ..Default::default()
    })
}

/// The pending invitation a prepared row may have made already.
pub fn find_row(org: &OrganizationId, row: &Object) -> Option<Listing<OrganizationInvitation>> {
    row_email(row).ok().map(|email| find_pending(org, &email))
}

/// Up to ten invitations in one request (a bulk job's batch, already checked row by row).
pub fn create_bulk(
    org: &OrganizationId,
    rows: Vec<Object>,
) -> Write<CreateOrganizationInvitations> {
    let org = org.clone();
    let change = Change::new(
        format!("invite {} people to {org}", rows.len()),
        Subject::Organization,
        None,
    );
    Write::new(change, move |c| {
        c.organization_invitations(&org).create_bulk(&rows)
    })
}

/// `invitations revoke`.
pub fn revoke(
    organization_id: &str,
    invitation_id: &str,
    requesting_user_id: Option<&str>,
) -> CliResult<Write<RevokeOrganizationInvitation>> {
    let org = check::org_id(organization_id)?;
    let inv = check::org_invitation_id(invitation_id)?;
    let requester = requesting_user_id.map(check::user_id).transpose()?;
    let change = Change::new(
        format!("revoke invitation {inv}"),
        Subject::OrganizationInvitation,
        Some(inv.as_str()),
    )
    .destructive();
    Ok(Write::new(change, move |c| {
        let mut req = c.organization_invitations(&org).revoke(&inv);
        set_some!(req, requesting_user_id: requester.as_ref());
        req
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{Page, query, test_client};

    #[test]
    fn one_organizations_or_every_ones() {
        let c = test_client();
        let f = InvitationFilters {
            status: vec!["pending".into(), "expired".into()],
            email_address: Some("a@b.co".into()),
            query: None,
        };
        let req = list(Some("org_1"), &f)
            .unwrap()
            .request(&c, &Page::default());
        assert_eq!(req.spec().path, "/organizations/org_1/invitations");
        assert_eq!(
            query(&req),
            ["status=pending", "status=expired", "email_address=a@b.co"]
        );
        let everywhere = InvitationFilters {
            status: vec!["pending".into()],
            query: Some("example.com".into()),
            email_address: None,
        };
        let req = list(None, &everywhere)
            .unwrap()
            .request(&c, &Page::default());
        assert_eq!(req.spec().path, "/organization_invitations");
        assert_eq!(query(&req), ["status=pending", "query=example.com"]);
        // Each filter where Clerk takes it.
        assert!(list(None, &f).is_err());
        assert!(list(Some("org_1"), &everywhere).is_err());
        let bad = InvitationFilters {
            status: vec!["open".into()],
            ..Default::default()
        };
        assert!(list(Some("org_1"), &bad).is_err());
    }

    #[test]
    fn create_checks_and_sets_every_field() {
        let c = test_client();
        let op = create(Create {
            organization_id: "org_1".into(),
            email_address: "ada@example.com".into(),
            role: "org:member".into(),
            inviter_user_id: Some("user_1".into()),
            expires_in_days: Some(7),
            notify: Some(false),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            op.request(&c).spec().body,
            Some(serde_json::json!({
                "email_address": "ada@example.com",
                "role": "org:member",
                "inviter_user_id": "user_1",
                "expires_in_days": 7,
                "notify": false
            }))
        );
        for bad in [
            Create {
                organization_id: "org_1".into(),
                email_address: "nope".into(),
                role: "org:member".into(),
                ..Default::default()
            },
            Create {
                organization_id: "org_1".into(),
                email_address: "a@b.co".into(),
                role: "org:member".into(),
                expires_in_days: Some(400),
                ..Default::default()
            },
        ] {
            assert!(create(bad).is_err());
        }
    }
}
