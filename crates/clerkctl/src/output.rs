//! Writing results to stdout: tables for people, Clerk's JSON for programs, one object per line
//! for streams. `--fields` keeps only the fields asked for.

use std::io::{BufWriter, IsTerminal, Stdout, Write};

use comfy_table::{Attribute, Cell, ContentArrangement, Table, presets};
use serde_json::Value;

use crate::cli::Format;
use crate::term::Stderr;

/// What is being printed, which decides the table's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    User,
    Organization,
    Membership,
    OrganizationInvitation,
    Invitation,
    Session,
    JwtTemplate,
    Deleted,
    Count,
    /// Anything else (`clerkctl api`, dry runs): shown as JSON even in table mode.
    Raw,
}

type Extract = fn(&Value) -> String;

/// What a table column shows: one of the kind's columns, or a field asked for with `--fields`.
enum Column {
    Computed(Extract),
    Field(String),
}

pub struct Out {
    format: Format,
    fields: Option<Vec<String>>,
    pretty: bool,
    color: bool,
    /// The width tables must fit; `None` lays them out unwrapped.
    width: Option<u16>,
    w: BufWriter<Stdout>,
    /// For notes to the reader, which are not data.
    err: Stderr,
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Out")
            .field("format", &self.format)
            .field("fields", &self.fields)
            .finish()
    }
}

impl Out {
    pub fn new(format: Option<Format>, fields: Option<Vec<String>>, err: Stderr) -> Out {
        let tty = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
            || std::env::var("TERM").is_ok_and(|t| t == "dumb");
        Out {
            format: format.unwrap_or(if tty { Format::Table } else { Format::Json }),
            fields: fields.map(|f| {
                f.into_iter()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            }),
            pretty: tty,
            color: tty && !no_color,
            width: if tty { terminal_width() } else { None },
            w: BufWriter::new(std::io::stdout()),
            err,
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether errors should be JSON (on stderr).
    pub fn json_errors(&self) -> bool {
        self.format != Format::Table
    }

    fn project(&self, v: &Value) -> Value {
        match &self.fields {
            None => v.clone(),
            Some(fields) => project(v, fields),
        }
    }

    fn json_line(&mut self, v: &Value) -> std::io::Result<()> {
        if self.pretty && self.format == Format::Json {
            serde_json::to_writer_pretty(&mut self.w, v)?;
        } else {
            serde_json::to_writer(&mut self.w, v)?;
        }
        writeln!(self.w)
    }

    /// Prints a request that a dry run would have sent, whole: `--fields` picks fields of
    /// Clerk's objects, not of the request.
    pub fn request(&mut self, v: &Value) -> std::io::Result<()> {
        if self.pretty {
            serde_json::to_writer_pretty(&mut self.w, v)?;
            writeln!(self.w)?;
        } else {
            self.json_line(v)?;
        }
        self.w.flush()
    }

    /// Plain text for people (summaries in table mode).
    pub fn raw_text(&mut self, text: &str) -> std::io::Result<()> {
        writeln!(self.w, "{text}")?;
        self.w.flush()
    }

    /// One object.
    pub fn object(&mut self, kind: Kind, v: &Value) -> std::io::Result<()> {
        match self.format {
            Format::Json | Format::Ndjson => {
                let v = self.project(v);
                self.json_line(&v)?;
            }
            Format::Table => match kind {
                Kind::Raw => {
                    let v = self.project(v);
                    serde_json::to_writer_pretty(&mut self.w, &v)?;
                    writeln!(self.w)?;
                }
                Kind::Count if self.fields.is_none() => {
                    writeln!(self.w, "{}", v.get("total_count").unwrap_or(v))?;
                }
                _ => {
                    let rows: Vec<(String, String)> = match &self.fields {
                        Some(fields) => fields
                            .iter()
                            .map(|f| (f.clone(), cell(Some(&lookup(v, f)))))
                            .collect(),
                        None => details(kind)
                            .iter()
                            .map(|(k, f)| ((*k).to_owned(), f(v)))
                            .collect(),
                    };
                    let mut t = self.table();
                    for (k, val) in rows {
                        let key = if self.color {
                            Cell::new(k).add_attribute(Attribute::Bold)
                        } else {
                            Cell::new(k)
                        };
                        t.add_row(vec![key, Cell::new(val)]);
                    }
                    write_table(&mut self.w, t)?;
                }
            },
        }
        self.w.flush()
    }

    /// A page of a list with its total (`None` when unknown).
    pub fn list(&mut self, kind: Kind, items: &[Value], total: Option<u64>) -> std::io::Result<()> {
        let mut list = self.list_writer(kind);
        for item in items {
            list.item(self, item)?;
        }
        list.end(self, total)
    }

    pub fn list_writer(&mut self, kind: Kind) -> ListWriter {
        ListWriter {
            kind,
            count: 0,
            rows: Vec::new(),
            buffered: Vec::new(),
        }
    }

    fn table(&self) -> Table {
        let mut t = Table::new();
        t.load_preset(presets::NOTHING);
        match self.width {
            Some(w) => {
                t.set_content_arrangement(ContentArrangement::Dynamic)
                    .set_width(w);
            }
            None => {
                t.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        t
    }

    fn columns(&self, kind: Kind) -> Vec<(String, Column)> {
        match &self.fields {
            Some(f) => f
                .iter()
                .map(|f| (f.to_uppercase(), Column::Field(f.clone())))
                .collect(),
            None => columns(kind)
                .iter()
                .map(|(h, e)| ((*h).to_owned(), Column::Computed(*e)))
                .collect(),
        }
    }
}

/// Writes a list item by item: JSON and ndjson stream (constant memory); tables and pretty JSON
/// are laid out at the end.
pub struct ListWriter {
    kind: Kind,
    count: u64,
    rows: Vec<Vec<String>>,
    buffered: Vec<Value>,
}

impl ListWriter {
    pub fn item(&mut self, out: &mut Out, v: &Value) -> std::io::Result<()> {
        let first = self.count == 0;
        self.count += 1;
        match out.format {
            Format::Ndjson => {
                let v = out.project(v);
                serde_json::to_writer(&mut out.w, &v)?;
                writeln!(out.w)?;
            }
            Format::Json if out.pretty => self.buffered.push(out.project(v)),
            Format::Json => {
                out.w.write_all(if first { b"{\"data\":[" } else { b"," })?;
                let v = out.project(v);
                serde_json::to_writer(&mut out.w, &v)?;
            }
            Format::Table if self.kind == Kind::Raw => self.buffered.push(out.project(v)),
            Format::Table => {
                let row = out
                    .columns(self.kind)
                    .iter()
                    .map(|(_, column)| match column {
                        Column::Computed(e) => e(v),
                        Column::Field(path) => cell(Some(&lookup(v, path))),
                    })
                    .collect();
                self.rows.push(row);
            }
        }
        Ok(())
    }

    /// Finishes the list; `total` defaults to the number of items written.
    pub fn end(self, out: &mut Out, total: Option<u64>) -> std::io::Result<()> {
        let total = total.unwrap_or(self.count);
        match out.format {
            Format::Ndjson => {}
            Format::Json if out.pretty => {
                let v = serde_json::json!({"data": self.buffered, "total_count": total});
                serde_json::to_writer_pretty(&mut out.w, &v)?;
                writeln!(out.w)?;
            }
            Format::Json => {
                if self.count == 0 {
                    out.w.write_all(b"{\"data\":[")?;
                }
                writeln!(out.w, "],\"total_count\":{total}}}")?;
            }
            Format::Table if self.kind == Kind::Raw => {
                let v = serde_json::json!({"data": self.buffered, "total_count": total});
                serde_json::to_writer_pretty(&mut out.w, &v)?;
                writeln!(out.w)?;
            }
            Format::Table => {
                if self.rows.is_empty() {
                    writeln!(out.w, "(none)")?;
                } else {
                    let mut t = out.table();
                    let header: Vec<Cell> = out
                        .columns(self.kind)
                        .into_iter()
                        .map(|(h, _)| {
                            if out.color {
                                Cell::new(h).add_attribute(Attribute::Bold)
                            } else {
                                Cell::new(h)
                            }
                        })
                        .collect();
                    t.set_header(header);
                    for row in self.rows {
                        t.add_row(row);
                    }
                    write_table(&mut out.w, t)?;
                    if total > self.count {
                        // A note for the reader, not data: stderr, so `| wc -l` counts rows.
                        out.w.flush()?;
                        out.err.line(format_args!(
                            "{} of {total} shown; use --offset, --limit or --all for more",
                            self.count
                        ));
                    }
                }
            }
        }
        out.w.flush()
    }
}

/// Prints a table flush left with no trailing blanks: two spaces between columns and none around
/// them, as `ls -l` and `gh` print theirs.
fn write_table(w: &mut impl Write, mut t: Table) -> std::io::Result<()> {
    for (i, column) in t.column_iter_mut().enumerate() {
        column.set_padding((u16::from(i > 0), 1));
    }
    for line in t.lines() {
        writeln!(w, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The width tables must fit on a terminal: `COLUMNS` when set, else the terminal's own. A
/// terminal that does not know its size (a pseudo-terminal with none set says 0 columns) gets
/// unwrapped tables rather than columns squeezed to one character.
fn terminal_width() -> Option<u16> {
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok());
    from_env
        .or_else(|| Table::new().width())
        .filter(|w| *w >= MIN_TABLE_WIDTH)
}

/// Narrower than this, wrapping makes tables unreadable: lay them out unwrapped instead.
const MIN_TABLE_WIDTH: u16 = 20;

/// Keeps only `fields`; missing fields read as null. Dots reach inside objects
/// (`public_metadata.plan`) and across arrays (`email_addresses.email_address` keeps that field
/// of every address; `email_addresses.0` keeps the first). An array (`clerkctl api GET /users`)
/// keeps them in each item, and a list envelope (`{"data": [...], "total_count": N}`) in each
/// item of `data`.
pub fn project(v: &Value, fields: &[String]) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(|i| project(i, fields)).collect()),
        Value::Object(m)
            if m.get("data").is_some_and(Value::is_array) && m.contains_key("total_count") =>
        {
            let mut m = m.clone();
            if let Some(data) = m.get_mut("data") {
                *data = project(data, fields);
            }
            Value::Object(m)
        }
        Value::Object(_) => pick(v, &Paths::of(fields)),
        _ => v.clone(),
    }
}

/// Dotted paths as a tree, in the order given: `id`, `public_metadata.plan` is
/// `{id, public_metadata: {plan}}`.
#[derive(Debug, Default)]
struct Paths {
    /// The whole value is wanted.
    whole: bool,
    children: Vec<(String, Paths)>,
}

impl Paths {
    fn of(fields: &[String]) -> Paths {
        let mut root = Paths::default();
        for f in fields {
            let mut node = &mut root;
            for part in f.split('.') {
                let i = match node.children.iter().position(|(k, _)| k == part) {
                    Some(i) => i,
                    None => {
                        node.children.push((part.to_owned(), Paths::default()));
                        node.children.len() - 1
                    }
                };
                node = &mut node.children[i].1;
            }
            node.whole = true;
        }
        root
    }
}

fn pick(v: &Value, paths: &Paths) -> Value {
    if paths.whole {
        return v.clone();
    }
    match v {
        Value::Object(m) => Value::Object(
            paths
                .children
                .iter()
                .map(|(k, sub)| (k.clone(), m.get(k).map_or(Value::Null, |x| pick(x, sub))))
                .collect(),
        ),
        Value::Array(items) => {
            let indices: Option<Vec<usize>> =
                paths.children.iter().map(|(k, _)| k.parse().ok()).collect();
            match indices {
                Some(indices) => Value::Array(
                    indices
                        .iter()
                        .zip(&paths.children)
                        .filter_map(|(i, (_, sub))| items.get(*i).map(|x| pick(x, sub)))
                        .collect(),
                ),
                None => Value::Array(items.iter().map(|x| pick(x, paths)).collect()),
            }
        }
        _ => Value::Null,
    }
}

/// The value at a dotted path, reaching across arrays as [`project`] does.
fn lookup(v: &Value, path: &str) -> Value {
    fn at(v: &Value, parts: &[&str]) -> Value {
        let Some((first, rest)) = parts.split_first() else {
            return v.clone();
        };
        match v {
            Value::Object(m) => m.get(*first).map_or(Value::Null, |x| at(x, rest)),
            Value::Array(items) => match first.parse::<usize>() {
                Ok(i) => items.get(i).map_or(Value::Null, |x| at(x, rest)),
                Err(_) => Value::Array(items.iter().map(|x| at(x, parts)).collect()),
            },
            _ => Value::Null,
        }
    }
    let parts: Vec<&str> = path.split('.').collect();
    at(v, &parts)
}

/// A value as a table cell: strings bare, a list of strings comma-separated, the rest compact
/// JSON.
fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "-".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(Value::is_string) => {
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        }
        Some(other) => other.to_string(),
    }
}

fn text(v: &Value, key: &str) -> String {
    cell(v.get(key))
}

/// Unix milliseconds as `2026-11-26 06:10 UTC`.
pub fn time(v: &Value, key: &str) -> String {
    let Some(ms) = v.get(key).and_then(Value::as_i64) else {
        return "-".into();
    };
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) else {
        return ms.to_string();
    };
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.format(&fmt).unwrap_or_else(|_| ms.to_string())
}

fn name(v: &Value) -> String {
    let parts: Vec<&str> = ["first_name", "last_name"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_str))
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(" ")
    }
}

fn primary_email(v: &Value) -> String {
    let primary = v.get("primary_email_address_id").and_then(Value::as_str);
    let emails = v.get("email_addresses").and_then(Value::as_array);
    emails
        .and_then(|es| {
            es.iter()
                .find(|e| e.get("id").and_then(Value::as_str) == primary && primary.is_some())
                .or_else(|| es.first())
        })
        .and_then(|e| e.get("email_address").and_then(Value::as_str))
        .unwrap_or("-")
        .to_owned()
}

fn all_of(v: &Value, list: &str, field: &str) -> String {
    let items: Vec<&str> = v
        .get(list)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|e| e.get(field).and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    if items.is_empty() {
        "-".into()
    } else {
        items.join(", ")
    }
}

fn user_status(v: &Value) -> String {
    let flag = |k| v.get(k).and_then(Value::as_bool).unwrap_or(false);
    match (flag("banned"), flag("locked")) {
        (true, true) => "banned, locked",
        (true, false) => "banned",
        (false, true) => "locked",
        (false, false) => "active",
    }
    .into()
}

fn compact(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::Object(m)) if m.is_empty() => "{}".into(),
        other => cell(other),
    }
}

fn member_user<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.get("public_user_data").and_then(|u| u.get(key))
}

fn columns(kind: Kind) -> &'static [(&'static str, Extract)] {
    match kind {
        Kind::User => &[
            ("ID", |v| text(v, "id")),
            ("NAME", name),
            ("EMAIL", primary_email),
            ("USERNAME", |v| text(v, "username")),
            ("STATUS", user_status),
            ("CREATED", |v| time(v, "created_at")),
        ],
        Kind::Organization => &[
            ("ID", |v| text(v, "id")),
            ("NAME", |v| text(v, "name")),
            ("SLUG", |v| text(v, "slug")),
            ("MEMBERS", |v| text(v, "members_count")),
            ("CREATED", |v| time(v, "created_at")),
        ],
        Kind::Membership => &[
            ("USER ID", |v| cell(member_user(v, "user_id"))),
            ("IDENTIFIER", |v| cell(member_user(v, "identifier"))),
            ("NAME", |v| {
                v.get("public_user_data").map_or("-".into(), name)
            }),
            ("ROLE", |v| text(v, "role")),
            ("ORGANIZATION", |v| {
                cell(v.get("organization").and_then(|o| o.get("slug")))
            }),
            ("JOINED", |v| time(v, "created_at")),
        ],
        Kind::OrganizationInvitation => &[
            ("ID", |v| text(v, "id")),
            ("EMAIL", |v| text(v, "email_address")),
            ("ROLE", |v| text(v, "role")),
            ("STATUS", |v| text(v, "status")),
            ("ORGANIZATION", |v| text(v, "organization_id")),
            ("EXPIRES", |v| time(v, "expires_at")),
            ("CREATED", |v| time(v, "created_at")),
        ],
        Kind::Invitation => &[
            ("ID", |v| text(v, "id")),
            ("EMAIL", |v| text(v, "email_address")),
            ("STATUS", |v| text(v, "status")),
            ("EXPIRES", |v| time(v, "expires_at")),
            ("CREATED", |v| time(v, "created_at")),
        ],
        Kind::Session => &[
            ("ID", |v| text(v, "id")),
            ("USER ID", |v| text(v, "user_id")),
            ("STATUS", |v| text(v, "status")),
            ("ORGANIZATION", |v| text(v, "last_active_organization_id")),
            ("LAST ACTIVE", |v| time(v, "last_active_at")),
            ("EXPIRES", |v| time(v, "expire_at")),
        ],
        Kind::JwtTemplate => &[
            ("ID", |v| text(v, "id")),
            ("NAME", |v| text(v, "name")),
            ("LIFETIME", |v| text(v, "lifetime")),
            ("CLOCK SKEW", |v| text(v, "allowed_clock_skew")),
            ("CUSTOM KEY", |v| text(v, "custom_signing_key")),
            ("CREATED", |v| time(v, "created_at")),
        ],
        Kind::Deleted => &[
            ("OBJECT", |v| text(v, "object")),
            ("ID", |v| text(v, "id")),
            ("DELETED", |v| text(v, "deleted")),
        ],
        Kind::Count => &[("TOTAL", |v| text(v, "total_count"))],
        Kind::Raw => &[],
    }
}

fn details(kind: Kind) -> &'static [(&'static str, Extract)] {
    match kind {
        Kind::User => &[
            ("id", |v| text(v, "id")),
            ("name", name),
            ("emails", |v| all_of(v, "email_addresses", "email_address")),
            ("phones", |v| all_of(v, "phone_numbers", "phone_number")),
            ("username", |v| text(v, "username")),
            ("external_id", |v| text(v, "external_id")),
            ("status", user_status),
            ("created", |v| time(v, "created_at")),
            ("updated", |v| time(v, "updated_at")),
            ("last sign-in", |v| time(v, "last_sign_in_at")),
            ("last active", |v| time(v, "last_active_at")),
            ("public_metadata", |v| compact(v, "public_metadata")),
            ("private_metadata", |v| compact(v, "private_metadata")),
            ("unsafe_metadata", |v| compact(v, "unsafe_metadata")),
        ],
        Kind::Organization => &[
            ("id", |v| text(v, "id")),
            ("name", |v| text(v, "name")),
            ("slug", |v| text(v, "slug")),
            ("members", |v| text(v, "members_count")),
            ("pending invitations", |v| {
                text(v, "pending_invitations_count")
            }),
            ("max memberships", |v| text(v, "max_allowed_memberships")),
            ("created by", |v| text(v, "created_by")),
            ("created", |v| time(v, "created_at")),
            ("updated", |v| time(v, "updated_at")),
            ("public_metadata", |v| compact(v, "public_metadata")),
            ("private_metadata", |v| compact(v, "private_metadata")),
        ],
        Kind::Membership => &[
            ("id", |v| text(v, "id")),
            ("organization", |v| {
                let o = v.get("organization");
                format!(
                    "{} ({})",
                    cell(o.and_then(|o| o.get("name"))),
                    cell(o.and_then(|o| o.get("id")))
                )
            }),
            ("user", |v| cell(member_user(v, "user_id"))),
            ("identifier", |v| cell(member_user(v, "identifier"))),
            ("name", |v| {
                v.get("public_user_data").map_or("-".into(), name)
            }),
            ("role", |v| text(v, "role")),
            ("permissions", |v| {
                v.get("permissions")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_else(|| "-".into())
            }),
            ("joined", |v| time(v, "created_at")),
            ("public_metadata", |v| compact(v, "public_metadata")),
            ("private_metadata", |v| compact(v, "private_metadata")),
        ],
        Kind::OrganizationInvitation => &[
            ("id", |v| text(v, "id")),
            ("organization", |v| text(v, "organization_id")),
            ("email", |v| text(v, "email_address")),
            ("role", |v| text(v, "role")),
            ("status", |v| text(v, "status")),
            ("inviter", |v| text(v, "inviter_id")),
            ("expires", |v| time(v, "expires_at")),
            ("created", |v| time(v, "created_at")),
            ("url", |v| text(v, "url")),
            ("public_metadata", |v| compact(v, "public_metadata")),
        ],
        Kind::Invitation => &[
            ("id", |v| text(v, "id")),
            ("email", |v| text(v, "email_address")),
            ("status", |v| text(v, "status")),
            ("expires", |v| time(v, "expires_at")),
            ("created", |v| time(v, "created_at")),
            ("url", |v| text(v, "url")),
            ("public_metadata", |v| compact(v, "public_metadata")),
        ],
        Kind::Session => &[
            ("id", |v| text(v, "id")),
            ("user", |v| text(v, "user_id")),
            ("client", |v| text(v, "client_id")),
            ("status", |v| text(v, "status")),
            ("organization", |v| text(v, "last_active_organization_id")),
            ("last active", |v| time(v, "last_active_at")),
            ("expires", |v| time(v, "expire_at")),
            ("abandoned at", |v| time(v, "abandon_at")),
            ("created", |v| time(v, "created_at")),
        ],
        Kind::JwtTemplate => &[
            ("id", |v| text(v, "id")),
            ("name", |v| text(v, "name")),
            ("claims", |v| compact(v, "claims")),
            ("lifetime", |v| text(v, "lifetime")),
            ("clock skew", |v| text(v, "allowed_clock_skew")),
            ("custom key", |v| text(v, "custom_signing_key")),
            ("algorithm", |v| text(v, "signing_algorithm")),
            ("created", |v| time(v, "created_at")),
            ("updated", |v| time(v, "updated_at")),
        ],
        Kind::Deleted => &[
            ("object", |v| text(v, "object")),
            ("id", |v| text(v, "id")),
            ("deleted", |v| text(v, "deleted")),
        ],
        Kind::Count | Kind::Raw => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_keep_only_what_was_asked() {
        let v = json!({"id": "user_1", "first_name": "Ada", "public_metadata": {"plan": "pro", "x": 1}});
        let p = project(
            &v,
            &["id".into(), "public_metadata.plan".into(), "missing".into()],
        );
        assert_eq!(
            p,
            json!({"id": "user_1", "public_metadata": {"plan": "pro"}, "missing": null})
        );
    }

    #[test]
    fn fields_reach_across_arrays() {
        let v = json!({"id": "user_1", "email_addresses": [
            {"id": "idn_1", "email_address": "a@x.co"},
            {"id": "idn_2", "email_address": "b@x.co"},
        ]});
        let fields = |f: &[&str]| f.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            project(&v, &fields(&["email_addresses.email_address"])),
            json!({"email_addresses": [{"email_address": "a@x.co"}, {"email_address": "b@x.co"}]})
        );
        assert_eq!(
            project(&v, &fields(&["email_addresses.1.id", "id.nope"])),
            json!({"email_addresses": [{"id": "idn_2"}], "id": null})
        );
        assert_eq!(
            cell(Some(&lookup(&v, "email_addresses.email_address"))),
            "a@x.co, b@x.co"
        );
        assert_eq!(cell(Some(&lookup(&v, "email_addresses.5.id"))), "-");
    }

    #[test]
    fn fields_reach_into_arrays_and_list_envelopes() {
        let fields = ["id".to_owned()];
        assert_eq!(
            project(
                &json!([{"id": "user_1", "x": 1}, {"id": "user_2"}]),
                &fields
            ),
            json!([{"id": "user_1"}, {"id": "user_2"}])
        );
        assert_eq!(
            project(
                &json!({"data": [{"id": "org_1", "name": "A"}], "total_count": 3}),
                &fields
            ),
            json!({"data": [{"id": "org_1"}], "total_count": 3})
        );
        assert_eq!(
            project(&json!({"id": "x", "data": [1]}), &fields),
            json!({"id": "x"}),
            "an object with a data field but no total_count is not a list"
        );
    }

    #[test]
    fn times_are_readable() {
        assert_eq!(
            time(&json!({"t": 1_350_717_320_902_i64}), "t"),
            "2012-10-20 07:15 UTC"
        );
        assert_eq!(time(&json!({}), "t"), "-");
    }
}
