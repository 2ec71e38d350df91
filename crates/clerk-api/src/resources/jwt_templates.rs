use http::Method;
use serde::Serialize;
use serde_json::{Value, json};

use super::{body_setters, seg};
use crate::client::Client;
use crate::error::Result;
use crate::ids::JwtTemplateId;
use crate::models::{DeletedObject, JwtTemplate};
use crate::page::List;
use crate::request::{One, Operation, Paging, Request, RequestSpec, decode_json};
use crate::retry::Repeat;

/// JWT templates: `client.jwt_templates()`.
#[derive(Debug, Clone, Copy)]
pub struct JwtTemplates<'a> {
    client: &'a Client,
}

impl Client {
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let templates = clerk.jwt_templates().list().send().await?;
    /// # Ok(()) }
    /// ```
    pub fn jwt_templates(&self) -> JwtTemplates<'_> {
        JwtTemplates { client: self }
    }
}

/// `POST /jwt_templates`.
#[derive(Debug)]
pub struct CreateJwtTemplate;
/// `PATCH /jwt_templates/{id}`.
#[derive(Debug)]
pub struct UpdateJwtTemplate;

macro_rules! answers_template {
    ($($op:ty),*) => {$(
        impl Operation for $op {
            type Output = JwtTemplate;
            fn decode(bytes: &[u8]) -> Result<JwtTemplate> {
                decode_json(bytes)
            }
        }
    )*};
}

answers_template!(CreateJwtTemplate, UpdateJwtTemplate);

fn template_path(id: &JwtTemplateId) -> String {
    format!("/jwt_templates/{}", seg(id.as_str()))
}

/// A request whose body starts as `{"name", "claims"}`, or refuses to be sent when the claims
/// are not a JSON object.
fn with_claims<'a, O>(
    client: &'a Client,
    mut spec: RequestSpec,
    name: String,
    claims: impl Serialize,
) -> Request<'a, O> {
    let claims = serde_json::to_value(claims);
    spec.body = Some(json!({ "name": name }));
    let mut req = Request::new(client, spec);
    match claims {
        Ok(claims @ Value::Object(_)) => req.field("claims", claims),
        Ok(_) => {
            req.refuse("claims must be a JSON object of claim names and values".into());
            req
        }
        Err(e) => {
            req.refuse(format!("claims: {e}"));
            req
        }
    }
}

impl<'a> JwtTemplates<'a> {
    /// `GET /jwt_templates`, newest first. Asks for `{data, total_count}`
    /// (`paginated=true`).
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let page = clerk.jwt_templates().list().limit(100).send().await?;
    /// let hasura = page.data.iter().find(|t| t.name == "hasura");
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> Request<'a, List<JwtTemplate>> {
        let mut spec = RequestSpec::new(Method::GET, "/jwt_templates");
        spec.paging = Paging::Offset;
        spec.set_param("paginated", "true");
        Request::new(self.client, spec)
    }

    /// `GET /jwt_templates/{id}`.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let t = clerk.jwt_templates().get(&"jtmp_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn get(&self, id: &JwtTemplateId) -> Request<'a, One<JwtTemplate>> {
        Request::new(
            self.client,
            RequestSpec::new(Method::GET, template_path(id)),
        )
    }

    /// `POST /jwt_templates`: a template named `name` with these claims (anything that
    /// serializes to a JSON object), in Clerk's shortcodes.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let claims = serde_json::json!({"email": "{{user.primary_email_address}}", "aud": "my-api"});
    /// let t = clerk.jwt_templates().create("my-api", claims).lifetime(300).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create(
        &self,
        name: impl Into<String>,
        claims: impl Serialize,
    ) -> Request<'a, CreateJwtTemplate> {
        let spec = RequestSpec::new(Method::POST, "/jwt_templates");
        with_claims(self.client, spec, name.into(), claims)
    }

    /// `PATCH /jwt_templates/{id}`. Clerk requires the name and the claims on every update,
    /// so both are given here (the current ones to keep them); the other settings keep their
    /// values unless set.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let id = "jtmp_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?;
    /// let current = clerk.jwt_templates().get(&id).send().await?;
    /// let t = clerk
    ///     .jwt_templates()
    ///     .update(&id, current.name, current.claims)
    ///     .lifetime(600)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn update(
        &self,
        id: &JwtTemplateId,
        name: impl Into<String>,
        claims: impl Serialize,
    ) -> Request<'a, UpdateJwtTemplate> {
        let spec = RequestSpec::new(Method::PATCH, template_path(id));
        with_claims(self.client, spec, name.into(), claims)
    }

    /// `DELETE /jwt_templates/{id}`.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let gone = clerk.jwt_templates().delete(&"jtmp_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn delete(&self, id: &JwtTemplateId) -> Request<'a, One<DeletedObject>> {
        let mut spec = RequestSpec::new(Method::DELETE, template_path(id));
        spec.repeat = Repeat::Safe;
        Request::new(self.client, spec)
    }
}

macro_rules! template_settings {
    ($($op:ty),*) => {$(
        body_setters!($op {
            /// Seconds a token lives (30 to 315360000) [Clerk's default: 60].
            lifetime: i64,
            /// Seconds of clock skew allowed (0 to 300) [Clerk's default: 5].
            allowed_clock_skew: i64,
            /// Whether tokens are signed with the template's own key
            /// (`signing_algorithm` and `signing_key`) instead of the instance's.
            custom_signing_key: bool,
            /// The custom key's algorithm: `HS256`, `RS256`, `ES256`, ... (with
            /// `custom_signing_key`).
            signing_algorithm: String,
            /// The custom key: the shared secret for `HS*`, a PEM private key otherwise.
            /// Clerk never shows it again.
            signing_key: String,
        });
    )*};
}

template_settings!(CreateJwtTemplate, UpdateJwtTemplate);
