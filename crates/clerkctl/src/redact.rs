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
/// [`strip_private_metadata`] on JSON text as sent, for exports: writes `raw` to `out` without
/// any `private_metadata` member, parsing only the objects and arrays whose text names one;
/// everything else is copied byte for byte, as Clerk wrote it. An export of 50,000 users then
/// costs a scan of each user instead of building and writing a tree for every one of them.
///
/// A text that might spell the name with escapes (`\u`) takes the parsing path too, so nothing
/// `strip_private_metadata` would remove is kept.
pub fn write_without_private_metadata(raw: &str, out: &mut Vec<u8>) -> serde_json::Result<()> {
    const NAME: &str = "private_metadata";
    if !raw.contains(NAME) && !raw.contains("\\u") {
        out.extend_from_slice(raw.as_bytes());
        return Ok(());
    }
    match raw.trim_start().as_bytes().first() {
        Some(b'{') => {
            let Members(members) = serde_json::from_str(raw)?;
            out.push(b'{');
            let mut first = true;
            for (name, value) in members.into_iter().filter(|(name, _)| name != NAME) {
                if !first {
                    out.push(b',');
                }
                first = false;
                serde_json::to_writer(&mut *out, name.as_ref())?;
                out.push(b':');
                write_without_private_metadata(value.get(), out)?;
            }
            out.push(b'}');
        }
        Some(b'[') => {
            let items: Vec<&serde_json::value::RawValue> = serde_json::from_str(raw)?;
            out.push(b'[');
            for (i, item) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_without_private_metadata(item.get(), out)?;
            }
            out.push(b']');
        }
        _ => out.extend_from_slice(raw.trim().as_bytes()),
    }
    Ok(())
}

/// An object's members in their order, each value left as text; names borrowed unless they
/// hold escapes.
struct Members<'a>(Vec<(std::borrow::Cow<'a, str>, &'a serde_json::value::RawValue)>);

impl<'de> serde::Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(64));
                while let Some(name) = map.next_key::<Name<'de>>()? {
                    members.push((name.0, map.next_value()?));
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// A member's name, borrowed from the text when it can be.
struct Name<'a>(std::borrow::Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Name<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Name(std::borrow::Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Name(std::borrow::Cow::Owned(s.to_owned())))
            }
        }
        d.deserialize_str(Visit)
    }
}

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

    /// The text path removes exactly what the tree path removes and keeps everything else.
    #[test]
    fn private_metadata_leaves_the_text_as_it_leaves_the_tree() {
        let cases = [
            r#"{"id":"user_1","private_metadata":{"ssn":"1"},"public_metadata":{"a":[1,2.5,"x"]},"email_addresses":[{"id":"idn_1"}]}"#,
            r#"{"data":[{"id":"orgmem_1","private_metadata":{"a":1},"organization":{"private_metadata":{},"name":"Acme"}}],"total_count":1}"#,
            r#"{"id":"user_2","public_metadata":{"private\u005fmetadata":"hidden","n\u00e9":"é"}}"#,
            r#"[{"private_metadata":1},{"keep":{"private_metadata":[{"private_metadata":2}]}}]"#,
            r#"{"id":"user_3","first_name":"no private data here"}"#,
            r#"{"private_metadata":null}"#,
            r#"{}"#,
            r#"[]"#,
        ];
        for raw in cases {
            let mut tree: Value = serde_json::from_str(raw).unwrap();
            strip_private_metadata(&mut tree);
            let mut text = Vec::new();
            write_without_private_metadata(raw, &mut text).unwrap();
            let from_text: Value = serde_json::from_slice(&text).unwrap();
            assert_eq!(from_text, tree, "{raw}");
            assert!(!String::from_utf8(text).unwrap().contains("ssn"), "{raw}");
        }
    }

    /// What holds no private metadata is written exactly as it came.
    #[test]
    fn text_without_private_metadata_is_copied_as_sent() {
        let raw = r#"{"id":"user_1","n":1.50,"s":"a\"b"}"#;
        let mut out = Vec::new();
        write_without_private_metadata(raw, &mut out).unwrap();
        assert_eq!(out, raw.as_bytes());
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
