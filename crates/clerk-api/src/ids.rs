//! Typed identifiers. Each knows Clerk's prefix, so a user ID cannot be passed where an
//! organization ID belongs, and a mistyped one is caught before any request.
//!
//! Handlers take these types: `clerk.users().get(&user_id)`. IDs that came from Clerk are
//! already typed (`user.id` is a [`UserId`]); IDs from elsewhere are checked with `parse`
//! (or `str::parse`), whose error converts into [`crate::Error`]:
//!
//! ```
//! use clerk_api::ids::{OrganizationRef, UserId};
//! let user: UserId = "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?;
//! assert!("org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse::<UserId>().is_err());
//!
//! // The one place Clerk also takes a slug: GET /organizations/{id or slug}.
//! let by_slug = OrganizationRef::parse("acme-inc")?;
//! assert_eq!(by_slug.to_string(), "acme-inc");
//! # Ok::<(), clerk_api::ids::IdError>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string is not an identifier of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct IdError {
    /// The string refused (trimmed).
    pub value: String,
    /// What was expected, e.g. `user` or `organization`.
    pub kind: &'static str,
    message: String,
}

impl IdError {
    fn wrong_prefix(value: &str, kind: &'static str, article: &str, prefix: &str) -> IdError {
        IdError {
            value: value.to_owned(),
            kind,
            message: format!(
                "{value:?} is not {article} {kind} ID: {kind} IDs look like {prefix}2xhFjEI5X2qWRvtV13BzSj8H6Dk"
            ),
        }
    }
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

            /// Checks the prefix and characters (`[A-Za-z0-9]` after the prefix); surrounding
            /// whitespace is ignored.
            pub fn parse(value: &str) -> Result<Self, IdError> {
                let value = value.trim();
                let ok = value
                    .strip_prefix($prefix)
                    .is_some_and(|body| !body.is_empty() && body.bytes().all(|b| b.is_ascii_alphanumeric()));
                if ok {
                    Ok($name(value.to_owned()))
                } else {
                    Err(IdError::wrong_prefix(value, $kind, $article, $prefix))
                }
            }

            /// Wraps a string without checking it (for IDs Clerk itself returned).
            pub fn new_unchecked(value: impl Into<String>) -> Self {
                $name(value.into())
            }

            /// The ID as Clerk writes it.
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

        impl TryFrom<&str> for $name {
            type Error = IdError;
            fn try_from(s: &str) -> Result<Self, IdError> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

id_type!(
    /// A user: `user_...`.
    UserId, "user_", "user", "a"
);
id_type!(
    /// An organization: `org_...`.
    OrganizationId, "org_", "organization", "an"
);
id_type!(
    /// An organization membership: `orgmem_...`.
    OrganizationMembershipId, "orgmem_", "organization membership", "an"
);
id_type!(
    /// An organization invitation: `orginv_...`.
    OrganizationInvitationId, "orginv_", "organization invitation", "an"
);
id_type!(
    /// An application invitation: `inv_...`.
    InvitationId, "inv_", "invitation", "an"
);
id_type!(
    /// An email address, phone number or other identification: `idn_...`.
    IdentificationId, "idn_", "identification", "an"
);
id_type!(
    /// A session: `sess_...`.
    SessionId, "sess_", "session", "a"
);
id_type!(
    /// A client (a browser or device a user signs in from): `client_...`.
    ClientId, "client_", "client", "a"
);
id_type!(
    /// A JWT template: `jtmp_...`.
    JwtTemplateId, "jtmp_", "JWT template", "a"
);

/// Whether `s` can be an organization slug (Clerk: lowercase letters, digits and `-`).
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An organization named by its ID or by its slug: the escape hatch for the one endpoint
/// where Clerk takes either, `GET /organizations/{id or slug}`
/// ([`crate::resources::Organizations::get`]). Every other organization path takes an
/// [`OrganizationId`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OrganizationRef {
    /// `org_...`.
    Id(OrganizationId),
    /// Lowercase letters, digits and `-`.
    Slug(String),
}

impl OrganizationRef {
    /// An ID when `value` starts with `org_` (checked as one), else a slug (checked as one).
    pub fn parse(value: &str) -> Result<OrganizationRef, IdError> {
        let value = value.trim();
        if value.starts_with(OrganizationId::PREFIX) {
            OrganizationId::parse(value).map(OrganizationRef::Id)
        } else {
            OrganizationRef::slug(value)
        }
    }

    /// A slug, checked.
    pub fn slug(value: &str) -> Result<OrganizationRef, IdError> {
        if is_slug(value) {
            Ok(OrganizationRef::Slug(value.to_owned()))
        } else {
            Err(IdError {
                value: value.to_owned(),
                kind: "organization",
                message: format!(
                    "{value:?} is neither an organization ID (org_...) nor a slug (lowercase letters, digits and -)"
                ),
            })
        }
    }

    /// The ID or slug as it goes into the path.
    pub fn as_str(&self) -> &str {
        match self {
            OrganizationRef::Id(id) => id.as_str(),
            OrganizationRef::Slug(s) => s,
        }
    }
}

impl fmt::Display for OrganizationRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for OrganizationRef {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        OrganizationRef::parse(s)
    }
}

impl From<OrganizationId> for OrganizationRef {
    fn from(id: OrganizationId) -> Self {
        OrganizationRef::Id(id)
    }
}

impl From<&OrganizationId> for OrganizationRef {
    fn from(id: &OrganizationId) -> Self {
        OrganizationRef::Id(id.clone())
    }
}

impl From<&OrganizationRef> for OrganizationRef {
    fn from(r: &OrganizationRef) -> Self {
        r.clone()
    }
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
        assert_eq!(err.kind, "user");
        assert!(OrganizationId::parse("org_").is_err());
        assert!(OrganizationId::parse("org_a/b").is_err());
        assert!(InvitationId::parse("inv_1").is_ok());
        assert!(OrganizationInvitationId::parse("inv_1").is_err());
        assert!(is_slug("acme-inc") && !is_slug("Acme"));
        assert_eq!(UserId::parse(" user_1 ").unwrap(), "user_1");
        assert!(SessionId::parse("sess_2xh").is_ok() && SessionId::parse("user_2xh").is_err());
        assert_eq!(
            JwtTemplateId::parse("hasura").unwrap_err().to_string(),
            "\"hasura\" is not a JWT template ID: JWT template IDs look like jtmp_2xhFjEI5X2qWRvtV13BzSj8H6Dk"
        );
        assert!(ClientId::parse("client_2xh").is_ok());
    }

    #[test]
    fn organizations_by_id_or_slug() {
        assert_eq!(
            OrganizationRef::parse("org_1").unwrap(),
            OrganizationRef::Id(OrganizationId::new_unchecked("org_1"))
        );
        assert_eq!(
            OrganizationRef::parse("acme-inc").unwrap(),
            OrganizationRef::Slug("acme-inc".into())
        );
        // Starts like an ID, so it is checked as one.
        assert!(OrganizationRef::parse("org_a/b").is_err());
        let err = OrganizationRef::parse("Acme Inc").unwrap_err();
        assert!(
            err.to_string().contains("neither an organization ID"),
            "{err}"
        );
    }
}
