//! Exports: every user, organization or member, streamed page by page in constant memory, as
//! ndjson (Clerk's objects exactly as they came) or CSV, in the list's default order (users and
//! organizations newest first).
//!
//! Users are fetched several pages at a time (see [`concurrent_pages`]); organizations and
//! members one page after another, by offset.

use std::io::{BufWriter, Write};
use std::path::Path;

use clerk_api::models::{Organization, OrganizationMembership, User};
use clerk_api::page::HasId;
use clerk_api::page::List;
use clerk_api::{Client, Request};
use futures::stream::{BoxStream, FuturesOrdered};
use futures::{StreamExt, TryStreamExt};
use indicatif::ProgressBar;
use serde::de::DeserializeOwned;
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

fn org(v: &Value, k: &str) -> String {
    v.get("organization")
        .map(|o| text(o, k))
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
    ("organization_id", |v| org(v, "id")),
    ("organization_slug", |v| org(v, "slug")),
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

/// The list's first request (what a dry run shows; a users export sends the count with it).
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
        FileFormat::Ndjson if strip_private => {
            // Private metadata is left out as each page is read (one pass over each object).
            let stream = items::<crate::redact::WithoutPrivateMetadata>(client, what);
            n = write_lines(stream, |o| o.text(), sink, progress, &fail).await?;
        }
        FileFormat::Ndjson => {
            // Each object exactly as Clerk sent it.
            let stream = items::<Box<RawValue>>(client, what);
            n = write_lines(stream, |o| o.get().as_bytes(), sink, progress, &fail).await?;
        }
        FileFormat::Csv => {
            let mut csv = csv::Writer::from_writer(&mut sink.w);
            csv.write_record(columns.iter().map(|(h, _)| *h))
                .map_err(|e| Fail::Other(e.to_string()))?;
            let mut stream = items::<Value>(client, what);
            while let Some(item) = stream.try_next().await.map_err(fail)? {
                // A cell a spreadsheet would run as a formula is written as text.
                csv.write_record(
                    columns
                        .iter()
                        .map(|(_, f)| crate::bulk::rows::escape_cell(&f(&item)).into_owned()),
                )
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

/// Writes each object of `stream` as one line (`text` gives its JSON), answering how many.
async fn write_lines<U>(
    mut stream: BoxStream<'_, clerk_api::Result<U>>,
    text: impl Fn(&U) -> &[u8],
    sink: &mut Sink,
    progress: &ProgressBar,
    fail: &(dyn Fn(clerk_api::Error) -> Fail + Sync),
) -> CliResult<u64> {
    let mut n = 0u64;
    while let Some(item) = stream.try_next().await.map_err(fail)? {
        sink.w.write_all(text(&item))?;
        sink.w.write_all(b"\n")?;
        n += 1;
        if n.is_multiple_of(500) {
            progress.set_position(n);
        }
    }
    Ok(n)
}

/// Items a page; Clerk's largest.
const LIMIT: u64 = 500;

/// The most pages an export has in flight by the round trip's need (each buffers up to 500
/// objects until it is written).
pub const EXPORT_CAP: usize = 16;

/// The most pages an export has in flight while the pace's window takes them all at once (an
/// export of 50,000 users is 101 requests, a tenth of a production instance's window): at most
/// 32 pages of 500 users buffered, some 50 MB.
pub const EXPORT_BURST: usize = 32;

/// Every object of `what`, in the list's order: users through [`concurrent_pages`], the other
/// lists one page after another.
fn items<'a, U>(client: &'a Client, what: &'a What) -> BoxStream<'a, clerk_api::Result<U>>
where
    U: DeserializeOwned + HasId + Send + 'a,
{
    match what {
        What::Users(_) => concurrent_pages(client, what),
        _ => list_request(client, what).stream_as::<U>(),
    }
}

/// The users list (newest first), several offset pages in flight at once, as many as the pace
/// and the observed round trip need ([`super::flight`]), written in order.
///
/// Pages overlap by one user (page k starts at offset 499 k): each page must hold the last user
/// written, and only what follows it is written. Users created meanwhile go to the top of the
/// list and shift later pages down, which the overlap absorbs (the last user written is found
/// further in, and what precedes it is not written again); users deleted meanwhile shift them up,
/// and a page that no longer holds the last user written may have skipped someone: from there
/// the export goes on one page after another with the `starting_after` cursor, which cannot skip.
/// The order is by creation, which never changes, so every user present throughout is written
/// exactly once, in order.
///
/// The count of matching users goes with the first pages, and says which page is the last:
/// none past it is asked for (each would only come back empty). Until it is known, no more
/// pages go than before any answer ([`super::flight`]); if users were created meanwhile and
/// the last page comes back full, the export goes on past it.
fn concurrent_pages<'a, U>(
    client: &'a Client,
    what: &'a What,
) -> BoxStream<'a, clerk_api::Result<U>>
where
    U: DeserializeOwned + HasId + Send + 'a,
{
    enum Answer<U> {
        Page(clerk_api::Result<clerk_api::page::Page<U>>),
        Count(clerk_api::Result<u64>),
    }
    struct State<'a, U> {
        client: &'a Client,
        what: &'a What,
        flight: super::flight::Flight,
        running: FuturesOrdered<futures::future::BoxFuture<'a, Answer<U>>>,
        next_page: u64,
        /// Pages answered so far.
        answered: u64,
        /// The count is on its way.
        counting: bool,
        /// The last page by the count: none past it is sent.
        last_page: Option<u64>,
        /// A page ended the list: send no more.
        end: bool,
        /// The ID of the last user written.
        last: Option<String>,
        buffered: std::vec::IntoIter<U>,
    }
    let pace = client.rate_limit().map(|r| r.per_second());
    let mut running = FuturesOrdered::new();
    let count = match what {
        What::Users(op) => op.count(client),
        _ => None,
    };
    let counting = count.is_some();
    if let Some(count) = count {
        running.push_back(Box::pin(async move { Answer::Count(count.send().await) }) as _);
    }
    let state = State {
        client,
        what,
        flight: super::flight::Flight::new(pace, EXPORT_CAP, client.stats())
            .with_burst(EXPORT_BURST),
        running,
        next_page: 0,
        answered: 0,
        counting,
        last_page: None,
        end: false,
        last: None,
        buffered: Vec::new().into_iter(),
    };
    enum Step<U> {
        Item(U),
        /// Continuity lost: go on by cursor after this ID.
        Cursor(String),
        Done,
    }
    let paged = futures::stream::try_unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.buffered.next() {
                return Ok(Some((Step::Item(item), st)));
            }
            // Pages sent and not yet read.
            let pages = (st.next_page - st.answered) as usize;
            let mut want = st.flight.target_with_room(st.client.pace_room(), pages);
            if st.counting {
                want = want.min(super::flight::START);
            }
            while !st.end
                && ((st.next_page - st.answered) as usize) < want
                && st.last_page.is_none_or(|last| st.next_page <= last)
            {
                let offset = st.next_page * (LIMIT - 1);
                st.next_page += 1;
                let request = list_request(st.client, st.what)
                    .limit(LIMIT as u32)
                    .offset(offset)
                    .retype::<U>();
                st.running
                    .push_back(Box::pin(async move { Answer::Page(request.send().await) }));
            }
            let Some(answer) = st.running.next().await else {
                return Ok(Some((Step::Done, st)));
            };
            st.flight.update(st.client.stats());
            let page = match answer {
                Answer::Count(count) => {
                    st.counting = false;
                    // Only a bound on what to ask for: without it, pages go on until one is
                    // not full, as they would.
                    if let Ok(n) = count {
                        st.last_page = Some(n.saturating_sub(1) / (LIMIT - 1));
                    }
                    continue;
                }
                Answer::Page(page) => page?,
            };
            let index = st.answered;
            st.answered += 1;
            let full = page.data.len() as u64 >= LIMIT;
            if full && st.last_page == Some(index) {
                // Users created since the count: go on past it.
                st.last_page = None;
            }
            let mut data = page.data;
            if let Some(last) = &st.last {
                match data
                    .iter()
                    .position(|u| u.item_id().as_deref() == Some(last.as_str()))
                {
                    Some(j) => {
                        data.drain(..=j);
                    }
                    None => {
                        let after = last.clone();
                        st.running = FuturesOrdered::new();
                        st.end = true;
                        return Ok(Some((Step::Cursor(after), st)));
                    }
                }
            }
            if let Some(id) = data.last().map(HasId::item_id) {
                st.last = Some(id.ok_or_else(|| clerk_api::Error::Decode {
                    path: "[].id".into(),
                    message: "an exported object has no id".into(),
                })?);
            }
            if !full {
                st.end = true;
                st.running = FuturesOrdered::new();
            }
            st.buffered = data.into_iter();
        }
    });
    paged
        .take_while(|step| futures::future::ready(!matches!(step, Ok(Step::Done))))
        .flat_map(move |step| match step {
            Ok(Step::Item(u)) => futures::stream::once(futures::future::ready(Ok(u))).boxed(),
            Ok(Step::Cursor(after)) => list_request(client, what)
                .param("starting_after", after)
                .stream_as::<U>(),
            Ok(Step::Done) => futures::stream::empty().boxed(),
            Err(e) => futures::stream::once(futures::future::ready(Err(e))).boxed(),
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::users::UserFilters;
    use clerk_api::ids::UserId;

    async fn emulator() -> (clerk_emulator::Emulator, Client) {
        let emu = clerk_emulator::Emulator::start(clerk_emulator::Config::default().no_limits())
            .await
            .unwrap();
        let client = Client::builder()
            .secret_key(clerk_api::SecretKey::new("sk_test_export_unit_tests_0000"))
            .api_url(&emu.base_url())
            .unwrap()
            .rate_limit("1000/10".parse().unwrap())
            .build()
            .unwrap();
        (emu, client)
    }

    async fn create(client: &Client, names: impl Iterator<Item = String>) {
        futures::stream::iter(names)
            .map(|name| async move { client.users().create().username(name).send().await })
            .buffer_unordered(16)
            .try_collect::<Vec<_>>()
            .await
            .unwrap();
    }

    /// Every user, newest first, by the cursor (one page after another).
    async fn by_cursor(client: &Client) -> Vec<String> {
        let all: Vec<Value> = client
            .users()
            .list()
            .limit(500)
            .stream_as()
            .try_collect()
            .await
            .unwrap();
        all.iter()
            .map(|u| u["id"].as_str().unwrap().to_owned())
            .collect()
    }

    fn users() -> What {
        What::Users(crate::ops::users::export(&UserFilters::default()).unwrap())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pages_fetched_together_come_out_in_the_lists_order() {
        let (_emu, client) = emulator().await;
        // 2,495 users: five pages of 499 new users each, the last one exactly full.
        create(&client, (0..2495).map(|i| format!("order_{i:04}"))).await;
        let expected = by_cursor(&client).await;
        let what = users();
        let got: Vec<String> = items::<Value>(&client, &what)
            .map_ok(|u| u["id"].as_str().unwrap().to_owned())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(got.len(), 2495);
        assert_eq!(got, expected);
    }

    /// The count goes with the first pages, and no page past the last it implies is asked
    /// for: 6,000 users are 13 pages and one count, whatever the burst.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_page_past_the_end_is_asked_for() {
        let (emu, client) = emulator().await;
        let seeded: Vec<Value> = (0..6000)
            .map(|i| serde_json::json!({"username": format!("bound_{i:04}")}))
            .collect();
        let seed = serde_json::from_value(serde_json::json!({ "users": seeded })).unwrap();
        emu.engine().load_seed(seed, "test").unwrap();
        let before = client.stats().requests;
        let what = users();
        let got: Vec<String> = items::<crate::redact::WithoutPrivateMetadata>(&client, &what)
            .map_ok(|u| String::from_utf8(u.text().to_vec()).unwrap())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(got.len(), 6000);
        // Pages start 499 apart: the 13th (offset 5,988) holds the last 12.
        assert_eq!(client.stats().requests - before, 13 + 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn users_created_and_deleted_during_an_export_are_neither_doubled_nor_skipped() {
        let (_emu, client) = emulator().await;
        create(&client, (0..3000).map(|i| format!("churn_{i:04}"))).await;
        let before = by_cursor(&client).await;
        let what = users();
        let mut stream = items::<Value>(&client, &what);
        let mut got = vec![
            stream.try_next().await.unwrap().unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        ];
        // With the first page in hand and others perhaps fetched: users deleted from the middle
        // (in pages that may or may not have been fetched yet), and more new ones at the top
        // than a page holds, so that every page sent from now on has moved past the last user
        // written and the export must go on by cursor (pages after the first four are only
        // sent once the stream is read again).
        let deleted: Vec<String> = before[700..720]
            .iter()
            .chain(&before[1600..1610])
            .chain(&before[2400..2405])
            .cloned()
            .collect();
        for id in &deleted {
            let id: UserId = id.parse().unwrap();
            client.users().delete(&id).send().await.unwrap();
        }
        create(&client, (0..600).map(|i| format!("late_{i:04}"))).await;
        while let Some(u) = stream.try_next().await.unwrap() {
            got.push(u["id"].as_str().unwrap().to_owned());
        }
        let distinct: std::collections::HashSet<&String> = got.iter().collect();
        assert_eq!(distinct.len(), got.len(), "a user was written twice");
        // Every user there from start to end is written, in the list's order; a deleted one may
        // have been written before it went, and a late one never comes after older ones.
        let kept: Vec<&String> = before.iter().filter(|id| !deleted.contains(id)).collect();
        let written_of_before: Vec<&String> = got.iter().filter(|id| before.contains(id)).collect();
        let written_kept: Vec<&String> = written_of_before
            .iter()
            .copied()
            .filter(|id| !deleted.contains(id))
            .collect();
        assert_eq!(written_kept, kept, "a user was skipped or out of order");
        let order: Vec<&String> = before.iter().filter(|id| got.contains(id)).collect();
        assert_eq!(written_of_before, order, "out of the list's order");
        assert!(
            got.iter().all(|id| before.contains(id)),
            "users created after the first page belong to a later export"
        );
    }
}
