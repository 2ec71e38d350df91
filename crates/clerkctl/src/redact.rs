//! What never leaves clerkctl whole: `private_metadata` in answers given to agents and in
//! exports that leave it out; secrets (by the name of their field, at any depth), private
//! metadata values and the secret key in audit records, debug logs and dry runs.

use clerk_api::{Client, PreparedRequest};
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

/// What a masked value reads as.
pub const MASKED: &str = "[masked]";

/// Parts of a field name that say its value is a secret: `password`, `password_digest`,
/// `totp_secret`, `client_secret`, `signing_key`, `private_key`, `backup_codes`, any
/// `*token*`, ... Checked on the name lowercased, at any depth, so a field Clerk adds later
/// (or one hidden in metadata) is masked without anyone listing it.
const SECRET_NAME_PARTS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "signing_key",
    "private_key",
    "privatekey",
    "api_key",
    "apikey",
    "digest",
    "backup_code",
    "credential",
    "authorization",
    "cookie",
];

/// Whether a field named `name` holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_NAME_PARTS.iter().any(|part| name.contains(part))
}

/// A value fit for the audit log, debug logs and dry runs: at any depth, the value of a field
/// whose name says it is a secret (a boolean or null is kept: it tells nothing), every value
/// inside `private_metadata` (its keys are kept), and the secret key wherever it appears in a
/// string (`scrub`, from the client: [`clerk_api::Client::scrub`]).
pub fn mask(v: &Value, scrub: &dyn Fn(&str) -> String) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(|i| mask(i, scrub)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let masked = if k == "private_metadata" {
                        match v {
                            Value::Object(m) => {
                                Value::Object(m.keys().map(|k| (scrub(k), json!(MASKED))).collect())
                            }
                            Value::Null => Value::Null,
                            _ => json!(MASKED),
                        }
                    } else if is_secret_name(k) && !matches!(v, Value::Bool(_) | Value::Null) {
                        json!(MASKED)
                    } else {
                        mask(v, scrub)
                    };
                    (scrub(k), masked)
                })
                .collect(),
        ),
        Value::String(s) => Value::String(scrub(s)),
        other => other.clone(),
    }
}

/// A request about to be shown instead of sent (a dry run): its body masked by [`mask`], and
/// the key scrubbed from its URL (the `Authorization` header is masked already).
pub fn prepared(mut p: PreparedRequest, client: &Client) -> PreparedRequest {
    p.url = client.scrub(&p.url);
    p.body = p.body.as_ref().map(|b| mask(b, &|s| client.scrub(s)));
    p
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
        let none = |s: &str| s.to_owned();
        let body = json!({"password": "hunter22", "private_metadata": {"ssn": "123"}, "public_metadata": {"plan": "pro"}});
        assert_eq!(
            mask(&body, &none),
            json!({"password": "[masked]", "private_metadata": {"ssn": "[masked]"}, "public_metadata": {"plan": "pro"}})
        );
        let bulk = json!([{"email_address": "a@b.co", "private_metadata": {"k": 1}}]);
        assert_eq!(
            mask(&bulk, &none),
            json!([{"email_address": "a@b.co", "private_metadata": {"k": "[masked]"}}])
        );
    }

    #[test]
    fn secrets_are_masked_by_their_name_at_any_depth_and_the_key_anywhere() {
        let key = "sk_live_maskMeEverywhere9876";
        let scrub = |s: &str| s.replace(key, "sk_live_…9876");
        let body = json!({
            "name": "t", "signing_key": "-----BEGIN PRIVATE KEY-----", "signing_algorithm": "RS256",
            "client_secret": "cs", "Client_Secret": "cs2", "totp_secret": "t", "backup_codes": ["1", "2"],
            "password_digest": "$2a$", "skip_password_checks": true, "token": null,
            "unsafe_metadata": {"nested": [{"password": "p", "apiKey": "k", "plan": "pro"}]},
            "private_metadata": {"deep": {"x": 1}},
            "note": format!("call me with {key}"),
        });
        let m = mask(&body, &scrub);
        assert_eq!(
            m,
            json!({
                "name": "t", "signing_key": "[masked]", "signing_algorithm": "RS256",
                "client_secret": "[masked]", "Client_Secret": "[masked]", "totp_secret": "[masked]",
                "backup_codes": "[masked]", "password_digest": "[masked]",
                "skip_password_checks": true, "token": null,
                "unsafe_metadata": {"nested": [{"password": "[masked]", "apiKey": "[masked]", "plan": "pro"}]},
                "private_metadata": {"deep": "[masked]"},
                "note": "call me with sk_live_…9876",
            })
        );
    }
}
