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
pub mod state;
mod user_filter;
pub mod users;
mod validate;

use std::path::Path;

use parking_lot::{Mutex, RwLock};
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use crate::model::Role;
use crate::store::{Store, StoreError};
use state::{Changes, State};

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
}

impl Engine {
    /// An engine whose state lives only in memory.
    pub fn in_memory(roles: Vec<Role>) -> Engine {
        Engine {
            state: RwLock::new(State::new(roles)),
            store: None,
        }
    }

    /// An engine backed by a SQLite file, loading what it holds.
    pub fn open(path: &Path, roles: Vec<Role>) -> Result<Engine, StoreError> {
        let mut state = State::new(roles);
        let store = Store::open(path, &mut state)?;
        Ok(Engine {
            state: RwLock::new(state),
            store: Some(Mutex::new(store)),
        })
    }

    pub(crate) fn read<R>(&self, f: impl FnOnce(&State) -> ApiResult<R>) -> ApiResult<R> {
        f(&self.state.read())
    }

    /// Runs a mutation and writes what it touched before the answer leaves. Operations check
    /// everything before changing anything, so an error leaves state untouched.
    pub(crate) fn write<R>(
        &self,
        f: impl FnOnce(&mut State, &mut Changes) -> ApiResult<R>,
    ) -> ApiResult<R> {
        let mut state = self.state.write();
        let mut changes = Changes::default();
        let out = f(&mut state, &mut changes);
        if !changes.is_empty()
            && let Some(store) = &self.store
        {
            let touched = changes.drain_unique();
            store
                .lock()
                .write(&state, &touched)
                .map_err(ApiError::internal)?;
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
