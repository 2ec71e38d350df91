//! The tools: the MCP server's adapter. Each turns its parameters into an operation's input
//! (`crate::ops`), runs it through `App` (read-only guard, dry run, audit), and answers Clerk's
//! JSON as structured content; a failure is a tool error (`isError`) carrying Clerk's status,
//! code and message and the CLI's hint, never a protocol error. What an operation checks and
//! sends is decided in `ops`, never here.
//!
//! Annotations follow the MCP definitions: `readOnlyHint` for tools that change nothing;
//! `destructiveHint` for tools that overwrite or remove what is there (updates, deletes,
//! removals, revocations, bans and locks) and not for those that only add or that give access
//! back (unban, unlock); `idempotentHint` where a second identical call changes nothing more
//! (Clerk refuses a second delete, add or revoke of the same thing); `openWorldHint` only
//! where the call reaches people outside the instance (invitations email the address).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use clerk_api::Client;
use clerk_api::page::HasId;
use clerk_api::request::Operation;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{ErrorData, tool, tool_handler, tool_router};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::params::*;
use crate::app::{App, Sent};
use crate::bulk::copy::Sources;
use crate::bulk::export::What;
use crate::bulk::jobs::Job;
use crate::bulk::rows::{self, Row};
use crate::bulk::{self, Input, Options, Report};
use crate::cli::FileFormat;
use crate::fail::{CliResult, Fail, Front, usage};
use crate::ops::users::Access;
use crate::ops::{
    self, Object, invitations, jwt_templates, memberships, nothing_to_change,
    organization_invitations, organizations, sessions, users,
};

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
    /// The one directory tools read and write files in: every parameter naming a file goes
    /// through `files.resolve`.
    files: crate::confine::FilesDir,
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
        files: crate::confine::FilesDir,
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
            files,
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
                    crate::redact::strip_private_metadata(&mut v);
                }
                CallToolResult::structured(v)
            }
            Err(Failure::Fail(fail)) => {
                tracing::debug!("tool error: {}", fail.line_for(Front::Mcp));
                CallToolResult::structured_error(fail.to_json_for(Front::Mcp))
            }
            Err(Failure::Setup(v)) => CallToolResult::structured_error(v),
        })
    }

    /// A read of one object, with `fields` kept.
    async fn read<A: Operation>(
        &self,
        op: CliResult<ops::Read<A>>,
        fields: &Option<Vec<String>>,
    ) -> ToolResult
    where
        A::Output: 'static,
    {
        let r = async {
            let op = op?;
            check_fields::<A::Output>(fields)?;
            let v = op
                .request(self.client()?)
                .send_json()
                .await
                .map_err(|error| Fail::Clerk {
                    doing: op.doing.clone(),
                    subject: op.subject,
                    error,
                })?;
            Ok(keep(v, fields))
        }
        .await;
        self.answer(r)
    }

    /// The ID of the user `given` names (an ID, an email address, a phone number or a
    /// username), looked up as the command line does. Without a client (the server started
    /// without a key) the name is kept: the operation then answers the setup error.
    async fn user(&self, given: &str) -> CliResult<String> {
        match &self.client {
            Ok(c) => crate::resolve::user(c, given).await,
            Err(_) => Ok(given.to_owned()),
        }
    }

    async fn opt_user(&self, given: Option<String>) -> CliResult<Option<String>> {
        match given {
            Some(g) => self.user(&g).await.map(Some),
            None => Ok(None),
        }
    }

    /// The ID of the organization `given` names (an ID, a slug or its exact name).
    async fn org(&self, given: &str) -> CliResult<String> {
        match &self.client {
            Ok(c) => crate::resolve::org(c, given).await,
            Err(_) => Ok(given.to_owned()),
        }
    }

    async fn user_filters(&self, f: users::UserFilters) -> CliResult<users::UserFilters> {
        match &self.client {
            Ok(c) => crate::resolve::user_filters(c, f).await,
            Err(_) => Ok(f),
        }
    }

    async fn org_filters(
        &self,
        f: organizations::OrganizationFilters,
    ) -> CliResult<organizations::OrganizationFilters> {
        match &self.client {
            Ok(c) => crate::resolve::org_filters(c, f).await,
            Err(_) => Ok(f),
        }
    }

    async fn member_filters(
        &self,
        f: memberships::MemberFilters,
    ) -> CliResult<memberships::MemberFilters> {
        match &self.client {
            Ok(c) => crate::resolve::member_filters(c, f).await,
            Err(_) => Ok(f),
        }
    }

    /// Ban, unban, lock or unlock, after reading the user: one already in the asked state is
    /// left alone and answered with `"changed": false`, so that an undo restores what was there.
    async fn access(&self, command: &str, user: &str, a: Access) -> ToolResult {
        let r = async {
            let id = self.user(user).await?;
            let get = users::get(&id)?;
            let current = get
                .request(self.client()?)
                .send_json()
                .await
                .map_err(|error| Fail::Clerk {
                    doing: get.doing.clone(),
                    subject: get.subject,
                    error,
                })?;
            if a.already(&current) {
                let mut v = current;
                v["changed"] = Value::Bool(false);
                return Ok(v);
            }
            self.send(command, users::access(&id, a)?).await
        }
        .await;
        self.answer(r)
    }

    /// A fleet operation: the person's agreement is `expect_count`.
    async fn fleet(&self, command: &str, p: UsersMatching, delete: bool) -> Answer {
        if self.app.global.read_only {
            return Err(Fail::Guard(format!(
                "refusing to run {command}: read-only mode is on; nothing was sent"
            ))
            .into());
        }
        let mut filter = p.filters;
        p.matching.narrow(&mut filter)?;
        let filter = self.user_filters(filter).await?;
        let client = self.client()?;
        let backup = match p.backup {
            Some(b) => Some(self.files.resolve("backup", &b)?),
            None => {
                let dir = crate::app::state_dir().ok_or_else(|| {
                    usage("no state directory (HOME and XDG_STATE_HOME are unset): pass backup")
                })?;
                let secs = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or_default();
                let verb = if delete { "delete" } else { "ban" };
                Some(
                    dir.join("clerkctl")
                        .join("backups")
                        .join(format!("users-{verb}-backup-{secs}.ndjson")),
                )
            }
        };
        let fleet = bulk::fleet::Fleet {
            filter,
            matching: p.matching,
            delete,
            expect_count: p.expect_count,
            backup,
            journal: p
                .journal
                .map(|j| self.files.resolve("journal", &j))
                .transpose()?,
            dry_run: p.dry_run.unwrap_or(false) || self.app.global.dry_run,
        };
        let confirm = |_: &ops::Change, n: u64| match p.expect_count {
            Some(_) => Ok(()),
            None => Err(usage(format!(
                "{n} users match: show them to the person (dry_run true lists them), and once they agree call again with expect_count {n}; nothing was changed"
            ))),
        };
        Ok(bulk::fleet::run(&self.app, client, &fleet, command, confirm).await?)
    }

    /// A change, through the CLI's path: read-only guard, dry run, audit record.
    async fn send<A: Operation>(&self, command: &str, op: ops::Write<A>) -> Answer {
        let req = op.request(self.client()?);
        match self.app.send_change(command, &op.change, req).await? {
            Sent::Done(v) => Ok(v),
            Sent::DryRun(prepared) => Ok(json!({
                "dry_run": true,
                "request": ops::shown_request(&prepared, self.app.global.verbose),
            })),
        }
    }

    async fn write<A: Operation>(&self, command: &str, op: CliResult<ops::Write<A>>) -> ToolResult {
        let r = async { self.send(command, op?).await }.await;
        self.answer(r)
    }

    /// One page of a list as `{"data": [...], "total_count": N}`, with `fields` kept.
    async fn list<T>(&self, op: CliResult<ops::Listing<T>>, page: Page) -> ToolResult
    where
        T: DeserializeOwned + HasId + Send + 'static,
    {
        let r = async {
            let op = op?;
            let client = self.client()?;
            let Page { page, fields } = page;
            check_fields::<T>(&fields)?;
            let req = op.request(client, &page.checked()?);
            let fail = |error| {
                Failure::Fail(Fail::Clerk {
                    doing: op.doing.clone(),
                    subject: op.subject,
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
            let total = match (total, op.count(client)) {
                (Some(t), _) => t,
                (None, Some(count)) => json!(count.send().await.map_err(fail)?),
                (None, None) => Value::Null,
            };
            let items: Vec<Value> = items.iter().map(|i| keep(i.clone(), &fields)).collect();
            Ok(json!({"data": items, "total_count": total}))
        }
        .await;
        self.answer(r)
    }
}

/// Paging and projection, common to every list.
struct Page {
    page: ops::Page,
    fields: Option<Vec<String>>,
}

impl Page {
    fn new(
        limit: Option<u32>,
        offset: Option<u64>,
        order_by: Option<String>,
        fields: Option<Vec<String>>,
    ) -> Page {
        Page {
            page: ops::Page {
                limit,
                offset,
                order_by,
            },
            fields,
        }
    }
}

/// `fields` checked as the command line checks `--fields`: an unknown field of a known object
/// is refused before anything is sent, naming the valid fields and the nearest.
fn check_fields<T: 'static>(fields: &Option<Vec<String>>) -> CliResult<()> {
    match (fields, crate::fields::shape_of::<T>()) {
        (Some(f), Some((what, shape))) if !f.is_empty() => {
            crate::fields::check_as("fields", what, shape, f)
        }
        _ => Ok(()),
    }
}

fn keep(v: Value, fields: &Option<Vec<String>>) -> Value {
    match fields {
        Some(f) if !f.is_empty() => crate::output::project(&v, f),
        _ => v,
    }
}

/// The tools that change nothing in Clerk but write a new local file: offered in read-only
/// mode too.
pub const EXPORTS: &[&str] = &["export_users", "export_organizations", "export_members"];

/// Requests shown in a dry run's answer; the rest are counted.
const PLAN_SHOWN: usize = 10;

impl Server {
    /// Runs a bulk job for a tool: rows inline or from a file, the CLI's runner, journal and
    /// audit record; stops at the call's time limit or an hourly limit rather than waiting.
    async fn bulk(&self, job: Job, call: BulkCall) -> Answer {
        self.bulk_copy(job, call, &Sources::default()).await
    }

    /// Runs a bulk job whose rows name users and organizations of another instance (an
    /// export): they are mapped to this instance's first, as the command line's imports do.
    async fn bulk_copy(&self, job: Job, call: BulkCall, sources: &Sources) -> Answer {
        self.app.guard(job.name(), &job.change())?;
        let (rows, bad, default_journal) = match (call.rows, call.file) {
            (Some(rows), None) => {
                if rows.is_empty() {
                    return Err(usage("rows is empty: give at least one row").into());
                }
                let journal = bulk::journal::for_rows(&job, &rows)?;
                let mut rows: Vec<Row> = rows
                    .into_iter()
                    .enumerate()
                    .map(|(i, body)| Row { line: i + 1, body })
                    .collect();
                rows::shape_rows(&mut rows, &job.shape())?;
                (rows, Vec::new(), journal)
            }
            (None, Some(file)) => {
                let path = self.files.resolve("file", &file)?;
                let format = rows::format_of(&path, None)?;
                let (rows, bad) = rows::read(&path, format, job.cell(), &job.shape())?;
                (rows, bad, bulk::journal::default_path(&path))
            }
            _ => return Err(usage("give rows or file, one of them").into()),
        };
        let client = self.client()?;
        // Before the copy's reads of this instance, so that a refused journal reads nothing.
        let journal = match call.journal {
            Some(j) => self.files.resolve("journal", &j)?,
            None => default_journal,
        };
        let (rows, bad) = bulk::copy::map(client, &job, rows, bad, sources, &self.app.err).await?;
        let budget = Duration::from_secs(call.max_seconds.unwrap_or(240).clamp(1, 3600));
        let options = Options {
            concurrency: None,
            hourly_limits: call.hourly_limits,
            wait_for_hourly: false,
            talk: false,
            dry_run: call.dry_run.unwrap_or(false) || self.app.global.dry_run,
            verbose: self.app.global.verbose,
            book: Some(self.hourly.clone()),
        };
        let input = Input { rows, bad, journal };
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

    /// Runs a metadata job for a tool: for the `names` given (resolved here, each row given
    /// the metadata), or for rows or a file (the metadata for rows that give none).
    async fn metadata_bulk(
        &self,
        target: ops::metadata::Target,
        names: Option<Vec<String>>,
        defaults: Object,
        mut call: BulkCall,
    ) -> Answer {
        let Some(names) = names else {
            return self.bulk(Job::Metadata { target, defaults }, call).await;
        };
        if call.rows.is_some() || call.file.is_some() {
            return Err(usage("give names, rows or file, one of them").into());
        }
        if defaults.is_empty() {
            return Err(nothing_to_change(
                "public_metadata, private_metadata (users: unsafe_metadata)",
            )
            .into());
        }
        let mut ids: Vec<String> = Vec::new();
        for n in &names {
            let id = match target {
                ops::metadata::Target::Organizations => self.org(n).await?,
                _ => self.user(n).await?,
            };
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        // The metadata goes into each row, so that the journal's name covers it.
        let rows = ops::metadata::rows_of_ids(&target, &ids)
            .into_iter()
            .map(|mut row| {
                row.extend(defaults.clone());
                row
            })
            .collect();
        call.rows = Some(rows);
        let job = Job::Metadata {
            target,
            defaults: Object::new(),
        };
        self.bulk(job, call).await
    }

    /// Writes an export to a new file.
    async fn export(
        &self,
        what: What,
        out: &str,
        format: Option<ExportFormat>,
        include_private: Option<bool>,
    ) -> Answer {
        let path = self.files.resolve("out", out)?;
        if include_private == Some(true) && !self.allow_private {
            return Err(usage(
                "private_metadata cannot be exported: this server was started without --allow-private-metadata",
            )
            .into());
        }
        let private = include_private.unwrap_or(self.allow_private);
        // Anything at the name (a dangling symbolic link too) is refused; the file module
        // refuses it again if it appears while the export runs.
        if std::fs::symlink_metadata(&path).is_ok() {
            return Err(usage(format!(
                "{out} exists already: choose another file (exports never overwrite)"
            ))
            .into());
        }
        let given = format.map(|f| match f {
            ExportFormat::Ndjson => FileFormat::Ndjson,
            ExportFormat::Csv => FileFormat::Csv,
        });
        // The extension decides, as on the command line; a mismatch is refused.
        let format = match (rows::format_by_name(&path), given) {
            // A name without a known extension: the parameter, or ndjson.
            (None, given) => given.unwrap_or(FileFormat::Ndjson),
            _ => rows::file_format(Some(&path), given)?,
        };
        let client = self.client()?;
        let started = std::time::Instant::now();
        let n =
            bulk::export::export(client, &what, format, Some(&path), false, !private, None).await?;
        let shown = std::fs::canonicalize(&path).unwrap_or(path);
        Ok(json!({
            "out": shown.display().to_string(),
            "format": format!("{format:?}").to_lowercase(),
            "object": what.noun(),
            "exported": n,
            "elapsed_ms": started.elapsed().as_millis() as u64,
            "private_metadata": private,
        }))
    }
}

#[tool_router(vis = "pub(crate)")]
impl Server {
    // ---- users -------------------------------------------------------------------------------

    #[tool(
        description = "List or search the instance's users, newest first, one page at a time: {\"data\": [users], \"total_count\": N}. Takes every filter of `clerkctl users list`, under Clerk's names. Use fields to keep answers small, and offset (or starting_after) to page.",
        annotations(title = "List users", read_only_hint = true, open_world_hint = false)
    )]
    async fn list_users(&self, Parameters(p): Parameters<ListUsers>) -> ToolResult {
        let op = async {
            let f = self.user_filters(p.filters).await?;
            users::list(&f, p.starting_after.as_deref())
        }
        .await;
        self.list(op, Page::new(p.limit, p.offset, p.order_by, p.fields))
            .await
    }

    #[tool(
        description = "Get one user by ID: profile, email addresses, phone numbers, metadata, ban and lock state, timestamps.",
        annotations(title = "Get a user", read_only_hint = true, open_world_hint = false)
    )]
    async fn get_user(&self, Parameters(p): Parameters<GetUser>) -> ToolResult {
        let op = async { users::get(&self.user(&p.user_id).await?) }.await;
        self.read(op, &p.fields).await
    }

    #[tool(
        description = "List the organizations a user belongs to, with the user's role in each, one page at a time: {\"data\": [memberships], \"total_count\": N}; each membership's organization holds the organization's ID, name and slug.",
        annotations(
            title = "List a user's organizations",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_user_memberships(
        &self,
        Parameters(p): Parameters<ListUserMemberships>,
    ) -> ToolResult {
        let op = async { users::memberships(&self.user(&p.user_id).await?) }.await;
        self.list(op, Page::new(p.limit, p.offset, None, p.fields))
            .await
    }

    #[tool(
        description = "Count the instance's users, all of them or those matching the filters (those of list_users): {\"object\": \"total_count\", \"total_count\": N}. Also the cheapest check that the key works.",
        annotations(title = "Count users", read_only_hint = true, open_world_hint = false)
    )]
    async fn get_user_count(&self, Parameters(p): Parameters<users::UserFilters>) -> ToolResult {
        let op = async { users::count(&self.user_filters(p).await?) }.await;
        self.read(op, &None).await
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
        let op = users::create(users::Create {
            email_address: p.email_address.unwrap_or_default(),
            phone_number: p.phone_number.unwrap_or_default(),
            username: p.username,
            first_name: p.first_name,
            last_name: p.last_name,
            external_id: p.external_id,
            public_metadata: p.public_metadata,
            private_metadata: p.private_metadata,
            unsafe_metadata: p.unsafe_metadata,
            skip_password_requirement: p.skip_password_requirement,
            ..users::Create::default()
        });
        self.write("mcp create_user", op).await
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
        let op = async {
            users::update(users::Update {
                user_id: self.user(&p.user_id).await?,
                first_name: p.first_name,
                last_name: p.last_name,
                username: p.username,
                external_id: p.external_id,
                primary_email_address_id: p.primary_email_address_id,
                locale: p.locale,
                password: None,
                skip_password_checks: false,
                other: Object::new(),
            })
        }
        .await;
        self.write("mcp update_user", op).await
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
        let op = async {
            users::metadata(
                users::Metadata {
                    user_id: self.user(&p.user_id).await?,
                    public_metadata: p.public_metadata,
                    private_metadata: p.private_metadata,
                    unsafe_metadata: p.unsafe_metadata,
                },
                false,
            )
        }
        .await;
        self.write("mcp update_user_metadata", op).await
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
        let op = async { users::delete(&self.user(&p.user_id).await?) }.await;
        self.write("mcp delete_user", op).await
    }

    #[tool(
        description = "Ban a user: their sessions end and they cannot sign in until unbanned. Confirm with the person first. Answers the user, with banned true; a user who was banned already is left alone and answered with \"changed\": false (so an undo must not unban them). unban_user undoes it: read the user first (get_user, banned) so that an undo restores what was there.",
        annotations(
            title = "Ban a user",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn ban_user(&self, Parameters(p): Parameters<UserId>) -> ToolResult {
        self.access("mcp ban_user", &p.user_id, Access::Ban).await
    }

    #[tool(
        description = "Lift a user's ban, so they can sign in again; undoes ban_user. When undoing, unban only the users your ban changed: one answered \"changed\": false was banned before and stays banned. Answers the user, with banned false.",
        annotations(
            title = "Unban a user",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn unban_user(&self, Parameters(p): Parameters<UserId>) -> ToolResult {
        self.access("mcp unban_user", &p.user_id, Access::Unban)
            .await
    }

    #[tool(
        description = "Lock a user out of signing in (until unlocked, or until the instance's lockout period ends). Confirm with the person first. Answers the user, with locked true; a user who was locked already is left alone and answered with \"changed\": false (so an undo must not unlock them). unlock_user undoes it: read the user first (get_user, locked).",
        annotations(
            title = "Lock a user",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn lock_user(&self, Parameters(p): Parameters<UserId>) -> ToolResult {
        self.access("mcp lock_user", &p.user_id, Access::Lock).await
    }

    #[tool(
        description = "Unlock a user, so they can sign in again; undoes lock_user. When undoing, unlock only the users your lock changed: one answered \"changed\": false was locked before. Answers the user, with locked false.",
        annotations(
            title = "Unlock a user",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn unlock_user(&self, Parameters(p): Parameters<UserId>) -> ToolResult {
        self.access("mcp unlock_user", &p.user_id, Access::Unlock)
            .await
    }

    // ---- organizations -------------------------------------------------------------------------

    #[tool(
        description = "List or search organizations, newest first, one page at a time: {\"data\": [organizations], \"total_count\": N}. Takes every filter of `clerkctl orgs list`.",
        annotations(
            title = "List organizations",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_organizations(&self, Parameters(p): Parameters<ListOrganizations>) -> ToolResult {
        let op = async { organizations::list(&self.org_filters(p.filters).await?) }.await;
        self.list(op, Page::new(p.limit, p.offset, p.order_by, p.fields))
            .await
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
        let op = async {
            let org = self.org(&p.organization).await?;
            organizations::get(&org, p.include_members_count == Some(true))
        }
        .await;
        self.read(op, &p.fields).await
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
        let op = async {
            organizations::create(organizations::Create {
                name: p.name,
                slug: p.slug,
                created_by: self.opt_user(p.created_by).await?,
                max_allowed_memberships: p.max_allowed_memberships,
                public_metadata: p.public_metadata,
                private_metadata: p.private_metadata,
            })
        }
        .await;
        self.write("mcp create_organization", op).await
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
        // One tool over two operations: the settings, then the metadata.
        let r = async {
            crate::ops::names::org(&p.organization_id)?;
            let settings = organizations::Update {
                organization_id: p.organization_id.clone(),
                name: p.name,
                slug: p.slug,
                max_allowed_memberships: p.max_allowed_memberships,
                admin_delete_enabled: p.admin_delete_enabled,
            };
            let metadata = organizations::Metadata {
                organization_id: p.organization_id,
                public_metadata: p.public_metadata,
                private_metadata: p.private_metadata,
            };
            if settings.is_empty() && metadata.is_empty() {
                return Err(nothing_to_change(
                    "name, slug, max_allowed_memberships, admin_delete_enabled, public_metadata, private_metadata",
                )
                .into());
            }
            let org = self.org(&settings.organization_id).await?;
            let settings = organizations::Update {
                organization_id: org.clone(),
                ..settings
            };
            let metadata = organizations::Metadata {
                organization_id: org,
                ..metadata
            };
            let settings = (!settings.is_empty())
                .then(|| organizations::update(settings))
                .transpose()?;
            let metadata = (!metadata.is_empty())
                .then(|| organizations::metadata(metadata, false))
                .transpose()?;
            let command = "mcp update_organization";
            let first = match settings {
                Some(op) => Some(self.send(command, op).await?),
                None => None,
            };
            let Some(op) = metadata else {
                return Ok(first.unwrap_or_default());
            };
            let second = self.send(command, op).await?;
            Ok(match first {
                Some(first) if first.get("dry_run").is_some() => {
                    json!({"dry_run": true, "requests": [first["request"], second["request"]]})
                }
                _ => second,
            })
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
        let op = async { organizations::delete(&self.org(&p.organization_id).await?) }.await;
        self.write("mcp delete_organization", op).await
    }

    // ---- memberships ---------------------------------------------------------------------------

    #[tool(
        description = "List an organization's members with their roles, one page at a time: {\"data\": [memberships], \"total_count\": N}. Takes every filter of `clerkctl members list`. Each membership's public_user_data holds the user's ID, name and identifier.",
        annotations(title = "List members", read_only_hint = true, open_world_hint = false)
    )]
    async fn list_members(&self, Parameters(p): Parameters<ListMembers>) -> ToolResult {
        let op = async {
            let org = self.org(&p.organization_id).await?;
            memberships::list(&org, &self.member_filters(p.filters).await?)
        }
        .await;
        self.list(op, Page::new(p.limit, p.offset, p.order_by, p.fields))
            .await
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
            let role = ops::check::role(&p.role)?;
            let org = self.org(&p.organization_id).await?;
            let user = self.user(&p.user_id).await?;
            // A member with that role already: answered with "changed": false, nothing sent.
            if let Ok(client) = self.client() {
                let find = memberships::membership_of(&org, &user)?;
                let found = crate::resolve::items(client, &find).await?;
                if let Some(mut m) = memberships::already_with_role(&found, &user, &role) {
                    m["changed"] = Value::Bool(false);
                    return Ok(m);
                }
            }
            let op = memberships::add(memberships::Add {
                organization_id: org,
                user_id: user,
                role,
                ..memberships::Add::default()
            })?;
            self.send("mcp add_member", op).await
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
        let op = async {
            ops::check::role(&p.role)?;
            let org = self.org(&p.organization_id).await?;
            memberships::update(&org, &self.user(&p.user_id).await?, &p.role)
        }
        .await;
        self.write("mcp update_member", op).await
    }

    #[tool(
        description = "Remove a member from an organization (the user stays in the instance). Not undone as such: add_member puts the user back but the membership's metadata is lost, so read it first (list_members with user_id). Confirm with the person first.",
        annotations(
            title = "Remove a member",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn remove_member(&self, Parameters(p): Parameters<RemoveMember>) -> ToolResult {
        let op = async {
            let org = self.org(&p.organization_id).await?;
            memberships::remove(&org, &self.user(&p.user_id).await?)
        }
        .await;
        self.write("mcp remove_member", op).await
    }

    // ---- organization invitations --------------------------------------------------------------

    #[tool(
        description = "List an organization's invitations (or, without organization_id, every organization's), newest first, one page at a time: {\"data\": [invitations], \"total_count\": N}. Filter by status (pending, accepted, revoked, expired), email address (with organization_id) or part of the address (query, without organization_id).",
        annotations(
            title = "List organization invitations",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_invitations(&self, Parameters(p): Parameters<ListInvitations>) -> ToolResult {
        let op = async {
            let org = match &p.organization_id {
                Some(o) => Some(self.org(o).await?),
                None => None,
            };
            organization_invitations::list(org.as_deref(), &p.filters)
        }
        .await;
        self.list(op, Page::new(p.limit, p.offset, p.order_by, p.fields))
            .await
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
        let op = async {
            let org = self.org(&p.organization_id).await?;
            organization_invitations::get(&org, &p.invitation_id)
        }
        .await;
        self.read(op, &None).await
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
        let op = async {
            ops::check::role(&p.role)?;
            organization_invitations::create(organization_invitations::Create {
                organization_id: self.org(&p.organization_id).await?,
                email_address: p.email_address,
                role: p.role,
                inviter_user_id: self.opt_user(p.inviter_user_id).await?,
                expires_in_days: p.expires_in_days,
                redirect_url: p.redirect_url,
                notify: p.notify,
                public_metadata: p.public_metadata,
                private_metadata: p.private_metadata,
                other: Object::new(),
            })
        }
        .await;
        self.write("mcp create_invitation", op).await
    }

    #[tool(
        description = "Revoke a pending organization invitation, so its link stops working. Cannot be undone (a new invitation sends a new email). Confirm with the person first.",
        annotations(
            title = "Revoke an organization invitation",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn revoke_invitation(&self, Parameters(p): Parameters<RevokeInvitation>) -> ToolResult {
        let op = async {
            let org = self.org(&p.organization_id).await?;
            let by = self.opt_user(p.requesting_user_id).await?;
            organization_invitations::revoke(&org, &p.invitation_id, by.as_deref())
        }
        .await;
        self.write("mcp revoke_invitation", op).await
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
        let op = invitations::list(&p.filters);
        self.list(op, Page::new(p.limit, p.offset, p.order_by, p.fields))
            .await
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
        let op = invitations::create(invitations::Create {
            email_address: p.email_address,
            public_metadata: p.public_metadata,
            redirect_url: p.redirect_url,
            expires_in_days: p.expires_in_days,
            ignore_existing: p.ignore_existing,
            notify: p.notify,
            template_slug: p.template_slug,
            other: Object::new(),
        });
        self.write("mcp create_app_invitation", op).await
    }

    #[tool(
        description = "Revoke an invitation to sign up to the application, so its link stops working. Cannot be undone (a new invitation sends a new email). Confirm with the person first.",
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
        let op = invitations::revoke(&p.invitation_id);
        self.write("mcp revoke_app_invitation", op).await
    }

    // ---- sessions, tokens, JWT templates, JWKS, webhooks ----------------------------------------

    #[tool(
        description = "List a user's (user_id) or a client's (client_id) sessions, newest first, one page at a time: {\"data\": [sessions], \"total_count\": N}. status filters them (active, revoked, ended, expired, ...).",
        annotations(
            title = "List sessions",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_sessions(&self, Parameters(p): Parameters<ListSessions>) -> ToolResult {
        let op = async {
            let mut f = p.filters;
            if let Some(u) = &f.user_id {
                f.user_id = Some(self.user(u).await?);
            }
            sessions::list(&f)
        }
        .await;
        self.list(op, Page::new(p.limit, p.offset, p.order_by, p.fields))
            .await
    }

    #[tool(
        description = "Get one session (sess_...): its user, status, active organization and expiry.",
        annotations(
            title = "Get a session",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn get_session(&self, Parameters(p): Parameters<SessionId>) -> ToolResult {
        self.read(sessions::get(&p.session_id), &None).await
    }

    #[tool(
        description = "Sign a session out (revoke it): the user must sign in again on that device. Tokens it already minted stay valid until they expire. Confirm with the person first.",
        annotations(
            title = "Revoke a session",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn revoke_session(&self, Parameters(p): Parameters<SessionId>) -> ToolResult {
        self.write("mcp revoke_session", sessions::revoke(&p.session_id))
            .await
    }

    #[tool(
        description = "Mint a session token (or a JWT template's token) for a user, to call the app's own API as that user in a test: uses the user's newest active session or makes one (development instances and emulators only). A token is a credential: this tool refuses production keys (sk_live_), and is hidden in read-only mode. Answers {\"jwt\", \"session_id\", \"user_id\", \"expires_at\", ...}.",
        annotations(
            title = "Mint a session token",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = false
        )
    )]
    async fn create_session_token(
        &self,
        Parameters(p): Parameters<CreateSessionToken>,
    ) -> ToolResult {
        let r = async {
            let user = self.user(&p.user_id).await?;
            let org = match &p.organization_id {
                Some(o) => Some(self.org(o).await?),
                None => None,
            };
            let req = sessions::token_request(
                &user,
                p.session_id.as_deref(),
                org.as_deref(),
                p.template.as_deref(),
                p.ttl,
            )?;
            let client = self.client()?;
            if client.key_kind() == clerk_api::KeyKind::Live {
                return Err(Failure::Fail(Fail::Guard(
                    "refusing to mint a token with a production key: a token lets its holder act as a real user; use a development instance or the emulator (clerkctl mcp --local)".into(),
                )));
            }
            self.app.guard("mcp create_session_token", &crate::token::change(&req))?;
            match crate::token::run(&self.app, "mcp create_session_token", client, &req).await? {
                crate::token::Outcome::Minted(m) => Ok(m.to_json()),
                crate::token::Outcome::DryRun(first) => {
                    Ok(json!({"dry_run": true, "request": first}))
                }
            }
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "List the instance's JWT templates (custom tokens for other services): {\"data\": [templates], \"total_count\": N}.",
        annotations(
            title = "List JWT templates",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_jwt_templates(&self, Parameters(p): Parameters<ListJwtTemplates>) -> ToolResult {
        let op = Ok(jwt_templates::list());
        self.list(op, Page::new(p.limit, p.offset, None, p.fields))
            .await
    }

    #[tool(
        description = "Get one JWT template (jtmp_...): its name, claims with Clerk's shortcodes, lifetime and clock skew.",
        annotations(
            title = "Get a JWT template",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn get_jwt_template(&self, Parameters(p): Parameters<JwtTemplateId>) -> ToolResult {
        self.read(jwt_templates::get(&p.template_id), &None).await
    }

    #[tool(
        description = "Get the instance's public signing keys (JWKS); with pem, also the key as PEM, which an app's CLERK_JWT_KEY takes to verify tokens without a network call.",
        annotations(title = "Get the JWKS", read_only_hint = true, open_world_hint = false)
    )]
    async fn get_jwks(&self, Parameters(p): Parameters<GetJwks>) -> ToolResult {
        let r = async {
            let op = sessions::jwks();
            let jwks = op
                .request(self.client()?)
                .send()
                .await
                .map_err(|error| Fail::Clerk {
                    doing: op.doing.clone(),
                    subject: op.subject,
                    error,
                })?;
            let mut v = serde_json::to_value(&jwks).unwrap_or_default();
            if p.pem == Some(true) {
                let pem =
                    match jwks.keys.as_slice() {
                        [only] => only.to_pem().map_err(|e| Fail::Other(e.to_string()))?,
                        _ => return Err(usage(
                            "the JWKS does not hold exactly one key: pick one by its kid from keys",
                        )
                        .into()),
                    };
                v["pem"] = Value::String(pem);
            }
            Ok(v)
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Which Clerk instance this server's key belongs to and whether the key works: {\"instance_id\", \"environment_type\" (development or production), \"api_url\", \"key\" (its last four characters only), \"key_works\", \"users\", \"organizations\" (counts, unless counts is false), \"read_only\"}; when Clerk refuses the key, key_works is false and \"error\" says why. Call it first to tell the person which instance (and whether production) the other tools act on.",
        annotations(
            title = "Get the status",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn get_status(&self, Parameters(p): Parameters<GetStatus>) -> ToolResult {
        let r = async {
            let client = self.client()?;
            let counts = p.counts.unwrap_or(true);
            Ok(crate::status::gather(&self.app, client, counts).await?.json)
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Check a webhook delivery (its body and svix-* headers) against the server's CLERK_WEBHOOK_SIGNING_SECRET, as Svix does, and say why it fails: bad_signature, timestamp (too old or too new), malformed_header or secret_format. Answers {\"verified\": true, \"type\", ...} or a tool error.",
        annotations(
            title = "Verify a webhook delivery",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn verify_webhook(&self, Parameters(p): Parameters<VerifyWebhook>) -> ToolResult {
        let r = (|| {
            let secret = std::env::var("CLERK_WEBHOOK_SIGNING_SECRET").map_err(|_| {
                usage("CLERK_WEBHOOK_SIGNING_SECRET is not set in the MCP server's environment")
            })?;
            let headers = p
                .headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect();
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let tolerance = (p.ignore_timestamp != Some(true))
                .then_some(crate::ops::webhooks::TOLERANCE_SECONDS);
            crate::ops::webhooks::verify(&secret, &headers, p.body.as_bytes(), now, tolerance)
                .map(|v| v.to_json())
                .map_err(|r| {
                    Failure::Fail(usage(format!(
                        "not verified ({}): {}",
                        r.reason(),
                        r.message()
                    )))
                })
        })();
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
        Parameters(mut p): Parameters<BulkInvitations>,
    ) -> ToolResult {
        let r = async {
            let role = p.role.as_deref().map(ops::check::role).transpose()?;
            let org = ops::check::org_id(&self.org(&p.organization_id).await?)?;
            let job = Job::OrganizationInvitations { org, role };
            let call = p.bulk_call();
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
        Parameters(mut p): Parameters<BulkAppInvitations>,
    ) -> ToolResult {
        let call = p.bulk_call();
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
    async fn import_users(&self, Parameters(mut p): Parameters<ImportUsers>) -> ToolResult {
        let call = p.bulk_call();
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
    async fn add_members_bulk(&self, Parameters(mut p): Parameters<BulkMembers>) -> ToolResult {
        let r = async {
            let role = p.role.as_deref().map(ops::check::role).transpose()?;
            let org = ops::check::org_id(&self.org(&p.organization_id).await?)?;
            let call = p.bulk_call();
            self.bulk(Job::Members { org, role }, call).await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Create organizations from another instance's export (an export_organizations file, or its rows), with their names, slugs, metadata and membership limits, paced to the instance's rate limit. To copy an instance: import_users, then this with users (that instance's users export, so each organization's creator is the same user here and its admin), then import_members. An organization whose slug is taken here is skipped, lost answers are looked up before anything is sent again, and a journal records every row: calling again with the same arguments carries on and creates nothing twice. Nothing undoes an import but deleting each organization it created (delete_organization): run it with dry_run first and show the person the plan. Answers a summary: created, skipped, failed (with reasons and row numbers), status.",
        annotations(
            title = "Import organizations",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn import_organizations(
        &self,
        Parameters(mut p): Parameters<ImportOrganizations>,
    ) -> ToolResult {
        let r = async {
            let sources = Sources {
                users: p
                    .users
                    .take()
                    .map(|u| self.files.resolve("users", &u))
                    .transpose()?,
                organization: None,
                front: Front::Mcp,
            };
            self.bulk_copy(Job::Organizations, p.bulk_call(), &sources)
                .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Recreate memberships from another instance's export (an export_members file, or its rows), with their roles and metadata, paced to the instance's rate limit. Each row's user is found here through users (that instance's users export, imported with import_users first) or by its identifier; its organization by slug (import_organizations first), or organization_id puts every row in one organization. A row whose user or organization is not here yet fails: import it, then call again. A membership there already (Clerk makes an organization's creator its admin) is given the row's role and metadata. Lost answers are looked up before anything is sent again, and a journal records every row: calling again with the same arguments carries on and adds nobody twice. Nothing undoes an import but removing each member it added (remove_member) and setting back the roles it changed (read list_members first): run it with dry_run first and show the person the plan. Answers a summary: created, skipped, failed (with reasons and row numbers), status.",
        annotations(
            title = "Import memberships",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn import_members(&self, Parameters(mut p): Parameters<ImportMembers>) -> ToolResult {
        let r = async {
            let sources = Sources {
                users: p
                    .users
                    .take()
                    .map(|u| self.files.resolve("users", &u))
                    .transpose()?,
                organization: p.organization_id.take(),
                front: Front::Mcp,
            };
            self.bulk_copy(Job::Memberships, p.bulk_call(), &sources)
                .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Merge metadata into many users' own metadata (public, private, unsafe): the users named in user_ids all get the same metadata, or rows/file give each its own. For metadata about a user's place in one organization (team, seat) use update_members_metadata_bulk. Each object gets one metadata merge (deep: keys given replace those stored, a key set to null is removed, other keys stay; nothing is replaced whole), paced to the instance's rate limit; one bad row stops the job before anything is sent; a journal records every row, so calling again with the same arguments carries on and sends nothing twice. Run it with dry_run first and show the person the plan; read the current metadata first (get_*) if the person may want it back. Answers a summary: updated, failed (with reasons and row numbers), status.",
        annotations(
            title = "Update many users' metadata",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn update_users_metadata_bulk(
        &self,
        Parameters(mut p): Parameters<UsersMetadataBulk>,
    ) -> ToolResult {
        let r = async {
            let call = p.bulk_call();
            let target = ops::metadata::Target::Users;
            let defaults = ops::metadata::defaults(
                &target,
                p.public_metadata,
                p.private_metadata,
                p.unsafe_metadata,
            )?;
            self.metadata_bulk(target, p.user_ids, defaults, call).await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Merge metadata into many organizations' metadata (public, private): the organizations named in organization_ids all get the same metadata, or rows/file give each its own. Each object gets one metadata merge (deep: keys given replace those stored, a key set to null is removed, other keys stay; nothing is replaced whole), paced to the instance's rate limit; one bad row stops the job before anything is sent; a journal records every row, so calling again with the same arguments carries on and sends nothing twice. Run it with dry_run first and show the person the plan; read the current metadata first (get_*) if the person may want it back. Answers a summary: updated, failed (with reasons and row numbers), status.",
        annotations(
            title = "Update many organizations' metadata",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn update_organizations_metadata_bulk(
        &self,
        Parameters(mut p): Parameters<OrganizationsMetadataBulk>,
    ) -> ToolResult {
        let r = async {
            let call = p.bulk_call();
            let target = ops::metadata::Target::Organizations;
            let defaults =
                ops::metadata::defaults(&target, p.public_metadata, p.private_metadata, None)?;
            self.metadata_bulk(target, p.organization_ids, defaults, call)
                .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Merge metadata into many members' membership metadata (public, private) in one organization: metadata about the user's place in it (team, seat); a user's own metadata is update_users_metadata_bulk's. The members named in user_ids all get the same metadata, or rows/file give each its own. Each object gets one metadata merge (deep: keys given replace those stored, a key set to null is removed, other keys stay; nothing is replaced whole), paced to the instance's rate limit; one bad row stops the job before anything is sent; a journal records every row, so calling again with the same arguments carries on and sends nothing twice. Run it with dry_run first and show the person the plan; read the current metadata first (get_*) if the person may want it back. Answers a summary: updated, failed (with reasons and row numbers), status.",
        annotations(
            title = "Update many members' metadata",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn update_members_metadata_bulk(
        &self,
        Parameters(mut p): Parameters<MembersMetadataBulk>,
    ) -> ToolResult {
        let r = async {
            let call = p.bulk_call();
            let org = ops::check::org_id(&self.org(&p.organization_id).await?)?;
            let target = ops::metadata::Target::Members(org);
            let defaults =
                ops::metadata::defaults(&target, p.public_metadata, p.private_metadata, None)?;
            self.metadata_bulk(target, p.user_ids, defaults, call).await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Delete every user matching the filters of list_users plus email_domain (exact domain), never_signed_in and inactive_since (never-signed-in users included). Call with dry_run first and show the person the count and the users; then call with expect_count set to that count (it refuses if the count differs). The users are written to a backup file first (a users import file); an organization's only admin is skipped unless include_sole_admins; a journal lets a second call carry on. Cannot be undone: confirm with the person first. Answers matched, done, failed, the backup's path.",
        annotations(
            title = "Delete the users matching filters",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn delete_users_matching(&self, Parameters(p): Parameters<UsersMatching>) -> ToolResult {
        let r = self.fleet("mcp delete_users_matching", p, true).await;
        self.answer(r)
    }

    #[tool(
        description = "Ban every user matching the filters, as delete_users_matching does (dry_run first, then expect_count; a backup, a journal; only admins kept; banned users are left out). unban_user undoes it for one user. Confirm with the person first.",
        annotations(
            title = "Ban the users matching filters",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn ban_users_matching(&self, Parameters(p): Parameters<UsersMatching>) -> ToolResult {
        let r = self.fleet("mcp ban_users_matching", p, false).await;
        self.answer(r)
    }

    #[tool(
        description = "Export every user (or those matching the filters of list_users) to a new local file, as ndjson (Clerk's objects) or CSV, paging through all of them. Changes nothing in Clerk; answers the file's path and how many users it holds. private_metadata is left out unless the server allows it.",
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
            let what = What::Users(users::export(&self.user_filters(p.filters).await?)?);
            self.export(what, &p.out, p.format, p.include_private_metadata)
                .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Export every organization (or those matching the filters of list_organizations) to a new local file, as ndjson (Clerk's objects) or CSV. Changes nothing in Clerk; answers the file's path and how many organizations it holds.",
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
        let r = async {
            let what =
                What::Organizations(organizations::export(&self.org_filters(p.filters).await?)?);
            self.export(what, &p.out, p.format, p.include_private_metadata)
                .await
        }
        .await;
        self.answer(r)
    }

    #[tool(
        description = "Export every member of an organization (or those matching the filters of list_members) to a new local file, as ndjson (Clerk's membership objects) or CSV. Changes nothing in Clerk; answers the file's path and how many members it holds.",
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
            let org = self.org(&p.organization_id).await?;
            let filters = self.member_filters(p.filters).await?;
            let what = What::Members(memberships::export(&org, &filters)?);
            self.export(what, &p.out, p.format, p.include_private_metadata)
                .await
        }
        .await;
        self.answer(r)
    }
}

#[tool_handler(
    router = self.tool_router,
    name = "clerkctl",
    instructions = "Tools for one Clerk instance's users, organizations, memberships and invitations. Results are Clerk's own JSON objects; lists are {\"data\": [...], \"total_count\": N}, one page at a time (limit, offset), and every list and get takes fields to keep answers small. Before any tool whose annotations say destructive, tell the person what will change and get their agreement. For many rows at once use the bulk tools (create_invitations_bulk, create_app_invitations_bulk, add_members_bulk, import_users, import_organizations and import_members to copy another instance from its exports, and update_users_metadata_bulk, update_organizations_metadata_bulk, update_members_metadata_bulk for metadata): run them with dry_run first and show the person the plan; a job that stops early carries on when called again with the same arguments. A failed call is a tool error with Clerk's status, code and message and a hint saying what to do next. private_metadata is left out of results unless the server runs with --allow-private-metadata. Files (export out, bulk file, users export, journal, backup) are names inside the server's files directory (--files-dir, by default ~/.local/state/clerkctl/files): pass a relative name like \"users.ndjson\"; paths leading outside it are refused."
)]
impl rmcp::ServerHandler for Server {
    /// Every tool call, logged at debug with its arguments masked (the MCP library's own dumps
    /// are never logged: `crate::logging`), then run.
    async fn call_tool(
        &self,
        request: rmcp::model::CallToolRequestParams,
        context: rmcp::service::RequestContext<rmcp::RoleServer>,
    ) -> Result<rmcp::model::CallToolResponse, ErrorData> {
        if tracing::enabled!(tracing::Level::DEBUG) {
            let args = request.arguments.clone().map_or(Value::Null, Value::Object);
            let scrub = |s: &str| match &self.client {
                Ok(c) => c.scrub(s),
                Err(_) => s.to_owned(),
            };
            tracing::debug!(
                "tool call {}: {}",
                request.name,
                crate::redact::mask(&args, &scrub)
            );
        }
        let call = rmcp::handler::server::tool::ToolCallContext::new(self, request, context);
        self.tool_router.call(call).await
    }
}
