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
/// [`strip_private_metadata`] on JSON text as sent, for exports: writes `raw` (valid JSON) to
/// `out` without any `private_metadata` member, at any depth; everything else is copied byte for
/// byte, as Clerk wrote it. An export of 50,000 users then costs a substring search in each,
/// not a parse.
///
/// In valid JSON an unescaped `"` followed by `private_metadata"` opens a string that is exactly
/// that name (a closing quote cannot be followed by a letter), and one followed by `:` is a
/// member's name. So each such member is found by a search, and its value's end by reading that
/// value alone. A text that might spell the name with escapes (`\u`) is parsed instead, so
/// nothing [`strip_private_metadata`] would remove is kept.
pub fn write_without_private_metadata(raw: &str, out: &mut Vec<u8>) -> serde_json::Result<()> {
    static QUOTED: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"private_metadata\""));
    static ESCAPED: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\\u"));
    let raw = raw.trim();
    let text = raw.as_bytes();
    if ESCAPED.find(text).is_some() {
        return write_parsed(raw, out);
    }
    let malformed = || <serde_json::Error as serde::de::Error>::custom("malformed JSON text");
    let mut copied = 0;
    let mut from = 0;
    while let Some(k) = QUOTED.find(&text[from..]) {
        let quote = from + k;
        let name_end = quote + "\"private_metadata\"".len();
        from = name_end;
        let slashes = text[..quote]
            .iter()
            .rev()
            .take_while(|b| **b == b'\\')
            .count();
        if slashes % 2 == 1 {
            // `\"private_metadata"`: inside a string.
            continue;
        }
        let colon = skip_space(text, name_end);
        if text.get(colon) != Some(&b':') {
            // A string value, not a member's name.
            continue;
        }
        let value_end = json_value_end(text, skip_space(text, colon + 1)).ok_or_else(malformed)?;
        let before = text[..quote]
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .ok_or_else(malformed)?;
        let (cut_from, cut_to) = match text[before] {
            // Not the first member: the comma before it goes with it.
            b',' => (before, value_end),
            // The first: the comma after it, if another member follows.
            b'{' => {
                let after = skip_space(text, value_end);
                if text.get(after) == Some(&b',') {
                    (quote, skip_space(text, after + 1))
                } else {
                    (quote, value_end)
                }
            }
            _ => return Err(malformed()),
        };
        out.extend_from_slice(&text[copied..cut_from]);
        copied = cut_to;
        from = cut_to;
    }
    out.extend_from_slice(&text[copied..]);
    Ok(())
}

fn skip_space(text: &[u8], mut i: usize) -> usize {
    while text.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// The index just past the string whose opening quote is at `i`.
fn json_string_end(text: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let k = j + memchr::memchr2(b'"', b'\\', text.get(j..)?)?;
        if text[k] == b'"' {
            return Some(k + 1);
        }
        // An escape: the next byte is taken as it is.
        j = k + 2;
    }
}

/// The index just past the JSON value that starts at `i`.
fn json_value_end(text: &[u8], i: usize) -> Option<usize> {
    match *text.get(i)? {
        b'"' => json_string_end(text, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match *text.get(j)? {
                    b'"' => {
                        j = json_string_end(text, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let rest = &text[i..];
            let len = rest
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace())
                .unwrap_or(rest.len());
            (len > 0).then_some(i + len)
        }
    }
}

/// What [`write_without_private_metadata`] does, by parsing: for text whose escapes might spell
/// the name.
fn write_parsed(raw: &str, out: &mut Vec<u8>) -> serde_json::Result<()> {
    const NAME: &str = "private_metadata";
    match raw.as_bytes().first() {
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
        _ => out.extend_from_slice(raw.as_bytes()),
    }
    Ok(())
}

/// An exported object as JSON text without any `private_metadata` member, made as its page is
/// read: the object is taken as it was sent and written again by
/// [`write_without_private_metadata`].
///
/// It reads only from text held whole (`serde_json::from_slice`, as the client reads answers).
#[derive(Debug)]
pub struct WithoutPrivateMetadata {
    text: Vec<u8>,
}

impl WithoutPrivateMetadata {
    /// The object's JSON text.
    pub fn text(&self) -> &[u8] {
        &self.text
    }
}

impl clerk_api::page::HasId for WithoutPrivateMetadata {
    fn item_id(&self) -> Option<String> {
        #[derive(serde::Deserialize)]
        struct IdOnly {
            id: String,
        }
        serde_json::from_slice::<IdOnly>(&self.text)
            .ok()
            .map(|i| i.id)
    }
}

impl<'de> serde::Deserialize<'de> for WithoutPrivateMetadata {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let raw: &'de serde_json::value::RawValue = serde::Deserialize::deserialize(d)?;
        if !raw.get().starts_with('{') {
            return Err(D::Error::custom("expected a JSON object"));
        }
        let mut text = Vec::with_capacity(raw.get().len());
        write_without_private_metadata(raw.get(), &mut text).map_err(D::Error::custom)?;
        Ok(WithoutPrivateMetadata { text })
    }
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

    /// Objects read from a page without their private metadata are what the text path writes,
    /// and keep their IDs.
    #[test]
    fn objects_read_without_private_metadata_match_the_text_path() {
        let page = r#"{"data":[
            {"id":"user_1","private_metadata":{"ssn":"1"},"public_metadata":{"a":[1,2.5,"x"]},"email_addresses":[{"id":"idn_1"}]},
            {"id":"orgmem_1","private_metadata":{"a":1},"organization":{"private_metadata":{},"name":"Acme"}},
            {"id":"user_2","public_metadata":{"private\u005fmetadata":"hidden","n\u00e9":"é"}},
            {"i\u0064":"user_3","first_name":"no private data here","private_metadat\u0061":{"ssn":"2"}},
            {}
        ],"total_count":5}"#;
        let list =
            clerk_api::page::Page::<WithoutPrivateMetadata>::decode(page.as_bytes()).unwrap();
        let whole: Value = serde_json::from_str(page).unwrap();
        for (i, got) in list.data.iter().enumerate() {
            let mut tree = whole["data"][i].clone();
            strip_private_metadata(&mut tree);
            let text: Value = serde_json::from_slice(got.text()).unwrap();
            assert_eq!(text, tree, "object {i}");
            assert!(!String::from_utf8_lossy(got.text()).contains("ssn"));
            use clerk_api::page::HasId;
            assert_eq!(
                got.item_id(),
                tree["id"].as_str().map(str::to_owned),
                "object {i}"
            );
        }
        assert!(
            clerk_api::page::Page::<WithoutPrivateMetadata>::decode(b"[1]").is_err(),
            "an object or nothing"
        );
        // Users' bare array too.
        let bare = clerk_api::page::Page::<WithoutPrivateMetadata>::decode(
            br#"[{"id":"user_9","private_metadata":{"k":"v"},"x":1}]"#,
        )
        .unwrap();
        assert_eq!(bare.data[0].text(), br#"{"id":"user_9","x":1}"#);
    }

    /// Names and strings that look like the field, or hide it behind escapes.
    fn tricky_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let text = prop_oneof![
            Just("private_metadata".to_owned()),
            Just("\"private_metadata\":".to_owned()),
            Just("private_metadata\\".to_owned()),
            Just("\"private_metadata".to_owned()),
            Just("\\\"private_metadata".to_owned()),
            Just("\\".to_owned()),
            Just("\"".to_owned()),
            Just("{[,]}".to_owned()),
            Just("é\u{1}".to_owned()),
            "[a-z_]{0,6}".prop_map(|s| s),
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
            (-1e6f64..1e6).prop_map(Value::from),
            text.clone().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 5, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::vec((text.clone(), inner), 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(crate::props::config())]

        /// Compact or pretty, with escapes or without: the text path removes exactly what the
        /// tree path removes.
        #[test]
        fn the_text_path_is_the_tree_path(v in tricky_json()) {
            let mut tree = v.clone();
            strip_private_metadata(&mut tree);
            for raw in [serde_json::to_string(&v).unwrap(), serde_json::to_string_pretty(&v).unwrap()] {
                let mut text = Vec::new();
                write_without_private_metadata(&raw, &mut text).unwrap();
                let from_text: Value = serde_json::from_slice(&text).unwrap();
                proptest::prop_assert_eq!(&from_text, &tree, "{}", raw);
            }
            // The same with the name spelled by an escape.
            let escaped = serde_json::to_string(&v).unwrap().replace("private_metadata", "private\\u005fmetadata");
            let mut text = Vec::new();
            write_without_private_metadata(&escaped, &mut text).unwrap();
            let from_text: Value = serde_json::from_slice(&text).unwrap();
            proptest::prop_assert_eq!(&from_text, &tree, "{}", escaped);
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
