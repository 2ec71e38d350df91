//! The four bulk jobs: what a row is, how it is created (in bulk where Clerk allows), how an
//! existing object is found again, and which refusals mean "already there".

use clerk_api::ids::OrganizationId;
use clerk_api::resources::{AddMember, CreateInvitation, CreateOrganizationInvitation, CreateUser};
use clerk_api::{ApiError, Client, PreparedRequest, RetryPolicy};
use serde_json::{Map, Value};

use super::rows::Cell;
use crate::fail::{CliResult, Fail, Subject};
use crate::ops::{self, Change, Object, check};
use crate::ops::{invitations, memberships, organization_invitations, users};

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
}

/// A row's text field, or "" (which the operation's checks refuse).
fn text(row: &Object, key: &str) -> String {
    row.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The operations that create one row's object: those the single-create commands run, with
/// the row (checked and completed by [`Job::prepare`]) as their body.
fn org_invitation(
    org: &OrganizationId,
    row: &Object,
) -> CliResult<ops::Write<CreateOrganizationInvitation>> {
    organization_invitations::create(organization_invitations::Create {
        organization_id: org.to_string(),
        email_address: text(row, "email_address"),
        role: text(row, "role"),
        other: row.clone(),
        ..Default::default()
    })
}

fn app_invitation(row: &Object) -> CliResult<ops::Write<CreateInvitation>> {
    invitations::create(invitations::Create {
        email_address: text(row, "email_address"),
        other: row.clone(),
        ..Default::default()
    })
}

fn user(row: &Object) -> CliResult<ops::Write<CreateUser>> {
    users::create(users::Create {
        other: row.clone(),
        ..Default::default()
    })
}

fn member(org: &OrganizationId, row: &Object) -> CliResult<ops::Write<AddMember>> {
    memberships::add(memberships::Add {
        organization_id: org.to_string(),
        user_id: text(row, "user_id"),
        role: text(row, "role"),
        other: row.clone(),
        ..Default::default()
    })
}

/// Clerk's hourly limits on an invitation job's two endpoints: (bulk, single) requests per hour.
pub struct Hourly {
    pub bulk: u32,
    pub single: u32,
}

fn email_of(body: &Map<String, Value>) -> Option<String> {
    body.get("email_address")
        .and_then(Value::as_str)
        .map(str::to_lowercase)
}

impl Job {
    pub fn name(&self) -> &'static str {
        match self {
            Job::OrganizationInvitations { .. } => "invitations bulk",
            Job::Invitations => "app-invitations bulk",
            Job::Users => "users import",
            Job::Members { .. } => "members add-bulk",
        }
    }

    /// The job as a change: what the read-only guard refuses and the audit log records.
    pub fn change(&self) -> Change {
        Change::new(format!("run `{}`", self.name()), Subject::Other, None)
    }

    /// What the job acts on (the organization), for the journal.
    pub fn target(&self) -> &str {
        match self {
            Job::OrganizationInvitations { org, .. } | Job::Members { org, .. } => org.as_str(),
            Job::Invitations | Job::Users => "",
        }
    }

    pub fn noun(&self) -> &'static str {
        match self {
            Job::OrganizationInvitations { .. } | Job::Invitations => "invitations",
            Job::Users => "users",
            Job::Members { .. } => "memberships",
        }
    }

    /// Rows per request.
    pub fn batch(&self) -> usize {
        match self {
            Job::OrganizationInvitations { .. } | Job::Invitations => BULK_SIZE,
            Job::Users | Job::Members { .. } => 1,
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
            Job::Users | Job::Members { .. } => None,
        }
    }

    /// How a CSV column is read.
    pub fn cell(&self) -> fn(&str) -> Cell {
        match self {
            Job::OrganizationInvitations { .. } | Job::Invitations => |name| match name {
                "public_metadata" | "private_metadata" => Cell::Object,
                "expires_in_days" => Cell::Int,
                "notify" | "ignore_existing" => Cell::Bool,
                _ => Cell::Text,
            },
            Job::Users => |name| match name {
                "email_address"
                | "phone_number"
                | "web3_wallet"
                | "backup_codes"
                | "email_address_identification_status"
                | "phone_number_identification_status" => Cell::List,
                "public_metadata" | "private_metadata" | "unsafe_metadata" => Cell::Object,
                "create_organizations_limit" => Cell::Int,
                "skip_password_checks"
                | "skip_password_requirement"
                | "delete_self_enabled"
                | "skip_legal_checks"
                | "skip_user_requirement"
                | "create_organization_enabled"
                | "bypass_client_trust"
                | "banned"
                | "locked" => Cell::Bool,
                _ => Cell::Text,
            },
            Job::Members { .. } => |name| match name {
                "public_metadata" | "private_metadata" => Cell::Object,
                _ => Cell::Text,
            },
        }
    }

    /// Checks a row and completes it (default role, email lists); answers the row's key: what
    /// identifies its object, so a row is never created twice.
    pub fn prepare(&self, body: &mut Map<String, Value>) -> Result<String, String> {
        fn check<T>(r: CliResult<T>) -> Result<T, String> {
            r.map_err(|f| match f {
                Fail::Usage(m) => m,
                other => format!("{other:?}"),
            })
        }
        match self {
            Job::OrganizationInvitations { role, .. } | Job::Members { role, .. } => {
                match (body.get("role"), role) {
                    (Some(Value::String(r)), _) => {
                        check(check::role(r))?;
                    }
                    (Some(_), _) => return Err("role must be a string such as org:member".into()),
                    (None, Some(r)) => {
                        body.insert("role".into(), Value::String(r.clone()));
                    }
                    (None, None) => return Err("no role: add a role column, or pass --role".into()),
                }
                if let Job::Members { .. } = self {
                    let user = body
                        .get("user_id")
                        .and_then(Value::as_str)
                        .ok_or("no user_id")?;
                    return check(check::user_id(user)).map(String::from);
                }
                let email = body
                    .get("email_address")
                    .and_then(Value::as_str)
                    .ok_or("no email_address")?;
                check(check::email(email)).map(|e| e.to_lowercase())
            }
            Job::Invitations => {
                let email = body
                    .get("email_address")
                    .and_then(Value::as_str)
                    .ok_or("no email_address")?;
                check(check::email(email)).map(|e| e.to_lowercase())
            }
            Job::Users => {
                for list in ["email_address", "phone_number", "web3_wallet"] {
                    if let Some(Value::String(s)) = body.get(list) {
                        let one = Value::Array(vec![Value::String(s.clone())]);
                        body.insert(list.into(), one);
                    }
                }
                let emails: Vec<String> = match body.get("email_address") {
                    None => Vec::new(),
                    Some(Value::Array(a)) => a
                        .iter()
                        .map(|e| {
                            e.as_str()
                                .map(str::to_owned)
                                .ok_or("email_address must hold strings")
                        })
                        .collect::<Result<_, _>>()?,
                    Some(_) => {
                        return Err("email_address must be an address or a list of them".into());
                    }
                };
                for e in &emails {
                    check(check::email(e))?;
                }
                let text = |k: &str| {
                    body.get(k)
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                };
                let first_phone = body
                    .get("phone_number")
                    .and_then(|p| p.get(0))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                if let Some(ext) = text("external_id") {
                    Ok(format!("external_id:{ext}"))
                } else if let Some(e) = emails.first() {
                    Ok(format!("email:{}", e.to_lowercase()))
                } else if let Some(u) = text("username") {
                    Ok(format!("username:{}", u.to_lowercase()))
                } else if let Some(p) = first_phone {
                    Ok(format!("phone:{p}"))
                } else {
                    Err("no external_id, email_address, username or phone_number to match the user by".into())
                }
            }
        }
    }

    /// The request for one row, unsent.
    pub fn prepare_one(&self, c: &Client, row: &Object) -> CliResult<PreparedRequest> {
        Ok(match self {
            Job::OrganizationInvitations { org, .. } => {
                org_invitation(org, row)?.request(c).prepare()
            }
            Job::Invitations => app_invitation(row)?.request(c).prepare(),
            Job::Users => user(row)?.request(c).prepare(),
            Job::Members { org, .. } => member(org, row)?.request(c).prepare(),
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
                let op = org_invitation(org, row).map_err(invalid)?;
                op.request(c).retry(once).send().await?.id.to_string()
            }
            Job::Invitations => {
                let op = app_invitation(row).map_err(invalid)?;
                op.request(c).retry(once).send().await?.id.to_string()
            }
            Job::Users => {
                let op = user(row).map_err(invalid)?;
                op.request(c).retry(once).send().await?.id.to_string()
            }
            Job::Members { org, .. } => {
                let op = member(org, row).map_err(invalid)?;
                op.request(c).retry(once).send().await?.id.to_string()
            }
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
    /// that exists); answers its ID.
    pub async fn find(&self, c: &Client, body: &Object) -> clerk_api::Result<Option<String>> {
        let page = ops::Page::default();
        match self {
            Job::OrganizationInvitations { org, .. } => {
                let Some(email) = email_of(body) else {
                    return Ok(None);
                };
                let found = organization_invitations::find_pending(org, &email)
                    .request(c, &page)
                    .send()
                    .await?;
                Ok(found.data.first().map(|i| i.id.to_string()))
            }
            Job::Invitations => {
                let Some(email) = email_of(body) else {
                    return Ok(None);
                };
                let found = invitations::find_pending(&email)
                    .request(c, &page)
                    .send()
                    .await?;
                Ok(found
                    .data
                    .iter()
                    .find(|i| i.email_address.eq_ignore_ascii_case(&email))
                    .map(|i| i.id.to_string()))
            }
            Job::Users => {
                let external_id = body.get("external_id").and_then(Value::as_str);
                let emails: Vec<String> = body
                    .get("email_address")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                for lookup in users::find(external_id, &emails) {
                    let found = lookup.request(c, &page).send().await?;
                    if let Some(u) = found.data.first() {
                        return Ok(Some(u.id.to_string()));
                    }
                }
                Ok(None)
            }
            Job::Members { org, .. } => {
                let Some(user) = body
                    .get("user_id")
                    .and_then(Value::as_str)
                    .and_then(|u| check::user_id(u).ok())
                else {
                    return Ok(None);
                };
                let found = memberships::find(org, &user)
                    .request(c, &page)
                    .send()
                    .await?;
                Ok(found.data.first().map(|m| m.id.to_string()))
            }
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
    use serde_json::json;

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
