//! `webhooks backfill`: a `*.created` event for every existing user, organization and
//! membership, signed as Clerk signs its deliveries through Svix and sent to an app's endpoint.
//!
//! Objects are read page by page (constant memory) and sent one at a time, in order, paced.
//! Each event is journaled (`attempt` before it goes out, `created` on a 2xx, `failed` when
//! the endpoint keeps refusing it), so a run after Ctrl-C or `kill -9` sends only what the
//! endpoint has not accepted; an event whose answer was lost is sent again with the same
//! `svix-id`. The signing secret is never journaled, printed or audited.

use std::path::PathBuf;
use std::time::Duration;

use clerk_api::retry::{Attempt, Decision, Outcome};
use clerk_api::{Client, RateLimit, Repeat};
use futures::TryStreamExt;
use serde_json::{Value, json};

use super::ROW_RETRIES;
use super::journal::{Event, Journal, State};
use crate::app::App;
use crate::fail::{CliResult, Fail, Subject};
use crate::ops::{self, Change, Page, webhooks};
use crate::output::{Kind, ListWriter};

/// The job's name in its journal and the audit log.
pub const JOB: &str = "webhooks backfill";

/// Svix's own timeout for an endpoint's answer.
const TIMEOUT: Duration = Duration::from_secs(15);

/// A backfill, checked.
pub struct Backfill {
    pub to: url::Url,
    /// In [`webhooks::BACKFILL_TYPES`] order.
    pub types: Vec<&'static str>,
    /// The decoded signing secret (`None` for a dry run, which signs nothing).
    pub key: Option<Vec<u8>>,
    pub instance_id: Option<String>,
    pub rate: Option<RateLimit>,
    pub journal: PathBuf,
}

impl Backfill {
    /// The endpoint without its query or fragment (which may carry a token), for the journal,
    /// messages and the audit log.
    pub fn target(&self) -> String {
        let mut u = self.to.clone();
        u.set_query(None);
        u.set_fragment(None);
        let _ = u.set_password(None);
        let _ = u.set_username("");
        u.to_string()
    }

    pub fn change(&self) -> Change {
        Change::new(
            format!("send webhook events to {}", self.target()),
            Subject::Other,
            None,
        )
    }
}

/// Where the objects come from, and what to do with each.
enum Sink<'a> {
    Plan(&'a mut ListWriter, u64),
    Send(Box<Sender>),
}

struct Sender {
    http: reqwest::Client,
    journal: Journal,
    pace: Option<tokio::time::Interval>,
    events: u64,
    sent: u64,
    already_done: u64,
    failures: Vec<Value>,
    retries: u64,
    stopped: Option<String>,
}

/// The object id of a membership is its own id; its event is about the pair.
fn object_id(data: &Value) -> String {
    data.get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

impl Sender {
    async fn send(&mut self, b: &Backfill, event_type: &str, data: &Value) {
        self.events += 1;
        let object = object_id(data);
        let key = format!("{event_type} {object}");
        match self.journal.state(&key) {
            Some(State::Done(_)) => {
                self.already_done += 1;
                return;
            }
            Some(State::Uncertain | State::Failed) | None => {}
        }
        let line = self.events as usize;
        let id = webhooks::backfill_message_id(event_type, &object);
        let body = webhooks::event_body(
            event_type,
            data,
            b.instance_id.as_deref(),
            time::OffsetDateTime::now_utc().unix_timestamp() * 1000,
        );
        let key_bytes = b.key.as_deref().expect("a run that sends has a key");
        let mut number = 0;
        loop {
            number += 1;
            if let Some(pace) = &mut self.pace {
                pace.tick().await;
            }
            if let Err(e) = self.journal.write(&Event::Attempt {
                line,
                key: key.clone(),
            }) {
                self.stopped = Some(message(e));
                return;
            }
            // Svix signs each attempt with its own timestamp.
            let ts = time::OffsetDateTime::now_utc().unix_timestamp();
            let answer = self
                .http
                .post(b.to.clone())
                .header("content-type", "application/json")
                .header("svix-id", &id)
                .header("svix-timestamp", ts.to_string())
                .header(
                    "svix-signature",
                    webhooks::sign(key_bytes, &id, ts, body.as_bytes()),
                )
                .body(body.clone())
                .send()
                .await;
            let (outcome, reason) = match answer {
                Ok(r) if r.status().is_success() => {
                    self.sent += 1;
                    if let Err(e) = self.journal.write(&Event::Created {
                        line,
                        key,
                        id: Some(id),
                        reconciled: false,
                    }) {
                        self.stopped = Some(message(e));
                    }
                    return;
                }
                Ok(r) => {
                    let retry_after = r
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let status = r.status().as_u16();
                    (
                        Outcome::Answered {
                            status,
                            retry_after,
                        },
                        (
                            Some(status.to_string()),
                            format!("the endpoint answered {status}"),
                        ),
                    )
                }
                Err(e) if e.is_connect() => (
                    Outcome::NotSent,
                    (
                        Some("no_connection".into()),
                        "no connection to the endpoint".into(),
                    ),
                ),
                Err(e) => (
                    Outcome::AnswerLost,
                    (
                        Some("no_answer".into()),
                        format!("no answer from the endpoint ({})", without_url(&e)),
                    ),
                ),
            };
            // The same policy as every bulk job; a delivery is safe to repeat (same svix-id).
            match ROW_RETRIES.decide(&Attempt::new(number, Repeat::Safe), &outcome) {
                Decision::Retry(wait) => {
                    self.retries += 1;
                    tokio::time::sleep(wait).await;
                }
                Decision::Stop => {
                    let (code, reason) = reason;
                    let reason = format!("{reason} after {number} attempt(s)");
                    if let Err(e) = self.journal.write(&Event::Failed {
                        line,
                        key: key.clone(),
                        code: code.clone(),
                        reason: reason.clone(),
                    }) {
                        self.stopped = Some(message(e));
                    }
                    self.failures.push(json!({
                        "type": event_type, "object_id": object, "svix_id": id,
                        "code": code, "reason": reason,
                    }));
                    return;
                }
            }
        }
    }
}

/// reqwest's errors name the URL, whose query may hold a token.
fn without_url(e: &reqwest::Error) -> String {
    let mut e = e.to_string();
    if let Some(i) = e.find(" for url (") {
        e.truncate(i);
    }
    e
}

fn message(e: Fail) -> String {
    match e {
        Fail::Other(m) | Fail::Usage(m) => m,
        other => format!("{other:?}"),
    }
}

impl Sink<'_> {
    async fn take(
        &mut self,
        app: &mut App,
        b: &Backfill,
        event_type: &str,
        data: &Value,
    ) -> CliResult<()> {
        match self {
            Sink::Plan(w, n) => {
                *n += 1;
                let object = object_id(data);
                w.item(
                    &mut app.out,
                    &json!({
                        "type": event_type,
                        "object_id": object,
                        "svix_id": webhooks::backfill_message_id(event_type, &object),
                    }),
                )?;
                Ok(())
            }
            Sink::Send(s) => {
                s.send(b, event_type, data).await;
                Ok(())
            }
        }
    }

    fn halted(&self, interrupted: &std::sync::atomic::AtomicBool) -> bool {
        interrupted.load(std::sync::atomic::Ordering::Relaxed)
            || matches!(self, Sink::Send(s) if s.stopped.is_some())
    }
}

fn clerk_fail(doing: &str, subject: Subject) -> impl Fn(clerk_api::Error) -> Fail {
    let doing = doing.to_owned();
    move |error| Fail::Clerk {
        doing: doing.clone(),
        subject,
        error,
    }
}

/// Pages through the objects of `b.types` and plans (dry run: one line each on stdout) or
/// sends their events. Answers the summary (`None` for a dry run).
pub async fn run(
    app: &mut App,
    client: &Client,
    b: &Backfill,
    dry_run: bool,
    interrupted: &std::sync::atomic::AtomicBool,
) -> CliResult<Option<Value>> {
    let mut writer = dry_run.then(|| app.out.list_writer(Kind::Raw));
    let mut sink = if let Some(w) = writer.as_mut() {
        Sink::Plan(w, 0)
    } else {
        let journal = Journal::open(&b.journal, JOB, &b.target(), &app.instance(client))?;
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            // Svix counts a redirect as a failure.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Fail::Other(format!("cannot make an HTTP client: {e}")))?;
        let pace = b.rate.map(|r| {
            let mut i = tokio::time::interval(r.per / r.requests.max(1));
            i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            i
        });
        Sink::Send(Box::new(Sender {
            http,
            journal,
            pace,
            events: 0,
            sent: 0,
            already_done: 0,
            failures: Vec::new(),
            retries: 0,
            stopped: None,
        }))
    };
    let page = Page::default();
    for &event_type in &b.types {
        match event_type {
            "user.created" => {
                let op = ops::users::export(&Default::default())?;
                let mut stream = op
                    .request(client, &page)
                    .retype::<Value>()
                    .stream_as::<Value>();
                while let Some(u) = stream
                    .try_next()
                    .await
                    .map_err(clerk_fail("users list", Subject::User))?
                {
                    if sink.halted(interrupted) {
                        break;
                    }
                    sink.take(app, b, event_type, &u).await?;
                }
            }
            "organization.created" | "organizationMembership.created" => {
                let op = ops::organizations::export(&Default::default())?;
                let mut stream = op
                    .request(client, &page)
                    .retype::<Value>()
                    .stream_as::<Value>();
                while let Some(org) = stream
                    .try_next()
                    .await
                    .map_err(clerk_fail("orgs list", Subject::Organization))?
                {
                    if sink.halted(interrupted) {
                        break;
                    }
                    if event_type == "organization.created" {
                        sink.take(app, b, event_type, &org).await?;
                        continue;
                    }
                    let org_id = object_id(&org);
                    let members = ops::memberships::export(&org_id, &Default::default())?;
                    let mut ms = members
                        .request(client, &page)
                        .retype::<Value>()
                        .stream_as::<Value>();
                    while let Some(m) = ms
                        .try_next()
                        .await
                        .map_err(clerk_fail("members list", Subject::Membership))?
                    {
                        if sink.halted(interrupted) {
                            break;
                        }
                        sink.take(app, b, event_type, &m).await?;
                    }
                }
            }
            other => unreachable!("checked by the command line: {other}"),
        }
    }
    match sink {
        Sink::Plan(_, n) => {
            if let Some(w) = writer {
                w.end(&mut app.out, None)?;
            }
            app.err.say(format_args!(
                "dry run of `{JOB}`: {n} event(s) would be sent to {}; nothing was sent",
                b.target()
            ));
            Ok(None)
        }
        Sink::Send(s) => {
            let interrupted = interrupted.load(std::sync::atomic::Ordering::Relaxed);
            let status = if interrupted {
                "interrupted"
            } else if s.stopped.is_some() {
                "stopped"
            } else {
                "done"
            };
            Ok(Some(json!({
                "job": JOB,
                "target": b.target(),
                "types": b.types,
                "status": status,
                "stopped_because": s.stopped,
                "events": s.events,
                "sent": s.sent,
                "already_done": s.already_done,
                "failed": s.failures.len(),
                "failures": s.failures,
                "retries": s.retries,
                "journal": s.journal.path().display().to_string(),
            })))
        }
    }
}
