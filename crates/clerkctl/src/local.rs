//! `--local`: the built-in emulator, started in-process on 127.0.0.1:0 over a state file, filled
//! with a small demo company the first time.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clerk_api::{Client, SecretKey};
use clerk_emulator::model::Role;
use clerk_emulator::seed::Seed;
use clerk_emulator::{Config, Emulator, Engine, Settings};
use serde_json::json;

use crate::fail::{CliResult, Fail};

/// A key made for this process alone: the built-in emulator accepts only it, so another
/// local process cannot use the loopback port while `--local` runs.
fn local_key() -> CliResult<String> {
    let mut bytes = [0u8; 24];
    aws_lc_rs::rand::fill(&mut bytes)
        .map_err(|_| Fail::Other("the system's random source failed".into()))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("sk_test_local_{hex}"))
}

const INITIALIZED: &str = "clerkctl-local-initialized";

/// The settings `--local` runs with: a new production instance's, with organization slugs on,
/// which the demo company uses (`clerkctl --local orgs get acme`).
pub fn settings() -> Settings {
    Settings::default().org_slugs(true)
}

pub struct Local {
    emulator: Emulator,
    path: PathBuf,
    // Held while the command runs: two `--local` commands never share the state at once.
    _lock: std::fs::File,
}

impl Local {
    pub async fn start(
        path: Option<PathBuf>,
        timeout: Duration,
        rate: Option<clerk_api::RateLimit>,
    ) -> CliResult<(Local, Client)> {
        let path = match path {
            Some(p) => p,
            None => crate::app::data_dir()
                .map(|d| d.join("clerkctl").join("local.db"))
                .ok_or_else(|| Fail::Usage("no place for --local state ($XDG_DATA_HOME and $HOME are unset): pass --local-data PATH".into()))?,
        };
        let lock_path = path.with_extension("lock");
        // Private (0600, in a 0700 directory) and never through a symbolic link: the state
        // holds the instance's data and the emulator's signing key.
        let lock = crate::files::append(&lock_path)?;
        if lock.try_lock().is_err() {
            eprintln!(
                "clerkctl: waiting for another clerkctl --local to finish with {}",
                path.display()
            );
            lock.lock()
                .map_err(|e| Fail::Other(format!("cannot lock {}: {e}", lock_path.display())))?;
        }
        crate::files::state_file(&path)?;
        let engine = Engine::open(&path, Role::defaults())
            .map_err(|e| {
                Fail::Other(format!(
                    "{e} (move it aside, or pick another file with --local-data PATH)"
                ))
            })?
            .with_settings(settings());
        // The demo fills a new state once; after `reset` the state stays empty.
        let initialized = engine
            .marker(INITIALIZED)
            .map_err(|e| Fail::Other(e.to_string()))?;
        if initialized.is_none() {
            if engine.counts().iter().all(|n| *n == 0) {
                load_demo(&engine)?;
            }
            engine
                .set_marker(INITIALIZED, "1")
                .map_err(|e| Fail::Other(e.to_string()))?;
        }
        let key = local_key()?;
        let config = Config {
            settings: settings(),
            secret_keys: vec![key.clone()],
            ..Config::default()
        };
        let emulator = Emulator::serve(Arc::new(engine), &config)
            .await
            .map_err(|e| Fail::Other(format!("cannot start the built-in emulator: {e}")))?;
        let mut builder = Client::builder();
        if let Some(limit) = rate {
            builder = builder.rate_limit(limit);
        }
        let client = builder
            .secret_key(SecretKey::new(key))
            .api_url(&emulator.base_url())
            .and_then(|b| b.timeout(timeout).build())
            .map_err(|e| Fail::Other(format!("cannot reach the built-in emulator: {e}")))?;
        Ok((
            Local {
                emulator,
                path,
                _lock: lock,
            },
            client,
        ))
    }

    pub fn engine(&self) -> &Arc<Engine> {
        self.emulator.engine()
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    pub async fn stop(self) {
        self.emulator.shutdown().await;
    }
}

/// Fills the state with the demo company, and says which settings it runs with.
/// The demo company, as a seed (`clerkctl emulator --demo` serves it too).
pub fn demo_seed() -> Seed {
    serde_json::from_value(demo()).expect("the demo seed is valid")
}

pub fn load_demo(engine: &Engine) -> CliResult<()> {
    let seed = demo_seed();
    engine
        .load_seed(seed, "built-in demo")
        .map_err(|e| Fail::Other(format!("cannot load the demo data: {e}")))?;
    eprintln!(
        "clerkctl: loaded the demo company; --local runs as a new Clerk instance with organization \
         slugs on, which the demo uses ({}), and the demo's organizations take any number of members",
        settings().describe()
    );
    Ok(())
}

/// Two organizations, six users, memberships, and pending invitations.
fn demo() -> serde_json::Value {
    let user = |first: &str, last: &str, email: &str, username: &str, ext: &str| {
        json!({
            "first_name": first,
            "last_name": last,
            "email_address": [email],
            "username": username,
            "external_id": ext,
            "public_metadata": {"department": "engineering"},
        })
    };
    json!({
        "users": [
            user("Ada", "Lovelace", "ada@acme.test", "ada_lovelace", "emp-001"),
            user("Grace", "Hopper", "grace@acme.test", "grace_hopper", "emp-002"),
            user("Alan", "Turing", "alan@acme.test", "alan_turing", "emp-003"),
            user("Katherine", "Johnson", "katherine@globex.test", "katherine_johnson", "emp-004"),
            user("Edsger", "Dijkstra", "edsger@globex.test", "edsger_dijkstra", "emp-005"),
            {"first_name": "Barbara", "last_name": "Liskov", "email_address": ["barbara@example.test"], "username": "barbara_liskov", "banned": true},
        ],
        "organizations": [
            // No membership limit (0): the demo's organizations take the members and invitations
            // the README's examples add.
            {"name": "Acme Inc", "slug": "acme", "created_by": "ada@acme.test", "max_allowed_memberships": 0, "public_metadata": {"plan": "enterprise"}},
            {"name": "Globex", "slug": "globex", "created_by": "katherine@globex.test", "max_allowed_memberships": 0, "public_metadata": {"plan": "starter"}},
        ],
        "memberships": [
            {"organization_id": "acme", "user_id": "grace@acme.test", "role": "org:admin"},
            {"organization_id": "acme", "user_id": "alan@acme.test", "role": "org:member"},
            {"organization_id": "globex", "user_id": "edsger@globex.test", "role": "org:member"},
            {"organization_id": "globex", "user_id": "grace@acme.test", "role": "org:member"},
        ],
        "organization_invitations": [
            {"organization_id": "acme", "email_address": "margaret@acme.test", "role": "org:member"},
            {"organization_id": "acme", "email_address": "donald@acme.test", "role": "org:admin"},
            {"organization_id": "globex", "email_address": "john@globex.test", "role": "org:member"},
        ],
        "invitations": [
            {"email_address": "tim@example.test"},
            {"email_address": "radia@example.test"},
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Another local process that finds the loopback port cannot use it with a key of its own:
    /// only this process's random key is accepted.
    #[tokio::test]
    async fn the_built_in_emulator_accepts_only_its_own_random_key() {
        let dir = tempfile::tempdir().unwrap();
        let (local, client) = Local::start(
            Some(dir.path().join("local.db")),
            Duration::from_secs(30),
            None,
        )
        .await
        .unwrap();
        let url = format!("{}/v1/users/count", local.emulator.base_url());
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        for key in [
            "sk_test_clerkctl_local_emulator",
            "sk_test_other",
            "sk_test_x",
        ] {
            let r = http.get(&url).bearer_auth(key).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 401, "{key}");
        }
        let count = client.users().count().send().await.unwrap();
        assert!(count > 0, "the process's own client is served");
        // A second start makes another key.
        assert_ne!(local_key().unwrap(), local_key().unwrap());
        local.stop().await;
    }
}
