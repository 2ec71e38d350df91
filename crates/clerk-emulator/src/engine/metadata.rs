//! Metadata rules: deep merge with `null` deleting, whole replacement, and Clerk's size limit.
//!
//! Users, organizations and memberships update their metadata through one routine:
//! [`read_body`] decodes a `PATCH`/`PUT .../metadata` body, and [`MetadataInput::apply`] merges
//! or replaces each field it carries, checking sizes before changing anything. Creates check
//! their metadata with [`check_sizes`].

use serde_json::{Map, Value};

use super::body::{self, BodySpec};
use crate::error::{ApiError, ApiResult, Kind};
use crate::model::{Membership, Metadata, NullMetadata, Organization, User};

/// Clerk limits each metadata field to 8 KB of serialized JSON.
pub const MAX_METADATA_BYTES: usize = 8192;

/// Deep-merges `patch` into `target`: objects merge recursively, a `null` deletes its key at any
/// depth, anything else (arrays included) replaces the old value.
pub fn deep_merge(target: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (key, value) in patch {
        match value {
            Value::Null => {
                target.remove(key);
            }
            Value::Object(inner) => match target.get_mut(key) {
                Some(Value::Object(existing)) => deep_merge(existing, inner),
                _ => {
                    let mut fresh = Map::new();
                    deep_merge(&mut fresh, inner);
                    target.insert(key.clone(), Value::Object(fresh));
                }
            },
            other => {
                target.insert(key.clone(), other.clone());
            }
        }
    }
}

/// Checks the serialized size of one metadata field.
pub fn check_size(param: &str, value: &Metadata) -> ApiResult<()> {
    let size = serde_json::to_vec(value).map(|v| v.len()).unwrap_or(0);
    if size > MAX_METADATA_BYTES {
        return Err(ApiError::metadata_too_large(param, MAX_METADATA_BYTES));
    }
    Ok(())
}

/// Checks the size of each metadata field a create carries, by parameter name, in order: the
/// first field too large is the error.
pub fn check_sizes<'a>(
    fields: impl IntoIterator<Item = (&'a str, Option<&'a Metadata>)>,
) -> ApiResult<()> {
    for (param, value) in fields {
        if let Some(v) = value {
            check_size(param, v)?;
        }
    }
    Ok(())
}

/// The metadata objects a body may carry for a resource, by field name.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct MetadataInput {
    #[serde(default)]
    pub public_metadata: Option<Metadata>,
    #[serde(default)]
    pub private_metadata: Option<Metadata>,
    #[serde(default)]
    pub unsafe_metadata: Option<Metadata>,
    /// Fields a `PUT` sent as `null`: stored as JSON `null`.
    #[serde(skip)]
    pub nulled: NullMetadata,
}

impl MetadataInput {
    /// Updates a record's metadata: each field this input carries is deep-merged into the
    /// stored one ([`Mode::Merge`]) or replaces it ([`Mode::Replace`]). Every field is computed
    /// and size-checked before any is stored, so an error leaves the record as it was. When a
    /// field was given (even with no visible change), `updated_at` becomes `now`. Returns
    /// whether a field was given.
    ///
    /// `unsafe_metadata` is only applied to records that have one (users).
    pub fn apply<'a>(
        &self,
        mode: Mode,
        record: impl Into<Fields<'a>>,
        now: i64,
    ) -> ApiResult<bool> {
        let fields = record.into();
        let public = updated(
            "public_metadata",
            fields.public,
            self.public_metadata.as_ref(),
            mode,
        )?;
        let private = updated(
            "private_metadata",
            fields.private,
            self.private_metadata.as_ref(),
            mode,
        )?;
        let unsafe_ = match &fields.unsafe_ {
            Some(current) => updated(
                "unsafe_metadata",
                current,
                self.unsafe_metadata.as_ref(),
                mode,
            )?,
            None => None,
        };
        let changed = public.is_some() || private.is_some() || unsafe_.is_some();
        if let Some(nulls) = fields.nulls {
            for (given, nulled, slot) in [
                (public.is_some(), self.nulled.public, &mut nulls.public),
                (private.is_some(), self.nulled.private, &mut nulls.private),
                (unsafe_.is_some(), self.nulled.unsafe_, &mut nulls.unsafe_),
            ] {
                if given {
                    *slot = nulled;
                }
            }
        }
        if let Some(v) = public {
            *fields.public = v;
        }
        if let Some(v) = private {
            *fields.private = v;
        }
        if let (Some(v), Some(slot)) = (unsafe_, fields.unsafe_) {
            *slot = v;
        }
        if changed {
            *fields.updated_at = now;
        }
        Ok(changed)
    }

    /// `PUT .../metadata` with `null` for a field "overwrite[s] the field with a JSON `null`
    /// value" (clerk-typedoc replace-user-metadata.mdx and replace-organization-metadata.mdx):
    /// the field is emptied and answers `null` until it is set again.
    fn nullify(&mut self, fields: &[String]) {
        for (name, slot, null) in [
            (
                "public_metadata",
                &mut self.public_metadata,
                &mut self.nulled.public,
            ),
            (
                "private_metadata",
                &mut self.private_metadata,
                &mut self.nulled.private,
            ),
            (
                "unsafe_metadata",
                &mut self.unsafe_metadata,
                &mut self.nulled.unsafe_,
            ),
        ] {
            if fields.iter().any(|f| f == name) {
                *slot = Some(Metadata::new());
                *null = true;
            }
        }
    }
}

/// A record's metadata fields and its `updated_at`, as [`MetadataInput::apply`] changes them.
#[derive(Debug)]
pub struct Fields<'a> {
    pub public: &'a mut Metadata,
    pub private: &'a mut Metadata,
    /// Users only.
    pub unsafe_: Option<&'a mut Metadata>,
    /// Which fields are stored as `null` (users and organizations).
    pub nulls: Option<&'a mut NullMetadata>,
    pub updated_at: &'a mut i64,
}

impl<'a> From<&'a mut User> for Fields<'a> {
    fn from(u: &'a mut User) -> Self {
        Fields {
            public: &mut u.public_metadata,
            private: &mut u.private_metadata,
            unsafe_: Some(&mut u.unsafe_metadata),
            nulls: Some(&mut u.null_metadata),
            updated_at: &mut u.updated_at,
        }
    }
}

impl<'a> From<&'a mut Organization> for Fields<'a> {
    fn from(o: &'a mut Organization) -> Self {
        Fields {
            public: &mut o.public_metadata,
            private: &mut o.private_metadata,
            unsafe_: None,
            nulls: Some(&mut o.null_metadata),
            updated_at: &mut o.updated_at,
        }
    }
}

impl<'a> From<&'a mut Membership> for Fields<'a> {
    fn from(m: &'a mut Membership) -> Self {
        Fields {
            public: &mut m.public_metadata,
            private: &mut m.private_metadata,
            unsafe_: None,
            nulls: None,
            updated_at: &mut m.updated_at,
        }
    }
}

/// Decodes the body of a metadata update against `spec`. With [`Mode::Replace`] (`PUT`), a
/// field sent as `null` is stored as `null`.
pub fn read_body(spec: &BodySpec, body: Option<Value>, mode: Mode) -> ApiResult<MetadataInput> {
    let sent_null = nulls(body.as_ref());
    let mut input: MetadataInput = body::parse(spec, body)?;
    if mode == Mode::Replace {
        input.nullify(&sent_null);
    }
    Ok(input)
}

/// Explains, under API version 2026-05-12, why metadata fields are refused on an update of the
/// resource at `path` (`users/{user_id}`): they moved to `.../metadata`.
pub fn hint_moved(mut e: ApiError, path: &str) -> ApiError {
    for item in e.items_mut() {
        let param = item.param().unwrap_or("").to_owned();
        if item.kind() == Kind::FormParamUnknown && param.ends_with("_metadata") {
            *item = ApiError::param_unknown_moved(
                &param,
                &format!(
                    " As of API version 2026-05-12, metadata is updated with PATCH /v1/{path}/metadata (deep merge) or PUT /v1/{path}/metadata (replace)."
                ),
            );
        }
    }
    e
}

/// The fields a body sets to `null` (the body decoder reads them as absent).
fn nulls(body: Option<&Value>) -> Vec<String> {
    match body {
        Some(Value::Object(obj)) => obj
            .iter()
            .filter(|(_, v)| v.is_null())
            .map(|(k, _)| k.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// How a metadata field is updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `PATCH .../metadata`: deep merge, `null` deletes.
    Merge,
    /// `PUT .../metadata` (and legacy updates): each field sent replaces the stored one.
    Replace,
}

/// Computes the new value of one field without touching the stored one, checking its size.
fn updated(
    param: &str,
    current: &Metadata,
    input: Option<&Metadata>,
    mode: Mode,
) -> ApiResult<Option<Metadata>> {
    let Some(input) = input else {
        return Ok(None);
    };
    let next = match mode {
        Mode::Merge => {
            let mut next = current.clone();
            deep_merge(&mut next, input);
            next
        }
        Mode::Replace => input.clone(),
    };
    check_size(param, &next)?;
    Ok(Some(next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn merge_is_deep_and_null_deletes_at_any_depth() {
        let mut target =
            obj(json!({"a": {"b": 1, "c": {"d": 2, "e": 3}}, "keep": true, "gone": 1}));
        let patch = obj(
            json!({"a": {"c": {"d": null, "f": 4}, "x": [1]}, "gone": null, "new": {"n": null, "m": 1}}),
        );
        deep_merge(&mut target, &patch);
        assert_eq!(
            Value::Object(target),
            json!({"a": {"b": 1, "c": {"e": 3, "f": 4}, "x": [1]}, "keep": true, "new": {"m": 1}})
        );
    }

    #[test]
    fn arrays_are_replaced_not_concatenated() {
        let mut target = obj(json!({"tags": [1, 2]}));
        deep_merge(&mut target, &obj(json!({"tags": [3]})));
        assert_eq!(target["tags"], json!([3]));
    }

    #[test]
    fn size_limit_is_8kb_per_field() {
        let big = obj(json!({"x": "a".repeat(MAX_METADATA_BYTES)}));
        let err = updated("public_metadata", &Map::new(), Some(&big), Mode::Replace).unwrap_err();
        assert_eq!(err.code(), "form_param_exceeds_allowed_size");
        assert_eq!(err.errors()[0].meta()["param_name"], "public_metadata");
        let ok = obj(json!({"x": "a".repeat(MAX_METADATA_BYTES - 10)}));
        assert!(updated("public_metadata", &Map::new(), Some(&ok), Mode::Replace).is_ok());
    }

    fn membership(public: Value, private: Value) -> Membership {
        Membership {
            id: "orgmem_1".into(),
            organization_id: "org_1".into(),
            user_id: "user_1".into(),
            role: "org:member".into(),
            public_metadata: obj(public),
            private_metadata: obj(private),
            created_at: 1,
            updated_at: 1,
        }
    }

    fn user(unsafe_metadata: Value) -> User {
        serde_json::from_value(json!({
            "id": "user_1", "external_id": null, "username": null, "first_name": null,
            "last_name": null, "locale": null, "email_addresses": [], "phone_numbers": [],
            "web3_wallets": [], "primary_email_address_id": null,
            "primary_phone_number_id": null, "primary_web3_wallet_id": null,
            "password_enabled": false, "password_last_updated_at": null, "totp_enabled": false,
            "backup_code_enabled": false, "mfa_enabled_at": null, "mfa_disabled_at": null,
            "public_metadata": {}, "private_metadata": {}, "unsafe_metadata": unsafe_metadata,
            "banned": false, "locked": false, "delete_self_enabled": true,
            "create_organization_enabled": true, "create_organizations_limit": null,
            "bypass_client_trust": false, "last_sign_in_at": null, "last_active_at": null,
            "legal_accepted_at": null, "created_at": 1, "updated_at": 1
        }))
        .unwrap()
    }

    fn input(v: Value) -> MetadataInput {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn apply_merges_the_fields_given_and_leaves_the_others() {
        let mut m = membership(json!({"a": {"b": 1}, "c": 2}), json!({"keep": 1}));
        let given = input(json!({"public_metadata": {"a": {"d": 3}, "c": null}}));
        assert!(given.apply(Mode::Merge, &mut m, 42).unwrap());
        assert_eq!(
            Value::Object(m.public_metadata),
            json!({"a": {"b": 1, "d": 3}})
        );
        assert_eq!(Value::Object(m.private_metadata), json!({"keep": 1}));
        assert_eq!(m.updated_at, 42);
    }

    #[test]
    fn apply_replaces_whole_fields() {
        let mut u = user(json!({"old": true}));
        let given = input(json!({"unsafe_metadata": {"new": true}, "private_metadata": {}}));
        assert!(given.apply(Mode::Replace, &mut u, 7).unwrap());
        assert_eq!(Value::Object(u.unsafe_metadata), json!({"new": true}));
        assert_eq!(Value::Object(u.private_metadata), json!({}));
        assert_eq!(u.updated_at, 7);
    }

    #[test]
    fn apply_with_no_field_changes_nothing() {
        let mut m = membership(json!({"a": 1}), json!({}));
        assert!(
            !MetadataInput::default()
                .apply(Mode::Merge, &mut m, 42)
                .unwrap()
        );
        assert_eq!(Value::Object(m.public_metadata), json!({"a": 1}));
        assert_eq!(m.updated_at, 1);
    }

    #[test]
    fn apply_refusing_one_field_changes_none() {
        let mut u = user(json!({}));
        let big = "a".repeat(MAX_METADATA_BYTES);
        let given = input(json!({"public_metadata": {"ok": 1}, "unsafe_metadata": {"x": big}}));
        let err = given.apply(Mode::Replace, &mut u, 42).unwrap_err();
        assert_eq!(err.code(), "form_param_exceeds_allowed_size");
        assert_eq!(err.errors()[0].meta()["param_name"], "unsafe_metadata");
        assert_eq!(Value::Object(u.public_metadata), json!({}));
        assert_eq!(u.updated_at, 1);
    }

    #[test]
    fn a_merge_that_grows_a_field_past_the_limit_is_refused() {
        let half = "a".repeat(MAX_METADATA_BYTES / 2 + 1);
        let mut m = membership(json!({"x": half}), json!({}));
        let given = input(json!({"public_metadata": {"y": half}}));
        assert!(given.apply(Mode::Merge, &mut m, 42).is_err());
        assert_eq!(m.public_metadata.len(), 1);
    }

    #[test]
    fn organizations_and_memberships_have_no_unsafe_metadata() {
        let mut m = membership(json!({}), json!({}));
        let given = input(json!({"unsafe_metadata": {"x": 1}}));
        assert!(!given.apply(Mode::Replace, &mut m, 42).unwrap());
        assert_eq!(m.updated_at, 1);
    }

    #[test]
    fn put_stores_null_for_a_field_sent_as_null_and_patch_does_not_touch_it() {
        let body = json!({"public_metadata": null, "private_metadata": {"k": 1}});
        let spec = &body::REPLACE_USER_METADATA;
        let put = read_body(spec, Some(body.clone()), Mode::Replace).unwrap();
        assert_eq!(put.public_metadata, Some(Map::new()));
        assert!(put.nulled.public && !put.nulled.private);
        assert_eq!(put.private_metadata, Some(obj(json!({"k": 1}))));
        assert_eq!(put.unsafe_metadata, None);
        let mut u = user(json!({"x": 1}));
        u.public_metadata = obj(json!({"old": 1}));
        put.apply(Mode::Replace, &mut u, 9).unwrap();
        assert!(u.null_metadata.public && u.public_metadata.is_empty());
        // Setting the field again, by merge or replace, makes it an object again.
        let merge = read_body(
            &body::UPDATE_USER_METADATA,
            Some(json!({"public_metadata": {"a": 1}})),
            Mode::Merge,
        )
        .unwrap();
        merge.apply(Mode::Merge, &mut u, 10).unwrap();
        assert!(!u.null_metadata.public);
        assert_eq!(Value::Object(u.public_metadata.clone()), json!({"a": 1}));
        let patch = read_body(&body::UPDATE_USER_METADATA, Some(body), Mode::Merge).unwrap();
        assert_eq!(patch.public_metadata, None);
        assert!(patch.nulled.is_none());
    }

    #[test]
    fn create_sizes_are_checked_in_order() {
        let big = obj(json!({"x": "a".repeat(MAX_METADATA_BYTES)}));
        assert!(check_sizes([("public_metadata", None), ("private_metadata", None)]).is_ok());
        let err = check_sizes([
            ("public_metadata", Some(&Map::new())),
            ("private_metadata", Some(&big)),
            ("unsafe_metadata", Some(&big)),
        ])
        .unwrap_err();
        assert_eq!(err.errors()[0].meta()["param_name"], "private_metadata");
    }

    #[test]
    fn moved_metadata_fields_name_their_new_endpoints() {
        let refused = ApiError::form1(ApiError::param_unknown("public_metadata"));
        let e = hint_moved(refused, "users/{user_id}");
        assert!(
            e.errors()[0]
                .long_message()
                .contains("PATCH /v1/users/{user_id}/metadata (deep merge)")
        );
    }
}
