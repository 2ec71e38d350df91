use http::Method;
use serde_json::{Value, json};

use super::{body_setters, query_setters, seg};
use crate::client::Client;
use crate::error::Result;
use crate::ids::{OrganizationId, UserId};
use crate::models::OrganizationMembership;
use crate::page::List;
use crate::request::{One, Operation, Paging, Request, RequestSpec, decode_json};
use crate::retry::Repeat;

/// The memberships of one organization: `client.memberships(org_id)`.
#[derive(Debug, Clone)]
pub struct Memberships<'a> {
    client: &'a Client,
    org: OrganizationId,
}

impl Client {
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let admins = clerk.memberships(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).list().role(["org:admin"]).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn memberships(&self, organization_id: &OrganizationId) -> Memberships<'_> {
        Memberships {
            client: self,
            org: organization_id.clone(),
        }
    }

    /// `GET /organization_memberships`: every membership of the instance.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let page = clerk.all_memberships().limit(100).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn all_memberships(&self) -> Request<'_, List<OrganizationMembership>> {
        let mut spec = RequestSpec::new(Method::GET, "/organization_memberships");
        spec.paging = Paging::Offset;
        Request::new(self, spec)
    }
}

/// `POST /organizations/{id}/memberships`.
#[derive(Debug)]
pub struct AddMember;
/// `PATCH /organizations/{id}/memberships/{user_id}`.
#[derive(Debug)]
pub struct UpdateMember;
/// `PATCH /organizations/{id}/memberships/{user_id}/metadata`.
#[derive(Debug)]
pub struct UpdateMemberMetadata;

macro_rules! answers_membership {
    ($($op:ty),*) => {$(
        impl Operation for $op {
            type Output = OrganizationMembership;
            fn decode(bytes: &[u8]) -> Result<OrganizationMembership> {
                decode_json(bytes)
            }
        }
    )*};
}

answers_membership!(AddMember, UpdateMember, UpdateMemberMetadata);

impl<'a> Memberships<'a> {
    fn path(&self) -> String {
        format!("/organizations/{}/memberships", seg(self.org.as_str()))
    }

    fn member_path(&self, user_id: &UserId) -> String {
        format!("{}/{}", self.path(), seg(user_id.as_str()))
    }

    /// `GET /organizations/{id}/memberships`.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let page = clerk.memberships(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).list().query("ada").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> Request<'a, List<OrganizationMembership>> {
        let mut spec = RequestSpec::new(Method::GET, self.path());
        spec.paging = Paging::Offset;
        Request::new(self.client, spec)
    }

    /// Adds a user with a role (`org:admin`, `org:member`, or a custom role key).
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let m = clerk.memberships(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).add(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?, "org:member").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn add(&self, user_id: &UserId, role: impl Into<String>) -> Request<'a, AddMember> {
        let mut spec = RequestSpec::new(Method::POST, self.path());
        spec.body = Some(json!({ "user_id": user_id.as_str(), "role": role.into() }));
        Request::new(self.client, spec)
    }

    /// Changes a member's role.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let m = clerk.memberships(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).update(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?, "org:admin").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, user_id: &UserId, role: impl Into<String>) -> Request<'a, UpdateMember> {
        let mut spec = RequestSpec::new(Method::PATCH, self.member_path(user_id));
        spec.body = Some(json!({ "role": role.into() }));
        Request::new(self.client, spec)
    }

    /// Deep-merges a member's metadata; `null` deletes a key.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let patch = serde_json::json!({"team": "core"});
    /// clerk
    ///     .memberships(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?)
    ///     .update_metadata(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?)
    ///     .public_metadata(patch.as_object().unwrap().clone())
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn update_metadata(&self, user_id: &UserId) -> Request<'a, UpdateMemberMetadata> {
        let mut spec = RequestSpec::new(
            Method::PATCH,
            format!("{}/metadata", self.member_path(user_id)),
        );
        spec.body = Some(Value::Object(Default::default()));
        Request::new(self.client, spec)
    }

    /// Removes a member; answers with the membership as it was.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let was = clerk.memberships(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).remove(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn remove(&self, user_id: &UserId) -> Request<'a, One<OrganizationMembership>> {
        let mut spec = RequestSpec::new(Method::DELETE, self.member_path(user_id));
        spec.repeat = Repeat::Safe;
        Request::new(self.client, spec)
    }
}

query_setters!(List<OrganizationMembership> {
    /// User IDs; `+` includes, `-` excludes.
    user_id: many,
    email_address: many,
    phone_number: many,
    username: many,
    web3_wallet: many,
    /// Role keys, e.g. `org:admin`.
    role: many,
    query: text,
    email_address_query: text,
    phone_number_query: text,
    username_query: text,
    name_query: text,
    last_active_at_before: millis,
    last_active_at_after: millis,
    created_at_before: millis,
    created_at_after: millis,
});

body_setters!(AddMember {
    public_metadata: Metadata,
    private_metadata: Metadata,
});

body_setters!(UpdateMemberMetadata {
    public_metadata: Metadata,
    private_metadata: Metadata,
});
