use http::Method;
use std::borrow::Borrow;

use serde_json::Value;

use super::{body_setters, query_setters, seg};
use crate::client::Client;
use crate::error::Result;
use crate::ids::UserId;
use crate::models::{
    DeletedObject, OrganizationInvitation, OrganizationMembership, TotalCount, User,
};
use crate::page::List;
use crate::request::{One, Operation, Paging, Request, RequestSpec, decode_json};
use crate::retry::Repeat;

/// Users: `client.users()`.
#[derive(Debug, Clone, Copy)]
pub struct Users<'a> {
    client: &'a Client,
}

impl Client {
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let total = clerk.users().count().send().await?;
    /// # Ok(()) }
    /// ```
    pub fn users(&self) -> Users<'_> {
        Users { client: self }
    }
}

/// `POST /users`.
#[derive(Debug)]
pub struct CreateUser;
/// `PATCH /users/{id}`.
#[derive(Debug)]
pub struct UpdateUser;
/// `PATCH` or `PUT /users/{id}/metadata`.
#[derive(Debug)]
pub struct UserMetadata;
/// `GET /users/count`: answers the number.
#[derive(Debug)]
pub struct CountUsers;
/// `POST /users/{id}/verify_password`: answers `true` when the password matched. Clerk answers
/// a wrong password with an error (422 `incorrect_password`), a user without a password with
/// 400 `no_password_set`.
#[derive(Debug)]
pub struct VerifyPassword;

impl Operation for CreateUser {
    type Output = User;
    fn decode(bytes: &[u8]) -> Result<User> {
        decode_json(bytes)
    }
}

impl Operation for UpdateUser {
    type Output = User;
    fn decode(bytes: &[u8]) -> Result<User> {
        decode_json(bytes)
    }
}

impl Operation for UserMetadata {
    type Output = User;
    fn decode(bytes: &[u8]) -> Result<User> {
        decode_json(bytes)
    }
}

/// `{"verified": true}`; a 200 means the password matched, so an answer without the field
/// (or with more) still does.
#[derive(serde::Deserialize)]
struct Verified {
    #[serde(default)]
    verified: Option<bool>,
}

impl Operation for VerifyPassword {
    type Output = bool;
    fn decode(bytes: &[u8]) -> Result<bool> {
        decode_json::<Verified>(bytes).map(|v| v.verified.unwrap_or(true))
    }
}

impl Operation for CountUsers {
    type Output = u64;
    fn decode(bytes: &[u8]) -> Result<u64> {
        decode_json::<TotalCount>(bytes).map(|t| t.total_count)
    }
}

fn user_path(id: &UserId) -> String {
    format!("/users/{}", seg(id.as_str()))
}

impl<'a> Users<'a> {
    /// `GET /users`: a page of users (a bare array, so `total_count` is `None`; see
    /// [`Users::count`]). `.stream()` pages with the `starting_after` cursor.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let page = clerk.users().list().query("ada").order_by("-created_at").limit(20).send().await?;
    /// for user in &page.data {
    ///     println!("{} {:?}", user.id, user.primary_email_address());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> Request<'a, List<User>> {
        let mut spec = RequestSpec::new(Method::GET, "/users");
        spec.paging = Paging::Cursor;
        Request::new(self.client, spec)
    }

    /// `GET /users/count` with the same filters as [`Users::list`].
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let banned = clerk.users().count().banned(true).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn count(&self) -> Request<'a, CountUsers> {
        Request::new(self.client, RequestSpec::new(Method::GET, "/users/count"))
    }

    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let user = clerk.users().get(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn get(&self, id: &UserId) -> Request<'a, One<User>> {
        Request::new(self.client, RequestSpec::new(Method::GET, user_path(id)))
    }

    /// `POST /users`; set fields with the builder's methods or [`Request::field`].
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let user = clerk
    ///     .users()
    ///     .create()
    ///     .email_address(["ada@example.com"])
    ///     .first_name("Ada")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn create(&self) -> Request<'a, CreateUser> {
        let mut spec = RequestSpec::new(Method::POST, "/users");
        spec.body = Some(Value::Object(Default::default()));
        Request::new(self.client, spec)
    }

    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let user = clerk.users().update(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).last_name("Lovelace").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, id: &UserId) -> Request<'a, UpdateUser> {
        let mut spec = RequestSpec::new(Method::PATCH, user_path(id));
        spec.body = Some(Value::Object(Default::default()));
        Request::new(self.client, spec)
    }

    /// `PATCH /users/{id}/metadata`: deep-merges; a `null` value deletes its key.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let patch = serde_json::json!({"plan": "pro", "trial": null});
    /// let user = clerk
    ///     .users()
    ///     .update_metadata(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?)
    ///     .public_metadata(patch.as_object().unwrap().clone())
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn update_metadata(&self, id: &UserId) -> Request<'a, UserMetadata> {
        let mut spec = RequestSpec::new(Method::PATCH, format!("{}/metadata", user_path(id)));
        spec.body = Some(Value::Object(Default::default()));
        Request::new(self.client, spec)
    }

    /// `PUT /users/{id}/metadata`: each field sent replaces the stored one.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let meta = serde_json::json!({"plan": "pro"});
    /// let user = clerk
    ///     .users()
    ///     .replace_metadata(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?)
    ///     .public_metadata(meta.as_object().unwrap().clone())
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn replace_metadata(&self, id: &UserId) -> Request<'a, UserMetadata> {
        let mut spec = RequestSpec::new(Method::PUT, format!("{}/metadata", user_path(id)));
        spec.body = Some(Value::Object(Default::default()));
        Request::new(self.client, spec)
    }

    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let gone = clerk.users().delete(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// assert!(gone.deleted);
    /// # Ok(()) }
    /// ```
    pub fn delete(&self, id: &UserId) -> Request<'a, One<DeletedObject>> {
        Request::new(self.client, RequestSpec::new(Method::DELETE, user_path(id)))
    }

    fn action(&self, id: &UserId, action: &str) -> Request<'a, One<User>> {
        let mut spec = RequestSpec::new(Method::POST, format!("{}/{action}", user_path(id)));
        spec.repeat = Repeat::Safe;
        Request::new(self.client, spec)
    }

    /// `POST /users/{id}/verify_password`: whether `password` is the user's. A wrong one is
    /// Clerk's error `incorrect_password` (422); a user without a password `no_password_set`
    /// (400). Changes nothing, so it is safe to send again after a lost answer.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let id = "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?;
    /// match clerk.users().verify_password(&id, "correct horse battery staple").send().await {
    ///     Ok(_) => println!("signs in"),
    ///     Err(e) if e.api().and_then(|a| a.code()) == Some("incorrect_password") => {
    ///         println!("wrong password")
    ///     }
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn verify_password(
        &self,
        id: &UserId,
        password: impl Into<String>,
    ) -> Request<'a, VerifyPassword> {
        let mut spec = RequestSpec::new(Method::POST, format!("{}/verify_password", user_path(id)));
        spec.repeat = Repeat::Safe;
        spec.body = Some(serde_json::json!({ "password": password.into() }));
        Request::new(self.client, spec)
    }

    /// Bans a user: their sessions end and they cannot sign in.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let user = clerk.users().ban(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// assert!(user.banned);
    /// # Ok(()) }
    /// ```
    pub fn ban(&self, id: &UserId) -> Request<'a, One<User>> {
        self.action(id, "ban")
    }

    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// clerk.users().unban(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn unban(&self, id: &UserId) -> Request<'a, One<User>> {
        self.action(id, "unban")
    }

    /// Locks a user out of signing in (until the instance's lockout period ends).
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let user = clerk.users().lock(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// assert!(user.locked);
    /// # Ok(()) }
    /// ```
    pub fn lock(&self, id: &UserId) -> Request<'a, One<User>> {
        self.action(id, "lock")
    }

    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// clerk.users().unlock(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn unlock(&self, id: &UserId) -> Request<'a, One<User>> {
        self.action(id, "unlock")
    }

    fn many(
        &self,
        path: &str,
        ids: impl IntoIterator<Item = impl Borrow<UserId>>,
    ) -> Request<'a, One<Vec<User>>> {
        let ids: Vec<String> = ids
            .into_iter()
            .map(|i| i.borrow().as_str().to_owned())
            .collect();
        let mut spec = RequestSpec::new(Method::POST, path);
        spec.repeat = Repeat::Safe;
        spec.body = Some(serde_json::json!({ "user_ids": ids }));
        Request::new(self.client, spec)
    }

    /// `POST /users/ban` for up to 50 users.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// use clerk_api::ids::UserId;
    /// let ids: Vec<UserId> = ["user_2xhFjEI5X2qWRvtV13BzSj8H6Dk", "user_3K8adeKP3qtBzC5UAkLsdUEBR2j"]
    ///     .iter()
    ///     .map(|s| s.parse())
    ///     .collect::<Result<_, _>>()?;
    /// let banned = clerk.users().ban_many(&ids).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn ban_many(
        &self,
        ids: impl IntoIterator<Item = impl Borrow<UserId>>,
    ) -> Request<'a, One<Vec<User>>> {
        self.many("/users/ban", ids)
    }

    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let id: clerk_api::ids::UserId = "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?;
    /// clerk.users().unban_many([id]).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn unban_many(
        &self,
        ids: impl IntoIterator<Item = impl Borrow<UserId>>,
    ) -> Request<'a, One<Vec<User>>> {
        self.many("/users/unban", ids)
    }

    /// `GET /users/{id}/organization_memberships`.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let page = clerk.users().organization_memberships(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn organization_memberships(
        &self,
        id: &UserId,
    ) -> Request<'a, List<OrganizationMembership>> {
        let mut spec = RequestSpec::new(
            Method::GET,
            format!("{}/organization_memberships", user_path(id)),
        );
        spec.paging = Paging::Offset;
        Request::new(self.client, spec)
    }

    /// `GET /users/{id}/organization_invitations`.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let page = clerk.users().organization_invitations(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).status(["pending"]).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn organization_invitations(
        &self,
        id: &UserId,
    ) -> Request<'a, List<OrganizationInvitation>> {
        let mut spec = RequestSpec::new(
            Method::GET,
            format!("{}/organization_invitations", user_path(id)),
        );
        spec.paging = Paging::Offset;
        Request::new(self.client, spec)
    }
}

macro_rules! user_filters {
    ($op:ty) => {
        query_setters!($op {
            /// Users with any of these email addresses.
            email_address: many,
            phone_number: many,
            /// External IDs; prefix `+` to include, `-` to exclude.
            external_id: many,
            username: many,
            web3_wallet: many,
            /// User IDs; prefix `+` to include, `-` to exclude.
            user_id: many,
            /// Users with a membership in these organizations; `+`/`-` prefixes as above.
            organization_id: many,
            /// Partial match over emails, phones, usernames, wallets, IDs and names.
            query: text,
            email_address_query: text,
            phone_number_query: text,
            username_query: text,
            name_query: text,
            banned: flag,
            last_active_at_before: millis,
            last_active_at_after: millis,
            created_at_before: millis,
            created_at_after: millis,
            last_sign_in_at_before: millis,
            last_sign_in_at_after: millis,
            /// An OAuth provider (`oauth_google`), with [`Self::provider_user_id`].
            provider: text,
            provider_user_id: many,
        });
    };
}

user_filters!(List<User>);
user_filters!(CountUsers);

impl<'a> Request<'a, List<User>> {
    /// Continues after this user (the cursor; needs `created_at` order and no offset).
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let next = clerk.users().list().limit(100).starting_after(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn starting_after(mut self, user_id: &UserId) -> Self {
        self.spec.set_param("starting_after", user_id.as_str());
        self
    }

    /// The count request with this list's filters (for a `total_count`).
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let list = clerk.users().list().name_query("ada");
    /// let total = list.count().send().await?;
    /// let page = list.send().await?;
    /// # Ok(()) }
    /// ```
    pub fn count(&self) -> Request<'a, CountUsers> {
        let mut spec = RequestSpec::new(Method::GET, "/users/count");
        spec.retry = self.spec.retry;
        spec.query = self
            .spec
            .query
            .iter()
            .filter(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "limit" | "offset" | "order_by" | "starting_after"
                )
            })
            .cloned()
            .collect();
        Request::new(self.client, spec)
    }
}

body_setters!(CreateUser {
    external_id: String,
    first_name: String,
    last_name: String,
    locale: String,
    username: String,
    /// A plaintext password (at least 8 characters).
    password: String,
    password_digest: String,
    password_hasher: String,
    skip_password_checks: bool,
    skip_password_requirement: bool,
    totp_secret: String,
    public_metadata: Metadata,
    private_metadata: Metadata,
    unsafe_metadata: Metadata,
    delete_self_enabled: bool,
    create_organization_enabled: bool,
    create_organizations_limit: i64,
    /// RFC 3339, e.g. `2012-10-20T07:15:20.902Z`.
    legal_accepted_at: String,
    skip_legal_checks: bool,
    skip_user_requirement: bool,
    /// RFC 3339 sign-up time, for migrated users.
    created_at: String,
    bypass_client_trust: bool,
    banned: bool,
    locked: bool,
});

impl Request<'_, CreateUser> {
    /// Email addresses; the first becomes the primary one.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let user = clerk.users().create().email_address(["ada@example.com", "ada@work.example"]).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn email_address<S: Into<String>>(self, values: impl IntoIterator<Item = S>) -> Self {
        let v: Vec<String> = values.into_iter().map(Into::into).collect();
        self.field("email_address", v)
    }

    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let user = clerk.users().create().phone_number(["+15555550100"]).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn phone_number<S: Into<String>>(self, values: impl IntoIterator<Item = S>) -> Self {
        let v: Vec<String> = values.into_iter().map(Into::into).collect();
        self.field("phone_number", v)
    }

    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let user = clerk.users().create().web3_wallet(["0x52908400098527886e0f7030069857d2e4169ee7"]).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn web3_wallet<S: Into<String>>(self, values: impl IntoIterator<Item = S>) -> Self {
        let v: Vec<String> = values.into_iter().map(Into::into).collect();
        self.field("web3_wallet", v)
    }
}

body_setters!(UpdateUser {
    external_id: String,
    first_name: String,
    last_name: String,
    locale: String,
    username: String,
    primary_email_address_id: IdentificationId,
    primary_phone_number_id: IdentificationId,
    primary_web3_wallet_id: IdentificationId,
    notify_primary_email_address_changed: bool,
    password: String,
    skip_password_checks: bool,
    sign_out_of_other_sessions: bool,
    delete_self_enabled: bool,
    create_organization_enabled: bool,
    create_organizations_limit: i64,
    legal_accepted_at: String,
    created_at: String,
    bypass_client_trust: bool,
});

body_setters!(UserMetadata {
    public_metadata: Metadata,
    private_metadata: Metadata,
    unsafe_metadata: Metadata,
});
