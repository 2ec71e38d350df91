//! `clerkctl members ...`

use super::orgs::metadata_args;
use super::{change, list};
use crate::app::App;
use crate::cli::MembersCmd;
use crate::fail::CliResult;
use crate::ops::{self, memberships, nothing_to_change};
use crate::output::Kind;

pub async fn run(app: &mut App, cmd: MembersCmd) -> CliResult {
    match cmd {
        MembersCmd::List(args) => {
            let op = memberships::list(&args.organization_id, &args.filter)?;
            list(app, Kind::Membership, op, &args.page).await
        }
        MembersCmd::Add {
            organization_id,
            user_id,
            role,
            metadata,
        } => {
            ops::check::org_id(&organization_id)?;
            ops::check::user_id(&user_id)?;
            ops::check::role(&role)?;
            let (public_metadata, private_metadata) = metadata_args(&metadata)?;
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
            let op = memberships::update(&organization_id, &user_id, &role)?;
            change(app, "members update", Kind::Membership, op).await
        }
        MembersCmd::UpdateMetadata {
            organization_id,
            user_id,
            metadata,
        } => {
            ops::check::org_id(&organization_id)?;
            ops::check::user_id(&user_id)?;
            let (public_metadata, private_metadata) = metadata_args(&metadata)?;
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
            let op = memberships::remove(&organization_id, &user_id)?;
            change(app, "members remove", Kind::Membership, op).await
        }
        MembersCmd::Export {
            organization_id,
            filter,
            export,
        } => {
            let op = memberships::export(&organization_id, &filter)?;
            super::bulk::export(app, crate::bulk::export::What::Members(op), &export).await
        }
        MembersCmd::AddBulk {
            organization_id,
            role,
            bulk,
        } => {
            let org = ops::check::org_id(&organization_id)?;
            let role = role.as_deref().map(ops::check::role).transpose()?;
            super::bulk::run(app, crate::bulk::jobs::Job::Members { org, role }, &bulk).await
        }
    }
}
