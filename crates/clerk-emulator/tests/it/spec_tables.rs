//! The emulator's request-body field tables (`engine::body`) agree with the request schemas of
//! the vendored spec: names, types (arrays, enums, integer bounds), nullability, required
//! fields and `additionalProperties: false`.

use std::collections::BTreeSet;

use clerk_emulator::engine::body::{self, BodySpec, Field, Ty};
use serde_json::Value;

use crate::contract::ENDPOINTS;
use crate::openapi::{resolve, spec};

/// The operation with this `operationId`, and its method and path.
fn operation(id: &str) -> Option<(String, String, &'static Value)> {
    let doc = &spec().doc;
    doc["paths"].as_object()?.iter().find_map(|(path, item)| {
        item.as_object()?.iter().find_map(|(method, op)| {
            (op["operationId"] == id).then(|| (method.to_uppercase(), path.clone(), op))
        })
    })
}

/// The request body's object schema, and whether the body is an array of such objects.
fn body_schema(op: &'static Value) -> (&'static Value, bool) {
    let doc = &spec().doc;
    let body = resolve(doc, &op["requestBody"]);
    let schema = resolve(doc, &body["content"]["application/json"]["schema"]);
    if schema["type"] == "array" {
        (resolve(doc, &schema["items"]), true)
    } else {
        (schema, false)
    }
}

/// What a table field should be, in the spec's words, for comparison.
fn describe_table(f: &Field) -> String {
    let ty = match f.ty {
        Ty::Str => "string".to_owned(),
        Ty::Bool => "boolean".to_owned(),
        Ty::Object => "object".to_owned(),
        Ty::Int { min, max } => format!("integer min={min:?} max={max:?}"),
        Ty::Enum(values) => format!("string enum={values:?}"),
        Ty::StrArray { min, max } => {
            format!("array<string> minItems={min} maxItems={max:?}")
        }
        Ty::EnumArray(values) => format!("array<string enum={values:?}> minItems=0 maxItems=None"),
    };
    format!("{ty} required={} nullable={}", f.required, f.nullable)
}

fn describe_spec(name: &str, prop: &Value, required: &[&str]) -> String {
    let doc = &spec().doc;
    let nullable = prop["nullable"] == true;
    let prop = resolve(doc, prop);
    let int = |k: &str| prop[k].as_i64();
    let enum_of = |v: &Value| {
        v["enum"].as_array().map(|values| {
            values
                .iter()
                .map(|x| x.as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
    };
    let ty = match prop["type"].as_str() {
        Some("string") => match enum_of(prop) {
            Some(values) => format!("string enum={values:?}"),
            None => "string".to_owned(),
        },
        Some("boolean") => "boolean".to_owned(),
        Some("object") => "object".to_owned(),
        Some("integer") => format!("integer min={:?} max={:?}", int("minimum"), int("maximum")),
        Some("array") => {
            let items = resolve(doc, &prop["items"]);
            assert_eq!(items["type"], "string", "{name}: arrays of strings only");
            let min = prop["minItems"].as_u64().unwrap_or(0);
            let max = prop["maxItems"].as_u64().map(|m| m as usize);
            match enum_of(items) {
                Some(values) => {
                    format!("array<string enum={values:?}> minItems={min} maxItems={max:?}")
                }
                None => format!("array<string> minItems={min} maxItems={max:?}"),
            }
        }
        other => panic!("{name}: unexpected type {other:?}"),
    };
    format!(
        "{ty} required={} nullable={nullable}",
        required.contains(&name)
    )
}

/// Every difference between a table and a request schema, as readable lines.
fn differences(table: &BodySpec, schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let closed = schema["additionalProperties"] == false;
    if closed != table.closed {
        out.push(format!(
            "closed: table says {}, spec's additionalProperties says {closed}",
            table.closed
        ));
    }
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let props = schema["properties"].as_object().expect("an object schema");
    let in_spec: BTreeSet<&str> = props.keys().map(String::as_str).collect();
    let in_table: BTreeSet<&str> = table.fields.iter().map(|f| f.name).collect();
    for missing in in_spec.difference(&in_table) {
        out.push(format!("{missing}: in the spec, not in the table"));
    }
    for extra in in_table.difference(&in_spec) {
        out.push(format!("{extra}: in the table, not in the spec"));
    }
    assert_eq!(
        in_table.len(),
        table.fields.len(),
        "{}: a field is listed twice",
        table.operation
    );
    for f in table.fields {
        if let Some(prop) = props.get(f.name) {
            let (t, s) = (describe_table(f), describe_spec(f.name, prop, &required));
            if t != s {
                out.push(format!("{}: table {t}, spec {s}", f.name));
            }
        }
    }
    out
}

#[test]
fn body_tables_match_the_spec() {
    let mut problems = Vec::new();
    for table in body::ALL {
        let Some((method, path, op)) = operation(table.operation) else {
            problems.push(format!(
                "{}: no such operationId in the spec",
                table.operation
            ));
            continue;
        };
        let (schema, is_array) = body_schema(op);
        let bulk = path.ends_with("/bulk");
        if is_array != bulk {
            problems.push(format!(
                "{} ({method} {path}): body is an array in the spec: {is_array}",
                table.operation
            ));
        }
        for d in differences(table, schema) {
            problems.push(format!("{} ({method} {path}): {d}", table.operation));
        }
    }
    assert!(
        problems.is_empty(),
        "tables differ from the spec:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_request_body_in_scope_has_a_table() {
    let tables: BTreeSet<&str> = body::ALL.iter().map(|t| t.operation).collect();
    assert_eq!(tables.len(), body::ALL.len(), "one table per operation");
    for (method, path) in ENDPOINTS {
        let op = &spec().doc["paths"][path][method.to_lowercase()];
        if op.get("requestBody").is_some() {
            let id = op["operationId"].as_str().unwrap();
            assert!(
                tables.contains(id),
                "{method} {path} ({id}) has no body table"
            );
        }
    }
}

/// Before 2026-05-12, `PATCH /users/{id}` and `PATCH /organizations/{id}` also took the
/// metadata fields: the legacy tables are the current ones plus those.
#[test]
fn legacy_tables_are_the_current_ones_plus_metadata() {
    for (legacy, current, metadata) in [
        (
            &body::UPDATE_USER_LEGACY,
            &body::UPDATE_USER,
            &body::UPDATE_USER_METADATA,
        ),
        (
            &body::UPDATE_ORGANIZATION_LEGACY,
            &body::UPDATE_ORGANIZATION,
            &body::MERGE_ORGANIZATION_METADATA,
        ),
    ] {
        assert!(
            legacy.operation.starts_with(current.operation)
                && legacy.operation.contains("before 2026-05-12"),
            "{}",
            legacy.operation
        );
        assert_eq!(legacy.closed, current.closed, "{}", legacy.operation);
        let expected: Vec<String> = current
            .fields
            .iter()
            .chain(metadata.fields)
            .map(|f| format!("{} {}", f.name, describe_table(f)))
            .collect();
        let got: Vec<String> = legacy
            .fields
            .iter()
            .map(|f| format!("{} {}", f.name, describe_table(f)))
            .collect();
        assert_eq!(got, expected, "{}", legacy.operation);
    }
}

#[test]
fn the_comparison_notices_a_difference() {
    // A table that drifted (a missing field, a wrong type, a wrong `closed`) is reported.
    static DRIFTED: BodySpec = BodySpec {
        operation: "UpdateOrganizationMembership",
        closed: true,
        fields: &[Field {
            name: "role",
            ty: Ty::Bool,
            required: false,
            nullable: true,
        }],
    };
    let (_, _, op) = operation("UpdateOrganizationMembership").unwrap();
    let (schema, _) = body_schema(op);
    let found = differences(&DRIFTED, schema);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].starts_with("closed"));
    assert!(found[1].starts_with(
        "role: table boolean required=false nullable=true, spec string required=true nullable=false"
    ));
}
