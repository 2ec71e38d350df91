//! `clerkctl webhooks verify`.

use std::io::Read;
use std::path::Path;

use crate::app::App;
use crate::cli::{WebhookVerifyArgs, WebhooksCmd};
use crate::fail::{CliResult, usage};
use crate::ops::webhooks;
use crate::output::Kind;

pub fn run(app: &mut App, cmd: WebhooksCmd) -> CliResult {
    match cmd {
        WebhooksCmd::Verify(args) => verify(app, args),
    }
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
