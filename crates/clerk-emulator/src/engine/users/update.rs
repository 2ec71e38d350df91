//! `PATCH /users/{id}`: every field but metadata (and, before API version 2026-05-12,
//! metadata replaced whole).

use clerk_passwords::PasswordDigest;
use serde::Deserialize;

use super::checks::{check_external_id, check_password_digest, check_username, time_field};
use crate::engine::body::Patch;
use crate::engine::metadata::{MetadataInput, Mode};
use crate::engine::passwords;
use crate::engine::state::State;
use crate::engine::validate::{self, collect};
use crate::error::{ApiError, ApiResult, ErrorItem};
use crate::model::{Identification, Metadata, User};

/// `PATCH /users/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct UpdateUser {
    external_id: Patch<String>,
    first_name: Patch<String>,
    last_name: Patch<String>,
    locale: Patch<String>,
    primary_email_address_id: Patch<String>,
    primary_phone_number_id: Patch<String>,
    primary_web3_wallet_id: Patch<String>,
    username: Patch<String>,
    pub(super) password: Patch<String>,
    password_digest: Option<String>,
    password_hasher: Option<String>,
    skip_password_checks: Option<bool>,
    sign_out_of_other_sessions: Option<bool>,
    totp_secret: Patch<String>,
    backup_codes: Option<Vec<String>>,
    delete_self_enabled: Option<bool>,
    create_organization_enabled: Option<bool>,
    legal_accepted_at: Patch<String>,
    create_organizations_limit: Patch<i64>,
    created_at: Option<String>,
    bypass_client_trust: Option<bool>,
    // Before 2026-05-12 only: replaces the field.
    public_metadata: Option<Metadata>,
    private_metadata: Option<Metadata>,
    unsafe_metadata: Option<Metadata>,
    /// The hash of `password`, computed before the state lock is taken.
    #[serde(skip)]
    pub(super) password_hash: Option<PasswordDigest>,
}

fn set_primary(
    param: &str,
    wanted: &Patch<String>,
    idents: &[Identification],
    slot: &mut Option<String>,
    errors: &mut Vec<ErrorItem>,
) {
    match wanted {
        Patch::Absent | Patch::Null => {}
        Patch::Value(id) => match idents.iter().find(|i| &i.id == id) {
            Some(i) if !i.reserved => *slot = Some(id.clone()),
            _ => errors.push(ApiError::resource_missing(param)),
        },
    }
}

pub(super) fn apply_update(
    st: &State,
    mut user: User,
    mut input: UpdateUser,
    now: i64,
) -> ApiResult<User> {
    let mut errors = Vec::new();
    let own = Some(user.id.as_str());
    match &input.username {
        Patch::Absent => {}
        Patch::Null => user.username = None,
        Patch::Value(v) if v.is_empty() => user.username = None,
        Patch::Value(v) => {
            check_username(st, v, own, &mut errors);
            user.username = Some(v.clone());
        }
    }
    match &input.external_id {
        Patch::Absent => {}
        Patch::Null => user.external_id = None,
        Patch::Value(v) if v.is_empty() => user.external_id = None,
        Patch::Value(v) => {
            check_external_id(st, v, own, &mut errors);
            user.external_id = Some(v.clone());
        }
    }
    for (patch, slot) in [
        (&input.first_name, &mut user.first_name),
        (&input.last_name, &mut user.last_name),
        (&input.locale, &mut user.locale),
    ] {
        match patch {
            Patch::Absent => {}
            Patch::Null => *slot = None,
            Patch::Value(v) => *slot = Some(v.clone()),
        }
    }
    set_primary(
        "primary_email_address_id",
        &input.primary_email_address_id,
        &user.email_addresses,
        &mut user.primary_email_address_id,
        &mut errors,
    );
    set_primary(
        "primary_phone_number_id",
        &input.primary_phone_number_id,
        &user.phone_numbers,
        &mut user.primary_phone_number_id,
        &mut errors,
    );
    set_primary(
        "primary_web3_wallet_id",
        &input.primary_web3_wallet_id,
        &user.web3_wallets,
        &mut user.primary_web3_wallet_id,
        &mut errors,
    );
    let has_password = input.password.value().is_some();
    for (flag, name) in [
        (input.skip_password_checks, "skip_password_checks"),
        (
            input.sign_out_of_other_sessions,
            "sign_out_of_other_sessions",
        ),
    ] {
        if flag.is_some() && !has_password {
            return Err(ApiError::conditional_missing("password", name));
        }
    }
    if let Patch::Value(password) = &input.password {
        collect(
            &mut errors,
            validate::password(
                "password",
                password,
                input.skip_password_checks.unwrap_or(false),
            ),
        );
        user.password = Some(
            input
                .password_hash
                .take()
                .unwrap_or_else(|| passwords::hash_clear(password)),
        );
        user.password_enabled = true;
        user.password_last_updated_at = Some(now);
    }
    let digest = check_password_digest(
        input.password_digest.as_ref(),
        input.password_hasher.as_ref(),
    )?;
    if let Some(digest) = digest {
        // Given both, the password set in clear is the one kept.
        if !has_password {
            user.password = Some(digest);
        }
        user.password_enabled = true;
        user.password_last_updated_at = Some(now);
    }
    match &input.totp_secret {
        Patch::Absent => {}
        Patch::Null => {
            if user.totp_enabled {
                user.totp_enabled = false;
                user.mfa_disabled_at = Some(now);
            }
        }
        Patch::Value(_) => {
            user.totp_enabled = true;
            user.mfa_enabled_at = Some(now);
        }
    }
    if let Some(codes) = &input.backup_codes {
        user.backup_code_enabled = !codes.is_empty();
        if user.backup_code_enabled {
            user.mfa_enabled_at = Some(now);
        }
    }
    if let Some(v) = input.delete_self_enabled {
        user.delete_self_enabled = v;
    }
    if let Some(v) = input.create_organization_enabled {
        user.create_organization_enabled = v;
    }
    if let Some(v) = input.bypass_client_trust {
        user.bypass_client_trust = v;
    }
    match &input.create_organizations_limit {
        Patch::Absent => {}
        Patch::Null => user.create_organizations_limit = None,
        Patch::Value(v) => user.create_organizations_limit = Some(*v),
    }
    match &input.legal_accepted_at {
        Patch::Absent => {}
        Patch::Null => user.legal_accepted_at = None,
        Patch::Value(v) => {
            user.legal_accepted_at = time_field("legal_accepted_at", Some(v), &mut errors)
        }
    }
    if let Some(at) = time_field("created_at", input.created_at.as_ref(), &mut errors) {
        user.created_at = at;
    }
    let replaced = MetadataInput {
        public_metadata: input.public_metadata,
        private_metadata: input.private_metadata,
        unsafe_metadata: input.unsafe_metadata,
        ..MetadataInput::default()
    };
    replaced.apply(Mode::Replace, &mut user, now)?;
    if !errors.is_empty() {
        return Err(ApiError::form(errors));
    }
    user.updated_at = now;
    Ok(user)
}
