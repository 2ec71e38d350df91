//! Clerk-shaped errors: `{"errors": [{message, long_message, code, meta}], "meta": {}, "clerk_trace_id"}`.
//!
//! Every failure the emulator reports is an [`ApiError`] made of [`ErrorItem`]s, and every item
//! is one [`Kind`]: the catalog below is the complete list of errors the emulator can answer,
//! each with its status, code, message templates and the evidence it follows (an entry of
//! Clerk's own error index, `spec/clerk-facts/`). An item can only be made from a kind, so a
//! test can walk [`Kind::ALL`] and check each against the index; an error not in the index is
//! listed, with the reason, in `docs/emulator.md`.
//!
//! To add an error: add a kind to the catalog (its templates use `{0}`, `{1}`, ... for the
//! values the index writes as `<param>`, `%d`, `%q` or `%v`), give it its evidence, and build
//! it with [`Kind::error`], [`Kind::item`] or [`Kind::param_item`] from a constructor below.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

/// What an error's `meta` carries, as Clerk's index describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meta {
    None,
    /// `param_name`: the parameter at fault (the index's `{"Name": ...}`).
    Param,
    /// `param_names` (the index's `{"Names": ...}`).
    Params,
    /// `email_addresses` (the index's `{"EmailAddresses": ...}`).
    EmailAddresses,
}

/// Where a kind's status, code and messages come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The entry of Clerk's Backend API error index (`spec/clerk-facts/api_errors.bapi.json`)
    /// with this name. `text` says where a message comes from when the index leaves it blank
    /// (Clerk fills some in per field); it is `None` when the index gives both.
    Index {
        entry: &'static str,
        text: Option<&'static str>,
    },
    /// An entry of Clerk's full error index (`spec/clerk-facts/api_errors.json`) that is not
    /// marked as a Backend API error; `why` says why the emulator answers it.
    FullIndex {
        entry: &'static str,
        why: &'static str,
    },
    /// In neither index; `why` says why the emulator answers it.
    Assumed(&'static str),
}

/// One kind's definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindSpec {
    /// The kind's name, as `docs/emulator.md` cites it.
    pub name: &'static str,
    pub status: u16,
    pub code: &'static str,
    /// The short `message`, with `{0}`, `{1}`, ... for values.
    pub message: &'static str,
    /// The `long_message`, with `{0}`, `{1}`, ... for values.
    pub long: &'static str,
    pub meta: Meta,
    pub evidence: Evidence,
}

macro_rules! catalog {
    ($(
        $(#[$doc:meta])*
        $kind:ident = $status:literal, $code:literal, $message:literal, $long:literal,
            $meta:ident, $evidence:expr;
    )*) => {
        /// Every error the emulator can answer.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kind {
            $( $(#[$doc])* $kind, )*
        }

        impl Kind {
            /// Every kind, in catalog order.
            pub const ALL: &'static [Kind] = &[ $( Kind::$kind, )* ];

            pub fn spec(self) -> &'static KindSpec {
                match self {
                    $( Kind::$kind => {
                        const SPEC: KindSpec = KindSpec {
                            name: stringify!($kind),
                            status: $status,
                            code: $code,
                            message: $message,
                            long: $long,
                            meta: Meta::$meta,
                            evidence: $evidence,
                        };
                        &SPEC
                    } )*
                }
            }
        }
    };
}

const fn index(entry: &'static str) -> Evidence {
    Evidence::Index { entry, text: None }
}

const fn index_text(entry: &'static str, text: &'static str) -> Evidence {
    Evidence::Index {
        entry,
        text: Some(text),
    }
}

/// Why some messages Clerk's index leaves blank read as they do.
const OWN_WORDING: &str = "assumed: Clerk's index leaves this message blank (Clerk words it per field); the emulator's wording says what is wrong";

catalog! {
    // ---- authentication ---------------------------------------------------------------------
    AuthenticationInvalid = 401, "authentication_invalid", "Invalid authentication",
        "Unable to authenticate the request, you need to supply an active session",
        None, index("InvalidAuthentication");
    AuthorizationHeaderFormatInvalid = 401, "authorization_header_format_invalid",
        "Invalid Authorization header format",
        "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
        None, index("InvalidAuthorizationHeaderFormat");
    ClerkKeyInvalid = 401, "clerk_key_invalid",
        "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
        "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
        None, index("InvalidClerkSecretKey");
    /// A production key sent to an emulator that was not told to accept it.
    LiveKeyRefused = 401, "clerk_key_invalid",
        "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
        "This is a local emulator: it refuses production (sk_live_) keys unless started with --secret-key for that key. An emulator never needs a production key; use any sk_test_ key.",
        None, Evidence::Assumed("emulator only: Clerk's InvalidClerkSecretKey (status, code, message) with a long message that says why a production key is refused, so a live key is never used by mistake");

    // ---- the request ------------------------------------------------------------------------
    /// An unknown route, or a membership that does not exist.
    ResourceNotFound = 404, "resource_not_found", "not found", "Resource not found",
        None, index("ResourceNotFound");
    MethodNotAllowed = 405, "method_not_allowed", "method not allowed",
        "The method {0} is not allowed for {1}",
        None, Evidence::Assumed("HTTP's answer for a known path with another method; Clerk's index has no entry for it");
    UnsupportedContentType = 415, "unsupported_content_type", "Content-Type is unsupported",
        "Content-Type {0} is unsupported. You should use {1} instead.",
        None, index("UnsupportedContentType");
    RequestBodyInvalid = 400, "request_body_invalid", "Request body invalid",
        "The request body is invalid. Please consult the API documentation for more information.",
        None, index("InvalidRequestBody");
    RequestBodyTooLarge = 413, "request_body_too_large", "Request body too large",
        "The request body exceeds the maximum allowed size of {0} bytes.",
        None, index("RequestBodyTooLarge");
    BulkSizeExceeded = 400, "bulk_size_exceeded", "bulk size exceeded",
        "Parameters exceed the maximum allowed bulk processing size of {0}.",
        None, index("BulkSizeExceeded");
    /// A query value that does not parse (an integer or a boolean).
    MalformedRequestParameters = 400, "malformed_request_parameters",
        "Malformed request parameters",
        "The request parameters are malformed and could not be parsed",
        None, index("MalformedRequestParameters");
    /// A query value outside the allowed ones (`order_by`, `status`).
    QueryValueInvalid = 400, "invalid_query_parameter_value", "is invalid",
        "{0} does not match one of the allowed values for parameter {1}",
        None, Evidence::FullIndex {
            entry: "InvalidQueryParameterValue",
            why: "the index's only entry for a query value outside the allowed ones (marked for the Frontend API; no Backend API entry covers query values); its short message is blank there, so the emulator says `is invalid` as the form errors do",
        };
    QueryTooManyValues = 400, "invalid_query_parameter_value", "is invalid",
        "{0} accepts up to {1} values; {2} were given.",
        None, Evidence::Assumed("the spec caps each multi-value filter at 100 values and Clerk's index has no entry for more; the emulator answers with the query-value code");
    ApiVersionInvalid = 400, "api_version_invalid", "invalid API version",
        "Invalid Clerk API version: {0}",
        None, index("InvalidAPIVersion");

    // ---- form parameters --------------------------------------------------------------------
    FormParamMissing = 422, "form_param_missing", "is missing", "{0} must be included.",
        Param, index("FormMissingParameter");
    FormParamUnknown = 422, "form_param_unknown", "is unknown",
        "{0} is not a valid parameter for this request.",
        Param, index("FormUnknownParameter");
    /// Metadata sent to `PATCH /users/{id}` or `/organizations/{id}` from API version
    /// 2026-05-12; `{1}` names the endpoints it moved to.
    FormParamUnknownMoved = 422, "form_param_unknown", "is unknown",
        "{0} is not a valid parameter for this request.{1}",
        Param, index("FormUnknownParameterDueToDisabledFeature");
    /// A JSON value of the wrong type.
    FormParamTypeInvalid = 422, "form_param_value_invalid", "is invalid",
        "{0} is invalid. Received {1}, must be of type {2}.",
        None, index("FailedToParseRequestBody");
    FormParamValueInvalid = 422, "form_param_value_invalid", "is invalid",
        "{0} does not match one of the allowed values for parameter {1}",
        Param, index("FormInvalidParameterValue");
    FormParamValueNotAllowed = 422, "form_param_value_invalid", "is invalid",
        "{0} does not match the allowed values for parameter {1}. Allowed values: {2}",
        Param, index("FormInvalidParameterValueWithAllowed");
    FormValidationFailed = 422, "form_param_value_invalid", "is invalid", "{0} is invalid",
        Param, index("FormValidationFailed");
    FormParamMaxLength = 422, "form_param_max_length_exceeded", "exceeds maximum length",
        "{0} should not exceed {1} characters.",
        Param, index("FormParameterMaxLengthExceeded");
    FormParamArraySize = 422, "form_param_array_size_exceeded", "exceeds maximum size",
        "{0} should not exceed {1} items.",
        Param, index("FormParameterArraySizeExceeded");
    FormParamInvalidTime = 422, "form_param_invalid_time", "invalid format",
        "{0} must contain a datetime specified in RFC3339 format (e.g. `2022-10-20T10:00:27.645Z`).",
        Param, index("FormInvalidTime");
    FormEmailInvalid = 422, "form_param_format_invalid", "is invalid",
        "{0} must be a valid email address.",
        Param, index("FormInvalidEmailAddress");
    FormPhoneInvalid = 422, "form_param_format_invalid", "is invalid",
        "{0} must be a valid phone number according to E.164 international standard.",
        Param, index("FormInvalidPhoneNumber");
    FormWeb3WalletInvalid = 422, "form_param_format_invalid", "is invalid",
        "{0} must be a valid web3 wallet address.",
        Param, index("FormInvalidWeb3WalletAddress");
    FormSlugInvalid = 422, "form_param_format_invalid", "is invalid",
        "{0} can contain only lowercase alphanumeric characters and the dash \"-\".",
        Param, index_text("FormInvalidParameterFormat", "the long message is the spec's description of `slug` (CreateOrganization); the short one is the other format errors'");
    FormIdentifierExists = 422, "form_identifier_exists",
        "That {0} is taken. Please try another.", "That {0} is taken. Please try another.",
        Param, index_text("FormIdentifierExists", OWN_WORDING);
    FormParamSizeTooLarge = 422, "form_param_exceeds_allowed_size",
        "The given {0} exceeds the maximum allowed size of {1} bytes ({2} KB).",
        "The given {0} exceeds the maximum allowed size of {1} bytes ({2} KB).",
        Param, index_text("FormParameterSizeTooLarge", OWN_WORDING);
    FormConditionalParamMissing = 422, "form_conditional_param_missing", "is missing",
        "`{0}` is required when `{1}` is present.",
        Param, index("FormMissingConditionalParameterOnExistence");
    FormParamNotAllowedWith = 422, "form_conditional_param_disallowed", "is not allowed",
        "`{0}` isn't allowed when `{1}` is present.",
        Param, index("FormParameterNotAllowedIfAnotherParameterIsPresent");
    FormParamNotAllowedWhen = 422, "form_conditional_param_disallowed", "is not allowed",
        "`{0}` isn't allowed when `{1}` is {2}.",
        Param, index("FormParameterNotAllowedConditionally");
    /// A user with no identifier, on an instance that requires one.
    FormDataMissing = 422, "form_data_missing", "missing data",
        "{0} data doesn't match user requirements set for this instance",
        Params, index("UserDataMissing");
    FormResourceNotFound = 422, "form_resource_not_found", "is missing",
        "The resource associated with the supplied {0} was not found.",
        Param, index("FormMissingResource");
    FormUsernameLength = 422, "form_username_invalid_length", "is invalid",
        "Username must be between {0} and {1} characters long.",
        Param, index_text("FormInvalidUsernameLength", OWN_WORDING);
    FormUsernameCharacter = 422, "form_username_invalid_character", "is invalid",
        "Username can only contain letters, numbers and '_' or '-'.",
        Param, index_text("FormInvalidUsernameCharacter", OWN_WORDING);
    FormUsernameNeedsNonNumber = 422, "form_username_needs_non_number_char", "is invalid",
        "Username must contain at least one character that is not a number.",
        Param, index_text("FormInvalidUsernameNeedsNonNumberCharCode", OWN_WORDING);
    FormPasswordTooLong = 422, "form_password_size_in_bytes_exceeded",
        "Your password is too long. Please use a shorter one.",
        "Your password is too long. Please use a shorter one.",
        Param, index("FormInvalidPasswordSizeInBytesExceeded");
    FormPasswordTooShort = 422, "form_password_length_too_short", "is too short",
        "Passwords must be {0} characters or more.",
        Param, index_text("FormInvalidPasswordLengthTooShort", OWN_WORDING);
    FormPasswordPwned = 422, "form_password_pwned",
        "Password has been found in an online data breach. For account safety, please use a different password.",
        "Password has been found in an online data breach. For account safety, please use a different password.",
        Param, index_text("FormPwnedPassword", "clerk-docs docs/guides/development/custom-flows/authentication/legacy/forgot-password.mdx shows the short message \"Password has been found in an online data breach. For account safety, please <action>.\"; setting a password, the action is \"use a different password\"");
    /// A `password_digest` that does not fit its `password_hasher`'s format: `{0}` the hasher,
    /// `{1}` what is wrong, `{2}` the expected format (never any part of the digest).
    FormPasswordDigestInvalid = 422, "form_password_digest_invalid_code", "is invalid",
        "password_digest is not a valid {0} digest: {1}. Expected {2}.",
        Param, index_text("FormPasswordDigestInvalid", OWN_WORDING);
    OrganizationNameInvalid = 422, "form_param_value_invalid", "invalid organization name",
        "The organization name {0} is invalid: {1}",
        Param, index("OrganizationNameInvalid");

    // ---- resources ---------------------------------------------------------------------------
    UserNotFound = 404, "resource_not_found", "not found", "No user was found with id {0}",
        None, index("UserNotFound");
    /// `verify_password` with a wrong password.
    IncorrectPassword = 422, "incorrect_password", "incorrect password",
        "The provided password is not the one the user has set",
        None, index("IncorrectPassword");
    /// `verify_password` for a user without a password.
    NoPasswordSet = 400, "no_password_set", "no password set",
        "This user does not have a password set for their account",
        None, index("NoPasswordSet");
    OrganizationNotFound = 404, "resource_not_found", "not found", "Given organization not found.",
        None, index("OrganizationNotFound");
    /// An application or organization invitation that does not exist.
    InvitationNotFound = 404, "resource_not_found", "not found",
        "No invitation was found with id {0}.",
        None, index("InvitationNotFound");
    DuplicateInvitations = 400, "duplicate_record", "duplicate invitations",
        "There are already pending invitations for the following email addresses: {0}",
        EmailAddresses, index_text("DuplicateInvitations", OWN_WORDING);
    InvitationAlreadyRevoked = 400, "invitation_already_revoked",
        "Invitation is already revoked.", "Invitation is already revoked.",
        None, index("InvitationAlreadyRevoked");
    InvitationAlreadyAccepted = 400, "invitation_already_accepted",
        "Invitation is already accepted, try signing in instead.",
        "Invitation is already accepted, try signing in instead.",
        None, index("InvitationAlreadyAccepted");
    OrganizationInvitationNotUnique = 400, "organization_invitation_not_unique",
        "organization invitation not unique",
        "Organizations cannot have duplicate pending invitations for an email address.",
        None, index("OrganizationInvitationNotUnique");
    OrganizationInvitationNotPending = 404, "organization_invitation_not_pending", "not pending",
        "The organization invitation is not in the 'pending' status.",
        None, index("OrganizationInvitationNotPending");
    AlreadyMember = 400, "already_a_member_in_organization", "already a member",
        "{0} is already a member of the organization.",
        None, index("AlreadyAMemberOfOrganization");
    MembershipQuotaExceeded = 403, "organization_membership_quota_exceeded",
        "organization membership quota exceeded",
        "You have reached your limit of {0} organization memberships, including outstanding invitations.",
        None, index("OrganizationMembershipQuotaExceeded");
    CreatorNotFound = 400, "organization_creator_not_found", "creator not found",
        "No users found with id {0}.",
        None, index("OrganizationCreatorNotFound");
    /// An inviter or revoker who is not an administrator of the organization.
    NotAnAdmin = 403, "not_an_admin_in_organization", "not an administrator",
        "{0} is not an administrator in the organization. Only administrators can perform this action.",
        None, Evidence::FullIndex {
            entry: "NotAnAdminInOrganization",
            why: "the index's error for a user who must be an administrator of the organization and is not (the spec: the inviter \"must be a member with administrator privileges in the organization\", and \"only users with 'admin' role can revoke invitations\"); the index marks it for neither API",
        };
    MinimumPermissionsNeeded = 400, "organization_minimum_permissions_needed",
        "minimum organization permissions needed",
        "There has to be at least one organization member with the minimum required permissions",
        None, index("OrganizationMinimumPermissionsNeeded");
    OrganizationSlugsDisabled = 403, "organization_slugs_disabled",
        "organization slugs not enabled",
        "This instance does not have slugs enabled for organizations.",
        None, index("OrganizationSlugsDisabled");

    // ---- limits and the server ---------------------------------------------------------------
    TooManyRequests = 429, "too_many_requests", "Too many requests", "Too many requests, retry later",
        None, Evidence::FullIndex {
            entry: "TooManyRequests",
            why: "Clerk's system-limits page says rate-limited Backend API calls answer 429 with Retry-After; this is the index's generic 429 (its meta names a ResetsIn value whose JSON name is not documented, so the emulator sends Retry-After only)",
        };
    Internal = 500, "internal_clerk_error", "Oops, an unexpected error occurred",
        "There was an internal error on our servers. We've been notified and are working on fixing it.",
        None, index("Unexpected");
    /// Only as an injected fault.
    BadGateway = 502, "bad_gateway", "Bad gateway", "The upstream server did not answer in time.",
        None, Evidence::Assumed("an injected fault only (--faults 502): a gateway's answer after the request was handled; Clerk's index has no 502");
    ServiceUnavailable = 503, "service_unavailable", "Service unavailable", "Service unavailable",
        None, index("ServiceUnavailable");

    // ---- sessions and tokens -----------------------------------------------------------------
    SessionNotFound = 404, "resource_not_found", "Session not found",
        "No session was found with id {0}",
        None, index("SessionNotFound");
    JwtTemplateNotFound = 404, "resource_not_found", "JWT template not found",
        "No JWT template exists with {0}: {1}",
        None, index("JWTTemplateNotFound");
    JwtTemplateReservedClaim = 400, "jwt_template_reserved_claim", "reserved claim used",
        "You can't use the reserved claim: '{0}'",
        Param, index("JWTTemplateReservedClaim");
    UserBanned = 403, "user_banned", "User banned",
        "You have been banned. If you think this was by mistake, please contact support.",
        None, index("UserBanned");
    NotAMember = 403, "not_a_member_in_organization", "not a member",
        "Current user is not a member of the organization. Only organization members can perform this action.",
        None, index("NotAMemberInOrganization");
    SignInTokenNotRevocable = 400, "sign_in_token_cannot_be_revoked_code", "cannot revoke",
        "Sign in token cannot be revoked because its status is {0}. Only pending tokens can be revoked.",
        None, index("SignInTokenCannotBeRevoked");
    /// `{0}` is required when `{1}` has the value `{2}`.
    FormConditionalParamMissingWhen = 422, "form_conditional_param_missing", "is missing",
        "`{0}` is required when `{1}` is `{2}`.",
        None, index("FormMissingConditionalParameter");
    FormParamsOneOfMissing = 422, "form_param_missing", "at least one parameter must be provided",
        "at least one of `{0}` must be provided",
        Params, index("FormAtLeastOneOptionalParameterMissing");
    FormParamEmpty = 422, "form_param_value_invalid", "is invalid", "{0} is invalid. Must be not empty",
        Param, index("FormInvalidParameterValueMustBeNotEmpty");
    /// A value that fails a rule of its own, with the reason: a JWT template's shortcode, a
    /// custom signing key that cannot be read.
    FormValidationFailedBecause = 422, "form_param_value_invalid", "is invalid", "{0} is invalid: {1}",
        Param, Evidence::Assumed("Clerk's FormValidationFailed (status, code, short message, meta) with the reason added to the long message: which shortcode of a JWT template, or why a custom signing key cannot be read, is not worded in the index");

    // ---- seed files --------------------------------------------------------------------------
    /// A seed file's `id` that is taken or not an ID of the right kind.
    SeedIdInvalid = 422, "form_param_value_invalid", "is invalid",
        "id {0} must be unique and look like {1}_<base62>.",
        Param, Evidence::Assumed("seed files only (`id` is not a Backend API parameter): reported when the emulator starts, never answered");
    /// A seed file's external account that is not an object.
    SeedExternalAccountInvalid = 422, "form_param_value_invalid", "is invalid",
        "{0} must be an object.",
        Param, Evidence::Assumed("seed files only (the Backend API cannot create external accounts): reported when the emulator starts, never answered");
}

impl Kind {
    pub fn status(self) -> u16 {
        self.spec().status
    }

    pub fn code(self) -> &'static str {
        self.spec().code
    }

    /// An item of this kind; `args` fill the templates' `{0}`, `{1}`, ...
    pub fn item(self, args: &[&str]) -> ErrorItem {
        let spec = self.spec();
        debug_assert!(
            spec.meta != Meta::Param,
            "{} names a parameter: use param_item",
            spec.name
        );
        ErrorItem {
            kind: self,
            message: render(spec.message, args),
            long_message: render(spec.long, args),
            param: None,
            meta: Map::new(),
        }
    }

    /// An item about one parameter (`meta.param_name` when the kind carries it).
    pub fn param_item(self, param: &str, args: &[&str]) -> ErrorItem {
        let spec = self.spec();
        let mut meta = Map::new();
        if spec.meta == Meta::Param {
            meta.insert("param_name".into(), Value::String(param.to_owned()));
        }
        ErrorItem {
            kind: self,
            message: render(spec.message, args),
            long_message: render(spec.long, args),
            param: Some(param.to_owned()),
            meta,
        }
    }

    /// An answer with one item of this kind.
    pub fn error(self, args: &[&str]) -> ApiError {
        ApiError::one(self.item(args))
    }
}

/// Fills `{0}`, `{1}`, ... with `args`; other text is kept as is.
pub fn render(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let index = after[..digits].parse::<usize>().ok();
        match (index, after.as_bytes().get(digits)) {
            (Some(i), Some(b'}')) => {
                out.push_str(args.get(i).copied().unwrap_or_default());
                rest = &after[digits + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One entry of a `ClerkErrors` body.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorItem {
    kind: Kind,
    message: String,
    long_message: String,
    /// The parameter at fault, whether or not `meta` names it.
    param: Option<String>,
    meta: Map<String, Value>,
}

impl ErrorItem {
    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn long_message(&self) -> &str {
        &self.long_message
    }

    pub fn meta(&self) -> &Map<String, Value> {
        &self.meta
    }

    /// The parameter at fault, if the item is about one.
    pub fn param(&self) -> Option<&str> {
        self.param.as_deref()
    }

    /// Says which item of a bulk body a problem is in: `email_address` becomes
    /// `[3].email_address`, in the long message and `param_name`.
    pub fn in_item(&mut self, index: usize) {
        let Some(param) = self.param.take() else {
            return;
        };
        let indexed = format!("[{index}].{param}");
        self.long_message = self.long_message.replacen(&param, &indexed, 1);
        if self.meta.contains_key("param_name") {
            self.meta
                .insert("param_name".into(), Value::String(indexed.clone()));
        }
        self.param = Some(indexed);
    }
}

impl Serialize for ErrorItem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("message", &self.message)?;
        map.serialize_entry("long_message", &self.long_message)?;
        map.serialize_entry("code", self.code())?;
        if !self.meta.is_empty() {
            map.serialize_entry("meta", &self.meta)?;
        }
        map.end()
    }
}

/// An error answer: one or more Clerk errors (the first one's kind gives the status).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    errors: Vec<ErrorItem>,
    /// Seconds for a `Retry-After` header (429 answers).
    pub retry_after: Option<u64>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let first = &self.errors[0];
        write!(
            f,
            "{} {}: {}",
            self.status(),
            first.code(),
            first.long_message
        )
    }
}

impl std::error::Error for ApiError {}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    fn one(item: ErrorItem) -> Self {
        Self {
            errors: vec![item],
            retry_after: None,
        }
    }

    /// Several form errors answered together, as Clerk does for a body with several bad fields.
    pub fn form(errors: Vec<ErrorItem>) -> Self {
        assert!(!errors.is_empty(), "an error answer has an error");
        debug_assert!(
            errors
                .iter()
                .all(|e| e.kind.status() == errors[0].kind.status()),
            "errors answered together share a status"
        );
        Self {
            errors,
            retry_after: None,
        }
    }

    pub fn form1(item: ErrorItem) -> Self {
        Self::one(item)
    }

    pub fn status(&self) -> u16 {
        self.errors[0].kind.status()
    }

    pub fn errors(&self) -> &[ErrorItem] {
        &self.errors
    }

    /// The items, to rewrite one into another kind (always keeping at least one).
    pub fn items_mut(&mut self) -> &mut [ErrorItem] {
        &mut self.errors
    }

    /// The first error's code.
    pub fn code(&self) -> &str {
        self.errors[0].code()
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
        Kind::AuthenticationInvalid.error(&[])
    }

    pub fn auth_header_format() -> Self {
        Kind::AuthorizationHeaderFormatInvalid.error(&[])
    }

    pub fn secret_key_invalid() -> Self {
        Kind::ClerkKeyInvalid.error(&[])
    }

    pub fn live_key_refused() -> Self {
        Kind::LiveKeyRefused.error(&[])
    }

    // ---- the request ------------------------------------------------------------------------

    pub fn route_not_found() -> Self {
        Kind::ResourceNotFound.error(&[])
    }

    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Kind::MethodNotAllowed.error(&[method, path])
    }

    pub fn unsupported_content_type(got: &str) -> Self {
        Kind::UnsupportedContentType.error(&[got, "application/json"])
    }

    /// A body that cannot be read. Clerk's answer names no detail; `detail` goes to the log.
    pub fn malformed_body(detail: &str) -> Self {
        tracing::debug!(detail, "request body invalid");
        Kind::RequestBodyInvalid.error(&[])
    }

    pub fn body_too_large(limit: usize) -> Self {
        Kind::RequestBodyTooLarge.error(&[&limit.to_string()])
    }

    pub fn bulk_size_exceeded(max: usize) -> Self {
        Kind::BulkSizeExceeded.error(&[&max.to_string()])
    }

    /// A query value that does not parse as its type.
    pub fn malformed_parameters() -> Self {
        Kind::MalformedRequestParameters.error(&[])
    }

    /// A query value outside the allowed ones.
    pub fn query_value_invalid(param: &str, value: &str) -> Self {
        Self::one(Kind::QueryValueInvalid.param_item(param, &[value, param]))
    }

    pub fn query_too_many_values(param: &str, max: usize, given: usize) -> Self {
        Self::one(
            Kind::QueryTooManyValues
                .param_item(param, &[param, &max.to_string(), &given.to_string()]),
        )
    }

    /// An API version the emulator does not know.
    pub fn version_invalid(value: &str, known: &[&str]) -> Self {
        let reason = format!(
            "'{value}' is not a supported version (supported: {})",
            known.join(", ")
        );
        Kind::ApiVersionInvalid.error(&[&reason])
    }

    /// A version given both as a header and as a query parameter.
    pub fn version_twice() -> Self {
        Kind::ApiVersionInvalid.error(&[
            "give it in either the Clerk-API-Version header or the __clerk_api_version query parameter, not both",
        ])
    }

    // ---- form parameters -------------------------------------------------------------------

    pub fn param_missing(param: &str) -> ErrorItem {
        Kind::FormParamMissing.param_item(param, &[param])
    }

    pub fn param_unknown(param: &str) -> ErrorItem {
        Kind::FormParamUnknown.param_item(param, &[param])
    }

    /// An unknown parameter, with a sentence (starting with a space) on what to do instead.
    pub fn param_unknown_moved(param: &str, resolution: &str) -> ErrorItem {
        Kind::FormParamUnknownMoved.param_item(param, &[param, resolution])
    }

    /// A JSON value of the wrong type, as Clerk reports a failed decode.
    pub fn param_type(param: &str, received: &str, expected: &str) -> ErrorItem {
        Kind::FormParamTypeInvalid.param_item(param, &[param, received, expected])
    }

    /// A value outside the allowed ones (a number out of range).
    pub fn param_value(param: &str, value: &str) -> ErrorItem {
        Kind::FormParamValueInvalid.param_item(param, &[value, param])
    }

    /// A value outside a listed set.
    pub fn param_not_allowed_value(param: &str, value: &str, allowed: &[&str]) -> ErrorItem {
        Kind::FormParamValueNotAllowed.param_item(param, &[value, param, &allowed.join(", ")])
    }

    /// A value that fails a rule of its own.
    pub fn param_invalid(param: &str) -> ErrorItem {
        Kind::FormValidationFailed.param_item(param, &[param])
    }

    pub fn param_too_long(param: &str, max: usize) -> ErrorItem {
        Kind::FormParamMaxLength.param_item(param, &[param, &max.to_string()])
    }

    pub fn param_array_size(param: &str, max: usize) -> ErrorItem {
        Kind::FormParamArraySize.param_item(param, &[param, &max.to_string()])
    }

    pub fn invalid_time(param: &str) -> ErrorItem {
        Kind::FormParamInvalidTime.param_item(param, &[param])
    }

    pub fn email_invalid(param: &str) -> ErrorItem {
        Kind::FormEmailInvalid.param_item(param, &[param])
    }

    pub fn phone_invalid(param: &str) -> ErrorItem {
        Kind::FormPhoneInvalid.param_item(param, &[param])
    }

    pub fn web3_wallet_invalid(param: &str) -> ErrorItem {
        Kind::FormWeb3WalletInvalid.param_item(param, &[param])
    }

    pub fn slug_invalid(param: &str) -> ErrorItem {
        Kind::FormSlugInvalid.param_item(param, &[param])
    }

    /// `what` is the identifier in words: `email address`, `username`, ...
    pub fn identifier_exists(param: &str, what: &str) -> ErrorItem {
        Kind::FormIdentifierExists.param_item(param, &[what])
    }

    pub fn metadata_too_large(param: &str, max: usize) -> Self {
        Self::one(
            Kind::FormParamSizeTooLarge
                .param_item(param, &[param, &max.to_string(), &(max / 1024).to_string()]),
        )
    }

    /// `missing` is required because `present` was given.
    pub fn conditional_missing(missing: &str, present: &str) -> Self {
        Self::one(Kind::FormConditionalParamMissing.param_item(missing, &[missing, present]))
    }

    /// `param` cannot be given together with `other`.
    pub fn not_allowed_with(param: &str, other: &str) -> Self {
        Self::one(Kind::FormParamNotAllowedWith.param_item(param, &[param, other]))
    }

    /// `param` cannot be given while `other` has the value `value`.
    pub fn not_allowed_when(param: &str, other: &str, value: &str) -> Self {
        Self::one(Kind::FormParamNotAllowedWhen.param_item(param, &[param, other, value]))
    }

    /// A user would have none of the identifiers the instance requires.
    pub fn user_data_missing(params: &[&str]) -> Self {
        let listed = match params {
            [] => String::new(),
            [one] => (*one).to_owned(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
        };
        let mut item = Kind::FormDataMissing.item(&[&format!("{listed:?}")]);
        item.meta.insert("param_names".into(), json!(params));
        Self::one(item)
    }

    /// A parameter naming a resource that does not exist.
    pub fn resource_missing(param: &str) -> ErrorItem {
        Kind::FormResourceNotFound.param_item(param, &[param])
    }

    pub fn username_length(param: &str, min: usize, max: usize) -> ErrorItem {
        Kind::FormUsernameLength.param_item(param, &[&min.to_string(), &max.to_string()])
    }

    pub fn username_character(param: &str) -> ErrorItem {
        Kind::FormUsernameCharacter.param_item(param, &[])
    }

    pub fn username_needs_non_number(param: &str) -> ErrorItem {
        Kind::FormUsernameNeedsNonNumber.param_item(param, &[])
    }

    pub fn password_too_long(param: &str) -> ErrorItem {
        Kind::FormPasswordTooLong.param_item(param, &[])
    }

    pub fn password_too_short(param: &str, min: usize) -> ErrorItem {
        Kind::FormPasswordTooShort.param_item(param, &[&min.to_string()])
    }

    pub fn password_pwned(param: &str) -> ErrorItem {
        Kind::FormPasswordPwned.param_item(param, &[])
    }

    /// `problem` and `expected` describe the digest's form; they never quote it.
    pub fn password_digest_invalid(hasher: &str, problem: &str, expected: &str) -> Self {
        Self::one(
            Kind::FormPasswordDigestInvalid
                .param_item("password_digest", &[hasher, problem, expected]),
        )
    }

    pub fn incorrect_password() -> Self {
        Kind::IncorrectPassword.error(&[])
    }

    pub fn no_password_set() -> Self {
        Kind::NoPasswordSet.error(&[])
    }

    /// `reason` ends the sentence "The organization name "x" is invalid: ...".
    pub fn org_name_invalid(param: &str, value: &str, reason: &str) -> ErrorItem {
        Kind::OrganizationNameInvalid.param_item(param, &[&format!("{value:?}"), reason])
    }

    // ---- resources -------------------------------------------------------------------------

    pub fn user_not_found(id: &str) -> Self {
        Kind::UserNotFound.error(&[id])
    }

    pub fn organization_not_found() -> Self {
        Kind::OrganizationNotFound.error(&[])
    }

    pub fn membership_not_found() -> Self {
        Kind::ResourceNotFound.error(&[])
    }

    /// An application or organization invitation that does not exist.
    pub fn invitation_not_found(id: &str) -> Self {
        Kind::InvitationNotFound.error(&[id])
    }

    pub fn duplicate_pending_invitation(emails: &[String]) -> Self {
        let mut e = Kind::DuplicateInvitations.item(&[&emails.join(", ")]);
        e.meta.insert("email_addresses".into(), json!(emails));
        Self::one(e)
    }

    /// An invitation to an address that already belongs to a user.
    pub fn invitation_email_taken(param: &str) -> Self {
        Self::one(Self::identifier_exists(param, "email address"))
    }

    pub fn invitation_already_revoked() -> Self {
        Kind::InvitationAlreadyRevoked.error(&[])
    }

    pub fn invitation_already_accepted() -> Self {
        Kind::InvitationAlreadyAccepted.error(&[])
    }

    pub fn org_invitation_not_unique() -> Self {
        Kind::OrganizationInvitationNotUnique.error(&[])
    }

    pub fn org_invitation_not_pending() -> Self {
        Kind::OrganizationInvitationNotPending.error(&[])
    }

    pub fn already_member(user_id: &str) -> Self {
        Kind::AlreadyMember.error(&[user_id])
    }

    pub fn membership_quota_exceeded(max: i64) -> Self {
        Kind::MembershipQuotaExceeded.error(&[&max.to_string()])
    }

    pub fn creator_not_found(user_id: &str) -> Self {
        Kind::CreatorNotFound.error(&[user_id])
    }

    /// `user_id` had to be an administrator of the organization.
    pub fn not_an_admin(user_id: &str) -> Self {
        Kind::NotAnAdmin.error(&[user_id])
    }

    pub fn role_not_found(param: &str, role: &str, known: &[&str]) -> Self {
        Self::one(Self::param_not_allowed_value(param, role, known))
    }

    pub fn last_admin() -> Self {
        Kind::MinimumPermissionsNeeded.error(&[])
    }

    pub fn slugs_disabled() -> Self {
        Kind::OrganizationSlugsDisabled.error(&[])
    }

    // ---- seed files ------------------------------------------------------------------------

    /// A seed's `id` that is taken or not shaped like a `prefix_` ID.
    pub fn seed_id_invalid(id: &str, prefix: &str) -> ErrorItem {
        Kind::SeedIdInvalid.param_item("id", &[id, prefix])
    }

    pub fn seed_external_account_invalid(param: &str) -> ErrorItem {
        Kind::SeedExternalAccountInvalid.param_item(param, &[param])
    }

    // ---- sessions and tokens -----------------------------------------------------------------

    pub fn session_not_found(id: &str) -> Self {
        Kind::SessionNotFound.error(&[id])
    }

    /// A token asked of a session that is not active (revoked, ended, expired, ...).
    pub fn session_not_active() -> Self {
        Self::auth_missing()
    }

    pub fn jwt_template_not_found(attribute: &str, value: &str) -> Self {
        Kind::JwtTemplateNotFound.error(&[attribute, value])
    }

    pub fn jwt_template_reserved_claim(claim: &str) -> Self {
        Self::one(Kind::JwtTemplateReservedClaim.param_item("claims", &[claim]))
    }

    pub fn user_banned() -> Self {
        Kind::UserBanned.error(&[])
    }

    pub fn not_a_member() -> Self {
        Kind::NotAMember.error(&[])
    }

    pub fn resource_not_found() -> Self {
        Kind::ResourceNotFound.error(&[])
    }

    pub fn sign_in_token_not_revocable(status: &str) -> Self {
        Kind::SignInTokenNotRevocable.error(&[status])
    }

    /// `` `param` is required when `condition` is `value`. ``
    pub fn conditional_param_missing(param: &str, condition: &str, value: &str) -> ErrorItem {
        Kind::FormConditionalParamMissingWhen.param_item(param, &[param, condition, value])
    }

    /// At least one of several optional parameters is needed.
    pub fn one_of_params_missing(params: &[&str]) -> Self {
        let mut item = Kind::FormParamsOneOfMissing.item(&[&params.join(", ")]);
        item.meta.insert("param_names".into(), json!(params));
        Self::one(item)
    }

    /// A value that must not be empty.
    pub fn param_empty(param: &str) -> ErrorItem {
        Kind::FormParamEmpty.param_item(param, &[param])
    }

    /// A value that fails a rule of its own; `reason` says which.
    pub fn param_invalid_because(param: &str, reason: &str) -> ErrorItem {
        Kind::FormValidationFailedBecause.param_item(param, &[param, reason])
    }

    // ---- limits and server side --------------------------------------------------------------

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut e = Kind::TooManyRequests.error(&[]);
        e.retry_after = Some(retry_after_secs.max(1));
        e
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Kind::Internal.error(&[])
    }

    pub fn bad_gateway() -> Self {
        Kind::BadGateway.error(&[])
    }

    pub fn unavailable() -> Self {
        Kind::ServiceUnavailable.error(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_in_order_and_keep_other_braces() {
        assert_eq!(render("{0} and {1}.", &["a", "b"]), "a and b.");
        assert_eq!(render("{1}{0}", &["a", "b"]), "ba");
        assert_eq!(render("x {y} {", &[]), "x {y} {");
        assert_eq!(render("{0} {0}", &["z"]), "z z");
    }

    #[test]
    fn an_item_serializes_as_clerk_does() {
        let body = ApiError::form1(ApiError::param_missing("name")).body("t");
        assert_eq!(
            body,
            json!({"errors": [{"message": "is missing", "long_message": "name must be included.",
                "code": "form_param_missing", "meta": {"param_name": "name"}}],
                "meta": {}, "clerk_trace_id": "t"})
        );
        let plain = ApiError::organization_not_found().body("t");
        assert!(plain["errors"][0].get("meta").is_none());
    }

    #[test]
    fn bulk_items_name_their_index() {
        let mut e = ApiError::param_missing("email_address");
        e.in_item(3);
        assert_eq!(e.meta()["param_name"], "[3].email_address");
        assert_eq!(e.long_message(), "[3].email_address must be included.");
        let mut typed = ApiError::param_type("role", "number", "string");
        typed.in_item(0);
        assert!(typed.meta().is_empty());
        assert_eq!(typed.param(), Some("[0].role"));
    }

    #[test]
    fn every_kind_is_listed_once() {
        let mut names: Vec<&str> = Kind::ALL.iter().map(|k| k.spec().name).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
    }
}
