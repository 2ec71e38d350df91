//! One handler per resource. Each method returns a [`crate::Request`] to configure and send.
//!
//! Each resource has a runnable example in the crate's `examples/` directory, against an
//! emulator started in-process: `cargo run -p clerk-api --example users`.

mod invitations;
mod jwt_templates;
mod memberships;
mod organizations;
mod sessions;
mod tokens;
mod users;

pub use invitations::{
    CreateInvitation, CreateInvitations, CreateOrganizationInvitation,
    CreateOrganizationInvitations, Invitations, OrganizationInvitations,
    RevokeOrganizationInvitation,
};
pub use jwt_templates::{CreateJwtTemplate, JwtTemplates, UpdateJwtTemplate};
pub use memberships::{AddMember, Memberships, UpdateMember, UpdateMemberMetadata};
pub use organizations::{
    CreateOrganization, OrganizationMetadata, Organizations, UpdateOrganization,
};
pub use sessions::{CreateSession, CreateSessionToken, Sessions};
pub use tokens::{CreateSignInToken, SignInTokens};
pub use users::{CountUsers, CreateUser, UpdateUser, UserMetadata, Users, VerifyPassword};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Characters escaped in a path segment, so an ID can never change the path.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'?')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\');

pub(crate) fn seg(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// Body-field setters for a request type: `name(value)` sets Clerk's field `name`. The kind
/// says what the setter takes: `String` (`impl Into<String>`), `bool`, `i64`, `Metadata`
/// (anything that serializes to a JSON object), or an ID type (`&UserId`).
macro_rules! body_setters {
    ($op:ty { $($(#[$doc:meta])* $name:ident: $kind:ident),* $(,)? }) => {
        impl<'a> $crate::request::Request<'a, $op> {
            $( body_setters!(@one $(#[$doc])* $name $kind); )*
        }
    };
    (@one $(#[$doc:meta])* $name:ident String) => {
        $(#[$doc])*
        #[doc = concat!("\n\nSets the body's `", stringify!($name), "`.")]
        pub fn $name(self, value: impl Into<String>) -> Self {
            self.field(stringify!($name), value.into())
        }
    };
    (@one $(#[$doc:meta])* $name:ident bool) => {
        $(#[$doc])*
        #[doc = concat!("\n\nSets the body's `", stringify!($name), "`.")]
        pub fn $name(self, value: bool) -> Self {
            self.field(stringify!($name), value)
        }
    };
    (@one $(#[$doc:meta])* $name:ident i64) => {
        $(#[$doc])*
        #[doc = concat!("\n\nSets the body's `", stringify!($name), "`.")]
        pub fn $name(self, value: i64) -> Self {
            self.field(stringify!($name), value)
        }
    };
    (@one $(#[$doc:meta])* $name:ident Metadata) => {
        $(#[$doc])*
        #[doc = concat!("\n\nSets the body's `", stringify!($name), "`: anything that serializes to a JSON object (a map, a struct, `serde_json::json!({...})`); anything else makes `send` fail without sending.")]
        pub fn $name(self, value: impl serde::Serialize) -> Self {
            self.metadata(stringify!($name), value)
        }
    };
    (@one $(#[$doc:meta])* $name:ident $id:ident) => {
        $(#[$doc])*
        #[doc = concat!("\n\nSets the body's `", stringify!($name), "`.")]
        pub fn $name(self, value: &$crate::ids::$id) -> Self {
            self.field(stringify!($name), value.as_str())
        }
    };
}

/// Query-filter setters: single values replace, lists repeat the key.
macro_rules! query_setters {
    ($op:ty { $($(#[$doc:meta])* $name:ident: $kind:ident),* $(,)? }) => {
        impl<'a> $crate::request::Request<'a, $op> {
            $( query_setters!(@one $(#[$doc])* $name $kind); )*
        }
    };
    (@one $(#[$doc:meta])* $name:ident many) => {
        $(#[$doc])*
        #[doc = concat!("\n\nAdds values to the repeatable `", stringify!($name), "` query parameter: items matching any of them.")]
        pub fn $name<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
            for v in values {
                self.spec.add_param(stringify!($name), v.into());
            }
            self
        }
    };
    (@one $(#[$doc:meta])* $name:ident text) => {
        $(#[$doc])*
        #[doc = concat!("\n\nSets the `", stringify!($name), "` query parameter.")]
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.spec.set_param(stringify!($name), value.into());
            self
        }
    };
    (@one $(#[$doc:meta])* $name:ident flag) => {
        $(#[$doc])*
        #[doc = concat!("\n\nSets the `", stringify!($name), "` query parameter.")]
        pub fn $name(mut self, value: bool) -> Self {
            self.spec.set_param(stringify!($name), value.to_string());
            self
        }
    };
    (@one $(#[$doc:meta])* $name:ident millis) => {
        $(#[$doc])*
        #[doc = concat!("\n\nSets the `", stringify!($name), "` query parameter: Unix time in milliseconds.")]
        pub fn $name(mut self, unix_ms: i64) -> Self {
            self.spec.set_param(stringify!($name), unix_ms.to_string());
            self
        }
    };
}

pub(crate) use {body_setters, query_setters};
