//! Typed identifiers. Each knows Clerk's prefix, so a user ID cannot be passed where an
//! organization ID belongs, and a mistyped one is caught before any request.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string is not an identifier of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{value:?} is not {article} {kind} ID: {kind} IDs look like {prefix}2xhFjEI5X2qWRvtV13BzSj8H6Dk"
)]
pub struct IdError {
    pub value: String,
    pub kind: &'static str,
    pub article: &'static str,
    pub prefix: &'static str,
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $kind:literal, $article:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The prefix of every ID of this kind.
            pub const PREFIX: &'static str = $prefix;
            /// What the ID names, for messages.
            pub const KIND: &'static str = $kind;

            /// Checks the prefix and characters (`[A-Za-z0-9]` after the prefix).
            pub fn parse(value: &str) -> Result<Self, IdError> {
                let value = value.trim();
                let ok = value
                    .strip_prefix($prefix)
                    .is_some_and(|body| !body.is_empty() && body.bytes().all(|b| b.is_ascii_alphanumeric()));
                if ok {
                    Ok($name(value.to_owned()))
                } else {
                    Err(IdError { value: value.to_owned(), kind: $kind, article: $article, prefix: $prefix })
                }
            }

            /// Wraps a string without checking it (for IDs Clerk itself returned).
            pub fn new_unchecked(value: impl Into<String>) -> Self {
                $name(value.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::parse(s)
            }
        }
    };
}

id_type!(/// A user: `user_...`.
    UserId, "user_", "user", "a");
id_type!(/// An organization: `org_...`.
    OrganizationId, "org_", "organization", "an");
id_type!(/// An organization membership: `orgmem_...`.
    OrganizationMembershipId, "orgmem_", "organization membership", "an");
id_type!(/// An organization invitation: `orginv_...`.
    OrganizationInvitationId, "orginv_", "organization invitation", "an");
id_type!(/// An application invitation: `inv_...`.
    InvitationId, "inv_", "invitation", "an");
id_type!(/// An email address, phone number or other identification: `idn_...`.
    IdentificationId, "idn_", "identification", "an");

/// Whether `s` can be an organization slug (Clerk: lowercase letters, digits and `-`).
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_checked() {
        assert!(UserId::parse("user_2xhFjEI5X2qWRvtV13BzSj8H6Dk").is_ok());
        let err = UserId::parse("org_2xh").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"org_2xh\" is not a user ID: user IDs look like user_2xhFjEI5X2qWRvtV13BzSj8H6Dk"
        );
        assert!(OrganizationId::parse("org_").is_err());
        assert!(OrganizationId::parse("org_a/b").is_err());
        assert!(InvitationId::parse("inv_1").is_ok());
        assert!(OrganizationInvitationId::parse("inv_1").is_err());
        assert!(is_slug("acme-inc") && !is_slug("Acme"));
    }
}
