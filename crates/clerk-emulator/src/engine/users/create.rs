//! `POST /users` and a seed file's users.

use clerk_passwords::PasswordDigest;
use serde::Deserialize;
use serde_json::Value;

use super::checks::{
    Ident, check_external_id, check_identifiers, check_password_digest, check_username, non_empty,
    time_field,
};
use crate::engine::state::{Changes, State};
use crate::engine::validate::{self, collect};
use crate::engine::{metadata, passwords};
use crate::error::{ApiError, ApiResult, ErrorItem};
use crate::ids::new_id;
use crate::model::{Identification, Metadata, User};

/// `POST /users` (and a seed file's users, which may also set `id` and activity times).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreateUser {
    pub external_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub locale: Option<String>,
    pub email_address: Vec<String>,
    pub email_address_identification_status: Vec<String>,
    pub phone_number: Vec<String>,
    pub phone_number_identification_status: Vec<String>,
    pub web3_wallet: Vec<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub password_digest: Option<String>,
    pub password_hasher: Option<String>,
    pub skip_password_checks: Option<bool>,
    pub skip_password_requirement: Option<bool>,
    pub totp_secret: Option<String>,
    pub backup_codes: Vec<String>,
    pub public_metadata: Option<Metadata>,
    pub private_metadata: Option<Metadata>,
    pub unsafe_metadata: Option<Metadata>,
    pub delete_self_enabled: Option<bool>,
    pub legal_accepted_at: Option<String>,
    pub skip_legal_checks: Option<bool>,
    pub skip_user_requirement: Option<bool>,
    pub create_organization_enabled: Option<bool>,
    pub create_organizations_limit: Option<i64>,
    pub created_at: Option<String>,
    pub bypass_client_trust: Option<bool>,
    pub banned: Option<bool>,
    pub locked: Option<bool>,
    // Seed files only: the Backend API cannot set these.
    pub id: Option<String>,
    pub last_active_at: Option<i64>,
    pub last_sign_in_at: Option<i64>,
    pub external_accounts: Vec<Value>,
    /// The hash of `password`, when the caller computed it before taking the state lock.
    #[serde(skip)]
    pub(in crate::engine) password_hash: Option<PasswordDigest>,
}

fn identifications(values: &[String], statuses: &[String], now: i64) -> Vec<Identification> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| Identification {
            id: new_id("idn"),
            value: v.clone(),
            reserved: statuses.get(i).is_some_and(|s| s == "reserved"),
            created_at: now,
            updated_at: now,
        })
        .collect()
}

pub(in crate::engine) fn create(
    st: &mut State,
    ch: &mut Changes,
    mut input: CreateUser,
    now: i64,
) -> ApiResult<String> {
    let mut errors = Vec::new();
    check_identifiers(
        st,
        Ident::Email,
        &input.email_address,
        Some(&input.email_address_identification_status),
        &mut errors,
    );
    check_identifiers(
        st,
        Ident::Phone,
        &input.phone_number,
        Some(&input.phone_number_identification_status),
        &mut errors,
    );
    check_identifiers(st, Ident::Wallet, &input.web3_wallet, None, &mut errors);
    let username = non_empty(input.username.clone());
    if let Some(name) = &username {
        check_username(st, name, None, &mut errors);
    }
    let external_id = non_empty(input.external_id.clone());
    if let Some(ext) = &external_id {
        check_external_id(st, ext, None, &mut errors);
    }
    if let Some(password) = &input.password {
        collect(
            &mut errors,
            validate::password(
                "password",
                password,
                input.skip_password_checks.unwrap_or(false),
            ),
        );
    }
    let legal_accepted_at = time_field(
        "legal_accepted_at",
        input.legal_accepted_at.as_ref(),
        &mut errors,
    );
    let created_at =
        time_field("created_at", input.created_at.as_ref(), &mut errors).unwrap_or(now);
    metadata::check_sizes([
        ("public_metadata", input.public_metadata.as_ref()),
        ("private_metadata", input.private_metadata.as_ref()),
        ("unsafe_metadata", input.unsafe_metadata.as_ref()),
    ])?;
    if let Some(id) = &input.id
        && (!crate::ids::has_shape(id, "user") || st.users.contains_key(id))
    {
        errors.push(ApiError::seed_id_invalid(id, "user"));
    }
    let mut external_accounts = Vec::with_capacity(input.external_accounts.len());
    for (i, a) in input.external_accounts.into_iter().enumerate() {
        match external_account(i, a, now) {
            Ok(a) => external_accounts.push(a),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::form(errors));
    }
    let digest = check_password_digest(
        input.password_digest.as_ref(),
        input.password_hasher.as_ref(),
    )?;
    let has_identifier = !input.email_address.is_empty()
        || !input.phone_number.is_empty()
        || !input.web3_wallet.is_empty()
        || username.is_some();
    if !has_identifier && !input.skip_user_requirement.unwrap_or(false) {
        return Err(ApiError::user_data_missing(&[
            "email_address",
            "phone_number",
            "web3_wallet",
            "username",
        ]));
    }

    let emails = identifications(
        &input.email_address,
        &input.email_address_identification_status,
        now,
    );
    let phones = identifications(
        &input.phone_number,
        &input.phone_number_identification_status,
        now,
    );
    let wallets = identifications(&input.web3_wallet, &[], now);
    let primary = |ids: &[Identification]| ids.iter().find(|i| !i.reserved).map(|i| i.id.clone());
    // Given both, the password set in clear is the one kept.
    let password = match &input.password {
        Some(clear) => Some(
            input
                .password_hash
                .take()
                .unwrap_or_else(|| passwords::hash_clear(clear)),
        ),
        None => digest,
    };
    let has_password = password.is_some();
    let totp = input.totp_secret.is_some();
    let user = User {
        id: input.id.unwrap_or_else(|| new_id("user")),
        external_id,
        username,
        first_name: input.first_name,
        last_name: input.last_name,
        locale: input.locale,
        primary_email_address_id: primary(&emails),
        primary_phone_number_id: primary(&phones),
        primary_web3_wallet_id: primary(&wallets),
        email_addresses: emails,
        phone_numbers: phones,
        web3_wallets: wallets,
        password_enabled: has_password,
        password_last_updated_at: has_password.then_some(now),
        password,
        totp_enabled: totp,
        backup_code_enabled: !input.backup_codes.is_empty(),
        mfa_enabled_at: (totp || !input.backup_codes.is_empty()).then_some(now),
        mfa_disabled_at: None,
        public_metadata: input.public_metadata.unwrap_or_default(),
        private_metadata: input.private_metadata.unwrap_or_default(),
        unsafe_metadata: input.unsafe_metadata.unwrap_or_default(),
        null_metadata: Default::default(),
        banned: input.banned.unwrap_or(false),
        locked: input.locked.unwrap_or(false),
        // A user created locked is locked as `POST /users/{id}/lock` locks.
        lockout_expires_at: input
            .locked
            .unwrap_or(false)
            .then(|| st.lockout_end(now))
            .flatten(),
        delete_self_enabled: input.delete_self_enabled.unwrap_or(true),
        create_organization_enabled: input.create_organization_enabled.unwrap_or(true),
        create_organizations_limit: input.create_organizations_limit,
        bypass_client_trust: input.bypass_client_trust.unwrap_or(false),
        external_accounts,
        last_sign_in_at: input.last_sign_in_at,
        last_active_at: input.last_active_at,
        legal_accepted_at,
        created_at,
        updated_at: now.max(created_at),
    };
    let id = user.id.clone();
    st.save_user(ch, user);
    Ok(id)
}

/// A seed's external (OAuth) account as Clerk shows one. The seed names `provider` and
/// `provider_user_id`; every other field the spec requires gets a Clerk-like default unless the
/// seed gives it, so users answer with the `ExternalAccountWithVerification` shape.
#[allow(
    clippy::result_large_err,
    reason = "the cold path of a refused seed entry"
)]
fn external_account(index: usize, account: Value, now: i64) -> Result<Value, ErrorItem> {
    let param = format!("external_accounts[{index}]");
    let Value::Object(mut a) = account else {
        return Err(ApiError::seed_external_account_invalid(&param));
    };
    for key in ["provider", "provider_user_id"] {
        if !a.get(key).is_some_and(Value::is_string) {
            return Err(ApiError::param_missing(&format!("{param}.{key}")));
        }
    }
    let provider = a["provider"].as_str().unwrap_or_default().to_owned();
    let defaults = [
        ("object", Value::from("external_account")),
        ("id", Value::from(new_id("eac"))),
        ("identification_id", Value::from(new_id("idn"))),
        ("approved_scopes", Value::from("")),
        ("email_address", Value::from("")),
        ("first_name", Value::from("")),
        ("last_name", Value::from("")),
        ("public_metadata", Value::Object(Default::default())),
        ("created_at", Value::from(now)),
        ("updated_at", Value::from(now)),
        (
            "verification",
            serde_json::json!({
                "object": "verification_oauth",
                "status": "verified",
                "strategy": provider,
                "attempts": null,
                "expire_at": now,
            }),
        ),
    ];
    for (key, value) in defaults {
        a.entry(key).or_insert(value);
    }
    Ok(Value::Object(a))
}
