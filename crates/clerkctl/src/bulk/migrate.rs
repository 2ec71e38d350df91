//! `users import --from clerk|auth0|firebase|supabase`: the exports people have, turned into
//! rows of Clerk's create-user fields before the users job checks and sends them.
//!
//! In every format the source's own user ID becomes `external_id` (so a rerun matches what it
//! made), verified email addresses and phone numbers stay verified and unverified ones are
//! created `reserved` (Clerk's `*_identification_status`), `created_at` is kept, password
//! digests keep their hasher (Firebase's scrypt parameters joined into Clerk's
//! `scrypt_firebase` digest), and a user without a password is created without one
//! (`skip_password_requirement`). A user with no email address, phone number or username stops
//! the whole job before anything is sent, named by line.
//!
//! Nothing here prints; digests only move from one field to another.

use std::collections::HashMap;
use std::path::Path;

use clap::ValueEnum;
use serde_json::{Map, Value, json};

use super::rows::Row;
use crate::fail::{CliResult, usage};

/// Where the users come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Source {
    /// Clerk's dashboard export (CSV).
    Clerk,
    /// Auth0's bulk user export (ndjson), with --password-hashes for the bcrypt hashes.
    Auth0,
    /// `firebase auth:export` JSON, with --hash-config for the project's scrypt parameters.
    Firebase,
    /// Supabase's auth.users table exported as CSV or JSON.
    Supabase,
}

/// The files besides the export.
#[derive(Debug, Default, Clone)]
pub struct Extra<'a> {
    pub password_hashes: Option<&'a Path>,
    pub hash_config: Option<&'a Path>,
}

fn read_text(path: &Path) -> CliResult<String> {
    if path.as_os_str() == "-" {
        let mut t = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut t)
            .map_err(|e| usage(format!("cannot read stdin: {e}")))?;
        return Ok(t);
    }
    std::fs::read_to_string(path).map_err(|e| usage(format!("cannot read {}: {e}", path.display())))
}

/// Reads an export into create-user rows, refusing what cannot be migrated (exit 2) before
/// anything is sent.
pub fn read(source: Source, path: &Path, extra: &Extra) -> CliResult<Vec<Row>> {
    match (source, extra.password_hashes, extra.hash_config) {
        (Source::Firebase, _, None) => {
            return Err(usage(
                "--from firebase needs --hash-config FILE: the project's scrypt parameters (base64_signer_key, base64_salt_separator, rounds, mem_cost) from the Firebase console's Authentication > Users > Password hash parameters",
            ));
        }
        (Source::Firebase, Some(_), _) | (Source::Clerk | Source::Supabase, Some(_), _) => {
            return Err(usage("--password-hashes goes with --from auth0 only"));
        }
        (s, _, Some(_)) if s != Source::Firebase => {
            return Err(usage("--hash-config goes with --from firebase only"));
        }
        _ => {}
    }
    let text = read_text(path)?;
    let users = match source {
        Source::Clerk => csv_records(&text)?
            .into_iter()
            .map(|(line, r)| (line, from_clerk(&r)))
            .collect(),
        Source::Supabase => {
            let records = if text.trim_start().starts_with(['[', '{']) {
                json_records(&text, None)?
            } else {
                csv_records(&text)?
                    .into_iter()
                    .map(|(l, r)| {
                        let obj = r.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
                        (l, obj)
                    })
                    .collect()
            };
            records
                .into_iter()
                .map(|(line, r)| (line, from_supabase(&r)))
                .collect()
        }
        Source::Auth0 => {
            let hashes = match extra.password_hashes {
                Some(p) => auth0_hashes(&read_text(p)?)?,
                None => Auth0Hashes::default(),
            };
            json_records(&text, None)?
                .into_iter()
                .map(|(line, r)| (line, from_auth0(&r, &hashes)))
                .collect()
        }
        Source::Firebase => {
            let config = hash_config(&read_text(extra.hash_config.expect("checked above"))?)?;
            json_records(&text, Some("users"))?
                .into_iter()
                .map(|(line, r)| (line, from_firebase(&r, &config)))
                .collect()
        }
    };
    finish(users)
}

/// Every user needs something to sign in with; a row without stops the job, named.
fn finish(users: Vec<(usize, Map<String, Value>)>) -> CliResult<Vec<Row>> {
    let nameless: Vec<String> = users
        .iter()
        .filter(|(_, b)| {
            !["email_address", "phone_number", "username"]
                .iter()
                .any(|k| b.get(*k).is_some_and(|v| v != &json!([]) && v != ""))
        })
        .map(|(line, _)| line.to_string())
        .collect();
    if !nameless.is_empty() {
        return Err(usage(format!(
            "{} user{} without an email address, phone number or username (line{} {}); nothing was sent: give each user one, or remove them from the file",
            nameless.len(),
            if nameless.len() == 1 { "" } else { "s" },
            if nameless.len() == 1 { "" } else { "s" },
            nameless.join(", ")
        )));
    }
    if users.is_empty() {
        return Err(usage("the export holds no users"));
    }
    Ok(users
        .into_iter()
        .map(|(line, body)| Row { line, body })
        .collect())
}

/// CSV rows as header → cell (empty cells left out), with their lines.
fn csv_records(text: &str) -> CliResult<Vec<(usize, HashMap<String, String>)>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| usage(format!("cannot read the CSV header: {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut out = Vec::new();
    for record in reader.records() {
        let r = record.map_err(|e| {
            usage(format!(
                "line {}: cannot read this CSV row: {e}",
                e.position().map_or(0, |p| p.line())
            ))
        })?;
        let line = r.position().map_or(0, |p| p.line() as usize);
        let map: HashMap<String, String> = headers
            .iter()
            .zip(r.iter())
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(h, v)| (h.clone(), v.trim().to_owned()))
            .collect();
        if !map.is_empty() {
            out.push((line, map));
        }
    }
    Ok(out)
}

/// JSON users: one document (an array, or an object whose `key` holds the array) or ndjson.
/// Lines are the ndjson line, or the user's position in the array.
fn json_records(text: &str, key: Option<&str>) -> CliResult<Vec<(usize, Map<String, Value>)>> {
    let whole = serde_json::from_str::<Value>(text);
    let items: Vec<(usize, Value)> = match whole {
        Ok(Value::Array(a)) => a.into_iter().enumerate().map(|(i, v)| (i + 1, v)).collect(),
        Ok(Value::Object(mut o)) if key.is_some_and(|k| o.contains_key(k)) => {
            match o.remove(key.unwrap_or_default()) {
                Some(Value::Array(a)) => {
                    a.into_iter().enumerate().map(|(i, v)| (i + 1, v)).collect()
                }
                _ => {
                    return Err(usage(format!(
                        "`{}` is not a list of users",
                        key.unwrap_or_default()
                    )));
                }
            }
        }
        Ok(Value::Object(o)) => vec![(1, Value::Object(o))],
        _ => {
            let mut v = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Value>(line) {
                    Ok(item) => v.push((i + 1, item)),
                    // serde_json's message may quote the line (a digest): only where.
                    Err(_) => {
                        return Err(usage(format!("line {}: not valid JSON", i + 1)));
                    }
                }
            }
            v
        }
    };
    items
        .into_iter()
        .map(|(line, v)| match v {
            Value::Object(o) => Ok((line, o)),
            _ => Err(usage(format!("user {line}: not a JSON object"))),
        })
        .collect()
}

fn text<'a>(r: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    r.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => {
            matches!(s.trim().to_lowercase().as_str(), "true" | "t" | "1" | "yes")
        }
        _ => false,
    }
}

/// A time as Clerk's create takes it (RFC 3339): from RFC 3339 / ISO text (Supabase's
/// `2024-01-02 03:04:05.123+00` too) or Unix milliseconds (a number or digits).
fn rfc3339(v: Option<&Value>) -> Option<String> {
    let ms = match v? {
        Value::Number(n) => n.as_i64()?,
        Value::String(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) => {
            s.parse().ok()?
        }
        Value::String(s) => {
            let s = s.trim().replacen(' ', "T", 1);
            // `+00` (Postgres) is not RFC 3339; `+00:00` is.
            let s = match s.rfind(['+', '-']) {
                Some(i) if i > 10 && s.len() - i == 3 => format!("{s}:00"),
                _ => s,
            };
            let t = time::OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
                .ok()?;
            (t.unix_timestamp_nanos() / 1_000_000) as i64
        }
        _ => return None,
    };
    crate::ops::time::iso(ms)
}

/// Builds a row: identifiers with their verification, the rest as given.
struct Build {
    body: Map<String, Value>,
    emails: Vec<(String, bool)>,
    phones: Vec<(String, bool)>,
}

impl Build {
    fn new() -> Build {
        Build {
            body: Map::new(),
            emails: Vec::new(),
            phones: Vec::new(),
        }
    }

    fn set(&mut self, key: &str, v: Option<&str>) {
        if let Some(v) = v.map(str::trim).filter(|s| !s.is_empty()) {
            self.body.insert(key.into(), Value::String(v.to_owned()));
        }
    }

    fn add(list: &mut Vec<(String, bool)>, v: &str, verified: bool) {
        let v = v.trim();
        if v.is_empty() {
            return;
        }
        match list.iter_mut().find(|(e, _)| e.eq_ignore_ascii_case(v)) {
            Some(e) => e.1 |= verified,
            None => list.push((v.to_owned(), verified)),
        }
    }

    fn email(&mut self, v: &str, verified: bool) {
        Self::add(&mut self.emails, v, verified);
    }

    fn phone(&mut self, v: &str, verified: bool) {
        Self::add(&mut self.phones, v, verified);
    }

    fn digest(&mut self, digest: Option<&str>, hasher: &str) {
        if let Some(d) = digest.filter(|d| !d.is_empty()) {
            self.set("password_digest", Some(d));
            self.set("password_hasher", Some(hasher));
        }
    }

    fn done(mut self) -> Map<String, Value> {
        for (list, field, status) in [
            (
                &self.emails,
                "email_address",
                "email_address_identification_status",
            ),
            (
                &self.phones,
                "phone_number",
                "phone_number_identification_status",
            ),
        ] {
            if list.is_empty() {
                continue;
            }
            self.body.insert(
                field.into(),
                list.iter()
                    .map(|(v, _)| json!(v))
                    .collect::<Vec<_>>()
                    .into(),
            );
            if list.iter().any(|(_, verified)| !verified) {
                self.body.insert(
                    status.into(),
                    list.iter()
                        .map(|(_, ok)| json!(if *ok { "verified" } else { "reserved" }))
                        .collect::<Vec<_>>()
                        .into(),
                );
            }
        }
        if !self.body.contains_key("password_digest") {
            self.body
                .insert("skip_password_requirement".into(), json!(true));
        }
        self.body
    }
}

/// A list cell of Clerk's export: addresses separated by commas, semicolons, bars or spaces.
fn split_list(s: Option<&String>) -> Vec<&str> {
    s.map(|s| {
        s.split([',', ';', '|', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

/// Clerk's dashboard export: `id, first_name, last_name, username, primary_email_address,
/// primary_phone_number, verified_email_addresses, unverified_email_addresses,
/// verified_phone_numbers, unverified_phone_numbers, totp_secret, password_digest,
/// password_hasher`.
fn from_clerk(r: &HashMap<String, String>) -> Map<String, Value> {
    let g = |k: &str| r.get(k).map(String::as_str);
    let mut b = Build::new();
    b.set("external_id", g("id"));
    b.set("first_name", g("first_name"));
    b.set("last_name", g("last_name"));
    b.set("username", g("username"));
    let unverified_emails = split_list(r.get("unverified_email_addresses"));
    if let Some(p) = g("primary_email_address") {
        let unverified = unverified_emails.iter().any(|u| u.eq_ignore_ascii_case(p));
        b.email(p, !unverified);
    }
    for e in split_list(r.get("verified_email_addresses")) {
        b.email(e, true);
    }
    for e in unverified_emails {
        b.email(e, false);
    }
    let unverified_phones = split_list(r.get("unverified_phone_numbers"));
    if let Some(p) = g("primary_phone_number") {
        b.phone(p, !unverified_phones.contains(&p));
    }
    for p in split_list(r.get("verified_phone_numbers")) {
        b.phone(p, true);
    }
    for p in unverified_phones {
        b.phone(p, false);
    }
    b.set("totp_secret", g("totp_secret"));
    b.set("password_digest", g("password_digest"));
    b.set("password_hasher", g("password_hasher"));
    if let Some(t) = rfc3339(
        r.get("created_at")
            .map(|s| Value::String(s.clone()))
            .as_ref(),
    ) {
        b.body.insert("created_at".into(), json!(t));
    }
    b.done()
}

/// Auth0's password hashes (exported by Auth0 support): by user ID (`auth0|` + `_id.$oid`) and
/// by email address.
#[derive(Default)]
struct Auth0Hashes {
    by_id: HashMap<String, String>,
    by_email: HashMap<String, String>,
}

fn auth0_hashes(text: &str) -> CliResult<Auth0Hashes> {
    let mut h = Auth0Hashes::default();
    for (line, r) in json_records(text, None)? {
        let Some(hash) = text_of(&r, "passwordHash") else {
            continue;
        };
        let oid = r
            .get("_id")
            .and_then(|i| i.get("$oid").or(Some(i)))
            .and_then(Value::as_str);
        if oid.is_none() && text_of(&r, "email").is_none() {
            return Err(usage(format!(
                "--password-hashes line {line}: neither _id nor email to join the hash to a user by"
            )));
        }
        if let Some(oid) = oid {
            h.by_id.insert(oid.to_owned(), hash.to_owned());
        }
        if let Some(e) = text_of(&r, "email") {
            h.by_email.insert(e.to_lowercase(), hash.to_owned());
        }
    }
    Ok(h)
}

fn text_of<'a>(r: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    text(r, key)
}

/// Auth0's bulk user export: `user_id` (`auth0|...`), `email`, `email_verified`, `username`,
/// `given_name`, `family_name`, `phone_number`, `phone_verified`, `created_at`.
fn from_auth0(r: &Map<String, Value>, hashes: &Auth0Hashes) -> Map<String, Value> {
    let mut b = Build::new();
    let id = text(r, "user_id").or_else(|| text(r, "Id"));
    b.set("external_id", id);
    b.set("first_name", text(r, "given_name"));
    b.set("last_name", text(r, "family_name"));
    b.set("username", text(r, "username"));
    if let Some(e) = text(r, "email") {
        b.email(e, truthy(r.get("email_verified")));
    }
    if let Some(p) = text(r, "phone_number") {
        b.phone(p, truthy(r.get("phone_verified")));
    }
    let oid = id.map(|i| i.rsplit('|').next().unwrap_or(i));
    let hash = oid
        .and_then(|o| hashes.by_id.get(o))
        .or_else(|| text(r, "email").and_then(|e| hashes.by_email.get(&e.to_lowercase())));
    b.digest(hash.map(String::as_str), "bcrypt");
    if let Some(t) = rfc3339(r.get("created_at")) {
        b.body.insert("created_at".into(), json!(t));
    }
    b.done()
}

/// A Firebase project's scrypt parameters.
struct HashConfig {
    signer_key: String,
    salt_separator: String,
    rounds: u64,
    mem_cost: u64,
}

/// The hash configuration: JSON (`{"hash_config": {...}}` or the object itself), or the
/// console's `key: value` text.
fn hash_config(text: &str) -> CliResult<HashConfig> {
    let obj: Map<String, Value> = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(mut o)) => match o.remove("hash_config") {
            Some(Value::Object(inner)) => inner,
            _ => o,
        },
        _ => text
            .lines()
            .filter_map(|l| l.split_once([':', '=']))
            .map(|(k, v)| {
                let v = v.trim().trim_end_matches(',').trim_matches('"');
                (k.trim().trim_matches('"').to_owned(), json!(v))
            })
            .collect(),
    };
    let s = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_owned);
    let n = |k: &str| {
        obj.get(k)
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
    };
    match (
        s("base64_signer_key"),
        s("base64_salt_separator"),
        n("rounds"),
        n("mem_cost"),
    ) {
        (Some(signer_key), Some(salt_separator), Some(rounds), Some(mem_cost)) => Ok(HashConfig {
            signer_key,
            salt_separator,
            rounds,
            mem_cost,
        }),
        _ => Err(usage(
            "--hash-config must give base64_signer_key, base64_salt_separator, rounds and mem_cost (Firebase console: Authentication > Users > Password hash parameters)",
        )),
    }
}

/// `firebase auth:export --format=json`: `users[]` with `localId`, `email`, `emailVerified`,
/// `passwordHash`, `salt`, `displayName`, `phoneNumber`, `createdAt` (milliseconds).
fn from_firebase(r: &Map<String, Value>, c: &HashConfig) -> Map<String, Value> {
    let mut b = Build::new();
    b.set("external_id", text(r, "localId"));
    if let Some(name) = text(r, "displayName") {
        match name.split_once(' ') {
            Some((first, last)) => {
                b.set("first_name", Some(first));
                b.set("last_name", Some(last));
            }
            None => b.set("first_name", Some(name)),
        }
    }
    if let Some(e) = text(r, "email") {
        b.email(e, truthy(r.get("emailVerified")));
    }
    if let Some(p) = text(r, "phoneNumber") {
        // Firebase verifies a phone number by signing in with it.
        b.phone(p, true);
    }
    if let (Some(hash), Some(salt)) = (text(r, "passwordHash"), text(r, "salt")) {
        let digest = format!(
            "{hash}${salt}${}${}${}${}",
            c.signer_key, c.salt_separator, c.rounds, c.mem_cost
        );
        b.digest(Some(&digest), "scrypt_firebase");
    }
    if let Some(t) = rfc3339(r.get("createdAt")) {
        b.body.insert("created_at".into(), json!(t));
    }
    b.done()
}

/// Supabase's `auth.users`: `id`, `email`, `encrypted_password` (bcrypt),
/// `email_confirmed_at`, `phone`, `phone_confirmed_at`, `created_at`, `raw_user_meta_data`.
fn from_supabase(r: &Map<String, Value>) -> Map<String, Value> {
    let mut b = Build::new();
    b.set("external_id", text(r, "id"));
    let confirmed = |k: &str| text(r, k).is_some_and(|v| !v.eq_ignore_ascii_case("null"));
    if let Some(e) = text(r, "email") {
        b.email(e, confirmed("email_confirmed_at"));
    }
    if let Some(p) = text(r, "phone") {
        let p = if p.starts_with('+') {
            p.to_owned()
        } else {
            format!("+{p}")
        };
        b.phone(&p, confirmed("phone_confirmed_at"));
    }
    let meta = match r.get("raw_user_meta_data") {
        Some(Value::Object(o)) => Some(o.clone()),
        Some(Value::String(s)) => serde_json::from_str::<Map<String, Value>>(s).ok(),
        _ => None,
    };
    if let Some(m) = &meta {
        b.set("first_name", text(m, "first_name"));
        b.set("last_name", text(m, "last_name"));
        b.set("username", text(m, "username"));
    }
    b.digest(text(r, "encrypted_password"), "bcrypt");
    if let Some(t) = rfc3339(r.get("created_at")) {
        b.body.insert("created_at".into(), json!(t));
    }
    b.done()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clerk_export_keeps_verification_and_the_primary_first() {
        let rows = csv_records(
            "id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher\n\
             user_1,Ada,L,ada,ada@x.io,+15555550100,\"ada@x.io,ada2@x.io\",old@x.io,+15555550100,,,,\n",
        )
        .unwrap();
        let b = from_clerk(&rows[0].1);
        assert_eq!(b["external_id"], "user_1");
        assert_eq!(
            b["email_address"],
            json!(["ada@x.io", "ada2@x.io", "old@x.io"])
        );
        assert_eq!(
            b["email_address_identification_status"],
            json!(["verified", "verified", "reserved"])
        );
        assert_eq!(b["phone_number"], json!(["+15555550100"]));
        assert!(!b.contains_key("phone_number_identification_status"));
        assert_eq!(b["skip_password_requirement"], true);
    }

    #[test]
    fn times_and_firebase_digests() {
        assert_eq!(
            rfc3339(Some(&json!("2024-01-02 03:04:05.123+00"))).as_deref(),
            Some("2024-01-02T03:04:05.123Z")
        );
        assert_eq!(
            rfc3339(Some(&json!("1704164645123"))).as_deref(),
            Some("2024-01-02T03:04:05.123Z")
        );
        let c = hash_config(
            "hash_config {\n  algorithm: SCRYPT,\n  base64_signer_key: c2s=,\n  base64_salt_separator: Bw==,\n  rounds: 8,\n  mem_cost: 14,\n}",
        )
        .unwrap();
        assert_eq!(
            (c.signer_key.as_str(), c.rounds, c.mem_cost),
            ("c2s=", 8, 14)
        );
        let r = json!({"localId": "f1", "email": "a@x.io", "emailVerified": true,
            "passwordHash": "aGFzaA==", "salt": "c2FsdA=="});
        let b = from_firebase(r.as_object().unwrap(), &c);
        assert_eq!(b["password_digest"], "aGFzaA==$c2FsdA==$c2s=$Bw==$8$14");
        assert_eq!(b["password_hasher"], "scrypt_firebase");
        assert!(hash_config("{\"rounds\": 8}").is_err());
    }

    #[test]
    fn a_user_without_an_identifier_stops_the_job() {
        let e = finish(vec![
            (
                1,
                json!({"email_address": ["a@x.io"]})
                    .as_object()
                    .unwrap()
                    .clone(),
            ),
            (2, json!({"external_id": "x"}).as_object().unwrap().clone()),
        ])
        .unwrap_err();
        assert!(e.line().contains("(line 2)"), "{}", e.line());
    }
}
