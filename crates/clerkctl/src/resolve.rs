//! Sends the reads that turn names into IDs, for the command line and the MCP server alike:
//! `ops::names` says how a name is read and how the answers are judged (none found is exit 4,
//! several exit 2 with what matched listed). An ID is taken as it is, with no read.

use clerk_api::Client;
use serde_json::Value;

use crate::fail::{CliResult, Fail, Subject};
use crate::ops::names;
use crate::ops::{Listing, Page};

/// The ID of the user named `given` (an ID, an email address, a phone number or a username).
pub async fn user(client: &Client, given: &str) -> CliResult<String> {
    let name = names::user(given)?;
    let Some(lookup) = name.lookup() else {
        return Ok(name.id().map(|id| id.to_string()).unwrap_or_default());
    };
    let found = items(client, &lookup).await?;
    name.pick(&found).map(|id| id.to_string())
}

/// The IDs of several users, in the order given; the first name that fails stops them all.
pub async fn users(client: &Client, given: &[String]) -> CliResult<Vec<String>> {
    let mut ids = Vec::with_capacity(given.len());
    for g in given {
        let id = user(client, g).await?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// The ID of the organization named `given` (an ID, a slug, or its exact name).
pub async fn org(client: &Client, given: &str) -> CliResult<String> {
    let name = names::org(given)?;
    if let Some(id) = name.id() {
        return Ok(id.to_string());
    }
    if let Some(read) = name.by_slug() {
        match read.request(client).send_json().await {
            Ok(v) => {
                if let Some(id) = v.get("id").and_then(Value::as_str) {
                    return Ok(id.to_owned());
                }
            }
            // No such slug: perhaps it is the organization's name.
            Err(e) if e.status() == Some(404) => {}
            Err(error) => {
                return Err(Fail::Clerk {
                    doing: read.doing,
                    subject: Subject::Organization,
                    error,
                });
            }
        }
    }
    let search = name.by_name().expect("a name that is not an ID");
    let found = items(client, &search).await?;
    name.pick(&found).map(|id| id.to_string())
}

/// Organization filters (`--organization-id`), each resolved, keeping Clerk's `+`/`-` signs.
pub async fn signed_orgs(client: &Client, given: &[String]) -> CliResult<Vec<String>> {
    let mut ids = Vec::with_capacity(given.len());
    for g in given {
        let (sign, name) = names::signed(g);
        let id = org(client, name).await?;
        ids.push(sign.map_or_else(|| id.clone(), |s| format!("{s}{id}")));
    }
    Ok(ids)
}

/// User filters (`--user-id`), each resolved, keeping Clerk's `+`/`-` signs.
pub async fn signed_users(client: &Client, given: &[String]) -> CliResult<Vec<String>> {
    let mut ids = Vec::with_capacity(given.len());
    for g in given {
        let (sign, name) = names::signed(g);
        let id = user(client, name).await?;
        ids.push(sign.map_or_else(|| id.clone(), |s| format!("{s}{id}")));
    }
    Ok(ids)
}

/// The items of a list's first page (a name lookup's answer).
pub async fn items<T>(client: &Client, listing: &Listing<T>) -> CliResult<Vec<Value>>
where
    T: serde::de::DeserializeOwned + clerk_api::page::HasId + Send + 'static,
{
    let answer = listing
        .request(client, &Page::default())
        .send_json()
        .await
        .map_err(|error| Fail::Clerk {
            doing: listing.doing.clone(),
            subject: listing.subject,
            error,
        })?;
    Ok(match answer {
        Value::Array(items) => items,
        Value::Object(mut m) => match m.remove("data") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    })
}

/// The names in `users list`'s filters (`--user-id`, `--organization-id`), resolved.
pub async fn user_filters(
    client: &Client,
    mut f: crate::ops::users::UserFilters,
) -> CliResult<crate::ops::users::UserFilters> {
    f.user_id = signed_users(client, &f.user_id).await?;
    f.organization_id = signed_orgs(client, &f.organization_id).await?;
    Ok(f)
}

/// The names in `orgs list`'s filters (`--user-id`, `--organization-id`), resolved.
pub async fn org_filters(
    client: &Client,
    mut f: crate::ops::organizations::OrganizationFilters,
) -> CliResult<crate::ops::organizations::OrganizationFilters> {
    f.user_id = signed_users(client, &f.user_id).await?;
    f.organization_id = signed_orgs(client, &f.organization_id).await?;
    Ok(f)
}

/// The names in `members list`'s filters (`--user-id`), resolved.
pub async fn member_filters(
    client: &Client,
    mut f: crate::ops::memberships::MemberFilters,
) -> CliResult<crate::ops::memberships::MemberFilters> {
    f.user_id = signed_users(client, &f.user_id).await?;
    Ok(f)
}
