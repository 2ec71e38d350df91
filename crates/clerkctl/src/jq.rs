//! `--jq EXPR`: JSON output filtered by a jq expression, with jaq (a maintained implementation
//! of the jq language: jaq-core, its standard library jaq-std, and jaq-json's values).
//!
//! As gh does it: each result that is a string prints as it is (jq's `-r`), every other
//! result as JSON.

use jaq_core::load::{Arena, File, Loader, lex, parse};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;
use serde_json::Value;

type Data = data::JustLut<Val>;

/// A compiled jq expression.
pub struct Jq {
    code: String,
    filter: jaq_core::Filter<Data>,
}

impl std::fmt::Debug for Jq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jq").field("code", &self.code).finish()
    }
}

/// One result of a filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// A string, printed without quotes.
    Text(String),
    /// Anything else, printed as JSON.
    Json(Value),
}

impl Jq {
    /// Parses and compiles `code`; the error says what is wrong and where.
    pub fn compile(code: &str) -> Result<Jq, String> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let arena = Arena::default();
        let loader = Loader::new(defs);
        let at = |rest: &str| {
            let offset = code.len().saturating_sub(rest.len());
            let near: String = rest.chars().take(12).collect();
            if near.is_empty() {
                format!("at the end (position {offset})")
            } else {
                format!("at position {offset}, near {near:?}")
            }
        };
        let modules = loader
            .load(&arena, File { code, path: () })
            .map_err(|errors| {
                let mut said = Vec::new();
                for (_, e) in errors {
                    match e {
                        jaq_core::load::Error::Io(io) => {
                            said.extend(io.into_iter().map(|(p, why)| format!("{p}: {why}")))
                        }
                        jaq_core::load::Error::Lex(lexed) => {
                            said.extend(lexed.into_iter().map(|(expect, rest)| {
                                format!("expected {} {}", lex_expected(&expect), at(rest))
                            }))
                        }
                        jaq_core::load::Error::Parse(parsed) => {
                            said.extend(parsed.into_iter().map(|(expect, rest)| {
                                format!("expected {} {}", parse_expected(&expect), at(rest))
                            }))
                        }
                    }
                }
                said.join("; ")
            })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                errors
                    .into_iter()
                    .flat_map(|(_, es)| es)
                    .map(|(name, undefined)| {
                        let arity = match undefined {
                            jaq_core::compile::Undefined::Filter(n) => format!("/{n}"),
                            _ => String::new(),
                        };
                        format!("undefined {} {name}{arity}", undefined.as_str())
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })?;
        Ok(Jq {
            code: code.to_owned(),
            filter,
        })
    }

    /// Runs the filter on `input`: its results in order, or the first error.
    pub fn run(&self, input: &Value) -> Result<Vec<Output>, String> {
        let bytes = serde_json::to_vec(input).map_err(|e| e.to_string())?;
        let input = jaq_json::read::parse_single(&bytes).map_err(|e| format!("{e:?}"))?;
        let ctx = Ctx::<Data>::new(&self.filter.lut, Vars::new([]));
        let mut out = Vec::new();
        for result in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            let v = result.map_err(|e| e.to_string())?;
            out.push(match v {
                Val::TStr(bytes) => Output::Text(String::from_utf8_lossy(&bytes).into_owned()),
                other => {
                    let text = other.to_string();
                    Output::Json(serde_json::from_str(&text).map_err(|e| {
                        format!("the result {text} is not JSON ({e}); turn it into a string with tostring")
                    })?)
                }
            });
        }
        Ok(out)
    }
}

fn lex_expected(e: &lex::Expect<&str>) -> String {
    match e {
        lex::Expect::Delim(d) => format!("a closing match for {d:?}"),
        other => other.as_str().to_owned(),
    }
}

fn parse_expected(e: &parse::Expect<&str>) -> String {
    e.as_str().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_like_jq_and_strings_come_out_raw() {
        let list = json!({"data": [
            {"id": "user_1", "email_addresses": [{"email_address": "a@x.co"}], "banned": false},
            {"id": "user_2", "email_addresses": [], "banned": true},
        ], "total_count": 2});
        let jq = Jq::compile(".data[] | select(.banned | not) | .id").unwrap();
        assert_eq!(jq.run(&list).unwrap(), [Output::Text("user_1".into())]);
        let jq = Jq::compile("[.data[].id] | length").unwrap();
        assert_eq!(jq.run(&list).unwrap(), [Output::Json(json!(2))]);
        let jq = Jq::compile(".data | map({id, n: (.email_addresses | length)})").unwrap();
        assert_eq!(
            jq.run(&list).unwrap(),
            [Output::Json(
                json!([{"id": "user_1", "n": 1}, {"id": "user_2", "n": 0}])
            )]
        );
        // jaq's standard library is there: join, tostring, time functions.
        let jq = Jq::compile(r#".data[] | [.id, (.banned | tostring)] | join("\t")"#).unwrap();
        assert_eq!(
            jq.run(&list).unwrap(),
            [
                Output::Text("user_1\tfalse".into()),
                Output::Text("user_2\ttrue".into())
            ]
        );
        let jq = Jq::compile("1704099600000 / 1000 | todate").unwrap();
        assert_eq!(
            jq.run(&json!(null)).unwrap(),
            [Output::Text("2024-01-01T09:00:00Z".into())]
        );
    }

    #[test]
    fn mistakes_are_named() {
        let e = Jq::compile(".data[").unwrap_err();
        assert!(e.contains("expected"), "{e}");
        let e = Jq::compile("nosuchfilter").unwrap_err();
        assert!(e.contains("undefined filter nosuchfilter/0"), "{e}");
        let jq = Jq::compile(".id + 1").unwrap();
        assert!(jq.run(&json!({"id": "user_1"})).is_err());
    }
}
