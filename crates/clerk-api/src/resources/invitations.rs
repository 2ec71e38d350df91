use http::Method;
use serde::Serialize;
use serde_json::{Value, json};

use super::{body_setters, query_setters, seg};
use crate::client::Client;
use crate::error::Result;
use crate::ids::{InvitationId, OrganizationId, OrganizationInvitationId};
use crate::models::{Invitation, OrganizationInvitation};
use crate::page::{List, Page};
use crate::request::{One, Operation, Paging, Request, RequestSpec, decode_json};

/// The invitations of one organization: `client.organization_invitations(org_id)`.
#[derive(Debug, Clone)]
pub struct OrganizationInvitations<'a> {
    client: &'a Client,
    org: OrganizationId,
}

/// Invitations to sign up to the application: `client.invitations()`.
#[derive(Debug, Clone, Copy)]
pub struct Invitations<'a> {
    client: &'a Client,
}

impl Client {
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let pending = clerk.organization_invitations(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).list().status(["pending"]).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn organization_invitations(
        &self,
        organization_id: &OrganizationId,
    ) -> OrganizationInvitations<'_> {
        OrganizationInvitations {
            client: self,
            org: organization_id.clone(),
        }
    }

    /// `GET /organization_invitations`: every organization invitation of the instance.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let page = clerk.all_organization_invitations().query("@example.com").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn all_organization_invitations(&self) -> Request<'_, List<OrganizationInvitation>> {
        let mut spec = RequestSpec::new(Method::GET, "/organization_invitations");
        spec.paging = Paging::Offset;
        Request::new(self, spec)
    }

    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let page = clerk.invitations().list().status("pending").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn invitations(&self) -> Invitations<'_> {
        Invitations { client: self }
    }
}

/// `POST /organizations/{id}/invitations`.
#[derive(Debug)]
pub struct CreateOrganizationInvitation;
/// `POST /organizations/{id}/invitations/{invitation_id}/revoke`.
#[derive(Debug)]
pub struct RevokeOrganizationInvitation;
/// `POST /invitations`.
#[derive(Debug)]
pub struct CreateInvitation;
/// `POST /organizations/{id}/invitations/bulk`: answers the invitations made.
#[derive(Debug)]
pub struct CreateOrganizationInvitations;
/// `POST /invitations/bulk`: answers the invitations made.
#[derive(Debug)]
pub struct CreateInvitations;

impl Operation for CreateOrganizationInvitations {
    type Output = Vec<OrganizationInvitation>;
    /// Clerk answers `{data, total_count}`; a bare array is read too.
    fn decode(bytes: &[u8]) -> Result<Vec<OrganizationInvitation>> {
        Page::decode(bytes).map(|p| p.data)
    }
}

impl Operation for CreateInvitations {
    type Output = Vec<Invitation>;
    /// Clerk answers a bare array; `{data, total_count}` is read too.
    fn decode(bytes: &[u8]) -> Result<Vec<Invitation>> {
        Page::decode(bytes).map(|p| p.data)
    }
}

/// A bulk body: a JSON array of the items, each of which must serialize to an object.
fn bulk_body<'a, O, I: Serialize>(
    client: &'a Client,
    path: String,
    items: impl IntoIterator<Item = I>,
) -> Request<'a, O> {
    let mut spec = RequestSpec::new(Method::POST, path);
    let mut invalid = None;
    let items: Vec<Value> = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match serde_json::to_value(item) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => {
                invalid.get_or_insert(format!("bulk item {i} must be a JSON object"));
                Value::Null
            }
            Err(e) => {
                invalid.get_or_insert(format!("bulk item {i}: {e}"));
                Value::Null
            }
        })
        .collect();
    spec.body = Some(Value::Array(items));
    let mut req = Request::new(client, spec);
    if let Some(why) = invalid {
        req.refuse(why);
    }
    req
}

impl Operation for CreateOrganizationInvitation {
    type Output = OrganizationInvitation;
    fn decode(bytes: &[u8]) -> Result<OrganizationInvitation> {
        decode_json(bytes)
    }
}

impl Operation for RevokeOrganizationInvitation {
    type Output = OrganizationInvitation;
    fn decode(bytes: &[u8]) -> Result<OrganizationInvitation> {
        decode_json(bytes)
    }
}

impl Operation for CreateInvitation {
    type Output = Invitation;
    fn decode(bytes: &[u8]) -> Result<Invitation> {
        decode_json(bytes)
    }
}

impl<'a> OrganizationInvitations<'a> {
    fn path(&self) -> String {
        format!("/organizations/{}/invitations", seg(self.org.as_str()))
    }

    /// `GET /organizations/{id}/invitations`.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let page = clerk.organization_invitations(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).list().email_address("ada@example.com").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> Request<'a, List<OrganizationInvitation>> {
        let mut spec = RequestSpec::new(Method::GET, self.path());
        spec.paging = Paging::Offset;
        Request::new(self.client, spec)
    }

    /// `GET /organizations/{id}/invitations/pending` (deprecated by Clerk; prefer
    /// `list().status(["pending"])`).
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let page = clerk.organization_invitations(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).pending().send().await?;
    /// # Ok(()) }
    /// ```
    pub fn pending(&self) -> Request<'a, List<OrganizationInvitation>> {
        let mut spec = RequestSpec::new(Method::GET, format!("{}/pending", self.path()));
        spec.paging = Paging::Offset;
        Request::new(self.client, spec)
    }

    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let inv = clerk.organization_invitations(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).get(&"orginv_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn get(
        &self,
        invitation_id: &OrganizationInvitationId,
    ) -> Request<'a, One<OrganizationInvitation>> {
        Request::new(
            self.client,
            RequestSpec::new(
                Method::GET,
                format!("{}/{}", self.path(), seg(invitation_id.as_str())),
            ),
        )
    }

    /// Invites an email address with a role.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let inv = clerk
    ///     .organization_invitations(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?)
    ///     .create("ada@example.com", "org:member")
    ///     .expires_in_days(7)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn create(
        &self,
        email_address: impl Into<String>,
        role: impl Into<String>,
    ) -> Request<'a, CreateOrganizationInvitation> {
        let mut spec = RequestSpec::new(Method::POST, self.path());
        spec.body = Some(json!({ "email_address": email_address.into(), "role": role.into() }));
        Request::new(self.client, spec)
    }

    /// `POST .../invitations/bulk`: 1 to 10 invitations, each anything that serializes to the
    /// fields of [`OrganizationInvitations::create`]'s body; created all or none. Answers the
    /// invitations made.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// use serde_json::json;
    /// let items = [
    ///     json!({"email_address": "a@example.com", "role": "org:member"}),
    ///     json!({"email_address": "b@example.com", "role": "org:admin", "notify": false}),
    /// ];
    /// let made = clerk.organization_invitations(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).create_bulk(items).send().await?;
    /// assert_eq!(made.len(), 2);
    /// # Ok(()) }
    /// ```
    pub fn create_bulk<I: Serialize>(
        &self,
        items: impl IntoIterator<Item = I>,
    ) -> Request<'a, CreateOrganizationInvitations> {
        bulk_body(self.client, format!("{}/bulk", self.path()), items)
    }

    /// Revokes a pending invitation.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let inv = clerk.organization_invitations(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).revoke(&"orginv_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn revoke(
        &self,
        invitation_id: &OrganizationInvitationId,
    ) -> Request<'a, RevokeOrganizationInvitation> {
        Request::new(
            self.client,
            RequestSpec::new(
                Method::POST,
                format!("{}/{}/revoke", self.path(), seg(invitation_id.as_str())),
            ),
        )
    }
}

impl<'a> Invitations<'a> {
    /// `GET /invitations`, asking for the `{data, total_count}` shape (`paginated=true`).
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let page = clerk.invitations().list().query("example.com").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> Request<'a, List<Invitation>> {
        let mut spec = RequestSpec::new(Method::GET, "/invitations");
        spec.paging = Paging::Offset;
        spec.set_param("paginated", "true");
        Request::new(self.client, spec)
    }

    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let inv = clerk.invitations().create("grace@example.com").expires_in_days(14).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create(&self, email_address: impl Into<String>) -> Request<'a, CreateInvitation> {
        let mut spec = RequestSpec::new(Method::POST, "/invitations");
        spec.body = Some(json!({ "email_address": email_address.into() }));
        Request::new(self.client, spec)
    }

    /// `POST /invitations/bulk`: 1 to 10 invitations, each anything that serializes to the
    /// fields of [`Invitations::create`]'s body; created all or none. Answers the invitations
    /// made.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let items = [serde_json::json!({"email_address": "a@example.com"})];
    /// let made = clerk.invitations().create_bulk(items).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create_bulk<I: Serialize>(
        &self,
        items: impl IntoIterator<Item = I>,
    ) -> Request<'a, CreateInvitations> {
        bulk_body(self.client, "/invitations/bulk".into(), items)
    }

    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let inv = clerk.invitations().revoke(&"inv_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn revoke(&self, invitation_id: &InvitationId) -> Request<'a, One<Invitation>> {
        Request::new(
            self.client,
            RequestSpec::new(
                Method::POST,
                format!("/invitations/{}/revoke", seg(invitation_id.as_str())),
            ),
        )
    }
}

query_setters!(List<OrganizationInvitation> {
    /// `pending`, `accepted`, `revoked`, `expired` (repeatable).
    status: many,
    email_address: text,
    /// Partial email match (instance-wide list).
    query: text,
});

query_setters!(List<Invitation> {
    /// `pending`, `accepted`, `revoked`, `expired`.
    status: text,
    /// Partial match on email address or ID.
    query: text,
});

body_setters!(CreateOrganizationInvitation {
    /// An admin of the organization, shown as the inviter.
    inviter_user_id: UserId,
    public_metadata: Metadata,
    private_metadata: Metadata,
    redirect_url: String,
    /// 1 to 365; Clerk's default is 30.
    expires_in_days: i64,
    /// Whether Clerk emails the invitation (default true).
    notify: bool,
});

body_setters!(RevokeOrganizationInvitation {
    /// An admin of the organization, recorded as the one revoking.
    requesting_user_id: UserId,
});

body_setters!(CreateInvitation {
    public_metadata: Metadata,
    redirect_url: String,
    notify: bool,
    ignore_existing: bool,
    expires_in_days: i64,
    /// `invitation` or `waitlist_invitation`.
    template_slug: String,
});
