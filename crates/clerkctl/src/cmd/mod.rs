//! The command line's adapter: each command turns its arguments into an operation's input
//! (`crate::ops`), runs the operation through `App` (guards, dry run, audit), and prints the
//! answer. What an operation checks and sends is decided in `ops`, never here.

mod api;
mod app_invitations;
pub(crate) mod args;
mod bulk;
mod emulator;
mod invitations;
mod jwt_templates;
mod man;
mod members;
mod orgs;
mod sessions;
mod users;
mod webhooks;

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;
use clerk_api::page::HasId;
use clerk_api::request::Operation;
use futures::TryStreamExt;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::app::App;
use crate::cli::{Cli, Command, Format, Global, PageArgs};
use crate::fail::{CliResult, Fail, Subject, usage};
use crate::ops;
use crate::output::Kind;

/// Runs a command of the command line (every command but `mcp` and `skill`, which `main`
/// gives to their own modules).
pub fn run(global: Global, command: Command) -> ExitCode {
    match command {
        Command::Emulator(args) => return emulator::run(args),
        Command::Man(args) => {
            let err = crate::term::Stderr::new();
            return match man::write(&args) {
                Ok(n) => {
                    err.say(format_args!(
                        "wrote {} into {}",
                        crate::term::count(n, "man page", "man pages"),
                        args.out.display()
                    ));
                    ExitCode::SUCCESS
                }
                Err(fail) => {
                    let json =
                        crate::fail::json_errors(crate::fail::Requested::Other, err.is_terminal());
                    fail.report(json, &err)
                }
            };
        }
        Command::Completions(args) => {
            // Generated into memory first: clap_complete panics when stdout is closed
            // (`clerkctl completions bash | head`), and a closed pipe must end quietly.
            let mut cmd = Cli::command();
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut cmd, "clerkctl", &mut script);
            let mut stdout = std::io::stdout().lock();
            return match stdout.write_all(&script).and_then(|()| stdout.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => Fail::from(e).report(false, &crate::term::Stderr::new()),
            };
        }
        _ => {}
    }
    let err = crate::term::Stderr::new();
    crate::logging::init(&err);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            err.say(format_args!("cannot start the async runtime: {e}"));
            return ExitCode::from(crate::fail::exit::UNEXPECTED);
        }
    };
    let mut app = App::with_stderr(global, err);
    let result = runtime.block_on(async {
        let r = match app.out.ready() {
            Ok(()) => dispatch(&mut app, command).await,
            Err(fail) => Err(fail),
        };
        app.finish().await;
        r
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(fail) => fail.report(app.out.json_errors(), &app.err),
    }
}

async fn dispatch(app: &mut App, command: Command) -> CliResult {
    match command {
        Command::Users(cmd) => users::run(app, cmd).await,
        Command::Orgs(cmd) => orgs::run(app, cmd).await,
        Command::Members(cmd) => members::run(app, cmd).await,
        Command::Invitations(cmd) => invitations::run(app, cmd).await,
        Command::AppInvitations(cmd) => app_invitations::run(app, cmd).await,
        Command::Sessions(cmd) => sessions::run(app, cmd).await,
        Command::Token(args) => sessions::token(app, args).await,
        Command::JwtTemplates(cmd) => jwt_templates::run(app, cmd).await,
        Command::Jwks(args) => sessions::jwks(app, args).await,
        Command::Status => status(app).await,
        Command::Webhooks(cmd) => webhooks::run(app, cmd).await,
        Command::Api(args) => api::run(app, args).await,
        Command::Reset(args) => reset(app, args.demo).await,
        Command::Emulator(_) | Command::Completions(_) | Command::Man(_) => {
            unreachable!("handled before the runtime starts")
        }
        Command::Mcp(_) | Command::Skill(_) => unreachable!("main runs them"),
    }
}

/// Whether stderr may be coloured (for `clerkctl emulator`'s own logs).
pub fn stderr_colour() -> bool {
    crate::term::Stderr::new().colour()
}

async fn reset(app: &mut App, demo: bool) -> CliResult {
    if !app.global.local {
        return Err(usage(
            "reset empties the built-in emulator's state: run it as `clerkctl --local reset`",
        ));
    }
    let change =
        ops::Change::new("empty the local emulator's state", Subject::Other, None).destructive();
    app.guard("reset", &change)?;
    if app.global.dry_run {
        app.err.say("would empty the local emulator's state");
        return Ok(());
    }
    app.client().await?;
    let local = app.local().expect("--local started the emulator");
    local
        .engine()
        .reset()
        .map_err(|e| Fail::Other(format!("cannot empty {}: {e}", local.path().display())))?;
    if demo {
        crate::local::load_demo(local.engine())?;
    }
    app.audit_job(
        "reset",
        &change,
        &serde_json::json!({"status": "done", "demo": demo}),
    )?;
    app.err.say(format_args!(
        "emptied {}{}",
        local.path().display(),
        if demo {
            " and loaded the demo company"
        } else {
            ""
        }
    ));
    Ok(())
}

/// The ID of the user named `given` (an ID, an email address, a phone number or a username):
/// a malformed name is refused before anything starts, an ID needs no read.
async fn find_user(app: &mut App, given: &str) -> CliResult<String> {
    if let Some(id) = ops::names::user(given)?.id() {
        return Ok(id.to_string());
    }
    let client = app.client().await?;
    crate::resolve::user(&client, given).await
}

/// The IDs of the users named in `given`, in order, without repeats.
async fn find_users(app: &mut App, given: &[String]) -> CliResult<Vec<String>> {
    for g in given {
        ops::names::user(g)?;
    }
    let client = app.client().await?;
    crate::resolve::users(&client, given).await
}

/// The ID of the organization named `given` (an ID, a slug or its exact name).
async fn find_org(app: &mut App, given: &str) -> CliResult<String> {
    if let Some(id) = ops::names::org(given)?.id() {
        return Ok(id.to_string());
    }
    let client = app.client().await?;
    crate::resolve::org(&client, given).await
}

/// Whether some of the `+`/`-` prefixed names in a filter are not IDs (and need a read);
/// a malformed one is refused here.
fn names_in(users: &[String], orgs: &[String]) -> CliResult<bool> {
    let mut any = false;
    for u in users {
        any |= ops::names::user(ops::names::signed(u).1)?.id().is_none();
    }
    for o in orgs {
        any |= ops::names::org(ops::names::signed(o).1)?.id().is_none();
    }
    Ok(any)
}

/// `users list`'s filters with their names resolved to IDs.
async fn user_filters(
    app: &mut App,
    f: ops::users::UserFilters,
) -> CliResult<ops::users::UserFilters> {
    if !names_in(&f.user_id, &f.organization_id)? {
        return Ok(f);
    }
    let client = app.client().await?;
    crate::resolve::user_filters(&client, f).await
}

/// Runs a list: one page (with its total), or with --all every page, streamed.
async fn list<T>(app: &mut App, kind: Kind, op: ops::Listing<T>, page: &PageArgs) -> CliResult
where
    T: DeserializeOwned + HasId + Send + 'static,
{
    app.out.check_fields(kind)?;
    let client = app.client().await?;
    let req = op.request(&client, &page.page());
    let fail = |error| Fail::Clerk {
        doing: op.doing.clone(),
        subject: op.subject,
        error,
    };
    if app.global.dry_run {
        let shown = ops::shown_request(&req.prepare(), app.global.verbose);
        app.out.dry_run(&shown)?;
        return Ok(());
    }
    if page.all {
        let mut stream = req.stream_as::<Value>();
        let mut writer = app.out.list_writer(kind);
        while let Some(item) = stream.try_next().await.map_err(fail)? {
            writer.item(&mut app.out, &item)?;
        }
        writer.end(&mut app.out, None)?;
        return Ok(());
    }
    let answer = req.send_json().await.map_err(fail)?;
    let (items, total) = match answer {
        Value::Array(items) => (items, None),
        Value::Object(mut m) => {
            let total = m.get("total_count").and_then(Value::as_u64);
            match m.remove("data") {
                Some(Value::Array(items)) => (items, total),
                _ => (Vec::new(), total),
            }
        }
        _ => (Vec::new(), None),
    };
    let total = match (total, op.count(&client)) {
        (Some(t), _) => Some(t),
        (None, Some(count)) if app.out.format() != Format::Ndjson => {
            Some(count.send().await.map_err(fail)?)
        }
        _ => None,
    };
    app.out.list(kind, &items, total)?;
    Ok(())
}

/// Runs a read that answers one object and prints it.
async fn show<A: Operation>(app: &mut App, kind: Kind, op: ops::Read<A>) -> CliResult {
    app.out.check_fields(kind)?;
    let client = app.client().await?;
    let req = op.request(&client);
    if let Some(v) = app.read(op.doing, op.subject, req).await? {
        app.out.object(kind, &v)?;
    }
    Ok(())
}

/// Runs a change (guard first: read-only mode, confirmation) and prints what Clerk answered.
async fn change<A: Operation>(
    app: &mut App,
    command: &'static str,
    kind: Kind,
    op: ops::Write<A>,
) -> CliResult {
    app.out.check_fields(kind)?;
    let about = if app.will_ask(&op.change) {
        describe(app, &op.change).await?
    } else {
        None
    };
    app.guard_about(command, &op.change, about.as_ref())?;
    let client = app.client().await?;
    let req = op.request(&client);
    if let Some(v) = app.write(command, &op.change, req).await? {
        app.out.object(kind, &v)?;
    }
    Ok(())
}

/// Who or what a change is about, looked up to name it in the question asked on a terminal:
/// a user's name and email address, an organization's name and slug (which is typed to
/// confirm its deletion). A target that does not exist fails here, before anything is asked.
async fn describe(app: &mut App, change: &ops::Change) -> CliResult<Option<crate::app::About>> {
    let Some(target) = change.target.clone() else {
        return Ok(None);
    };
    let client = app.client().await?;
    let fetch = |doing: String, subject: Subject, error| Fail::Clerk {
        doing,
        subject,
        error,
    };
    Ok(match change.subject {
        Subject::User | Subject::Membership if target.starts_with("user_") => {
            let op = ops::users::get(&target)?;
            let v = op
                .request(&client)
                .send_json()
                .await
                .map_err(|e| fetch(op.doing.clone(), Subject::User, e))?;
            Some(crate::app::About {
                what: format!(
                    "{}, {}",
                    crate::output::name(&v),
                    crate::output::primary_email(&v)
                ),
                type_to_confirm: None,
            })
        }
        Subject::Organization => {
            let op = ops::organizations::get(&target, true)?;
            let v = op
                .request(&client)
                .send_json()
                .await
                .map_err(|e| fetch(op.doing.clone(), Subject::Organization, e))?;
            let name = v.get("name").and_then(Value::as_str).unwrap_or("-");
            let slug = v
                .get("slug")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty());
            let members = v.get("members_count").and_then(Value::as_u64);
            let mut what = name.to_owned();
            if let Some(slug) = slug {
                what.push_str(&format!(", slug {slug}"));
            }
            if let Some(n) = members {
                what.push_str(&format!(", {}", crate::term::count(n, "member", "members")));
            }
            Some(crate::app::About {
                what,
                // A slug is one word to type; without one, the name.
                type_to_confirm: Some(slug.unwrap_or(name).to_owned()),
            })
        }
        _ => None,
    })
}

/// `status`: the instance and the key, as a table on a terminal or JSON; exit 3 when the key
/// does not work.
async fn status(app: &mut App) -> CliResult {
    let client = app.client().await?;
    let found = crate::status::gather(app, &client, true).await?;
    if app.out.format() == crate::cli::Format::Table {
        app.out
            .raw_text(&crate::status::lines(&found.json).join("\n"))?;
    } else {
        app.out.request(&found.json)?;
    }
    match found.failure {
        Some(fail) => Err(fail),
        None => Ok(()),
    }
}
