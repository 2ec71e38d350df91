//! `clerkctl invitations ...` (organization invitations).

use super::orgs::metadata_args;
use super::{change, find_org, find_user, list, show};
use crate::app::App;
use crate::cli::InvitationsCmd;
use crate::fail::CliResult;
use crate::ops::{self, organization_invitations as invitations};
use crate::output::Kind;

pub async fn run(app: &mut App, cmd: InvitationsCmd) -> CliResult {
    match cmd {
        InvitationsCmd::List {
            organization_id,
            filter,
            page,
        } => {
            let organization_id = match organization_id {
                Some(o) => Some(find_org(app, &o).await?),
                None => None,
            };
            let op = invitations::list(organization_id.as_deref(), &filter)?;
            list(app, Kind::OrganizationInvitation, op, &page).await
        }
        InvitationsCmd::Get {
            organization_id,
            invitation_id,
        } => {
            let organization_id = find_org(app, &organization_id).await?;
            let op = invitations::get(&organization_id, &invitation_id)?;
            show(app, Kind::OrganizationInvitation, op).await
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
            ops::names::org(&organization_id)?;
            ops::check::email(&email_address)?;
            ops::check::role(&role)?;
            let (public_metadata, private_metadata) = metadata_args(&metadata)?;
            let organization_id = find_org(app, &organization_id).await?;
            let inviter_user_id = match inviter_user_id {
                Some(u) => Some(find_user(app, &u).await?),
                None => None,
            };
            let op = invitations::create(invitations::Create {
                organization_id,
                email_address,
                role,
                inviter_user_id,
                expires_in_days,
                redirect_url,
                notify: no_notify.then_some(false),
                public_metadata,
                private_metadata,
                other: ops::Object::new(),
            })?;
            change(app, "invitations create", Kind::OrganizationInvitation, op).await
        }
        InvitationsCmd::Revoke {
            organization_id,
            invitation_id,
            requesting_user_id,
        } => {
            let organization_id = find_org(app, &organization_id).await?;
            let requesting_user_id = match requesting_user_id {
                Some(u) => Some(find_user(app, &u).await?),
                None => None,
            };
            let op = invitations::revoke(
                &organization_id,
                &invitation_id,
                requesting_user_id.as_deref(),
            )?;
            change(app, "invitations revoke", Kind::OrganizationInvitation, op).await
        }
        InvitationsCmd::Bulk {
            organization_id,
            role,
            bulk,
        } => {
            ops::names::org(&organization_id)?;
            let role = role.as_deref().map(ops::check::role).transpose()?;
            let org = ops::check::org_id(&find_org(app, &organization_id).await?)?;
            super::bulk::run(
                app,
                crate::bulk::jobs::Job::OrganizationInvitations { org, role },
                &bulk,
            )
            .await
        }
    }
}
