//! Bulk jobs at Clerk's limits: invitations, imports and memberships from a file, with nothing
//! lost and nothing created twice; and exports of every user, organization or member.
//!
//! A job reads its rows, skips those its journal says are done, then sends the rest (in
//! Clerk's bulk requests of 10 where they exist), paced to the instance's rate limit and the
//! hourly limits on invitation creates, with several requests in flight. Every row's outcome is
//! journaled as it happens. A create whose answer is lost (timeout, closed connection, 500, 502,
//! 504) is looked up before it is sent again; Clerk's "already pending", "already a member" and
//! "already exists" answers count as skipped.

pub mod backfill;
pub mod copy;
pub mod export;
pub mod fleet;
pub mod flight;
pub mod jobs;
pub mod journal;
pub mod migrate;
pub mod rows;
pub mod verify;

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clerk_api::retry::{Attempt, Decision, Outcome};
use clerk_api::{Client, Error as ClerkError, Repeat, RetryPolicy};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use indicatif::ProgressBar;
use serde_json::{Map, Value, json};

use crate::app::App;
use crate::fail::{CliResult, Fail, exit};
use crate::term::Stderr;
use jobs::Job;
use journal::{Event, Journal, State};

/// When a job sends a row (or a batch) again: the job's own loop, the only one, since its
/// creates go out with [`RetryPolicy::none`]. Clerk busy (429, honouring `Retry-After`; 503)
/// or no connection: the same request again. A lost answer (timeout, 500, 502, 504): the row is
/// looked up first, and sent again only if it is not there. Ten attempts a row, 100 ms
/// doubling to at most 5 s between them.
pub(crate) const ROW_RETRIES: RetryPolicy = RetryPolicy {
    max_retries: 9,
    base_delay: Duration::from_millis(100),
    max_delay: Duration::from_secs(5),
    max_retry_after: Duration::from_secs(120),
};

/// A row waiting to be sent.
#[derive(Debug, Clone)]
struct Item {
    line: usize,
    key: String,
    body: Map<String, Value>,
    /// Sent in an earlier run with no known answer: look it up first.
    uncertain: bool,
}

/// What happened to each row.
#[derive(Debug, Default)]
struct Tally {
    created: u64,
    reconciled: u64,
    skipped: Vec<Value>,
    failed: Vec<Value>,
    already_done: u64,
}

/// A sliding window of one hour over an endpoint's requests.
#[derive(Debug)]
struct HourWindow {
    max: usize,
    sent: VecDeque<Instant>,
}

impl HourWindow {
    const HOUR: Duration = Duration::from_secs(3600);

    fn new(max: u32) -> HourWindow {
        HourWindow {
            max: max as usize,
            sent: VecDeque::new(),
        }
    }

    fn expire(&mut self, now: Instant) {
        while self
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Self::HOUR)
        {
            self.sent.pop_front();
        }
    }

    fn try_take(&mut self) -> bool {
        let now = Instant::now();
        self.expire(now);
        if self.sent.len() < self.max {
            self.sent.push_back(now);
            true
        } else {
            false
        }
    }

    fn wait(&mut self) -> Duration {
        let now = Instant::now();
        self.expire(now);
        if self.sent.len() < self.max {
            Duration::ZERO
        } else {
            (self.sent[0] + Self::HOUR).saturating_duration_since(now)
        }
    }
}

/// Clerk's hourly limits on an invitation job's bulk and single endpoints.
#[derive(Debug)]
struct Hourly {
    bulk: HourWindow,
    single: HourWindow,
    told: bool,
}

/// The hourly windows of every job a long-lived process (the MCP server) runs, so that one
/// call after another does not start each with a fresh hour.
#[derive(Debug, Default)]
pub struct HourlyBook {
    windows: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Hourly>>>>,
}

impl HourlyBook {
    fn windows(&self, job: &Job, h: jobs::Hourly) -> Arc<tokio::sync::Mutex<Hourly>> {
        let key = format!("{} {}", job.name(), job.target());
        self.windows
            .lock()
            .expect("not poisoned")
            .entry(key)
            .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(Hourly::new(h))))
            .clone()
    }
}

impl Hourly {
    fn new(h: jobs::Hourly) -> Hourly {
        Hourly {
            bulk: HourWindow::new(h.bulk),
            single: HourWindow::new(h.single),
            told: false,
        }
    }
}

/// One job's shared state while it runs.
struct Run<'a> {
    client: Client,
    job: &'a Job,
    journal: Mutex<Journal>,
    tally: Mutex<Tally>,
    hourly: Option<Arc<tokio::sync::Mutex<Hourly>>>,
    /// Why the job stopped early, if it did.
    stopped: Mutex<Option<String>>,
    interrupted: AtomicBool,
    wait_for_hourly: bool,
    progress: ProgressBar,
    err: Stderr,
    /// Requests the job sent again (its creates are not retried by the client).
    retries: AtomicU64,
    /// When this run began (Unix milliseconds): an object made before it, found after a lost
    /// answer, existed before the row was sent.
    started_ms: i64,
}

enum Endpoint {
    Bulk,
    Single,
}

impl Run<'_> {
    fn halted(&self) -> bool {
        self.interrupted.load(Ordering::Relaxed)
            || self.stopped.lock().expect("not poisoned").is_some()
    }

    fn stop(&self, why: String) {
        let mut s = self.stopped.lock().expect("not poisoned");
        if s.is_none() {
            self.err
                .say(format_args!("{} stopped: {why}", self.job.name()));
            *s = Some(why);
        }
    }

    fn journal(&self, event: Event) -> bool {
        if let Err(e) = self.journal.lock().expect("not poisoned").write(&event) {
            self.stop(match e {
                Fail::Other(m) | Fail::Usage(m) => m,
                other => format!("{other:?}"),
            });
            return false;
        }
        true
    }

    fn created(&self, it: &Item, id: Option<String>, reconciled: bool) {
        self.journal(Event::Created {
            line: it.line,
            key: it.key.clone(),
            id,
            reconciled,
        });
        let mut t = self.tally.lock().expect("not poisoned");
        t.created += 1;
        if reconciled {
            t.reconciled += 1;
        }
        self.progress.inc(1);
    }

    fn skipped(&self, it: &Item, reason: &str, id: Option<String>) {
        self.journal(Event::Skipped {
            line: it.line,
            key: it.key.clone(),
            reason: reason.to_owned(),
            id: id.clone(),
        });
        self.tally
            .lock()
            .expect("not poisoned")
            .skipped
            .push(json!({"line": it.line, "key": it.key, "reason": reason, "id": id}));
        self.progress.inc(1);
    }

    fn failed(&self, it: &Item, code: Option<String>, reason: String) {
        self.journal(Event::Failed {
            line: it.line,
            key: it.key.clone(),
            code: code.clone(),
            reason: reason.clone(),
        });
        self.tally
            .lock()
            .expect("not poisoned")
            .failed
            .push(json!({"line": it.line, "key": it.key, "code": code, "reason": reason}));
        self.progress.inc(1);
    }

    /// Errors after which no row can succeed: the job stops (exit 6), its journal intact.
    /// Clerk still busy (429, 503) or unreachable after the job's retries is one of them.
    fn is_fatal(e: &ClerkError) -> bool {
        match e {
            ClerkError::Api(a) => matches!(a.status, 401 | 403 | 429 | 503),
            ClerkError::Transport { ambiguous, .. } => !ambiguous,
            ClerkError::Decode { .. } => false,
            _ => true,
        }
    }

    /// Sleeps `wait` before attempt `number + 1`, counting the retry; false if the job was
    /// halted meanwhile.
    async fn wait_to_retry(&self, wait: Duration) -> bool {
        self.retries.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(wait).await;
        !self.halted()
    }

    /// After attempt `number` of a request failed with `e`: whether to send the very same
    /// request again, having waited as [`ROW_RETRIES`] says. Only when Clerk certainly did not
    /// carry it out (busy, or no connection); a lost answer is looked up instead.
    async fn send_again(&self, number: u32, e: &ClerkError) -> bool {
        if e.is_ambiguous() || e.nothing_listening() {
            return false;
        }
        let Some(outcome) = Outcome::of(e) else {
            return false;
        };
        match ROW_RETRIES.decide(&Attempt::new(number, Repeat::Once), &outcome) {
            Decision::Retry(wait) => self.wait_to_retry(wait).await,
            Decision::Stop => false,
        }
    }

    /// After attempt `number` ended without a known answer: whether to try the row again
    /// (looking it up first), having waited.
    async fn look_again(&self, number: u32) -> bool {
        match ROW_RETRIES.decide(&Attempt::new(number, Repeat::Safe), &Outcome::AnswerLost) {
            Decision::Retry(wait) => self.wait_to_retry(wait).await,
            Decision::Stop => false,
        }
    }

    /// Which endpoint the next request of `n` rows should use, waiting for the hourly limits.
    async fn endpoint(&self, n: usize) -> Endpoint {
        let Some(hourly) = &self.hourly else {
            return if n > 1 {
                Endpoint::Bulk
            } else {
                Endpoint::Single
            };
        };
        loop {
            let wait = {
                let mut h = hourly.lock().await;
                if n > 1 {
                    if h.bulk.try_take() {
                        return Endpoint::Bulk;
                    }
                    // Each row then takes its own single-endpoint slot.
                    if h.single.wait().is_zero() {
                        return Endpoint::Single;
                    }
                } else if h.single.try_take() {
                    return Endpoint::Single;
                }
                let wait = if n > 1 {
                    h.bulk.wait().min(h.single.wait())
                } else {
                    h.single.wait()
                };
                if !self.wait_for_hourly {
                    drop(h);
                    self.stop(format!(
                        "Clerk's hourly limit on invitation creates is reached; run the same job again in {} to carry on",
                        crate::term::duration(wait)
                    ));
                    return Endpoint::Single;
                }
                if !h.told {
                    h.told = true;
                    self.err.warn(format_args!(
                        "Clerk's hourly limit on invitation creates is reached; waiting {} (Ctrl-C stops; run again to resume)",
                        crate::term::duration(wait)
                    ));
                }
                wait
            };
            if self.halted() {
                return Endpoint::Single;
            }
            tokio::time::sleep(wait.max(Duration::from_millis(10))).await;
        }
    }

    async fn lookup(&self, it: &Item) -> Option<Option<(String, Option<i64>)>> {
        let mut number = 0;
        loop {
            number += 1;
            match self.job.find(&self.client, &it.body).await {
                Ok(found) => return Some(found),
                Err(_) if self.halted() => return None,
                // Busy (429, 503): the same question gets an answer a moment later, as a row's
                // request does; the job stops only when the retries are spent.
                Err(ClerkError::Api(a))
                    if matches!(a.status, 429 | 503) && self.look_again(number).await => {}
                Err(e) => {
                    if Self::is_fatal(&e) {
                        self.stop(format!("looking up line {}: {e}", it.line));
                    }
                    return None;
                }
            }
        }
    }

    /// The ID of the object Clerk said is already there, for the skip to name: looked up
    /// again, as a row is, while the lookup gets no usable answer.
    async fn existing(&self, it: &Item) -> Option<String> {
        let mut number = 0;
        loop {
            number += 1;
            match self.job.find(&self.client, &it.body).await {
                Ok(found) => return found.map(|(id, _)| id),
                Err(_) if self.halted() => return None,
                Err(_) if self.look_again(number).await => {}
                Err(_) => return None,
            }
        }
    }

    /// Sends a group of rows: in one bulk request where possible, else one by one.
    async fn process(&self, items: Vec<Item>) {
        let mut todo = Vec::with_capacity(items.len());
        for it in items {
            if self.halted() {
                return;
            }
            if it.uncertain {
                match self.lookup(&it).await {
                    Some(Some((id, _))) => self.created(&it, Some(id), true),
                    Some(None) => todo.push(it),
                    None if self.halted() => return,
                    None => todo.push(it),
                }
            } else {
                todo.push(it);
            }
        }
        if todo.len() > 1 && matches!(self.endpoint(todo.len()).await, Endpoint::Bulk) {
            if self.halted() {
                return;
            }
            for it in &todo {
                if !self.journal(Event::Attempt {
                    line: it.line,
                    key: it.key.clone(),
                }) {
                    return;
                }
            }
            let bodies: Vec<Map<String, Value>> = todo.iter().map(|i| i.body.clone()).collect();
            let mut number = 0;
            let result = loop {
                number += 1;
                match self.job.create_many(&self.client, &bodies).await {
                    Err(e) if self.send_again(number, &e).await => continue,
                    other => break other,
                }
            };
            match result {
                Ok(created) => {
                    let ids: HashMap<String, String> = created.into_iter().collect();
                    for it in &todo {
                        match ids.get(&it.key) {
                            Some(id) => self.created(it, Some(id.clone()), false),
                            None => self.single(it.clone(), true).await,
                        }
                    }
                }
                Err(_) if self.halted() => {}
                Err(e) if Self::is_fatal(&e) => self.stop(e.to_string()),
                // The answer was lost: find what was made, send the rest one by one. A refusal
                // of the batch (one bad row refuses all ten): send each alone to learn which.
                Err(e) => {
                    let lost = e.is_ambiguous();
                    for it in todo {
                        self.single(it, lost).await;
                    }
                }
            }
        } else {
            for it in todo {
                self.single(it, false).await;
            }
        }
    }

    /// Creates one row, looking it up after a lost answer before trying again.
    async fn single(&self, it: Item, mut uncertain: bool) {
        let mut number = 0;
        loop {
            number += 1;
            if self.halted() {
                return;
            }
            if uncertain {
                // Every answer this function finds lost was lost in this run (rows left
                // uncertain by an earlier run are looked up before they get here), so an
                // object older than the run was there before the row was sent: a lost
                // "already exists", not a lost create.
                let found = self.lookup(&it).await;
                match found {
                    Some(Some((id, Some(made)))) if made < self.started_ms => {
                        return self.skipped(&it, "it existed before this run", Some(id));
                    }
                    Some(Some((id, _))) => return self.created(&it, Some(id), true),
                    Some(None) => {}
                    None if self.halted() => return,
                    // The lookup itself got no answer: wait, and look again.
                    None if self.look_again(number).await => continue,
                    None => break,
                }
            }
            if self.hourly.is_some() {
                self.endpoint(1).await;
                if self.halted() {
                    return;
                }
            }
            if !self.journal(Event::Attempt {
                line: it.line,
                key: it.key.clone(),
            }) {
                return;
            }
            let e = match self.job.create_one(&self.client, &it.body).await {
                Ok(id) => return self.created(&it, id, false),
                Err(e) => e,
            };
            if e.is_ambiguous() {
                uncertain = true;
                if self.look_again(number).await {
                    continue;
                }
                break;
            }
            if self.send_again(number, &e).await {
                continue;
            }
            if self.halted() {
                return;
            }
            if Self::is_fatal(&e) {
                return self.stop(e.to_string());
            }
            return match e {
                ClerkError::Api(a) => {
                    if let Some(reason) = self.job.already_there(&a) {
                        let id = self.existing(&it).await;
                        return self.skipped(&it, reason, id);
                    }
                    let code = a.code().filter(|c| !c.is_empty()).map(str::to_owned);
                    self.failed(&it, code, a.long_message().unwrap_or("refused").to_owned())
                }
                e => self.failed(&it, None, e.to_string()),
            };
        }
        if self.halted() {
            return;
        }
        self.failed(
            &it,
            Some("no_answer".into()),
            format!("no answer after {number} attempts"),
        );
    }
}

/// A job's rows, and the journal that records what became of each.
pub struct Input {
    pub rows: Vec<rows::Row>,
    /// Rows that could not be read; reported as failed.
    pub bad: Vec<rows::BadRow>,
    pub journal: PathBuf,
}

/// How a job runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Requests in flight at once; `None`: as many as the pace and the observed round trip
    /// need ([`flight`]), at most [`flight::CAP`].
    pub concurrency: Option<u32>,
    /// Pace to Clerk's hourly limits on invitation creates.
    pub hourly_limits: bool,
    /// When an hourly limit is reached: wait for it (the CLI), or stop so that a later run
    /// carries on (the MCP server, whose calls cannot wait an hour).
    pub wait_for_hourly: bool,
    /// Show what is happening on stderr: bad rows, the time estimate, a progress bar on a
    /// terminal.
    pub talk: bool,
    /// Send nothing; answer the plan.
    pub dry_run: bool,
    /// The plan shows whole requests (URL, headers) rather than method, path and body.
    pub verbose: bool,
    /// Hourly windows shared with earlier jobs of the same process.
    pub book: Option<Arc<HourlyBook>>,
}

/// What a job did, or with a dry run would do.
#[derive(Debug)]
pub enum Report {
    Plan {
        /// One entry per request: `{"lines": [...], "uncertain": bool, "request": {...}}`.
        requests: Vec<Value>,
        /// Rows that would be sent.
        rows: usize,
        already_done: u64,
        skipped: usize,
        /// Rows refused before sending: `{"line", "key", "code", "reason"}`.
        bad: Vec<Value>,
    },
    Summary(Value),
}

impl Report {
    /// The exit code of a finished job: 6 if it could not finish, 5 if Clerk refused rows.
    pub fn exit_code(&self) -> u8 {
        match self {
            Report::Plan { .. } => exit::OK,
            Report::Summary(s) if s["status"] != "done" => exit::RATE_LIMITED,
            Report::Summary(s) if !s["failures"].as_array().is_some_and(Vec::is_empty) => {
                exit::REFUSED
            }
            Report::Summary(_) => exit::OK,
        }
    }
}

/// Runs a job (or plans it, with `dry_run`) and records it in the audit log. `interrupt`
/// resolving stops it after the requests in flight, with the reason it gives (`None` for
/// Ctrl-C); the journal keeps what was done for the next run.
pub async fn execute(
    app: &App,
    client: &Client,
    job: &Job,
    input: Input,
    options: &Options,
    interrupt: impl Future<Output = Option<String>>,
) -> CliResult<Report> {
    let Input {
        rows,
        bad,
        journal: journal_path,
    } = input;
    // Refusals of the whole job come first: nothing sent, no journal.
    job.check_rows(&rows)?;
    if job.all_or_nothing() {
        refuse_bad_rows(job, &rows, &bad)?;
    }
    // Check each row, drop repeats of a key, and see what an earlier run already did.
    let mut tally = Tally::default();
    for b in &bad {
        tally
            .failed
            .push(json!({"line": b.line, "key": null, "code": "bad_row", "reason": b.reason}));
    }
    let journal = if options.dry_run {
        None
    } else {
        let journal = Journal::open(
            &journal_path,
            job.name(),
            job.target(),
            &app.instance(client),
        )?;
        if journal.damaged() > 0 {
            app.err.say(format_args!(
                "{} line(s) of the journal {} were cut short by a crash; the rows they named will be looked up",
                journal.damaged(),
                journal_path.display()
            ));
        }
        Some(journal)
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut items = Vec::new();
    for row in rows {
        let mut body = row.body;
        let key = match job.prepare(&mut body) {
            Ok(k) => k,
            Err(reason) => {
                tally.failed.push(
                    json!({"line": row.line, "key": null, "code": "bad_row", "reason": reason}),
                );
                continue;
            }
        };
        if let Some(first) = seen.insert(key.clone(), row.line) {
            tally.skipped.push(
                json!({"line": row.line, "key": key, "reason": format!("same as line {first}")}),
            );
            seen.insert(key, first);
            continue;
        }
        let state = journal.as_ref().and_then(|j| j.state(&key).cloned());
        match state {
            Some(State::Done(_)) => tally.already_done += 1,
            Some(State::Uncertain) => items.push(Item {
                line: row.line,
                key,
                body,
                uncertain: true,
            }),
            Some(State::Failed) | None => items.push(Item {
                line: row.line,
                key,
                body,
                uncertain: false,
            }),
        }
    }
    let total_rows = items.len() as u64
        + tally.already_done
        + tally.skipped.len() as u64
        + tally.failed.len() as u64;

    if options.dry_run {
        return plan(client, job, &items, tally, options.verbose);
    }
    let journal = journal.expect("opened unless dry run");
    let err = &app.err;
    if options.talk {
        for b in &bad {
            err.say(format_args!("line {}: {}", b.line, b.reason));
        }
        estimate(err, client, job, items.len(), !options.hourly_limits);
    }

    let progress = if options.talk && !items.is_empty() {
        err.progress(
            Some(items.len() as u64),
            "{spinner} {bar:30} {pos}/{len} rows  {rate}  ETA {eta}",
        )
    } else {
        ProgressBar::hidden()
    };
    let started = Instant::now();
    let before = client.stats();
    let run = Run {
        client: client.clone(),
        job,
        journal: Mutex::new(journal),
        tally: Mutex::new(tally),
        hourly: job
            .hourly()
            .filter(|_| options.hourly_limits)
            .map(|h| match &options.book {
                Some(book) => book.windows(job, h),
                None => Arc::new(tokio::sync::Mutex::new(Hourly::new(h))),
            }),
        wait_for_hourly: options.wait_for_hourly,
        stopped: Mutex::new(None),
        interrupted: AtomicBool::new(false),
        progress,
        err: err.clone(),
        retries: AtomicU64::new(0),
        started_ms: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64),
    };
    let batches: Vec<Vec<Item>> = items.chunks(job.batch()).map(<[Item]>::to_vec).collect();
    let work = send_all(&run, batches, options.concurrency);
    let mut interrupted_because = None;
    {
        tokio::pin!(work);
        tokio::select! {
            _ = &mut work => {}
            why = interrupt => {
                run.interrupted.store(true, Ordering::Relaxed);
                let line = why.as_deref().unwrap_or("interrupted");
                err.say(format_args!("{line}: stopping after the requests in flight; run the same job again to carry on"));
                interrupted_because = why;
                work.await;
            }
        }
    }
    run.progress.finish_and_clear();
    let stats = client.stats();
    let journal_path = run.journal.lock().expect("not poisoned").path().to_owned();
    let stopped = run
        .stopped
        .lock()
        .expect("not poisoned")
        .take()
        .or(interrupted_because);
    let interrupted = run.interrupted.load(Ordering::Relaxed);
    let mut tally = run.tally.into_inner().expect("not poisoned");
    // Requests in flight finish in any order: list rows as the file has them.
    let line = |v: &Value| v["line"].as_u64().unwrap_or(u64::MAX);
    tally.failed.sort_by_key(line);
    tally.skipped.sort_by_key(line);
    let status = if interrupted {
        "interrupted"
    } else if stopped.is_some() {
        "stopped"
    } else {
        "done"
    };
    let done =
        tally.created + tally.already_done + tally.skipped.len() as u64 + tally.failed.len() as u64;
    let mut summary = json!({
        "job": job.name(),
        "target": if job.target().is_empty() { Value::Null } else { json!(job.target()) },
        "status": status,
        "stopped_because": stopped,
        "rows": total_rows,
        "created": tally.created,
        "reconciled": tally.reconciled,
        "already_done": tally.already_done,
        "skipped": tally.skipped.len(),
        "failed": tally.failed.len(),
        "not_done": total_rows.saturating_sub(done),
        "skips": tally.skipped,
        "failures": tally.failed,
        "journal": journal_path.display().to_string(),
        "requests": stats.requests - before.requests,
        "retries": stats.retries - before.retries + run.retries.load(Ordering::Relaxed),
        "rate_limited": stats.rate_limited - before.rate_limited,
        "elapsed_ms": started.elapsed().as_millis() as u64,
    });
    if total_rows > 0 && tally.already_done == total_rows {
        let note = format!(
            "every row was done by an earlier run recorded in {}; nothing was sent. To send them again, pass another journal file (or delete this one)",
            journal_path.display()
        );
        if options.talk {
            err.say(format_args!("{note}"));
        }
        summary["note"] = json!(note);
    }
    if job.done_word() != "created"
        && let Some(s) = summary.as_object_mut()
        && let Some(n) = s.remove("created")
    {
        s.insert(job.done_word().into(), n);
    }
    let outcome = json!({
        "status": summary["status"],
        "rows": summary["rows"],
        job.done_word(): summary[job.done_word()],
        "skipped": summary["skipped"],
        "failed": summary["failed"],
        "journal": summary["journal"],
        "requests": summary["requests"],
    });
    app.audit_job(job.name(), &job.change(), &outcome)?;
    Ok(Report::Summary(summary))
}

/// Refuses a job whose rows are not all good, before anything is opened or sent: every bad
/// row is named with its line, and an object named by two rows with different contents is one
/// of them (the order two requests for one object arrive in is not the order of the file).
fn refuse_bad_rows(job: &Job, rows: &[rows::Row], bad: &[rows::BadRow]) -> CliResult<()> {
    let mut reasons: Vec<String> = bad
        .iter()
        .map(|b| format!("line {}: {}", b.line, b.reason))
        .collect();
    let mut seen: HashMap<String, (usize, String)> = HashMap::new();
    for row in rows {
        let mut body = row.body.clone();
        match job.prepare(&mut body) {
            Err(reason) => reasons.push(format!("line {}: {reason}", row.line)),
            Ok(key) => {
                let object = crate::ops::metadata::Target::id_of_key(&key).to_owned();
                match seen.get(&object) {
                    Some((line, first)) if *first != key => reasons.push(format!(
                        "line {}: {object} is on line {line} too, with other metadata: give one row per {}",
                        row.line,
                        job.noun().trim_end_matches('s')
                    )),
                    Some(_) => {}
                    None => {
                        seen.insert(object, (row.line, key));
                    }
                }
            }
        }
    }
    if reasons.is_empty() {
        return Ok(());
    }
    reasons.sort_by_key(|r| {
        r.trim_start_matches("line ")
            .split(':')
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(usize::MAX)
    });
    const SHOWN: usize = 20;
    let more = reasons.len().saturating_sub(SHOWN);
    let mut text = format!(
        "{}: {} bad, nothing was sent; fix {} and run it again:\n  {}",
        job.name(),
        crate::term::count(reasons.len() as u64, "row is", "rows are"),
        if reasons.len() == 1 { "it" } else { "them" },
        reasons[..reasons.len().min(SHOWN)].join("\n  ")
    );
    if more > 0 {
        text.push_str(&format!("\n  and {more} more"));
    }
    Err(crate::fail::usage(text))
}

/// Sends every batch, keeping as many in flight as `fixed` says or, by default, as the pace and
/// the round trips the client observes need (fewer after a 429).
async fn send_all(run: &Run<'_>, batches: Vec<Vec<Item>>, fixed: Option<u32>) {
    let client = &run.client;
    let pace = client.rate_limit().map(|r| r.per_second());
    let mut flight = match fixed {
        Some(n) => flight::Flight::new(None, n.max(1) as usize, client.stats()),
        None => flight::Flight::new(pace, flight::CAP, client.stats()),
    };
    let mut waiting = batches.into_iter();
    let mut running = FuturesUnordered::new();
    loop {
        let target = flight.target();
        while running.len() < target {
            match waiting.next() {
                Some(batch) => running.push(run.process(batch)),
                None => break,
            }
        }
        if running.next().await.is_none() {
            return;
        }
        flight.update(client.stats());
    }
}

/// Says how long a job will take when Clerk's limits make it longer than a minute.
fn estimate(err: &Stderr, client: &Client, job: &Job, rows: usize, no_hourly: bool) {
    if rows == 0 {
        return;
    }
    let requests = rows.div_ceil(job.batch());
    let mut secs = client
        .rate_limit()
        .map_or(0.0, |r| requests as f64 / r.per_second());
    let mut why = client
        .rate_limit()
        .map(|r| format!("{} requests per {}s", r.requests, r.per.as_secs_f64()));
    if let Some(h) = job.hourly().filter(|_| !no_hourly) {
        let per_hour = (h.bulk as usize * job.batch() + h.single as usize) as f64;
        if rows as f64 > per_hour {
            let hours = rows as f64 / per_hour;
            secs = secs.max((hours.ceil() - 1.0) * 3600.0);
            why = Some(format!(
                "Clerk's hourly limits on invitation creates ({} bulk and {} single requests an hour)",
                h.bulk, h.single
            ));
        }
    }
    if secs > 60.0 {
        err.say(format_args!(
            "{rows} rows need about {requests} requests; at {} this takes about {}",
            why.unwrap_or_default(),
            crate::term::duration(Duration::from_secs_f64(secs))
        ));
    }
}

/// The requests a job would send, one per batch, and what it would leave out.
fn plan(
    client: &Client,
    job: &Job,
    items: &[Item],
    tally: Tally,
    verbose: bool,
) -> CliResult<Report> {
    let requests = items
        .chunks(job.batch())
        .map(|batch| {
            let request = if batch.len() > 1 {
                job.prepare_many(
                    client,
                    &batch.iter().map(|i| i.body.clone()).collect::<Vec<_>>(),
                )
            } else {
                job.prepare_one(client, &batch[0].body)?
            };
            // A plan is shown, not sent: passwords and private metadata are masked in it.
            let request = crate::redact::prepared(request, client);
            let lines: Vec<usize> = batch.iter().map(|i| i.line).collect();
            let request = crate::ops::shown_request(&request, verbose);
            Ok(json!({"lines": lines, "uncertain": batch.iter().any(|i| i.uncertain), "request": request}))
        })
        .collect::<CliResult<_>>()?;
    Ok(Report::Plan {
        requests,
        rows: items.len(),
        already_done: tally.already_done,
        skipped: tally.skipped.len(),
        bad: tally.failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_job_says_how_long_it_will_take_and_a_short_one_says_nothing() {
        let client = crate::ops::test_client();
        let paced = Client::builder()
            .secret_key(clerk_api::SecretKey::new("sk_test_bulk_unit_tests_0000"))
            .api_url("http://127.0.0.1:9")
            .unwrap()
            .rate_limit(clerk_api::RateLimit::DEVELOPMENT)
            .build()
            .unwrap();
        let (err, said) = Stderr::buffer();
        estimate(&err, &paced, &Job::Users, 50, true);
        estimate(&err, &client, &Job::Users, 100_000, true);
        assert_eq!(said.text(), "", "under a minute, or no limit to wait for");
        estimate(&err, &paced, &Job::Users, 5_000, true);
        assert_eq!(
            said.text(),
            "clerkctl: 5000 rows need about 5000 requests; at 100 requests per 10s this takes about 8m20s\n"
        );
        let (err, said) = Stderr::buffer();
        estimate(&err, &client, &Job::Invitations, 2_000, false);
        assert!(
            said.text()
                .contains("Clerk's hourly limits on invitation creates"),
            "{}",
            said.text()
        );
    }

    #[test]
    fn a_row_is_tried_ten_times_with_growing_waits() {
        let lost = |n| {
            ROW_RETRIES.decide(
                &Attempt {
                    number: n,
                    repeat: Repeat::Safe,
                    jitter: 1.0,
                },
                &Outcome::AnswerLost,
            )
        };
        let waits: Vec<u64> = (1..=9)
            .map(|n| match lost(n) {
                Decision::Retry(w) => w.as_millis() as u64,
                Decision::Stop => panic!("attempt {n} is retried"),
            })
            .collect();
        assert_eq!(waits, [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
        assert_eq!(lost(10), Decision::Stop);
        // A create that Clerk may have carried out is never sent again unlooked.
        let gateway = Outcome::Answered {
            status: 502,
            retry_after: None,
        };
        assert_eq!(
            ROW_RETRIES.decide(
                &Attempt {
                    number: 1,
                    repeat: Repeat::Once,
                    jitter: 0.0
                },
                &gateway
            ),
            Decision::Stop
        );
    }
}
