use http::Method;
use serde_json::Value;

use super::{body_setters, query_setters, seg};
use crate::client::Client;
use crate::error::Result;
use crate::ids::{OrganizationId, OrganizationRef};
use crate::models::{DeletedObject, Organization};
use crate::page::List;
use crate::request::{One, Operation, Paging, Request, RequestSpec, decode_json};

/// Organizations: `client.organizations()`.
#[derive(Debug, Clone, Copy)]
pub struct Organizations<'a> {
    client: &'a Client,
}

impl Client {
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let page = clerk.organizations().list().send().await?;
    /// # Ok(()) }
    /// ```
    pub fn organizations(&self) -> Organizations<'_> {
        Organizations { client: self }
    }
}

/// `POST /organizations`.
#[derive(Debug)]
pub struct CreateOrganization;
/// `PATCH /organizations/{id}`.
#[derive(Debug)]
pub struct UpdateOrganization;
/// `PATCH` or `PUT /organizations/{id}/metadata`.
#[derive(Debug)]
pub struct OrganizationMetadata;

macro_rules! answers_organization {
    ($($op:ty),*) => {$(
        impl Operation for $op {
            type Output = Organization;
            fn decode(bytes: &[u8]) -> Result<Organization> {
                decode_json(bytes)
            }
        }
    )*};
}

answers_organization!(CreateOrganization, UpdateOrganization, OrganizationMetadata);

fn org_path(id: &str) -> String {
    format!("/organizations/{}", seg(id))
}

fn with_body<O: Operation>(client: &Client, method: Method, path: String) -> Request<'_, O> {
    let mut spec = RequestSpec::new(method, path);
    spec.body = Some(Value::Object(Default::default()));
    Request::new(client, spec)
}

impl<'a> Organizations<'a> {
    /// `GET /organizations`: `{data, total_count}`.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let page = clerk.organizations().list().query("acme").include_members_count(true).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> Request<'a, List<Organization>> {
        let mut spec = RequestSpec::new(Method::GET, "/organizations");
        spec.paging = Paging::Offset;
        Request::new(self.client, spec)
    }

    /// `GET /organizations/{id or slug}`: the one organization path that also takes a slug,
    /// so it takes an [`OrganizationRef`] (an [`OrganizationId`] converts into one).
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// use clerk_api::ids::OrganizationRef;
    /// let by_slug = clerk.organizations().get(OrganizationRef::slug("acme")?).send().await?;
    /// let by_id = clerk.organizations().get(&by_slug.id).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn get(&self, organization: impl Into<OrganizationRef>) -> Request<'a, One<Organization>> {
        Request::new(
            self.client,
            RequestSpec::new(Method::GET, org_path(organization.into().as_str())),
        )
    }

    /// `POST /organizations`.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let org = clerk.organizations().create("Acme Inc").slug("acme").created_by(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create(&self, name: impl Into<String>) -> Request<'a, CreateOrganization> {
        with_body::<CreateOrganization>(self.client, Method::POST, "/organizations".into())
            .field("name", name.into())
    }

    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let org = clerk.organizations().update(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).name("Acme Corp").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, id: &OrganizationId) -> Request<'a, UpdateOrganization> {
        with_body(self.client, Method::PATCH, org_path(id.as_str()))
    }

    /// `PATCH /organizations/{id}/metadata`: deep-merges; `null` deletes a key.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let patch = serde_json::json!({"plan": "enterprise"});
    /// clerk
    ///     .organizations()
    ///     .update_metadata(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?)
    ///     .public_metadata(patch)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn update_metadata(&self, id: &OrganizationId) -> Request<'a, OrganizationMetadata> {
        with_body(
            self.client,
            Method::PATCH,
            format!("{}/metadata", org_path(id.as_str())),
        )
    }

    /// `PUT /organizations/{id}/metadata`: each field sent replaces the stored one.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let meta = serde_json::json!({"tier": 2});
    /// clerk
    ///     .organizations()
    ///     .replace_metadata(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?)
    ///     .private_metadata(meta)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn replace_metadata(&self, id: &OrganizationId) -> Request<'a, OrganizationMetadata> {
        with_body(
            self.client,
            Method::PUT,
            format!("{}/metadata", org_path(id.as_str())),
        )
    }

    /// Deletes the organization with all its memberships and invitations.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let gone = clerk.organizations().delete(&"org_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn delete(&self, id: &OrganizationId) -> Request<'a, One<DeletedObject>> {
        Request::new(
            self.client,
            RequestSpec::new(Method::DELETE, org_path(id.as_str())),
        )
    }
}

query_setters!(List<Organization> {
    /// Exact ID, or partial name or slug.
    query: text,
    /// Organizations with any of these users as members; `+`/`-` prefixes include/exclude.
    user_id: many,
    organization_id: many,
    include_members_count: flag,
    include_missing_member_with_elevated_permissions: flag,
});

query_setters!(One<Organization> {
    include_members_count: flag,
    include_missing_member_with_elevated_permissions: flag,
});

body_setters!(CreateOrganization {
    slug: String,
    /// The user who becomes the organization's first admin.
    created_by: UserId,
    max_allowed_memberships: i64,
    public_metadata: Metadata,
    private_metadata: Metadata,
    created_at: String,
    role_set_key: String,
});

body_setters!(UpdateOrganization {
    name: String,
    slug: String,
    max_allowed_memberships: i64,
    admin_delete_enabled: bool,
    created_at: String,
    role_set_key: String,
});

body_setters!(OrganizationMetadata {
    public_metadata: Metadata,
    private_metadata: Metadata,
});
