//! A faithful, stateful emulator of Clerk's Backend API (users, organizations, memberships,
//! organization invitations, application invitations, sessions and their tokens, JWT
//! templates, the JWKS, sign-in and testing tokens), which also delivers Clerk's webhooks.
//!
//! The emulator answers as Clerk does, with the response shapes of the vendored OpenAPI file,
//! Clerk's error bodies and codes, its pagination quirks and its metadata rules, so that code
//! written against Clerk (this project's client, Clerk's own SDKs) runs against it unchanged.
//!
//! ```no_run
//! # async fn demo() -> Result<(), clerk_emulator::server::StartError> {
//! use clerk_emulator::{Config, Emulator};
//! let emulator = Emulator::start(Config::default()).await?;
//! println!("serving {}", emulator.base_url());
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Layers
//!
//! In short: routes -> engine -> state and store. Every dependency points down this list;
//! nothing imports a module above it.
//!
//! 1. [`server`] and [`http`]: the HTTP server, its guard (secret key, API version, rate limits,
//!    injected faults) and the routes, which decode a request and call one [`Engine`]
//!    operation. [`seed`] reads seed files and applies them through the engine too.
//!    [`webhooks`] delivers the engine's events; the engine knows it only as an
//!    [`engine::EventSink`].
//! 2. The engine's resource modules, one per resource: `engine/users/`, `engine/orgs.rs`,
//!    `engine/members.rs`, `engine/invitations.rs`, [`engine::sessions`] (sessions and the
//!    tokens they mint), [`engine::templates`] and [`engine::sign_in_tokens`] (with testing
//!    tokens), each adding its operations to
//!    [`Engine`]; `engine/seeding.rs` applies a seed's records through their create rules. A
//!    resource module never imports another resource module: what several need lives below.
//! 3. What the resource modules share, which imports none of them:
//!    - the engine core (`engine/mod.rs`): [`Engine`], its read and write paths,
//!      [`engine::ApiVersion`] (it re-exports the resources' input types, such as
//!      [`engine::CreateUser`], but calls none of them);
//!    - [`engine::body`] (the request-body tables), [`engine::query`] (query parameters),
//!      [`engine::metadata`] (the one metadata update routine: deep-merge `PATCH`, replacing
//!      `PUT`, size checks), `engine/user_filter.rs` (the user filters and order, used by users
//!      and memberships), [`engine::shortcodes`] (JWT template claims, used by templates and
//!      sessions), `engine/validate.rs` (value formats) and `engine/passwords.rs` (password
//!      digests and their checks, through the `clerk-passwords` crate, and `verify_password`).
//!      Among these, only `metadata` and `passwords` use `body` (to decode their bodies) and
//!      `user_filter` uses `query`.
//! 4. [`store`]: SQLite, written through after each change, reading records' documents off
//!    the state.
//! 5. [`engine::state::State`]: the records and their indexes, the lookups several resources
//!    share (a record or Clerk's not-found error, roles and administrators, an organization's
//!    counts, the membership limit) and every change with its cascades (a deleted user loses
//!    their memberships and sessions; a deleted organization its memberships and
//!    invitations) and the webhook events it makes.
//! 6. [`model`] (records and their Clerk shapes), [`error`] (Clerk's errors), [`ids`],
//!    [`keys`] (signing) and [`config`].
//!
//! # Where every change passes
//!
//! A record changes only through a `State::save_*` or `State::delete_*` method
//! (`engine/state/write.rs`), which also records it in [`engine::state::Changes`]. The
//! engine's write path (`Engine::write` for requests, `Engine::seed_write` for seed files) runs
//! an operation under the state's lock and then hands what it touched to the store. Webhook
//! events are made in those `State` methods (what changed, and how), and the write path
//! publishes them once the operation succeeded, with their deliveries written to the store in
//! the same transaction as the change.

pub mod config;
pub mod engine;
pub mod error;
pub mod http;
pub mod ids;
pub mod keys;
pub mod model;
pub mod seed;
mod seed_export;
pub mod server;
pub mod store;
pub mod webhooks;

pub use config::{
    Clock, Config, Faults, InstanceKind, Lockout, RateLimit, Settings, WebhookOptions,
    WebhookSecret,
};
pub use engine::Engine;
pub use error::ApiError;
pub use server::Emulator;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
