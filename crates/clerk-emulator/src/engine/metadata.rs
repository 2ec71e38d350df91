//! Metadata rules: deep merge with `null` deleting, whole replacement, and Clerk's size limit.

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::model::Metadata;

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

/// The metadata objects a body may carry for a resource, by field name.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct MetadataInput {
    #[serde(default)]
    pub public_metadata: Option<Metadata>,
    #[serde(default)]
    pub private_metadata: Option<Metadata>,
    #[serde(default)]
    pub unsafe_metadata: Option<Metadata>,
}

impl MetadataInput {
    /// `PUT .../metadata` with `null` for a field clears it (`{}`): the answers' schemas have
    /// no null metadata object, so a JSON `null` cannot be stored.
    pub fn clear(&mut self, fields: &[String]) {
        for (name, slot) in [
            ("public_metadata", &mut self.public_metadata),
            ("private_metadata", &mut self.private_metadata),
            ("unsafe_metadata", &mut self.unsafe_metadata),
        ] {
            if fields.iter().any(|f| f == name) {
                *slot = Some(Metadata::new());
            }
        }
    }
}

/// The fields a body sets to `null` (the body decoder reads them as absent).
pub fn nulls(body: Option<&Value>) -> Vec<String> {
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
pub fn updated(
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
        assert_eq!(err.errors[0].meta["param_name"], "public_metadata");
        let ok = obj(json!({"x": "a".repeat(MAX_METADATA_BYTES - 10)}));
        assert!(updated("public_metadata", &Map::new(), Some(&ok), Mode::Replace).is_ok());
    }
}
