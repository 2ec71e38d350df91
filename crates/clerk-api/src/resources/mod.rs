//! One handler per resource. Each method returns a [`crate::Request`] to configure and send.

mod invitations;
mod memberships;
mod organizations;
mod users;

pub use invitations::{
    CreateInvitation, CreateOrganizationInvitation, Invitations, OrganizationInvitations,
    RevokeOrganizationInvitation,
};
pub use memberships::{AddMember, Memberships, UpdateMember, UpdateMemberMetadata};
pub use organizations::{
    CreateOrganization, OrganizationMetadata, Organizations, UpdateOrganization,
};
pub use users::{CountUsers, CreateUser, UpdateUser, UserMetadata, Users};

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

/// Body-field setters for a request type: `name(value)` sets Clerk's field `name`.
macro_rules! body_setters {
    ($op:ty { $($(#[$doc:meta])* $name:ident: $t:ty),* $(,)? }) => {
        impl<'a> $crate::request::Request<'a, $op> {
            $(
                $(#[$doc])*
                pub fn $name(self, value: impl Into<$t>) -> Self {
                    let value: $t = value.into();
                    self.field(stringify!($name), value)
                }
            )*
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
        pub fn $name<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
            for v in values {
                self.spec.add_param(stringify!($name), v.into());
            }
            self
        }
    };
    (@one $(#[$doc:meta])* $name:ident text) => {
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.spec.set_param(stringify!($name), value.into());
            self
        }
    };
    (@one $(#[$doc:meta])* $name:ident flag) => {
        $(#[$doc])*
        pub fn $name(mut self, value: bool) -> Self {
            self.spec.set_param(stringify!($name), value.to_string());
            self
        }
    };
    (@one $(#[$doc:meta])* $name:ident millis) => {
        $(#[$doc])*
        pub fn $name(mut self, unix_ms: i64) -> Self {
            self.spec.set_param(stringify!($name), unix_ms.to_string());
            self
        }
    };
}

pub(crate) use {body_setters, query_setters};
