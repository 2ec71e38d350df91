//! `clerkctl members ...`

use super::orgs::metadata_args;
use super::{change, find_org, find_user, find_users, list, names_in};
use crate::app::App;
use crate::cli::MembersCmd;
use crate::fail::CliResult;
use crate::ops::{self, memberships, nothing_to_change};
use crate::output::Kind;

pub async fn run(app: &mut App, cmd: MembersCmd) -> CliResult {
    match cmd {
        MembersCmd::List(args) => {
            let org = find_org(app, &args.organization_id).await?;
            let mut filter = args.filter.clone();
            if names_in(&filter.user_id, &[])? {
                let client = app.client().await?;
                filter = crate::resolve::member_filters(&client, filter).await?;
            }
            let op = memberships::list(&org, &filter)?;
            list(app, Kind::Membership, op, &args.page).await
        }
        MembersCmd::Add {
            organization_id,
            user_id,
            role,
            metadata,
        } => {
            ops::names::org(&organization_id)?;
            ops::names::user(&user_id)?;
            ops::check::role(&role)?;
            let (public_metadata, private_metadata) = metadata_args(&metadata)?;
            let organization_id = find_org(app, &organization_id).await?;
            let user_id = find_user(app, &user_id).await?;
            let role = ops::check::role(&role)?;
            if !app.global.dry_run && !app.global.read_only {
                // A member with that role already: nothing to add, and an undo must not remove them.
                let find = memberships::membership_of(&organization_id, &user_id)?;
                let client = app.client().await?;
                let found = crate::resolve::items(&client, &find).await?;
                if let Some(mut m) = memberships::already_with_role(&found, &user_id, &role) {
                    app.err.say(format_args!(
                        "{user_id} is already {role} in {organization_id}: nothing changed"
                    ));
                    m["changed"] = serde_json::Value::Bool(false);
                    app.out.object(Kind::Membership, &m)?;
                    return Ok(());
                }
            }
            let op = memberships::add(memberships::Add {
                organization_id,
                user_id,
                role,
                public_metadata,
                private_metadata,
                other: ops::Object::new(),
            })?;
            change(app, "members add", Kind::Membership, op).await
        }
        MembersCmd::Update {
            organization_id,
            user_id,
            role,
        } => {
            ops::check::role(&role)?;
            let organization_id = find_org(app, &organization_id).await?;
            let user_id = find_user(app, &user_id).await?;
            let op = memberships::update(&organization_id, &user_id, &role)?;
            change(app, "members update", Kind::Membership, op).await
        }
        MembersCmd::UpdateMetadata {
            organization_id,
            user_id,
            metadata,
        } => {
            ops::names::org(&organization_id)?;
            ops::names::user(&user_id)?;
            let (public_metadata, private_metadata) = metadata_args(&metadata)?;
            if public_metadata.is_none() && private_metadata.is_none() {
                return Err(nothing_to_change("--public-metadata, --private-metadata"));
            }
            let organization_id = find_org(app, &organization_id).await?;
            let user_id = find_user(app, &user_id).await?;
            let input = memberships::Metadata {
                organization_id,
                user_id,
                public_metadata,
                private_metadata,
            };
            if input.is_empty() {
                return Err(nothing_to_change("--public-metadata, --private-metadata"));
            }
            let op = memberships::metadata(input)?;
            change(app, "members update-metadata", Kind::Membership, op).await
        }
        MembersCmd::Remove {
            organization_id,
            user_id,
        } => {
            let organization_id = find_org(app, &organization_id).await?;
            let user_id = find_user(app, &user_id).await?;
            let op = memberships::remove(&organization_id, &user_id)?;
            change(app, "members remove", Kind::Membership, op).await
        }
        MembersCmd::Export {
            organization_id,
            filter,
            export,
        } => {
            let Some(organization_id) = organization_id else {
                if !filter.is_empty() {
                    return Err(crate::fail::usage(
                        "members export without an organization exports every membership and takes no filters: name the organization, or leave the filters out",
                    ));
                }
                let op = memberships::export_all();
                return super::bulk::export(app, crate::bulk::export::What::Members(op), &export)
                    .await;
            };
            let organization_id = find_org(app, &organization_id).await?;
            let mut filter = *filter;
            if names_in(&filter.user_id, &[])? {
                let client = app.client().await?;
                filter = crate::resolve::member_filters(&client, filter).await?;
            }
            let op = memberships::export(&organization_id, &filter)?;
            super::bulk::export(app, crate::bulk::export::What::Members(op), &export).await
        }
        MembersCmd::AddBulk {
            organization_id,
            role,
            bulk,
        } => {
            ops::names::org(&organization_id)?;
            let role = role.as_deref().map(ops::check::role).transpose()?;
            let org = ops::check::org_id(&find_org(app, &organization_id).await?)?;
            super::bulk::run(app, crate::bulk::jobs::Job::Members { org, role }, &bulk).await
        }
        MembersCmd::UpdateMetadataBulk {
            organization,
            users: given,
            bulk,
        } => {
            ops::names::org(&organization)?;
            for g in &given {
                ops::names::user(g)?;
            }
            let resolve = async move |app: &mut App| {
                let org = ops::check::org_id(&find_org(app, &organization).await?)?;
                let ids = if given.is_empty() {
                    Vec::new()
                } else {
                    find_users(app, &given).await?
                };
                Ok((ops::metadata::Target::Members(org), ids))
            };
            super::bulk::metadata(app, &bulk, None, resolve).await
        }
        MembersCmd::Import {
            organization,
            users,
            bulk,
        } => {
            let sources = crate::bulk::copy::Sources {
                users,
                organization,
                ..Default::default()
            };
            let job = crate::bulk::jobs::Job::Memberships;
            super::bulk::run_copy(app, job, &bulk, &sources).await
        }
    }
}
