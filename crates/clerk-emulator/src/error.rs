//! Clerk-shaped errors: `{"errors": [{message, long_message, code, meta}], "meta": {}, "clerk_trace_id"}`.
//!
//! Every failure the emulator reports goes through [`ApiError`], so that every non-2xx body has the
//! `ClerkErrors` shape the spec requires. The messages follow Clerk's Backend API error index; the
//! constructors are named after the situation, the codes are Clerk's.

use serde::Serialize;
use serde_json::{Map, Value, json};

/// One entry of a `ClerkErrors` body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorItem {
    pub message: String,
    pub long_message: String,
    pub code: String,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub meta: Map<String, Value>,
}

/// An error answer: an HTTP status and one or more Clerk errors.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub errors: Vec<ErrorItem>,
    /// Seconds for a `Retry-After` header (429 answers).
    pub retry_after: Option<u64>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let first = self.errors.first();
        write!(
            f,
            "{} {}: {}",
            self.status,
            first.map_or("", |e| e.code.as_str()),
            first.map_or("", |e| e.long_message.as_str())
        )
    }
}

impl std::error::Error for ApiError {}

pub type ApiResult<T> = Result<T, ApiError>;

fn item(message: &str, long_message: impl Into<String>, code: &str) -> ErrorItem {
    ErrorItem {
        message: message.to_owned(),
        long_message: long_message.into(),
        code: code.to_owned(),
        meta: Map::new(),
    }
}

fn param_item(
    message: &str,
    long_message: impl Into<String>,
    code: &str,
    param: &str,
) -> ErrorItem {
    let mut e = item(message, long_message, code);
    e.meta
        .insert("param_name".into(), Value::String(param.to_owned()));
    e
}

impl ApiError {
    pub fn new(status: u16, item: ErrorItem) -> Self {
        Self {
            status,
            errors: vec![item],
            retry_after: None,
        }
    }

    /// Several form errors answered together, as Clerk does for a body with several bad fields.
    pub fn many(status: u16, errors: Vec<ErrorItem>) -> Self {
        debug_assert!(!errors.is_empty());
        Self {
            status,
            errors,
            retry_after: None,
        }
    }

    /// The first error's code.
    pub fn code(&self) -> &str {
        self.errors.first().map_or("", |e| e.code.as_str())
    }

    /// The JSON body, with a trace id.
    pub fn body(&self, trace_id: &str) -> Value {
        json!({
            "errors": self.errors,
            "meta": {},
            "clerk_trace_id": trace_id,
        })
    }

    // ---- authentication -------------------------------------------------------------------

    pub fn auth_missing() -> Self {
        Self::new(
            401,
            item(
                "Invalid authentication",
                "Unable to authenticate the request, you need to supply an active session",
                "authentication_invalid",
            ),
        )
    }

    pub fn auth_header_format() -> Self {
        Self::new(
            401,
            item(
                "Invalid Authorization header format",
                "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
                "authorization_header_format_invalid",
            ),
        )
    }

    pub fn secret_key_invalid() -> Self {
        Self::new(
            401,
            item(
                "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
                "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
                "clerk_key_invalid",
            ),
        )
    }

    pub fn live_key_refused() -> Self {
        Self::new(
            401,
            item(
                "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
                "This is a local emulator: it refuses production (sk_live_) keys unless started with --secret-key for that key. An emulator never needs a production key; use any sk_test_ key.",
                "clerk_key_invalid",
            ),
        )
    }

    // ---- request shape --------------------------------------------------------------------

    pub fn route_not_found(method: &str, path: &str) -> Self {
        Self::new(
            404,
            item(
                "URL not found",
                format!("The URL was not found: {method} {path}"),
                "resource_not_found",
            ),
        )
    }

    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::new(
            405,
            item(
                "method not allowed",
                format!("The method {method} is not allowed for {path}"),
                "method_not_allowed",
            ),
        )
    }

    pub fn unsupported_content_type(got: &str) -> Self {
        Self::new(
            415,
            item(
                "Content-Type is unsupported",
                format!(
                    "Content-Type {got} is unsupported. You should use application/json instead."
                ),
                "unsupported_content_type",
            ),
        )
    }

    pub fn malformed_body(detail: &str) -> Self {
        Self::new(
            400,
            item(
                "Request body invalid",
                format!(
                    "The request body is invalid. Please consult the API documentation for more information. ({detail})"
                ),
                "request_body_invalid",
            ),
        )
    }

    pub fn body_too_large(limit: usize) -> Self {
        Self::new(
            413,
            item(
                "Request body too large",
                format!("The request body exceeds the maximum allowed size of {limit} bytes."),
                "request_body_too_large",
            ),
        )
    }

    pub fn bulk_size_exceeded(max: usize) -> Self {
        Self::new(
            400,
            item(
                "bulk size exceeded",
                format!("Parameters exceed the maximum allowed bulk processing size of {max}."),
                "bulk_size_exceeded",
            ),
        )
    }

    /// A query parameter Clerk cannot use; `long` says what was wrong and what is allowed.
    pub fn query_value_invalid(param: &str, long: impl Into<String>) -> Self {
        Self::new(
            400,
            param_item("is invalid", long, "invalid_query_parameter_value", param),
        )
    }

    /// A parameter that cannot be combined with another one.
    pub fn conditional_disallowed(param: &str, long: impl Into<String>) -> Self {
        Self::form1(param_item(
            "is not allowed",
            long,
            "form_conditional_param_disallowed",
            param,
        ))
    }

    /// A parameter that needs another one.
    pub fn conditional_missing(param: &str, long: impl Into<String>) -> Self {
        Self::form1(param_item(
            "is missing",
            long,
            "form_conditional_param_missing",
            param,
        ))
    }

    pub fn version_invalid(value: &str, known: &[&str]) -> Self {
        Self::new(
            400,
            item(
                "invalid API version",
                format!(
                    "'{value}' is not a valid Clerk API version. Supported versions: {}.",
                    known.join(", ")
                ),
                "invalid_api_version",
            ),
        )
    }

    pub fn version_twice() -> Self {
        Self::new(
            400,
            item(
                "invalid API version",
                "Specify the API version with either the Clerk-API-Version header or the __clerk_api_version query parameter, not both.",
                "invalid_api_version",
            ),
        )
    }

    // ---- form parameters -------------------------------------------------------------------

    pub fn param_missing(param: &str) -> ErrorItem {
        param_item(
            "is missing",
            format!("{param} must be included."),
            "form_param_missing",
            param,
        )
    }

    pub fn param_unknown(param: &str) -> ErrorItem {
        param_item(
            "is unknown",
            format!("{param} is not a valid parameter for this request."),
            "form_param_unknown",
            param,
        )
    }

    pub fn param_nil(param: &str) -> ErrorItem {
        param_item(
            "cannot be null",
            format!("{param} cannot be null."),
            "form_param_nil",
            param,
        )
    }

    /// A value in the wrong format (email, phone number, slug, ...): `long` says which.
    pub fn param_format(param: &str, long: impl Into<String>) -> ErrorItem {
        param_item("is invalid", long, "form_param_format_invalid", param)
    }

    /// A JSON value of the wrong type, as Clerk reports a failed decode.
    pub fn param_type(param: &str, received: &str, expected: &str) -> ErrorItem {
        param_item(
            "is invalid",
            format!("{param} is invalid. Received {received}, must be of type {expected}."),
            "form_param_value_invalid",
            param,
        )
    }

    pub fn param_value(param: &str, long: impl Into<String>) -> ErrorItem {
        param_item("is invalid", long, "form_param_value_invalid", param)
    }

    pub fn param_too_long(param: &str, max: usize) -> ErrorItem {
        param_item(
            "exceeds maximum length",
            format!("{param} should not exceed {max} characters."),
            "form_param_max_length_exceeded",
            param,
        )
    }

    pub fn param_array_size(param: &str, max: usize) -> ErrorItem {
        param_item(
            "exceeds maximum size",
            format!("{param} should not exceed {max} items."),
            "form_param_array_size_exceeded",
            param,
        )
    }

    pub fn invalid_time(param: &str) -> ErrorItem {
        param_item(
            "invalid format",
            format!(
                "{param} must contain a datetime specified in RFC3339 format (e.g. `2022-10-20T10:00:27.645Z`)."
            ),
            "form_param_invalid_time",
            param,
        )
    }

    pub fn identifier_exists(param: &str, what: &str) -> ErrorItem {
        param_item(
            &format!("That {what} is taken. Please try another."),
            format!("That {what} is taken. Please try another."),
            "form_identifier_exists",
            param,
        )
    }

    pub fn form(items: Vec<ErrorItem>) -> Self {
        Self::many(422, items)
    }

    pub fn form1(item: ErrorItem) -> Self {
        Self::new(422, item)
    }

    pub fn metadata_too_large(param: &str, max: usize) -> Self {
        let text = format!(
            "The given {param} exceeds the maximum allowed size of {max} bytes ({} KB).",
            max / 1024
        );
        Self::form1(param_item(
            &text,
            text.clone(),
            "form_param_exceeds_allowed_size",
            param,
        ))
    }

    // ---- resources -------------------------------------------------------------------------

    pub fn not_found(long: impl Into<String>) -> Self {
        Self::new(404, item("not found", long, "resource_not_found"))
    }

    pub fn user_not_found(id: &str) -> Self {
        Self::not_found(format!("No user was found with id {id}"))
    }

    pub fn organization_not_found() -> Self {
        Self::not_found("Given organization not found.")
    }

    pub fn membership_not_found() -> Self {
        Self::not_found("Resource not found")
    }

    pub fn org_invitation_not_found(id: &str) -> Self {
        Self::not_found(format!("No invitation found with id {id}."))
    }

    pub fn invitation_not_found(id: &str) -> Self {
        Self::not_found(format!("No invitation was found with id {id}."))
    }

    pub fn duplicate_pending_invitation(emails: &[String]) -> Self {
        let mut e = item(
            "duplicate invitations",
            format!(
                "There are already pending invitations for the following email addresses: {}",
                emails.join(", ")
            ),
            "duplicate_record",
        );
        e.meta.insert("email_addresses".into(), json!(emails));
        Self::new(400, e)
    }

    pub fn invitation_email_taken(emails: &[String]) -> Self {
        let mut e = item(
            "email address exists",
            format!(
                "The following email addresses already belong to existing users: {}",
                emails.join(", ")
            ),
            "form_identifier_exists",
        );
        e.meta.insert("email_addresses".into(), json!(emails));
        e.meta.insert("param_name".into(), json!("email_address"));
        Self::new(422, e)
    }

    pub fn invitation_already_revoked() -> Self {
        Self::new(
            400,
            item(
                "Invitation is already revoked.",
                "Invitation is already revoked.",
                "invitation_already_revoked",
            ),
        )
    }

    pub fn invitation_already_accepted() -> Self {
        Self::new(
            400,
            item(
                "Invitation is already accepted, try signing in instead.",
                "Invitation is already accepted, try signing in instead.",
                "invitation_already_accepted",
            ),
        )
    }

    pub fn org_invitation_not_unique() -> Self {
        Self::new(
            400,
            item(
                "organization invitation not unique",
                "Organizations cannot have duplicate pending invitations for an email address.",
                "organization_invitation_not_unique",
            ),
        )
    }

    pub fn org_invitation_not_pending() -> Self {
        Self::new(
            400,
            item(
                "not pending",
                "The organization invitation is not in the \"pending\" status.",
                "organization_invitation_not_pending",
            ),
        )
    }

    pub fn already_member(user_id: &str) -> Self {
        Self::new(
            400,
            item(
                "already a member",
                format!("User {user_id} is already a member of the organization."),
                "already_a_member_in_organization",
            ),
        )
    }

    pub fn membership_quota_exceeded(max: i64) -> Self {
        Self::new(
            403,
            item(
                "organization membership quota exceeded",
                format!(
                    "You have reached your limit of {max} organization memberships, including outstanding invitations."
                ),
                "organization_membership_quota_exceeded",
            ),
        )
    }

    pub fn creator_not_found(user_id: &str) -> Self {
        Self::new(
            400,
            item(
                "creator not found",
                format!("No users found with id {user_id}."),
                "organization_creator_not_found",
            ),
        )
    }

    pub fn inviter_not_admin(param: &str) -> Self {
        Self::form1(param_item(
            "is invalid",
            format!("{param} must be the ID of an administrator of the organization."),
            "form_param_value_invalid",
            param,
        ))
    }

    pub fn role_not_found(param: &str, role: &str, known: &[&str]) -> Self {
        Self::form1(param_item(
            "is invalid",
            format!(
                "{role} does not match the allowed values for parameter {param}. Allowed values: {}",
                known.join(", ")
            ),
            "form_param_value_invalid",
            param,
        ))
    }

    pub fn last_admin() -> Self {
        Self::new(
            400,
            item(
                "minimum organization permissions needed",
                "There has to be at least one organization member with the minimum required permissions",
                "organization_minimum_permissions_needed",
            ),
        )
    }

    // ---- sessions and tokens -----------------------------------------------------------------

    pub fn session_not_found(id: &str) -> Self {
        Self::new(
            404,
            item(
                "Session not found",
                format!("No session was found with id {id}"),
                "resource_not_found",
            ),
        )
    }

    /// A token asked of a session that is not active (revoked, ended, expired, ...).
    pub fn session_not_active() -> Self {
        Self::auth_missing()
    }

    pub fn jwt_template_not_found(attribute: &str, value: &str) -> Self {
        Self::new(
            404,
            item(
                "JWT template not found",
                format!("No JWT template exists with {attribute}: {value}"),
                "resource_not_found",
            ),
        )
    }

    pub fn jwt_template_reserved_claim(claim: &str) -> Self {
        Self::new(
            400,
            param_item(
                "reserved claim used",
                format!("You can't use the reserved claim: '{claim}'"),
                "jwt_template_reserved_claim",
                "claims",
            ),
        )
    }

    pub fn user_banned() -> Self {
        Self::new(
            403,
            item(
                "User banned",
                "You have been banned. If you think this was by mistake, please contact support.",
                "user_banned",
            ),
        )
    }

    pub fn not_a_member() -> Self {
        Self::new(
            403,
            item(
                "not a member",
                "Current user is not a member of the organization. Only organization members can perform this action.",
                "not_a_member_in_organization",
            ),
        )
    }

    pub fn resource_not_found() -> Self {
        Self::not_found("Resource not found")
    }

    pub fn sign_in_token_not_revocable(status: &str) -> Self {
        Self::new(
            400,
            item(
                "cannot revoke",
                format!(
                    "Sign in token cannot be revoked because its status is {status}. Only pending tokens can be revoked."
                ),
                "sign_in_token_cannot_be_revoked_code",
            ),
        )
    }

    /// `` `param` is required when `condition` is `value`. ``
    pub fn conditional_param_missing(param: &str, condition: &str, value: &str) -> ErrorItem {
        param_item(
            "is missing",
            format!("`{param}` is required when `{condition}` is `{value}`."),
            "form_conditional_param_missing",
            param,
        )
    }

    /// At least one of several optional parameters is needed.
    pub fn one_of_params_missing(params: &[&str]) -> Self {
        let list = params
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ");
        Self::form1(item(
            "is missing",
            format!("at least one of {list} must be provided"),
            "form_param_missing",
        ))
    }

    // ---- limits and server side --------------------------------------------------------------

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            status: 429,
            errors: vec![item(
                "Too many requests",
                "Too many requests, please try again later.",
                "too_many_requests",
            )],
            retry_after: Some(retry_after_secs.max(1)),
        }
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(
            500,
            item(
                "Oops, an unexpected error occurred",
                "There was an internal error on our servers. We've been notified and are working on fixing it.",
                "internal_clerk_error",
            ),
        )
    }

    pub fn bad_gateway() -> Self {
        Self::new(
            502,
            item(
                "Bad gateway",
                "The upstream server did not answer in time.",
                "bad_gateway",
            ),
        )
    }

    pub fn unavailable() -> Self {
        Self::new(
            503,
            item(
                "Service unavailable",
                "The service is temporarily unavailable. Please try again later.",
                "service_unavailable",
            ),
        )
    }
}
