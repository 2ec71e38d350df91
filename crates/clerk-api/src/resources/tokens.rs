use http::Method;
use serde_json::json;

use super::{body_setters, seg};
use crate::client::Client;
use crate::error::Result;
use crate::ids::UserId;
use crate::models::{Instance, Jwks, SignInToken, TestingToken};
use crate::request::{One, Operation, Request, RequestSpec, decode_json};
use crate::retry::Repeat;

/// Sign-in tokens: `client.sign_in_tokens()`.
#[derive(Debug, Clone, Copy)]
pub struct SignInTokens<'a> {
    client: &'a Client,
}

/// `POST /sign_in_tokens`.
#[derive(Debug)]
pub struct CreateSignInToken;

impl Operation for CreateSignInToken {
    type Output = SignInToken;
    fn decode(bytes: &[u8]) -> Result<SignInToken> {
        decode_json(bytes)
    }
}

impl Client {
    /// `GET /jwks`: the instance's public keys, to verify its tokens with. Clerk does not
    /// rate-limit it; [`crate::models::Jwk::to_pem`] gives a key as the PEM that networkless
    /// verification (`CLERK_JWT_KEY`) takes.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let jwks = clerk.jwks().send().await?;
    /// let pem = jwks.keys[0].to_pem().expect("Clerk's instance keys are RSA");
    /// # Ok(()) }
    /// ```
    pub fn jwks(&self) -> Request<'_, One<Jwks>> {
        Request::new(self, RequestSpec::new(Method::GET, "/jwks"))
    }

    /// `GET /instance`: the instance the secret key belongs to (its ID, development or
    /// production).
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let instance = clerk.instance().send().await?;
    /// println!("{} ({})", instance.id, instance.environment_type);
    /// # Ok(()) }
    /// ```
    pub fn instance(&self) -> Request<'_, One<Instance>> {
        Request::new(self, RequestSpec::new(Method::GET, "/instance"))
    }

    /// `POST /testing_tokens`: a token that lets a test runner's browser through Clerk's bot
    /// protection.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let t = clerk.create_testing_token().send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create_testing_token(&self) -> Request<'_, One<TestingToken>> {
        let mut spec = RequestSpec::new(Method::POST, "/testing_tokens");
        // Each call makes a new token and changes nothing else.
        spec.repeat = Repeat::Safe;
        Request::new(self, spec)
    }

    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let user = "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?;
    /// let ticket = clerk.sign_in_tokens().create(&user).expires_in_seconds(300).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn sign_in_tokens(&self) -> SignInTokens<'_> {
        SignInTokens { client: self }
    }
}

impl<'a> SignInTokens<'a> {
    /// `POST /sign_in_tokens`: a one-time ticket that signs the user in (30 days unless
    /// `expires_in_seconds` says otherwise).
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let t = clerk.sign_in_tokens().create(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create(&self, user_id: &UserId) -> Request<'a, CreateSignInToken> {
        let mut spec = RequestSpec::new(Method::POST, "/sign_in_tokens");
        spec.body = Some(json!({ "user_id": user_id.as_str() }));
        Request::new(self.client, spec)
    }

    /// `POST /sign_in_tokens/{id}/revoke`: a pending ticket can no longer be used. Clerk
    /// documents no prefix for these IDs, so the ID is not checked.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let t = clerk.sign_in_tokens().revoke("sit_2xhFjEI5X2qWRvtV13BzSj8H6Dk").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn revoke(&self, id: &str) -> Request<'a, One<SignInToken>> {
        let mut spec =
            RequestSpec::new(Method::POST, format!("/sign_in_tokens/{}/revoke", seg(id)));
        spec.repeat = Repeat::Safe;
        Request::new(self.client, spec)
    }
}

body_setters!(CreateSignInToken {
    /// Seconds until the ticket expires [Clerk's default: 30 days].
    expires_in_seconds: i64,
    /// An organization (the user's) to make active when the ticket signs them in.
    org_id: OrganizationId,
});
