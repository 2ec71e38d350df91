//! String enums that keep values they do not know, so a new Clerk value never breaks decoding.

macro_rules! open_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("`", $text, "`")]
                $variant,
            )+
            /// A value this version of the crate does not know.
            Unknown(String),
        }

        impl $name {
            /// The value as Clerk writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Unknown(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($text => $name::$variant,)+
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok($name::from(s.as_ref()))
            }
        }
    };
}

open_enum!(
    /// The status of an invitation.
    InvitationStatus {
        Pending => "pending",
        Accepted => "accepted",
        Revoked => "revoked",
        Expired => "expired",
    }
);

open_enum!(
    /// The status of an identification's verification.
    VerificationStatus {
        Verified => "verified",
        Unverified => "unverified",
        Transferable => "transferable",
        Failed => "failed",
        Expired => "expired",
    }
);

open_enum!(
    /// The status of a session. Only an `active` session mints tokens.
    SessionStatus {
        Active => "active",
        Pending => "pending",
        Revoked => "revoked",
        Ended => "ended",
        Expired => "expired",
        Removed => "removed",
        Abandoned => "abandoned",
        Replaced => "replaced",
    }
);

open_enum!(
    /// The status of a sign-in token.
    SignInTokenStatus {
        Pending => "pending",
        Accepted => "accepted",
        Revoked => "revoked",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_survive_a_round_trip() {
        let s: InvitationStatus = serde_json::from_str("\"waitlisted\"").unwrap();
        assert_eq!(s, InvitationStatus::Unknown("waitlisted".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"waitlisted\"");
        let s: InvitationStatus = serde_json::from_str("\"pending\"").unwrap();
        assert_eq!(s, InvitationStatus::Pending);
    }
}
