//! What can go wrong in a command, its exit code, and the hint that says what to do next.

use std::process::ExitCode;

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
    fn not_found_hint(self) -> &'static str {
        match self {
            Subject::User => {
                "check the user ID: user IDs look like user_2xhFjEI5X2qWRvtV13BzSj8H6Dk (find one with `clerkctl users list --query ...`)"
            }
            Subject::Organization => {
                "check the organization ID: organization IDs look like org_2xhFjEI5X2qWRvtV13BzSj8H6Dk (find one with `clerkctl orgs list --query ...`)"
            }
            Subject::Membership => {
                "check the organization ID (org_...) and that the user (user_...) is a member: `clerkctl members list ORG_ID`"
            }
            Subject::OrganizationInvitation => {
                "check the organization ID (org_...) and the invitation ID (orginv_...): `clerkctl invitations list ORG_ID`"
            }
            Subject::Invitation => {
                "check the invitation ID: invitation IDs look like inv_2xhFjEI5X2qWRvtV13BzSj8H6Dk (`clerkctl app-invitations list`)"
            }
            Subject::Session => {
                "check the session ID: session IDs look like sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk (find one with `clerkctl sessions list --user-id USER_ID`)"
            }
            Subject::JwtTemplate => {
                "check the JWT template's ID or name: `clerkctl jwt-templates list` shows them"
            }
            Subject::Other => "check the path and the IDs in it",
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
}

pub type CliResult<T = ()> = Result<T, Fail>;

impl From<std::io::Error> for Fail {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Fail::ClosedPipe
        } else {
            Fail::Other(e.to_string())
        }
    }
}

/// A command line clap refused. Help and version print as clap prints them; a mistake is a
/// usage error (exit 2) reported like every other error: JSON on stderr when the output is JSON,
/// so that a program reading errors as JSON gets JSON whatever went wrong.
pub fn command_line(e: clap::Error) -> ExitCode {
    let shows_help = e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand;
    if !e.use_stderr() || shows_help || !json_output_requested() {
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
    Fail::Usage(message).report(true, &Stderr::new())
}

/// Whether `-o json|ndjson` was given, or no `-o` and stdout is not a terminal: the output the
/// command line would have chosen, read before clap could parse it.
fn json_output_requested() -> bool {
    use std::io::IsTerminal;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut chosen: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--" {
            break;
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
        Some("table") => false,
        Some(_) => true,
        None => !std::io::stdout().is_terminal(),
    }
}

pub fn usage(msg: impl Into<String>) -> Fail {
    Fail::Usage(msg.into())
}

/// Hints for Clerk's codes that say what to do.
fn code_hint(code: &str) -> Option<&'static str> {
    Some(match code {
        "form_identifier_exists" => {
            "that identifier already belongs to another user or organization; look it up with `clerkctl users list --email-address ...` or `clerkctl orgs get SLUG`"
        }
        "duplicate_record" => {
            "an invitation for that address is already pending: `clerkctl app-invitations list --status pending --query ADDRESS`"
        }
        "organization_invitation_not_unique" => {
            "an invitation for that address is already pending: `clerkctl invitations list ORG_ID --status pending --email-address ADDRESS`"
        }
        "already_a_member_in_organization" => {
            "the user is already a member; change their role with `clerkctl members update ORG_ID USER_ID --role ROLE`"
        }
        "invitation_already_revoked" | "organization_invitation_not_pending" => {
            "the invitation is no longer pending; nothing to revoke"
        }
        "invitation_already_accepted" => "the invitation was accepted; the user exists already",
        "organization_minimum_permissions_needed" => {
            "the organization needs at least one admin: promote another member first (`clerkctl members update ORG_ID USER_ID --role org:admin`)"
        }
        "organization_membership_quota_exceeded" => {
            "the organization is full (members plus pending invitations); raise it with `clerkctl orgs update ORG_ID --max-allowed-memberships N`"
        }
        "form_param_unknown" => {
            "that parameter is not accepted here; see `clerkctl <command> --help`"
        }
        "unsupported_subscription_plan_features" => "your Clerk plan does not include this feature",
        _ => return None,
    })
}

impl Fail {
    pub fn exit_code(&self) -> u8 {
        match self {
            Fail::Usage(_) => exit::USAGE,
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

    /// What to do next.
    pub fn hint(&self) -> Option<String> {
        let Fail::Clerk { error, subject, .. } = self else {
            return match self {
                Fail::NotFound { hint, .. } => Some(hint.clone()),
                _ => None,
            };
        };
        Some(match error {
            ClerkError::MissingSecretKey => "export CLERK_SECRET_KEY=sk_test_... (Clerk Dashboard, API Keys), or try the built-in emulator: clerkctl --local ...".into(),
            ClerkError::InvalidApiUrl { .. } => "set CLERK_API_URL to an https origin such as https://api.clerk.com, or unset it".into(),
            ClerkError::Transport { .. } => "could not reach Clerk: check the network, and CLERK_API_URL if set".into(),
            ClerkError::Decode { .. } => "Clerk answered in a shape this version does not read; run the same request with `clerkctl api` to see the raw answer".into(),
            ClerkError::Api(api) => {
                if let Some(h) = api.code().and_then(code_hint) {
                    h.into()
                } else {
                    match api.status {
                        401 => "the secret key is invalid or expired; generate a new one in the Clerk Dashboard (API Keys) and export it as CLERK_SECRET_KEY".into(),
                        403 => "the key may not do this, or the feature is off for this instance (see the Clerk Dashboard)".into(),
                        404 => subject.not_found_hint().into(),
                        422 | 400 => match api.errors.first().and_then(|e| e.param_name()) {
                            Some(p) => format!("Clerk rejected the parameter `{p}`; fix it and retry"),
                            None => "review the parameters Clerk rejected and retry".into(),
                        },
                        429 => match api.retry_after {
                            Some(d) => format!("rate-limited by Clerk; wait {}s and retry, or send fewer requests", d.as_secs().max(1)),
                            None => "rate-limited by Clerk; wait a few seconds and retry".into(),
                        },
                        500..=599 => "Clerk is failing; retry later, and quote the trace id if you contact Clerk support".into(),
                        _ => return None,
                    }
                }
            }
            _ => return None,
        })
    }

    fn message(&self) -> String {
        match self {
            Fail::Usage(m) | Fail::Guard(m) | Fail::Other(m) => m.clone(),
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
    /// plus what was being done (`command`) and the exit code.
    pub fn to_json(&self) -> Value {
        let (status, code, message, long, meta, trace) = match self {
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
            Fail::Other(m) => (
                Value::Null,
                json!("unexpected"),
                json!(m),
                json!(m),
                Value::Null,
                Value::Null,
            ),
            Fail::ClosedPipe | Fail::Quiet(_) => (
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ),
        };
        let command = match self {
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
            "hint": self.hint(),
            "command": command,
            "exit_code": self.exit_code(),
        }})
    }

    /// What failed, Clerk's code and message, and the hint: the line the CLI prints on stderr
    /// (after `clerkctl: `), and the text of an MCP tool error.
    pub fn line(&self) -> String {
        match self.hint() {
            Some(h) => format!("{} — hint: {h}", self.message()),
            None => self.message(),
        }
    }

    /// Reports on stderr (one line, or JSON) and gives the exit code.
    pub fn report(&self, json: bool, err: &Stderr) -> ExitCode {
        match self {
            Fail::ClosedPipe => return ExitCode::SUCCESS,
            Fail::Quiet(code) => return ExitCode::from(*code),
            _ => {}
        }
        if json {
            err.line(self.to_json());
        } else {
            err.say(self.line());
        }
        ExitCode::from(self.exit_code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_one_line_with_its_hint_or_one_json_object() {
        let fail = usage("\"acme\" is not an organization ID");
        let (err, said) = Stderr::buffer();
        assert_eq!(fail.report(false, &err), ExitCode::from(exit::USAGE));
        assert_eq!(said.text(), format!("clerkctl: {}\n", fail.line()));

        let (err, said) = Stderr::buffer();
        fail.report(true, &err);
        let text = said.text();
        assert_eq!(text.lines().count(), 1);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["error"]["exit_code"], 2);

        let (err, said) = Stderr::buffer();
        assert_eq!(Fail::ClosedPipe.report(false, &err), ExitCode::SUCCESS);
        assert_eq!(said.text(), "", "a closed pipe ends quietly");
    }
}
