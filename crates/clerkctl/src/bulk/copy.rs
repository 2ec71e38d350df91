//! Copying an instance: `orgs import` and `members import` of the project's own exports into
//! another instance, after `users import` of its users.
//!
//! An export names users and organizations by the IDs of the instance it came from, which the
//! copy cannot keep (Clerk makes new ones). Before a job runs, [`map`] turns them into this
//! instance's: a user through the users export (`--users`: its external ID, email addresses,
//! username or phone numbers, the identifiers `users import` recreated) or a membership's own
//! identifier; an organization through its slug (which `orgs import` recreates). This
//! instance's users and organizations are read once, page by page, not once a row. The jobs
//! themselves are ordinary bulk jobs (`Job::Organizations`, `Job::Memberships`): journaled,
//! paced, resumable; their keys are this instance's IDs and slugs, so a rerun finds what an
//! interrupted run made.
//!
//! Clerk makes an organization's creator its admin when the organization is created, so
//! `members import` may find a membership there already: it is given the exported role and
//! metadata, and a lookup after a lost answer counts a membership as done only when it has them.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use clerk_api::models::{Organization, User};
use clerk_api::{Client, RetryPolicy};
use futures::TryStreamExt;
use serde_json::{Map, Value};

use super::jobs::Job;
use super::rows::{self, BadRow, Cell, Row, Shape};
use crate::fail::{CliResult, Fail, Front};
use crate::ops::organizations::{self, OrganizationFilters, RowLookup};
use crate::ops::users::{self, UserFilters};
use crate::ops::{Listing, Page, check, memberships};
use crate::term::Stderr;

/// Where the IDs of an export's instance are mapped from.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The users export of the instance the file came from (`users export`, CSV or ndjson).
    pub users: Option<PathBuf>,
    /// `members import`: the organization (of this instance: ID, slug or name) every row goes
    /// to, whatever organization the file names.
    pub organization: Option<String>,
    /// Who reads the rows' failures: they name the flags and commands, or the MCP tools'
    /// parameters and tools, that fix them.
    pub front: Front,
}

impl Default for Sources {
    fn default() -> Sources {
        Sources {
            users: None,
            organization: None,
            front: Front::Cli,
        }
    }
}

/// What a failure tells its reader to pass or run, in the words of its front.
struct Words {
    users_param: &'static str,
    users: &'static str,
    organization: &'static str,
    users_import: &'static str,
    orgs_import: &'static str,
}

impl Words {
    fn of(front: Front) -> Words {
        match front {
            Front::Cli => Words {
                users_param: "--users",
                users: "--users FILE",
                organization: "--organization ORG",
                users_import: "users import",
                orgs_import: "orgs import",
            },
            Front::Mcp => Words {
                users_param: "users",
                users: "users",
                organization: "organization_id",
                users_import: "import_users",
                orgs_import: "import_organizations",
            },
        }
    }
}

/// The columns of a users export that identify a user.
const USER_REF_FIELDS: &[&str] = &[
    "id",
    "external_id",
    "primary_email_address",
    "email_addresses",
    "phone_numbers",
    "username",
];

/// The other columns of a users export: read past.
const USER_REF_IGNORED: &[&str] = &[
    "first_name",
    "last_name",
    "banned",
    "locked",
    "created_at",
    "updated_at",
    "last_sign_in_at",
    "last_active_at",
    "public_metadata",
    "private_metadata",
    "unsafe_metadata",
];

/// Clerk's user object (an ndjson users export) as the identifying fields.
fn user_ref_from_export(row: &mut Map<String, Value>) {
    if row.get("object").and_then(Value::as_str) != Some("user") {
        return;
    }
    for (list, field) in [
        ("email_addresses", "email_address"),
        ("phone_numbers", "phone_number"),
    ] {
        let values: Vec<Value> = row
            .get(list)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|e| e.get(field).cloned())
                    .filter(Value::is_string)
                    .collect()
            })
            .unwrap_or_default();
        row.insert(list.into(), Value::Array(values));
    }
    row.retain(|k, v| USER_REF_FIELDS.contains(&k.as_str()) && !v.is_null());
}

/// The keys under which a user can be found: external ID, email addresses, username, phone
/// numbers (case-insensitive where Clerk's are).
fn user_keys(
    external_id: Option<&str>,
    emails: &[String],
    username: Option<&str>,
    phones: &[String],
) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(e) = external_id.filter(|e| !e.is_empty()) {
        keys.push(format!("external_id:{e}"));
    }
    keys.extend(emails.iter().map(|e| format!("email:{}", e.to_lowercase())));
    if let Some(u) = username.filter(|u| !u.is_empty()) {
        keys.push(format!("username:{}", u.to_lowercase()));
    }
    keys.extend(phones.iter().map(|p| format!("phone:{p}")));
    keys
}

/// A list cell of a users export: a JSON array, or values separated by `;`.
fn list_of(row: &Map<String, Value>, field: &str) -> Vec<String> {
    match row.get(field) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => s
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads a users export: each user's ID in its instance, and the keys that find it here.
fn read_users(path: &Path, words: &Words) -> CliResult<HashMap<String, Vec<String>>> {
    let format = rows::format_of(path, None)?;
    let shape = Shape {
        known: USER_REF_FIELDS,
        needs: &[&["id"]],
        dropped: USER_REF_IGNORED,
        from_export: user_ref_from_export,
    };
    let (read, bad) = rows::read(path, format, |_| Cell::Text, &shape).map_err(|f| {
        crate::fail::usage(format!(
            "{} {}: {} (it takes a users export)",
            words.users_param,
            path.display(),
            f.line()
        ))
    })?;
    if let Some(b) = bad.first() {
        return Err(crate::fail::usage(format!(
            "{} {}: line {}: {}; nothing was sent",
            words.users_param,
            path.display(),
            b.line,
            b.reason
        )));
    }
    let text = |r: &Map<String, Value>, f: &str| {
        r.get(f)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .filter(|s| !s.is_empty())
    };
    let mut refs = HashMap::new();
    for r in read {
        let Some(id) = text(&r.body, "id") else {
            continue;
        };
        let mut emails = text(&r.body, "primary_email_address")
            .into_iter()
            .collect::<Vec<_>>();
        emails.extend(list_of(&r.body, "email_addresses"));
        let keys = user_keys(
            text(&r.body, "external_id").as_deref(),
            &emails,
            text(&r.body, "username").as_deref(),
            &list_of(&r.body, "phone_numbers"),
        );
        refs.insert(id, keys);
    }
    Ok(refs)
}

/// Every item of a listing, page after page.
async fn all<T>(client: &Client, listing: &Listing<T>) -> CliResult<Vec<T>>
where
    T: serde::de::DeserializeOwned + clerk_api::page::HasId + Send + 'static,
{
    listing
        .request(client, &Page::default())
        .stream()
        .try_collect()
        .await
        .map_err(|error| Fail::Clerk {
            doing: listing.doing.clone(),
            subject: listing.subject,
            error,
        })
}

/// This instance's users: their IDs, and each key that finds one.
struct Users {
    ids: HashSet<String>,
    by_key: HashMap<String, String>,
}

impl Users {
    async fn read(client: &Client) -> CliResult<Users> {
        let listing = users::export(&UserFilters::default())?;
        let mut ids = HashSet::new();
        let mut by_key = HashMap::new();
        for u in all::<User>(client, &listing).await? {
            let emails: Vec<String> = u
                .email_addresses
                .iter()
                .map(|e| e.email_address.clone())
                .collect();
            let phones: Vec<String> = u
                .phone_numbers
                .iter()
                .map(|p| p.phone_number.clone())
                .collect();
            let id = u.id.to_string();
            for k in user_keys(
                u.external_id.as_deref(),
                &emails,
                u.username.as_deref(),
                &phones,
            ) {
                by_key.entry(k).or_insert_with(|| id.clone());
            }
            ids.insert(id);
        }
        Ok(Users { ids, by_key })
    }

    /// The user here that `old` (a user ID of the export's instance, or of this one) is,
    /// through the users export's keys for it, else through `identifier`.
    fn find(
        &self,
        old: Option<&str>,
        identifier: Option<&str>,
        refs: Option<&HashMap<String, Vec<String>>>,
    ) -> Option<String> {
        if let Some(old) = old {
            if self.ids.contains(old) {
                return Some(old.to_owned());
            }
            if let Some(keys) = refs.and_then(|r| r.get(old))
                && let Some(id) = keys.iter().find_map(|k| self.by_key.get(k))
            {
                return Some(id.clone());
            }
        }
        let identifier = identifier.filter(|i| !i.is_empty())?;
        let lower = identifier.to_lowercase();
        ["email:", "username:", "phone:"]
            .iter()
            .find_map(|kind| {
                let value = if *kind == "phone:" {
                    identifier
                } else {
                    &lower
                };
                self.by_key.get(&format!("{kind}{value}"))
            })
            .cloned()
    }
}

/// Maps the users and organizations a job's rows name (IDs of the instance the file came from)
/// to this instance's. A row whose user or organization is not here fails (said, by line),
/// and is tried again by the next run. Other jobs' rows are answered as they are.
pub async fn map(
    client: &Client,
    job: &Job,
    rows: Vec<Row>,
    mut bad: Vec<BadRow>,
    sources: &Sources,
    err: &Stderr,
) -> CliResult<(Vec<Row>, Vec<BadRow>)> {
    let words = Words::of(sources.front);
    let refs = sources
        .users
        .as_deref()
        .map(|p| read_users(p, &words))
        .transpose()?;
    match job {
        Job::Organizations => {
            let users = match &refs {
                Some(_) => Some(Users::read(client).await?),
                None => None,
            };
            let mut dropped = 0;
            let mut out = Vec::with_capacity(rows.len());
            for mut row in rows {
                let Some(old) = row
                    .body
                    .remove("created_by")
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .filter(|s| !s.is_empty())
                else {
                    out.push(row);
                    continue;
                };
                match users
                    .as_ref()
                    .and_then(|u| u.find(Some(&old), None, refs.as_ref()))
                {
                    Some(id) => {
                        row.body.insert("created_by".into(), Value::String(id));
                    }
                    None => dropped += 1,
                }
                out.push(row);
            }
            if dropped > 0 {
                err.warn(format_args!(
                    "{}",
                    if refs.is_some() {
                        format!(
                            "{} organization{}' creator{} not in the --users file or not a user here (deleted, or not imported yet): created without created_by",
                            dropped,
                            if dropped == 1 { "" } else { "s" },
                            if dropped == 1 { " is" } else { "s are" }
                        )
                    } else {
                        format!(
                            "{dropped} organization{} created without created_by: pass --users FILE (the users export of the same instance) to keep each creator",
                            if dropped == 1 { " is" } else { "s are" }
                        )
                    }
                ));
            }
            Ok((out, bad))
        }
        Job::Memberships => {
            let users = Users::read(client).await?;
            let fixed = match &sources.organization {
                Some(given) => Some(crate::resolve::org(client, given).await?),
                None => None,
            };
            let orgs = match fixed {
                Some(_) => None,
                None => Some(
                    all::<Organization>(
                        client,
                        &organizations::export(&OrganizationFilters::default())?,
                    )
                    .await?,
                ),
            };
            let org_ids: HashSet<String> =
                orgs.iter().flatten().map(|o| o.id.to_string()).collect();
            let by_slug: HashMap<String, String> = orgs
                .iter()
                .flatten()
                .filter_map(|o| Some((o.slug.clone()?, o.id.to_string())))
                .collect();
            let mut out = Vec::with_capacity(rows.len());
            for mut row in rows {
                let text = |f: &str| {
                    row.body
                        .get(f)
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .filter(|s| !s.is_empty())
                };
                let (old_org, slug) = (text("organization_id"), text("organization_slug"));
                let (old_user, identifier) = (text("user_id"), text("identifier"));
                let org = fixed.clone().or_else(|| {
                    slug.as_ref()
                        .and_then(|s| by_slug.get(s).cloned())
                        .or_else(|| old_org.clone().filter(|o| org_ids.contains(o)))
                });
                let Some(org) = org else {
                    bad.push(BadRow {
                        line: row.line,
                        reason: match (&slug, &old_org) {
                            (None, None) => format!(
                                "no organization: the file has no organization_id or organization_slug column; pass {}",
                                words.organization
                            ),
                            _ => format!(
                                "organization {} is not in this instance: run {} first, or pass {}",
                                slug.or(old_org).unwrap_or_default(),
                                words.orgs_import,
                                words.organization
                            ),
                        },
                    });
                    continue;
                };
                let Some(user) =
                    users.find(old_user.as_deref(), identifier.as_deref(), refs.as_ref())
                else {
                    bad.push(BadRow {
                        line: row.line,
                        reason: format!(
                            "user {} is not in this instance: run {} first{}",
                            [old_user, identifier]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>()
                                .join(" "),
                            words.users_import,
                            match refs {
                                Some(_) => String::new(),
                                None => format!(
                                    ", or pass {} (the users export of the same instance)",
                                    words.users
                                ),
                            }
                        ),
                    });
                    continue;
                };
                for f in ["organization_slug", "identifier"] {
                    row.body.remove(f);
                }
                row.body
                    .insert("organization_id".into(), Value::String(org));
                row.body.insert("user_id".into(), Value::String(user));
                out.push(row);
            }
            bad.sort_by_key(|b| b.line);
            Ok((out, bad))
        }
        _ => Ok((rows, bad)),
    }
}

fn invalid(f: Fail) -> clerk_api::Error {
    clerk_api::Error::Invalid(f.line())
}

/// `members import`'s create of one row, sent once: the membership, or (when the user is a
/// member already, as an organization's creator is) the exported role and metadata given to
/// the one there. Answers the membership's ID.
pub async fn add_member(c: &Client, row: &Map<String, Value>) -> clerk_api::Result<String> {
    let (org, body) = memberships::import_row_parts(row).map_err(invalid)?;
    let op = memberships::create_row(&org, &body).map_err(invalid)?;
    match op.request(c).retry(RetryPolicy::none()).send().await {
        Ok(m) => Ok(m.id.to_string()),
        Err(clerk_api::Error::Api(a)) if a.code() == Some("already_a_member_in_organization") => {
            let user = body
                .get("user_id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let user = check::user_id(user).map_err(invalid)?;
            let found = memberships::find(&org, &user)
                .request(c, &Page::default())
                .send()
                .await?;
            let Some(m) = found.data.into_iter().next() else {
                return Err(clerk_api::Error::Api(a));
            };
            let (update, merge) = memberships::complete_row(&org, &m, &body).map_err(invalid)?;
            if let Some(u) = update {
                u.request(c).send().await?;
            }
            if let Some(m) = merge {
                m.request(c).send().await?;
            }
            Ok(m.id.to_string())
        }
        Err(e) => Err(e),
    }
}

/// The membership a `members import` row may have made already, if it has the row's role and
/// metadata (else the row is sent, and completes the membership).
pub async fn find_member(
    c: &Client,
    row: &Map<String, Value>,
) -> clerk_api::Result<Option<(String, Option<i64>)>> {
    let (org, body) = memberships::import_row_parts(row).map_err(invalid)?;
    let Some(lookup) = memberships::find_row(&org, &body) else {
        return Ok(None);
    };
    let found = lookup.request(c, &Page::default()).send().await?;
    Ok(found
        .data
        .iter()
        .find(|m| memberships::matches_row(m, &body))
        .map(|m| (m.id.to_string(), m.created_at)))
}

/// The organization an `orgs import` row may have made already: by slug, else by exact name.
pub async fn find_org(
    c: &Client,
    row: &Map<String, Value>,
) -> clerk_api::Result<Option<(String, Option<i64>)>> {
    match organizations::find_row(row).map_err(invalid)? {
        RowLookup::Slug(read) => match read.request(c).send().await {
            Ok(o) => Ok(Some((o.id.to_string(), o.created_at))),
            Err(e) if e.status() == Some(404) => Ok(None),
            Err(e) => Err(e),
        },
        RowLookup::Name(name, search) => {
            let found = search.request(c, &Page::default()).send().await?;
            Ok(found
                .data
                .iter()
                .find(|o| o.name == name)
                .map(|o| (o.id.to_string(), o.created_at)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_user_is_found_by_the_exports_keys_then_by_identifier() {
        let users = Users {
            ids: ["user_new1".to_owned(), "user_new2".to_owned()].into(),
            by_key: [
                ("external_id:crm-1".to_owned(), "user_new1".to_owned()),
                ("email:ada@example.com".to_owned(), "user_new1".to_owned()),
                ("username:grace".to_owned(), "user_new2".to_owned()),
            ]
            .into(),
        };
        let refs: HashMap<String, Vec<String>> = [(
            "user_old1".to_owned(),
            user_keys(Some("crm-1"), &[], None, &[]),
        )]
        .into();
        assert_eq!(
            users.find(Some("user_old1"), None, Some(&refs)).as_deref(),
            Some("user_new1")
        );
        assert_eq!(
            users.find(Some("user_new2"), None, None).as_deref(),
            Some("user_new2"),
            "an ID of this instance is kept"
        );
        assert_eq!(
            users
                .find(Some("user_old9"), Some("Grace"), None)
                .as_deref(),
            Some("user_new2")
        );
        assert_eq!(
            users
                .find(Some("user_old9"), Some("Ada@Example.com"), Some(&refs))
                .as_deref(),
            Some("user_new1")
        );
        assert_eq!(
            users.find(Some("user_old9"), Some("nobody@x.co"), None),
            None
        );
    }

    #[test]
    fn a_user_object_becomes_its_identifying_fields() {
        let mut row = json!({
            "object": "user", "id": "user_1", "external_id": null, "username": "ada",
            "email_addresses": [{"id": "idn_1", "email_address": "ada@example.com"}],
            "phone_numbers": [], "first_name": "Ada"
        })
        .as_object()
        .unwrap()
        .clone();
        user_ref_from_export(&mut row);
        assert_eq!(
            Value::Object(row),
            json!({"id": "user_1", "username": "ada", "email_addresses": ["ada@example.com"], "phone_numbers": []})
        );
    }
}
