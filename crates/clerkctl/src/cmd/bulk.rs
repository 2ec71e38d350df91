//! The bulk commands and the exports on the command line: the jobs and exports themselves are
//! `crate::bulk`'s (shared with the MCP server); here they get the command line's input
//! (files, `--rate`, Ctrl-C) and its output (the plan, the summary, messages on stderr).

use std::time::Instant;

use serde_json::Value;

use super::args::{at_most_one_stdin, opt_object};
use crate::app::App;
use crate::bulk::export::{What, first_page};
use crate::bulk::jobs::Job;
use crate::bulk::{self, Input, Options, Report, journal, rows};
use crate::cli::{BulkArgs, ExportArgs, Format, MetadataBulkArgs};
use crate::fail::{CliResult, Fail, exit};
use crate::ops::{self, metadata::Target};
use crate::term::count;

/// Runs a bulk job from the command line: Ctrl-C stops it after the requests in flight, a
/// second Ctrl-C at once.
pub async fn run(app: &mut App, job: Job, args: &BulkArgs) -> CliResult {
    run_copy(app, job, args, &bulk::copy::Sources::default()).await
}

/// Runs a bulk job whose rows name users and organizations of another instance (an export):
/// they are mapped to this instance's first (`bulk::copy`).
pub async fn run_copy(
    app: &mut App,
    job: Job,
    args: &BulkArgs,
    sources: &bulk::copy::Sources,
) -> CliResult {
    app.guard(job.name(), &job.change())?;
    let format = rows::format_of(&args.file, args.format)?;
    stdin_needs_journal(args)?;
    let (rows, bad) = rows::read(&args.file, format, job.cell(), &job.shape())?;
    run_rows(app, job, args, rows, bad, sources).await
}

/// `users import --from FORMAT`: another system's export turned into rows, then the same job.
pub async fn migrate(
    app: &mut App,
    args: &BulkArgs,
    source: crate::bulk::migrate::Source,
    extra: &crate::bulk::migrate::Extra<'_>,
) -> CliResult {
    let job = Job::Users;
    app.guard(job.name(), &job.change())?;
    if args.format.is_some() {
        return Err(crate::fail::usage(
            "--format does not go with --from: each --from format reads its own files (see docs/migrations.md)",
        ));
    }
    stdin_needs_journal(args)?;
    let rows = crate::bulk::migrate::read(source, &args.file, extra)?;
    let none = bulk::copy::Sources::default();
    run_rows(app, job, args, rows, Vec::new(), &none).await
}

fn stdin_needs_journal(args: &BulkArgs) -> CliResult {
    if args.file.as_os_str() == "-" && args.journal.is_none() {
        return Err(crate::fail::usage(
            "--file - reads the rows from stdin: pass --journal FILE too, so that a rerun can carry on where this one stopped",
        ));
    }
    Ok(())
}

async fn run_rows(
    app: &mut App,
    job: Job,
    args: &BulkArgs,
    rows: Vec<rows::Row>,
    bad: Vec<rows::BadRow>,
    sources: &bulk::copy::Sources,
) -> CliResult {
    app.set_rate(args.pacing.rate);
    let client = app.client().await?;
    let (rows, bad) = bulk::copy::map(&client, &job, rows, bad, sources, &app.err).await?;
    let input = Input {
        rows,
        bad,
        journal: args
            .journal
            .clone()
            .unwrap_or_else(|| journal::default_path(&args.file)),
    };
    carry(
        app,
        &client,
        &job,
        input,
        args.concurrency,
        !args.no_hourly_limits,
    )
    .await
}

/// `users|orgs|members update-metadata-bulk`: rows from `--file`, or one for each name given
/// with the flags' metadata. `resolve` answers the target and the names' IDs; it runs after
/// the input is read, so that with `--local` a `members export ... |` feeding this command
/// finishes with the local state before this one opens it.
pub async fn metadata(
    app: &mut App,
    args: &MetadataBulkArgs,
    unsafe_metadata: Option<&String>,
    resolve: impl AsyncFnOnce(&mut App) -> CliResult<(Target, Vec<String>)>,
) -> CliResult {
    let dash = "-".to_owned();
    at_most_one_stdin([
        (
            "--file",
            args.file
                .as_ref()
                .filter(|f| f.as_os_str() == "-")
                .map(|_| &dash),
        ),
        ("--public-metadata", args.metadata.public_metadata.as_ref()),
        (
            "--private-metadata",
            args.metadata.private_metadata.as_ref(),
        ),
        ("--unsafe-metadata", unsafe_metadata),
    ])?;
    let public = opt_object("--public-metadata", &args.metadata.public_metadata)?;
    let private = opt_object("--private-metadata", &args.metadata.private_metadata)?;
    let unsafe_ = opt_object("--unsafe-metadata", &unsafe_metadata.cloned())?;
    let text = match &args.file {
        Some(file) => {
            let format = rows::format_of(file, args.format)?;
            if file.as_os_str() == "-" && args.journal.is_none() {
                return Err(crate::fail::usage(
                    "--file - reads the rows from stdin: pass --journal FILE too, so that a rerun can carry on where this one stopped",
                ));
            }
            let text = if file.as_os_str() == "-" {
                let mut t = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut t)
                    .map_err(|e| crate::fail::usage(format!("cannot read stdin: {e}")))?;
                t
            } else {
                std::fs::read_to_string(file).map_err(|e| {
                    crate::fail::usage(format!("cannot read {}: {e}", file.display()))
                })?
            };
            Some((file, format, text))
        }
        None => None,
    };
    app.set_rate(args.pacing.rate);
    let (target, ids) = resolve(app).await?;
    let defaults = ops::metadata::defaults(&target, public, private, unsafe_)?;
    let (job, input) = match text {
        Some((file, format, text)) => {
            let job = Job::Metadata { target, defaults };
            app.guard(job.name(), &job.change())?;
            let (rows, bad) = rows::parse(
                Box::new(std::io::Cursor::new(text.into_bytes())),
                format,
                job.cell(),
                &job.shape(),
            )?;
            let journal = args
                .journal
                .clone()
                .unwrap_or_else(|| journal::default_path(file));
            (job, Input { rows, bad, journal })
        }
        None => {
            if defaults.is_empty() {
                return Err(ops::nothing_to_change(
                    "--public-metadata, --private-metadata (users: --unsafe-metadata), or --file",
                ));
            }
            // The metadata goes into each row, so that the journal's name covers it.
            let bodies: Vec<ops::Object> = ops::metadata::rows_of_ids(&target, &ids)
                .into_iter()
                .map(|mut row| {
                    row.extend(defaults.clone());
                    row
                })
                .collect();
            let job = Job::Metadata {
                target,
                defaults: ops::Object::new(),
            };
            app.guard(job.name(), &job.change())?;
            let journal = match &args.journal {
                Some(j) => j.clone(),
                None => journal::for_rows(&job, &bodies)?,
            };
            let rows = bodies
                .into_iter()
                .enumerate()
                .map(|(i, body)| rows::Row { line: i + 1, body })
                .collect();
            (
                job,
                Input {
                    rows,
                    bad: Vec::new(),
                    journal,
                },
            )
        }
    };
    let client = app.client().await?;
    carry(app, &client, &job, input, args.concurrency, true).await
}

/// Runs a job read from the command line to its end (or Ctrl-C) and prints its plan or
/// summary.
async fn carry(
    app: &mut App,
    client: &clerk_api::Client,
    job: &Job,
    input: Input,
    concurrency: Option<u32>,
    hourly_limits: bool,
) -> CliResult {
    let options = Options {
        concurrency,
        hourly_limits,
        wait_for_hourly: true,
        talk: true,
        dry_run: app.global.dry_run,
        verbose: app.global.verbose,
        book: None,
    };
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tokio::spawn(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        });
        None
    };
    let report = bulk::execute(app, client, job, input, &options, interrupt).await?;
    match &report {
        Report::Plan {
            requests,
            rows,
            already_done,
            skipped,
            bad,
        } => {
            let mut writer = app.out.list_writer(crate::output::Kind::Raw);
            for r in requests {
                writer.item(&mut app.out, r)?;
            }
            writer.end(&mut app.out, None)?;
            app.err.say(format_args!(
                "dry run of `{}`: {} would be sent in {}; {already_done} already done, {skipped} skipped, {}; nothing was sent",
                job.name(),
                count(*rows as u64, "row", "rows"),
                count(requests.len() as u64, "request", "requests"),
                count(bad.len() as u64, "bad row", "bad rows"),
            ));
            for f in bad {
                app.err.say(format_args!(
                    "line {}: {}",
                    f["line"],
                    f["reason"].as_str().unwrap_or("")
                ));
            }
        }
        Report::Summary(summary) => print_summary(app, job, summary)?,
    }
    match report.exit_code() {
        exit::OK => Ok(()),
        code => Err(Fail::Quiet(code)),
    }
}

fn print_summary(app: &mut App, job: &Job, s: &Value) -> CliResult {
    if app.out.format() != Format::Table {
        app.out.request(s)?;
        return Ok(());
    }
    let target = s["target"]
        .as_str()
        .map(|t| format!(" {t}"))
        .unwrap_or_default();
    let n = |key: &str| s[key].as_u64().unwrap_or(0);
    let noun = job.noun();
    let mut text = format!(
        "{}{target}: {}: {} {}, {} skipped, {} failed",
        job.name(),
        count(n("rows"), "row", "rows"),
        count(
            n(job.done_word()),
            noun.strip_suffix('s').unwrap_or(noun),
            noun
        ),
        job.done_word(),
        n("skipped"),
        n("failed")
    );
    if s["already_done"].as_u64().unwrap_or(0) > 0 {
        text.push_str(&format!(", {} done in an earlier run", s["already_done"]));
    }
    if s["not_done"].as_u64().unwrap_or(0) > 0 {
        text.push_str(&format!(", {} not done", s["not_done"]));
    }
    text.push_str(&format!(
        " ({}; journal {})",
        s["status"].as_str().unwrap_or(""),
        s["journal"].as_str().unwrap_or("")
    ));
    let mut lines = vec![text];
    for (label, list) in [("failed", &s["failures"]), ("skipped", &s["skips"])] {
        for r in list.as_array().into_iter().flatten() {
            lines.push(format!(
                "  line {}: {label}: {}{}",
                r["line"],
                r["reason"].as_str().unwrap_or(""),
                r["key"]
                    .as_str()
                    .map(|k| format!(" ({k})"))
                    .unwrap_or_default()
            ));
        }
    }
    app.out.raw_text(&lines.join("\n"))?;
    Ok(())
}

/// Runs an export from the command line: to `--out` or stdout, progress on a terminal.
pub async fn export(app: &mut App, what: What, args: &ExportArgs) -> CliResult {
    let format = crate::bulk::rows::file_format(args.out.as_deref(), args.format)?;
    app.set_rate(args.pacing.rate);
    let client = app.client().await?;
    let noun = what.noun();
    if app.global.dry_run {
        let first = first_page(&client, &what);
        app.out
            .request(&serde_json::to_value(first).unwrap_or_default())?;
        app.err.say(format_args!(
            "dry run: the export would page through every {noun} starting with this request; nothing was sent"
        ));
        return Ok(());
    }
    let started = Instant::now();
    let n = bulk::export::export(
        &client,
        &what,
        format,
        args.out.as_deref(),
        args.force,
        !args.include_private_metadata,
        Some(&app.err),
    )
    .await?;
    let secs = started.elapsed().as_secs_f64();
    let place = args
        .out
        .as_ref()
        .map(|p| format!(" to {}", p.display()))
        .unwrap_or_default();
    app.err.say(format_args!(
        "exported {n} {noun}{place} in {secs:.1}s ({:.0}/s)",
        n as f64 / secs.max(1e-9)
    ));
    Ok(())
}
