//! What can go wrong in a command, its exit code, and the hint that says what to do next.
//!
//! Every failure carries a hint (the next thing to run, when there is one), written for whoever
//! reads it: a person or an agent at a shell gets a `clerkctl ...` command, an MCP client
//! (which has no shell) gets the tool to call instead ([`Front`]).

use std::process::ExitCode;
use std::sync::OnceLock;

use clerk_api::Error as ClerkError;
use serde_json::{Value, json};

use crate::term::Stderr;

/// Documented exit codes (see `clerkctl --help`).
pub mod exit {
    pub const OK: u8 = 0;
    pub const UNEXPECTED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const AUTH: u8 = 3;
    pub const NOT_FOUND: u8 = 4;
    pub const REFUSED: u8 = 5;
    pub const RATE_LIMITED: u8 = 6;
    pub const GUARD: u8 = 7;
}

/// Who reads a hint: someone at a shell (the command line, or an agent running it), or an MCP
/// client, which has no shell and can only call tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Front {
    Cli,
    Mcp,
}

/// What to do next, worded for each [`Front`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// The same words for every front (they name no command).
    Same(String),
    /// A command to run at a shell, and what an MCP client should do instead.
    Each { cli: String, mcp: String },
}

impl Hint {
    pub fn same(text: impl Into<String>) -> Hint {
        Hint::Same(text.into())
    }

    pub fn each(cli: impl Into<String>, mcp: impl Into<String>) -> Hint {
        Hint::Each {
            cli: cli.into(),
            mcp: mcp.into(),
        }
    }

    pub fn text(&self, front: Front) -> &str {
        match (self, front) {
            (Hint::Same(t), _) => t,
            (Hint::Each { cli, .. }, Front::Cli) => cli,
            (Hint::Each { mcp, .. }, Front::Mcp) => mcp,
        }
    }
}

/// How this process was invoked, for hints that name the command again: the subcommand's path
/// (`users delete`) and the arguments as typed. Set once by `main` after parsing; the MCP
/// server never sets it.
#[derive(Debug)]
struct Invocation {
    path: String,
    args: Vec<String>,
}

static INVOCATION: OnceLock<Invocation> = OnceLock::new();

/// Records the command line being run (see [`Invocation`]).
pub fn set_invocation(path: impl Into<String>, args: Vec<String>) {
    let _ = INVOCATION.set(Invocation {
        path: path.into(),
        args,
    });
}

/// `clerkctl users get --help`, or `clerkctl --help` before a command is known.
fn help_command() -> String {
    match INVOCATION.get().map(|i| i.path.as_str()) {
        Some(path) if !path.is_empty() => format!("`clerkctl {path} --help`"),
        _ => "`clerkctl --help`".into(),
    }
}

/// The command as it was typed, with `extra` added: the command to run again (`... --yes`).
/// JSON bodies (`--data`) are left out of the echo: they may hold what should not be printed.
pub fn again_with(extra: &str) -> Option<String> {
    let inv = INVOCATION.get()?;
    let mut words = vec!["clerkctl".to_owned()];
    let mut hide_next = false;
    for a in &inv.args {
        if hide_next {
            words.push("...".into());
            hide_next = false;
            continue;
        }
        if a == "--data" || a == "-d" {
            hide_next = true;
        }
        if a.starts_with("--data=") {
            words.push("--data=...".into());
            continue;
        }
        words.push(shell_word(a));
    }
    words.push(extra.to_owned());
    Some(words.join(" "))
}

/// A word as a shell reads it back: bare when it is safe, in single quotes otherwise.
fn shell_word(w: &str) -> String {
    let safe = !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@=,+%".contains(c));
    if safe {
        w.to_owned()
    } else {
        format!("'{}'", w.replace('\'', r"'\''"))
    }
}

/// What kind of object a command addresses, for 404 hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    User,
    Organization,
    Membership,
    OrganizationInvitation,
    Invitation,
    Session,
    JwtTemplate,
    Other,
}

impl Subject {
    /// How to find the right ID of this kind.
    pub fn find_hint(self) -> Hint {
        match self {
            Subject::User => Hint::each(
                "check the user ID: user IDs look like user_2xhFjEI5X2qWRvtV13BzSj8H6Dk (find one with `clerkctl users list --query ...`)",
                "check the user ID: user IDs look like user_2xhFjEI5X2qWRvtV13BzSj8H6Dk (find one with the list_users tool and its query parameter)",
            ),
            Subject::Organization => Hint::each(
                "check the organization ID: organization IDs look like org_2xhFjEI5X2qWRvtV13BzSj8H6Dk (find one with `clerkctl orgs list --query ...`)",
                "check the organization ID: organization IDs look like org_2xhFjEI5X2qWRvtV13BzSj8H6Dk (find one with the list_organizations tool and its query parameter)",
            ),
            Subject::Membership => Hint::each(
                "check the organization ID (org_...) and that the user (user_...) is a member: `clerkctl members list ORG_ID`",
                "check the organization ID (org_...) and that the user (user_...) is a member: call list_members with the organization_id",
            ),
            Subject::OrganizationInvitation => Hint::each(
                "check the organization ID (org_...) and the invitation ID (orginv_...): `clerkctl invitations list ORG_ID`",
                "check the organization ID (org_...) and the invitation ID (orginv_...): call list_invitations with the organization_id",
            ),
            Subject::Invitation => Hint::each(
                "check the invitation ID: invitation IDs look like inv_2xhFjEI5X2qWRvtV13BzSj8H6Dk (`clerkctl app-invitations list`)",
                "check the invitation ID: invitation IDs look like inv_2xhFjEI5X2qWRvtV13BzSj8H6Dk (call list_app_invitations)",
            ),
            Subject::Session => Hint::each(
                "check the session ID: session IDs look like sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk (find one with `clerkctl sessions list --user-id USER_ID`)",
                "check the session ID: session IDs look like sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk (find one with the list_sessions tool and its user_id parameter)",
            ),
            Subject::JwtTemplate => Hint::each(
                "check the JWT template's ID or name: `clerkctl jwt-templates list` shows them",
                "check the JWT template's ID or name: the list_jwt_templates tool shows them",
            ),
            Subject::Other => Hint::same("check the path and the IDs in it"),
        }
    }
}

#[derive(Debug)]
pub enum Fail {
    /// Input refused before any request (exit 2).
    Usage(String),
    /// A safety guard refused (exit 7).
    Guard(String),
    /// Clerk (or the way to it) failed.
    Clerk {
        /// What was being done, e.g. `users get user_123`.
        doing: String,
        subject: Subject,
        error: ClerkError,
    },
    /// Something named by the user (an email address, a slug) that is not there (exit 4).
    NotFound { message: String, hint: String },
    /// Anything else (exit 1).
    Other(String),
    /// stdout was closed (`| head`): stop quietly.
    ClosedPipe,
    /// The command already reported what happened (a bulk job's summary): exit with this code.
    Quiet(u8),
    /// The key cannot be used, found before anything was sent (exit 3).
    Auth(String),
    /// A failure with the hint that says what to do next about it.
    Hinted { fail: Box<Fail>, hint: Hint },
}

pub type CliResult<T = ()> = Result<T, Fail>;

impl From<std::io::Error> for Fail {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Fail::ClosedPipe
        } else if e
            .get_ref()
            .is_some_and(|inner| inner.is::<crate::output::JqFailed>())
        {
            crate::output::output_failed(e)
        } else {
            Fail::Other(e.to_string())
        }
    }
}

/// A command line clap refused. Help and version print as clap prints them; a mistake is a
/// usage error (exit 2) reported like every other error: clap's own words for a person at a
/// terminal, JSON on stderr when stderr is no terminal or JSON output was asked for, so that a
/// program reading errors as JSON gets JSON whatever went wrong.
pub fn command_line(e: clap::Error) -> ExitCode {
    let shows_help = e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand;
    let err = Stderr::new();
    if !e.use_stderr() || shows_help || !json_errors(requested_output(), err.is_terminal()) {
        let _ = e.print();
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(exit::USAGE));
    }
    // clap's first paragraph says what is wrong (sometimes over several lines, with tips);
    // the usage and "For more information" lines after it are for a person.
    let text = e.render().to_string();
    let message = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join(" ");
    // "Usage: clerkctl users get [OPTIONS] <USER_ID>": the command the help belongs to.
    let path: Vec<&str> = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage: clerkctl"))
        .map(|rest| {
            rest.split_whitespace()
                .take_while(|w| !w.starts_with(['[', '<', '-']))
                .collect()
        })
        .unwrap_or_default();
    let help = if path.is_empty() {
        "`clerkctl --help`".to_owned()
    } else {
        format!("`clerkctl {} --help`", path.join(" "))
    };
    usage(message)
        .with_hint(Hint::same(format!(
            "see {help} for the arguments and flags it takes"
        )))
        .report(true, &err)
}

/// Where errors go as JSON: whenever stderr is no terminal (a program, a log, an agent reads
/// it), and whenever JSON output was asked for (`-o json|ndjson`, `--jq`); a person at a
/// terminal gets a line, whatever stdout is.
pub fn json_errors(output: Requested, stderr_terminal: bool) -> bool {
    output == Requested::Json || !stderr_terminal
}

/// What the command line asked its output to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    /// `-o json`, `-o ndjson` or `--jq`.
    Json,
    /// `-o table`, or nothing said.
    Other,
}

/// The output asked for on the command line, read before clap could parse it (for clap's own
/// errors).
fn requested_output() -> Requested {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut chosen: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == "--jq" || a.starts_with("--jq=") {
            return Requested::Json;
        }
        if a == "-o" || a == "--output" {
            chosen = it.next().cloned();
        } else if let Some(v) = a.strip_prefix("--output=") {
            chosen = Some(v.to_owned());
        } else if let Some(v) = a.strip_prefix("-o").filter(|_| !a.starts_with("--")) {
            chosen = Some(v.trim_start_matches('=').to_owned());
        }
    }
    match chosen.as_deref() {
        Some("json" | "ndjson") => Requested::Json,
        _ => Requested::Other,
    }
}

pub fn usage(msg: impl Into<String>) -> Fail {
    Fail::Usage(msg.into())
}

/// Hints for Clerk's codes that say what to do.
fn code_hint(code: &str) -> Option<Hint> {
    Some(match code {
        "form_identifier_exists" => Hint::each(
            "that identifier already belongs to another user or organization; look it up with `clerkctl users list --email-address ...` or `clerkctl orgs get SLUG`",
            "that identifier already belongs to another user or organization; look it up with list_users (email_address) or get_organization (a slug)",
        ),
        "incorrect_password" => Hint::same(
            "the password is not the user's: after a migration, check the row's password_digest and password_hasher (the hasher must be the one that made the digest)",
        ),
        "no_password_set" => Hint::same(
            "the user has no password: import them with password_digest and password_hasher (or set one with `users update --password-stdin`)",
        ),
        "duplicate_record" => Hint::each(
            "an invitation for that address is already pending: `clerkctl app-invitations list --status pending --query ADDRESS`",
            "an invitation for that address is already pending: call list_app_invitations with status pending and query set to the address",
        ),
        "organization_invitation_not_unique" => Hint::each(
            "an invitation for that address is already pending: `clerkctl invitations list ORG_ID --status pending --email-address ADDRESS`",
            "an invitation for that address is already pending: call list_invitations with the organization_id, status pending and the email_address",
        ),
        "already_a_member_in_organization" => Hint::each(
            "the user is already a member; change their role with `clerkctl members update ORG_ID USER_ID --role ROLE`",
            "the user is already a member; change their role with update_member",
        ),
        "invitation_already_revoked" | "organization_invitation_not_pending" => {
            Hint::same("the invitation is no longer pending; nothing to revoke")
        }
        "invitation_already_accepted" => {
            Hint::same("the invitation was accepted; the user exists already")
        }
        "organization_minimum_permissions_needed" => Hint::each(
            "the organization needs at least one admin: promote another member first (`clerkctl members update ORG_ID USER_ID --role org:admin`)",
            "the organization needs at least one admin: promote another member first (update_member with role org:admin)",
        ),
        "organization_membership_quota_exceeded" => Hint::each(
            "the organization is full (members plus pending invitations); raise it with `clerkctl orgs update ORG_ID --max-allowed-memberships N`",
            "the organization is full (members plus pending invitations); raise it with update_organization (max_allowed_memberships)",
        ),
        "form_param_unknown" => Hint::each(
            format!(
                "that parameter is not accepted here; see {}",
                help_command()
            ),
            "that parameter is not accepted here; see the tool's input schema",
        ),
        "unsupported_subscription_plan_features" => {
            Hint::same("your Clerk plan does not include this feature")
        }
        _ => return None,
    })
}

impl Fail {
    /// The same failure with the hint that says what to do about it.
    pub fn with_hint(self, hint: Hint) -> Fail {
        match self {
            Fail::ClosedPipe | Fail::Quiet(_) => self,
            Fail::Hinted { fail, .. } => Fail::Hinted { fail, hint },
            fail => Fail::Hinted {
                fail: Box::new(fail),
                hint,
            },
        }
    }

    /// The failure under its hint.
    fn inner(&self) -> &Fail {
        match self {
            Fail::Hinted { fail, .. } => fail.inner(),
            other => other,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Fail::Hinted { fail, .. } => fail.exit_code(),
            Fail::Usage(_) => exit::USAGE,
            Fail::Auth(_) => exit::AUTH,
            Fail::Guard(_) => exit::GUARD,
            Fail::Other(_) => exit::UNEXPECTED,
            Fail::NotFound { .. } => exit::NOT_FOUND,
            Fail::ClosedPipe => exit::OK,
            Fail::Quiet(code) => *code,
            Fail::Clerk { error, .. } => match error {
                ClerkError::MissingSecretKey => exit::AUTH,
                ClerkError::InvalidApiUrl { .. } | ClerkError::Invalid(_) => exit::USAGE,
                ClerkError::Api(api) => match api.status {
                    401 | 403 => exit::AUTH,
                    404 => exit::NOT_FOUND,
                    400 | 402 | 409 | 413 | 415 | 422 => exit::REFUSED,
                    429 | 502 | 503 | 504 => exit::RATE_LIMITED,
                    _ => exit::UNEXPECTED,
                },
                _ => exit::UNEXPECTED,
            },
        }
    }

    /// What to do next, for someone at a shell.
    pub fn hint(&self) -> Option<String> {
        self.hint_for(Front::Cli)
    }

    /// What to do next, worded for `front`. Every failure has one, but a closed pipe.
    pub fn hint_for(&self, front: Front) -> Option<String> {
        let Fail::Clerk { error, subject, .. } = self else {
            return match self {
                Fail::Hinted { hint, .. } => Some(hint.text(front).to_owned()),
                Fail::Usage(_) => Some(match front {
                    Front::Cli => format!("see {} for what it takes", help_command()),
                    Front::Mcp => "fix the parameter the message names and call the tool again; its input schema describes every parameter".into(),
                }),
                Fail::Guard(_) => Some(match front {
                    Front::Cli => "nothing was sent; the message says which safety setting refused it (see `clerkctl --help`)".into(),
                    Front::Mcp => "nothing was sent; tell the person what was refused and why".into(),
                }),
                Fail::Auth(_) => Some(match front {
                    Front::Cli => "export CLERK_SECRET_KEY=sk_test_... (Clerk Dashboard, API Keys)".into(),
                    Front::Mcp => "ask the person to set this server's CLERK_SECRET_KEY and restart it".into(),
                }),
                Fail::Other(_) => Some(match front {
                    Front::Cli => "run it again with CLERKCTL_LOG=debug to see more".into(),
                    Front::Mcp => "tell the person what failed; the server's log (its stderr) says more".into(),
                }),
                Fail::NotFound { hint, .. } => Some(hint.clone()),
                Fail::Clerk { .. } | Fail::ClosedPipe | Fail::Quiet(_) => None,
            };
        };
        let each = |cli: String, mcp: &str| match front {
            Front::Cli => cli,
            Front::Mcp => mcp.to_owned(),
        };
        Some(match error {
            ClerkError::MissingSecretKey => each(
                "export CLERK_SECRET_KEY=sk_test_... (Clerk Dashboard, API Keys), or try the built-in emulator: clerkctl --local ...".into(),
                "the server has no CLERK_SECRET_KEY: ask the person to set it (sk_test_... or sk_live_..., from the Clerk Dashboard, API Keys) in this MCP server's environment and restart it, or to start it with --local",
            ),
            ClerkError::InvalidApiUrl { url, .. } => {
                let cli = match url.split_once("://") {
                    None if !url.is_empty() => {
                        let scheme = if looks_local(url) { "http" } else { "https" };
                        format!("CLERK_API_URL needs a scheme: export CLERK_API_URL={scheme}://{url} (plain http only to this machine), or unset it for https://api.clerk.com")
                    }
                    _ => "set CLERK_API_URL to an https origin such as https://api.clerk.com, or unset it".into(),
                };
                each(cli, "the server's CLERK_API_URL cannot be used: ask the person to fix it (an https origin such as https://api.clerk.com) or unset it, and restart the server")
            }
            ClerkError::Transport { .. } if error.nothing_listening() => each(
                "is the emulator running? Start one with `clerkctl emulator --port PORT` (or use `clerkctl --local`), or point CLERK_API_URL at the one that runs".into(),
                "nothing listens at the server's CLERK_API_URL, a local address: is the emulator running? Ask the person to start it, or to run the server with --local",
            ),
            ClerkError::Transport { .. } => each(
                "could not reach Clerk: check the network, and CLERK_API_URL if set".into(),
                "could not reach Clerk: ask the person to check the network, and CLERK_API_URL if set",
            ),
            ClerkError::Decode { .. } => each(
                "Clerk answered in a shape this version does not read; run the same request with `clerkctl api` to see the raw answer".into(),
                "Clerk answered in a shape this version does not read; tell the person, who can see the raw answer with `clerkctl api`",
            ),
            ClerkError::Api(api) => {
                if let Some(h) = api.code().and_then(code_hint) {
                    h.text(front).to_owned()
                } else {
                    match api.status {
                        401 => each(
                            "the secret key is invalid or expired; generate a new one in the Clerk Dashboard (API Keys) and export it as CLERK_SECRET_KEY".into(),
                            "the server's secret key is invalid or expired: ask the person to generate a new one in the Clerk Dashboard (API Keys), set it as CLERK_SECRET_KEY for this server and restart it",
                        ),
                        403 => "the key may not do this, or the feature is off for this instance (see the Clerk Dashboard)".into(),
                        404 => subject.find_hint().text(front).to_owned(),
                        422 | 400 => match api.errors.first().and_then(|e| e.param_name()) {
                            Some(p) => format!("Clerk rejected the parameter `{p}`; fix it and retry"),
                            None => "review the parameters Clerk rejected and retry".into(),
                        },
                        429 => match api.retry_after {
                            Some(d) => format!("rate-limited by Clerk; wait {}s and retry, or send fewer requests", d.as_secs().max(1)),
                            None => "rate-limited by Clerk; wait a few seconds and retry".into(),
                        },
                        500..=599 => "Clerk is failing; retry later, and quote the trace id if you contact Clerk support".into(),
                        _ => "see Clerk's message; the status and code say what it refused".into(),
                    }
                }
            }
            ClerkError::Invalid(_) | ClerkError::Id(_) => match front {
                Front::Cli => format!("nothing was sent; see {} for what it takes", help_command()),
                Front::Mcp => "nothing was sent; fix the parameter the message names and call the tool again".into(),
            },
            _ => match front {
                Front::Cli => "run it again with CLERKCTL_LOG=debug to see more".into(),
                Front::Mcp => "tell the person what failed; the server's log (its stderr) says more".into(),
            },
        })
    }

    /// What failed, without the hint.
    pub fn message(&self) -> String {
        match self {
            Fail::Hinted { fail, .. } => fail.message(),
            Fail::Usage(m) | Fail::Guard(m) | Fail::Other(m) | Fail::Auth(m) => m.clone(),
            Fail::NotFound { message, .. } => message.clone(),
            Fail::ClosedPipe | Fail::Quiet(_) => String::new(),
            Fail::Clerk { doing, error, .. } => match error {
                ClerkError::Api(api) => {
                    let mut s = format!("{doing}: {}", api.long_message().unwrap_or("error"));
                    let code = api.code().filter(|c| !c.is_empty());
                    s.push_str(&format!(" (HTTP {}", api.status));
                    if let Some(code) = code {
                        s.push_str(&format!(", {code}"));
                    }
                    if let Some(trace) = &api.trace_id {
                        s.push_str(&format!(", trace {trace}"));
                    }
                    if api.attempts > 1 {
                        // Says that retrying already happened, so the reader does not.
                        s.push_str(&format!(", after {} attempts", api.attempts));
                    }
                    s.push(')');
                    for extra in api.errors.iter().skip(1) {
                        s.push_str(&format!("; {}", extra.long_message));
                    }
                    s
                }
                other => format!("{doing}: {other}"),
            },
        }
    }

    /// `{"error": {"status", "code", "message", "long_message", "meta", "trace_id", "hint"}}`,
    /// plus what was being done (`command`) and the exit code, for the command line.
    pub fn to_json(&self) -> Value {
        self.to_json_for(Front::Cli)
    }

    /// As [`Fail::to_json`], with the hint worded for `front`.
    pub fn to_json_for(&self, front: Front) -> Value {
        let (status, code, message, long, meta, trace) = match self.inner() {
            Fail::Clerk {
                error: ClerkError::Api(api),
                ..
            } => {
                let first = api.errors.first();
                (
                    json!(api.status),
                    json!(first.map(|e| e.code.clone())),
                    json!(first.map(|e| e.message.clone())),
                    json!(api.long_message()),
                    first.map_or(Value::Null, |e| Value::Object(e.meta.clone())),
                    json!(api.trace_id),
                )
            }
            Fail::Clerk { error, .. } => {
                let code = match error {
                    ClerkError::MissingSecretKey => "missing_secret_key",
                    ClerkError::InvalidApiUrl { .. } => "invalid_api_url",
                    ClerkError::Transport { .. } => "network_error",
                    ClerkError::Decode { .. } => "decode_error",
                    _ => "client_error",
                };
                let text = error.to_string();
                (
                    Value::Null,
                    json!(code),
                    json!(text),
                    json!(text),
                    Value::Null,
                    Value::Null,
                )
            }
            Fail::Usage(m) => (
                Value::Null,
                json!("usage"),
                json!(m),
                json!(m),
                Value::Null,
                Value::Null,
            ),
            Fail::Guard(m) => (
                Value::Null,
                json!("guard"),
                json!(m),
                json!(m),
                Value::Null,
                Value::Null,
            ),
            Fail::NotFound { message, .. } => (
                Value::Null,
                json!("not_found"),
                json!(message),
                json!(message),
                Value::Null,
                Value::Null,
            ),
            Fail::Auth(m) => (
                Value::Null,
                json!("invalid_secret_key"),
                json!(m),
                json!(m),
                Value::Null,
                Value::Null,
            ),
            Fail::Other(m) => (
                Value::Null,
                json!("unexpected"),
                json!(m),
                json!(m),
                Value::Null,
                Value::Null,
            ),
            Fail::ClosedPipe | Fail::Quiet(_) | Fail::Hinted { .. } => (
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ),
        };
        let command = match self.inner() {
            Fail::Clerk { doing, .. } => json!(doing),
            _ => Value::Null,
        };
        json!({"error": {
            "status": status,
            "code": code,
            "message": message,
            "long_message": long,
            "meta": meta,
            "trace_id": trace,
            "hint": self.hint_for(front),
            "command": command,
            "exit_code": self.exit_code(),
        }})
    }

    /// What failed, Clerk's code and message, and the hint, on one line: the text of a
    /// failure for someone at a shell.
    pub fn line(&self) -> String {
        self.line_for(Front::Cli)
    }

    /// As [`Fail::line`], with the hint worded for `front` (an MCP tool error's text).
    pub fn line_for(&self, front: Front) -> String {
        match self.hint_for(front) {
            Some(h) => format!("{} — hint: {h}", self.message()),
            None => self.message(),
        }
    }

    /// Reports on stderr and gives the exit code: one JSON object, or for a person the
    /// message and, on a line of its own, the hint, coloured on a colour terminal, control
    /// characters escaped (Clerk's messages can quote what anyone typed).
    pub fn report(&self, json: bool, err: &Stderr) -> ExitCode {
        match self {
            Fail::ClosedPipe => return ExitCode::SUCCESS,
            Fail::Quiet(code) => return ExitCode::from(*code),
            _ => {}
        }
        if json {
            err.line(self.to_json());
        } else {
            let message = self.message();
            let mut text = format!(
                "clerkctl: {} {}\n",
                err.paint(crate::term::style::RED, "error:"),
                crate::term::escape(&message)
            );
            if let Some(h) = self.hint() {
                text.push_str(&format!(
                    "{} {}\n",
                    err.paint(crate::term::style::CYAN, "hint:"),
                    crate::term::escape(&h)
                ));
            }
            err.styled(&text);
        }
        ExitCode::from(self.exit_code())
    }
}

/// Whether an API URL written without a scheme names this machine (then `http://` is the
/// scheme it wants, the only place plain http may go).
fn looks_local(url: &str) -> bool {
    let host = url.split(['/', '?']).next().unwrap_or_default();
    let host = host
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(h, _)| h);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_a_message_and_a_hint_or_one_json_object() {
        let fail = usage("\"acme\" is not an organization ID");
        let (err, said) = Stderr::buffer();
        assert_eq!(fail.report(false, &err), ExitCode::from(exit::USAGE));
        assert_eq!(
            said.text(),
            format!(
                "clerkctl: error: {}\nhint: {}\n",
                fail.message(),
                fail.hint().unwrap()
            )
        );

        let (err, said) = Stderr::buffer();
        fail.report(true, &err);
        let text = said.text();
        assert_eq!(text.lines().count(), 1);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["error"]["exit_code"], 2);
        assert!(v["error"]["hint"].is_string(), "{v}");

        let (err, said) = Stderr::buffer();
        assert_eq!(Fail::ClosedPipe.report(false, &err), ExitCode::SUCCESS);
        assert_eq!(said.text(), "", "a closed pipe ends quietly");
    }

    #[test]
    fn every_failure_has_a_hint_and_none_tells_an_mcp_client_to_run_clerkctl() {
        // Clerk's own answers are checked end to end (tests/it), where the client makes them.
        let config = |error| Fail::Clerk {
            doing: "configuration".into(),
            subject: Subject::Other,
            error,
        };
        let fails = vec![
            usage("bad"),
            Fail::Guard("refused".into()),
            Fail::Other("odd".into()),
            usage("bad").with_hint(Hint::each("run `clerkctl x`", "call x")),
            config(ClerkError::MissingSecretKey),
            config(ClerkError::InvalidApiUrl {
                url: "127.0.0.1:1".into(),
                reason: "r".into(),
            }),
        ];
        for f in &fails {
            for front in [Front::Cli, Front::Mcp] {
                let json = f.to_json_for(front);
                let hint = json["error"]["hint"].as_str().unwrap_or_else(|| {
                    panic!("no hint for {front:?}: {json}");
                });
                if front == Front::Mcp {
                    assert!(!hint.contains("clerkctl "), "{hint}");
                }
            }
        }
    }

    #[test]
    fn an_api_url_without_a_scheme_gets_one_in_the_hint() {
        let hint = |url: &str| {
            Fail::Clerk {
                doing: "configuration".into(),
                subject: Subject::Other,
                error: ClerkError::InvalidApiUrl {
                    url: url.into(),
                    reason: "r".into(),
                },
            }
            .hint()
            .unwrap()
        };
        assert!(hint("127.0.0.1:1").contains("CLERK_API_URL=http://127.0.0.1:1"));
        assert!(hint("localhost:8787").contains("CLERK_API_URL=http://localhost:8787"));
        assert!(hint("api.example.com").contains("CLERK_API_URL=https://api.example.com"));
    }

    #[test]
    fn words_are_quoted_for_the_shell() {
        assert_eq!(shell_word("user_123"), "user_123");
        assert_eq!(shell_word("Acme Inc"), "'Acme Inc'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
