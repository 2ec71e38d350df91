//! `clerkctl invitations ...` (organization invitations).

use serde_json::Value;

use super::orgs::metadata_body;
use super::{change, list, show};
use crate::app::{App, Change};
use crate::cli::InvitationsCmd;
use crate::fail::{CliResult, Subject, usage};
use crate::input;
use crate::output::Kind;

pub async fn run(app: &mut App, cmd: InvitationsCmd) -> CliResult {
    match cmd {
        InvitationsCmd::List {
            organization_id,
            status,
            email_address,
            query,
            page,
        } => {
            let statuses: Vec<String> = status
                .iter()
                .map(|s| input::status(s))
                .collect::<CliResult<_>>()?;
            match organization_id {
                Some(org) => {
                    let org = input::org_id(&org)?;
                    if query.is_some() {
                        return Err(usage(
                            "--query searches every organization's invitations: leave out ORG_ID, or use --email-address",
                        ));
                    }
                    let email = email_address.as_deref().map(input::email).transpose()?;
                    let client = app.client().await?;
                    let mut req = client
                        .organization_invitations(&org)
                        .list()
                        .status(statuses);
                    if let Some(e) = email {
                        req = req.email_address(e);
                    }
                    list(
                        app,
                        Kind::OrganizationInvitation,
                        Subject::Organization,
                        &format!("invitations list {org}"),
                        req,
                        &page,
                        None,
                    )
                    .await
                }
                None => {
                    if email_address.is_some() {
                        return Err(usage(
                            "--email-address needs ORG_ID; to search every organization use --query",
                        ));
                    }
                    if statuses.len() > 1 {
                        return Err(usage("without ORG_ID, --status takes one value"));
                    }
                    let client = app.client().await?;
                    let mut req = client.all_organization_invitations().status(statuses);
                    if let Some(q) = query {
                        req = req.query(q);
                    }
                    list(
                        app,
                        Kind::OrganizationInvitation,
                        Subject::Other,
                        "invitations list",
                        req,
                        &page,
                        None,
                    )
                    .await
                }
            }
        }
        InvitationsCmd::Get {
            organization_id,
            invitation_id,
        } => {
            let org = input::org_id(&organization_id)?;
            let inv = input::org_invitation_id(&invitation_id)?;
            let client = app.client().await?;
            let req = client.organization_invitations(&org).get(&inv);
            show(
                app,
                Kind::OrganizationInvitation,
                Subject::OrganizationInvitation,
                format!("invitations get {org} {inv}"),
                req,
            )
            .await
        }
        InvitationsCmd::Create {
            organization_id,
            email_address,
            role,
            inviter_user_id,
            expires_in_days,
            redirect_url,
            no_notify,
            metadata,
        } => {
            let org = input::org_id(&organization_id)?;
            let email = input::email(&email_address)?;
            let role = input::role(&role)?;
            let mut body = metadata_body(&metadata)?;
            body.insert("email_address".into(), Value::from(email.clone()));
            body.insert("role".into(), Value::from(role.clone()));
            if let Some(u) = inviter_user_id {
                body.insert(
                    "inviter_user_id".into(),
                    Value::from(input::user_id(&u)?.to_string()),
                );
            }
            if let Some(d) = expires_in_days {
                body.insert("expires_in_days".into(), Value::from(d));
            }
            if let Some(u) = redirect_url {
                body.insert("redirect_url".into(), Value::from(u));
            }
            if no_notify {
                body.insert("notify".into(), Value::Bool(false));
            }
            let c = Change::new(
                "invitations create",
                format!("invite {email} to {org}"),
                Subject::Organization,
                None,
            );
            app.guard(&c)?;
            let client = app.client().await?;
            let req = client
                .organization_invitations(&org)
                .create(&email, role)
                .body(Value::Object(body));
            change(app, Kind::OrganizationInvitation, &c, req).await
        }
        InvitationsCmd::Revoke {
            organization_id,
            invitation_id,
            requesting_user_id,
        } => {
            let org = input::org_id(&organization_id)?;
            let inv = input::org_invitation_id(&invitation_id)?;
            let requester = requesting_user_id
                .as_deref()
                .map(input::user_id)
                .transpose()?;
            let c = Change::new(
                "invitations revoke",
                format!("revoke invitation {inv}"),
                Subject::OrganizationInvitation,
                Some(inv.as_str()),
            )
            .destructive();
            app.guard(&c)?;
            let client = app.client().await?;
            let mut req = client.organization_invitations(&org).revoke(&inv);
            if let Some(r) = requester {
                req = req.requesting_user_id(&r);
            }
            change(app, Kind::OrganizationInvitation, &c, req).await
        }
        InvitationsCmd::Bulk {
            organization_id,
            role,
            bulk,
        } => {
            let org = input::org_id(&organization_id)?;
            let role = role.as_deref().map(input::role).transpose()?;
            crate::bulk::run(
                app,
                crate::bulk::jobs::Job::OrganizationInvitations { org, role },
                &bulk,
            )
            .await
        }
    }
}
