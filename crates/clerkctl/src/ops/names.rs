//! Names for things: wherever a user is taken, an ID (`user_...`), an email address, a phone
//! number or a username will do; wherever an organization is taken, an ID (`org_...`), a slug or
//! its exact name. This says how a name is read, which request finds what it names, and how
//! the answer is judged: nothing found is exit 4, more than one thing found is exit 2 with what
//! matched listed, so that a name never silently stands for the wrong object. The reads
//! themselves are sent by `crate::resolve`, for the command line and the MCP server alike.

use clerk_api::ids::{OrganizationId, UserId};
use clerk_api::models::{Organization, User};
use clerk_api::request::One;
use serde_json::Value;

use super::{Listing, Read, check};
use crate::fail::{CliResult, Fail, Subject, usage};

/// A user, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserName {
    Id(UserId),
    Email(String),
    Phone(String),
    Username(String),
}

/// Reads how a user was named. Only an ID is checked here; the other names are looked up.
pub fn user(s: &str) -> CliResult<UserName> {
    let s = s.trim();
    if s.is_empty() {
        return Err(usage(
            "no user given: give a user ID (user_...), an email address or a username",
        ));
    }
    if s.starts_with(UserId::PREFIX)
        && let Ok(id) = UserId::parse(s)
    {
        return Ok(UserName::Id(id));
    }
    if other_id(s, UserId::PREFIX) {
        return check::user_id(s).map(UserName::Id);
    }
    if s.contains('@') {
        return check::email(s).map(UserName::Email);
    }
    if s.starts_with('+') && s.len() > 4 && s[1..].bytes().all(|b| b.is_ascii_digit()) {
        return Ok(UserName::Phone(s.to_owned()));
    }
    if s.starts_with(UserId::PREFIX) {
        // `user_` then something that is not an ID's characters: a mistyped ID more likely
        // than a username.
        return check::user_id(s).map(UserName::Id);
    }
    Ok(UserName::Username(s.to_owned()))
}

impl UserName {
    /// "the email address ada@example.com", for messages.
    pub fn described(&self) -> String {
        match self {
            UserName::Id(id) => format!("the ID {id}"),
            UserName::Email(e) => format!("the email address {e}"),
            UserName::Phone(p) => format!("the phone number {p}"),
            UserName::Username(u) => format!("the username {u}"),
        }
    }

    /// The ID, when the name is one (nothing to look up).
    pub fn id(&self) -> Option<&UserId> {
        match self {
            UserName::Id(id) => Some(id),
            _ => None,
        }
    }

    /// The list request that finds the user a name stands for (`None` for an ID).
    pub fn lookup(&self) -> Option<Listing<User>> {
        let name = self.clone();
        let doing = format!("find the user with {}", self.described());
        let listing = match name {
            UserName::Id(_) => return None,
            UserName::Email(e) => Listing::new(doing, Subject::User, move |c| {
                c.users().list().email_address([e.clone()]).limit(10)
            }),
            UserName::Phone(p) => Listing::new(doing, Subject::User, move |c| {
                c.users().list().phone_number([p.clone()]).limit(10)
            }),
            UserName::Username(u) => Listing::new(doing, Subject::User, move |c| {
                c.users().list().username([u.clone()]).limit(10)
            }),
        };
        Some(listing)
    }

    /// Whether a user (Clerk's JSON) has this name: exact, with emails and usernames compared
    /// without case, as Clerk compares them.
    pub fn matches(&self, user: &Value) -> bool {
        let list_has = |list: &str, field: &str, want: &str, fold: bool| {
            user.get(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|e| e.get(field).and_then(Value::as_str))
                .any(|v| {
                    if fold {
                        v.eq_ignore_ascii_case(want)
                    } else {
                        v == want
                    }
                })
        };
        match self {
            UserName::Id(id) => user.get("id").and_then(Value::as_str) == Some(id.as_str()),
            UserName::Email(e) => list_has("email_addresses", "email_address", e, true),
            UserName::Phone(p) => list_has("phone_numbers", "phone_number", p, false),
            UserName::Username(u) => user
                .get("username")
                .and_then(Value::as_str)
                .is_some_and(|v| v.eq_ignore_ascii_case(u)),
        }
    }

    /// The one user among `found` with this name: none is exit 4, several exit 2.
    pub fn pick(&self, found: &[Value]) -> CliResult<UserId> {
        let matching: Vec<&Value> = found.iter().filter(|u| self.matches(u)).collect();
        match matching.as_slice() {
            [one] => Ok(UserId::new_unchecked(
                one.get("id").and_then(Value::as_str).unwrap_or_default(),
            )),
            [] => Err(Fail::NotFound {
                message: format!("no user has {}", self.described()),
                hint: format!(
                    "check the spelling, or search: `clerkctl users list --query {}`",
                    self.query()
                ),
            }),
            several => Err(usage(format!(
                "{} is ambiguous: {} users have {}: {}; give the user's ID instead",
                self.query(),
                several.len(),
                self.described(),
                several
                    .iter()
                    .map(|u| user_line(u))
                    .collect::<Vec<_>>()
                    .join("; ")
            ))),
        }
    }

    fn query(&self) -> &str {
        match self {
            UserName::Id(id) => id.as_str(),
            UserName::Email(s) | UserName::Phone(s) | UserName::Username(s) => s,
        }
    }
}

/// `user_123 (Ada Lovelace, ada@example.com)`: a user as a list of matches shows it.
pub fn user_line(u: &Value) -> String {
    let text = |k: &str| u.get(k).and_then(Value::as_str).unwrap_or_default();
    let name = format!("{} {}", text("first_name"), text("last_name"));
    let email = u
        .get("email_addresses")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|e| e.get("email_address"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let about: Vec<&str> = [name.trim(), email, text("username")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    format!("{} ({})", text("id"), about.join(", "))
}

/// An organization, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgName {
    Id(OrganizationId),
    /// Could be a slug; else its name.
    SlugOrName(String),
    /// Not a slug's characters: only a name.
    Name(String),
}

/// Reads how an organization was named.
pub fn org(s: &str) -> CliResult<OrgName> {
    let s = s.trim();
    if s.is_empty() {
        return Err(usage(
            "no organization given: give an organization ID (org_...), a slug or its name",
        ));
    }
    if s.starts_with(OrganizationId::PREFIX) || other_id(s, OrganizationId::PREFIX) {
        return check::org_id(s).map(OrgName::Id);
    }
    if clerk_api::ids::is_slug(s) {
        Ok(OrgName::SlugOrName(s.to_owned()))
    } else {
        Ok(OrgName::Name(s.to_owned()))
    }
}

impl OrgName {
    /// The ID, when the name is one (nothing to look up).
    pub fn id(&self) -> Option<&OrganizationId> {
        match self {
            OrgName::Id(id) => Some(id),
            _ => None,
        }
    }

    fn text(&self) -> &str {
        match self {
            OrgName::Id(id) => id.as_str(),
            OrgName::SlugOrName(s) | OrgName::Name(s) => s,
        }
    }

    /// The read of the organization with this slug (Clerk's get takes a slug too).
    pub fn by_slug(&self) -> Option<Read<One<Organization>>> {
        let OrgName::SlugOrName(slug) = self else {
            return None;
        };
        let org = check::org_ref(slug).ok()?;
        Some(Read::new(
            format!("find the organization with slug {slug}"),
            Subject::Organization,
            move |c| c.organizations().get(&org),
        ))
    }

    /// The search for organizations with this name (Clerk's query matches names in part;
    /// [`OrgName::pick`] keeps the exact ones).
    pub fn by_name(&self) -> Option<Listing<Organization>> {
        let name = match self {
            OrgName::Id(_) => return None,
            OrgName::SlugOrName(s) | OrgName::Name(s) => s.clone(),
        };
        Some(Listing::new(
            format!("find the organization named {name:?}"),
            Subject::Organization,
            move |c| c.organizations().list().query(name.clone()).limit(100),
        ))
    }

    /// The one organization among `found` (a name search's answer) whose name is this one,
    /// compared without case: none is exit 4, several exit 2.
    pub fn pick(&self, found: &[Value]) -> CliResult<OrganizationId> {
        let want = self.text();
        let matching: Vec<&Value> = found
            .iter()
            .filter(|o| {
                o.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.trim().eq_ignore_ascii_case(want))
            })
            .collect();
        match matching.as_slice() {
            [one] => Ok(OrganizationId::new_unchecked(
                one.get("id").and_then(Value::as_str).unwrap_or_default(),
            )),
            [] => Err(Fail::NotFound {
                message: match self {
                    OrgName::SlugOrName(_) => {
                        format!("no organization has the slug or the name {want:?}")
                    }
                    _ => format!("no organization is named {want:?}"),
                },
                hint: format!(
                    "check the spelling, or search: `clerkctl orgs list --query {}`",
                    shell_word(want)
                ),
            }),
            several => Err(usage(format!(
                "{want:?} is ambiguous: {} organizations are named so: {}; give the organization's ID or slug instead",
                several.len(),
                several
                    .iter()
                    .map(|o| org_line(o))
                    .collect::<Vec<_>>()
                    .join("; ")
            ))),
        }
    }
}

/// `org_123 (Acme Inc, slug acme)`.
pub fn org_line(o: &Value) -> String {
    let text = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or_default();
    match text("slug") {
        "" => format!("{} ({})", text("id"), text("name")),
        slug => format!("{} ({}, slug {slug})", text("id"), text("name")),
    }
}

/// Whether `s` is an ID of another kind than the one wanted (`org_...` where a user is
/// taken): a mistake to say so at once, not a name to look up.
fn other_id(s: &str, wanted: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "user_", "org_", "orgmem_", "orginv_", "inv_", "idn_", "sess_", "client_",
    ];
    PREFIXES
        .iter()
        .any(|p| *p != wanted && s.starts_with(p) && s.len() > p.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A word as a shell takes it: quoted when it holds anything but safe characters.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.@+".contains(&b))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Splits a `+`/`-` prefix (Clerk's include and exclude filters) from a name.
pub fn signed(s: &str) -> (Option<char>, &str) {
    match s.chars().next() {
        Some(c @ ('+' | '-')) if !s[1..].starts_with(|c: char| c.is_ascii_digit()) => {
            (Some(c), &s[1..])
        }
        _ => (None, s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{Page, query, test_client};
    use serde_json::json;

    #[test]
    fn a_user_is_named_by_id_email_phone_or_username() {
        assert_eq!(
            user("user_2xh").unwrap(),
            UserName::Id(UserId::new_unchecked("user_2xh"))
        );
        assert_eq!(
            user(" Ada@Example.com ").unwrap(),
            UserName::Email("Ada@Example.com".into())
        );
        assert_eq!(
            user("+15555550100").unwrap(),
            UserName::Phone("+15555550100".into())
        );
        assert_eq!(user("ada").unwrap(), UserName::Username("ada".into()));
        assert_eq!(
            user("user_ada_1").unwrap_err().exit_code(),
            2,
            "a mistyped ID"
        );
        assert_eq!(user("a@b").unwrap_err().exit_code(), 2, "not an address");
        assert_eq!(user(" ").unwrap_err().exit_code(), 2);
        assert_eq!(
            user("org_acme").unwrap_err().exit_code(),
            2,
            "another kind of ID"
        );
        assert_eq!(
            user("ada_lovelace").unwrap(),
            UserName::Username("ada_lovelace".into())
        );

        let c = test_client();
        let lookup = user("ada@example.com").unwrap().lookup().unwrap();
        assert_eq!(
            query(&lookup.request(&c, &Page::default())),
            ["email_address=ada@example.com", "limit=10"]
        );
        assert!(user("user_1").unwrap().lookup().is_none());
    }

    #[test]
    fn a_name_stands_for_one_user_or_the_command_stops() {
        let ada = json!({"id": "user_1", "first_name": "Ada", "last_name": "Lovelace",
            "username": "ada", "email_addresses": [{"email_address": "ada@example.com"}]});
        let name = user("ADA@example.com").unwrap();
        assert_eq!(
            name.pick(std::slice::from_ref(&ada)).unwrap().as_str(),
            "user_1"
        );
        let none = name.pick(&[]).unwrap_err();
        assert_eq!(none.exit_code(), 4);
        assert!(
            none.line().contains("users list --query ADA@example.com"),
            "{}",
            none.line()
        );
        let mut twin = ada.clone();
        twin["id"] = json!("user_2");
        let both = user("ada").unwrap().pick(&[ada, twin]).unwrap_err();
        assert_eq!(both.exit_code(), 2);
        let line = both.line();
        assert!(
            line.contains("user_1 (Ada Lovelace, ada@example.com, ada)") && line.contains("user_2"),
            "{line}"
        );
    }

    #[test]
    fn an_organization_is_named_by_id_slug_or_exact_name() {
        assert!(matches!(org("org_1").unwrap(), OrgName::Id(_)));
        assert!(org("org_").is_err());
        assert_eq!(
            org("user_123").unwrap_err().exit_code(),
            2,
            "another kind of ID"
        );
        assert_eq!(org("acme").unwrap(), OrgName::SlugOrName("acme".into()));
        assert_eq!(org("Acme Inc").unwrap(), OrgName::Name("Acme Inc".into()));
        let c = test_client();
        assert_eq!(
            org("acme")
                .unwrap()
                .by_slug()
                .unwrap()
                .request(&c)
                .spec()
                .path,
            "/organizations/acme"
        );
        assert!(org("Acme Inc").unwrap().by_slug().is_none());

        let found = [
            json!({"id": "org_1", "name": "Acme Inc", "slug": "acme"}),
            json!({"id": "org_2", "name": "Acme Incorporated", "slug": null}),
        ];
        let name = org("acme inc").unwrap();
        assert_eq!(name.pick(&found).unwrap().as_str(), "org_1");
        assert_eq!(
            org("Acme").unwrap().pick(&found).unwrap_err().exit_code(),
            4
        );
        let twins = [
            json!({"id": "org_1", "name": "Acme", "slug": "acme"}),
            json!({"id": "org_2", "name": "Acme", "slug": "acme-2"}),
        ];
        let e = org("Acme").unwrap().pick(&twins).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.line()
                .contains("org_1 (Acme, slug acme); org_2 (Acme, slug acme-2)"),
            "{}",
            e.line()
        );
    }

    #[test]
    fn signs_are_kept_apart() {
        assert_eq!(signed("-ada@example.com"), (Some('-'), "ada@example.com"));
        assert_eq!(signed("+org_1"), (Some('+'), "org_1"));
        assert_eq!(signed("+15555550100"), (None, "+15555550100"));
        assert_eq!(signed("acme"), (None, "acme"));
    }
}
