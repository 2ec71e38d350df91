//! `clerkctl app-invitations ...` (invitations to sign up to the application).

use super::args::opt_object;
use super::{change, list};
use crate::app::App;
use crate::cli::AppInvitationsCmd;
use crate::fail::CliResult;
use crate::ops::{self, invitations};
use crate::output::Kind;

pub async fn run(app: &mut App, cmd: AppInvitationsCmd) -> CliResult {
    match cmd {
        AppInvitationsCmd::List { filter, page } => {
            list(app, Kind::Invitation, invitations::list(&filter)?, &page).await
        }
        AppInvitationsCmd::Create {
            email_address,
            public_metadata,
            redirect_url,
            expires_in_days,
            ignore_existing,
            no_notify,
            template_slug,
        } => {
            ops::check::email(&email_address)?;
            let op = invitations::create(invitations::Create {
                email_address,
                public_metadata: opt_object("--public-metadata", &public_metadata)?,
                redirect_url,
                expires_in_days,
                ignore_existing: ignore_existing.then_some(true),
                notify: no_notify.then_some(false),
                template_slug,
                other: ops::Object::new(),
            })?;
            change(app, "app-invitations create", Kind::Invitation, op).await
        }
        AppInvitationsCmd::Revoke { invitation_id } => {
            let op = invitations::revoke(&invitation_id)?;
            change(app, "app-invitations revoke", Kind::Invitation, op).await
        }
        AppInvitationsCmd::Bulk { bulk } => {
            super::bulk::run(app, crate::bulk::jobs::Job::Invitations, &bulk).await
        }
    }
}
