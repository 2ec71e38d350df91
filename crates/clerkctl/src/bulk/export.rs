//! Exports: every user (through the `starting_after` cursor), organization or member, streamed
//! page by page in constant memory, as ndjson (Clerk's objects exactly as they came) or CSV.

use std::io::{BufWriter, Write};
use std::path::Path;

use clerk_api::models::{Organization, OrganizationMembership, User};
use clerk_api::page::List;
use clerk_api::{Client, Request};
use futures::TryStreamExt;
use indicatif::ProgressBar;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::cli::FileFormat;
use crate::fail::{CliResult, Fail};
use crate::files::NewFile;
use crate::ops::{Listing, Page};
use crate::term::Stderr;

/// What to export: the list operation that pages through it (`ops::*::export`).
#[derive(Debug)]
pub enum What {
    Users(Listing<User>),
    Organizations(Listing<Organization>),
    Members(Listing<OrganizationMembership>),
}

impl What {
    pub fn noun(&self) -> &'static str {
        match self {
            What::Users(_) => "users",
            What::Organizations(_) => "organizations",
            What::Members(_) => "members",
        }
    }
}

type Column = (&'static str, fn(&Value) -> String);

fn text(v: &Value, k: &str) -> String {
    match v.get(k) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// A time as ISO 8601 in UTC (what a spreadsheet reads, and imports take back); Clerk's
/// Unix milliseconds in the JSON exports.
fn time(v: &Value, k: &str) -> String {
    match v.get(k).and_then(Value::as_i64) {
        Some(ms) => crate::ops::time::iso(ms).unwrap_or_else(|| ms.to_string()),
        None => text(v, k),
    }
}

fn joined(v: &Value, list: &str, field: &str) -> String {
    v.get(list)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|e| e.get(field).and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(";")
        })
        .unwrap_or_default()
}

fn primary_email(v: &Value) -> String {
    let id = v.get("primary_email_address_id").and_then(Value::as_str);
    v.get("email_addresses")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|e| e.get("id").and_then(Value::as_str) == id && id.is_some())
        })
        .and_then(|e| e.get("email_address").and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned()
}

fn user(v: &Value, k: &str) -> String {
    v.get("public_user_data")
        .map(|u| text(u, k))
        .unwrap_or_default()
}

const USER_COLUMNS: &[Column] = &[
    ("id", |v| text(v, "id")),
    ("external_id", |v| text(v, "external_id")),
    ("primary_email_address", primary_email),
    ("email_addresses", |v| {
        joined(v, "email_addresses", "email_address")
    }),
    ("phone_numbers", |v| {
        joined(v, "phone_numbers", "phone_number")
    }),
    ("username", |v| text(v, "username")),
    ("first_name", |v| text(v, "first_name")),
    ("last_name", |v| text(v, "last_name")),
    ("banned", |v| text(v, "banned")),
    ("locked", |v| text(v, "locked")),
    ("created_at", |v| time(v, "created_at")),
    ("updated_at", |v| time(v, "updated_at")),
    ("last_sign_in_at", |v| time(v, "last_sign_in_at")),
    ("last_active_at", |v| time(v, "last_active_at")),
    ("public_metadata", |v| text(v, "public_metadata")),
    ("private_metadata", |v| text(v, "private_metadata")),
    ("unsafe_metadata", |v| text(v, "unsafe_metadata")),
];

const ORG_COLUMNS: &[Column] = &[
    ("id", |v| text(v, "id")),
    ("name", |v| text(v, "name")),
    ("slug", |v| text(v, "slug")),
    ("members_count", |v| text(v, "members_count")),
    ("max_allowed_memberships", |v| {
        text(v, "max_allowed_memberships")
    }),
    ("created_by", |v| text(v, "created_by")),
    ("created_at", |v| time(v, "created_at")),
    ("updated_at", |v| time(v, "updated_at")),
    ("public_metadata", |v| text(v, "public_metadata")),
    ("private_metadata", |v| text(v, "private_metadata")),
];

const MEMBER_COLUMNS: &[Column] = &[
    ("id", |v| text(v, "id")),
    ("user_id", |v| user(v, "user_id")),
    ("identifier", |v| user(v, "identifier")),
    ("first_name", |v| user(v, "first_name")),
    ("last_name", |v| user(v, "last_name")),
    ("role", |v| text(v, "role")),
    ("created_at", |v| time(v, "created_at")),
    ("updated_at", |v| time(v, "updated_at")),
    ("public_metadata", |v| text(v, "public_metadata")),
    ("private_metadata", |v| text(v, "private_metadata")),
];

/// Where the export goes: a new file (see `crate::files`: written beside its final name,
/// private, renamed when complete, never replacing a file unless forced), or stdout.
enum Place {
    Stdout(std::io::Stdout),
    File(NewFile),
}

impl Write for Place {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Place::Stdout(w) => w.write(buf),
            Place::File(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Place::Stdout(w) => w.flush(),
            Place::File(w) => w.flush(),
        }
    }
}

struct Sink {
    w: BufWriter<Place>,
}

impl Sink {
    /// Refuses a file that exists (without `force`) or a directory before anything is fetched.
    fn open(out: Option<&Path>, force: bool) -> CliResult<Sink> {
        let place = match out {
            None => Place::Stdout(std::io::stdout()),
            Some(path) => Place::File(NewFile::create(path, force)?),
        };
        Ok(Sink {
            w: BufWriter::with_capacity(1 << 16, place),
        })
    }

    /// Completes the file; an export that fails is dropped instead, leaving nothing behind.
    fn finish(self) -> CliResult<()> {
        match self
            .w
            .into_inner()
            .map_err(|e| Fail::from(e.into_error()))?
        {
            Place::File(file) => file.commit()?,
            Place::Stdout(mut w) => w.flush()?,
        }
        Ok(())
    }
}

/// Writes every object of `what` to `out` (a new file, completed atomically: nothing is left
/// at `out` if the export fails; an existing file is replaced only with `force`) or stdout,
/// and answers how many. `strip_private` leaves `private_metadata` out; `talk` shows progress
/// there, when it is a terminal.
pub async fn export(
    client: &Client,
    what: &What,
    format: FileFormat,
    out: Option<&Path>,
    force: bool,
    strip_private: bool,
    talk: Option<&Stderr>,
) -> CliResult<u64> {
    let noun = what.noun();
    let columns = match what {
        What::Users(_) => USER_COLUMNS,
        What::Organizations(_) => ORG_COLUMNS,
        What::Members(_) => MEMBER_COLUMNS,
    };
    let kept: Vec<Column>;
    let columns = if strip_private {
        kept = columns
            .iter()
            .filter(|(h, _)| *h != "private_metadata")
            .copied()
            .collect();
        &kept[..]
    } else {
        columns
    };
    let progress = match talk {
        Some(err) => {
            let bar = err.progress(None, "{spinner} {pos} {msg}  {rate}");
            bar.set_message(noun);
            bar
        }
        None => ProgressBar::hidden(),
    };
    let mut sink = Sink::open(out, force)?;
    let result = write_all(
        client,
        what,
        format,
        columns,
        strip_private,
        &mut sink,
        &progress,
    )
    .await;
    progress.finish_and_clear();
    // A failed export drops the sink, and with it the unfinished file.
    let n = result?;
    sink.finish()?;
    Ok(n)
}

/// The first page's request; `stream_as` pages on from it.
fn list_request<'a>(client: &'a Client, what: &What) -> Request<'a, List<Value>> {
    let page = Page::default();
    match what {
        What::Users(op) => op.request(client, &page).retype(),
        What::Organizations(op) => op.request(client, &page).retype(),
        What::Members(op) => op.request(client, &page).retype(),
    }
}

/// The first request an export sends (what a dry run shows).
pub fn first_page(client: &Client, what: &What) -> clerk_api::PreparedRequest {
    list_request(client, what).prepare()
}

async fn write_all(
    client: &Client,
    what: &What,
    format: FileFormat,
    columns: &[Column],
    strip_private: bool,
    sink: &mut Sink,
    progress: &ProgressBar,
) -> CliResult<u64> {
    let (doing, subject) = match what {
        What::Users(op) => (&op.doing, op.subject),
        What::Organizations(op) => (&op.doing, op.subject),
        What::Members(op) => (&op.doing, op.subject),
    };
    let fail = |error| Fail::Clerk {
        doing: doing.clone(),
        subject,
        error,
    };
    let mut n = 0u64;
    match format {
        FileFormat::Ndjson => {
            let mut stream = list_request(client, what).stream_as::<Box<RawValue>>();
            while let Some(item) = stream.try_next().await.map_err(fail)? {
                if strip_private {
                    let mut v: Value = serde_json::from_str(item.get())
                        .map_err(|e| Fail::Other(format!("cannot read an exported object: {e}")))?;
                    crate::redact::strip_private_metadata(&mut v);
                    serde_json::to_writer(&mut sink.w, &v)
                        .map_err(|e| Fail::Other(format!("cannot write the export: {e}")))?;
                } else {
                    // Each object exactly as Clerk sent it.
                    sink.w.write_all(item.get().as_bytes())?;
                }
                sink.w.write_all(b"\n")?;
                n += 1;
                if n.is_multiple_of(500) {
                    progress.set_position(n);
                }
            }
        }
        FileFormat::Csv => {
            let mut csv = csv::Writer::from_writer(&mut sink.w);
            csv.write_record(columns.iter().map(|(h, _)| *h))
                .map_err(|e| Fail::Other(e.to_string()))?;
            let mut stream = list_request(client, what).stream_as::<Value>();
            while let Some(item) = stream.try_next().await.map_err(fail)? {
                csv.write_record(columns.iter().map(|(_, f)| f(&item)))
                    .map_err(|e| match e.into_kind() {
                        csv::ErrorKind::Io(io) => Fail::from(io),
                        other => Fail::Other(format!("{other:?}")),
                    })?;
                n += 1;
                if n.is_multiple_of(500) {
                    progress.set_position(n);
                }
            }
            csv.flush()?;
        }
    }
    Ok(n)
}
