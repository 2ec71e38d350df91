//! Application invitations (to sign up): list, create, create in bulk, revoke.

use clerk_api::models::Invitation;
use clerk_api::request::One;
use clerk_api::resources::{CreateInvitation, CreateInvitations};
use schemars::JsonSchema;
use serde::Deserialize;

use super::{Cell, Change, Listing, Object, Write, check, row_email, row_text, set_some};
use crate::fail::{CliResult, Subject, usage};

/// The filters of `app-invitations list` (and of the MCP tool `list_app_invitations`): Clerk's
/// query parameters for `GET /invitations`.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppInvitationFilters {
    /// Only invitations in this state: pending, accepted, revoked or expired (revoked ones are
    /// listed only when asked for).
    #[arg(long, help = "pending, accepted, revoked or expired")]
    pub status: Option<String>,
    /// Part of the email address or ID.
    #[arg(long, help = "Part of the email address or ID")]
    pub query: Option<String>,
}

/// `app-invitations list`.
pub fn list(filters: &AppInvitationFilters) -> CliResult<Listing<Invitation>> {
    let status = filters.status.as_deref().map(check::status).transpose()?;
    let query = filters.query.clone();
    Ok(Listing::new(
        "app-invitations list",
        Subject::Invitation,
        move |c| {
            let mut req = c.invitations().list();
            set_some!(req, status: status.clone(), query: query.clone());
            req
        },
    ))
}

/// Pending invitations whose address or ID contains `email`, for a bulk job's lookup.
pub fn find_pending(email: &str) -> Listing<Invitation> {
    let email = email.to_owned();
    Listing::new("app-invitations list", Subject::Invitation, move |c| {
        c.invitations()
            .list()
            .status("pending")
            .query(email.clone())
            .limit(500)
    })
}

/// A new invitation to sign up: Clerk's create-invitation fields.
#[derive(Debug, Clone, Default)]
pub struct Create {
    pub email_address: String,
    /// Given to the user's public metadata on sign-up.
    pub public_metadata: Option<Object>,
    pub redirect_url: Option<String>,
    pub expires_in_days: Option<i64>,
    /// Create it even if one is pending for this address.
    pub ignore_existing: Option<bool>,
    /// Whether Clerk emails the invitation (Clerk's default: true).
    pub notify: Option<bool>,
    /// `invitation` or `waitlist_invitation`.
    pub template_slug: Option<String>,
    /// Any other fields of Clerk's body (a bulk row), under the fields above.
    pub other: Object,
}

/// `app-invitations create`.
pub fn create(input: Create) -> CliResult<Write<CreateInvitation>> {
    let email = check::email(&input.email_address)?;
    let expires = input
        .expires_in_days
        .map(check::expires_in_days)
        .transpose()?;
    if let Some(t) = &input.template_slug
        && !matches!(t.as_str(), "invitation" | "waitlist_invitation")
    {
        return Err(usage(format!(
            "--template-slug {t:?} must be invitation or waitlist_invitation"
        )));
    }
    let change = Change::new(
        format!("invite {email} to sign up"),
        Subject::Invitation,
        None,
    );
    Ok(Write::new(change, move |c| {
        let mut req = c.invitations().create(&email).body(&input.other);
        set_some!(req,
            public_metadata: input.public_metadata.as_ref(),
            redirect_url: input.redirect_url.clone(),
            expires_in_days: expires,
            ignore_existing: input.ignore_existing,
            notify: input.notify,
            template_slug: input.template_slug.clone(),
        );
        req
    }))
}

/// The fields an application invitations file may give: Clerk's create-invitation fields.
pub const ROW_FIELDS: &[&str] = &[
    "email_address",
    "public_metadata",
    "redirect_url",
    "notify",
    "ignore_existing",
    "expires_in_days",
    "template_slug",
];

/// How a CSV column of an invitations file is read.
pub fn row_cell(field: &str) -> Cell {
    match field {
        "public_metadata" => Cell::Object,
        "expires_in_days" => Cell::Int,
        "notify" | "ignore_existing" => Cell::Bool,
        _ => Cell::Text,
    }
}

/// Checks a bulk row (Clerk's create fields); answers its key, the email address lowercased:
/// one pending invitation per address.
pub fn prepare_row(row: &Object) -> Result<String, String> {
    row_email(row)
}

/// The create of one prepared row, the row as its body.
pub fn create_row(row: &Object) -> CliResult<Write<CreateInvitation>> {
    create(Create {
        email_address: row_text(row, "email_address"),
        other: row.clone(),
        ..Default::default()
    })
}

/// The pending invitations a prepared row may have made already (a partial match: pick the
/// one whose address is the row's).
pub fn find_row(row: &Object) -> Option<(String, Listing<Invitation>)> {
    row_email(row).ok().map(|email| {
        let lookup = find_pending(&email);
        (email, lookup)
    })
}

/// Up to ten invitations in one request (a bulk job's batch, already checked row by row).
pub fn create_bulk(rows: Vec<Object>) -> Write<CreateInvitations> {
    let change = Change::new(
        format!("invite {} people to sign up", rows.len()),
        Subject::Invitation,
        None,
    );
    Write::new(change, move |c| c.invitations().create_bulk(&rows))
}

/// `app-invitations revoke`.
pub fn revoke(invitation_id: &str) -> CliResult<Write<One<Invitation>>> {
    let id = check::invitation_id(invitation_id)?;
    let change = Change::new(
        format!("revoke invitation {id}"),
        Subject::Invitation,
        Some(id.as_str()),
    )
    .destructive();
    Ok(Write::new(change, move |c| c.invitations().revoke(&id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{Page, query, test_client};

    #[test]
    fn filters_and_fields() {
        let c = test_client();
        let f = AppInvitationFilters {
            status: Some("revoked".into()),
            query: Some("example".into()),
        };
        let req = list(&f).unwrap().request(&c, &Page::default());
        assert_eq!(
            query(&req),
            ["paginated=true", "status=revoked", "query=example"]
        );
        assert!(
            list(&AppInvitationFilters {
                status: Some("open".into()),
                query: None
            })
            .is_err()
        );
        let op = create(Create {
            email_address: "grace@example.com".into(),
            ignore_existing: Some(true),
            template_slug: Some("waitlist_invitation".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            op.request(&c).spec().body,
            Some(serde_json::json!({
                "email_address": "grace@example.com",
                "ignore_existing": true,
                "template_slug": "waitlist_invitation"
            }))
        );
        assert!(
            create(Create {
                email_address: "grace@example.com".into(),
                template_slug: Some("welcome".into()),
                ..Default::default()
            })
            .is_err()
        );
        assert!(revoke("orginv_1").is_err());
    }
}
