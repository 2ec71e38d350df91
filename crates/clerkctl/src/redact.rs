//! What never leaves clerkctl whole: `private_metadata` in answers given to agents and in
//! exports that leave it out, and secrets and private metadata values in audit records.

use serde_json::{Value, json};

/// Removes `private_metadata` wherever it appears (users, organizations, memberships,
/// invitations, and the organizations inside memberships).
pub fn strip_private_metadata(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("private_metadata");
            map.values_mut().for_each(strip_private_metadata);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_private_metadata),
        _ => {}
    }
}

/// Body fields whose values never reach the audit log.
const SECRET_FIELDS: &[&str] = &[
    "password",
    "password_digest",
    "totp_secret",
    "backup_codes",
    "signing_key",
];

/// A request body fit for the audit log: secrets and private metadata values masked.
pub fn mask_body(body: &Value) -> Value {
    match body {
        Value::Array(items) => Value::Array(items.iter().map(mask_body).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let masked = if SECRET_FIELDS.contains(&k.as_str()) {
                        json!("[masked]")
                    } else if k == "private_metadata" {
                        match v {
                            Value::Object(m) => Value::Object(
                                m.keys().map(|k| (k.clone(), json!("[masked]"))).collect(),
                            ),
                            Value::Null => Value::Null,
                            _ => json!("[masked]"),
                        }
                    } else {
                        v.clone()
                    };
                    (k.clone(), masked)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_metadata_goes_everywhere_it_hides() {
        let mut v = json!({"data": [{"id": "orgmem_1", "private_metadata": {"a": 1},
            "organization": {"private_metadata": {}, "name": "Acme"}}], "total_count": 1});
        strip_private_metadata(&mut v);
        assert_eq!(
            v,
            json!({"data": [{"id": "orgmem_1", "organization": {"name": "Acme"}}], "total_count": 1})
        );
    }

    #[test]
    fn audit_bodies_mask_secrets_and_private_metadata() {
        let body = json!({"password": "hunter22", "private_metadata": {"ssn": "123"}, "public_metadata": {"plan": "pro"}});
        assert_eq!(
            mask_body(&body),
            json!({"password": "[masked]", "private_metadata": {"ssn": "[masked]"}, "public_metadata": {"plan": "pro"}})
        );
        let bulk = json!([{"email_address": "a@b.co", "private_metadata": {"k": 1}}]);
        assert_eq!(
            mask_body(&bulk),
            json!([{"email_address": "a@b.co", "private_metadata": {"k": "[masked]"}}])
        );
    }
}
