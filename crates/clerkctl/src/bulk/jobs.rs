//! The four bulk jobs: what a row is, how it is created (in bulk where Clerk allows), how an
//! existing object is found again, and which refusals mean "already there".
//!
//! What a row holds, how it is checked and keyed, and the requests it makes are the operations'
//! (`ops::*::prepare_row`, `create_row`, `find_row`): a job only says which.

use clerk_api::ids::OrganizationId;
use clerk_api::{ApiError, Client, PreparedRequest, RetryPolicy};

use super::rows::{Cell, Shape};
use crate::fail::{CliResult, Fail, Subject};
use crate::ops::metadata::{self, Target};
use crate::ops::{self, Change, Object};
use crate::ops::{invitations, memberships, organization_invitations, organizations, users};

/// Clerk's bulk endpoints take at most this many items.
pub const BULK_SIZE: usize = 10;

#[derive(Debug, Clone)]
pub enum Job {
    /// `invitations bulk ORG`.
    OrganizationInvitations {
        org: OrganizationId,
        role: Option<String>,
    },
    /// `app-invitations bulk`.
    Invitations,
    /// `users import`.
    Users,
    /// `members add-bulk ORG`.
    Members {
        org: OrganizationId,
        role: Option<String>,
    },
    /// `users|orgs|members update-metadata-bulk`: a metadata merge per row.
    Metadata {
        target: Target,
        /// The metadata of rows that give none (the command's flags).
        defaults: Object,
    },
    /// `orgs import`.
    Organizations,
    /// `members import`: rows whose organization and user are this instance's already
    /// (`super::copy` maps an export's to them).
    Memberships,
}

/// Clerk's hourly limits on an invitation job's two endpoints: (bulk, single) requests per hour.
pub struct Hourly {
    pub bulk: u32,
    pub single: u32,
}

impl Job {
    pub fn name(&self) -> &'static str {
        match self {
            Job::OrganizationInvitations { .. } => "invitations bulk",
            Job::Invitations => "app-invitations bulk",
            Job::Users => "users import",
            Job::Members { .. } => "members add-bulk",
            Job::Metadata { target, .. } => match target {
                Target::Users => "users update-metadata-bulk",
                Target::Organizations => "orgs update-metadata-bulk",
                Target::Members(_) => "members update-metadata-bulk",
            },
            Job::Organizations => "orgs import",
            Job::Memberships => "members import",
        }
    }

    /// The job as a change: what the read-only guard refuses and the audit log records.
    pub fn change(&self) -> Change {
        Change::new(format!("run `{}`", self.name()), Subject::Other, None)
    }

    /// What the job acts on (the organization), for the journal.
    pub fn target(&self) -> &str {
        match self {
            Job::OrganizationInvitations { org, .. }
            | Job::Members { org, .. }
            | Job::Metadata {
                target: Target::Members(org),
                ..
            } => org.as_str(),
            Job::Invitations
            | Job::Users
            | Job::Organizations
            | Job::Memberships
            | Job::Metadata { .. } => "",
        }
    }

    pub fn noun(&self) -> &'static str {
        match self {
            Job::OrganizationInvitations { .. } | Job::Invitations => "invitations",
            Job::Users => "users",
            Job::Members { .. } | Job::Memberships => "memberships",
            Job::Organizations => "organizations",
            Job::Metadata { target, .. } => match target {
                Target::Users => "users",
                Target::Organizations => "organizations",
                Target::Members(_) => "memberships",
            },
        }
    }

    /// What a done row did: created its object, or updated it.
    pub fn done_word(&self) -> &'static str {
        match self {
            Job::Metadata { .. } => "updated",
            _ => "created",
        }
    }

    /// Whether one bad row stops the whole job before anything is sent. Metadata files are
    /// all or nothing: a row that cannot be read most often means the file is not what its
    /// author thinks, and a half-applied metadata change is hard to see and to undo.
    pub fn all_or_nothing(&self) -> bool {
        matches!(self, Job::Metadata { .. })
    }

    /// Rows per request.
    pub fn batch(&self) -> usize {
        match self {
            Job::OrganizationInvitations { .. } | Job::Invitations => BULK_SIZE,
            Job::Users
            | Job::Members { .. }
            | Job::Organizations
            | Job::Memberships
            | Job::Metadata { .. } => 1,
        }
    }

    pub fn hourly(&self) -> Option<Hourly> {
        match self {
            Job::OrganizationInvitations { .. } => Some(Hourly {
                bulk: 50,
                single: 250,
            }),
            Job::Invitations => Some(Hourly {
                bulk: 25,
                single: 100,
            }),
            Job::Users
            | Job::Members { .. }
            | Job::Organizations
            | Job::Memberships
            | Job::Metadata { .. } => None,
        }
    }

    /// How a CSV column is read.
    pub fn cell(&self) -> fn(&str) -> Cell {
        match self {
            Job::OrganizationInvitations { .. } => organization_invitations::row_cell,
            Job::Invitations => invitations::row_cell,
            Job::Users => users::row_cell,
            Job::Members { .. } | Job::Memberships => memberships::row_cell,
            Job::Organizations => organizations::row_cell,
            Job::Metadata { .. } => metadata::row_cell,
        }
    }

    /// What the job's rows may hold and must have.
    pub fn shape(&self) -> Shape {
        const EMAIL: &[&[&str]] = &[&["email_address"]];
        match self {
            Job::OrganizationInvitations { .. } => Shape {
                known: organization_invitations::ROW_FIELDS,
                needs: EMAIL,
                dropped: &[],
                from_export: |_| {},
            },
            Job::Invitations => Shape {
                known: invitations::ROW_FIELDS,
                needs: EMAIL,
                dropped: &[],
                from_export: |_| {},
            },
            Job::Users => Shape {
                known: users::ROW_FIELDS,
                needs: users::ROW_NEEDS,
                dropped: users::ROW_DROPPED,
                from_export: users::row_from_export,
            },
            Job::Members { .. } => Shape {
                known: memberships::ROW_FIELDS,
                needs: memberships::ROW_NEEDS,
                dropped: memberships::ROW_DROPPED,
                from_export: memberships::row_from_export,
            },
            Job::Metadata { target, .. } => Shape {
                known: target.fields(),
                needs: target.needs(),
                dropped: metadata::ROW_DROPPED,
                from_export: match target {
                    Target::Users => metadata::user_row_from_export,
                    Target::Organizations => metadata::org_row_from_export,
                    Target::Members(_) => metadata::member_row_from_export,
                },
            },
            Job::Organizations => Shape {
                known: organizations::ROW_FIELDS,
                needs: organizations::ROW_NEEDS,
                dropped: organizations::ROW_DROPPED,
                from_export: organizations::row_from_export,
            },
            Job::Memberships => Shape {
                known: memberships::IMPORT_ROW_FIELDS,
                needs: memberships::IMPORT_ROW_NEEDS,
                dropped: memberships::IMPORT_ROW_DROPPED,
                from_export: memberships::import_row_from_export,
            },
        }
    }

    /// Checks every row before anything is sent, for what must stop the whole job rather than
    /// fail one row: a users import's password digests (a bad one is a wrong export, and the
    /// rows after it are as likely wrong).
    pub fn check_rows(&self, rows: &[super::rows::Row]) -> CliResult<()> {
        match self {
            Job::Users => ops::passwords::check_rows(rows.iter().map(|r| (r.line, &r.body))),
            _ => Ok(()),
        }
    }

    /// Checks a row and completes it (default role, email lists); answers the row's key: what
    /// identifies its object, so a row is never created twice.
    pub fn prepare(&self, body: &mut Object) -> Result<String, String> {
        match self {
            Job::OrganizationInvitations { role, .. } => {
                organization_invitations::prepare_row(body, role.as_deref())
            }
            Job::Invitations => invitations::prepare_row(body),
            Job::Users => users::prepare_row(body),
            Job::Members { role, .. } => memberships::prepare_row(body, role.as_deref()),
            Job::Metadata { target, defaults } => target.prepare_row(body, defaults),
            Job::Organizations => organizations::prepare_row(body),
            Job::Memberships => memberships::prepare_import_row(body),
        }
    }

    /// The request for one row, unsent.
    pub fn prepare_one(&self, c: &Client, row: &Object) -> CliResult<PreparedRequest> {
        Ok(match self {
            Job::OrganizationInvitations { org, .. } => {
                organization_invitations::create_row(org, row)?
                    .request(c)
                    .prepare()
            }
            Job::Invitations => invitations::create_row(row)?.request(c).prepare(),
            Job::Users => users::create_row(row)?.request(c).prepare(),
            Job::Members { org, .. } => memberships::create_row(org, row)?.request(c).prepare(),
            Job::Metadata { target, .. } => match metadata::update_row(target, row)? {
                metadata::Update::User(w) => w.request(c).prepare(),
                metadata::Update::Organization(w) => w.request(c).prepare(),
                metadata::Update::Member(w) => w.request(c).prepare(),
            },
            Job::Organizations => organizations::create_row(row)?.request(c).prepare(),
            Job::Memberships => {
                let (org, body) = memberships::import_row_parts(row)?;
                memberships::create_row(&org, &body)?.request(c).prepare()
            }
        })
    }

    /// The request for several rows, unsent (invitation jobs only).
    pub fn prepare_many(&self, c: &Client, bodies: &[Object]) -> PreparedRequest {
        match self {
            Job::OrganizationInvitations { org, .. } => {
                organization_invitations::create_bulk(org, bodies.to_vec())
                    .request(c)
                    .prepare()
            }
            _ => invitations::create_bulk(bodies.to_vec())
                .request(c)
                .prepare(),
        }
    }

    /// Creates one row's object, sent once (the job decides about trying again); answers
    /// its ID.
    pub async fn create_one(&self, c: &Client, row: &Object) -> clerk_api::Result<Option<String>> {
        let invalid = |f: Fail| clerk_api::Error::Invalid(f.line());
        let once = RetryPolicy::none();
        let id = match self {
            Job::OrganizationInvitations { org, .. } => {
                let op = organization_invitations::create_row(org, row).map_err(invalid)?;
                op.request(c).retry(once).send().await?.id.to_string()
            }
            Job::Invitations => {
                let op = invitations::create_row(row).map_err(invalid)?;
                op.request(c).retry(once).send().await?.id.to_string()
            }
            Job::Users => {
                let op = users::create_row(row).map_err(invalid)?;
                op.request(c).retry(once).send().await?.id.to_string()
            }
            Job::Members { org, .. } => {
                let op = memberships::create_row(org, row).map_err(invalid)?;
                op.request(c).retry(once).send().await?.id.to_string()
            }
            Job::Metadata { target, .. } => {
                // The answer's object is not read: its ID is the row's.
                match metadata::update_row(target, row).map_err(invalid)? {
                    metadata::Update::User(w) => w.request(c).retry(once).send_json().await?,
                    metadata::Update::Organization(w) => {
                        w.request(c).retry(once).send_json().await?
                    }
                    metadata::Update::Member(w) => w.request(c).retry(once).send_json().await?,
                };
                row.get(target.id_field())
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            }
            Job::Organizations => {
                let op = organizations::create_row(row).map_err(invalid)?;
                op.request(c).retry(once).send().await?.id.to_string()
            }
            Job::Memberships => super::copy::add_member(c, row).await?,
        };
        Ok(Some(id))
    }

    /// Creates several rows' objects in one request (all or none), sent once; answers
    /// (email, ID) pairs.
    pub async fn create_many(
        &self,
        c: &Client,
        bodies: &[Object],
    ) -> clerk_api::Result<Vec<(String, String)>> {
        let once = RetryPolicy::none();
        Ok(match self {
            Job::OrganizationInvitations { org, .. } => {
                organization_invitations::create_bulk(org, bodies.to_vec())
                    .request(c)
                    .retry(once)
                    .send()
                    .await?
                    .into_iter()
                    .map(|i| (i.email_address.to_lowercase(), i.id.to_string()))
                    .collect()
            }
            _ => invitations::create_bulk(bodies.to_vec())
                .request(c)
                .retry(once)
                .send()
                .await?
                .into_iter()
                .map(|i| (i.email_address.to_lowercase(), i.id.to_string()))
                .collect(),
        })
    }

    /// Looks for the object a row would create (after an answer was lost, or to name the one
    /// that exists); answers its ID, and its creation time (Unix milliseconds) where the
    /// listing gives it, since a row whose answer was lost may find an object that existed
    /// before the job.
    pub async fn find(
        &self,
        c: &Client,
        row: &Object,
    ) -> clerk_api::Result<Option<(String, Option<i64>)>> {
        let page = ops::Page::default();
        match self {
            Job::OrganizationInvitations { org, .. } => {
                let Some(lookup) = organization_invitations::find_row(org, row) else {
                    return Ok(None);
                };
                let found = lookup.request(c, &page).send().await?;
                Ok(found.data.first().map(|i| (i.id.to_string(), None)))
            }
            Job::Invitations => {
                let Some((email, lookup)) = invitations::find_row(row) else {
                    return Ok(None);
                };
                let found = lookup.request(c, &page).send().await?;
                Ok(found
                    .data
                    .iter()
                    .find(|i| i.email_address.eq_ignore_ascii_case(&email))
                    .map(|i| (i.id.to_string(), None)))
            }
            Job::Users => {
                for lookup in users::find_row(row) {
                    let found = lookup.request(c, &page).send().await?;
                    if let Some(u) = found.data.first() {
                        return Ok(Some((u.id.to_string(), u.created_at)));
                    }
                }
                Ok(None)
            }
            Job::Members { org, .. } => {
                let Some(lookup) = memberships::find_row(org, row) else {
                    return Ok(None);
                };
                let found = lookup.request(c, &page).send().await?;
                Ok(found.data.first().map(|m| (m.id.to_string(), m.created_at)))
            }
            // A merge sent twice leaves what one leaves: a row whose answer was lost is sent
            // again rather than looked up.
            Job::Metadata { .. } => Ok(None),
            Job::Organizations => super::copy::find_org(c, row).await,
            Job::Memberships => super::copy::find_member(c, row).await,
        }
    }

    /// A refusal that means the row's object is already there: the row is skipped.
    pub fn already_there(&self, e: &ApiError) -> Option<&'static str> {
        match (self, e.code().unwrap_or("")) {
            (Job::OrganizationInvitations { .. }, "organization_invitation_not_unique") => {
                Some("an invitation is already pending")
            }
            (
                Job::OrganizationInvitations { .. } | Job::Members { .. },
                "already_a_member_in_organization",
            ) => Some("already a member"),
            (Job::Organizations, "form_identifier_exists")
                if e.errors
                    .iter()
                    .all(|x| matches!(x.param_name(), Some("slug"))) =>
            {
                Some("an organization with this slug exists")
            }
            (Job::Invitations, "duplicate_record") => Some("an invitation is already pending"),
            (Job::Invitations, "form_identifier_exists") => Some("already a user"),
            (Job::Users, "form_identifier_exists")
                if e.errors
                    .iter()
                    .all(|x| matches!(x.param_name(), Some("external_id" | "email_address"))) =>
            {
                Some("a user with this external_id or email address exists")
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value, json};

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn rows_get_keys_and_defaults() {
        let job = Job::OrganizationInvitations {
            org: OrganizationId::new_unchecked("org_1"),
            role: Some("org:member".into()),
        };
        let mut b = body(json!({"email_address": "Ada@Example.com"}));
        assert_eq!(job.prepare(&mut b).unwrap(), "ada@example.com");
        assert_eq!(b["role"], "org:member");
        let no_role = Job::OrganizationInvitations {
            org: OrganizationId::new_unchecked("org_1"),
            role: None,
        };
        assert!(
            no_role
                .prepare(&mut body(json!({"email_address": "a@b.co"})))
                .unwrap_err()
                .contains("--role")
        );
        assert!(
            job.prepare(&mut body(json!({"email_address": "nope"})))
                .is_err()
        );

        let mut u = body(json!({"email_address": "a@b.co", "first_name": "A"}));
        assert_eq!(Job::Users.prepare(&mut u).unwrap(), "email:a@b.co");
        assert_eq!(u["email_address"], json!(["a@b.co"]));
        let mut u = body(json!({"external_id": "e1", "email_address": ["a@b.co"]}));
        assert_eq!(Job::Users.prepare(&mut u).unwrap(), "external_id:e1");
        assert!(
            Job::Users
                .prepare(&mut body(json!({"first_name": "A"})))
                .is_err()
        );

        let m = Job::Members {
            org: OrganizationId::new_unchecked("org_1"),
            role: Some("org:admin".into()),
        };
        assert_eq!(
            m.prepare(&mut body(json!({"user_id": "user_1"}))).unwrap(),
            "user_1"
        );
        assert!(m.prepare(&mut body(json!({"user_id": "org_1"}))).is_err());
    }
}
