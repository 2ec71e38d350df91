//! JWT template claims: static values and shortcodes.
//!
//! A claim value that is a string may hold shortcodes: `"{{user.id}}"` becomes the user's ID,
//! `"{{user.public_metadata}}"` an object, `"{{user.public_metadata.plan || 'free'}}"` the first
//! operand that is neither `null` nor `false` (or the last one), and `"{{user.last_name}}
//! {{user.first_name}}"` a string with each value written into it. Strings inside arrays and
//! objects are rendered too. A template is checked when it is saved, so a token never fails to
//! render; a shortcode that names no known value renders `null`, as Clerk's does.

use serde_json::{Map, Number, Value};

/// The namespaces a shortcode path may start with.
pub const ROOTS: &[&str] = &["user", "org", "org_membership", "session"];

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Path(Vec<String>),
    Str(String),
    Num(Number),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Expr(Vec<Operand>),
}

/// Where a claim sits, for error messages: `claims.a.b[2]`.
fn at(path: &str) -> String {
    if path.is_empty() {
        "claims".to_owned()
    } else {
        format!("claims.{path}")
    }
}

/// Splits a string into text and `{{ ... }}` expressions.
fn parse(s: &str, where_: &str) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find("{{") {
        if open > 0 {
            out.push(Piece::Text(rest[..open].to_owned()));
        }
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or_else(|| {
            format!(
                "{}: the shortcode starting at `{{{{{}` is not closed with `}}}}`",
                at(where_),
                after.chars().take(24).collect::<String>()
            )
        })?;
        out.push(Piece::Expr(parse_expr(&after[..close], where_)?));
        rest = &after[close + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_owned()));
    }
    Ok(out)
}

fn parse_expr(expr: &str, where_: &str) -> Result<Vec<Operand>, String> {
    if expr.trim().is_empty() {
        return Err(format!("{}: `{{{{}}}}` holds no shortcode", at(where_)));
    }
    let mut operands = Vec::new();
    // `||` never occurs inside a literal we accept except within quotes: split outside them.
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                current.push(c);
            }
            '|' if !quoted && chars.peek() == Some(&'|') => {
                chars.next();
                parts.push(std::mem::take(&mut current));
            }
            _ => current.push(c),
        }
    }
    if quoted {
        return Err(format!(
            "{}: `{{{{{expr}}}}}` has a string literal without its closing `'`",
            at(where_)
        ));
    }
    parts.push(current);
    for part in parts {
        operands.push(parse_operand(part.trim(), expr, where_)?);
    }
    Ok(operands)
}

fn parse_operand(op: &str, expr: &str, where_: &str) -> Result<Operand, String> {
    let bad = |why: &str| format!("{}: in `{{{{{expr}}}}}`, {why}", at(where_));
    if op.is_empty() {
        return Err(bad("an operand of `||` is empty"));
    }
    if let Some(inner) = op.strip_prefix('\'') {
        let inner = inner
            .strip_suffix('\'')
            .ok_or_else(|| bad(&format!("`{op}` is not a string literal")))?;
        return Ok(Operand::Str(inner.to_owned()));
    }
    if op.starts_with('"') {
        return Err(bad(&format!(
            "`{op}`: string literals use single quotes ('text')"
        )));
    }
    match op {
        "true" => return Ok(Operand::Bool(true)),
        "false" => return Ok(Operand::Bool(false)),
        _ => {}
    }
    if op.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        return serde_json::from_str::<Number>(op)
            .map(Operand::Num)
            .map_err(|_| bad(&format!("`{op}` is not a number")));
    }
    let segments: Vec<&str> = op.split('.').collect();
    let valid = |s: &&str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    };
    if !segments.iter().all(valid) {
        return Err(bad(&format!(
            "`{op}` is neither a shortcode such as user.id nor a literal ('text', a number, true or false)"
        )));
    }
    if segments.len() < 2 || !ROOTS.contains(&segments[0]) {
        return Err(bad(&format!(
            "`{op}` is not a shortcode: shortcodes start with {}",
            ROOTS
                .iter()
                .map(|r| format!("{r}."))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(Operand::Path(
        segments.into_iter().map(str::to_owned).collect(),
    ))
}

/// Checks every string of a template's claims; the error names the claim and the problem.
pub fn check(claims: &Map<String, Value>) -> Result<(), String> {
    fn walk(v: &Value, path: &str) -> Result<(), String> {
        match v {
            Value::String(s) => parse(s, path).map(drop),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, x)| walk(x, &format!("{path}[{i}]"))),
            Value::Object(map) => map.iter().try_for_each(|(k, x)| {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(x, &p)
            }),
            _ => Ok(()),
        }
    }
    claims.iter().try_for_each(|(k, v)| walk(v, k))
}

/// Renders a template's claims; `lookup` answers a shortcode path (`["user", "id"]`).
pub fn render(
    claims: &Map<String, Value>,
    lookup: &dyn Fn(&[String]) -> Value,
) -> Map<String, Value> {
    fn eval(ops: &[Operand], lookup: &dyn Fn(&[String]) -> Value) -> Value {
        let mut last = Value::Null;
        for op in ops {
            let v = match op {
                Operand::Path(p) => lookup(p),
                Operand::Str(s) => Value::String(s.clone()),
                Operand::Num(n) => Value::Number(n.clone()),
                Operand::Bool(b) => Value::Bool(*b),
            };
            if !matches!(v, Value::Null | Value::Bool(false)) {
                return v;
            }
            last = v;
        }
        last
    }
    fn render_str(s: &str, lookup: &dyn Fn(&[String]) -> Value) -> Value {
        let Ok(pieces) = parse(s, "") else {
            // Checked when saved; a string that no longer parses stays as written.
            return Value::String(s.to_owned());
        };
        match pieces.as_slice() {
            [] => Value::String(String::new()),
            [Piece::Text(t)] => Value::String(t.clone()),
            [Piece::Expr(ops)] => eval(ops, lookup),
            _ => {
                let mut out = String::new();
                for piece in &pieces {
                    match piece {
                        Piece::Text(t) => out.push_str(t),
                        Piece::Expr(ops) => match eval(ops, lookup) {
                            Value::String(v) => out.push_str(&v),
                            other => out.push_str(&other.to_string()),
                        },
                    }
                }
                Value::String(out.trim().to_owned())
            }
        }
    }
    fn walk(v: &Value, lookup: &dyn Fn(&[String]) -> Value) -> Value {
        match v {
            Value::String(s) => render_str(s, lookup),
            Value::Array(items) => Value::Array(items.iter().map(|x| walk(x, lookup)).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, x)| (k.clone(), walk(x, lookup)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    claims
        .iter()
        .map(|(k, v)| (k.clone(), walk(v, lookup)))
        .collect()
}

/// Follows `path` into a JSON value (metadata shortcodes such as
/// `user.public_metadata.address.city`); `null` where it leads nowhere.
pub fn dig(mut v: &Value, path: &[String]) -> Value {
    for key in path {
        match v.get(key.as_str()) {
            Some(next) => v = next,
            None => return Value::Null,
        }
    }
    v.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn lookup(p: &[String]) -> Value {
        let user = json!({
            "id": "user_1", "first_name": "Maria", "last_name": "Doe", "phone": null,
            "public_metadata": {"profile": {"interests": ["reading"]}, "age": 0}, "verified": false
        });
        match p[0].as_str() {
            "user" => dig(&user, &p[1..]),
            _ => Value::Null,
        }
    }

    #[test]
    fn renders_typed_values_interpolation_and_fallbacks() {
        let c = claims(json!({
            "aud": "https://my-site.com",
            "version": 1,
            "foo": {"bar": [1, "{{user.id}}"]},
            "user_id": "{{user.id}}",
            "full_name": "{{user.last_name}} {{user.first_name}} ",
            "nothing_here": "{{user.phone}} {{user.first_name}}",
            "likes": "{{ user.public_metadata.profile.interests }}",
            "missing": "{{user.i_dont_exist}}",
            "plan": "{{user.public_metadata.plan || 'free'}}",
            "verified": "{{user.verified || user.phone}}",
            "age": "{{user.public_metadata.age || 30}}",
        }));
        check(&c).unwrap();
        let out = Value::Object(render(&c, &lookup));
        assert_eq!(
            out,
            json!({
                "aud": "https://my-site.com",
                "version": 1,
                "foo": {"bar": [1, "user_1"]},
                "user_id": "user_1",
                "full_name": "Doe Maria",
                "nothing_here": "null Maria",
                "likes": ["reading"],
                "missing": null,
                "plan": "free",
                "verified": null,
                "age": 0,
            })
        );
    }

    #[test]
    fn malformed_shortcodes_are_refused_with_their_claim() {
        for (bad, says) in [
            (json!({"a": "{{user.id"}), "claims.a"),
            (json!({"a": {"b": ["ok", "{{}}"]}}), "claims.a.b[1]"),
            (json!({"a": "{{foo.bar}}"}), "shortcodes start with"),
            (json!({"a": "{{user.id || \"x\"}}"}), "single quotes"),
            (json!({"a": "{{user.id || }}"}), "empty"),
            (json!({"a": "{{user..id}}"}), "neither a shortcode"),
            (json!({"a": "{{'open}}"}), "closing"),
            (json!({"a": "{{user}}"}), "not a shortcode"),
        ] {
            let e = check(&claims(bad.clone())).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
