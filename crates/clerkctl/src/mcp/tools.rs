//! The tools. Each checks its input as the CLI does, builds the request with the client,
//! and answers Clerk's JSON as structured content; a failure is a tool error (`isError`)
//! carrying Clerk's status, code and message and the CLI's hint, never a protocol error.
//!
//! Annotations follow the MCP definitions: `readOnlyHint` for tools that change nothing;
//! `destructiveHint` for tools that overwrite or remove what is there (updates, deletes,
//! removals, revocations) and not for those that only add; `idempotentHint` where a second
//! identical call changes nothing more (Clerk refuses a second delete, add or revoke of the
//! same thing); `openWorldHint` only where the call reaches people outside the instance
//! (invitations email the address).

use std::collections::BTreeSet;
use std::sync::Arc;

use clerk_api::page::{HasId, List};
use clerk_api::request::Operation;
use clerk_api::resources::CountUsers;
use clerk_api::{Client, Request};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{ErrorData, tool, tool_handler, tool_router};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use std::path::PathBuf;
use std::time::Duration;

use super::params::*;
use crate::app::{App, Change, Sent};
use crate::bulk::export::What;
use crate::bulk::jobs::Job;
use crate::bulk::rows::{self, Row};
use crate::bulk::{self, Input, Options, Report};
use crate::cli::FileFormat;
use crate::fail::{CliResult, Fail, Subject, usage};
use crate::input;

type ToolResult = Result<CallToolResult, ErrorData>;

/// Why a tool could not answer.
enum Failure {
    Fail(Fail),
    /// The server started without a usable key: the setup error, as JSON.
    Setup(Value),
}

impl From<Fail> for Failure {
    fn from(f: Fail) -> Self {
        Failure::Fail(f)
    }
}

type Answer = Result<Value, Failure>;

pub struct Server {
    app: Arc<App>,
    client: Result<Client, Value>,
    allow_private: bool,
    /// Clerk's hourly invitation limits, counted across calls.
    hourly: Arc<bulk::HourlyBook>,
    tool_router: ToolRouter<Server>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("allow_private", &self.allow_private)
            .finish_non_exhaustive()
    }
}

impl Server {
    pub fn new(
        app: Arc<App>,
        client: Result<Client, Value>,
        allow_private: bool,
        selected: &BTreeSet<String>,
    ) -> Server {
        let mut tool_router = Self::tool_router();
        let names: Vec<String> = tool_router
            .list_all()
            .into_iter()
            .map(|t| t.name.to_string())
            .collect();
        for name in names.iter().filter(|n| !selected.contains(*n)) {
            tool_router.remove_route(name);
        }
        Server {
            app,
            client,
            allow_private,
            hourly: Arc::default(),
            tool_router,
        }
    }

    fn client(&self) -> Result<&Client, Failure> {
        self.client
            .as_ref()
            .map_err(|setup| Failure::Setup(setup.clone()))
    }

    /// The answer as the agent gets it: Clerk's JSON (without private metadata unless
    /// allowed) as structured content, or a tool error.
    fn answer(&self, result: Answer) -> ToolResult {
        Ok(match result {
            Ok(mut v) => {
                if !self.allow_private {
                    super::strip_private_metadata(&mut v);
                }
                CallToolResult::structured(v)
            }
            Err(Failure::Fail(fail)) => {
                tracing::debug!("tool error: {}", fail.line());
                CallToolResult::structured_error(fail.to_json())
            }
            Err(Failure::Setup(v)) => CallToolResult::structured_error(v),
        })
    }

    async fn read<O: Operation>(
        &self,
        doing: String,
        subject: Subject,
        req: Request<'_, O>,
    ) -> Answer {
        req.send_json().await.map_err(|error| {
            Failure::Fail(Fail::Clerk {
                doing,
                subject,
                error,
            })
        })
    }

    /// A change, through the CLI's path: read-only guard, dry run, audit record.
    async fn write<O: Operation>(&self, change: Change, req: Request<'_, O>) -> Answer {
        match self.app.send_change(&change, req).await? {
            Sent::Done(v) => Ok(v),
            Sent::DryRun(prepared) => Ok(json!({"dry_run": true, "request": prepared})),
        }
    }

    /// One page of a list as `{"data": [...], "total_count": N}`, with `fields` kept.
    async fn list<'a, T>(
        &self,
        doing: &str,
        subject: Subject,
        mut req: Request<'a, List<T>>,
        page: Page,
        count: Option<Request<'a, CountUsers>>,
    ) -> Answer
    where
        T: DeserializeOwned + HasId + Send + 'a,
    {
        if let Some(l) = page.limit {
            if !(1..=500).contains(&l) {
                return Err(usage(format!("limit {l} is outside 1 to 500")).into());
            }
            req = req.limit(l);
        }
        if let Some(o) = page.offset {
            req = req.offset(o);
        }
        if let Some(o) = page.order_by {
            req = req.order_by(o);
        }
        let fail = |error| {
            Failure::Fail(Fail::Clerk {
                doing: doing.to_owned(),
                subject,
                error,
            })
        };
        let (items, total) = match req.send_json().await.map_err(fail)? {
            Value::Array(items) => (items, None),
            Value::Object(mut m) => {
                let total = m.get("total_count").cloned();
                match m.remove("data") {
                    Some(Value::Array(items)) => (items, total),
                    _ => (Vec::new(), total),
                }
            }
            _ => (Vec::new(), None),
        };
        let total = match (total, count) {
            (Some(t), _) => t,
            (None, Some(count)) => json!(count.send().await.map_err(fail)?),
            (None, None) => Value::Null,
        };
        let items: Vec<Value> = match &page.fields {
            Some(f) if !f.is_empty() => {
                items.iter().map(|i| crate::output::project(i, f)).collect()
            }
            _ => items,
        };
        Ok(json!({"data": items, "total_count": total}))
    }
}

/// Paging and projection, common to every list.
struct Page {
    limit: Option<u32>,
    offset: Option<u64>,
    order_by: Option<String>,
    fields: Option<Vec<String>>,
}

fn keep(v: Value, fields: &Option<Vec<String>>) -> Value {
    match fields {
        Some(f) if !f.is_empty() => crate::output::project(&v, f),
        _ => v,
    }
}

fn emails(list: &Option<Vec<String>>) -> CliResult<Vec<String>> {
    list.iter().flatten().map(|e| input::email(e)).collect()
}

fn ids<T>(list: &Option<Vec<String>>, check: fn(&str) -> CliResult<T>) -> CliResult<Vec<String>> {
    input::signed_ids(list.as_deref().unwrap_or_default(), check)
}

/// The user filters that counting and exporting share, checked, as query pairs.
fn user_filters(
    email_address: &Option<Vec<String>>,
    organization_id: &Option<Vec<String>>,
    query: &Option<String>,
    banned: Option<bool>,
) -> CliResult<Vec<(&'static str, String)>> {
    let mut filters: Vec<(&'static str, String)> = Vec::new();
    filters.extend(
        emails(email_address)?
            .into_iter()
            .map(|e| ("email_address", e)),
    );
    filters.extend(
        ids(organization_id, input::org_id)?
            .into_iter()
            .map(|v| ("organization_id", v)),
    );
    if let Some(q) = query {
        filters.push(("query", q.clone()));
    }
    if let Some(b) = banned {
        filters.push(("banned", b.to_string()));
    }
    Ok(filters)
}

/// Body fields from optional values.
fn fields<const N: usize>(pairs: [(&str, Option<Value>); N]) -> Map<String, Value> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect()
}

fn obj(m: Option<Object>) -> Option<Value> {
    m.map(Value::Object)
}

fn nothing_to_change(what: &str) -> Failure {
    usage(format!("nothing to change: give at least one of {what}")).into()
}

fn check_slug(slug: &Option<String>) -> CliResult {
    match slug {
        Some(s) if !clerk_api::ids::is_slug(s) => Err(usage(format!(
            "slug {s:?} may contain only lowercase letters, digits and -"
        ))),
        _ => Ok(()),
    }
}

/// The tools that change nothing in Clerk but write a new local file: offered in read-only
/// mode too.
pub const EXPORTS: &[&str] = &["export_users", "export_organizations", "export_members"];

/// What every bulk tool takes besides its job.
struct BulkCall {
    rows: Option<Vec<Object>>,
    file: Option<String>,
    journal: Option<String>,
    dry_run: Option<bool>,
    max_seconds: Option<u64>,
    hourly_limits: bool,
}

/// Requests shown in a dry run's answer; the rest are counted.
const PLAN_SHOWN: usize = 10;

/// A stable name for a job given inline: the same job and rows find the same journal.
fn rows_digest(job: &Job, rows: &[Object]) -> String {
    // FNV-1a, 64 bits: stable across builds and platforms, which std's hashers are not.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    eat(job.name().as_bytes());
    eat(job.target().as_bytes());
    for row in rows {
        eat(serde_json::to_string(row).unwrap_or_default().as_bytes());
    }
    format!("{h:016x}")
}

impl Server {
    /// Runs a bulk job for a tool: rows inline or from a file, the CLI's runner, journal and
    /// audit record; stops at the call's time limit or an hourly limit rather than waiting.
    async fn bulk(&self, job: Job, call: BulkCall) -> Answer {
        self.app.guard(&job.change())?;
        let (rows, bad, default_journal) = match (call.rows, call.file) {
            (Some(rows), None) => {
                if rows.is_empty() {
                    return Err(usage("rows is empty: give at least one row").into());
                }
                let slug = job.name().replace(' ', "-");
                let name = format!("{slug}-{}.journal", rows_digest(&job, &rows));
                let dir = crate::app::state_dir().ok_or_else(|| {
                    usage("no state directory (HOME and XDG_STATE_HOME are unset): pass journal")
                })?;
                let rows = rows
                    .into_iter()
                    .enumerate()
                    .map(|(i, body)| Row { line: i + 1, body })
                    .collect();
                (
                    rows,
                    Vec::new(),
                    dir.join("clerkctl").join("jobs").join(name),
                )
            }
            (None, Some(file)) => {
                let path = PathBuf::from(file);
                let format = rows::format_of(&path, None)?;
                let (rows, bad) = rows::read(&path, format, job.cell())?;
                (rows, bad, bulk::journal::default_path(&path))
            }
            _ => return Err(usage("give rows or file, one of them").into()),
        };
        let client = self.client()?;
        let budget = Duration::from_secs(call.max_seconds.unwrap_or(240).clamp(1, 3600));
        let options = Options {
            concurrency: 4,
            hourly_limits: call.hourly_limits,
            wait_for_hourly: false,
            talk: false,
            dry_run: call.dry_run.unwrap_or(false) || self.app.global.dry_run,
            book: Some(self.hourly.clone()),
        };
        let input = Input {
            rows,
            bad,
            journal: call.journal.map_or(default_journal, PathBuf::from),
        };
        let interrupt = async move {
            tokio::time::sleep(budget).await;
            Some(format!(
                "the call's time limit of {}s ran out",
                budget.as_secs()
            ))
        };
        match bulk::execute(&self.app, client, &job, input, &options, interrupt).await? {
            Report::Plan {
                requests,
                rows,
                already_done,
                skipped,
                bad,
            } => Ok(json!({
                "dry_run": true,
                "job": job.name(),
                "rows_to_send": rows,
                "requests": requests.len(),
                "already_done": already_done,
                "skipped": skipped,
                "bad_rows": bad,
                "plan": requests.iter().take(PLAN_SHOWN).collect::<Vec<_>>(),
                "plan_not_shown": requests.len().saturating_sub(PLAN_SHOWN),
            })),
            Report::Summary(mut summary) => {
                if summary["status"] != "done" {
                    summary["next"] = json!(
                        "call this tool again with the same arguments to carry on: the journal records every row, so nothing is sent twice"
                    );
                }
                Ok(summary)
            }
        }
    }

    /// Writes an export to a new file.
    async fn export(&self, what: What, out: &str, format: Option<ExportFormat>) -> Answer {
        let path = PathBuf::from(out);
        if path.exists() {
            return Err(usage(format!(
                "{out} exists already: choose another file (exports never overwrite)"
            ))
            .into());
        }
        let format = match format.unwrap_or(ExportFormat::Ndjson) {
            ExportFormat::Ndjson => FileFormat::Ndjson,
            ExportFormat::Csv => FileFormat::Csv,
        };
        let client = self.client()?;
        let started = std::time::Instant::now();
        let n = bulk::export::export(
            client,
            &what,
            format,
            Some(&path),
            !self.allow_private,
            false,
        )
        .await?;
        let shown = std::fs::canonicalize(&path).unwrap_or(path);
        Ok(json!({
            "out": shown.display().to_string(),
            "format": format!("{format:?}").to_lowercase(),
            "object": what.noun(),
            "exported": n,
            "elapsed_ms": started.elapsed().as_millis() as u64,
            "private_metadata": self.allow_private,
        }))
    }
}

#[tool_router(vis = "pub(crate)")]
impl Server {
    // ---- users -------------------------------------------------------------------------------

    #[tool(
        description = "List or search the instance's users, newest first, one page at a time: {\"data\": [users], \"total_count\": N}. Use fields to keep answers small, and offset to page.",
        annotations(title = "List users", read_only_hint = true, open_world_hint = false)
    )]
    async fn list_users(&self, Parameters(p): Parameters<ListUsers>) -> ToolResult {
        let r = async {
            let mut filters: Vec<(&str, String)> = Vec::new();
            filters.extend(
                emails(&p.email_address)?
                    .into_iter()
                    .map(|e| ("email_address", e)),
            );
            for (k, list) in [
                ("phone_number", &p.phone_number),
                ("username", &p.username),
                ("external_id", &p.external_id),
            ] {
                filters.extend(list.iter().flatten().map(|v| (k, v.clone())));
            }
            filters.extend(
                ids(&p.user_id, input::user_id)?
                    .into_iter()
                    .map(|v| ("user_id", v)),
            );
            filters.extend(
                ids(&p.organization_id, input::org_id)?
                    .into_iter()
                    .map(|v| ("organization_id", v)),
            );
            if let Some(q) = &p.query {
                filters.push(("query", q.clone()));
            }
            if let Some(b) = p.banned {
                filters.push(("banned", b.to_string()));
            }
            let client = self.client()?;
            let mut req = client.users().list();
            for (k, v) in &filters {
                req = req.param_add(k, v);
            }
            let count = req.count();
            let page = Page {
                limit: p.limit,
                offset: p.offset,
                order_by: p.order_by,
                fields: p.fields,
            };
            self.list("users list", Subject::User, req, page, Some(count))
                .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Get one user by ID: profile, email addresses, phone numbers, metadata, ban and lock state, timestamps.",
        annotations(title = "Get a user", read_only_hint = true, open_world_hint = false)
    )]
    async fn get_user(&self, Parameters(p): Parameters<GetUser>) -> ToolResult {
        let r = async {
            let id = input::user_id(&p.user_id)?;
            let client = self.client()?;
            let v = self
                .read(
                    format!("users get {id}"),
                    Subject::User,
                    client.users().get(&id),
                )
                .await?;
            Ok(keep(v, &p.fields))
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Count the instance's users, all of them or those matching the filters: {\"object\": \"total_count\", \"total_count\": N}. Also the cheapest check that the key works.",
        annotations(title = "Count users", read_only_hint = true, open_world_hint = false)
    )]
    async fn get_user_count(&self, Parameters(p): Parameters<CountUsersParams>) -> ToolResult {
        let r = async {
            let filters = user_filters(&p.email_address, &p.organization_id, &p.query, p.banned)?;
            let client = self.client()?;
            let mut req = client.users().count();
            for (k, v) in &filters {
                req = req.param_add(k, v);
            }
            self.read("users count".into(), Subject::User, req).await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Create a user with email addresses, phone numbers or a username (whichever the instance requires). Answers the new user.",
        annotations(
            title = "Create a user",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = false
        )
    )]
    async fn create_user(&self, Parameters(p): Parameters<CreateUser>) -> ToolResult {
        let r = async {
            let emails = emails(&p.email_address)?;
            let body = fields([
                ("email_address", (!emails.is_empty()).then(|| json!(emails))),
                ("phone_number", p.phone_number.map(|v| json!(v))),
                ("username", p.username.map(Value::from)),
                ("first_name", p.first_name.map(Value::from)),
                ("last_name", p.last_name.map(Value::from)),
                ("external_id", p.external_id.map(Value::from)),
                ("public_metadata", obj(p.public_metadata)),
                ("private_metadata", obj(p.private_metadata)),
                ("unsafe_metadata", obj(p.unsafe_metadata)),
                (
                    "skip_password_requirement",
                    p.skip_password_requirement.map(Value::from),
                ),
            ]);
            let client = self.client()?;
            let change = Change::new("mcp create_user", "create a user", Subject::User, None);
            self.write(change, client.users().create().body(Value::Object(body)))
                .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Update a user's profile fields (names, username, external ID, primary email, locale); fields left out stay as they are. Metadata is changed with update_user_metadata.",
        annotations(
            title = "Update a user",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn update_user(&self, Parameters(p): Parameters<UpdateUser>) -> ToolResult {
        let r = async {
            let id = input::user_id(&p.user_id)?;
            let body = fields([
                ("first_name", p.first_name.map(Value::from)),
                ("last_name", p.last_name.map(Value::from)),
                ("username", p.username.map(Value::from)),
                ("external_id", p.external_id.map(Value::from)),
                (
                    "primary_email_address_id",
                    p.primary_email_address_id.map(Value::from),
                ),
                ("locale", p.locale.map(Value::from)),
            ]);
            if body.is_empty() {
                return Err(nothing_to_change(
                    "first_name, last_name, username, external_id, primary_email_address_id, locale",
                ));
            }
            let client = self.client()?;
            let change = Change::new(
                "mcp update_user",
                format!("update user {id}"),
                Subject::User,
                Some(id.as_str()),
            );
            self.write(change, client.users().update(&id).body(Value::Object(body)))
                .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Merge metadata into a user's public, private or unsafe metadata (deep merge: keys given replace those stored, a key set to null is removed, other keys stay).",
        annotations(
            title = "Update a user's metadata",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn update_user_metadata(
        &self,
        Parameters(p): Parameters<UpdateUserMetadata>,
    ) -> ToolResult {
        let r = async {
            let id = input::user_id(&p.user_id)?;
            let body = fields([
                ("public_metadata", obj(p.public_metadata)),
                ("private_metadata", obj(p.private_metadata)),
                ("unsafe_metadata", obj(p.unsafe_metadata)),
            ]);
            if body.is_empty() {
                return Err(nothing_to_change(
                    "public_metadata, private_metadata, unsafe_metadata",
                ));
            }
            let client = self.client()?;
            let change = Change::new(
                "mcp update_user_metadata",
                format!("update the metadata of user {id}"),
                Subject::User,
                Some(id.as_str()),
            );
            let req = client
                .users()
                .update_metadata(&id)
                .body(Value::Object(body));
            self.write(change, req).await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Delete a user permanently, with their sessions and memberships. Cannot be undone: confirm with the person first.",
        annotations(
            title = "Delete a user",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn delete_user(&self, Parameters(p): Parameters<UserId>) -> ToolResult {
        let r = async {
            let id = input::user_id(&p.user_id)?;
            let client = self.client()?;
            let change = Change::new(
                "mcp delete_user",
                format!("delete user {id}"),
                Subject::User,
                Some(id.as_str()),
            )
            .destructive();
            self.write(change, client.users().delete(&id)).await
        }
        .await;
        self.answer(r)
    }

    // ---- organizations -------------------------------------------------------------------------

    #[tool(
        description = "List or search organizations, newest first, one page at a time: {\"data\": [organizations], \"total_count\": N}.",
        annotations(
            title = "List organizations",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_organizations(&self, Parameters(p): Parameters<ListOrganizations>) -> ToolResult {
        let r = async {
            let users = ids(&p.user_id, input::user_id)?;
            let client = self.client()?;
            let mut req = client.organizations().list().user_id(users);
            if let Some(q) = p.query {
                req = req.query(q);
            }
            if p.include_members_count == Some(true) {
                req = req.include_members_count(true);
            }
            let page = Page {
                limit: p.limit,
                offset: p.offset,
                order_by: p.order_by,
                fields: p.fields,
            };
            self.list("orgs list", Subject::Organization, req, page, None)
                .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Get one organization by ID (org_...) or slug.",
        annotations(
            title = "Get an organization",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn get_organization(&self, Parameters(p): Parameters<GetOrganization>) -> ToolResult {
        let r = async {
            let id = input::org_id_or_slug(&p.organization)?;
            let client = self.client()?;
            let mut req = client.organizations().get(&id);
            if p.include_members_count == Some(true) {
                req = req.include_members_count(true);
            }
            let v = self
                .read(format!("orgs get {id}"), Subject::Organization, req)
                .await?;
            Ok(keep(v, &p.fields))
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Create an organization; with created_by, that user becomes its first admin. Answers the new organization.",
        annotations(
            title = "Create an organization",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = false
        )
    )]
    async fn create_organization(
        &self,
        Parameters(p): Parameters<CreateOrganization>,
    ) -> ToolResult {
        let r = async {
            check_slug(&p.slug)?;
            let created_by = p.created_by.as_deref().map(input::user_id).transpose()?;
            let body = fields([
                ("name", Some(Value::from(p.name.clone()))),
                ("slug", p.slug.map(Value::from)),
                ("created_by", created_by.map(|i| Value::from(i.to_string()))),
                (
                    "max_allowed_memberships",
                    p.max_allowed_memberships.map(Value::from),
                ),
                ("public_metadata", obj(p.public_metadata)),
                ("private_metadata", obj(p.private_metadata)),
            ]);
            let client = self.client()?;
            let change = Change::new(
                "mcp create_organization",
                "create an organization",
                Subject::Organization,
                None,
            );
            let req = client
                .organizations()
                .create(p.name)
                .body(Value::Object(body));
            self.write(change, req).await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Update an organization's name, slug, membership limit or admin-delete setting, and merge metadata into it (deep merge; a key set to null is removed). Fields left out stay as they are.",
        annotations(
            title = "Update an organization",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn update_organization(
        &self,
        Parameters(p): Parameters<UpdateOrganization>,
    ) -> ToolResult {
        let r = async {
            let id = input::org_id(&p.organization_id)?;
            check_slug(&p.slug)?;
            let body = fields([
                ("name", p.name.map(Value::from)),
                ("slug", p.slug.map(Value::from)),
                (
                    "max_allowed_memberships",
                    p.max_allowed_memberships.map(Value::from),
                ),
                (
                    "admin_delete_enabled",
                    p.admin_delete_enabled.map(Value::from),
                ),
            ]);
            let metadata = fields([
                ("public_metadata", obj(p.public_metadata)),
                ("private_metadata", obj(p.private_metadata)),
            ]);
            if body.is_empty() && metadata.is_empty() {
                return Err(nothing_to_change(
                    "name, slug, max_allowed_memberships, admin_delete_enabled, public_metadata, private_metadata",
                ));
            }
            let client = self.client()?;
            let mut answer = Value::Null;
            if !body.is_empty() {
                let change = Change::new(
                    "mcp update_organization",
                    format!("update organization {id}"),
                    Subject::Organization,
                    Some(id.as_str()),
                );
                let req = client.organizations().update(&id).body(Value::Object(body));
                answer = self.write(change, req).await?;
            }
            if !metadata.is_empty() {
                let change = Change::new(
                    "mcp update_organization",
                    format!("update the metadata of organization {id}"),
                    Subject::Organization,
                    Some(id.as_str()),
                );
                let req = client
                    .organizations()
                    .update_metadata(&id)
                    .body(Value::Object(metadata));
                let second = self.write(change, req).await?;
                answer = if answer.get("dry_run").is_some() {
                    json!({"dry_run": true, "requests": [answer["request"], second["request"]]})
                } else {
                    second
                };
            }
            Ok(answer)
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Delete an organization permanently, with all its memberships and invitations. Cannot be undone: confirm with the person first.",
        annotations(
            title = "Delete an organization",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn delete_organization(&self, Parameters(p): Parameters<OrganizationId>) -> ToolResult {
        let r = async {
            let id = input::org_id(&p.organization_id)?;
            let client = self.client()?;
            let change = Change::new(
                "mcp delete_organization",
                format!("delete organization {id} with all its memberships and invitations"),
                Subject::Organization,
                Some(id.as_str()),
            )
            .destructive();
            self.write(change, client.organizations().delete(&id)).await
        }
        .await;
        self.answer(r)
    }

    // ---- memberships ---------------------------------------------------------------------------

    #[tool(
        description = "List an organization's members with their roles, one page at a time: {\"data\": [memberships], \"total_count\": N}. Each membership's public_user_data holds the user's ID, name and identifier.",
        annotations(title = "List members", read_only_hint = true, open_world_hint = false)
    )]
    async fn list_members(&self, Parameters(p): Parameters<ListMembers>) -> ToolResult {
        let r = async {
            let org = input::org_id(&p.organization_id)?;
            let roles: Vec<String> = p
                .role
                .iter()
                .flatten()
                .map(|r| input::role(r))
                .collect::<CliResult<_>>()?;
            let users = ids(&p.user_id, input::user_id)?;
            let emails = emails(&p.email_address)?;
            let client = self.client()?;
            let mut req = client
                .memberships(&org)
                .list()
                .role(roles)
                .user_id(users)
                .email_address(emails);
            if let Some(q) = p.query {
                req = req.query(q);
            }
            let page = Page {
                limit: p.limit,
                offset: p.offset,
                order_by: p.order_by,
                fields: p.fields,
            };
            self.list(
                &format!("members list {org}"),
                Subject::Membership,
                req,
                page,
                None,
            )
            .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Add a user to an organization with a role (org:admin, org:member or a custom org:... role). Answers the new membership.",
        annotations(
            title = "Add a member",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn add_member(&self, Parameters(p): Parameters<AddMember>) -> ToolResult {
        let r = async {
            let org = input::org_id(&p.organization_id)?;
            let user = input::user_id(&p.user_id)?;
            let role = input::role(&p.role)?;
            let client = self.client()?;
            let change = Change::new(
                "mcp add_member",
                format!("add {user} to {org} as {role}"),
                Subject::Membership,
                Some(user.as_str()),
            );
            self.write(change, client.memberships(&org).add(&user, &role))
                .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Change a member's role in an organization, e.g. make them an admin with org:admin. Answers the updated membership.",
        annotations(
            title = "Change a member's role",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn update_member(&self, Parameters(p): Parameters<UpdateMember>) -> ToolResult {
        let r = async {
            let org = input::org_id(&p.organization_id)?;
            let user = input::user_id(&p.user_id)?;
            let role = input::role(&p.role)?;
            let client = self.client()?;
            let change = Change::new(
                "mcp update_member",
                format!("make {user} {role} in {org}"),
                Subject::Membership,
                Some(user.as_str()),
            );
            self.write(change, client.memberships(&org).update(&user, role))
                .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Remove a member from an organization (the user stays in the instance). Confirm with the person first.",
        annotations(
            title = "Remove a member",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn remove_member(&self, Parameters(p): Parameters<RemoveMember>) -> ToolResult {
        let r = async {
            let org = input::org_id(&p.organization_id)?;
            let user = input::user_id(&p.user_id)?;
            let client = self.client()?;
            let change = Change::new(
                "mcp remove_member",
                format!("remove {user} from {org}"),
                Subject::Membership,
                Some(user.as_str()),
            )
            .destructive();
            self.write(change, client.memberships(&org).remove(&user))
                .await
        }
        .await;
        self.answer(r)
    }

    // ---- organization invitations --------------------------------------------------------------

    #[tool(
        description = "List an organization's invitations, newest first, one page at a time: {\"data\": [invitations], \"total_count\": N}. Filter by status (pending, accepted, revoked, expired) or email address.",
        annotations(
            title = "List organization invitations",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_invitations(&self, Parameters(p): Parameters<ListInvitations>) -> ToolResult {
        let r = async {
            let org = input::org_id(&p.organization_id)?;
            let statuses: Vec<String> = p
                .status
                .iter()
                .flatten()
                .map(|s| input::status(s))
                .collect::<CliResult<_>>()?;
            let email = p.email_address.as_deref().map(input::email).transpose()?;
            let client = self.client()?;
            let mut req = client
                .organization_invitations(&org)
                .list()
                .status(statuses);
            if let Some(e) = email {
                req = req.email_address(e);
            }
            let page = Page {
                limit: p.limit,
                offset: p.offset,
                order_by: p.order_by,
                fields: p.fields,
            };
            self.list(
                &format!("invitations list {org}"),
                Subject::Organization,
                req,
                page,
                None,
            )
            .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Get one organization invitation by its ID (orginv_...).",
        annotations(
            title = "Get an organization invitation",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn get_invitation(&self, Parameters(p): Parameters<GetInvitation>) -> ToolResult {
        let r = async {
            let org = input::org_id(&p.organization_id)?;
            let inv = input::org_invitation_id(&p.invitation_id)?;
            let client = self.client()?;
            self.read(
                format!("invitations get {org} {inv}"),
                Subject::OrganizationInvitation,
                client.organization_invitations(&org).get(&inv),
            )
            .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Invite an email address to an organization with a role; Clerk emails the invitation unless notify is false. Answers the new invitation.",
        annotations(
            title = "Invite to an organization",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn create_invitation(&self, Parameters(p): Parameters<CreateInvitation>) -> ToolResult {
        let r = async {
            let org = input::org_id(&p.organization_id)?;
            let email = input::email(&p.email_address)?;
            let role = input::role(&p.role)?;
            let inviter = p
                .inviter_user_id
                .as_deref()
                .map(input::user_id)
                .transpose()?;
            let body = fields([
                ("email_address", Some(Value::from(email.clone()))),
                ("role", Some(Value::from(role.clone()))),
                (
                    "inviter_user_id",
                    inviter.map(|i| Value::from(i.to_string())),
                ),
                ("expires_in_days", p.expires_in_days.map(Value::from)),
                ("redirect_url", p.redirect_url.map(Value::from)),
                ("notify", p.notify.map(Value::from)),
                ("public_metadata", obj(p.public_metadata)),
                ("private_metadata", obj(p.private_metadata)),
            ]);
            let client = self.client()?;
            let change = Change::new(
                "mcp create_invitation",
                format!("invite {email} to {org}"),
                Subject::Organization,
                None,
            );
            let req = client
                .organization_invitations(&org)
                .create(&email, role)
                .body(Value::Object(body));
            self.write(change, req).await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Revoke a pending organization invitation, so its link stops working. Confirm with the person first.",
        annotations(
            title = "Revoke an organization invitation",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn revoke_invitation(&self, Parameters(p): Parameters<RevokeInvitation>) -> ToolResult {
        let r = async {
            let org = input::org_id(&p.organization_id)?;
            let inv = input::org_invitation_id(&p.invitation_id)?;
            let requester = p
                .requesting_user_id
                .as_deref()
                .map(input::user_id)
                .transpose()?;
            let client = self.client()?;
            let change = Change::new(
                "mcp revoke_invitation",
                format!("revoke invitation {inv}"),
                Subject::OrganizationInvitation,
                Some(inv.as_str()),
            )
            .destructive();
            let mut req = client.organization_invitations(&org).revoke(&inv);
            if let Some(r) = requester {
                req = req.requesting_user_id(&r);
            }
            self.write(change, req).await
        }
        .await;
        self.answer(r)
    }

    // ---- application invitations ---------------------------------------------------------------

    #[tool(
        description = "List invitations to sign up to the application (not to an organization), newest first: {\"data\": [invitations], \"total_count\": N}. Revoked ones appear only with status revoked.",
        annotations(
            title = "List application invitations",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_app_invitations(
        &self,
        Parameters(p): Parameters<ListAppInvitations>,
    ) -> ToolResult {
        let r = async {
            let status = p.status.as_deref().map(input::status).transpose()?;
            let client = self.client()?;
            let mut req = client.invitations().list();
            if let Some(s) = status {
                req = req.status(s);
            }
            if let Some(q) = p.query {
                req = req.query(q);
            }
            let page = Page {
                limit: p.limit,
                offset: p.offset,
                order_by: p.order_by,
                fields: p.fields,
            };
            self.list("app-invitations list", Subject::Invitation, req, page, None)
                .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Invite an email address to sign up to the application; Clerk emails the invitation unless notify is false. Answers the new invitation.",
        annotations(
            title = "Invite to the application",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn create_app_invitation(
        &self,
        Parameters(p): Parameters<CreateAppInvitation>,
    ) -> ToolResult {
        let r = async {
            let email = input::email(&p.email_address)?;
            let body = fields([
                ("email_address", Some(Value::from(email.clone()))),
                ("public_metadata", obj(p.public_metadata)),
                ("redirect_url", p.redirect_url.map(Value::from)),
                ("expires_in_days", p.expires_in_days.map(Value::from)),
                ("ignore_existing", p.ignore_existing.map(Value::from)),
                ("notify", p.notify.map(Value::from)),
            ]);
            let client = self.client()?;
            let change = Change::new(
                "mcp create_app_invitation",
                format!("invite {email} to sign up"),
                Subject::Invitation,
                None,
            );
            let req = client
                .invitations()
                .create(&email)
                .body(Value::Object(body));
            self.write(change, req).await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Revoke an invitation to sign up to the application, so its link stops working. Confirm with the person first.",
        annotations(
            title = "Revoke an application invitation",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn revoke_app_invitation(
        &self,
        Parameters(p): Parameters<AppInvitationId>,
    ) -> ToolResult {
        let r = async {
            let id = input::invitation_id(&p.invitation_id)?;
            let client = self.client()?;
            let change = Change::new(
                "mcp revoke_app_invitation",
                format!("revoke invitation {id}"),
                Subject::Invitation,
                Some(id.as_str()),
            )
            .destructive();
            self.write(change, client.invitations().revoke(&id)).await
        }
        .await;
        self.answer(r)
    }

    // ---- bulk jobs and exports -----------------------------------------------------------------

    #[tool(
        description = "Invite many people to an organization at once (Clerk's bulk endpoint, 10 a request), paced to the instance's rate and hourly limits. Rows already pending or already members are skipped, lost answers are looked up before anything is sent again, and a journal records every row: calling again with the same arguments carries on and invites nobody twice. Run it with dry_run first and show the person the plan. Answers a summary: created, skipped, failed (with reasons and row numbers), status.",
        annotations(
            title = "Invite many people to an organization",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn create_invitations_bulk(
        &self,
        Parameters(p): Parameters<BulkInvitations>,
    ) -> ToolResult {
        let r = async {
            let org = input::org_id(&p.organization_id)?;
            let role = p.role.as_deref().map(input::role).transpose()?;
            let job = Job::OrganizationInvitations { org, role };
            let call = BulkCall {
                rows: p.rows,
                file: p.file,
                journal: p.journal,
                dry_run: p.dry_run,
                max_seconds: p.max_seconds,
                hourly_limits: !p.ignore_hourly_limits.unwrap_or(false),
            };
            self.bulk(job, call).await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Invite many people to the application at once (Clerk's bulk endpoint, 10 a request), paced to the instance's rate and hourly limits. Addresses already invited are skipped, lost answers are looked up before anything is sent again, and a journal records every row: calling again with the same arguments carries on and invites nobody twice. Run it with dry_run first and show the person the plan. Answers a summary: created, skipped, failed (with reasons and row numbers), status.",
        annotations(
            title = "Invite many people to the application",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn create_app_invitations_bulk(
        &self,
        Parameters(p): Parameters<BulkAppInvitations>,
    ) -> ToolResult {
        let call = BulkCall {
            rows: p.rows,
            file: p.file,
            journal: p.journal,
            dry_run: p.dry_run,
            max_seconds: p.max_seconds,
            hourly_limits: !p.ignore_hourly_limits.unwrap_or(false),
        };
        let r = self.bulk(Job::Invitations, call).await;
        self.answer(r)
    }

    #[tool(
        description = "Create many users (an import from another system), paced to the instance's rate limit. A row whose external_id or email address already belongs to a user is skipped, lost answers are looked up before anything is sent again, and a journal records every row: calling again with the same arguments carries on and creates nobody twice. Run it with dry_run first and show the person the plan. Answers a summary: created, skipped, failed (with reasons and row numbers), status.",
        annotations(
            title = "Import users",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn import_users(&self, Parameters(p): Parameters<ImportUsers>) -> ToolResult {
        let call = BulkCall {
            rows: p.rows,
            file: p.file,
            journal: p.journal,
            dry_run: p.dry_run,
            max_seconds: p.max_seconds,
            hourly_limits: true,
        };
        let r = self.bulk(Job::Users, call).await;
        self.answer(r)
    }

    #[tool(
        description = "Add many users to an organization, paced to the instance's rate limit. Users who are already members are skipped, lost answers are looked up before anything is sent again, and a journal records every row: calling again with the same arguments carries on. Run it with dry_run first and show the person the plan. Answers a summary: created, skipped, failed (with reasons and row numbers), status.",
        annotations(
            title = "Add many members",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn add_members_bulk(&self, Parameters(p): Parameters<BulkMembers>) -> ToolResult {
        let r = async {
            let org = input::org_id(&p.organization_id)?;
            let role = p.role.as_deref().map(input::role).transpose()?;
            let call = BulkCall {
                rows: p.rows,
                file: p.file,
                journal: p.journal,
                dry_run: p.dry_run,
                max_seconds: p.max_seconds,
                hourly_limits: true,
            };
            self.bulk(Job::Members { org, role }, call).await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Export every user (or those matching the filters) to a new local file, as ndjson (Clerk's objects) or CSV, paging through all of them. Changes nothing in Clerk; answers the file's path and how many users it holds. private_metadata is left out unless the server allows it.",
        annotations(
            title = "Export users to a file",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = false
        )
    )]
    async fn export_users(&self, Parameters(p): Parameters<ExportUsers>) -> ToolResult {
        let r = async {
            let filters = user_filters(&p.email_address, &p.organization_id, &p.query, p.banned)?;
            self.export(What::Users(filters), &p.out, p.format).await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Export every organization to a new local file, as ndjson (Clerk's objects) or CSV. Changes nothing in Clerk; answers the file's path and how many organizations it holds.",
        annotations(
            title = "Export organizations to a file",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = false
        )
    )]
    async fn export_organizations(
        &self,
        Parameters(p): Parameters<ExportOrganizations>,
    ) -> ToolResult {
        let what = What::Organizations {
            include_members_count: p.include_members_count.unwrap_or(false),
        };
        let r = self.export(what, &p.out, p.format).await;
        self.answer(r)
    }

    #[tool(
        description = "Export every member of an organization to a new local file, as ndjson (Clerk's membership objects) or CSV. Changes nothing in Clerk; answers the file's path and how many members it holds.",
        annotations(
            title = "Export an organization's members to a file",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = false
        )
    )]
    async fn export_members(&self, Parameters(p): Parameters<ExportMembers>) -> ToolResult {
        let r = async {
            let org = input::org_id(&p.organization_id)?;
            self.export(What::Members { org }, &p.out, p.format).await
        }
        .await;
        self.answer(r)
    }
}

#[tool_handler(
    router = self.tool_router,
    name = "clerkctl",
    instructions = "Tools for one Clerk instance's users, organizations, memberships and invitations. Results are Clerk's own JSON objects; lists are {\"data\": [...], \"total_count\": N}, one page at a time (limit, offset), and every list and get takes fields to keep answers small. Before any tool whose annotations say destructive, tell the person what will change and get their agreement. For many rows at once use the bulk tools (create_invitations_bulk, create_app_invitations_bulk, add_members_bulk, import_users): run them with dry_run first and show the person the plan; a job that stops early carries on when called again with the same arguments. A failed call is a tool error with Clerk's status, code and message and a hint saying what to do next. private_metadata is left out of results unless the server runs with --allow-private-metadata."
)]
impl rmcp::ServerHandler for Server {}
