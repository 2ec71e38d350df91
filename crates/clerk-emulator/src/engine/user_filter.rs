//! Which users a list shows and in what order: the filters of `GET /users`, `GET /users/count`
//! and the membership lists, and the `order_by` fields of `GET /users`.

use serde_json::Value;

use super::query::{Query, Signed, cmp_nullable, contains_ci, directed};
use super::state::State;
use crate::error::{ApiError, ApiResult};
use crate::model::User;

/// A filter on users, shared by `GET /users`, `GET /users/count` and membership lists.
#[derive(Debug, Default)]
pub struct UserFilter {
    email_address: Vec<String>,
    phone_number: Vec<String>,
    external_id: Signed,
    username: Vec<String>,
    web3_wallet: Vec<String>,
    user_id: Signed,
    organization_id: Signed,
    query: Option<String>,
    email_address_query: Option<String>,
    phone_number_query: Option<String>,
    username_query: Option<String>,
    name_query: Option<String>,
    banned: Option<bool>,
    last_active_at_before: Option<i64>,
    last_active_at_after: Option<i64>,
    created_at_before: Option<i64>,
    created_at_after: Option<i64>,
    last_sign_in_at_before: Option<i64>,
    last_sign_in_at_after: Option<i64>,
    provider: Option<(String, Vec<String>)>,
}

fn lower(v: Option<&str>) -> Option<String> {
    v.map(str::to_lowercase)
}

impl UserFilter {
    pub fn parse(q: &Query<'_>, user_fields_only: bool) -> ApiResult<UserFilter> {
        let mut f = UserFilter {
            email_address: q
                .list("email_address")?
                .iter()
                .map(|e| e.to_lowercase())
                .collect(),
            phone_number: q.list("phone_number")?,
            username: q
                .list("username")?
                .iter()
                .map(|e| e.to_lowercase())
                .collect(),
            web3_wallet: q
                .list("web3_wallet")?
                .iter()
                .map(|e| e.to_lowercase())
                .collect(),
            user_id: q.signed("user_id")?,
            query: lower(q.one("query")),
            email_address_query: lower(q.one("email_address_query")),
            phone_number_query: lower(q.one("phone_number_query")),
            username_query: lower(q.one("username_query")),
            name_query: lower(q.one("name_query")),
            last_active_at_before: q.int("last_active_at_before")?,
            last_active_at_after: q
                .int("last_active_at_after")?
                .or(q.int("last_active_at_since")?),
            created_at_before: q.int("created_at_before")?,
            created_at_after: q.int("created_at_after")?,
            ..UserFilter::default()
        };
        if user_fields_only {
            return Ok(f);
        }
        f.external_id = q.signed("external_id")?;
        f.organization_id = q.signed("organization_id")?;
        f.banned = q.bool("banned")?;
        f.last_sign_in_at_before = q.int("last_sign_in_at_before")?;
        f.last_sign_in_at_after = q.int("last_sign_in_at_after")?;
        let ids = q.list("provider_user_id")?;
        f.provider = match (q.one("provider"), ids.is_empty()) {
            (None, true) => None,
            (Some(p), false) => Some((p.to_owned(), ids)),
            (Some(_), true) => {
                return Err(ApiError::conditional_missing(
                    "provider_user_id",
                    "provider",
                ));
            }
            (None, false) => {
                return Err(ApiError::conditional_missing(
                    "provider",
                    "provider_user_id",
                ));
            }
        };
        Ok(f)
    }

    pub fn is_empty(&self) -> bool {
        self.email_address.is_empty()
            && self.phone_number.is_empty()
            && self.external_id.is_empty()
            && self.username.is_empty()
            && self.web3_wallet.is_empty()
            && self.user_id.is_empty()
            && self.organization_id.is_empty()
            && self.query.is_none()
            && self.email_address_query.is_none()
            && self.phone_number_query.is_none()
            && self.username_query.is_none()
            && self.name_query.is_none()
            && self.banned.is_none()
            && self.last_active_at_before.is_none()
            && self.last_active_at_after.is_none()
            && self.created_at_before.is_none()
            && self.created_at_after.is_none()
            && self.last_sign_in_at_before.is_none()
            && self.last_sign_in_at_after.is_none()
            && self.provider.is_none()
    }

    pub fn matches(&self, st: &State, u: &User) -> bool {
        let emails = || u.email_addresses.iter().map(|e| e.value.as_str());
        let phones = || u.phone_numbers.iter().map(|e| e.value.as_str());
        let wallets = || u.web3_wallets.iter().map(|e| e.value.as_str());
        if !self.email_address.is_empty()
            && !emails().any(|e| self.email_address.iter().any(|f| f.eq_ignore_ascii_case(e)))
        {
            return false;
        }
        if !self.phone_number.is_empty()
            && !phones().any(|p| self.phone_number.iter().any(|f| f == p))
        {
            return false;
        }
        if !self.web3_wallet.is_empty()
            && !wallets().any(|w| self.web3_wallet.iter().any(|f| f.eq_ignore_ascii_case(w)))
        {
            return false;
        }
        if !self.username.is_empty()
            && !u
                .username
                .as_deref()
                .is_some_and(|n| self.username.iter().any(|f| f.eq_ignore_ascii_case(n)))
        {
            return false;
        }
        if !self.user_id.admits(|id| id == u.id) {
            return false;
        }
        if !self.external_id.is_empty()
            && !self
                .external_id
                .admits(|ext| u.external_id.as_deref() == Some(ext))
        {
            return false;
        }
        if !self.organization_id.is_empty() {
            let orgs = st.user_orgs.get(&u.id);
            if !self
                .organization_id
                .admits(|org| orgs.is_some_and(|o| o.contains(org)))
            {
                return false;
            }
        }
        if let Some(b) = self.banned
            && u.banned != b
        {
            return false;
        }
        let name = || {
            format!(
                "{} {}",
                u.first_name.as_deref().unwrap_or(""),
                u.last_name.as_deref().unwrap_or("")
            )
        };
        if let Some(q) = &self.query {
            let hit = emails().any(|v| contains_ci(v, q))
                || phones().any(|v| contains_ci(v, q))
                || wallets().any(|v| contains_ci(v, q))
                || u.username.as_deref().is_some_and(|v| contains_ci(v, q))
                || contains_ci(&u.id, q)
                || contains_ci(&name(), q);
            if !hit {
                return false;
            }
        }
        if let Some(q) = &self.email_address_query
            && !emails().any(|v| contains_ci(v, q))
        {
            return false;
        }
        if let Some(q) = &self.phone_number_query
            && !phones().any(|v| contains_ci(v, q))
        {
            return false;
        }
        if let Some(q) = &self.username_query
            && !u.username.as_deref().is_some_and(|v| contains_ci(v, q))
        {
            return false;
        }
        if let Some(q) = &self.name_query
            && !contains_ci(&name(), q)
        {
            return false;
        }
        let before =
            |v: Option<i64>, limit: Option<i64>| limit.is_none_or(|l| v.is_some_and(|v| v < l));
        let after =
            |v: Option<i64>, limit: Option<i64>| limit.is_none_or(|l| v.is_some_and(|v| v > l));
        if !(before(u.last_active_at, self.last_active_at_before)
            && after(u.last_active_at, self.last_active_at_after)
            && before(Some(u.created_at), self.created_at_before)
            && after(Some(u.created_at), self.created_at_after)
            && before(u.last_sign_in_at, self.last_sign_in_at_before)
            && after(u.last_sign_in_at, self.last_sign_in_at_after))
        {
            return false;
        }
        if let Some((provider, ids)) = &self.provider {
            let hit = u.external_accounts.iter().any(|a| {
                let p = a.get("provider").and_then(Value::as_str).unwrap_or("");
                let pid = a
                    .get("provider_user_id")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                (p == provider || p.strip_prefix("oauth_") == Some(provider))
                    && ids.iter().any(|i| i == pid)
            });
            if !hit {
                return false;
            }
        }
        true
    }
}

/// The fields `GET /users` may be ordered by.
pub const USER_ORDER_FIELDS: &[&str] = &[
    "created_at",
    "updated_at",
    "email_address",
    "web3wallet",
    "first_name",
    "last_name",
    "phone_number",
    "username",
    "last_active_at",
    "last_sign_in_at",
];

/// Orders users by a field, then newest first.
pub fn sort_users(users: &mut [&User], field: &str, desc: bool) {
    let lower = |v: Option<&str>| v.map(str::to_lowercase);
    users.sort_by(|a, b| {
        let primary = match field {
            "created_at" => directed(a.created_at.cmp(&b.created_at), desc),
            "updated_at" => directed(a.updated_at.cmp(&b.updated_at), desc),
            "email_address" => {
                cmp_nullable(&lower(a.primary_email()), &lower(b.primary_email()), desc)
            }
            "web3wallet" => cmp_nullable(&lower(a.primary_web3()), &lower(b.primary_web3()), desc),
            "phone_number" => cmp_nullable(&a.primary_phone(), &b.primary_phone(), desc),
            "first_name" => cmp_nullable(
                &lower(a.first_name.as_deref()),
                &lower(b.first_name.as_deref()),
                desc,
            ),
            "last_name" => cmp_nullable(
                &lower(a.last_name.as_deref()),
                &lower(b.last_name.as_deref()),
                desc,
            ),
            "username" => cmp_nullable(
                &lower(a.username.as_deref()),
                &lower(b.username.as_deref()),
                desc,
            ),
            "last_active_at" => cmp_nullable(&a.last_active_at, &b.last_active_at, desc),
            "last_sign_in_at" => cmp_nullable(&a.last_sign_in_at, &b.last_sign_in_at, desc),
            _ => std::cmp::Ordering::Equal,
        };
        primary
            .then_with(|| b.created_at.cmp(&a.created_at))
            .then_with(|| b.id.cmp(&a.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::state::Changes;
    use crate::engine::users::{CreateUser, create};
    use crate::model::{Membership, Metadata, Role};

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn filter(q: &[(&str, &str)], user_fields_only: bool) -> ApiResult<UserFilter> {
        UserFilter::parse(&Query::new(&pairs(q)), user_fields_only)
    }

    /// Three users created a second apart: Ada (banned, Google account, member of org_a),
    /// bobby (username only) and Cy.
    fn instance() -> State {
        let mut st = State::new(Role::defaults());
        let mut ch = Changes::default();
        let people = [
            CreateUser {
                email_address: vec!["Ada@Example.com".into()],
                first_name: Some("Ada".into()),
                last_name: Some("Lovelace".into()),
                created_at: Some("2024-01-01T00:00:01Z".into()),
                last_active_at: Some(5),
                banned: Some(true),
                external_accounts: vec![serde_json::json!({
                    "provider": "oauth_google", "provider_user_id": "g-1"
                })],
                ..CreateUser::default()
            },
            CreateUser {
                username: Some("bobby".into()),
                external_id: Some("ext-2".into()),
                created_at: Some("2024-01-01T00:00:02Z".into()),
                ..CreateUser::default()
            },
            CreateUser {
                email_address: vec!["cy@example.com".into()],
                first_name: Some("cy".into()),
                created_at: Some("2024-01-01T00:00:03Z".into()),
                last_active_at: Some(9),
                ..CreateUser::default()
            },
        ];
        let ids: Vec<String> = people
            .into_iter()
            .map(|p| create(&mut st, &mut ch, p, 1_800_000_000_000).unwrap())
            .collect();
        let m = Membership::new(
            "org_a",
            &ids[0],
            "org:member",
            Metadata::new(),
            Metadata::new(),
            0,
        );
        st.save_membership(&mut ch, m);
        st
    }

    /// A user's first name, or username, in lower case.
    fn label(u: &User) -> String {
        u.first_name
            .as_deref()
            .or(u.username.as_deref())
            .unwrap_or_default()
            .to_lowercase()
    }

    fn matching(st: &State, q: &[(&str, &str)]) -> Vec<String> {
        let f = filter(q, false).unwrap();
        let mut names: Vec<String> = st
            .users
            .values()
            .filter(|u| f.matches(st, u))
            .map(|u| label(u))
            .collect();
        names.sort();
        names
    }

    fn id_of(st: &State, name: &str) -> String {
        st.users
            .values()
            .find(|u| label(u) == name)
            .unwrap()
            .id
            .clone()
    }

    #[test]
    fn no_parameter_is_an_empty_filter() {
        assert!(filter(&[], false).unwrap().is_empty());
        assert!(
            filter(&[("limit", "5"), ("email_address", "")], false)
                .unwrap()
                .is_empty()
        );
        assert!(!filter(&[("banned", "false")], false).unwrap().is_empty());
    }

    #[test]
    fn exact_filters_ignore_case_where_clerk_does() {
        let st = instance();
        assert_eq!(
            matching(&st, &[("email_address", "ada@EXAMPLE.com")]),
            ["ada"]
        );
        assert_eq!(matching(&st, &[("username", "BOBBY")]), ["bobby"]);
        assert_eq!(matching(&st, &[("external_id", "ext-2")]), ["bobby"]);
        assert_eq!(
            matching(&st, &[("external_id", "EXT-2")]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn signed_filters_include_and_exclude() {
        let st = instance();
        let (ada, bobby) = (id_of(&st, "ada"), id_of(&st, "bobby"));
        assert_eq!(
            matching(&st, &[("user_id", &ada), ("user_id", &format!("+{bobby}"))]),
            ["ada", "bobby"]
        );
        assert_eq!(
            matching(&st, &[("user_id", &format!("-{ada}"))]),
            ["bobby", "cy"]
        );
        assert_eq!(matching(&st, &[("organization_id", "org_a")]), ["ada"]);
        assert_eq!(
            matching(&st, &[("organization_id", "-org_a")]),
            ["bobby", "cy"]
        );
    }

    #[test]
    fn text_queries_match_parts_in_any_case() {
        let st = instance();
        assert_eq!(matching(&st, &[("query", "LOVE")]), ["ada"]);
        assert_eq!(matching(&st, &[("query", "example")]), ["ada", "cy"]);
        assert_eq!(matching(&st, &[("name_query", "ada lov")]), ["ada"]);
        assert_eq!(matching(&st, &[("username_query", "o")]), ["bobby"]);
        assert_eq!(matching(&st, &[("email_address_query", "CY@")]), ["cy"]);
    }

    #[test]
    fn time_bounds_are_strict_and_a_missing_time_never_matches() {
        let st = instance();
        let second = 1_704_067_202_000_i64.to_string();
        assert_eq!(matching(&st, &[("created_at_before", &second)]), ["ada"]);
        assert_eq!(matching(&st, &[("created_at_after", &second)]), ["cy"]);
        assert_eq!(matching(&st, &[("last_active_at_after", "5")]), ["cy"]);
        assert_eq!(
            matching(&st, &[("last_active_at_since", "4")]),
            ["ada", "cy"]
        );
        assert_eq!(
            matching(&st, &[("last_active_at_before", "100")]),
            ["ada", "cy"]
        );
    }

    #[test]
    fn banned_and_provider_filters() {
        let st = instance();
        assert_eq!(matching(&st, &[("banned", "true")]), ["ada"]);
        assert_eq!(matching(&st, &[("banned", "false")]), ["bobby", "cy"]);
        for provider in ["google", "oauth_google"] {
            assert_eq!(
                matching(&st, &[("provider", provider), ("provider_user_id", "g-1")]),
                ["ada"]
            );
        }
        let err = filter(&[("provider", "google")], false).unwrap_err();
        assert_eq!(err.errors()[0].meta()["param_name"], "provider_user_id");
        let err = filter(&[("provider_user_id", "g-1")], false).unwrap_err();
        assert_eq!(err.errors()[0].meta()["param_name"], "provider");
    }

    #[test]
    fn membership_lists_take_only_the_user_fields() {
        let f = filter(
            &[
                ("banned", "maybe"),
                ("external_id", "x"),
                ("provider", "google"),
            ],
            true,
        )
        .unwrap();
        assert!(f.is_empty());
    }

    fn sorted(st: &State, field: &str, desc: bool) -> Vec<String> {
        let mut users: Vec<&User> = st.users.values().map(|u| &**u).collect();
        sort_users(&mut users, field, desc);
        users.iter().map(|u| label(u)).collect()
    }

    #[test]
    fn sorting_puts_missing_values_last_ascending_and_first_descending() {
        let st = instance();
        // first_name: "Ada", none, "cy" (compared in lower case).
        assert_eq!(sorted(&st, "first_name", false), ["ada", "cy", "bobby"]);
        assert_eq!(sorted(&st, "first_name", true), ["bobby", "cy", "ada"]);
        assert_eq!(sorted(&st, "email_address", false), ["ada", "cy", "bobby"]);
        assert_eq!(sorted(&st, "created_at", false), ["ada", "bobby", "cy"]);
        assert_eq!(sorted(&st, "created_at", true), ["cy", "bobby", "ada"]);
    }

    #[test]
    fn ties_go_newest_first() {
        let st = instance();
        // Nobody has a phone number: all tie, so the newest comes first either way.
        assert_eq!(sorted(&st, "phone_number", false), ["cy", "bobby", "ada"]);
        assert_eq!(sorted(&st, "phone_number", true), ["cy", "bobby", "ada"]);
    }
}
