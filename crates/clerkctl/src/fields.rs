//! The fields of Clerk's objects, as its OpenAPI file names them, so that `--fields` (and a
//! tool's `fields`) can refuse a name that no object of that kind has, instead of printing
//! `"emial": null` and exiting 0. Dots reach inside: a field of a known nested object is
//! checked too (`email_addresses.email_address`), array indexes pass (`email_addresses.0.id`),
//! and what is inside metadata or a verification is the instance's own and never refused.

use crate::fail::{CliResult, Fail, Hint, usage};
use crate::output::Kind;

/// An object's fields, each with the shape of what it holds when that is an object (or an
/// array of objects) whose fields are known.
#[derive(Debug)]
pub struct Shape {
    pub fields: &'static [(&'static str, Option<&'static Shape>)],
}

pub static EMAIL_ADDRESS: Shape = Shape {
    fields: &[
        ("id", None),
        ("object", None),
        ("email_address", None),
        ("reserved", None),
        ("verification", None),
        ("linked_to", None),
        ("matches_sso_connection", None),
        ("created_at", None),
        ("updated_at", None),
    ],
};

pub static PHONE_NUMBER: Shape = Shape {
    fields: &[
        ("id", None),
        ("object", None),
        ("phone_number", None),
        ("reserved_for_second_factor", None),
        ("default_second_factor", None),
        ("reserved", None),
        ("verification", None),
        ("linked_to", None),
        ("backup_codes", None),
        ("created_at", None),
        ("updated_at", None),
    ],
};

pub static WEB3_WALLET: Shape = Shape {
    fields: &[
        ("id", None),
        ("object", None),
        ("web3_wallet", None),
        ("verification", None),
        ("created_at", None),
        ("updated_at", None),
    ],
};

pub static USER: Shape = Shape {
    fields: &[
        ("id", None),
        ("object", None),
        ("external_id", None),
        ("primary_email_address_id", None),
        ("primary_phone_number_id", None),
        ("primary_web3_wallet_id", None),
        ("username", None),
        ("first_name", None),
        ("last_name", None),
        ("locale", None),
        ("profile_image_url", None),
        ("image_url", None),
        ("has_image", None),
        ("public_metadata", None),
        ("private_metadata", None),
        ("unsafe_metadata", None),
        ("email_addresses", Some(&EMAIL_ADDRESS)),
        ("phone_numbers", Some(&PHONE_NUMBER)),
        ("web3_wallets", Some(&WEB3_WALLET)),
        ("passkeys", None),
        ("password_enabled", None),
        ("two_factor_enabled", None),
        ("totp_enabled", None),
        ("backup_code_enabled", None),
        ("mfa_enabled_at", None),
        ("mfa_disabled_at", None),
        ("password_last_updated_at", None),
        ("external_accounts", None),
        ("saml_accounts", None),
        ("enterprise_accounts", None),
        ("organization_memberships", Some(&MEMBERSHIP)),
        ("last_sign_in_at", None),
        ("banned", None),
        ("locked", None),
        ("deprovisioned", None),
        ("lockout_expires_in_seconds", None),
        ("verification_attempts_remaining", None),
        ("updated_at", None),
        ("created_at", None),
        ("delete_self_enabled", None),
        ("create_organization_enabled", None),
        ("create_organizations_limit", None),
        ("last_active_at", None),
        ("legal_accepted_at", None),
        ("bypass_client_trust", None),
        ("scim", None),
    ],
};

pub static ORGANIZATION: Shape = Shape {
    fields: &[
        ("object", None),
        ("id", None),
        ("name", None),
        ("slug", None),
        ("image_url", None),
        ("has_image", None),
        ("members_count", None),
        ("missing_member_with_elevated_permissions", None),
        ("pending_invitations_count", None),
        ("max_allowed_memberships", None),
        ("admin_delete_enabled", None),
        ("public_metadata", None),
        ("private_metadata", None),
        ("created_by", None),
        ("created_at", None),
        ("updated_at", None),
        ("last_active_at", None),
        ("role_set_key", None),
    ],
};

pub static PUBLIC_USER_DATA: Shape = Shape {
    fields: &[
        ("user_id", None),
        ("first_name", None),
        ("last_name", None),
        ("profile_image_url", None),
        ("image_url", None),
        ("has_image", None),
        ("identifier", None),
        ("username", None),
        ("banned", None),
        ("deprovisioned", None),
    ],
};

pub static MEMBERSHIP: Shape = Shape {
    fields: &[
        ("id", None),
        ("object", None),
        ("role", None),
        ("role_name", None),
        ("permissions", None),
        ("public_metadata", None),
        ("private_metadata", None),
        ("organization", Some(&ORGANIZATION)),
        ("public_user_data", Some(&PUBLIC_USER_DATA)),
        ("created_at", None),
        ("updated_at", None),
    ],
};

pub static ORGANIZATION_INVITATION: Shape = Shape {
    fields: &[
        ("object", None),
        ("id", None),
        ("email_address", None),
        ("role", None),
        ("role_name", None),
        ("organization_id", None),
        ("inviter_id", None),
        ("public_inviter_data", None),
        ("status", None),
        ("public_metadata", None),
        ("private_metadata", None),
        ("url", None),
        ("expires_at", None),
        ("created_at", None),
        ("updated_at", None),
        ("public_organization_data", None),
    ],
};

pub static INVITATION: Shape = Shape {
    fields: &[
        ("object", None),
        ("id", None),
        ("email_address", None),
        ("public_metadata", None),
        ("revoked", None),
        ("status", None),
        ("url", None),
        ("expires_at", None),
        ("created_at", None),
        ("updated_at", None),
    ],
};

pub static DELETED: Shape = Shape {
    fields: &[
        ("object", None),
        ("id", None),
        ("slug", None),
        ("deleted", None),
        ("external_id", None),
    ],
};

pub static SESSION: Shape = Shape {
    fields: &[
        ("object", None),
        ("id", None),
        ("user_id", None),
        ("client_id", None),
        ("actor", None),
        ("status", None),
        ("last_active_organization_id", None),
        ("last_active_at", None),
        ("latest_activity", None),
        ("expire_at", None),
        ("abandon_at", None),
        ("updated_at", None),
        ("created_at", None),
        ("tasks", None),
    ],
};

pub static JWT_TEMPLATE: Shape = Shape {
    fields: &[
        ("object", None),
        ("id", None),
        ("name", None),
        ("claims", None),
        ("lifetime", None),
        ("allowed_clock_skew", None),
        ("custom_signing_key", None),
        ("signing_algorithm", None),
        ("created_at", None),
        ("updated_at", None),
    ],
};

pub static COUNT: Shape = Shape {
    fields: &[("object", None), ("total_count", None)],
};

/// The shape of what a command of this kind prints, when it is one of Clerk's objects.
pub fn shape(kind: Kind) -> Option<&'static Shape> {
    Some(match kind {
        Kind::User => &USER,
        Kind::Organization => &ORGANIZATION,
        Kind::Membership => &MEMBERSHIP,
        Kind::OrganizationInvitation => &ORGANIZATION_INVITATION,
        Kind::Invitation => &INVITATION,
        Kind::Session => &SESSION,
        Kind::JwtTemplate => &JWT_TEMPLATE,
        Kind::Deleted => &DELETED,
        Kind::Count => &COUNT,
        Kind::Raw => return None,
    })
}

/// The shape of one of Clerk's objects as clerk-api models it (`T` of a list or a read), with
/// its noun: for the MCP tools, whose answers are typed by the operation, not by a command.
pub fn shape_of<T: 'static>() -> Option<(&'static str, &'static Shape)> {
    use clerk_api::models::{
        Invitation, JwtTemplate, Organization, OrganizationInvitation, OrganizationMembership,
        Session, User,
    };
    use std::any::TypeId;
    let t = TypeId::of::<T>();
    let kind = [
        (TypeId::of::<User>(), Kind::User),
        (TypeId::of::<Organization>(), Kind::Organization),
        (TypeId::of::<OrganizationMembership>(), Kind::Membership),
        (
            TypeId::of::<OrganizationInvitation>(),
            Kind::OrganizationInvitation,
        ),
        (TypeId::of::<Invitation>(), Kind::Invitation),
        (TypeId::of::<Session>(), Kind::Session),
        (TypeId::of::<JwtTemplate>(), Kind::JwtTemplate),
    ]
    .into_iter()
    .find(|(id, _)| *id == t)?
    .1;
    shape(kind).map(|s| (kind.noun(), s))
}

impl Shape {
    fn get(&self, name: &str) -> Option<Option<&'static Shape>> {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
    }

    fn names(&self) -> Vec<&'static str> {
        self.fields.iter().map(|(n, _)| *n).collect()
    }
}

/// Checks each dotted path against `shape`: the first name, and the names inside a nested
/// object whose fields are known. A refusal names the field, the valid names at that place,
/// and the nearest of them.
pub fn check(what: &str, shape: &'static Shape, fields: &[String]) -> CliResult<()> {
    check_as("--fields", what, shape, fields)
}

/// [`check`], the refusal naming the option as `option` says (an MCP tool's `fields`).
pub fn check_as(
    option: &str,
    what: &str,
    shape: &'static Shape,
    fields: &[String],
) -> CliResult<()> {
    for path in fields {
        let mut here = shape;
        let mut seen: Vec<&str> = Vec::new();
        for part in path.split('.') {
            if part.parse::<usize>().is_ok() {
                // An index into an array: the element has the same shape.
                seen.push(part);
                continue;
            }
            match here.get(part) {
                Some(Some(inner)) => here = inner,
                Some(None) => break,
                None => return Err(unknown(option, what, path, &seen, part, here)),
            }
            seen.push(part);
        }
    }
    Ok(())
}

fn unknown(option: &str, what: &str, path: &str, seen: &[&str], part: &str, shape: &Shape) -> Fail {
    let names = shape.names();
    let near = nearest(part, &names);
    let place = if seen.is_empty() {
        format!("{what}s have no field {part:?}")
    } else {
        format!("{path:?}: {} has no field {part:?}", seen.join("."))
    };
    let suggestion = near
        .map(|n| format!(" (did you mean {n:?}?)"))
        .unwrap_or_default();
    let prefix = if seen.is_empty() {
        String::new()
    } else {
        format!("{}.", seen.join("."))
    };
    usage(format!(
        "{option}: {place}{suggestion}; the fields are: {}",
        names.join(", ")
    ))
    .with_hint(Hint::same(match near {
        Some(n) => format!("use {prefix}{n}"),
        None => format!("use one of the fields listed, such as {prefix}{}", names[0]),
    }))
}

/// The name closest to `typed`, if one is close enough to be what was meant.
pub fn nearest<'a>(typed: &str, names: &[&'a str]) -> Option<&'a str> {
    // A slip in the first word of a long name (`emial` for `email_addresses`) is compared
    // with that word too.
    let score = |n: &str| {
        let whole = strsim::jaro_winkler(typed, n);
        let head = n.split('_').next().unwrap_or(n);
        if typed.len() >= 4 && head.len() >= 4 {
            whole.max(strsim::jaro_winkler(typed, head) - 0.05)
        } else {
            whole
        }
    };
    names
        .iter()
        .map(|n| (score(n), *n))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(f: &[&str]) -> Vec<String> {
        f.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn known_fields_pass_and_unknown_ones_are_named_with_a_suggestion() {
        let ok = [
            "id",
            "email_addresses.email_address",
            "email_addresses.0.id",
            "public_metadata.plan.tier",
            "email_addresses.verification.status",
            "organization_memberships.organization.slug",
        ];
        check("user", &USER, &fields(&ok)).unwrap();
        let refused = check("user", &USER, &fields(&["id", "emial"])).unwrap_err();
        let line = refused.line();
        assert!(line.contains("users have no field \"emial\""), "{line}");
        assert!(line.contains("did you mean \"email_addresses\"?"), "{line}");
        assert!(line.contains("first_name"), "the valid names: {line}");
        assert_eq!(refused.exit_code(), crate::fail::exit::USAGE);

        let nested = check("user", &USER, &fields(&["email_addresses.emial"])).unwrap_err();
        let line = nested.line();
        assert!(
            line.contains("email_addresses has no field \"emial\""),
            "{line}"
        );
        assert!(line.contains("did you mean \"email_address\"?"), "{line}");
        assert!(line.contains("use email_addresses.email_address"), "{line}");

        check(
            "membership",
            &MEMBERSHIP,
            &fields(&["public_user_data.identifier"]),
        )
        .unwrap();
        assert!(
            check(
                "membership",
                &MEMBERSHIP,
                &fields(&["public_user_data.email"])
            )
            .is_err()
        );
    }

    #[test]
    fn far_off_names_get_no_suggestion() {
        assert_eq!(nearest("zzzz", &USER.names()), None);
        assert_eq!(nearest("usrname", &USER.names()), Some("username"));
    }
}
