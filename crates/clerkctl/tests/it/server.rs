//! An emulator served on a runtime the test owns, a fault-free view of the same state to check
//! what was stored, and the `clerkctl` binary pointed at it.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use clerk_api::{Client, RetryPolicy, SecretKey};
use clerk_emulator::{Config, Emulator};

use crate::support;

pub const KEY: &str = "sk_test_clerkctl_bulk_tests";

pub struct Server {
    pub rt: tokio::runtime::Runtime,
    /// The emulator `clerkctl` talks to (faults, limits).
    pub emulator: Emulator,
    /// A fault-free server on the same state, to check what was stored.
    pub clean: Emulator,
    pub home: tempfile::TempDir,
}

impl Server {
    pub fn start(config: Config) -> Server {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (emulator, clean) = rt.block_on(async {
            let emulator = Emulator::start(config).await.unwrap();
            let clean = Emulator::serve(Arc::clone(emulator.engine()), &support::config())
                .await
                .unwrap();
            (emulator, clean)
        });
        Server {
            rt,
            emulator,
            clean,
            home: tempfile::tempdir().unwrap(),
        }
    }

    /// A client of the fault-free view.
    pub fn client(&self) -> Client {
        Client::builder()
            .secret_key(SecretKey::new(KEY))
            .api_url(&self.clean.base_url())
            .unwrap()
            .retry(RetryPolicy::none())
            .build()
            .unwrap()
    }

    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// `clerkctl` with the environment pointing at the (faulty) emulator.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_clerkctl"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_STATE_HOME", self.home.path().join("state"))
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env("CLERK_SECRET_KEY", KEY)
            .env("CLERK_API_URL", self.emulator.base_url());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }
}

pub fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

/// stdout parsed as one JSON value.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}
