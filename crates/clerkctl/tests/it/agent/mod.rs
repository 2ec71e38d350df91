//! Tests of the agent interfaces: the MCP server (`clerkctl mcp`), the clerk-api skill
//! (`clerkctl skill ...`, its frontmatter) and every `clerkctl` command the docs show.
//!
//! Each test starts its own emulator in-process on 127.0.0.1:0, seeded with a small known
//! company, and runs the clerkctl binary against it with HOME and XDG_* in a temp dir.

mod docs;
mod evals;
mod mcp;
mod skill;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;

use clerk_emulator::{Config, Emulator};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::config;

pub const BIN: &str = env!("CARGO_BIN_EXE_clerkctl");

/// The key the tests use: recognisable, so a test can prove it never shows.
pub const KEY: &str = "sk_test_AgentTestKeyNeverShown7f3a";

/// The seeded company: Initech, its admin Grace, its member Alan, Ada who belongs to no
/// organization, a pending invitation to Initech for Margaret and one to sign up for Tim.
/// Private metadata holds values a test can look for.
pub fn seed() -> Value {
    json!({
        "users": [
            {"email_address": ["ada@example.com"], "first_name": "Ada", "last_name": "Lovelace",
             "username": "ada_lovelace", "external_id": "emp-001", "public_metadata": {"plan": "pro"},
             "private_metadata": {"ssn": "PRIVATE-USER-VALUE"}},
            {"email_address": ["grace@example.com"], "first_name": "Grace", "last_name": "Hopper"},
            {"email_address": ["alan@example.com"], "first_name": "Alan", "last_name": "Turing"},
        ],
        "organizations": [
            {"name": "Initech", "slug": "initech", "created_by": "grace@example.com",
             "private_metadata": {"crm": "PRIVATE-ORG-VALUE"}},
        ],
        "memberships": [
            {"organization_id": "initech", "user_id": "alan@example.com", "role": "org:member",
             "private_metadata": {"badge": "PRIVATE-MEMBER-VALUE"}},
        ],
        "organization_invitations": [
            {"organization_id": "initech", "email_address": "margaret@example.com", "role": "org:member"},
        ],
        "invitations": [{"email_address": "tim@example.com"}],
    })
}

/// The seeded IDs (empty strings for an instance started without the seed).
#[derive(Debug, Clone, Default)]
pub struct Ids {
    pub ada: String,
    pub ada_email: String,
    pub grace: String,
    pub alan: String,
    pub initech: String,
    pub margaret_invitation: String,
    pub tim_invitation: String,
}

/// An emulator serving the seed, on its own thread and runtime so that sync and async tests
/// alike can use it, and a temp dir for HOME, XDG_* and the working directory.
pub struct Instance {
    pub url: String,
    pub ids: Ids,
    pub dir: TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Instance {
    /// An instance serving the seeded company.
    pub fn start() -> Instance {
        Instance::start_with(true)
    }

    /// An instance with nothing in it (a copy's destination); its `ids` are empty.
    pub fn empty() -> Instance {
        Instance::start_with(false)
    }

    fn start_with(seeded: bool) -> Instance {
        let dir = tempfile::tempdir().unwrap();
        let seed_path = dir.path().join("seed.json");
        std::fs::write(&seed_path, seed().to_string()).unwrap();
        for sub in ["home", "data", "state", "config", "cache", "work"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let (tx, rx) = mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let config = Config {
                    seed: seeded.then_some(seed_path),
                    ..config()
                };
                let emulator = Emulator::start(config).await.expect("the emulator starts");
                let url = emulator.base_url();
                let ids = if seeded {
                    resolve(&url).await
                } else {
                    Ids::default()
                };
                tx.send((url, ids)).unwrap();
                let _ = stopped.await;
                emulator.shutdown().await;
            });
        });
        let (url, ids) = rx.recv().expect("the emulator thread answers");
        Instance {
            url,
            ids,
            dir,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    pub fn audit_log(&self) -> PathBuf {
        self.path("state").join("clerkctl").join("audit.jsonl")
    }

    /// The environment every clerkctl run gets: this instance, the test key, temp dirs.
    pub fn env(&self) -> Vec<(String, String)> {
        let bin_dir = Path::new(BIN).parent().unwrap().display().to_string();
        let d = |s: &str| self.path(s).display().to_string();
        vec![
            ("CLERK_SECRET_KEY".into(), KEY.into()),
            ("CLERK_API_URL".into(), self.url.clone()),
            ("HOME".into(), d("home")),
            ("XDG_DATA_HOME".into(), d("data")),
            ("XDG_STATE_HOME".into(), d("state")),
            ("XDG_CONFIG_HOME".into(), d("config")),
            ("XDG_CACHE_HOME".into(), d("cache")),
            (
                "PATH".into(),
                format!("{bin_dir}:/usr/local/bin:/usr/bin:/bin"),
            ),
            ("NO_COLOR".into(), "1".into()),
        ]
    }

    /// A command with [`Instance::env`], run in the instance's work directory, with nothing
    /// from the outer environment that could point it elsewhere.
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        clean(&mut cmd);
        cmd.envs(self.env()).current_dir(self.path("work"));
        cmd
    }

    pub fn clerkctl(&self, args: &[&str]) -> Command {
        let mut cmd = self.command(BIN);
        cmd.args(args);
        cmd
    }
}

/// Removes the variables that would point clerkctl at a real instance or change its mode.
pub fn clean(cmd: &mut Command) {
    for var in [
        "CLERK_SECRET_KEY",
        "CLERK_API_URL",
        "CLERKCTL_READ_ONLY",
        "CLERKCTL_AUDIT_LOG",
        "CLERKCTL_LOG",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
}

async fn resolve(url: &str) -> Ids {
    let client = clerk_api::Client::builder()
        .secret_key(clerk_api::SecretKey::new(KEY))
        .api_url(url)
        .unwrap()
        .build()
        .unwrap();
    let users = client.users().list().send_json().await.unwrap();
    let user = |email: &str| -> Value {
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email_addresses"][0]["email_address"] == email)
            .unwrap_or_else(|| panic!("{email} is seeded"))
            .clone()
    };
    let org = client
        .organizations()
        .get(clerk_api::ids::OrganizationRef::slug("initech").unwrap())
        .send_json()
        .await
        .unwrap();
    let initech = org["id"].as_str().unwrap().to_owned();
    let invitations = client
        .organization_invitations(&initech.parse().unwrap())
        .list()
        .send_json()
        .await
        .unwrap();
    let app = client.invitations().list().send_json().await.unwrap();
    let s = |v: &Value| v.as_str().unwrap().to_owned();
    // Lists answer either a bare array or {"data": [...]}.
    let first = |v: &Value| -> Value {
        if v.is_array() {
            v[0].clone()
        } else {
            v["data"][0].clone()
        }
    };
    let ada = user("ada@example.com");
    Ids {
        ada: s(&ada["id"]),
        ada_email: s(&ada["email_addresses"][0]["id"]),
        grace: s(&user("grace@example.com")["id"]),
        alan: s(&user("alan@example.com")["id"]),
        initech,
        margaret_invitation: s(&first(&invitations)["id"]),
        tim_invitation: s(&first(&app)["id"]),
    }
}
