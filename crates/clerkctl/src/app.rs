//! What every command shares: settings, the client (to Clerk or to the built-in emulator), the
//! safety guards, dry runs, and the audit log.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clerk_api::request::Operation;
use clerk_api::{ApiBase, Client, KeyKind, PreparedRequest, RateLimit, Request, SecretKey};
use serde_json::{Value, json};

use crate::cli::{Global, Rate};
use crate::fail::{CliResult, Fail, Subject};
use crate::local::Local;
use crate::ops::Change;
use crate::output::Out;
use crate::term::Stderr;

/// What became of a change: sent (Clerk's answer), or only shown (`--dry-run`).
#[derive(Debug)]
pub enum Sent {
    Done(Value),
    DryRun(PreparedRequest),
}

pub struct App {
    pub global: Global,
    pub out: Out,
    /// Messages, notices and prompts: stderr, or a buffer in tests.
    pub err: Stderr,
    client: Option<Client>,
    local: Option<Local>,
    told_live: AtomicBool,
    /// Pacing asked for by a bulk command: `Some(None)` means the instance's default.
    pacing: Option<Option<Rate>>,
}

impl App {
    /// An app whose messages go to `err` (the process's stderr, or a buffer in tests).
    pub fn with_stderr(global: Global, err: Stderr) -> App {
        let out = Out::new(&global, err.clone());
        App {
            global,
            out,
            err,
            client: None,
            local: None,
            told_live: AtomicBool::new(false),
            pacing: None,
        }
    }

    /// Paces the client (bulk jobs and exports): `rate`, or by default the instance's limit
    /// (100 per 10 s for `sk_test_` keys, 1000 per 10 s for `sk_live_`; none with --local, whose
    /// emulator has no limit). Call before [`App::client`].
    pub fn set_rate(&mut self, rate: Option<Rate>) {
        self.pacing = Some(rate);
    }

    fn rate_limit(&self, kind: KeyKind) -> Option<RateLimit> {
        match self.pacing? {
            Some(Rate::Off) => None,
            Some(Rate::Limit(l)) => Some(l),
            None if self.global.local => None,
            None if kind == KeyKind::Live => Some(RateLimit::PRODUCTION),
            None => Some(RateLimit::DEVELOPMENT),
        }
    }

    /// The client: to the built-in emulator with --local, else from CLERK_SECRET_KEY and
    /// CLERK_API_URL.
    pub async fn client(&mut self) -> CliResult<Client> {
        if let Some(c) = &self.client {
            return Ok(c.clone());
        }
        let timeout = Duration::from_secs(self.global.timeout.max(1));
        let client = if self.global.local {
            let limit = self.rate_limit(KeyKind::Test);
            let (local, client) =
                Local::start(self.global.local_data.clone(), timeout, limit).await?;
            self.local = Some(local);
            client
        } else {
            let config = |error| Fail::Clerk {
                doing: "configuration".into(),
                subject: Subject::Other,
                error,
            };
            if let Ok(raw) = std::env::var("CLERK_SECRET_KEY") {
                check_key(&raw)?;
            }
            let key = SecretKey::from_env().map_err(config)?;
            let base = ApiBase::from_env().map_err(config)?;
            let mut builder = Client::builder();
            if let Some(limit) = self.rate_limit(key.kind()) {
                builder = builder.rate_limit(limit);
            }
            builder
                .secret_key(key)
                .api_base(base)
                .timeout(timeout)
                .build()
                .map_err(config)?
        };
        self.client = Some(client.clone());
        Ok(client)
    }

    /// Which instance `client` talks to, for records that must not be replayed against
    /// another (journals): the API origin, or the `--local` state's file, and a one-way
    /// fingerprint of the key.
    pub fn instance(&self, client: &Client) -> (String, String) {
        match &self.local {
            Some(local) => (
                format!("local {}", local.path().display()),
                "local".to_owned(),
            ),
            None => (client.base().to_string(), client.key_fingerprint()),
        }
    }

    pub fn local(&self) -> Option<&Local> {
        self.local.as_ref()
    }

    /// Stops the built-in emulator, if one runs.
    pub async fn finish(&mut self) {
        if let Some(local) = self.local.take() {
            local.stop().await;
        }
    }

    /// Read-only mode and confirmation, checked before anything is sent. `command` is what
    /// asked for the change (`users delete`, `mcp delete_user`), as the prompt names it.
    pub fn guard(&self, command: &str, change: &Change) -> CliResult<()> {
        self.guard_about(command, change, None)
    }

    /// Whether [`App::guard`] would ask someone at a terminal (then the command may look up
    /// what it is about to change, to name it in the question).
    pub fn will_ask(&self, change: &Change) -> bool {
        change.destructive
            && !self.global.read_only
            && !self.global.dry_run
            && !self.global.yes
            && interactive(&self.err)
    }

    /// As [`App::guard`], the question naming what will change (`about`).
    pub fn guard_about(
        &self,
        command: &str,
        change: &Change,
        about: Option<&About>,
    ) -> CliResult<()> {
        if self.global.read_only {
            return Err(Fail::Guard(format!(
                "refusing to {}: read-only mode is on (--read-only or CLERKCTL_READ_ONLY); nothing was sent",
                change.doing
            )));
        }
        if change.destructive && !self.global.dry_run && !self.global.yes {
            if interactive(&self.err) && !self.global.local {
                // Whoever answers the prompt must know it is production before saying yes.
                if let Ok(key) = SecretKey::from_env()
                    && key.kind() == KeyKind::Live
                {
                    let base = ApiBase::from_env()
                        .map(|b| b.to_string())
                        .unwrap_or_default();
                    self.tell_live(&key.masked(), &base);
                }
            }
            confirm(&self.err, command, change, about)?;
        }
        Ok(())
    }

    /// Names the production key on stderr, once per command.
    fn tell_live(&self, masked: &str, base: &str) {
        if !self.told_live.swap(true, Ordering::Relaxed) {
            self.err.say(format_args!(
                "using a production key ({masked}) against {base}"
            ));
        }
    }

    /// Sends a read; with --dry-run, prints the request instead and returns `None`.
    pub async fn read<O: Operation>(
        &mut self,
        doing: impl Into<String>,
        subject: Subject,
        req: Request<'_, O>,
    ) -> CliResult<Option<Value>> {
        if self.global.dry_run {
            let prepared = crate::redact::prepared(req.prepare(), req.client());
            let shown = crate::ops::shown_request(&prepared, self.global.verbose);
            self.out.dry_run(&shown)?;
            return Ok(None);
        }
        req.send_json()
            .await
            .map(Some)
            .map_err(|error| Fail::Clerk {
                doing: doing.into(),
                subject,
                error,
            })
    }

    /// Sends a change (after [`App::guard`]): dry run, production-key notice, audit record.
    pub async fn write<O: Operation>(
        &mut self,
        command: &str,
        change: &Change,
        req: Request<'_, O>,
    ) -> CliResult<Option<Value>> {
        match self.send_change(command, change, req).await? {
            Sent::Done(v) => Ok(Some(v)),
            Sent::DryRun(prepared) => {
                let shown = crate::ops::shown_request(&prepared, self.global.verbose);
                self.out.dry_run(&shown)?;
                Ok(None)
            }
        }
    }

    /// The part of [`App::write`] that prints nothing, shared with the MCP server: read-only
    /// mode, dry run, production-key notice (on stderr), the request, and its audit record
    /// under `command`.
    pub async fn send_change<O: Operation>(
        &self,
        command: &str,
        change: &Change,
        req: Request<'_, O>,
    ) -> CliResult<Sent> {
        if self.global.read_only {
            return Err(Fail::Guard(format!(
                "refusing to {}: read-only mode is on",
                change.doing
            )));
        }
        if self.global.dry_run {
            // Shown, not sent: passwords, tokens and private metadata masked like the audit
            // log's.
            return Ok(Sent::DryRun(crate::redact::prepared(
                req.prepare(),
                req.client(),
            )));
        }
        let client = self
            .client
            .clone()
            .ok_or_else(|| Fail::Other("no client to send the change with".into()))?;
        if client.key_kind() == KeyKind::Live {
            self.tell_live(&client.masked_key(), client.base().as_str());
        }
        let audit = self.audit_file()?;
        let prepared = req.prepare();
        let result = req.send_json().await;
        if let Some(path) = audit {
            let record = audit_record(
                command,
                change,
                &prepared,
                &client,
                self.local.is_some(),
                &result,
            );
            append(&path, &record).map_err(|e| {
                Fail::Other(format!(
                    "{} was done, but the audit log {} could not be written: {e}",
                    change.doing,
                    path.display()
                ))
            })?;
        }
        result.map(Sent::Done).map_err(|error| Fail::Clerk {
            doing: change.doing.clone(),
            subject: change.subject,
            error,
        })
    }

    /// Records a whole job (bulk commands) in the audit log: one line, with its outcome.
    pub fn audit_job(&self, command: &str, change: &Change, outcome: &Value) -> CliResult<()> {
        let Some(path) = self.audit_file()? else {
            return Ok(());
        };
        let client = self
            .client
            .clone()
            .ok_or_else(|| Fail::Other("no client to record the job with".into()))?;
        let time = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let record = json!({
            "time": time,
            "command": command,
            "target": change.target,
            "outcome": crate::redact::mask(outcome, &|s| client.scrub(s)),
            "instance": if self.local.is_some() { "local".to_owned() } else { client.base().to_string() },
            "key": client.masked_key(),
        });
        append(&path, &record).map_err(|e| {
            Fail::Other(format!(
                "cannot write the audit log {}: {e}",
                path.display()
            ))
        })
    }

    /// The audit log's path, checked writable before a change is sent.
    fn audit_file(&self) -> CliResult<Option<PathBuf>> {
        if self.global.no_audit {
            return Ok(None);
        }
        let path = match &self.global.audit_log {
            Some(p) => p.clone(),
            None => match state_dir() {
                Some(dir) => dir.join("clerkctl").join("audit.jsonl"),
                None => {
                    return Err(Fail::Guard(
                        "no place for the audit log ($XDG_STATE_HOME and $HOME are unset): pass --audit-log PATH or --no-audit; nothing was sent".into(),
                    ));
                }
            },
        };
        crate::files::append(&path).map_err(|e| {
            Fail::Guard(format!(
                "cannot write the audit log ({e}): pass --audit-log PATH or --no-audit; nothing was sent"
            ))
        })?;
        Ok(Some(path))
    }
}

/// Whether there is someone to ask: a terminal on stdin to read the answer and on stderr to
/// show the question.
pub fn interactive(err: &Stderr) -> bool {
    std::io::stdin().is_terminal() && err.is_terminal()
}

/// What a confirmation names: who or what will change (`Ada Lovelace, ada@example.com`), and
/// the word to type instead of `y` when the change takes much with it (an organization's
/// slug).
#[derive(Debug, Clone, Default)]
pub struct About {
    pub what: String,
    pub type_to_confirm: Option<String>,
}

fn confirm(err: &Stderr, command: &str, change: &Change, about: Option<&About>) -> CliResult<()> {
    let undo = match (change.undo, &change.target) {
        (Some(undo), Some(target)) => format!("It can be undone with `clerkctl {undo} {target}`."),
        (Some(undo), None) => format!("It can be undone with `clerkctl {undo}`."),
        (None, _) => "This cannot be undone.".to_owned(),
    };
    if !interactive(err) {
        let what = if change.undo.is_some() {
            "takes access away"
        } else {
            "cannot be undone"
        };
        return Err(Fail::Guard(format!(
            "`{command}` {what}: pass --yes to {} (there is no terminal to ask on); nothing was sent",
            change.doing
        ))
        .with_hint(crate::fail::Hint::each(
            crate::fail::again_with("--yes")
                .map_or_else(|| "add --yes to confirm".to_owned(), |c| format!("to go ahead, run `{c}`")),
            "nothing was sent; ask the person to confirm, then call the tool again",
        )));
    }
    let what = about.map_or(String::new(), |a| format!(" ({})", a.what));
    let typed = about.and_then(|a| a.type_to_confirm.as_deref());
    match typed {
        Some(word) => err.ask(format_args!(
            "{}{what}? {undo} Type {word} to confirm: ",
            change.doing
        )),
        None => err.ask(format_args!("{}{what}? {undo} [y/N] ", change.doing)),
    }
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    let yes = match typed {
        Some(word) => answer.trim() == word,
        None => matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"),
    };
    if yes {
        Ok(())
    } else {
        Err(Fail::Guard(format!(
            "did not {}: not confirmed; nothing was sent",
            change.doing
        )))
    }
}

/// Refuses, before any request, a `CLERK_SECRET_KEY` that cannot be a secret key: a
/// publishable key, a key in quotes, or one with spaces or a line break (a copy-paste slip).
/// Exit 3, as for a key Clerk refuses; the key itself is never repeated.
fn check_key(raw: &str) -> CliResult<()> {
    use crate::fail::Hint;
    if raw.trim().is_empty() {
        return Ok(());
    }
    let inner = raw.trim();
    let (problem, fix) = if ["\"", "'"]
        .iter()
        .any(|q| inner.starts_with(q) || inner.ends_with(q))
    {
        (
            "CLERK_SECRET_KEY is in quotes",
            "set it without the quote marks: export CLERK_SECRET_KEY=sk_test_...",
        )
    } else if raw.chars().any(char::is_whitespace) {
        (
            "CLERK_SECRET_KEY has spaces or a line break in it",
            "copy the key again from the Clerk Dashboard (API Keys) and set it without spaces: export CLERK_SECRET_KEY=sk_test_...",
        )
    } else if inner.starts_with("pk_") {
        (
            "CLERK_SECRET_KEY holds a publishable key (pk_...), which the Backend API does not take",
            "use the secret key from the same page of the Clerk Dashboard (API Keys): export CLERK_SECRET_KEY=sk_test_... (or sk_live_...)",
        )
    } else if !inner.starts_with("sk_") {
        (
            "CLERK_SECRET_KEY is not a secret key (those start with sk_test_ or sk_live_)",
            "copy the secret key from the Clerk Dashboard (API Keys): export CLERK_SECRET_KEY=sk_test_...",
        )
    } else {
        return Ok(());
    };
    Err(Fail::Auth(format!("{problem}; nothing was sent")).with_hint(Hint::each(
        fix,
        "ask the person to set this MCP server's CLERK_SECRET_KEY to the secret key (sk_test_... or sk_live_..., Clerk Dashboard, API Keys) and restart it",
    )))
}

/// `$XDG_STATE_HOME`, or `~/.local/state`.
pub fn state_dir() -> Option<PathBuf> {
    xdg("XDG_STATE_HOME", ".local/state")
}

/// `$XDG_DATA_HOME`, or `~/.local/share`.
pub fn data_dir() -> Option<PathBuf> {
    xdg("XDG_DATA_HOME", ".local/share")
}

fn xdg(var: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(fallback))
        })
}

fn audit_record(
    command: &str,
    change: &Change,
    prepared: &clerk_api::PreparedRequest,
    client: &Client,
    local: bool,
    result: &clerk_api::Result<Value>,
) -> Value {
    let path = url::Url::parse(&prepared.url)
        .map(|u| u.path().to_owned())
        .unwrap_or_default();
    let (status, code, trace, resource) = match result {
        Ok(v) => (
            json!(200),
            Value::Null,
            Value::Null,
            v.get("id")
                .cloned()
                .or_else(|| change.target.clone().map(Value::String))
                .unwrap_or(Value::Null),
        ),
        Err(e) => {
            let api = e.api();
            (
                json!(api.map(|a| a.status)),
                json!(
                    api.and_then(|a| a.code())
                        .map(str::to_owned)
                        .or_else(|| Some(if e.is_ambiguous() {
                            "answer_lost".into()
                        } else {
                            "not_sent".into()
                        }))
                ),
                json!(api.and_then(|a| a.trace_id.clone())),
                json!(change.target),
            )
        }
    };
    let time = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    json!({
        "time": time,
        "command": command,
        "method": prepared.method,
        "path": path,
        "status": status,
        "code": code,
        "resource_id": resource,
        "trace_id": trace,
        "instance": if local { "local".to_owned() } else { client.base().to_string() },
        "key": client.masked_key(),
        "body": prepared.body.as_ref().map(|b| crate::redact::mask(b, &|s| client.scrub(s))),
    })
}

fn append(path: &std::path::Path, record: &Value) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(record)?;
    line.push(b'\n');
    let mut f = crate::files::append(path).map_err(std::io::Error::other)?;
    // One write per record, so concurrent clerkctl processes never interleave lines.
    f.write_all(&line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn app(args: &[&str]) -> (App, crate::term::Captured) {
        let cli = crate::cli::Cli::try_parse_from(args).unwrap();
        let (err, said) = Stderr::buffer();
        (App::with_stderr(cli.global, err), said)
    }

    #[test]
    fn a_production_key_is_named_once_per_command() {
        let (app, said) = app(&["clerkctl", "users", "list"]);
        app.tell_live("sk_live_…wxyz", "https://api.clerk.com/v1");
        app.tell_live("sk_live_…wxyz", "https://api.clerk.com/v1");
        assert_eq!(
            said.text(),
            "clerkctl: using a production key (sk_live_…wxyz) against https://api.clerk.com/v1\n"
        );
    }

    #[test]
    fn read_only_refuses_before_anything_is_said_or_sent() {
        let (app, said) = app(&["clerkctl", "--read-only", "users", "list"]);
        let change = Change::new(
            "delete user user_1",
            crate::fail::Subject::User,
            Some("user_1"),
        )
        .destructive();
        let refused = app.guard("users delete", &change).unwrap_err();
        assert!(refused.line().contains("read-only"), "{}", refused.line());
        assert_eq!(said.text(), "", "no prompt, no notice");
    }
}
