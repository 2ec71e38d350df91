//! The vendored OpenAPI 3.0 spec, turned into JSON Schema (2020-12) for the `jsonschema` crate.
//!
//! OpenAPI 3.0 schemas are almost JSON Schema. The differences that matter for validating
//! answers: `nullable: true` (JSON Schema spells it as a `null` type, or an `anyOf` branch when
//! the schema is a `$ref`/`allOf`/`oneOf`), boolean `exclusiveMinimum`/`exclusiveMaximum`,
//! `discriminator` (whose property OpenAPI requires in the payload), and keywords JSON Schema
//! does not know (`example`, `x-*`, ...), which are dropped. `$ref`s keep pointing at `#/components/schemas/...`: every validator's root document
//! embeds the converted components.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, Validator};
use serde_json::{Map, Value, json};

pub const SPEC_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/2026-05-12.yml");

pub struct Spec {
    /// The spec as written (YAML read as JSON).
    pub doc: Value,
    /// `components.schemas`, converted to JSON Schema.
    schemas: Value,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

/// The spec, read once per test binary.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(SPEC_FILE).expect("the vendored spec is readable");
        let doc: Value = serde_yaml::from_str(&text).expect("the vendored spec is valid YAML");
        let mut schemas = Map::new();
        for (name, schema) in doc["components"]["schemas"]
            .as_object()
            .expect("components.schemas")
        {
            schemas.insert(name.clone(), convert(schema));
        }
        Spec {
            doc,
            schemas: Value::Object(schemas),
            validators: Mutex::new(HashMap::new()),
        }
    })
}

/// Clerk's docs say a `PUT .../metadata` with `null` for a field "overwrite[s] the field with a
/// JSON `null` value" (clerk-typedoc replace-user-metadata.mdx, replace-organization-metadata.mdx),
/// and the emulator answers that `null` from then on; the spec's schemas declare some metadata
/// objects non-nullable. The docs win: a metadata object may be `null`.
fn null_metadata(name: &str, mut schema: Value) -> Value {
    if name.ends_with("_metadata")
        && let Some(t) = schema.get_mut("type")
        && *t == json!("object")
    {
        *t = json!(["object", "null"]);
    }
    schema
}

/// Converts one OpenAPI 3.0 schema to JSON Schema 2020-12.
pub fn convert(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    let mut nullable = false;
    let mut exclusive = (false, false);
    let mut discriminator = None;
    for (key, value) in map {
        match key.as_str() {
            "nullable" => nullable = value.as_bool() == Some(true),
            // OpenAPI-only or annotation keywords: meaningless (or harmful) to a validator.
            "discriminator" => discriminator = value["propertyName"].as_str(),
            "example" | "xml" | "externalDocs" | "deprecated" | "readOnly" | "writeOnly" => {}
            k if k.starts_with("x-") => {}
            "exclusiveMinimum" if value.is_boolean() => exclusive.0 = value == &Value::Bool(true),
            "exclusiveMaximum" if value.is_boolean() => exclusive.1 = value == &Value::Bool(true),
            "properties" | "patternProperties" => {
                let props = value
                    .as_object()
                    .map(|p| {
                        p.iter()
                            .map(|(k, v)| (k.clone(), null_metadata(k, convert(v))))
                            .collect()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(props));
            }
            "items" | "additionalProperties" | "not" => {
                out.insert(key.clone(), convert(value));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let list = value
                    .as_array()
                    .map(|l| l.iter().map(convert).collect())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Array(list));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    // OpenAPI 3.0's boolean form: `minimum: 0, exclusiveMinimum: true` means `> 0`.
    for (flag, bound, exclusive_key) in [
        (exclusive.0, "minimum", "exclusiveMinimum"),
        (exclusive.1, "maximum", "exclusiveMaximum"),
    ] {
        if flag && let Some(b) = out.remove(bound) {
            out.insert(exclusive_key.into(), b);
        }
    }
    // OpenAPI 3.0: the discriminating property must be in the payload (Clerk's Python SDK
    // fails to decode an email verification without its `object`).
    if let Some(name) = discriminator {
        let required = out.entry("required").or_insert_with(|| json!([]));
        if let Value::Array(names) = required
            && !names.contains(&json!(name))
        {
            names.push(json!(name));
        }
    }
    if !nullable {
        return Value::Object(out);
    }
    if ["$ref", "allOf", "oneOf", "anyOf"]
        .iter()
        .any(|k| out.contains_key(*k))
    {
        // A `null` type next to a `$ref` or a composition would not reach its branches.
        return json!({"anyOf": [{"type": "null"}, Value::Object(out)]});
    }
    if let Some(t) = out.get_mut("type") {
        match t {
            Value::String(s) => *t = json!([s.clone(), "null"]),
            Value::Array(types) if !types.contains(&json!("null")) => types.push(json!("null")),
            _ => {}
        }
    }
    if let Some(Value::Array(values)) = out.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    Value::Object(out)
}

/// Follows `$ref`s inside the spec document (`#/components/...`).
pub fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    while let Some(r) = v.get("$ref").and_then(Value::as_str) {
        let pointer = r.strip_prefix('#').expect("local reference");
        v = doc
            .pointer(pointer)
            .unwrap_or_else(|| panic!("unresolvable reference {r}"));
    }
    v
}

/// The spec's path template for a concrete path (`/users/user_x` -> `/users/{user_id}`):
/// the template with the most literal segments among those that match.
pub fn template_for(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    spec()
        .doc
        .get("paths")?
        .as_object()?
        .keys()
        .filter_map(|t| {
            let ts: Vec<&str> = t.split('/').collect();
            if ts.len() != segments.len() {
                return None;
            }
            let mut literals = 0;
            for (a, b) in ts.iter().zip(&segments) {
                if a.starts_with('{') {
                    continue;
                }
                if a != b {
                    return None;
                }
                literals += 1;
            }
            Some((literals, t))
        })
        .max_by_key(|(n, _)| *n)
        .map(|(_, t)| t.clone())
}

/// The response schema (converted) the spec gives for an answer, and a name for it. A
/// success must be listed; an error the operation does not list must still be `ClerkErrors`.
fn response_schema(method: &str, template: &str, status: u16) -> Result<(String, Value), String> {
    let s = spec();
    let op = s.doc["paths"]
        .get(template)
        .and_then(|p| p.get(method.to_lowercase()));
    let listed = op.and_then(|op| op["responses"].get(status.to_string()));
    let Some(listed) = listed else {
        if status >= 400 {
            return Ok((
                "ClerkErrors".into(),
                json!({"$ref": "#/components/schemas/ClerkErrors"}),
            ));
        }
        return Err(match op {
            None => format!("the spec has no operation {method} {template}"),
            Some(_) => format!("the spec lists no {status} answer for {method} {template}"),
        });
    };
    let response = resolve(&s.doc, listed);
    let Some(schema) = response.pointer("/content/application~1json/schema") else {
        // A few errors are listed with a description only (`verify_password`'s 400, 404 and
        // 422): Clerk answers them, like every error, as ClerkErrors.
        if status >= 400 && response.get("content").is_none() {
            return Ok((
                "ClerkErrors".into(),
                json!({"$ref": "#/components/schemas/ClerkErrors"}),
            ));
        }
        return Err(format!(
            "{method} {template} {status}: no application/json schema"
        ));
    };
    if status >= 400 {
        // Every error answer in scope is documented as ClerkErrors; check the spec agrees.
        let target = resolve(&s.doc, schema);
        let clerk_errors = &s.doc["components"]["schemas"]["ClerkErrors"];
        if target != clerk_errors {
            return Err(format!(
                "{method} {template} {status}: the spec's error schema is not ClerkErrors"
            ));
        }
    }
    Ok((format!("{method} {template} {status}"), convert(schema)))
}

fn validator(name: &str, schema: Value) -> Arc<Validator> {
    let s = spec();
    if let Some(v) = s.validators.lock().unwrap().get(name) {
        return v.clone();
    }
    let mut root = match schema {
        Value::Object(m) => m,
        other => panic!("{name}: schema is not an object: {other}"),
    };
    root.insert("components".into(), json!({"schemas": s.schemas.clone()}));
    let compiled = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(&Value::Object(root))
        .unwrap_or_else(|e| panic!("{name}: schema does not compile: {e}"));
    let compiled = Arc::new(compiled);
    s.validators
        .lock()
        .unwrap()
        .insert(name.to_owned(), compiled.clone());
    compiled
}

/// Checks a body against a schema; the error lists every violation with its location.
pub fn violations(name: &str, schema: Value, body: &Value) -> Result<(), String> {
    let v = validator(name, schema);
    let problems: Vec<String> = v
        .iter_errors(body)
        .map(|e| format!("  at {:?}: {e}", e.instance_path().as_str()))
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    let mut shown = serde_json::to_string_pretty(body).unwrap();
    if shown.len() > 4000 {
        shown.truncate(4000);
        shown.push_str("\n...");
    }
    Err(format!(
        "{name}: the body does not match the spec:\n{}\nbody:\n{shown}",
        problems.join("\n")
    ))
}

/// Whether a body matches what the spec says `method path_template` answers with `status`.
pub fn spec_violations(
    method: &str,
    path_template: &str,
    status: u16,
    body: &Value,
) -> Result<(), String> {
    let (name, schema) = response_schema(method, path_template, status)?;
    violations(&name, schema, body)
}

#[track_caller]
pub fn assert_matches_spec(method: &str, path_template: &str, status: u16, body: &Value) {
    if let Err(e) = spec_violations(method, path_template, status, body) {
        panic!("{e}");
    }
}

/// Checks an answer to a concrete request (`/users/user_x?limit=5`). `GET /invitations`,
/// `GET /sessions` and `GET /jwt_templates` with `paginated=true` answer `{data, total_count}`,
/// a shape the spec does not document (Clerk's JS and Go SDKs send it); its items are checked
/// against the list's item schema.
#[track_caller]
pub fn assert_answer_matches_spec(method: &str, path_and_query: &str, status: u16, body: &Value) {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let Some(template) = template_for(path) else {
        assert!(
            status >= 400,
            "{method} {path} answered {status} but the spec has no such path"
        );
        return assert_matches_spec(method, path, status, body);
    };
    let paginated = form_pairs(query).any(|(k, v)| k == "paginated" && v == "true");
    let item = match template.as_str() {
        "/invitations" => Some("Invitation"),
        "/sessions" => Some("Session"),
        "/jwt_templates" => Some("JWTTemplate"),
        _ => None,
    };
    if let Some(item) = item
        && method == "GET"
        && status == 200
        && paginated
    {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["data", "total_count"],
            "properties": {
                "data": {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}},
                "total_count": {"type": "integer"}
            }
        });
        if let Err(e) = violations(&format!("GET {template}?paginated=true 200"), schema, body) {
            panic!("{e}");
        }
        return;
    }
    assert_matches_spec(method, &template, status, body);
}

fn form_pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
}
