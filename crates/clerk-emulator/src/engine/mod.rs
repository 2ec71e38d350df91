//! The Backend API's behaviour, independent of HTTP.
//!
//! Each operation takes decoded inputs (a body checked against its table in [`body`], query
//! pairs, path IDs) and returns the JSON Clerk would answer, or a Clerk error. Writes hold the
//! state lock, change memory, and write the touched records to the store before returning, so an
//! answered write is durable.
//!
//! Resource modules (`users`, `orgs`, `members`, `invitations`) use the shared pieces (`body`,
//! `query`, `metadata`, `passwords`, `user_filter`, `validate`), the [`state`] and this file's core, never
//! each other; `seeding` uses the resource modules. The crate's documentation draws the whole
//! picture.

pub mod body;
mod invitations;
mod members;
pub mod metadata;
mod orgs;
mod passwords;
pub mod query;
mod seeding;
pub mod sessions;
pub mod shortcodes;
pub mod sign_in_tokens;
pub mod state;
pub mod templates;
mod user_filter;
pub mod users;
mod validate;

use std::path::Path;
use std::sync::{Arc, OnceLock};

use parking_lot::{Mutex, RwLock};
use serde::Serialize;

use crate::config::Settings;
use crate::error::{ApiError, ApiResult};
use crate::keys::SigningKey;
use crate::model::Role;
use crate::store::{Store, StoreError};
use state::{Changes, Event, State};

pub use invitations::{CreateInvitation, CreateOrgInvitation};
pub use members::CreateMembership;
pub use orgs::CreateOrganization;
pub use users::CreateUser;

pub(crate) use seeding::{
    seed_invitation, seed_membership, seed_org, seed_org_invitation, seed_user,
};

/// A serialized JSON answer.
pub type Json = Vec<u8>;

pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> Json {
    serde_json::to_vec(value).expect("views serialize to JSON")
}

/// `{"data": [...], "total_count": N}`.
#[derive(Serialize)]
pub(crate) struct ListView<T> {
    data: Vec<T>,
    total_count: i64,
}

pub(crate) fn list_json<T: Serialize>(data: Vec<T>, total_count: usize) -> Json {
    json(&ListView {
        data,
        total_count: total_count as i64,
    })
}

/// The Clerk API versions the emulator knows, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ApiVersion {
    V2021_02_05,
    V2024_10_01,
    V2025_03_12,
    V2025_04_10,
    V2025_11_10,
    V2026_05_12,
}

impl ApiVersion {
    pub const ALL: [ApiVersion; 6] = [
        ApiVersion::V2021_02_05,
        ApiVersion::V2024_10_01,
        ApiVersion::V2025_03_12,
        ApiVersion::V2025_04_10,
        ApiVersion::V2025_11_10,
        ApiVersion::V2026_05_12,
    ];

    /// What a request without a version gets. Clerk does not document its default; the
    /// emulator takes the newest version before 2026-05-12, which accepts what every SDK sends.
    pub const DEFAULT: ApiVersion = ApiVersion::V2025_11_10;

    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V2021_02_05 => "2021-02-05",
            ApiVersion::V2024_10_01 => "2024-10-01",
            ApiVersion::V2025_03_12 => "2025-03-12",
            ApiVersion::V2025_04_10 => "2025-04-10",
            ApiVersion::V2025_11_10 => "2025-11-10",
            ApiVersion::V2026_05_12 => "2026-05-12",
        }
    }

    pub fn parse(s: &str) -> Option<ApiVersion> {
        ApiVersion::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// From 2026-05-12, `PATCH /users/{id}` and `PATCH /organizations/{id}` refuse metadata.
    pub fn update_takes_metadata(self) -> bool {
        self < ApiVersion::V2026_05_12
    }
}

/// The emulated instance: state, store, and the operations on them.
#[derive(Debug)]
pub struct Engine {
    state: RwLock<State>,
    store: Option<Mutex<Store>>,
    /// The instance's signing key, made or loaded on first use.
    signing: Mutex<Option<Arc<SigningKey>>>,
    /// Where events go, when webhooks are configured.
    webhooks: OnceLock<Arc<dyn EventSink>>,
}

/// Writes a change to the store together with an outbox of `(key, document)` pairs.
pub type Keep<'a> = dyn FnMut(&[(String, String)]) -> ApiResult<()> + 'a;

/// Where the events of successful writes go: the webhook sender ([`crate::webhooks`]), which
/// the engine knows only through this.
pub trait EventSink: Send + Sync + std::fmt::Debug {
    /// Takes one write's events. `keep` writes the change to the store, in one transaction
    /// with the documents the sink passes it (its outbox); the events go out only if that
    /// succeeds. Called under the state's lock, so events leave in the order of the changes.
    fn publish(&self, events: Vec<Event>, keep: &mut Keep<'_>) -> ApiResult<()>;

    /// Where events are delivered.
    fn endpoints(&self) -> Vec<String>;

    /// The deliveries so far, filtered by query pairs, as JSON.
    fn deliveries(&self, pairs: &[(String, String)]) -> ApiResult<Json>;

    /// Stops delivering (the emulator is stopping).
    fn stop(&self);
}

/// The data file's marker holding the instance's signing key (PKCS#8 PEM).
const SIGNING_KEY_META: &str = "signing_key";

impl Engine {
    /// An engine whose state lives only in memory.
    pub fn in_memory(roles: Vec<Role>) -> Engine {
        Engine {
            state: RwLock::new(State::new(roles)),
            store: None,
            signing: Mutex::new(None),
            webhooks: OnceLock::new(),
        }
    }

    /// An engine backed by a SQLite file, loading what it holds.
    pub fn open(path: &Path, roles: Vec<Role>) -> Result<Engine, StoreError> {
        let mut state = State::new(roles);
        let store = Store::open(path, &mut state)?;
        Ok(Engine {
            state: RwLock::new(state),
            store: Some(Mutex::new(store)),
            signing: Mutex::new(None),
            webhooks: OnceLock::new(),
        })
    }

    /// This engine with an instance's settings (a new production instance's by default).
    pub fn with_settings(self, settings: Settings) -> Engine {
        self.state.write().settings = settings;
        self
    }

    /// The instance's settings.
    pub fn settings(&self) -> Settings {
        self.state.read().settings.clone()
    }

    /// Uses this key (from `--signing-key`) instead of a kept or generated one.
    pub fn set_signing_key(&self, key: SigningKey) {
        *self.signing.lock() = Some(Arc::new(key));
    }

    /// The instance's signing key: the one set, else the one the data file keeps, else a new
    /// one (kept in the data file, so tokens verify across restarts).
    pub fn signing_key(&self) -> ApiResult<Arc<SigningKey>> {
        let mut slot = self.signing.lock();
        if let Some(key) = &*slot {
            return Ok(key.clone());
        }
        let key = match &self.store {
            Some(store) => {
                let mut store = store.lock();
                match store.meta(SIGNING_KEY_META).map_err(ApiError::internal)? {
                    Some(pem) => SigningKey::from_pem(&pem).map_err(|e| {
                        ApiError::internal(format!("the data file's signing key: {e}"))
                    })?,
                    None => {
                        let key = SigningKey::generate().map_err(ApiError::internal)?;
                        store
                            .set_meta(SIGNING_KEY_META, &key.private_pem())
                            .map_err(ApiError::internal)?;
                        key
                    }
                }
            }
            None => SigningKey::generate().map_err(ApiError::internal)?,
        };
        let key = Arc::new(key);
        *slot = Some(key.clone());
        Ok(key)
    }

    /// Sends the events of every later change to this sink.
    pub fn set_webhooks(&self, webhooks: Arc<dyn EventSink>) {
        let _ = self.webhooks.set(webhooks);
    }

    pub fn webhooks(&self) -> Option<&Arc<dyn EventSink>> {
        self.webhooks.get()
    }

    /// A value kept in the data file beside the records (`None` in memory).
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        match &self.store {
            Some(store) => store.lock().meta(key),
            None => Ok(None),
        }
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        match &self.store {
            Some(store) => store.lock().set_meta(key, value),
            None => Ok(()),
        }
    }

    /// The store, for the webhook deliveries kept beside the records.
    pub(crate) fn store(&self) -> Option<&Mutex<Store>> {
        self.store.as_ref()
    }

    pub(crate) fn read<R>(&self, f: impl FnOnce(&State) -> ApiResult<R>) -> ApiResult<R> {
        f(&self.state.read())
    }

    /// Runs a mutation and writes what it touched before the answer leaves. Operations check
    /// everything before changing anything, so an error leaves state untouched.
    ///
    /// The webhook deliveries of the events the mutation made are written in the same
    /// transaction as its records, and queued while the state is still locked, so deliveries
    /// about one object leave in the order its changes were made.
    pub(crate) fn write<R>(
        &self,
        f: impl FnOnce(&mut State, &mut Changes) -> ApiResult<R>,
    ) -> ApiResult<R> {
        let mut state = self.state.write();
        let sink = self.webhooks.get();
        let mut changes = if sink.is_some() {
            Changes::recording_events()
        } else {
            Changes::default()
        };
        let out = f(&mut state, &mut changes);
        let events = match &out {
            Ok(_) => changes.take_events(),
            Err(_) => Vec::new(),
        };
        let state = &*state;
        let mut keep = |outbox: &[(String, String)]| -> ApiResult<()> {
            if (changes.is_empty() && outbox.is_empty()) || self.store.is_none() {
                return Ok(());
            }
            let touched = changes.drain_unique();
            let store = self.store.as_ref().expect("checked above");
            store
                .lock()
                .write_with(state, &touched, outbox)
                .map_err(ApiError::internal)
        };
        match sink {
            Some(sink) if !events.is_empty() => sink.publish(events, &mut keep)?,
            _ => keep(&[])?,
        }
        out
    }

    /// Removes every record (memory and file).
    pub fn reset(&self) -> Result<(), StoreError> {
        let mut state = self.state.write();
        if let Some(store) = &self.store {
            store.lock().clear()?;
        }
        state.clear_records();
        Ok(())
    }

    /// Adds roles (from a seed file) to the instance's role set.
    pub fn add_roles(&self, roles: Vec<Role>) {
        self.state.write().add_roles(roles);
    }

    /// A marker kept in the data file across restarts and resets (`None` in memory).
    pub fn marker(&self, key: &str) -> Result<Option<String>, StoreError> {
        match &self.store {
            Some(store) => store.lock().meta(&format!("marker:{key}")),
            None => Ok(None),
        }
    }

    /// Sets a marker; a no-op for an in-memory engine.
    pub fn set_marker(&self, key: &str, value: &str) -> Result<(), StoreError> {
        match &self.store {
            Some(store) => store.lock().set_meta(&format!("marker:{key}"), value),
            None => Ok(()),
        }
    }

    /// How many users, organizations, memberships, organization invitations and application
    /// invitations the instance holds.
    pub fn counts(&self) -> [usize; 5] {
        let s = self.state.read();
        [
            s.users.len(),
            s.orgs.len(),
            s.memberships.len(),
            s.org_invitations.len(),
            s.invitations.len(),
        ]
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    crate::now_ms()
}

// ---- seed files ------------------------------------------------------------------------------

impl Engine {
    /// Applies a seed in one transaction: what `f` touched is written even when it stops early,
    /// so the file and memory agree.
    pub(crate) fn seed_write<E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut State, &mut Changes, i64) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut state = self.state.write();
        let mut changes = Changes::default();
        let out = f(&mut state, &mut changes, now_ms());
        if !changes.is_empty()
            && let Some(store) = &self.store
        {
            let touched = changes.drain_unique();
            store.lock().write(&state, &touched)?;
        }
        out
    }
}
