//! A faithful, stateful emulator of Clerk's Backend API (users, organizations, memberships,
//! organization invitations and application invitations).
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
//! Layers: [`http`] turns requests into calls on the [`engine::Engine`], which keeps the
//! [`engine::state::State`] in memory and writes through to the [`store::Store`] (SQLite).

pub mod config;
pub mod engine;
pub mod error;
pub mod http;
pub mod ids;
pub mod keys;
pub mod model;
pub mod seed;
pub mod server;
pub mod store;
pub mod webhooks;

pub use config::{Config, Faults, RateLimit, WebhookOptions, WebhookSecret};
pub use engine::Engine;
pub use error::ApiError;
pub use server::Emulator;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
