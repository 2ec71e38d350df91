//! Request bodies: a field table per endpoint, checked before anything is stored.
//!
//! Each table mirrors the endpoint's request schema in the vendored OpenAPI file (names, types,
//! nullability, required fields, `additionalProperties: false`); a test compares the two, so a
//! table cannot drift from the spec. Checking a body collects every problem, as Clerk does, and
//! answers them together: unknown fields (`form_param_unknown`), missing required fields
//! (`form_param_missing`), JSON values of the wrong type or out of range
//! (`form_param_value_invalid`). Only then is the body decoded into the endpoint's typed input.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult, ErrorItem};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ty {
    Str,
    Bool,
    Int { min: Option<i64>, max: Option<i64> },
    Object,
    StrArray { min: usize, max: Option<usize> },
    Enum(&'static [&'static str]),
    EnumArray(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
}

/// The request body of one operation.
#[derive(Debug)]
pub struct BodySpec {
    /// The spec's `operationId`, so the spec test can find the schema.
    pub operation: &'static str,
    pub fields: &'static [Field],
    /// `additionalProperties: false`: unknown fields are refused.
    pub closed: bool,
}

const fn opt(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
        nullable: false,
    }
}

const fn nul(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
        nullable: true,
    }
}

const fn req(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: true,
        nullable: false,
    }
}

const S: Ty = Ty::Str;
const B: Ty = Ty::Bool;
const I: Ty = Ty::Int {
    min: None,
    max: None,
};
const NON_NEG: Ty = Ty::Int {
    min: Some(0),
    max: None,
};
const DAYS: Ty = Ty::Int {
    min: Some(1),
    max: Some(365),
};
const O: Ty = Ty::Object;
const SA: Ty = Ty::StrArray { min: 0, max: None };
const ID_STATUS: Ty = Ty::EnumArray(&["verified", "reserved"]);
/// The hashers Clerk accepts for `password_digest`. The spec types `password_hasher` as a plain
/// string (the list is in its description, and Clerk's reference names five more), so the
/// table says string and the engine checks the value.
pub const PASSWORD_HASHERS: &[&str] = &clerk_passwords::PasswordHasher::NAMES;
pub const TEMPLATE_SLUGS: &[&str] = &["invitation", "waitlist_invitation"];

pub static CREATE_USER: BodySpec = BodySpec {
    operation: "CreateUser",
    closed: true,
    fields: &[
        nul("external_id", S),
        nul("first_name", S),
        nul("last_name", S),
        nul("locale", S),
        opt("email_address", SA),
        opt("email_address_identification_status", ID_STATUS),
        opt("phone_number", SA),
        opt("phone_number_identification_status", ID_STATUS),
        opt("web3_wallet", SA),
        nul("username", S),
        nul("password", S),
        nul("password_digest", S),
        opt("password_hasher", S),
        nul("skip_password_checks", B),
        nul("skip_password_requirement", B),
        nul("totp_secret", S),
        opt("backup_codes", SA),
        opt("public_metadata", O),
        opt("private_metadata", O),
        opt("unsafe_metadata", O),
        nul("delete_self_enabled", B),
        nul("legal_accepted_at", S),
        nul("skip_legal_checks", B),
        nul("skip_user_requirement", B),
        nul("create_organization_enabled", B),
        nul("create_organizations_limit", I),
        nul("created_at", S),
        nul("bypass_client_trust", B),
        nul("banned", B),
        nul("locked", B),
    ],
};

const UPDATE_USER_FIELDS: [Field; 24] = [
    nul("external_id", S),
    nul("first_name", S),
    nul("last_name", S),
    nul("locale", S),
    nul("primary_email_address_id", S),
    nul("notify_primary_email_address_changed", B),
    nul("primary_phone_number_id", S),
    nul("primary_web3_wallet_id", S),
    nul("username", S),
    nul("profile_image_id", S),
    nul("password", S),
    opt("password_digest", S),
    opt("password_hasher", S),
    nul("skip_password_checks", B),
    nul("sign_out_of_other_sessions", B),
    nul("totp_secret", S),
    opt("backup_codes", SA),
    nul("delete_self_enabled", B),
    nul("create_organization_enabled", B),
    nul("legal_accepted_at", S),
    nul("skip_legal_checks", B),
    nul("create_organizations_limit", I),
    nul("created_at", S),
    nul("bypass_client_trust", B),
];

pub static UPDATE_USER: BodySpec = BodySpec {
    operation: "UpdateUser",
    closed: true,
    fields: &UPDATE_USER_FIELDS,
};

const fn concat<const A: usize, const B: usize, const C: usize>(
    a: [Field; A],
    b: [Field; B],
) -> [Field; C] {
    let mut out = [opt("", S); C];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    while i < C {
        out[i] = b[i - A];
        i += 1;
    }
    out
}

const USER_METADATA_FIELDS: [Field; 3] = [
    opt("public_metadata", O),
    opt("private_metadata", O),
    opt("unsafe_metadata", O),
];

/// `PATCH /users/{id}` before API version 2026-05-12, which still took metadata (replacing it).
pub static UPDATE_USER_LEGACY: BodySpec = BodySpec {
    operation: "UpdateUser (before 2026-05-12)",
    closed: true,
    fields: &concat::<24, 3, 27>(UPDATE_USER_FIELDS, USER_METADATA_FIELDS),
};

pub static UPDATE_USER_METADATA: BodySpec = BodySpec {
    operation: "UpdateUserMetadata",
    closed: true,
    fields: &USER_METADATA_FIELDS,
};

pub static REPLACE_USER_METADATA: BodySpec = BodySpec {
    operation: "ReplaceUserMetadata",
    closed: true,
    fields: &USER_METADATA_FIELDS,
};

const USER_IDS: [Field; 1] = [req(
    "user_ids",
    Ty::StrArray {
        min: 1,
        max: Some(50),
    },
)];

pub static USERS_BAN: BodySpec = BodySpec {
    operation: "UsersBan",
    closed: false,
    fields: &USER_IDS,
};

pub static USERS_UNBAN: BodySpec = BodySpec {
    operation: "UsersUnban",
    closed: false,
    fields: &USER_IDS,
};

pub static CREATE_ORGANIZATION: BodySpec = BodySpec {
    operation: "CreateOrganization",
    closed: false,
    fields: &[
        req("name", S),
        nul("created_by", S),
        nul("private_metadata", O),
        nul("public_metadata", O),
        nul("slug", S),
        nul("max_allowed_memberships", NON_NEG),
        nul("created_at", S),
        nul("role_set_key", S),
    ],
};

const UPDATE_ORGANIZATION_FIELDS: [Field; 6] = [
    nul("name", S),
    nul("slug", S),
    nul("max_allowed_memberships", NON_NEG),
    nul("admin_delete_enabled", B),
    nul("created_at", S),
    nul("role_set_key", S),
];

const ORG_METADATA_FIELDS: [Field; 2] = [opt("public_metadata", O), opt("private_metadata", O)];

pub static UPDATE_ORGANIZATION: BodySpec = BodySpec {
    operation: "UpdateOrganization",
    closed: true,
    fields: &UPDATE_ORGANIZATION_FIELDS,
};

/// `PATCH /organizations/{id}` before API version 2026-05-12, which still took metadata.
pub static UPDATE_ORGANIZATION_LEGACY: BodySpec = BodySpec {
    operation: "UpdateOrganization (before 2026-05-12)",
    closed: true,
    fields: &concat::<6, 2, 8>(UPDATE_ORGANIZATION_FIELDS, ORG_METADATA_FIELDS),
};

pub static MERGE_ORGANIZATION_METADATA: BodySpec = BodySpec {
    operation: "MergeOrganizationMetadata",
    closed: true,
    fields: &ORG_METADATA_FIELDS,
};

pub static REPLACE_ORGANIZATION_METADATA: BodySpec = BodySpec {
    operation: "ReplaceOrganizationMetadata",
    closed: true,
    fields: &ORG_METADATA_FIELDS,
};

pub static CREATE_MEMBERSHIP: BodySpec = BodySpec {
    operation: "CreateOrganizationMembership",
    closed: false,
    fields: &[
        req("user_id", S),
        req("role", S),
        nul("public_metadata", O),
        nul("private_metadata", O),
    ],
};

pub static UPDATE_MEMBERSHIP: BodySpec = BodySpec {
    operation: "UpdateOrganizationMembership",
    closed: false,
    fields: &[req("role", S)],
};

pub static UPDATE_MEMBERSHIP_METADATA: BodySpec = BodySpec {
    operation: "UpdateOrganizationMembershipMetadata",
    closed: true,
    fields: &ORG_METADATA_FIELDS,
};

const ORG_INVITATION_FIELDS: [Field; 8] = [
    req("email_address", S),
    nul("inviter_user_id", S),
    req("role", S),
    nul("public_metadata", O),
    nul("private_metadata", O),
    nul("redirect_url", S),
    nul("expires_in_days", DAYS),
    nul("notify", B),
];

pub static CREATE_ORG_INVITATION: BodySpec = BodySpec {
    operation: "CreateOrganizationInvitation",
    closed: false,
    fields: &ORG_INVITATION_FIELDS,
};

/// One item of `POST /organizations/{id}/invitations/bulk`.
pub static CREATE_ORG_INVITATION_BULK: BodySpec = BodySpec {
    operation: "CreateOrganizationInvitationBulk",
    closed: false,
    fields: &ORG_INVITATION_FIELDS,
};

pub static REVOKE_ORG_INVITATION: BodySpec = BodySpec {
    operation: "RevokeOrganizationInvitation",
    closed: false,
    fields: &[nul("requesting_user_id", S)],
};

pub static CREATE_INVITATION: BodySpec = BodySpec {
    operation: "CreateInvitation",
    closed: true,
    fields: &[
        req("email_address", S),
        opt("public_metadata", O),
        opt("redirect_url", S),
        nul("notify", B),
        nul("ignore_existing", B),
        nul("expires_in_days", DAYS),
        opt("template_slug", Ty::Enum(TEMPLATE_SLUGS)),
    ],
};

/// One item of `POST /invitations/bulk`.
pub static CREATE_INVITATION_BULK: BodySpec = BodySpec {
    operation: "CreateBulkInvitations",
    closed: true,
    fields: &[
        req("email_address", S),
        nul("public_metadata", O),
        nul("redirect_url", S),
        nul("notify", B),
        nul("ignore_existing", B),
        nul("expires_in_days", DAYS),
        opt("template_slug", Ty::Enum(TEMPLATE_SLUGS)),
    ],
};

/// A token's or template's lifetime in seconds: 30 s to 10 years.
const LIFETIME: Ty = Ty::Int {
    min: Some(30),
    max: Some(315_360_000),
};
const CLOCK_SKEW: Ty = Ty::Int {
    min: Some(0),
    max: Some(300),
};

pub static CREATE_SESSION: BodySpec = BodySpec {
    operation: "createSession",
    closed: false,
    fields: &[req("user_id", S), opt("active_organization_id", S)],
};

pub static CREATE_SESSION_TOKEN: BodySpec = BodySpec {
    operation: "CreateSessionToken",
    closed: false,
    fields: &[nul("expires_in_seconds", LIFETIME)],
};

pub static CREATE_SESSION_TOKEN_FROM_TEMPLATE: BodySpec = BodySpec {
    operation: "CreateSessionTokenFromTemplate",
    closed: false,
    fields: &[nul("expires_in_seconds", LIFETIME)],
};

const JWT_TEMPLATE_FIELDS: [Field; 7] = [
    req("name", S),
    req("claims", O),
    nul("lifetime", LIFETIME),
    nul("allowed_clock_skew", CLOCK_SKEW),
    opt("custom_signing_key", B),
    nul("signing_algorithm", S),
    nul("signing_key", S),
];

pub static CREATE_JWT_TEMPLATE: BodySpec = BodySpec {
    operation: "CreateJWTTemplate",
    closed: false,
    fields: &JWT_TEMPLATE_FIELDS,
};

pub static UPDATE_JWT_TEMPLATE: BodySpec = BodySpec {
    operation: "UpdateJWTTemplate",
    closed: false,
    fields: &JWT_TEMPLATE_FIELDS,
};

pub static CREATE_SIGN_IN_TOKEN: BodySpec = BodySpec {
    operation: "CreateSignInToken",
    closed: false,
    fields: &[
        req("user_id", S),
        nul("org_id", S),
        nul(
            "expires_in_seconds",
            Ty::Int {
                min: Some(1),
                max: None,
            },
        ),
    ],
};

/// The emulator's own `POST /_emulator/sessions/{id}/active_organization` (not in Clerk's
/// Backend API, so not in [`ALL`]): `organization_id` is required and may be `null`.
pub static SET_ACTIVE_ORGANIZATION: BodySpec = BodySpec {
    operation: "emulator: set a session's active organization",
    closed: true,
    fields: &[Field {
        name: "organization_id",
        ty: S,
        required: true,
        nullable: true,
    }],
};

pub static VERIFY_PASSWORD: BodySpec = BodySpec {
    operation: "VerifyPassword",
    closed: true,
    fields: &[req("password", S)],
};

/// Every table, for the spec test.
pub static ALL: &[&BodySpec] = &[
    &CREATE_USER,
    &UPDATE_USER,
    &UPDATE_USER_METADATA,
    &REPLACE_USER_METADATA,
    &USERS_BAN,
    &USERS_UNBAN,
    &CREATE_ORGANIZATION,
    &UPDATE_ORGANIZATION,
    &MERGE_ORGANIZATION_METADATA,
    &REPLACE_ORGANIZATION_METADATA,
    &CREATE_MEMBERSHIP,
    &UPDATE_MEMBERSHIP,
    &UPDATE_MEMBERSHIP_METADATA,
    &CREATE_ORG_INVITATION,
    &CREATE_ORG_INVITATION_BULK,
    &REVOKE_ORG_INVITATION,
    &CREATE_INVITATION,
    &CREATE_INVITATION_BULK,
    &VERIFY_PASSWORD,
    &CREATE_SESSION,
    &CREATE_SESSION_TOKEN,
    &CREATE_SESSION_TOKEN_FROM_TEMPLATE,
    &CREATE_JWT_TEMPLATE,
    &UPDATE_JWT_TEMPLATE,
    &CREATE_SIGN_IN_TOKEN,
];

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn expected_type(ty: Ty) -> &'static str {
    match ty {
        Ty::Str | Ty::Enum(_) => "string",
        Ty::Bool => "boolean",
        Ty::Int { .. } => "integer",
        Ty::Object => "object",
        Ty::StrArray { .. } | Ty::EnumArray(_) => "array of strings",
    }
}

fn check_value(name: &str, ty: Ty, v: &Value, errors: &mut Vec<ErrorItem>) {
    let wrong = |errors: &mut Vec<ErrorItem>| {
        errors.push(ApiError::param_type(name, json_type(v), expected_type(ty)));
    };
    match ty {
        Ty::Str => {
            if !v.is_string() {
                wrong(errors);
            }
        }
        Ty::Bool => {
            if !v.is_boolean() {
                wrong(errors);
            }
        }
        Ty::Object => {
            if !v.is_object() {
                wrong(errors);
            }
        }
        Ty::Int { min, max } => match v.as_i64() {
            None => wrong(errors),
            Some(n) => {
                let low = min.is_some_and(|m| n < m);
                let high = max.is_some_and(|m| n > m);
                if low || high {
                    errors.push(ApiError::param_value(name, &n.to_string()));
                }
            }
        },
        Ty::Enum(allowed) => match v.as_str() {
            None => wrong(errors),
            Some(s) if !allowed.contains(&s) => {
                errors.push(enum_error(name, s, allowed));
            }
            Some(_) => {}
        },
        Ty::StrArray { .. } | Ty::EnumArray(..) if !v.is_array() => wrong(errors),
        Ty::StrArray { min, max } => {
            let items = v.as_array().expect("checked above");
            if items.iter().any(|i| !i.is_string()) {
                wrong(errors);
            } else if items.len() < min {
                errors.push(ApiError::param_missing(name));
            } else if let Some(max) = max.filter(|m| items.len() > *m) {
                errors.push(ApiError::param_array_size(name, max));
            }
        }
        Ty::EnumArray(allowed) => {
            for item in v.as_array().expect("checked above") {
                match item.as_str() {
                    None => return wrong(errors),
                    Some(s) if !allowed.contains(&s) => {
                        return errors.push(enum_error(name, s, allowed));
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

pub fn enum_error(name: &str, value: &str, allowed: &[&str]) -> ErrorItem {
    ApiError::param_not_allowed_value(name, value, allowed)
}

/// Checks one JSON object against a table, collecting every problem.
fn check_object(spec: &BodySpec, obj: &Map<String, Value>, errors: &mut Vec<ErrorItem>) {
    if spec.closed {
        for key in obj.keys() {
            if !spec.fields.iter().any(|f| f.name == key) {
                errors.push(ApiError::param_unknown(key));
            }
        }
    }
    for field in spec.fields {
        match obj.get(field.name) {
            // A required nullable field must be sent, and may be sent as null.
            Some(Value::Null) if field.required && field.nullable => {}
            None | Some(Value::Null) if field.required => {
                errors.push(ApiError::param_missing(field.name))
            }
            // Optional fields sent as null read as absent, as Clerk's decoder treats them.
            None | Some(Value::Null) => {}
            Some(v) => check_value(field.name, field.ty, v, errors),
        }
    }
}

fn not_an_object(v: &Value) -> ApiError {
    ApiError::malformed_body(&format!("expected a JSON object, got {}", json_type(v)))
}

/// Checks a body against its table and decodes it. `None` (no body) reads as `{}`.
pub fn parse<T: DeserializeOwned>(spec: &BodySpec, body: Option<Value>) -> ApiResult<T> {
    let value = body.unwrap_or_else(|| Value::Object(Map::new()));
    let Value::Object(obj) = &value else {
        return Err(not_an_object(&value));
    };
    let mut errors = Vec::new();
    check_object(spec, obj, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::form(errors));
    }
    decode(drop_absent_nulls(spec, value))
}

/// Removes `null`s of fields that are not nullable: they read as absent, and the typed input
/// would otherwise fail to decode them (a `null` list, say).
fn drop_absent_nulls(spec: &BodySpec, mut value: Value) -> Value {
    if let Value::Object(obj) = &mut value {
        obj.retain(|k, v| !v.is_null() || spec.fields.iter().any(|f| f.name == k && f.nullable));
    }
    value
}

/// Checks a bulk body: a JSON array of `1..=max` objects, each against `item`.
pub fn parse_array<T: DeserializeOwned>(
    item: &BodySpec,
    body: Option<Value>,
    max: usize,
) -> ApiResult<Vec<T>> {
    let value = body.unwrap_or(Value::Null);
    let Value::Array(items) = value else {
        return Err(ApiError::malformed_body(&format!(
            "expected a JSON array of 1 to {max} objects, got {}",
            json_type(&value)
        )));
    };
    if items.is_empty() {
        return Err(ApiError::malformed_body(&format!(
            "expected a JSON array of 1 to {max} objects, got an empty array"
        )));
    }
    if items.len() > max {
        return Err(ApiError::bulk_size_exceeded(max));
    }
    let mut errors = Vec::new();
    for (index, v) in items.iter().enumerate() {
        let Value::Object(obj) = v else {
            return Err(not_an_object(v));
        };
        let mut item_errors = Vec::new();
        check_object(item, obj, &mut item_errors);
        for mut e in item_errors {
            // Say which item: `[3].email_address`.
            e.in_item(index);
            errors.push(e);
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::form(errors));
    }
    items
        .into_iter()
        .map(|v| decode(drop_absent_nulls(item, v)))
        .collect()
}

fn decode<T: DeserializeOwned>(value: Value) -> ApiResult<T> {
    serde_json::from_value(value).map_err(|e| ApiError::malformed_body(&e.to_string()))
}

/// A field of an update: left out, set to `null`, or given a value.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Patch<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T> Patch<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    pub fn value(&self) -> Option<&T> {
        match self {
            Patch::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            None => Patch::Null,
            Some(v) => Patch::Value(v),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    struct Org {
        name: String,
        #[serde(default)]
        slug: Patch<String>,
    }

    #[test]
    fn collects_every_problem() {
        let err = parse::<serde_json::Value>(
            &UPDATE_USER,
            Some(json!({"first_name": 5, "nope": 1, "username": "ok"})),
        )
        .unwrap_err();
        assert_eq!(err.status(), 422);
        let codes: Vec<_> = err.errors().iter().map(|e| e.code()).collect();
        assert_eq!(codes, ["form_param_unknown", "form_param_value_invalid"]);
        assert_eq!(
            err.errors()[1].long_message(),
            "first_name is invalid. Received integer, must be of type string."
        );
    }

    #[test]
    fn required_and_patch_fields() {
        let err = parse::<Org>(&CREATE_ORGANIZATION, Some(json!({}))).unwrap_err();
        assert_eq!(err.code(), "form_param_missing");
        let org: Org = parse(
            &CREATE_ORGANIZATION,
            Some(json!({"name": "A", "slug": null})),
        )
        .unwrap();
        assert_eq!(org.name, "A");
        assert_eq!(org.slug, Patch::Null);
        let org: Org = parse(&CREATE_ORGANIZATION, Some(json!({"name": "A"}))).unwrap();
        assert_eq!(org.slug, Patch::Absent);
    }

    #[test]
    fn arrays_are_bounded_and_items_named() {
        let err = parse_array::<Value>(&CREATE_INVITATION_BULK, Some(json!([{}])), 10).unwrap_err();
        assert_eq!(err.errors()[0].meta()["param_name"], "[0].email_address");
        let many: Vec<Value> = (0..11)
            .map(|i| json!({"email_address": format!("{i}@x.io")}))
            .collect();
        let err = parse_array::<Value>(&CREATE_INVITATION_BULK, Some(Value::Array(many)), 10)
            .unwrap_err();
        assert_eq!(err.code(), "bulk_size_exceeded");
    }

    #[test]
    fn enums_and_ranges() {
        let err = parse::<Value>(
            &CREATE_INVITATION,
            Some(json!({"email_address": "a@b.co", "template_slug": "x", "expires_in_days": 400})),
        )
        .unwrap_err();
        assert_eq!(err.errors().len(), 2);
        assert!(
            err.errors()
                .iter()
                .all(|e| e.code() == "form_param_value_invalid")
        );
    }
}
