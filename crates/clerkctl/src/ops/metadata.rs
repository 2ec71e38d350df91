//! Metadata updates in bulk (`users|orgs|members update-metadata-bulk` and their MCP tools):
//! what a row holds (the object's ID and the metadata to merge), how it is checked and keyed,
//! and its request, which is the single `update-metadata` operation's: Clerk's
//! `PATCH .../metadata`, a deep merge where `null` removes a key. Nothing is replaced.
//!
//! A merge sent twice leaves what one leaves, so a row whose answer was lost is simply sent
//! again. A row's key is its object's ID and a digest of its metadata: a journal then skips a
//! row only if the same metadata was merged into the same object, and a file edited between
//! two runs sends its changed rows again.

use clerk_api::ids::OrganizationId;
use serde_json::Value;

use super::{Cell, Object, row_reason, row_text};
use crate::fail::{CliResult, usage};
use crate::ops::{check, memberships, organizations, users};

/// Whose metadata a job updates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Users' (`public_metadata`, `private_metadata`, `unsafe_metadata`).
    Users,
    /// Organizations' (`public_metadata`, `private_metadata`).
    Organizations,
    /// The memberships of one organization (`public_metadata`, `private_metadata`).
    Members(OrganizationId),
}

const USER_FIELDS: &[&str] = &[
    "user_id",
    "public_metadata",
    "private_metadata",
    "unsafe_metadata",
];
const ORG_FIELDS: &[&str] = &["organization_id", "public_metadata", "private_metadata"];
const MEMBER_FIELDS: &[&str] = &["user_id", "public_metadata", "private_metadata"];
const USER_NEEDS: &[&[&str]] = &[&["user_id"]];
const ORG_NEEDS: &[&[&str]] = &[&["organization_id"]];

/// Columns of the project's own exports (and Clerk's objects) that a metadata row may carry:
/// accepted, and left out of the request.
pub const ROW_DROPPED: &[&str] = &["id"];

impl Target {
    /// The column naming each row's object.
    pub fn id_field(&self) -> &'static str {
        match self {
            Target::Users | Target::Members(_) => "user_id",
            Target::Organizations => "organization_id",
        }
    }

    /// The columns a row may hold.
    pub fn fields(&self) -> &'static [&'static str] {
        match self {
            Target::Users => USER_FIELDS,
            Target::Organizations => ORG_FIELDS,
            Target::Members(_) => MEMBER_FIELDS,
        }
    }

    /// The metadata columns (all but the ID).
    pub fn metadata_fields(&self) -> &'static [&'static str] {
        &self.fields()[1..]
    }

    /// The column a file must have.
    pub fn needs(&self) -> &'static [&'static [&'static str]] {
        match self {
            Target::Users | Target::Members(_) => USER_NEEDS,
            Target::Organizations => ORG_NEEDS,
        }
    }

    /// Checks a row, giving it each metadata field of `defaults` (the command's flags) that it
    /// lacks; answers its key: the object's ID and a digest of the metadata.
    pub fn prepare_row(&self, row: &mut Object, defaults: &Object) -> Result<String, String> {
        let field = self.id_field();
        let id = row
            .get(field)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("no {field}: each row names its {}", self.object_noun()))?;
        let id = match self {
            Target::Organizations => row_reason(check::org_id(id))?.to_string(),
            Target::Users | Target::Members(_) => row_reason(check::user_id(id))?.to_string(),
        };
        for (k, v) in defaults {
            if !row.contains_key(k) {
                row.insert(k.clone(), v.clone());
            }
        }
        let mut given = 0;
        for f in self.metadata_fields() {
            match row.get(*f) {
                None => {}
                Some(Value::Object(_)) => given += 1,
                Some(_) => {
                    return Err(format!(
                        "{f} must be a JSON object such as {{\"plan\": \"pro\"}}"
                    ));
                }
            }
        }
        if given == 0 {
            return Err(format!(
                "no metadata: give {} in the row (or as a flag for every row)",
                self.metadata_fields().join(", ")
            ));
        }
        let metadata: Object = row
            .iter()
            .filter(|(k, _)| k.as_str() != field)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(format!("{id} {}", digest(&Value::Object(metadata))))
    }

    fn object_noun(&self) -> &'static str {
        match self {
            Target::Users => "user",
            Target::Organizations => "organization",
            Target::Members(_) => "member (a user ID)",
        }
    }

    /// The object a key (from [`Target::prepare_row`]) names.
    pub fn id_of_key(key: &str) -> &str {
        key.split(' ').next().unwrap_or(key)
    }
}

/// Turns one of Clerk's objects (a line of `users export`, `orgs export` or `members export`)
/// into a row holding its ID only: its metadata is what is stored already, and merging it back
/// would change nothing. An `id` column names the object too.
fn from_export(row: &mut Object, field: &str, object: &str) {
    let id = match row.get("object").and_then(Value::as_str) {
        Some(o) if o == object && o == "organization_membership" => row
            .get("public_user_data")
            .and_then(|u| u.get("user_id"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        Some(o) if o == object => row.get("id").and_then(Value::as_str).map(str::to_owned),
        Some(_) => None,
        None => {
            if !row.contains_key(field)
                && let Some(id) = row.remove("id")
            {
                row.insert(field.into(), id);
            }
            return;
        }
    };
    row.clear();
    if let Some(id) = id {
        row.insert(field.into(), Value::String(id));
    }
}

/// A users file's rows from `users export`.
pub fn user_row_from_export(row: &mut Object) {
    from_export(row, "user_id", "user");
}

/// An organizations file's rows from `orgs export`.
pub fn org_row_from_export(row: &mut Object) {
    from_export(row, "organization_id", "organization");
}

/// A members file's rows from `members export`.
pub fn member_row_from_export(row: &mut Object) {
    from_export(row, "user_id", "organization_membership");
}

/// The metadata merge of one prepared row: the single commands' operation.
pub enum Update {
    User(super::Write<clerk_api::resources::UserMetadata>),
    Organization(super::Write<clerk_api::resources::OrganizationMetadata>),
    Member(super::Write<clerk_api::resources::UpdateMemberMetadata>),
}

/// The merge of a prepared row's metadata into its object.
pub fn update_row(target: &Target, row: &Object) -> CliResult<Update> {
    let object = |f: &str| row.get(f).and_then(Value::as_object).cloned();
    Ok(match target {
        Target::Users => Update::User(users::metadata(
            users::Metadata {
                user_id: row_text(row, "user_id"),
                public_metadata: object("public_metadata"),
                private_metadata: object("private_metadata"),
                unsafe_metadata: object("unsafe_metadata"),
            },
            false,
        )?),
        Target::Organizations => Update::Organization(organizations::metadata(
            organizations::Metadata {
                organization_id: row_text(row, "organization_id"),
                public_metadata: object("public_metadata"),
                private_metadata: object("private_metadata"),
            },
            false,
        )?),
        Target::Members(org) => Update::Member(memberships::metadata(memberships::Metadata {
            organization_id: org.to_string(),
            user_id: row_text(row, "user_id"),
            public_metadata: object("public_metadata"),
            private_metadata: object("private_metadata"),
        })?),
    })
}

/// How a CSV column of a metadata file is read.
pub fn row_cell(field: &str) -> Cell {
    match field {
        "public_metadata" | "private_metadata" | "unsafe_metadata" => Cell::Object,
        _ => Cell::Text,
    }
}

/// Rows from IDs given on the command line (or a tool's list), each with the same metadata
/// (`defaults`, merged in by [`Target::prepare_row`]).
pub fn rows_of_ids(target: &Target, ids: &[String]) -> Vec<Object> {
    ids.iter()
        .map(|id| {
            let mut row = Object::new();
            row.insert(target.id_field().into(), Value::String(id.clone()));
            row
        })
        .collect()
}

/// The metadata given as flags (or a tool's parameters), as the defaults of every row; the
/// fields the target does not take are refused.
pub fn defaults(
    target: &Target,
    public: Option<Object>,
    private: Option<Object>,
    unsafe_: Option<Object>,
) -> CliResult<Object> {
    let mut d = Object::new();
    if let Some(p) = public {
        d.insert("public_metadata".into(), Value::Object(p));
    }
    if let Some(p) = private {
        d.insert("private_metadata".into(), Value::Object(p));
    }
    if let Some(u) = unsafe_ {
        if *target != Target::Users {
            return Err(usage(
                "unsafe_metadata is a user's only: organizations and memberships have public and private metadata",
            ));
        }
        d.insert("unsafe_metadata".into(), Value::Object(u));
    }
    Ok(d)
}

/// FNV-1a, 64 bits, over a value's JSON: stable across builds and platforms, which std's
/// hashers are not, so that a journal written by one build is read by the next.
pub fn digest(v: &Value) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in serde_json::to_string(v).unwrap_or_default().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Object {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn rows_are_checked_keyed_by_object_and_metadata_and_take_the_flags() {
        let t = Target::Users;
        let flags = obj(json!({"public_metadata": {"plan": "pro"}}));
        let mut row = obj(json!({"user_id": "user_1"}));
        let key = t.prepare_row(&mut row, &flags).unwrap();
        assert!(key.starts_with("user_1 "), "{key}");
        assert_eq!(row["public_metadata"]["plan"], "pro");
        assert_eq!(Target::id_of_key(&key), "user_1");
        // A row's own metadata wins over the flag's; other metadata gives another key.
        let mut own = obj(json!({"user_id": "user_1", "public_metadata": {"plan": "team"}}));
        let other = t.prepare_row(&mut own, &flags).unwrap();
        assert_eq!(own["public_metadata"]["plan"], "team");
        assert_ne!(key, other);
        assert!(
            t.prepare_row(&mut obj(json!({"user_id": "user_1"})), &Object::new())
                .unwrap_err()
                .contains("no metadata")
        );
        assert!(
            t.prepare_row(&mut obj(json!({"user_id": "org_1"})), &flags)
                .is_err()
        );
        assert!(
            t.prepare_row(
                &mut obj(json!({"user_id": "user_1", "public_metadata": "pro"})),
                &flags
            )
            .unwrap_err()
            .contains("JSON object")
        );
        let o = Target::Organizations;
        assert!(
            o.prepare_row(&mut obj(json!({"organization_id": "org_1"})), &flags)
                .is_ok()
        );
        assert!(defaults(&o, None, None, Some(Object::new())).is_err());
    }

    #[test]
    fn an_exports_objects_become_their_ids() {
        let mut u = obj(json!({"object": "user", "id": "user_1", "public_metadata": {"a": 1}}));
        user_row_from_export(&mut u);
        assert_eq!(Value::Object(u), json!({"user_id": "user_1"}));
        let mut m = obj(
            json!({"object": "organization_membership", "id": "orgmem_1", "public_user_data": {"user_id": "user_2"}}),
        );
        member_row_from_export(&mut m);
        assert_eq!(Value::Object(m), json!({"user_id": "user_2"}));
        let mut csv = obj(json!({"id": "org_9", "public_metadata": {"a": 1}}));
        org_row_from_export(&mut csv);
        assert_eq!(csv["organization_id"], "org_9");
        assert_eq!(csv["public_metadata"]["a"], 1);
    }
}
