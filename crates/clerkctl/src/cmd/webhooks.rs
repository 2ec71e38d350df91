//! `clerkctl webhooks verify` and `clerkctl webhooks backfill`.

use std::io::Read;
use std::path::Path;

use crate::app::App;
use crate::bulk::backfill::{self, Backfill};
use crate::cli::{Rate, WebhookBackfillArgs, WebhookVerifyArgs, WebhooksCmd};
use crate::fail::{CliResult, Fail, exit, usage};
use crate::ops::webhooks;
use crate::output::Kind;

pub async fn run(app: &mut App, cmd: WebhooksCmd) -> CliResult {
    match cmd {
        WebhooksCmd::Verify(args) => verify(app, args),
        WebhooksCmd::Backfill(args) => backfill(app, args).await,
    }
}

/// Deliveries a second by default: gentle on an app's endpoint.
const DEFAULT_RATE: clerk_api::RateLimit = clerk_api::RateLimit {
    requests: 10,
    per: std::time::Duration::from_secs(1),
};

async fn backfill(app: &mut App, args: WebhookBackfillArgs) -> CliResult {
    let to = webhooks::endpoint(&args.to).map_err(usage)?;
    let types: Vec<&'static str> = webhooks::BACKFILL_TYPES
        .into_iter()
        .filter(|t| args.types.is_empty() || args.types.iter().any(|a| a == t))
        .collect();
    let dry_run = app.global.dry_run;
    // A dry run signs nothing, so it needs no secret.
    let key = if dry_run {
        None
    } else {
        let secret = std::env::var(&args.secret_env).map_err(|_| {
            usage(format!(
                "{} is not set: export the endpoint's signing secret (whsec_..., Clerk Dashboard, Webhooks, the endpoint) into it",
                args.secret_env
            ))
        })?;
        Some(webhooks::secret_key(&secret).map_err(|r| usage(r.message()))?)
    };
    let job = Backfill {
        to,
        types,
        key,
        instance_id: args.instance_id,
        rate: match args.rate {
            None => Some(DEFAULT_RATE),
            Some(Rate::Limit(r)) => Some(r),
            Some(Rate::Off) => None,
        },
        journal: args
            .journal
            .unwrap_or_else(|| "webhooks-backfill.journal".into()),
    };
    // It changes nothing in Clerk, but it sends users' personal data to a URL: read-only mode
    // (an agent's, or a cautious person's) must not be a way to move it out.
    app.guard(backfill::JOB, &job.change())?;
    let client = app.client().await?;
    let interrupted = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = interrupted.clone();
    let watcher = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    let result = backfill::run(app, &client, &job, dry_run, &interrupted).await;
    watcher.abort();
    let Some(summary) = result? else {
        return Ok(());
    };
    let outcome = serde_json::json!({
        "status": summary["status"],
        "events": summary["events"],
        "sent": summary["sent"],
        "failed": summary["failed"],
        "journal": summary["journal"],
    });
    app.audit_job(backfill::JOB, &job.change(), &outcome)?;
    app.out.object(Kind::Raw, &summary)?;
    if summary["status"] != "done" {
        return Err(Fail::Quiet(exit::RATE_LIMITED));
    }
    if summary["failed"].as_u64().unwrap_or(0) > 0 {
        return Err(Fail::Quiet(exit::REFUSED));
    }
    Ok(())
}

fn read(flag: &str, path: &Path) -> CliResult<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| usage(format!("{flag} -: cannot read stdin: {e}")))?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|e| usage(format!("{flag}: cannot read {}: {e}", path.display())))
}

fn verify(app: &mut App, args: WebhookVerifyArgs) -> CliResult {
    if args
        .headers
        .as_deref()
        .is_some_and(|h| h.as_os_str() == "-")
        && args.body.as_os_str() == "-"
    {
        return Err(usage("only one of --body and --headers can be - (stdin)"));
    }
    if args.tolerance < 0 {
        return Err(usage("--tolerance must be 0 or more seconds"));
    }
    let secret = std::env::var(&args.secret_env).map_err(|_| {
        usage(format!(
            "{} is not set: export the endpoint's signing secret (whsec_..., Clerk Dashboard, Webhooks) into it",
            args.secret_env
        ))
    })?;
    let body = read("--body", &args.body)?;
    let mut headers = match &args.headers {
        Some(path) => {
            let bytes = read("--headers", path)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| usage("--headers: the file is not UTF-8 text"))?;
            webhooks::parse_headers(&text).map_err(|r| usage(r.message()))?
        }
        None => Default::default(),
    };
    for (name, value) in [
        ("svix-id", &args.svix_id),
        ("svix-timestamp", &args.svix_timestamp),
        ("svix-signature", &args.svix_signature),
    ] {
        if let Some(v) = value {
            headers.insert(name.to_owned(), v.clone());
        }
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let tolerance = (!args.ignore_timestamp).then_some(args.tolerance);
    match webhooks::verify(&secret, &headers, &body, now, tolerance) {
        Ok(v) => {
            app.out.object(Kind::Raw, &v.to_json())?;
            Ok(())
        }
        Err(refusal) => Err(usage(format!(
            "not verified ({}): {}",
            refusal.reason(),
            refusal.message()
        ))),
    }
}
