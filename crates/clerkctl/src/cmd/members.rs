//! `clerkctl members ...`

use serde_json::Value;

use super::orgs::metadata_body;
use super::{change, list, nothing_to_send};
use crate::app::{App, Change};
use crate::cli::MembersCmd;
use crate::fail::{CliResult, Subject};
use crate::input;
use crate::output::Kind;

pub async fn run(app: &mut App, cmd: MembersCmd) -> CliResult {
    match cmd {
        MembersCmd::List(args) => {
            let crate::cli::MembersListArgs {
                organization_id,
                role,
                user_id,
                email_address,
                phone_number,
                username,
                web3_wallet,
                query,
                email_address_query,
                phone_number_query,
                username_query,
                name_query,
                last_active_at_before,
                last_active_at_after,
                created_at_before,
                created_at_after,
                page,
            } = *args;
            let org = input::org_id(&organization_id)?;
            let roles: Vec<String> = role
                .iter()
                .map(|r| input::role(r))
                .collect::<CliResult<_>>()?;
            let users = input::signed_ids(&user_id, input::user_id)?;
            let emails: Vec<String> = email_address
                .iter()
                .map(|e| input::email(e))
                .collect::<CliResult<_>>()?;
            let client = app.client().await?;
            let mut req = client
                .memberships(&org)
                .list()
                .role(roles)
                .user_id(users)
                .email_address(emails)
                .phone_number(phone_number)
                .username(username)
                .web3_wallet(web3_wallet);
            if let Some(q) = query {
                req = req.query(q);
            }
            if let Some(q) = email_address_query {
                req = req.email_address_query(q);
            }
            if let Some(q) = phone_number_query {
                req = req.phone_number_query(q);
            }
            if let Some(q) = username_query {
                req = req.username_query(q);
            }
            if let Some(q) = name_query {
                req = req.name_query(q);
            }
            if let Some(t) = last_active_at_before {
                req = req.last_active_at_before(t);
            }
            if let Some(t) = last_active_at_after {
                req = req.last_active_at_after(t);
            }
            if let Some(t) = created_at_before {
                req = req.created_at_before(t);
            }
            if let Some(t) = created_at_after {
                req = req.created_at_after(t);
            }
            list(
                app,
                Kind::Membership,
                Subject::Membership,
                &format!("members list {org}"),
                req,
                &page,
                None,
            )
            .await
        }
        MembersCmd::Add {
            organization_id,
            user_id,
            role,
            metadata,
        } => {
            let org = input::org_id(&organization_id)?;
            let user = input::user_id(&user_id)?;
            let role = input::role(&role)?;
            let mut body = metadata_body(&metadata)?;
            body.insert("user_id".into(), Value::from(user.to_string()));
            body.insert("role".into(), Value::from(role.clone()));
            let c = Change::new(
                "members add",
                format!("add {user} to {org} as {role}"),
                Subject::Membership,
                Some(user.as_str()),
            );
            app.guard(&c)?;
            let client = app.client().await?;
            let req = client
                .memberships(&org)
                .add(&user, &role)
                .body(Value::Object(body));
            change(app, Kind::Membership, &c, req).await
        }
        MembersCmd::Update {
            organization_id,
            user_id,
            role,
        } => {
            let org = input::org_id(&organization_id)?;
            let user = input::user_id(&user_id)?;
            let role = input::role(&role)?;
            let c = Change::new(
                "members update",
                format!("make {user} {role} in {org}"),
                Subject::Membership,
                Some(user.as_str()),
            );
            app.guard(&c)?;
            let client = app.client().await?;
            change(
                app,
                Kind::Membership,
                &c,
                client.memberships(&org).update(&user, role),
            )
            .await
        }
        MembersCmd::UpdateMetadata {
            organization_id,
            user_id,
            metadata,
        } => {
            let org = input::org_id(&organization_id)?;
            let user = input::user_id(&user_id)?;
            let body = metadata_body(&metadata)?;
            if body.is_empty() {
                return Err(nothing_to_send("--public-metadata, --private-metadata"));
            }
            let c = Change::new(
                "members update-metadata",
                format!("update the metadata of {user}'s membership in {org}"),
                Subject::Membership,
                Some(user.as_str()),
            );
            app.guard(&c)?;
            let client = app.client().await?;
            let req = client
                .memberships(&org)
                .update_metadata(&user)
                .body(Value::Object(body));
            change(app, Kind::Membership, &c, req).await
        }
        MembersCmd::Remove {
            organization_id,
            user_id,
        } => {
            let org = input::org_id(&organization_id)?;
            let user = input::user_id(&user_id)?;
            let c = Change::new(
                "members remove",
                format!("remove {user} from {org}"),
                Subject::Membership,
                Some(user.as_str()),
            )
            .destructive();
            app.guard(&c)?;
            let client = app.client().await?;
            change(
                app,
                Kind::Membership,
                &c,
                client.memberships(&org).remove(&user),
            )
            .await
        }
        MembersCmd::Export {
            organization_id,
            export,
        } => {
            let org = input::org_id(&organization_id)?;
            crate::bulk::export::run(app, crate::bulk::export::What::Members { org }, &export).await
        }
        MembersCmd::AddBulk {
            organization_id,
            role,
            bulk,
        } => {
            let org = input::org_id(&organization_id)?;
            let role = role.as_deref().map(input::role).transpose()?;
            crate::bulk::run(app, crate::bulk::jobs::Job::Members { org, role }, &bulk).await
        }
    }
}
