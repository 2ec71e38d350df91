//! `clerkctl orgs ...`

use super::args::{at_most_one_stdin, opt_object};
use super::{change, find_org, list, names_in, show};
use crate::app::App;
use crate::cli::{MetadataArgs, OrgsCmd};
use crate::fail::CliResult;
use crate::ops::{self, nothing_to_change, organizations};
use crate::output::Kind;

/// `--public-metadata` and `--private-metadata`, read.
pub fn metadata_args(m: &MetadataArgs) -> CliResult<(Option<ops::Object>, Option<ops::Object>)> {
    at_most_one_stdin([
        ("--public-metadata", m.public_metadata.as_ref()),
        ("--private-metadata", m.private_metadata.as_ref()),
    ])?;
    Ok((
        opt_object("--public-metadata", &m.public_metadata)?,
        opt_object("--private-metadata", &m.private_metadata)?,
    ))
}

pub async fn run(app: &mut App, cmd: OrgsCmd) -> CliResult {
    match cmd {
        OrgsCmd::List { filter, page } => {
            let filter = org_filters(app, filter).await?;
            list(
                app,
                Kind::Organization,
                organizations::list(&filter)?,
                &page,
            )
            .await
        }
        OrgsCmd::Get {
            organization,
            include_members_count,
        } => {
            let organization = find_org(app, &organization).await?;
            let op = organizations::get(&organization, include_members_count)?;
            show(app, Kind::Organization, op).await
        }
        OrgsCmd::Create {
            name,
            slug,
            created_by,
            max_allowed_memberships,
            metadata,
        } => {
            let (public_metadata, private_metadata) = metadata_args(&metadata)?;
            // The creator may be named by email or username, as users are elsewhere.
            let created_by = match created_by {
                Some(u) => Some(super::find_user(app, &u).await?),
                None => None,
            };
            let op = organizations::create(organizations::Create {
                name,
                slug,
                created_by,
                max_allowed_memberships,
                public_metadata,
                private_metadata,
            })?;
            change(app, "orgs create", Kind::Organization, op).await
        }
        OrgsCmd::Update {
            organization_id,
            name,
            slug,
            max_allowed_memberships,
            admin_delete_enabled,
        } => {
            let mut input = organizations::Update {
                organization_id,
                name,
                slug,
                max_allowed_memberships,
                admin_delete_enabled,
            };
            if input.is_empty() {
                ops::names::org(&input.organization_id)?;
                return Err(nothing_to_change(
                    "--name, --slug, --max-allowed-memberships, --admin-delete-enabled",
                ));
            }
            input.organization_id = find_org(app, &input.organization_id).await?;
            change(
                app,
                "orgs update",
                Kind::Organization,
                organizations::update(input)?,
            )
            .await
        }
        OrgsCmd::UpdateMetadata {
            organization_id,
            metadata,
        } => org_metadata(app, organization_id, &metadata, false).await,
        OrgsCmd::ReplaceMetadata {
            organization_id,
            metadata,
        } => org_metadata(app, organization_id, &metadata, true).await,
        OrgsCmd::Delete { organization_id } => {
            let organization_id = find_org(app, &organization_id).await?;
            let op = organizations::delete(&organization_id)?;
            change(app, "orgs delete", Kind::Deleted, op).await
        }
        OrgsCmd::Import { users, bulk } => {
            let sources = crate::bulk::copy::Sources {
                users,
                organization: None,
                ..Default::default()
            };
            let job = crate::bulk::jobs::Job::Organizations;
            super::bulk::run_copy(app, job, &bulk, &sources).await
        }
        OrgsCmd::Export { filter, export } => {
            let filter = org_filters(app, filter).await?;
            let what = crate::bulk::export::What::Organizations(organizations::export(&filter)?);
            super::bulk::export(app, what, &export).await
        }
        OrgsCmd::UpdateMetadataBulk {
            organizations: given,
            bulk,
        } => {
            for g in &given {
                crate::ops::names::org(g)?;
            }
            let resolve = async move |app: &mut App| {
                let mut ids: Vec<String> = Vec::new();
                for g in &given {
                    let id = find_org(app, g).await?;
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                Ok((crate::ops::metadata::Target::Organizations, ids))
            };
            super::bulk::metadata(app, &bulk, None, resolve).await
        }
    }
}

async fn org_metadata(
    app: &mut App,
    organization_id: String,
    m: &MetadataArgs,
    replace: bool,
) -> CliResult {
    ops::names::org(&organization_id)?;
    let (public_metadata, private_metadata) = metadata_args(m)?;
    let organization_id = if public_metadata.is_some() || private_metadata.is_some() {
        find_org(app, &organization_id).await?
    } else {
        organization_id
    };
    let input = organizations::Metadata {
        organization_id,
        public_metadata,
        private_metadata,
    };
    if input.is_empty() {
        return Err(nothing_to_change("--public-metadata, --private-metadata"));
    }
    let command = if replace {
        "orgs replace-metadata"
    } else {
        "orgs update-metadata"
    };
    let op = organizations::metadata(input, replace)?;
    change(app, command, Kind::Organization, op).await
}

/// `orgs list`'s filters with their names resolved to IDs.
async fn org_filters(
    app: &mut App,
    f: organizations::OrganizationFilters,
) -> CliResult<organizations::OrganizationFilters> {
    if !names_in(&f.user_id, &f.organization_id)? {
        return Ok(f);
    }
    let client = app.client().await?;
    crate::resolve::org_filters(&client, f).await
}
