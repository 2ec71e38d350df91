//! The operations: one implementation of each thing clerkctl does to a Clerk instance, shared by
//! the command line (`cmd`), the MCP server (`mcp`) and the bulk jobs (`bulk`).
//!
//! Each operation has one input type and one function. The function checks the input (IDs,
//! email addresses, roles, that there is something to change) and answers a checked operation:
//! a [`Read`], a [`Listing`] or a [`Write`], which says what it does (for errors, the read-only
//! guard, the confirmation prompt and the audit log) and builds its typed `clerk-api` request.
//! Nothing here prints, prompts or sends: the front ends decide how to present an operation,
//! and `App` guards, sends and records it.
//!
//! The filter sets of the lists (`users::UserFilters`, `memberships::MemberFilters`, ...) are
//! defined once, here, and are the command line's flags (clap) and the MCP tools' parameters
//! (serde and JSON Schema) alike, under Clerk's query parameter names.

pub mod check;
pub mod instance;
pub mod invitations;
pub mod jwt_templates;
pub mod memberships;
pub mod metadata;
pub mod names;
pub mod organization_invitations;
pub mod organizations;
pub mod passwords;
pub mod sessions;
pub mod time;
pub mod users;
pub mod webhooks;

use clerk_api::page::{HasId, List};
use clerk_api::resources::CountUsers;
use clerk_api::{Client, Request};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::fail::{CliResult, Subject, usage};

/// A JSON object: metadata, or the other fields of a request body.
pub type Object = Map<String, Value>;

/// How a bulk row's CSV cell becomes the JSON value of a field: each operation that takes rows
/// says, for each of its fields (`users::row_cell`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Text,
    Bool,
    Int,
    /// A JSON object (metadata).
    Object,
    /// A list: a JSON array, or values separated by `;`.
    List,
}

/// Reads a text field of a bulk row (Clerk's field names), or "".
fn row_text(row: &Object, field: &str) -> String {
    row.get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Makes a bulk row's time `field` RFC 3339 (what Clerk's creates take) when it holds Unix
/// milliseconds (Clerk's objects) or any time [`time::Time`] reads (an export's ISO 8601).
fn row_time_iso(row: &mut Object, field: &str) {
    let ms = match row.get(field) {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse::<time::Time>().ok().map(time::Time::millis),
        _ => None,
    };
    if let Some(iso) = ms.and_then(time::iso) {
        row.insert(field.into(), Value::String(iso));
    }
}

/// A check's refusal as a bulk row's reason.
fn row_reason<T>(r: CliResult<T>) -> Result<T, String> {
    r.map_err(|f| match f {
        crate::fail::Fail::Usage(m) => m,
        other => other.line(),
    })
}

/// Checks a row's `role`, or gives it `default` (the job's `--role`).
fn row_role(row: &mut Object, default: Option<&str>) -> Result<(), String> {
    match (row.get("role"), default) {
        (Some(Value::String(r)), _) => {
            let role = row_reason(check::role(r))?;
            row.insert("role".into(), Value::String(role));
            Ok(())
        }
        (Some(_), _) => Err("role must be a string such as org:member".into()),
        (None, Some(r)) => {
            let role = row_reason(check::role(r))?;
            row.insert("role".into(), Value::String(role));
            Ok(())
        }
        (None, None) => Err("no role: add a role column, or pass --role".into()),
    }
}

/// A row's email address, checked: the key of an invitation row (one pending invitation per
/// address), lowercased.
fn row_email(row: &Object) -> Result<String, String> {
    let email = row
        .get("email_address")
        .and_then(Value::as_str)
        .ok_or("no email_address")?;
    row_reason(check::email(email)).map(|e| e.to_lowercase())
}

/// What a change does: what the read-only guard refuses, the confirmation prompt asks about,
/// and the audit log records (with the name of the command or tool that asked for it).
#[derive(Debug, Clone)]
pub struct Change {
    /// `delete user user_123`: what the error line and the prompt say.
    pub doing: String,
    /// What kind of object it addresses, for not-found hints.
    pub subject: Subject,
    /// The ID acted on, when there is one.
    pub target: Option<String>,
    /// Takes something away: asks on a terminal, needs --yes otherwise.
    pub destructive: bool,
    /// The command that undoes it (`users unban`), when one does: the question says so
    /// rather than "cannot be undone".
    pub undo: Option<&'static str>,
}

impl Change {
    pub fn new(doing: impl Into<String>, subject: Subject, target: Option<&str>) -> Change {
        Change {
            doing: doing.into(),
            subject,
            target: target.map(str::to_owned),
            destructive: false,
            undo: None,
        }
    }

    /// Undone by `command` (given the same target).
    pub fn undone_by(mut self, command: &'static str) -> Change {
        self.undo = Some(command);
        self
    }

    pub fn destructive(mut self) -> Change {
        self.destructive = true;
        self
    }
}

type Build<A> = Box<dyn for<'c> Fn(&'c Client) -> Request<'c, A> + Send + Sync>;

/// A change, checked and ready to send.
pub struct Write<A> {
    pub change: Change,
    build: Build<A>,
}

impl<A> Write<A> {
    pub fn new(
        change: Change,
        build: impl for<'c> Fn(&'c Client) -> Request<'c, A> + Send + Sync + 'static,
    ) -> Write<A> {
        Write {
            change,
            build: Box::new(build),
        }
    }

    /// The request, built with `client`.
    pub fn request<'c>(&self, client: &'c Client) -> Request<'c, A> {
        (self.build)(client)
    }
}

impl<A> std::fmt::Debug for Write<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Write")
            .field("change", &self.change)
            .finish_non_exhaustive()
    }
}

/// A read of one object (or a count), checked and ready to send.
pub struct Read<A> {
    /// `users get user_123`: what an error says was being done.
    pub doing: String,
    pub subject: Subject,
    build: Build<A>,
}

impl<A> Read<A> {
    pub fn new(
        doing: impl Into<String>,
        subject: Subject,
        build: impl for<'c> Fn(&'c Client) -> Request<'c, A> + Send + Sync + 'static,
    ) -> Read<A> {
        Read {
            doing: doing.into(),
            subject,
            build: Box::new(build),
        }
    }

    /// The request, built with `client`.
    pub fn request<'c>(&self, client: &'c Client) -> Request<'c, A> {
        (self.build)(client)
    }
}

impl<A> std::fmt::Debug for Read<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Read")
            .field("doing", &self.doing)
            .finish_non_exhaustive()
    }
}

/// A list, checked and ready to send a page of, or stream.
pub struct Listing<T> {
    /// `users list`: what an error says was being done.
    pub doing: String,
    pub subject: Subject,
    build: Build<List<T>>,
    count: Option<Build<CountUsers>>,
}

impl<T: DeserializeOwned + HasId + Send + 'static> Listing<T> {
    pub fn new(
        doing: impl Into<String>,
        subject: Subject,
        build: impl for<'c> Fn(&'c Client) -> Request<'c, List<T>> + Send + Sync + 'static,
    ) -> Listing<T> {
        Listing {
            doing: doing.into(),
            subject,
            build: Box::new(build),
            count: None,
        }
    }

    /// For lists that answer a bare array (users): the request that counts what the list
    /// would hold.
    pub fn with_count(
        mut self,
        count: impl for<'c> Fn(&'c Client) -> Request<'c, CountUsers> + Send + Sync + 'static,
    ) -> Listing<T> {
        self.count = Some(Box::new(count));
        self
    }

    /// The list request with `page` applied.
    pub fn request<'c>(&self, client: &'c Client, page: &Page) -> Request<'c, List<T>> {
        page.apply((self.build)(client))
    }

    /// The count request, for lists whose answer has no total.
    pub fn count<'c>(&self, client: &'c Client) -> Option<Request<'c, CountUsers>> {
        self.count.as_ref().map(|c| c(client))
    }
}

impl<T> std::fmt::Debug for Listing<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listing")
            .field("doing", &self.doing)
            .finish_non_exhaustive()
    }
}

/// Which page of a list: `limit`, `offset` and `order_by`, as Clerk takes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// Items per page, 1 to 500.
    pub limit: Option<u32>,
    /// Items to skip.
    pub offset: Option<u64>,
    /// A field, `-` for descending, `+` for ascending.
    pub order_by: Option<String>,
}

impl Page {
    /// Checks the limit (the command line's parser already does; an MCP call may not).
    pub fn checked(self) -> CliResult<Page> {
        if let Some(l) = self.limit
            && !(1..=500).contains(&l)
        {
            return Err(usage(format!("limit {l} is outside 1 to 500")));
        }
        Ok(self)
    }

    fn apply<'c, T>(&self, mut req: Request<'c, List<T>>) -> Request<'c, List<T>>
    where
        T: DeserializeOwned + HasId + Send + 'c,
    {
        if let Some(l) = self.limit {
            req = req.limit(l);
        }
        if let Some(o) = self.offset {
            req = req.offset(o);
        }
        if let Some(o) = &self.order_by {
            req = req.order_by(o.clone());
        }
        req
    }
}

/// "nothing to change: give at least one of ...".
pub fn nothing_to_change(what: &str) -> crate::fail::Fail {
    usage(format!("nothing to change: give at least one of {what}"))
}

/// A request a dry run shows. By default compact, what a reader (often an agent paying for
/// every token) needs: the method, the path with its query, and the body. With `verbose`, the
/// whole request: URL, and every header with the key masked.
pub fn shown_request(prepared: &clerk_api::PreparedRequest, verbose: bool) -> Value {
    if verbose {
        return serde_json::to_value(prepared).unwrap_or_default();
    }
    let path = url::Url::parse(&prepared.url).map_or_else(
        |_| prepared.url.clone(),
        |u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        },
    );
    let mut shown = Map::new();
    shown.insert("method".into(), Value::String(prepared.method.clone()));
    shown.insert("path".into(), Value::String(path));
    if let Some(body) = &prepared.body {
        shown.insert("body".into(), body.clone());
    }
    Value::Object(shown)
}

/// Calls each setter whose value is `Some`: `set_some!(req, first_name: name, banned: flag)`.
macro_rules! set_some {
    ($req:ident, $($setter:ident: $value:expr),* $(,)?) => {
        $(
            if let Some(v) = $value {
                $req = $req.$setter(v);
            }
        )*
    };
}
pub(crate) use set_some;

/// A client for building requests in tests: nothing is ever sent with it.
#[cfg(test)]
pub(crate) fn test_client() -> Client {
    Client::builder()
        .secret_key(clerk_api::SecretKey::new("sk_test_ops_unit_tests_0000"))
        .api_url("http://127.0.0.1:9")
        .unwrap()
        .build()
        .unwrap()
}

/// The query of a request, as `key=value` strings in order.
#[cfg(test)]
pub(crate) fn query<O>(req: &Request<'_, O>) -> Vec<String> {
    req.spec()
        .query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
}

#[cfg(test)]
mod shown_tests {
    use super::*;

    #[test]
    fn a_dry_run_is_compact_unless_verbose() {
        let prepared = clerk_api::PreparedRequest {
            method: "POST".into(),
            url: "http://127.0.0.1:9/v1/users?x=1".into(),
            headers: vec![("Authorization".into(), "Bearer sk_test_…0000".into())],
            body: Some(serde_json::json!({"first_name": "Ada"})),
        };
        assert_eq!(
            shown_request(&prepared, false),
            serde_json::json!({"method": "POST", "path": "/v1/users?x=1", "body": {"first_name": "Ada"}})
        );
        let whole = shown_request(&prepared, true);
        assert_eq!(whole["url"], "http://127.0.0.1:9/v1/users?x=1");
        assert!(whole["headers"].is_array());
    }
}
