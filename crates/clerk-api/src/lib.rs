//! A typed, resilient client for Clerk's Backend API: users, organizations, memberships,
//! organization invitations and application invitations; sessions and their tokens, JWT
//! templates, the instance's JWKS, testing tokens and sign-in tokens.
//!
//! - Models survive Clerk's changes: nullable fields are `Option`, enums keep unknown values,
//!   structs are `#[non_exhaustive]` and keep unknown fields in `extra`.
//! - One handler per resource ([`Client::users`], [`Client::organizations`],
//!   [`Client::memberships`], [`Client::organization_invitations`], [`Client::invitations`],
//!   [`Client::sessions`], [`Client::jwt_templates`], [`Client::sign_in_tokens`], and
//!   [`Client::jwks`] and [`Client::create_testing_token`]);
//!   requests are builders that end in `.send()` (typed), `.send_json()` (Clerk's JSON as it
//!   came) or `.prepare()` (shown, not sent).
//! - Lists return a [`Page`] for both of Clerk's list shapes, and `.stream()` yields every item
//!   (users with the `starting_after` cursor, the rest with `offset`).
//! - Retries with backoff and jitter on 429 (honouring `Retry-After`), 502, 503, 504 and lost
//!   connections, for requests that are safe to repeat; creates are never repeated after an
//!   ambiguous failure ([`Error::is_ambiguous`]). Optional pacing to a [`RateLimit`].
//!
//! - IDs are typed ([`ids::UserId`], [`ids::OrganizationId`], ...), so a user ID cannot go where
//!   an organization ID belongs; [`ids::OrganizationRef`] takes a slug where Clerk does.
//! - Bodies take anything that serializes: metadata setters and [`Request::body`] accept a
//!   struct, a map or `serde_json::json!({...})`.
//! - Retries are decided by one pure policy, [`RetryPolicy::decide`], set per client and
//!   overridable per request ([`Request::retry`]).
//!
//! Every resource has a runnable example in `examples/` (users, organizations, memberships,
//! organization invitations, application invitations, sessions and tokens), run against the
//! `clerk-emulator` crate's emulator started in-process: `cargo run -p clerk-api --example
//! users`.
//!
//! A session token for a user, to call your own API as them (on a development instance, or
//! the emulator), and the PEM key your API can verify it with offline:
//!
//! ```no_run
//! # async fn demo() -> clerk_api::Result<()> {
//! let clerk = clerk_api::Client::from_env()?;
//! let user = "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?;
//! let session = clerk.sessions().create(&user).send().await?;
//! let token = clerk.sessions().token(&session.id).send().await?;
//! let jwks = clerk.jwks().send().await?;
//! let pem = jwks.keys[0].to_pem().expect("Clerk's instance keys are RSA");
//! println!("Authorization: Bearer {}\nCLERK_JWT_KEY={pem}", token.jwt);
//! # Ok(()) }
//! ```
//!
//! ```no_run
//! # async fn demo() -> clerk_api::Result<()> {
//! use futures::TryStreamExt;
//! let clerk = clerk_api::Client::from_env()?;
//! let org = clerk.organizations().create("Acme").slug("acme").send().await?;
//! let mut members = clerk.memberships(&org.id).list().stream();
//! while let Some(m) = members.try_next().await? {
//!     println!("{} {}", m.role, m.public_user_data.map(|u| u.user_id.to_string()).unwrap_or_default());
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod client;
pub mod config;
pub mod error;
pub mod ids;
pub mod models;
pub mod page;
pub mod request;
pub mod resources;
pub mod retry;

pub use client::{Client, ClientBuilder, DEFAULT_USER_AGENT, Stats};
pub use config::{ApiBase, KeyKind, SecretKey};
pub use error::{ApiError, ClerkError, Error, Result};
pub use page::List;
pub use page::Page;
pub use request::One;
pub use request::{PreparedRequest, Request, RequestSpec};
pub use retry::{RateLimit, Repeat, RetryPolicy};
