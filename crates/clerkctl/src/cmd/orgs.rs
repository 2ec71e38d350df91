//! `clerkctl orgs ...`

use serde_json::{Map, Value};

use super::{change, list, nothing_to_send, show};
use crate::app::{App, Change};
use crate::cli::{MetadataArgs, OrgsCmd};
use crate::fail::{CliResult, Subject};
use crate::input;
use crate::output::Kind;

/// `--public-metadata` and `--private-metadata` as body fields.
pub fn metadata_body(m: &MetadataArgs) -> CliResult<Map<String, Value>> {
    input::at_most_one_stdin([
        ("--public-metadata", m.public_metadata.as_ref()),
        ("--private-metadata", m.private_metadata.as_ref()),
    ])?;
    let mut body = Map::new();
    for (flag, key, raw) in [
        ("--public-metadata", "public_metadata", &m.public_metadata),
        (
            "--private-metadata",
            "private_metadata",
            &m.private_metadata,
        ),
    ] {
        if let Some(raw) = raw {
            body.insert(key.into(), Value::Object(input::json_object(flag, raw)?));
        }
    }
    Ok(body)
}

pub async fn run(app: &mut App, cmd: OrgsCmd) -> CliResult {
    match cmd {
        OrgsCmd::List {
            query,
            user_id,
            organization_id,
            include_members_count,
            include_missing_member_with_elevated_permissions,
            page,
        } => {
            let users = input::signed_ids(&user_id, input::user_id)?;
            let orgs = input::signed_ids(&organization_id, input::org_id)?;
            let client = app.client().await?;
            let mut req = client.organizations().list();
            if let Some(q) = query {
                req = req.query(q);
            }
            req = req.user_id(users).organization_id(orgs);
            if include_members_count {
                req = req.include_members_count(true);
            }
            if include_missing_member_with_elevated_permissions {
                req = req.include_missing_member_with_elevated_permissions(true);
            }
            list(
                app,
                Kind::Organization,
                Subject::Organization,
                "orgs list",
                req,
                &page,
                None,
            )
            .await
        }
        OrgsCmd::Get {
            organization,
            include_members_count,
        } => {
            let id = input::org_id_or_slug(&organization)?;
            let client = app.client().await?;
            let mut req = client.organizations().get(&id);
            if include_members_count {
                req = req.include_members_count(true);
            }
            show(
                app,
                Kind::Organization,
                Subject::Organization,
                format!("orgs get {id}"),
                req,
            )
            .await
        }
        OrgsCmd::Create {
            name,
            slug,
            created_by,
            max_allowed_memberships,
            metadata,
        } => {
            let mut body = metadata_body(&metadata)?;
            body.insert("name".into(), Value::from(name.clone()));
            if let Some(s) = slug {
                body.insert("slug".into(), Value::from(input::slug(&s)?));
            }
            if let Some(u) = created_by {
                body.insert(
                    "created_by".into(),
                    Value::from(input::user_id(&u)?.to_string()),
                );
            }
            if let Some(n) = max_allowed_memberships {
                body.insert("max_allowed_memberships".into(), Value::from(n));
            }
            let c = Change::new(
                "orgs create",
                "create an organization",
                Subject::Organization,
                None,
            );
            app.guard(&c)?;
            let client = app.client().await?;
            let req = client
                .organizations()
                .create(name)
                .body(Value::Object(body));
            change(app, Kind::Organization, &c, req).await
        }
        OrgsCmd::Update {
            organization_id,
            name,
            slug,
            max_allowed_memberships,
            admin_delete_enabled,
        } => {
            let id = input::org_id(&organization_id)?;
            let mut body = Map::new();
            if let Some(n) = name {
                body.insert("name".into(), Value::from(n));
            }
            if let Some(s) = slug {
                body.insert("slug".into(), Value::from(input::slug(&s)?));
            }
            if let Some(n) = max_allowed_memberships {
                body.insert("max_allowed_memberships".into(), Value::from(n));
            }
            if let Some(b) = admin_delete_enabled {
                body.insert("admin_delete_enabled".into(), Value::from(b));
            }
            if body.is_empty() {
                return Err(nothing_to_send(
                    "--name, --slug, --max-allowed-memberships, --admin-delete-enabled",
                ));
            }
            let c = Change::new(
                "orgs update",
                format!("update organization {id}"),
                Subject::Organization,
                Some(id.as_str()),
            );
            app.guard(&c)?;
            let client = app.client().await?;
            change(
                app,
                Kind::Organization,
                &c,
                client.organizations().update(&id).body(Value::Object(body)),
            )
            .await
        }
        OrgsCmd::UpdateMetadata {
            organization_id,
            metadata,
        } => org_metadata(app, &organization_id, &metadata, false).await,
        OrgsCmd::ReplaceMetadata {
            organization_id,
            metadata,
        } => org_metadata(app, &organization_id, &metadata, true).await,
        OrgsCmd::Delete { organization_id } => {
            let id = input::org_id(&organization_id)?;
            let c = Change::new(
                "orgs delete",
                format!("delete organization {id} with all its memberships and invitations"),
                Subject::Organization,
                Some(id.as_str()),
            )
            .destructive();
            app.guard(&c)?;
            let client = app.client().await?;
            change(app, Kind::Deleted, &c, client.organizations().delete(&id)).await
        }
        OrgsCmd::Export {
            include_members_count,
            export,
        } => {
            let what = crate::bulk::export::What::Organizations {
                include_members_count,
            };
            crate::bulk::export::run(app, what, &export).await
        }
    }
}

async fn org_metadata(app: &mut App, org: &str, m: &MetadataArgs, replace: bool) -> CliResult {
    let id = input::org_id(org)?;
    let body = metadata_body(m)?;
    if body.is_empty() {
        return Err(nothing_to_send("--public-metadata, --private-metadata"));
    }
    let (command, verb) = if replace {
        ("orgs replace-metadata", "replace")
    } else {
        ("orgs update-metadata", "update")
    };
    let c = Change::new(
        command,
        format!("{verb} the metadata of organization {id}"),
        Subject::Organization,
        Some(id.as_str()),
    );
    app.guard(&c)?;
    let client = app.client().await?;
    let req = if replace {
        client.organizations().replace_metadata(&id)
    } else {
        client.organizations().update_metadata(&id)
    };
    change(app, Kind::Organization, &c, req.body(Value::Object(body))).await
}
