//! clerkctl's export files as seeds: `users export`, `orgs export` and `members export`, as
//! ndjson (Clerk's objects, one a line) or CSV (their columns, ISO 8601 times, metadata as
//! JSON), so that the emulator can run on a copy of a real instance. The records keep their
//! IDs, so an app's stored IDs still name them.
//!
//! Each object becomes the seed entry that recreates it: a user's email addresses and phone
//! numbers (the primary one first), names, username, external ID, metadata, `created_at`,
//! banned and last activity; an organization's name, slug, metadata, limit and creator; a
//! membership's organization, user, role and metadata.

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::seed::{Seed, SeedError};

/// What an export file holds, told by its objects or its CSV header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Users,
    Organizations,
    Memberships,
}

/// One exported object and what it is.
type Record = (Kind, Map<String, Value>);

fn invalid(path: &Path, why: String) -> SeedError {
    SeedError::Parse {
        path: path.display().to_string(),
        source: serde::de::Error::custom(why),
    }
}

/// The seed an export file makes, or `None` when the file is not an export (a seed file).
pub fn read(path: &Path, text: &[u8]) -> Result<Option<Seed>, SeedError> {
    let text = String::from_utf8_lossy(text);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let records: Vec<Record> = if first.trim_start().starts_with('{') {
        // ndjson of Clerk's objects, or a seed file (one JSON object, no "object" field).
        let Ok(Value::Object(o)) = serde_json::from_str::<Value>(first) else {
            return Ok(None);
        };
        if !o.contains_key("object") {
            return Ok(None);
        }
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(line)
                .map_err(|e| invalid(path, format!("line {}: {e}", i + 1)))?;
            let Value::Object(o) = v else {
                return Err(invalid(path, format!("line {}: not a JSON object", i + 1)));
            };
            let kind = match o.get("object").and_then(Value::as_str) {
                Some("user") => Kind::Users,
                Some("organization") => Kind::Organizations,
                Some("organization_membership") => Kind::Memberships,
                other => {
                    return Err(invalid(
                        path,
                        format!(
                            "line {}: a {} object: an export holds users, organizations or organization memberships",
                            i + 1,
                            other.unwrap_or("untyped")
                        ),
                    ));
                }
            };
            out.push((kind, o));
        }
        out
    } else {
        csv_records(path, &text)?
    };
    let mut seed = Seed::default();
    for (i, (kind, o)) in records.into_iter().enumerate() {
        let entry = match kind {
            Kind::Users => user(&o),
            Kind::Organizations => organization(&o),
            Kind::Memberships => membership(&o)
                .ok_or_else(|| invalid(path, format!("record {}: no organization: export the members again with this version (its CSV has organization_id)", i + 1)))?,
        };
        let bad = |e: serde_json::Error| invalid(path, format!("record {}: {e}", i + 1));
        match kind {
            Kind::Users => seed.users.push(serde_json::from_value(entry).map_err(bad)?),
            Kind::Organizations => seed
                .organizations
                .push(serde_json::from_value(entry).map_err(bad)?),
            Kind::Memberships => seed
                .memberships
                .push(serde_json::from_value(entry).map_err(bad)?),
        }
    }
    Ok(Some(seed))
}

/// A CSV export's cell as it was before the export guarded it: clerkctl writes a cell that a
/// spreadsheet would run as a formula (`+1 555...`, `=...`, `@...`) with a leading `'`, and one
/// that already began with `'` before such a character with one more.
fn unescape_formula(cell: &str) -> &str {
    let formula_like = |c: &str| {
        c.trim_start_matches('\'')
            .starts_with(['=', '+', '-', '@', '\t', '\r'])
    };
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    }
}

/// A CSV export's rows as objects shaped like Clerk's (the columns' values parsed).
fn csv_records(path: &Path, text: &str) -> Result<Vec<Record>, SeedError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| invalid(path, format!("the CSV header: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let has = |c: &str| header.iter().any(|h| h == c);
    let kind = if has("primary_email_address") || has("email_addresses") {
        Kind::Users
    } else if has("role") && (has("user_id") || has("identifier")) {
        Kind::Memberships
    } else if has("name") && has("slug") {
        Kind::Organizations
    } else {
        return Err(invalid(
            path,
            "neither a seed (JSON) nor a users, organizations or members export (CSV or ndjson)"
                .into(),
        ));
    };
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| invalid(path, format!("row {}: {e}", i + 1)))?;
        let mut o = Map::new();
        for (h, cell) in header.iter().zip(record.iter()) {
            let cell = unescape_formula(cell);
            if cell.is_empty() {
                continue;
            }
            let v = match h.as_str() {
                "public_metadata" | "private_metadata" | "unsafe_metadata" => {
                    serde_json::from_str(cell)
                        .map_err(|e| invalid(path, format!("row {}, {h}: {e}", i + 1)))?
                }
                "banned" | "locked" => Value::Bool(cell == "true"),
                "max_allowed_memberships" => cell
                    .parse::<i64>()
                    .map(Value::from)
                    .map_err(|e| invalid(path, format!("row {}, {h}: {e}", i + 1)))?,
                "created_at" | "last_sign_in_at" | "last_active_at" => match millis(cell) {
                    Some(ms) => Value::from(ms),
                    None => {
                        return Err(invalid(
                            path,
                            format!("row {}, {h}: not a time: {cell}", i + 1),
                        ));
                    }
                },
                _ => Value::String(cell.to_owned()),
            };
            o.insert(h.clone(), v);
        }
        out.push((kind, o));
    }
    Ok(out)
}

/// A time as Unix milliseconds: ISO 8601 (an export's CSV) or milliseconds.
fn millis(s: &str) -> Option<i64> {
    if let Ok(ms) = s.parse::<i64>() {
        return Some(ms);
    }
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// Milliseconds as RFC 3339, what the create requests take.
fn rfc3339(v: Option<&Value>) -> Option<Value> {
    let ms = match v? {
        Value::Number(n) => n.as_i64()?,
        Value::String(s) => millis(s)?,
        _ => return None,
    };
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
    t.format(&time::format_description::well_known::Rfc3339)
        .ok()
        .map(Value::String)
}

/// A list of an object's values: Clerk's list of objects (`email_addresses`), or a CSV cell of
/// values separated by `;`.
fn values(o: &Map<String, Value>, list: &str, field: &str) -> Vec<String> {
    match o.get(list) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|e| e.get(field).or(Some(e)).and_then(Value::as_str))
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

/// Copies the fields that are there and not null.
fn copy(from: &Map<String, Value>, to: &mut Map<String, Value>, fields: &[&str]) {
    for f in fields {
        if let Some(v) = from.get(*f).filter(|v| !v.is_null()) {
            to.insert((*f).to_owned(), v.clone());
        }
    }
}

fn user(o: &Map<String, Value>) -> Value {
    let mut emails = values(o, "email_addresses", "email_address");
    let primary = o
        .get("primary_email_address")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            let id = o.get("primary_email_address_id")?.as_str()?;
            o.get("email_addresses")?
                .as_array()?
                .iter()
                .find(|e| e.get("id").and_then(Value::as_str) == Some(id))?
                .get("email_address")?
                .as_str()
                .map(str::to_owned)
        });
    if let Some(p) = primary {
        emails.retain(|e| !e.eq_ignore_ascii_case(&p));
        emails.insert(0, p);
    }
    let mut u = Map::new();
    copy(
        o,
        &mut u,
        &[
            "id",
            "external_id",
            "username",
            "first_name",
            "last_name",
            "public_metadata",
            "private_metadata",
            "unsafe_metadata",
        ],
    );
    u.insert("email_address".into(), json!(emails));
    u.insert(
        "phone_number".into(),
        json!(values(o, "phone_numbers", "phone_number")),
    );
    if o.get("banned") == Some(&Value::Bool(true)) {
        u.insert("banned".into(), Value::Bool(true));
    }
    if let Some(t) = rfc3339(o.get("created_at")) {
        u.insert("created_at".into(), t);
    }
    for f in ["last_active_at", "last_sign_in_at"] {
        if let Some(ms) = o.get(f).and_then(|v| match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => millis(s),
            _ => None,
        }) {
            u.insert(f.into(), Value::from(ms));
        }
    }
    Value::Object(u)
}

fn organization(o: &Map<String, Value>) -> Value {
    let mut org = Map::new();
    copy(
        o,
        &mut org,
        &[
            "id",
            "name",
            "slug",
            "created_by",
            "max_allowed_memberships",
            "admin_delete_enabled",
            "public_metadata",
            "private_metadata",
            "role_set_key",
        ],
    );
    if let Some(t) = rfc3339(o.get("created_at")) {
        org.insert("created_at".into(), t);
    }
    Value::Object(org)
}

fn membership(o: &Map<String, Value>) -> Option<Value> {
    let nested = |object: &str, field: &str| {
        o.get(object)
            .and_then(|x| x.get(field))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let text = |f: &str| o.get(f).and_then(Value::as_str).map(str::to_owned);
    let org = nested("organization", "id")
        .or_else(|| text("organization_id"))
        .or_else(|| text("organization_slug"))?;
    let user = nested("public_user_data", "user_id")
        .or_else(|| text("user_id"))
        .or_else(|| text("identifier"))?;
    let mut m = Map::new();
    m.insert("organization_id".into(), Value::String(org));
    m.insert("user_id".into(), Value::String(user));
    copy(o, &mut m, &["role", "public_metadata", "private_metadata"]);
    Some(Value::Object(m))
}

/// Leaves out creators the seed does not hold (a user deleted since, or not exported): an
/// organization is kept without its creator rather than refused.
pub fn drop_unknown_creators(seed: &mut Seed, known: impl Fn(&str) -> bool) {
    let ids: std::collections::HashSet<String> =
        seed.users.iter().filter_map(|u| u.id.clone()).collect();
    for o in &mut seed.organizations {
        if let Some(c) = &o.created_by
            && !ids.contains(c)
            && !known(c)
            && !c.contains('@')
        {
            o.created_by = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells the export guarded against spreadsheet formulas (phone numbers start with `+`)
    /// seed with the values they had.
    #[test]
    fn csv_cells_guarded_against_formulas_seed_as_they_were() {
        let csv = "id,primary_email_address,phone_numbers,first_name,last_name\n\
                   user_1,ada@example.com,'+15555550100,'=cmd,''-x\n";
        let records = csv_records(Path::new("users.csv"), csv).unwrap();
        let (kind, o) = &records[0];
        assert_eq!(*kind, Kind::Users);
        assert_eq!(o["phone_numbers"], "+15555550100");
        assert_eq!(o["first_name"], "=cmd");
        assert_eq!(o["last_name"], "'-x");
        assert_eq!(unescape_formula("'plain"), "'plain");
    }
}
