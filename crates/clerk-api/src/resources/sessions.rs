use http::Method;
use serde_json::json;

use super::{body_setters, query_setters, seg};
use crate::client::Client;
use crate::error::Result;
use crate::ids::{SessionId, UserId};
use crate::models::{Session, Token};
use crate::page::List;
use crate::request::{One, Operation, Paging, Request, RequestSpec, decode_json};
use crate::retry::Repeat;

/// Sessions: `client.sessions()`.
#[derive(Debug, Clone, Copy)]
pub struct Sessions<'a> {
    client: &'a Client,
}

impl Client {
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let user = "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?;
    /// let active = clerk.sessions().list().user_id(&user).status("active").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn sessions(&self) -> Sessions<'_> {
        Sessions { client: self }
    }
}

/// `POST /sessions`.
#[derive(Debug)]
pub struct CreateSession;
/// `POST /sessions/{id}/tokens` and `POST /sessions/{id}/tokens/{template_name}`.
#[derive(Debug)]
pub struct CreateSessionToken;

impl Operation for CreateSession {
    type Output = Session;
    fn decode(bytes: &[u8]) -> Result<Session> {
        decode_json(bytes)
    }
}

impl Operation for CreateSessionToken {
    type Output = Token;
    fn decode(bytes: &[u8]) -> Result<Token> {
        decode_json(bytes)
    }
}

fn session_path(id: &SessionId) -> String {
    format!("/sessions/{}", seg(id.as_str()))
}

impl<'a> Sessions<'a> {
    /// `GET /sessions`, newest first: a user's (`user_id`) or a client's (`client_id`)
    /// sessions; Clerk requires one of the two. Asks for `{data, total_count}`
    /// (`paginated=true`), as Clerk's JavaScript SDK does.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let page = clerk.sessions().list().user_id(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> Request<'a, List<Session>> {
        let mut spec = RequestSpec::new(Method::GET, "/sessions");
        spec.paging = Paging::Offset;
        spec.set_param("paginated", "true");
        Request::new(self.client, spec)
    }

    /// `GET /sessions/{id}`.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let s = clerk.sessions().get(&"sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn get(&self, id: &SessionId) -> Request<'a, One<Session>> {
        Request::new(self.client, RequestSpec::new(Method::GET, session_path(id)))
    }

    /// `POST /sessions`: an active session for a user. Clerk offers it for testing, on
    /// development instances only; `active_organization_id` makes one of the user's
    /// organizations active in it, which its tokens then name.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let s = clerk.sessions().create(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create(&self, user_id: &UserId) -> Request<'a, CreateSession> {
        let mut spec = RequestSpec::new(Method::POST, "/sessions");
        spec.body = Some(json!({ "user_id": user_id.as_str() }));
        Request::new(self.client, spec)
    }

    /// `POST /sessions/{id}/revoke`: signs the session out; answers it, `revoked`. Tokens it
    /// minted stay valid until they expire.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let s = clerk.sessions().revoke(&"sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn revoke(&self, id: &SessionId) -> Request<'a, One<Session>> {
        let mut spec = RequestSpec::new(Method::POST, format!("{}/revoke", session_path(id)));
        // Revoking twice leaves it revoked.
        spec.repeat = Repeat::Safe;
        Request::new(self.client, spec)
    }

    /// `POST /sessions/{id}/tokens`: a session token (Clerk's session JWT) for an active
    /// session, as its browser would hold one.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let session = "sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?;
    /// let token = clerk.sessions().token(&session).expires_in_seconds(600).send().await?;
    /// println!("Authorization: Bearer {}", token.jwt);
    /// # Ok(()) }
    /// ```
    pub fn token(&self, id: &SessionId) -> Request<'a, CreateSessionToken> {
        let mut spec = RequestSpec::new(Method::POST, format!("{}/tokens", session_path(id)));
        // Minting changes nothing: a lost answer is asked again.
        spec.repeat = Repeat::Safe;
        Request::new(self.client, spec)
    }

    /// `POST /sessions/{id}/tokens/{template_name}`: a token from the JWT template of that
    /// name, for an active session.
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let session = "sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse()?;
    /// let token = clerk.sessions().template_token(&session, "hasura").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn template_token(
        &self,
        id: &SessionId,
        template_name: &str,
    ) -> Request<'a, CreateSessionToken> {
        let mut spec = RequestSpec::new(
            Method::POST,
            format!("{}/tokens/{}", session_path(id), seg(template_name)),
        );
        spec.repeat = Repeat::Safe;
        Request::new(self.client, spec)
    }
}

query_setters!(List<Session> {
    /// The session's status: `active`, `revoked`, `ended`, `expired`, `removed`, `abandoned`
    /// or `replaced`.
    status: text,
});

impl<'a> Request<'a, List<Session>> {
    /// Sets the `user_id` query parameter: this user's sessions.
    pub fn user_id(mut self, user_id: &UserId) -> Self {
        self.spec.set_param("user_id", user_id.as_str());
        self
    }

    /// Sets the `client_id` query parameter: this client's sessions.
    pub fn client_id(mut self, client_id: &crate::ids::ClientId) -> Self {
        self.spec.set_param("client_id", client_id.as_str());
        self
    }
}

body_setters!(CreateSession {
    /// An organization the user belongs to, active in the new session.
    active_organization_id: OrganizationId,
});

body_setters!(CreateSessionToken {
    /// The token's lifetime in seconds (30 to 315360000), instead of the instance's (60 s
    /// for session tokens, the template's for template tokens).
    expires_in_seconds: i64,
});
