//! Users: create, read, list and count with every filter, update, metadata, ban, lock, delete.

use serde::Deserialize;
use serde_json::Value;

use super::body::{self, Patch};
use super::metadata::{self, MetadataInput, Mode};
use super::query::{self, Query};
use super::state::{Changes, State};
use super::user_filter::{USER_ORDER_FIELDS, UserFilter, sort_users};
use super::validate::{self, collect};
use super::{ApiVersion, Engine, Json, json};
use crate::error::{ApiError, ApiResult, ErrorItem};
use crate::ids::new_id;
use crate::model::{DeletedObject, Identification, Metadata, User, users_json};

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
}

/// `PATCH /users/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UpdateUser {
    external_id: Patch<String>,
    first_name: Patch<String>,
    last_name: Patch<String>,
    locale: Patch<String>,
    primary_email_address_id: Patch<String>,
    primary_phone_number_id: Patch<String>,
    primary_web3_wallet_id: Patch<String>,
    username: Patch<String>,
    password: Patch<String>,
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
}

#[derive(Debug, Deserialize)]
struct UserIds {
    user_ids: Vec<String>,
}

/// Which identifier kinds a user must keep unique, for messages and indexes.
#[derive(Clone, Copy)]
enum Ident {
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
fn check_identifiers(
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
        let status_param = format!("{param}_identification_status");
        errors.push(ApiError::param_value(
            &status_param,
            format!(
                "{status_param} must contain exactly one item per {param} ({} given for {}).",
                statuses.len(),
                values.len()
            ),
        ));
    }
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

fn check_username(st: &State, value: &str, own: Option<&str>, errors: &mut Vec<ErrorItem>) {
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

fn check_external_id(st: &State, value: &str, own: Option<&str>, errors: &mut Vec<ErrorItem>) {
    if st
        .external_ids
        .get(value)
        .is_some_and(|holder| Some(holder.as_str()) != own)
    {
        errors.push(ApiError::identifier_exists("external_id", "external ID"));
    }
}

fn check_password_digest(digest: Option<&String>, hasher: Option<&String>) -> Option<ApiError> {
    if let Some(h) = hasher
        && !body::PASSWORD_HASHERS.contains(&h.as_str())
    {
        return Some(ApiError::form1(body::enum_error(
            "password_hasher",
            h,
            body::PASSWORD_HASHERS,
        )));
    }
    match (digest, hasher) {
        (Some(_), None) => Some(ApiError::conditional_missing(
            "password_hasher",
            "`password_hasher` is required when `password_digest` is present.",
        )),
        (None, Some(_)) => Some(ApiError::conditional_missing(
            "password_digest",
            "`password_digest` is required when `password_hasher` is present.",
        )),
        _ => None,
    }
}

fn time_field(param: &str, value: Option<&String>, errors: &mut Vec<ErrorItem>) -> Option<i64> {
    value.and_then(|v| match validate::rfc3339_ms(param, v) {
        Ok(ms) => Some(ms),
        Err(e) => {
            errors.push(e);
            None
        }
    })
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

pub(super) fn create(
    st: &mut State,
    ch: &mut Changes,
    input: CreateUser,
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
        errors.push(ApiError::param_value(
            "id",
            format!("id {id} must be unique and look like user_<base62>."),
        ));
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
    if let Some(e) = check_password_digest(
        input.password_digest.as_ref(),
        input.password_hasher.as_ref(),
    ) {
        return Err(e);
    }
    let has_identifier = !input.email_address.is_empty()
        || !input.phone_number.is_empty()
        || !input.web3_wallet.is_empty()
        || username.is_some();
    if !has_identifier && !input.skip_user_requirement.unwrap_or(false) {
        let mut e = ApiError::param_missing("email_address");
        e.code = "form_data_missing".into();
        e.message = "missing data".into();
        e.long_message = "\"email_address, phone_number, web3_wallet or username\" data doesn't match user requirements set for this instance".into();
        e.meta.remove("param_name");
        e.meta.insert(
            "param_names".into(),
            serde_json::json!(["email_address", "phone_number", "web3_wallet", "username"]),
        );
        return Err(ApiError::form1(e));
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
    let has_password = input.password.is_some() || input.password_digest.is_some();
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
        totp_enabled: totp,
        backup_code_enabled: !input.backup_codes.is_empty(),
        mfa_enabled_at: (totp || !input.backup_codes.is_empty()).then_some(now),
        mfa_disabled_at: None,
        public_metadata: input.public_metadata.unwrap_or_default(),
        private_metadata: input.private_metadata.unwrap_or_default(),
        unsafe_metadata: input.unsafe_metadata.unwrap_or_default(),
        banned: input.banned.unwrap_or(false),
        locked: input.locked.unwrap_or(false),
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
        return Err(ApiError::param_value(
            &param,
            format!("{param} must be an object."),
        ));
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
            _ => {
                let mut e = ApiError::param_value(
                    param,
                    format!("The resource associated with the supplied {param} was not found."),
                );
                e.code = "form_resource_not_found".into();
                e.message = "is missing".into();
                errors.push(e);
            }
        },
    }
}

fn apply_update(st: &State, mut user: User, input: UpdateUser, now: i64) -> ApiResult<User> {
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
            return Err(ApiError::conditional_missing(
                "password",
                format!("`password` is required when `{name}` is present."),
            ));
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
        user.password_enabled = true;
        user.password_last_updated_at = Some(now);
    }
    if let Some(e) = check_password_digest(
        input.password_digest.as_ref(),
        input.password_hasher.as_ref(),
    ) {
        return Err(e);
    }
    if input.password_digest.is_some() {
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
    };
    replaced.apply(Mode::Replace, &mut user, now)?;
    if !errors.is_empty() {
        return Err(ApiError::form(errors));
    }
    user.updated_at = now;
    Ok(user)
}

/// Saves a changed user, answering with it (rendered before it moves into the state, which
/// saves looking it up again).
fn save(st: &mut State, ch: &mut Changes, user: User) -> Json {
    let body = user.json();
    st.save_user(ch, user);
    body
}

/// One page of users from an ordered walk of the creation-order index. Without filters the
/// offset is skipped on the index itself, with no user lookups for the users before the page.
fn page_of<'a>(
    walk: impl Iterator<Item = &'a (i64, String)>,
    st: &'a State,
    filter: &UserFilter,
    page: query::Page,
    out: &mut Vec<&'a User>,
) {
    if filter.is_empty() {
        out.extend(
            walk.skip(page.offset)
                .take(page.limit)
                .filter_map(|(_, id)| st.user(id)),
        );
    } else {
        out.extend(
            walk.filter_map(|(_, id)| st.user(id))
                .filter(|u| filter.matches(st, u))
                .skip(page.offset)
                .take(page.limit),
        );
    }
}

impl Engine {
    pub fn create_user(&self, input: CreateUser) -> ApiResult<Json> {
        self.write(|st, ch| {
            let id = create(st, ch, input, super::now_ms())?;
            Ok(st.users[&id].json())
        })
    }

    pub fn get_user(&self, id: &str) -> ApiResult<Json> {
        self.read(|st| st.get_user(id).map(User::json))
    }

    pub fn list_users(&self, pairs: &[(String, String)]) -> ApiResult<Json> {
        let q = Query::new(pairs);
        let filter = UserFilter::parse(&q, false)?;
        let page = q.page()?;
        let order = q.order_by(USER_ORDER_FIELDS, "-created_at")?;
        let cursor = q.one("starting_after");
        if let Some(cursor) = cursor {
            if order.field != "created_at" {
                return Err(ApiError::conditional_disallowed(
                    "starting_after",
                    format!(
                        "`starting_after` isn't allowed when `order_by` is {}. Order by created_at, +created_at or -created_at, or leave order_by out.",
                        q.one("order_by").unwrap_or_default()
                    ),
                ));
            }
            if page.offset != 0 {
                return Err(ApiError::conditional_disallowed(
                    "offset",
                    format!(
                        "`offset` isn't allowed when `starting_after` is present (got {cursor})."
                    ),
                ));
            }
        }
        self.read(|st| {
            let mut out: Vec<&User> = Vec::with_capacity(page.limit);
            if order.field == "created_at" {
                // Walk the (created_at, id) index from the cursor: no sort, no full scan.
                use std::ops::Bound::{Excluded, Unbounded};
                let start = match cursor {
                    Some(c) => Some(st.user_key(c).ok_or_else(|| {
                        ApiError::form1(ApiError::param_value(
                            "starting_after",
                            format!("starting_after {c} is not the ID of a user of this instance."),
                        ))
                    })?),
                    None => None,
                };
                let order_index = &st.user_order;
                match (&start, order.desc) {
                    (None, desc) if filter.is_empty() => {
                        // A plain offset page: skip from whichever end of the index is nearer.
                        let n = order_index.len();
                        let first = page.offset.min(n);
                        let last = page.offset.saturating_add(page.limit).min(n);
                        let from_front = first <= n - last;
                        let ids: Vec<&(i64, String)> = match (desc, from_front) {
                            (false, true) => {
                                order_index.iter().skip(first).take(last - first).collect()
                            }
                            (true, true) => order_index
                                .iter()
                                .rev()
                                .skip(first)
                                .take(last - first)
                                .collect(),
                            (false, false) => {
                                let mut ids: Vec<_> = order_index
                                    .iter()
                                    .rev()
                                    .skip(n - last)
                                    .take(last - first)
                                    .collect();
                                ids.reverse();
                                ids
                            }
                            (true, false) => {
                                let mut ids: Vec<_> = order_index
                                    .iter()
                                    .skip(n - last)
                                    .take(last - first)
                                    .collect();
                                ids.reverse();
                                ids
                            }
                        };
                        out.extend(ids.into_iter().filter_map(|(_, id)| st.user(id)));
                    }
                    (None, false) => page_of(order_index.iter(), st, &filter, page, &mut out),
                    (None, true) => page_of(order_index.iter().rev(), st, &filter, page, &mut out),
                    (Some(k), false) => page_of(
                        order_index.range((Excluded(k.clone()), Unbounded)),
                        st,
                        &filter,
                        page,
                        &mut out,
                    ),
                    (Some(k), true) => page_of(
                        order_index.range((Unbounded, Excluded(k.clone()))).rev(),
                        st,
                        &filter,
                        page,
                        &mut out,
                    ),
                }
            } else {
                let mut all: Vec<&User> = st
                    .users
                    .values()
                    .map(|u| &**u)
                    .filter(|u| filter.matches(st, u))
                    .collect();
                sort_users(&mut all, &order.field, order.desc);
                out = query::paginate(all, page);
            }
            Ok(users_json(out.into_iter()))
        })
    }

    pub fn count_users(&self, pairs: &[(String, String)]) -> ApiResult<Json> {
        let q = Query::new(pairs);
        let filter = UserFilter::parse(&q, false)?;
        self.read(|st| {
            let n = if filter.is_empty() {
                st.users.len()
            } else {
                st.users.values().filter(|u| filter.matches(st, u)).count()
            };
            Ok(json(
                &serde_json::json!({"object": "total_count", "total_count": n}),
            ))
        })
    }

    pub fn update_user(
        &self,
        id: &str,
        body: Option<Value>,
        version: ApiVersion,
    ) -> ApiResult<Json> {
        let spec = if version.update_takes_metadata() {
            &body::UPDATE_USER_LEGACY
        } else {
            &body::UPDATE_USER
        };
        let input: UpdateUser =
            body::parse(spec, body).map_err(|e| metadata::hint_moved(e, "users/{user_id}"))?;
        self.write(|st, ch| {
            let user = st.get_user(id)?.clone();
            let user = apply_update(st, user, input, super::now_ms())?;
            Ok(save(st, ch, user))
        })
    }

    pub fn update_user_metadata(
        &self,
        id: &str,
        body: Option<Value>,
        mode: Mode,
    ) -> ApiResult<Json> {
        let spec = match mode {
            Mode::Merge => &body::UPDATE_USER_METADATA,
            Mode::Replace => &body::REPLACE_USER_METADATA,
        };
        let input = metadata::read_body(spec, body, mode)?;
        self.write(|st, ch| {
            let mut user = st.get_user(id)?.clone();
            input.apply(mode, &mut user, super::now_ms())?;
            Ok(save(st, ch, user))
        })
    }

    pub fn delete_user(&self, id: &str) -> ApiResult<Json> {
        self.write(|st, ch| {
            st.get_user(id)?;
            let user = st.delete_user(ch, id).expect("checked above");
            Ok(json(&DeletedObject {
                object: "user",
                id: user.id,
                slug: None,
                external_id: user.external_id,
                deleted: true,
            }))
        })
    }

    /// `ban`, `unban`, `lock`, `unlock` on one user.
    pub fn set_user_flag(&self, id: &str, flag: UserFlag, on: bool) -> ApiResult<Json> {
        self.write(|st, ch| {
            let mut user = st.get_user(id)?.clone();
            flag.set(&mut user, on, super::now_ms());
            Ok(save(st, ch, user))
        })
    }

    /// `POST /users/ban` and `/users/unban`: IDs that name no user are skipped, and a repeated
    /// ID counts once.
    pub fn set_users_banned(&self, body: Option<Value>, on: bool) -> ApiResult<Json> {
        let spec = if on {
            &body::USERS_BAN
        } else {
            &body::USERS_UNBAN
        };
        let input: UserIds = body::parse(spec, body)?;
        self.write(|st, ch| {
            let now = super::now_ms();
            let mut done = Vec::new();
            for id in &input.user_ids {
                if done.contains(id) {
                    continue;
                }
                if let Some(user) = st.user(id) {
                    let mut user = user.clone();
                    UserFlag::Banned.set(&mut user, on, now);
                    done.push(user.id.clone());
                    st.save_user(ch, user);
                }
            }
            Ok(users_json(done.iter().map(|id| &*st.users[id])))
        })
    }
}

#[derive(Debug, Clone, Copy)]
pub enum UserFlag {
    Banned,
    Locked,
}

impl UserFlag {
    fn set(self, user: &mut User, on: bool, now: i64) {
        match self {
            UserFlag::Banned => user.banned = on,
            UserFlag::Locked => user.locked = on,
        }
        user.updated_at = now;
    }
}
