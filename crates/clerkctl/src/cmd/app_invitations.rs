//! `clerkctl app-invitations ...` (invitations to sign up to the application).

use serde_json::Value;

use super::{change, list};
use crate::app::{App, Change};
use crate::cli::AppInvitationsCmd;
use crate::fail::{CliResult, Subject, usage};
use crate::input;
use crate::output::Kind;

pub async fn run(app: &mut App, cmd: AppInvitationsCmd) -> CliResult {
    match cmd {
        AppInvitationsCmd::List {
            status,
            query,
            page,
        } => {
            let status = status.as_deref().map(input::status).transpose()?;
            let client = app.client().await?;
            let mut req = client.invitations().list();
            if let Some(s) = status {
                req = req.status(s);
            }
            if let Some(q) = query {
                req = req.query(q);
            }
            list(
                app,
                Kind::Invitation,
                Subject::Invitation,
                "app-invitations list",
                req,
                &page,
                None,
            )
            .await
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
            let email = input::email(&email_address)?;
            let mut body = serde_json::Map::new();
            body.insert("email_address".into(), Value::from(email.clone()));
            if let Some(raw) = public_metadata {
                body.insert(
                    "public_metadata".into(),
                    Value::Object(input::json_object("--public-metadata", &raw)?),
                );
            }
            if let Some(u) = redirect_url {
                body.insert("redirect_url".into(), Value::from(u));
            }
            if let Some(d) = expires_in_days {
                body.insert("expires_in_days".into(), Value::from(d));
            }
            if ignore_existing {
                body.insert("ignore_existing".into(), Value::Bool(true));
            }
            if no_notify {
                body.insert("notify".into(), Value::Bool(false));
            }
            if let Some(t) = template_slug {
                if !matches!(t.as_str(), "invitation" | "waitlist_invitation") {
                    return Err(usage(format!(
                        "--template-slug {t:?} must be invitation or waitlist_invitation"
                    )));
                }
                body.insert("template_slug".into(), Value::from(t));
            }
            let c = Change::new(
                "app-invitations create",
                format!("invite {email} to sign up"),
                Subject::Invitation,
                None,
            );
            app.guard(&c)?;
            let client = app.client().await?;
            let req = client
                .invitations()
                .create(&email)
                .body(Value::Object(body));
            change(app, Kind::Invitation, &c, req).await
        }
        AppInvitationsCmd::Revoke { invitation_id } => {
            let id = input::invitation_id(&invitation_id)?;
            let c = Change::new(
                "app-invitations revoke",
                format!("revoke invitation {id}"),
                Subject::Invitation,
                Some(id.as_str()),
            )
            .destructive();
            app.guard(&c)?;
            let client = app.client().await?;
            change(app, Kind::Invitation, &c, client.invitations().revoke(&id)).await
        }
        AppInvitationsCmd::Bulk { bulk } => {
            crate::bulk::run(app, crate::bulk::jobs::Job::Invitations, &bulk).await
        }
    }
}
