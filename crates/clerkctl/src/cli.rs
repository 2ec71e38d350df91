//! The command line: global options and the command tree.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "clerkctl",
    version,
    about = "Manage a Clerk instance's users, organizations, memberships and invitations"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a local emulator of Clerk's Backend API.
    Emulator(EmulatorArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "\
The first line on stdout is the base URL served (http://127.0.0.1:PORT); point clients at it:
  clerkctl:         CLERK_API_URL=http://127.0.0.1:PORT CLERK_SECRET_KEY=sk_test_any clerkctl users list
  Python SDK:       Clerk(bearer_auth=\"sk_test_any\", server_url=\"http://127.0.0.1:PORT/v1\")
  JavaScript SDK:   createClerkClient({ secretKey: \"sk_test_any\", apiUrl: \"http://127.0.0.1:PORT\" })
It serves until SIGINT or SIGTERM, then exits 0 with everything written.")]
pub struct EmulatorArgs {
    /// Address to listen on. Loopback unless you say otherwise.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Keep state in this SQLite file (created if missing); without it, state is in memory.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Accept only this secret key (repeatable). Without it, any sk_test_ key is accepted.
    #[arg(long = "secret-key", value_name = "KEY")]
    pub secret_keys: Vec<String>,
    /// Load users, organizations, memberships and invitations from a JSON file at start.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Answer 429 past N requests per SECONDS for each key, as Clerk does (e.g. 100/10).
    #[arg(long, value_name = "N/SECONDS")]
    pub rate_limit: Option<clerk_emulator::RateLimit>,
    /// Also apply Clerk's hourly limits on invitation creates (100/h, 25/h bulk; 250/h and
    /// 50/h bulk for organization invitations).
    #[arg(long)]
    pub invitation_limits: bool,
    /// Inject faults into this fraction of requests (0.0 to 1.0).
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_fraction)]
    pub fault_rate: f64,
    /// Which faults to inject, comma-separated: 500, 502, 503, 429, drop. 502 and drop strike
    /// after the request was handled: the write happened but the answer is lost.
    #[arg(
        long,
        value_name = "KINDS",
        value_delimiter = ',',
        default_value = "500,502,503,429,drop"
    )]
    pub faults: Vec<clerk_emulator::config::FaultKind>,
    /// Retry-After seconds on injected 429 answers.
    #[arg(long, value_name = "SECONDS", default_value_t = 1)]
    pub fault_retry_after: u64,
    /// Seed for the fault draw, to make a faulty run reproducible.
    #[arg(long, value_name = "N")]
    pub fault_seed: Option<u64>,
    /// Wait this many milliseconds before every answer.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub latency_ms: u64,
}

fn parse_fraction(s: &str) -> Result<f64, String> {
    let p: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(format!("{p} is outside 0.0..=1.0"))
    }
}
