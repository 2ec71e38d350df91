//! Users: list, count, get, create, update, metadata, delete, ban, unban, lock, unlock.

use clerk_api::Request;
use clerk_api::models::{DeletedObject, OrganizationMembership, User};
use clerk_api::page::List;
use clerk_api::request::One;
use clerk_api::resources::{CountUsers, CreateUser, UpdateUser, UserMetadata};
use schemars::JsonSchema;
use serde::Deserialize;

use serde_json::Value;

use super::time::Time;
use super::{
    Cell, Change, Listing, Object, Read, Write, check, nothing_to_change, row_reason, row_text,
    set_some,
};
use crate::fail::{CliResult, Subject, usage};

/// The filters of `users list`, `users count` and `users export` (and of the MCP tools
/// `list_users`, `get_user_count` and `export_users`): Clerk's query parameters for
/// `GET /users` and `GET /users/count`. Each field's doc comment describes it to agents; its
/// `help` to people.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserFilters {
    /// Only users with one of these exact email addresses.
    #[arg(
        long = "email-address",
        value_name = "EMAIL",
        help = "Users with this email address (repeatable)"
    )]
    #[serde(default)]
    pub email_address: Vec<String>,
    /// Only users with one of these phone numbers (E.164, e.g. +15555550100).
    #[arg(
        long = "phone-number",
        value_name = "PHONE",
        help = "Users with this phone number (repeatable)"
    )]
    #[serde(default)]
    pub phone_number: Vec<String>,
    /// Only users with one of these external IDs (your own IDs for them); prefix one with -
    /// to exclude it, with + to include it.
    #[arg(
        long = "external-id",
        value_name = "ID",
        allow_hyphen_values = true,
        help = "Users with this external ID; prefix + to include, - to exclude (repeatable)"
    )]
    #[serde(default)]
    pub external_id: Vec<String>,
    /// Only users with one of these usernames.
    #[arg(
        long,
        value_name = "USERNAME",
        help = "Users with this username (repeatable)"
    )]
    #[serde(default)]
    pub username: Vec<String>,
    /// Only users with one of these web3 wallet addresses.
    #[arg(
        long = "web3-wallet",
        value_name = "WALLET",
        help = "Users with this web3 wallet (repeatable)"
    )]
    #[serde(default)]
    pub web3_wallet: Vec<String>,
    /// Only these users (IDs like user_2xhF..., email addresses or usernames); prefix one with - to exclude it instead.
    #[arg(
        long = "user-id",
        value_name = "USER_ID",
        allow_hyphen_values = true,
        help = "These users; prefix + to include, - to exclude (repeatable)"
    )]
    #[serde(default)]
    pub user_id: Vec<String>,
    /// Only members of these organizations (IDs like org_2xhF..., slugs or names); prefix one with - to
    /// exclude its members instead.
    #[arg(
        long = "organization-id",
        value_name = "ORG_ID",
        allow_hyphen_values = true,
        help = "Members of this organization; prefix + to include, - to exclude (repeatable)"
    )]
    #[serde(default)]
    pub organization_id: Vec<String>,
    /// Partial match over email addresses, phone numbers, usernames, web3 wallets, IDs and
    /// names.
    #[arg(
        long,
        help = "Partial match over emails, phones, usernames, wallets, IDs and names"
    )]
    pub query: Option<String>,
    /// Partial match over email addresses.
    #[arg(long = "email-address-query", value_name = "TEXT")]
    pub email_address_query: Option<String>,
    /// Partial match over phone numbers.
    #[arg(long = "phone-number-query", value_name = "TEXT")]
    pub phone_number_query: Option<String>,
    /// Partial match over usernames.
    #[arg(long = "username-query", value_name = "TEXT")]
    pub username_query: Option<String>,
    /// Partial match over first and last names.
    #[arg(long = "name-query", value_name = "TEXT")]
    pub name_query: Option<String>,
    /// true: only banned users; false: only users who are not banned.
    #[arg(
        long,
        value_name = "BOOL",
        help = "Only banned (true) or only not banned (false) users"
    )]
    pub banned: Option<bool>,
    /// Only users last active before this time (an ISO 8601 date or date-time, an age such as "30d" meaning 30 days ago, or Unix milliseconds).
    #[arg(
        long = "last-active-at-before",
        visible_alias = "last-active-before",
        value_name = "TIME",
        help = "Last active before this time (2024-01-31, 2024-01-31T09:00:00Z, 30d, or Unix ms)"
    )]
    pub last_active_at_before: Option<Time>,
    /// Only users last active after this time (an ISO 8601 date or date-time, an age such as "30d" meaning 30 days ago, or Unix milliseconds).
    #[arg(
        long = "last-active-at-after",
        visible_alias = "last-active-after",
        value_name = "TIME",
        help = "Last active after this time (2024-01-31, 2024-01-31T09:00:00Z, 30d, or Unix ms)"
    )]
    pub last_active_at_after: Option<Time>,
    /// Only users created before this time (an ISO 8601 date or date-time, an age such as "30d" meaning 30 days ago, or Unix milliseconds).
    #[arg(
        long = "created-at-before",
        visible_alias = "created-before",
        value_name = "TIME",
        help = "Created before this time (2024-01-31, 2024-01-31T09:00:00Z, 30d, or Unix ms)"
    )]
    pub created_at_before: Option<Time>,
    /// Only users created after this time (an ISO 8601 date or date-time, an age such as "30d" meaning 30 days ago, or Unix milliseconds).
    #[arg(
        long = "created-at-after",
        visible_alias = "created-after",
        value_name = "TIME",
        help = "Created after this time (2024-01-31, 2024-01-31T09:00:00Z, 30d, or Unix ms)"
    )]
    pub created_at_after: Option<Time>,
    /// Only users who last signed in before this time (an ISO 8601 date or date-time, an age such as "30d" meaning 30 days ago, or Unix milliseconds).
    #[arg(
        long = "last-sign-in-at-before",
        visible_alias = "last-sign-in-before",
        value_name = "TIME",
        help = "Last signed in before this time (2024-01-31, 2024-01-31T09:00:00Z, 30d, or Unix ms)"
    )]
    pub last_sign_in_at_before: Option<Time>,
    /// Only users who last signed in after this time (an ISO 8601 date or date-time, an age such as "30d" meaning 30 days ago, or Unix milliseconds).
    #[arg(
        long = "last-sign-in-at-after",
        visible_alias = "last-sign-in-after",
        value_name = "TIME",
        help = "Last signed in after this time (2024-01-31, 2024-01-31T09:00:00Z, 30d, or Unix ms)"
    )]
    pub last_sign_in_at_after: Option<Time>,
    /// An OAuth provider, e.g. oauth_google; give provider_user_id with it.
    #[arg(
        long,
        requires = "provider_user_id",
        help = "OAuth provider (e.g. oauth_google), with --provider-user-id"
    )]
    pub provider: Option<String>,
    /// The users' IDs at the OAuth provider; give provider with them.
    #[arg(
        long = "provider-user-id",
        value_name = "ID",
        requires = "provider",
        help = "Provider user ID (repeatable), with --provider"
    )]
    #[serde(default)]
    pub provider_user_id: Vec<String>,
}

impl UserFilters {
    /// Checks the filters and sets them on a users list request.
    fn checked(&self) -> CliResult<UserFilters> {
        if self.provider.is_some() == self.provider_user_id.is_empty() {
            return Err(usage(
                "provider and provider_user_id go together: give both, or neither",
            ));
        }
        Ok(UserFilters {
            email_address: check::emails(&self.email_address)?,
            user_id: check::signed_ids(&self.user_id, check::user_id)?,
            organization_id: check::signed_ids(&self.organization_id, check::org_id)?,
            ..self.clone()
        })
    }

    fn apply<'c>(&self, req: Request<'c, List<User>>) -> Request<'c, List<User>> {
        let f = self.clone();
        let mut req = req
            .email_address(f.email_address)
            .phone_number(f.phone_number)
            .external_id(f.external_id)
            .username(f.username)
            .web3_wallet(f.web3_wallet)
            .user_id(f.user_id)
            .organization_id(f.organization_id);
        set_some!(req,
            query: f.query,
            email_address_query: f.email_address_query,
            phone_number_query: f.phone_number_query,
            username_query: f.username_query,
            name_query: f.name_query,
            provider: f.provider,
        );
        req = req.provider_user_id(f.provider_user_id);
        set_some!(req,
            banned: f.banned,
            last_active_at_before: f.last_active_at_before.map(Time::millis),
            last_active_at_after: f.last_active_at_after.map(Time::millis),
            created_at_before: f.created_at_before.map(Time::millis),
            created_at_after: f.created_at_after.map(Time::millis),
            last_sign_in_at_before: f.last_sign_in_at_before.map(Time::millis),
            last_sign_in_at_after: f.last_sign_in_at_after.map(Time::millis),
        );
        req
    }
}

/// `users list`: a page of users (or all of them), newest first unless ordered otherwise;
/// `starting_after` continues after a user (the cursor).
pub fn list(filters: &UserFilters, starting_after: Option<&str>) -> CliResult<Listing<User>> {
    let filters = filters.checked()?;
    let after = starting_after.map(check::user_id).transpose()?;
    let counted = filters.clone();
    Ok(Listing::new("users list", Subject::User, move |c| {
        let req = filters.apply(c.users().list());
        match &after {
            Some(a) => req.starting_after(a),
            None => req,
        }
    })
    .with_count(move |c| counted.apply(c.users().list()).count()))
}

/// `users count`.
pub fn count(filters: &UserFilters) -> CliResult<Read<CountUsers>> {
    let filters = filters.checked()?;
    Ok(Read::new("users count", Subject::User, move |c| {
        filters.apply(c.users().list()).count()
    }))
}

/// The list request of an export: every user matching the filters, 500 a page.
pub fn export(filters: &UserFilters) -> CliResult<Listing<User>> {
    let filters = filters.checked()?;
    let counted = filters.clone();
    Ok(Listing::new("export", Subject::User, move |c| {
        filters.apply(c.users().list()).limit(500)
    })
    .with_count(move |c| counted.apply(c.users().list()).count()))
}

/// `users get`.
pub fn get(user_id: &str) -> CliResult<Read<One<User>>> {
    let id = check::user_id(user_id)?;
    Ok(Read::new(
        format!("users get {id}"),
        Subject::User,
        move |c| c.users().get(&id),
    ))
}

/// What a new user is made of: Clerk's create-user fields.
#[derive(Debug, Clone, Default)]
pub struct Create {
    /// Email addresses; the first becomes the primary one.
    pub email_address: Vec<String>,
    pub phone_number: Vec<String>,
    pub username: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub external_id: Option<String>,
    pub password: Option<String>,
    pub skip_password_checks: bool,
    pub skip_password_requirement: Option<bool>,
    pub public_metadata: Option<Object>,
    pub private_metadata: Option<Object>,
    pub unsafe_metadata: Option<Object>,
    /// Any other fields of Clerk's body (`--data`, a bulk row), under the fields above.
    pub other: Object,
}

/// `users create`.
pub fn create(input: Create) -> CliResult<Write<CreateUser>> {
    let emails = check::emails(&input.email_address)?;
    let Create {
        phone_number,
        username,
        first_name,
        last_name,
        external_id,
        password,
        skip_password_checks,
        skip_password_requirement,
        public_metadata,
        private_metadata,
        unsafe_metadata,
        other,
        ..
    } = input;
    let change = Change::new("create a user", Subject::User, None);
    Ok(Write::new(change, move |c| {
        let mut req = c.users().create().body(&other);
        if !emails.is_empty() {
            req = req.email_address(emails.clone());
        }
        if !phone_number.is_empty() {
            req = req.phone_number(phone_number.clone());
        }
        set_some!(req,
            username: username.clone(),
            first_name: first_name.clone(),
            last_name: last_name.clone(),
            external_id: external_id.clone(),
            password: password.clone(),
            skip_password_checks: skip_password_checks.then_some(true),
            skip_password_requirement: skip_password_requirement,
            public_metadata: public_metadata.as_ref(),
            private_metadata: private_metadata.as_ref(),
            unsafe_metadata: unsafe_metadata.as_ref(),
        );
        req
    }))
}

/// A user's profile fields to change: Clerk's update-user fields.
#[derive(Debug, Clone, Default)]
pub struct Update {
    pub user_id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub external_id: Option<String>,
    /// The ID (idn_...) of one of the user's verified email addresses.
    pub primary_email_address_id: Option<String>,
    pub locale: Option<String>,
    /// A new password (from stdin or a tool parameter, never a command-line argument).
    pub password: Option<String>,
    /// Skip Clerk's password checks for the new password.
    pub skip_password_checks: bool,
    /// Any other fields of Clerk's update-user body (`--data`), under the fields above.
    pub other: Object,
}

impl Update {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        [
            &self.first_name,
            &self.last_name,
            &self.username,
            &self.external_id,
            &self.primary_email_address_id,
            &self.locale,
            &self.password,
        ]
        .iter()
        .all(|v| v.is_none())
            && self.other.is_empty()
    }
}

/// `users update`: profile fields; metadata is changed with [`metadata`].
pub fn update(input: Update) -> CliResult<Write<UpdateUser>> {
    let id = check::user_id(&input.user_id)?;
    if input.is_empty() {
        return Err(nothing_to_change(
            "first_name, last_name, username, external_id, primary_email_address_id, locale, password",
        ));
    }
    if input.password.as_deref().is_some_and(str::is_empty) {
        return Err(usage(
            "the new password is empty: give one of at least 8 characters",
        ));
    }
    if input.other.keys().any(|k| k.ends_with("_metadata")) {
        return Err(usage(
            "metadata is not updated with `users update`: use `clerkctl users update-metadata USER_ID --public-metadata '{...}'` (merge) or `users replace-metadata` (replace)",
        ));
    }
    let primary = input
        .primary_email_address_id
        .as_deref()
        .map(check::identification_id)
        .transpose()?;
    let change = Change::new(
        format!("update user {id}"),
        Subject::User,
        Some(id.as_str()),
    );
    let Update {
        first_name,
        last_name,
        username,
        external_id,
        locale,
        password,
        skip_password_checks,
        other,
        ..
    } = input;
    Ok(Write::new(change, move |c| {
        let mut req = c.users().update(&id).body(&other);
        if let Some(p) = &password {
            req = req.password(p.clone());
            if skip_password_checks {
                req = req.skip_password_checks(true);
            }
        }
        set_some!(req,
            first_name: first_name.clone(),
            last_name: last_name.clone(),
            username: username.clone(),
            external_id: external_id.clone(),
            locale: locale.clone(),
            primary_email_address_id: primary.as_ref(),
        );
        req
    }))
}

/// Metadata to merge into (or put in place of) a user's.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    pub user_id: String,
    pub public_metadata: Option<Object>,
    pub private_metadata: Option<Object>,
    pub unsafe_metadata: Option<Object>,
}

impl Metadata {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.public_metadata.is_none()
            && self.private_metadata.is_none()
            && self.unsafe_metadata.is_none()
    }
}

/// `users update-metadata` (a deep merge; `null` removes a key) or, with `replace`,
/// `users replace-metadata` (each field given replaces the stored one).
pub fn metadata(input: Metadata, replace: bool) -> CliResult<Write<UserMetadata>> {
    let id = check::user_id(&input.user_id)?;
    if input.is_empty() {
        return Err(nothing_to_change(
            "public_metadata, private_metadata, unsafe_metadata",
        ));
    }
    let verb = if replace { "replace" } else { "update" };
    let change = Change::new(
        format!("{verb} the metadata of user {id}"),
        Subject::User,
        Some(id.as_str()),
    );
    Ok(Write::new(change, move |c| {
        let mut req = if replace {
            c.users().replace_metadata(&id)
        } else {
            c.users().update_metadata(&id)
        };
        set_some!(req,
            public_metadata: input.public_metadata.as_ref(),
            private_metadata: input.private_metadata.as_ref(),
            unsafe_metadata: input.unsafe_metadata.as_ref(),
        );
        req
    }))
}

/// `users orgs`: the organizations a user belongs to, with their roles.
pub fn memberships(user_id: &str) -> CliResult<Listing<OrganizationMembership>> {
    let id = check::user_id(user_id)?;
    Ok(Listing::new(
        format!("users orgs {id}"),
        Subject::User,
        move |c| c.users().organization_memberships(&id),
    ))
}

/// What `users delete-matching` and `users ban-matching` ask beyond `users list`'s filters:
/// questions Clerk cannot filter on, answered here from each user's record.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchFilters {
    /// Only users with an email address at exactly this domain (example.com matches
    /// ada@example.com, not ada@notexample.com nor ada@mail.example.com).
    #[arg(long = "email-domain", value_name = "DOMAIN")]
    pub email_domain: Option<String>,
    /// Only users who never signed in (Clerk's --last-sign-in-at-before leaves them out).
    #[arg(long = "never-signed-in")]
    #[serde(default)]
    pub never_signed_in: bool,
    /// Only users with no sign-in since this time, never-signed-in users included (a date,
    /// a date-time, an age such as 90d, or Unix milliseconds).
    #[arg(long = "inactive-since", value_name = "TIME")]
    pub inactive_since: Option<Time>,
    /// Also change users who are the only admin of an organization (skipped by default: the
    /// organization would be left without one).
    #[arg(long = "include-sole-admins")]
    #[serde(default)]
    pub include_sole_admins: bool,
}

impl MatchFilters {
    /// Narrows Clerk's query where it can (a domain is a partial match on addresses; the rest
    /// is decided by [`MatchFilters::matches`]).
    pub fn narrow(&self, filters: &mut UserFilters) -> CliResult<()> {
        if let Some(d) = &self.email_domain {
            let d = d.trim().trim_start_matches('@').to_lowercase();
            if d.is_empty() || !d.contains('.') || d.contains(['@', ' ', ',']) {
                return Err(usage(format!(
                    "--email-domain {d:?} is not a domain: give one such as example.com"
                )));
            }
            if filters.email_address_query.is_none() {
                filters.email_address_query = Some(format!("@{d}"));
            }
        }
        Ok(())
    }

    /// Whether a user (Clerk's JSON) matches what Clerk could not filter.
    pub fn matches(&self, user: &Value) -> bool {
        if let Some(d) = &self.email_domain {
            let d = d.trim().trim_start_matches('@').to_lowercase();
            let at_domain = user
                .get("email_addresses")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|e| e.get("email_address").and_then(Value::as_str))
                .any(|e| {
                    e.rsplit_once('@')
                        .is_some_and(|(_, host)| host.eq_ignore_ascii_case(&d))
                });
            if !at_domain {
                return false;
            }
        }
        let last = user.get("last_sign_in_at").and_then(Value::as_i64);
        if self.never_signed_in && last.is_some() {
            return false;
        }
        if let Some(t) = self.inactive_since
            && last.is_some_and(|l| l >= t.millis())
        {
            return false;
        }
        true
    }
}

/// The organizations (IDs) of which `user_id` is the only admin, judged from the user's
/// memberships and each such organization's admins (`admins` answers them by organization).
pub fn sole_admin_of(memberships: &[Value], admins: impl Fn(&str) -> Vec<String>) -> Vec<String> {
    memberships
        .iter()
        .filter(|m| m.get("role").and_then(Value::as_str) == Some("org:admin"))
        .filter_map(|m| {
            let org = m.pointer("/organization/id").and_then(Value::as_str)?;
            let user = m
                .pointer("/public_user_data/user_id")
                .and_then(Value::as_str)?;
            let others = admins(org);
            (others.len() == 1 && others[0] == user).then(|| org.to_owned())
        })
        .collect()
}

/// A change over several users (`users delete A B C`): what the one guard and prompt say.
pub fn several(verb: &str, ids: &[String], destructive: bool) -> Change {
    let shown: Vec<&str> = ids.iter().take(10).map(String::as_str).collect();
    let more = ids.len().saturating_sub(shown.len());
    let mut doing = format!("{verb} {} users: {}", ids.len(), shown.join(", "));
    if more > 0 {
        doing.push_str(&format!(" and {more} more"));
    }
    let change = Change::new(doing, Subject::User, None);
    if destructive {
        change.destructive()
    } else {
        change
    }
}

/// `users delete`.
pub fn delete(user_id: &str) -> CliResult<Write<One<DeletedObject>>> {
    let id = check::user_id(user_id)?;
    let change = Change::new(
        format!("delete user {id}"),
        Subject::User,
        Some(id.as_str()),
    )
    .destructive();
    Ok(Write::new(change, move |c| c.users().delete(&id)))
}

/// What `users ban|unban|lock|unlock` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// End the user's sessions and block sign-in.
    Ban,
    /// Lift a ban.
    Unban,
    /// Lock the user out of signing in.
    Lock,
    /// Lift a lock.
    Unlock,
}

impl Access {
    pub fn verb(self) -> &'static str {
        match self {
            Access::Ban => "ban",
            Access::Unban => "unban",
            Access::Lock => "lock",
            Access::Unlock => "unlock",
        }
    }

    /// Ban and lock take a user's access away: confirmed first.
    pub fn destructive(self) -> bool {
        matches!(self, Access::Ban | Access::Lock)
    }

    /// "banned", "not locked": the state this leaves a user in.
    pub fn state(self) -> &'static str {
        match self {
            Access::Ban => "banned",
            Access::Unban => "not banned",
            Access::Lock => "locked",
            Access::Unlock => "not locked",
        }
    }

    /// Whether `user` (Clerk's JSON) is already in the state this asks for, so that sending it
    /// would change nothing (and an undo must not assume it did).
    pub fn already(self, user: &serde_json::Value) -> bool {
        let flag = |k: &str| user.get(k).and_then(serde_json::Value::as_bool) == Some(true);
        match self {
            Access::Ban => flag("banned"),
            Access::Unban => !flag("banned"),
            Access::Lock => flag("locked"),
            Access::Unlock => !flag("locked"),
        }
    }
}

/// `users ban|unban|lock|unlock`.
pub fn access(user_id: &str, access: Access) -> CliResult<Write<One<User>>> {
    let id = check::user_id(user_id)?;
    let mut change = Change::new(
        format!("{} user {id}", access.verb()),
        Subject::User,
        Some(id.as_str()),
    );
    match access {
        Access::Ban => change = change.destructive().undone_by("users unban"),
        Access::Lock => change = change.destructive().undone_by("users unlock"),
        Access::Unban | Access::Unlock => {}
    }
    Ok(Write::new(change, move |c| {
        let users = c.users();
        match access {
            Access::Ban => users.ban(&id),
            Access::Unban => users.unban(&id),
            Access::Lock => users.lock(&id),
            Access::Unlock => users.unlock(&id),
        }
    }))
}

/// How a CSV column of a users file is read.
pub fn row_cell(field: &str) -> Cell {
    match field {
        "email_address"
        | "phone_number"
        | "web3_wallet"
        | "backup_codes"
        | "email_address_identification_status"
        | "phone_number_identification_status" => Cell::List,
        "public_metadata" | "private_metadata" | "unsafe_metadata" => Cell::Object,
        "create_organizations_limit" => Cell::Int,
        "skip_password_checks"
        | "skip_password_requirement"
        | "delete_self_enabled"
        | "skip_legal_checks"
        | "skip_user_requirement"
        | "create_organization_enabled"
        | "bypass_client_trust"
        | "banned"
        | "locked" => Cell::Bool,
        _ => Cell::Text,
    }
}

/// The fields a users file may give: Clerk's create-user fields.
pub const ROW_FIELDS: &[&str] = &[
    "external_id",
    "email_address",
    "phone_number",
    "web3_wallet",
    "username",
    "first_name",
    "last_name",
    "locale",
    "password",
    "password_digest",
    "password_hasher",
    "skip_password_checks",
    "skip_password_requirement",
    "totp_secret",
    "backup_codes",
    "public_metadata",
    "private_metadata",
    "unsafe_metadata",
    "delete_self_enabled",
    "create_organization_enabled",
    "create_organizations_limit",
    "legal_accepted_at",
    "skip_legal_checks",
    "skip_user_requirement",
    "created_at",
    "bypass_client_trust",
    "banned",
    "locked",
    "email_address_identification_status",
    "phone_number_identification_status",
];

/// A users file needs one of these, to match each user by.
pub const ROW_NEEDS: &[&[&str]] = &[&[
    "external_id",
    "email_address",
    "email_addresses",
    "primary_email_address",
    "username",
    "phone_number",
    "phone_numbers",
]];

/// Columns of `users export` that are Clerk's to set (or are turned into the fields above):
/// accepted, and left out of the request.
pub const ROW_DROPPED: &[&str] = &[
    "id",
    "primary_email_address",
    "email_addresses",
    "phone_numbers",
    "updated_at",
    "last_sign_in_at",
    "last_active_at",
];

/// Turns a row of `users export` (CSV, or Clerk's user object in ndjson) into a create-user
/// row: email addresses and phone numbers as lists with the primary one first, `created_at`
/// as RFC 3339 (Clerk's create takes that, its objects hold milliseconds).
pub fn row_from_export(row: &mut Object) {
    let clerk_object = row.get("object").and_then(Value::as_str) == Some("user");
    for (list, field, one, primary_id, primary_text) in [
        (
            "email_addresses",
            "email_address",
            "email_address",
            "primary_email_address_id",
            "primary_email_address",
        ),
        (
            "phone_numbers",
            "phone_number",
            "phone_number",
            "primary_phone_number_id",
            "",
        ),
    ] {
        let primary_id = row
            .get(primary_id)
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut primary = row
            .get(primary_text)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let Some(given) = row.remove(list) else {
            if let (Some(p), false) = (primary, row.contains_key(field)) {
                row.insert(field.into(), Value::Array(vec![Value::String(p)]));
            }
            continue;
        };
        let mut values: Vec<String> = match &given {
            Value::Array(items) => items
                .iter()
                .filter_map(|e| {
                    if let Some(s) = e.as_str() {
                        return Some(s.to_owned());
                    }
                    let v = e.get(one).and_then(Value::as_str)?;
                    if primary.is_none()
                        && e.get("id").and_then(Value::as_str) == primary_id.as_deref()
                    {
                        primary = Some(v.to_owned());
                    }
                    Some(v.to_owned())
                })
                .collect(),
            Value::String(s) => s
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        if let Some(p) = &primary
            && let Some(i) = values.iter().position(|v| v.eq_ignore_ascii_case(p))
        {
            let p = values.remove(i);
            values.insert(0, p);
        }
        if !values.is_empty() && !row.contains_key(field) {
            row.insert(
                field.into(),
                Value::Array(values.into_iter().map(Value::String).collect()),
            );
        }
    }
    match row.get("created_at") {
        Some(Value::Number(n)) => {
            if let Some(iso) = n.as_i64().and_then(super::time::iso) {
                row.insert("created_at".into(), Value::String(iso));
            }
        }
        Some(Value::String(s)) => {
            if let Some(iso) = s
                .parse::<Time>()
                .ok()
                .and_then(|t| super::time::iso(t.millis()))
            {
                row.insert("created_at".into(), Value::String(iso));
            }
        }
        _ => {}
    }
    if clerk_object {
        // Clerk's whole object: only what a create takes.
        row.retain(|k, _| ROW_FIELDS.contains(&k.as_str()));
    }
}

/// A row's email addresses (Clerk takes a list; a row may give one string).
fn row_emails(row: &Object) -> Vec<String> {
    match row.get("email_address") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// Checks a bulk row (Clerk's create-user fields), making single email addresses, phone
/// numbers and wallets into lists; answers its key, what identifies the user so that a row is
/// never created twice: the external ID, else the first email address, username or phone
/// number.
pub fn prepare_row(row: &mut Object) -> Result<String, String> {
    for list in ["email_address", "phone_number", "web3_wallet"] {
        if let Some(Value::String(s)) = row.get(list) {
            let one = Value::Array(vec![Value::String(s.clone())]);
            row.insert(list.into(), one);
        }
    }
    let emails: Vec<String> = match row.get("email_address") {
        None => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|e| {
                e.as_str()
                    .map(str::to_owned)
                    .ok_or("email_address must hold strings")
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("email_address must be an address or a list of them".into()),
    };
    for e in &emails {
        row_reason(check::email(e))?;
    }
    let text = |k: &str| Some(row_text(row, k)).filter(|s| !s.is_empty());
    let first_phone = row
        .get("phone_number")
        .and_then(|p| p.get(0))
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(ext) = text("external_id") {
        Ok(format!("external_id:{ext}"))
    } else if let Some(e) = emails.first() {
        Ok(format!("email:{}", e.to_lowercase()))
    } else if let Some(u) = text("username") {
        Ok(format!("username:{}", u.to_lowercase()))
    } else if let Some(p) = first_phone {
        Ok(format!("phone:{p}"))
    } else {
        Err("no external_id, email_address, username or phone_number to match the user by".into())
    }
}

/// The create of one prepared row, the row as its body.
pub fn create_row(row: &Object) -> CliResult<Write<CreateUser>> {
    create(Create {
        other: row.clone(),
        ..Default::default()
    })
}

/// The lookups for the user a prepared row may have made already: by external ID, then by
/// email addresses (each is unique, so a first page says).
pub fn find_row(row: &Object) -> Vec<Listing<User>> {
    let mut lookups = Vec::new();
    let ext = row_text(row, "external_id");
    if !ext.is_empty() {
        lookups.push(Listing::new("users list", Subject::User, move |c| {
            c.users().list().external_id([ext.clone()])
        }));
    }
    let emails = row_emails(row);
    if !emails.is_empty() {
        lookups.push(Listing::new("users list", Subject::User, move |c| {
            c.users().list().email_address(emails.clone())
        }));
    }
    lookups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{Page, query, test_client};
    use serde_json::json;

    #[test]
    fn every_filter_reaches_the_query_under_clerks_name() {
        let filters = UserFilters {
            email_address: vec!["a@b.co".into(), "c@d.co".into()],
            phone_number: vec!["+15555550100".into()],
            external_id: vec!["-crm-1".into()],
            username: vec!["ada".into()],
            web3_wallet: vec!["0xabc".into()],
            user_id: vec!["-user_1".into()],
            organization_id: vec!["org_1".into()],
            query: Some("q".into()),
            email_address_query: Some("e".into()),
            phone_number_query: Some("p".into()),
            username_query: Some("u".into()),
            name_query: Some("n".into()),
            banned: Some(false),
            last_active_at_before: Some(Time(1)),
            last_active_at_after: Some(Time(2)),
            created_at_before: Some(Time(3)),
            created_at_after: Some(Time(4)),
            last_sign_in_at_before: Some(Time(5)),
            last_sign_in_at_after: Some(Time(6)),
            provider: Some("oauth_google".into()),
            provider_user_id: vec!["g-1".into()],
        };
        let c = test_client();
        let listing = list(&filters, Some("user_9")).unwrap();
        let q = query(&listing.request(&c, &Page::default()));
        assert_eq!(
            q,
            [
                "email_address=a@b.co",
                "email_address=c@d.co",
                "phone_number=+15555550100",
                "external_id=-crm-1",
                "username=ada",
                "web3_wallet=0xabc",
                "user_id=-user_1",
                "organization_id=org_1",
                "query=q",
                "email_address_query=e",
                "phone_number_query=p",
                "username_query=u",
                "name_query=n",
                "provider=oauth_google",
                "provider_user_id=g-1",
                "banned=false",
                "last_active_at_before=1",
                "last_active_at_after=2",
                "created_at_before=3",
                "created_at_after=4",
                "last_sign_in_at_before=5",
                "last_sign_in_at_after=6",
                "starting_after=user_9",
            ]
        );
        // The count carries the same filters, and no paging.
        let count = listing.count(&c).unwrap();
        assert_eq!(count.spec().path, "/users/count");
        assert_eq!(query(&count).len(), q.len() - 1);
        assert_eq!(
            query(&super::count(&filters).unwrap().request(&c)),
            query(&count)
        );
    }

    #[test]
    fn filters_are_checked() {
        let bad = |f: UserFilters| list(&f, None).unwrap_err();
        assert!(matches!(
            bad(UserFilters {
                email_address: vec!["nope".into()],
                ..Default::default()
            }),
            crate::fail::Fail::Usage(_)
        ));
        bad(UserFilters {
            organization_id: vec!["user_1".into()],
            ..Default::default()
        });
        bad(UserFilters {
            provider: Some("oauth_google".into()),
            ..Default::default()
        });
        assert!(list(&UserFilters::default(), Some("org_1")).is_err());
    }

    #[test]
    fn create_sets_named_fields_over_other_ones() {
        let op = create(Create {
            email_address: vec!["ada@example.com".into()],
            first_name: Some("Ada".into()),
            public_metadata: Some(json!({"plan": "pro"}).as_object().unwrap().clone()),
            other: json!({"first_name": "Augusta", "created_at": "2012-10-20T07:15:20.902Z"})
                .as_object()
                .unwrap()
                .clone(),
            ..Default::default()
        })
        .unwrap();
        let c = test_client();
        let req = op.request(&c);
        assert_eq!(
            req.spec().body,
            Some(json!({
                "first_name": "Ada",
                "created_at": "2012-10-20T07:15:20.902Z",
                "email_address": ["ada@example.com"],
                "public_metadata": {"plan": "pro"}
            }))
        );
        assert!(!op.change.destructive);
    }

    #[test]
    fn updates_need_something_to_change_and_no_metadata() {
        assert!(
            update(Update {
                user_id: "user_1".into(),
                ..Default::default()
            })
            .is_err()
        );
        let with_metadata = Update {
            user_id: "user_1".into(),
            other: json!({"public_metadata": {}}).as_object().unwrap().clone(),
            ..Default::default()
        };
        assert!(update(with_metadata).is_err());
        assert!(
            metadata(
                Metadata {
                    user_id: "user_1".into(),
                    ..Default::default()
                },
                false
            )
            .is_err()
        );
    }

    #[test]
    fn ban_and_lock_are_destructive_their_undoing_is_not() {
        let c = test_client();
        for (a, path, destructive) in [
            (Access::Ban, "/users/user_1/ban", true),
            (Access::Unban, "/users/user_1/unban", false),
            (Access::Lock, "/users/user_1/lock", true),
            (Access::Unlock, "/users/user_1/unlock", false),
        ] {
            let op = access("user_1", a).unwrap();
            assert_eq!(op.request(&c).spec().path, path);
            assert_eq!(op.change.destructive, destructive, "{a:?}");
            assert_eq!(op.change.target.as_deref(), Some("user_1"));
        }
        assert!(access("org_1", Access::Ban).is_err());
    }
}
