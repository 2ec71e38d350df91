//! `clerkctl emulator`: serve the Backend API emulator until SIGINT or SIGTERM.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clerk_emulator::config::Faults;
use clerk_emulator::server::WebhookSecretSource;
use clerk_emulator::{Config, Emulator, Settings, WebhookOptions, WebhookSecret};

use crate::cli::EmulatorArgs;

/// The instance's settings: a new instance of the kind asked for, changed by the settings file,
/// then by `--no-limits`, then by the flags that name one setting.
pub fn settings(args: &EmulatorArgs) -> Result<Settings, String> {
    let mut s = Settings::load(args.settings.as_deref(), args.instance)?;
    if args.no_limits {
        s = s.no_limits();
    }
    if let Some(n) = args.membership_limit {
        s.membership_limit = n;
    }
    if args.demo {
        // The demo's organizations have slugs.
        s.org_slugs = true;
    }
    if let Some(on) = args.org_slugs {
        s.org_slugs = on.is_on();
    }
    if let Some(limit) = args.rate_limit {
        s.rate_limit = Some(limit);
    }
    Ok(s)
}

/// The keys the emulator accepts: `--secret-key`, `--secret-key-env`, `--secret-key-file`.
/// None means any `sk_test_` key, which only a loopback address (or `--insecure-any-key`)
/// allows: on a network anyone could use it.
pub fn keys(args: &EmulatorArgs) -> Result<Vec<String>, String> {
    let mut keys = args.secret_keys.clone();
    if let Some(var) = &args.secret_key_env {
        match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => keys.push(v.trim().to_owned()),
            _ => {
                return Err(format!(
                    "--secret-key-env {var}: the variable is not set; export it (for example {var}=sk_test_...) or name another"
                ));
            }
        }
    }
    if let Some(path) = &args.secret_key_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--secret-key-file {}: {e}", path.display()))?;
        if text.trim().is_empty() {
            return Err(format!(
                "--secret-key-file {}: the file is empty; write the key in it",
                path.display()
            ));
        }
        keys.push(text.trim().to_owned());
    }
    if keys.is_empty() && !args.host.is_loopback() && !args.insecure_any_key {
        return Err(format!(
            "refusing to accept any sk_test_ key on {}: anyone who can reach that address could read and change the emulator's data. Give the key clients use with --secret-key-env VAR (or --secret-key-file FILE), listen on 127.0.0.1, or pass --insecure-any-key",
            args.host
        ));
    }
    Ok(keys)
}

pub fn run(args: EmulatorArgs) -> ExitCode {
    init_logging();
    let settings = match settings(&args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("clerkctl emulator: {e}");
            return ExitCode::from(2);
        }
    };
    let webhook_secret = match (&args.webhook_secret, &args.webhook_secret_env) {
        (Some(s), _) => Some(s.clone()),
        (None, Some(var)) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => match WebhookSecret::parse(v.trim()) {
                Ok(s) => Some(s),
                Err(e) => {
                    eprintln!("clerkctl emulator: --webhook-secret-env {var}: {e}");
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!(
                    "clerkctl emulator: --webhook-secret-env {var}: the variable is not set; export it (for example CLERK_WEBHOOK_SIGNING_SECRET=whsec_...) or leave the flag out to have a secret made"
                );
                return ExitCode::from(2);
            }
        },
        (None, None) => None,
    };
    let secret_keys = match keys(&args) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("clerkctl emulator: {e}");
            return ExitCode::from(2);
        }
    };
    let config = Config {
        host: args.host,
        port: args.port,
        data: args.data,
        secret_keys,
        header_read_timeout: Duration::from_secs(args.header_timeout),
        max_connections: args.max_connections as usize,
        seed: args.seed.first().cloned(),
        more_seeds: args.seed.iter().skip(1).cloned().collect(),
        settings,
        faults: Faults {
            rate: args.fault_rate,
            kinds: args.faults,
            retry_after_secs: args.fault_retry_after,
            seed: args.fault_seed,
        },
        latency: Duration::from_millis(args.latency_ms),
        signing_key: args.signing_key,
        session_token_lifetime: Duration::from_secs(args.session_token_lifetime),
        webhooks: WebhookOptions {
            endpoints: args.webhooks,
            secret: webhook_secret,
            retry_scale: args.webhook_retry_scale,
            ..WebhookOptions::default()
        },
        ..Config::default()
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("clerkctl emulator: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(serve(config, args.demo))
}

async fn serve(config: Config, demo: bool) -> ExitCode {
    let storage = match &config.data {
        Some(path) => format!("data in {}", path.display()),
        None => "data in memory".to_owned(),
    };
    let keys = if config.secret_keys.is_empty() {
        "any sk_test_ key".to_owned()
    } else {
        format!("{} configured key(s)", config.secret_keys.len())
    };
    let settings = config.settings.describe();
    let emulator = match Emulator::start(config).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("clerkctl emulator: {e}");
            return ExitCode::from(2);
        }
    };
    if demo {
        if emulator.engine().counts().iter().any(|n| *n > 0) {
            eprintln!(
                "clerkctl emulator: --demo: the state in --data holds objects already; the demo company was not loaded again"
            );
        } else if let Err(e) = emulator
            .engine()
            .load_seed(crate::local::demo_seed(), "built-in demo")
        {
            eprintln!("clerkctl emulator: cannot load the demo company: {e}");
            emulator.shutdown().await;
            return ExitCode::from(1);
        }
    }
    let url = emulator.base_url();
    // The URL is the first line on stdout so scripts can read it; the rest goes to stderr.
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{url}").and_then(|_| out.flush()).is_err() {
        return ExitCode::from(1);
    }
    drop(out);
    let [users, orgs, members, org_invs, invs] = emulator.engine().counts();
    eprintln!(
        "clerkctl emulator: serving Clerk's Backend API at {url}/v1 ({storage}; {keys}; \
         {users} users, {orgs} organizations, {members} memberships, {org_invs} organization invitations, {invs} invitations). Ctrl-C stops it."
    );
    eprintln!("clerkctl emulator: settings: {settings}");
    eprintln!(
        "clerkctl emulator: tokens are issued by {url} (JWKS at {url}/v1/jwks and {url}/.well-known/jwks.json; the PEM key and a publishable key at {url}/_emulator/instance)"
    );
    if let Some(hooks) = emulator.engine().webhooks() {
        eprintln!(
            "clerkctl emulator: delivering webhooks to {}",
            hooks.endpoints().join(", ")
        );
    }
    if let Some(WebhookSecretSource::Generated(secret)) = emulator.webhook_secret() {
        // Made by the emulator (or kept from an earlier run in --data): the app under test
        // needs it to verify the deliveries.
        eprintln!(
            "clerkctl emulator: webhooks are signed with CLERK_WEBHOOK_SIGNING_SECRET={secret}"
        );
    }
    wait_for_signal().await;
    eprintln!("clerkctl emulator: stopping");
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CLERKCTL_LOG")
        // Webhook deliveries are reported by default: they are what a developer watches.
        .unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new("warn,clerk_emulator::webhooks=info")
        });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(super::stderr_colour())
        .try_init();
}
