//! Checks on a user's fields shared by create and update: identifiers unique in the instance,
//! username and external ID, password digests, times.

use clerk_passwords::PasswordDigest;

use crate::engine::state::State;
use crate::engine::{body, passwords, validate};
use crate::error::{ApiError, ApiResult, ErrorItem};

/// Which identifier kinds a user must keep unique, for messages and indexes.
#[derive(Clone, Copy)]
pub(super) enum Ident {
    Email,
    Phone,
    Wallet,
}

impl Ident {
    fn param(self) -> &'static str {
        match self {
            Ident::Email => "email_address",
            Ident::Phone => "phone_number",
            Ident::Wallet => "web3_wallet",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Ident::Email => "email address",
            Ident::Phone => "phone number",
            Ident::Wallet => "web3 wallet",
        }
    }

    fn key(self, value: &str) -> String {
        match self {
            Ident::Phone => value.to_owned(),
            Ident::Email | Ident::Wallet => value.to_lowercase(),
        }
    }

    fn index(self, st: &State) -> &std::collections::HashMap<String, String> {
        match self {
            Ident::Email => &st.emails,
            Ident::Phone => &st.phones,
            Ident::Wallet => &st.wallets,
        }
    }

    #[allow(clippy::result_large_err, reason = "the cold path of a rejected value")]
    fn check(self, param: &str, value: &str) -> Result<(), ErrorItem> {
        match self {
            Ident::Email => validate::email(param, value),
            Ident::Phone => validate::phone(param, value),
            Ident::Wallet => validate::web3_wallet(param, value),
        }
    }
}

/// Checks a list of new identifiers: format, statuses, uniqueness in the request and instance.
pub(super) fn check_identifiers(
    st: &State,
    kind: Ident,
    values: &[String],
    statuses: Option<&[String]>,
    errors: &mut Vec<ErrorItem>,
) {
    let param = kind.param();
    let mut seen = std::collections::HashSet::new();
    for v in values {
        if let Err(e) = kind.check(param, v) {
            errors.push(e);
            continue;
        }
        let key = kind.key(v);
        if !seen.insert(key.clone()) || kind.index(st).contains_key(&key) {
            errors.push(ApiError::identifier_exists(param, kind.what()));
        }
    }
    if let Some(statuses) = statuses.filter(|s| !s.is_empty())
        && statuses.len() != values.len()
    {
        // One status per value, in the same order.
        let status_param = format!("{param}_identification_status");
        errors.push(ApiError::param_invalid(&status_param));
    }
}

pub(super) fn check_username(
    st: &State,
    value: &str,
    own: Option<&str>,
    errors: &mut Vec<ErrorItem>,
) {
    if let Err(e) = validate::username("username", value) {
        errors.push(e);
    } else if st
        .usernames
        .get(&value.to_lowercase())
        .is_some_and(|holder| Some(holder.as_str()) != own)
    {
        errors.push(ApiError::identifier_exists("username", "username"));
    }
}

pub(super) fn check_external_id(
    st: &State,
    value: &str,
    own: Option<&str>,
    errors: &mut Vec<ErrorItem>,
) {
    if st
        .external_ids
        .get(value)
        .is_some_and(|holder| Some(holder.as_str()) != own)
    {
        errors.push(ApiError::identifier_exists("external_id", "external ID"));
    }
}

/// `password_digest` with its `password_hasher`: a hasher Clerk accepts, both or neither, and
/// a digest in the hasher's format. The digest to keep, if one was given.
pub(super) fn check_password_digest(
    digest: Option<&String>,
    hasher: Option<&String>,
) -> ApiResult<Option<PasswordDigest>> {
    if let Some(h) = hasher
        && !body::PASSWORD_HASHERS.contains(&h.as_str())
    {
        return Err(ApiError::form1(body::enum_error(
            "password_hasher",
            h,
            body::PASSWORD_HASHERS,
        )));
    }
    match (digest, hasher) {
        (Some(_), None) => Err(ApiError::conditional_missing(
            "password_hasher",
            "password_digest",
        )),
        (None, Some(_)) => Err(ApiError::conditional_missing(
            "password_digest",
            "password_hasher",
        )),
        (Some(digest), Some(hasher)) => passwords::check_digest(hasher, digest).map(Some),
        (None, None) => Ok(None),
    }
}

pub(super) fn time_field(
    param: &str,
    value: Option<&String>,
    errors: &mut Vec<ErrorItem>,
) -> Option<i64> {
    value.and_then(|v| match validate::rfc3339_ms(param, v) {
        Ok(ms) => Some(ms),
        Err(e) => {
            errors.push(e);
            None
        }
    })
}

pub(super) fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}
