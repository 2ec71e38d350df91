//! Property tests: no input makes a parser of user input panic, and where a value can be
//! written back, reading it again gives the same value. Each runs 256 cases by default
//! (`PROPTEST_CASES` changes it), which keeps the whole suite to seconds.
//!
//! The CSV and ndjson readers are tested beside them (`bulk::rows::tests`), as is the
//! `clerkctl api` path check (`cmd::api::tests`).

use proptest::prelude::*;
use serde_json::Value;

/// The suite's configuration: the default number of cases, no regression files in the tree.
pub fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text people (or agents) might type, weighted towards the characters parsers look at.
pub fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9a-zA-Z_@+./:%\\- \t-]{0,40}",
        "[0-9]{0,25}(/[0-9.eE+-]{0,25}s?)?",
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn rates_never_panic_and_round_trip(s in typed()) {
        if let Ok(rate) = s.parse::<clerk_api::RateLimit>() {
            let again: clerk_api::RateLimit = rate.to_string().parse().unwrap();
            prop_assert_eq!(again.to_string(), rate.to_string());
        }
        let _ = s.parse::<crate::cli::Rate>();
        if let Ok(rate) = s.parse::<clerk_emulator::config::RateLimit>() {
            let again: clerk_emulator::config::RateLimit = rate.to_string().parse().unwrap();
            prop_assert_eq!(again.to_string(), rate.to_string());
        }
    }

    #[test]
    fn valid_rates_are_accepted(n in 1u32.., ms in 1u64..=86_400_000) {
        let s = format!("{n}/{}", ms as f64 / 1000.0);
        let rate: clerk_api::RateLimit = s.parse().unwrap();
        prop_assert!(rate.per_second() > 0.0);
    }

    #[test]
    fn ids_and_names_never_panic_and_ids_round_trip(s in typed(), body in "[a-zA-Z0-9]{1,30}") {
        let _ = clerk_api::ids::UserId::parse(&s);
        let _ = clerk_api::ids::OrganizationId::parse(&s);
        let _ = s.parse::<clerk_api::ids::OrganizationRef>();
        let _ = clerk_api::ids::is_slug(&s);
        let _ = crate::ops::names::user(&s);
        let _ = crate::ops::names::org(&s);
        let id = format!("user_{body}");
        let parsed = clerk_api::ids::UserId::parse(&id).unwrap();
        prop_assert_eq!(parsed.to_string(), id.clone());
        let named = crate::ops::names::user(&id).unwrap();
        prop_assert_eq!(named.id().map(ToString::to_string), Some(id));
    }

    #[test]
    fn times_never_panic_and_round_trip(s in typed(), ms in -62_135_596_800_000i64..253_402_300_799_000) {
        let now = time::OffsetDateTime::now_utc();
        let _ = crate::ops::time::parse(&s, now);
        // Ages as long as the digits allow: counted back or refused, never overflowing.
        let _ = crate::ops::time::parse(&format!("{}d", s.len() as u64 * 1_000_000_000_000), now);
        let iso = crate::ops::time::iso(ms).unwrap();
        prop_assert_eq!(crate::ops::time::parse(&iso, now).unwrap().millis(), ms);
        prop_assert_eq!(crate::ops::time::parse(&ms.max(0).to_string(), now).unwrap().millis(), ms.max(0));
    }

    #[test]
    fn fields_never_panic(fields in proptest::collection::vec(typed(), 0..5), v in json()) {
        if let Some(shape) = crate::fields::shape(crate::output::Kind::User) {
            let _ = crate::fields::check("users", shape, &fields);
        }
        let _ = crate::output::project(&v, &fields);
    }

    #[test]
    fn json_bodies_never_panic_and_round_trip(s in typed(), v in json()) {
        if !s.starts_with('@') && s != "-" {
            let _ = crate::cmd::args::json_arg("--data", &s);
        }
        let text = v.to_string();
        prop_assert_eq!(crate::cmd::args::json_arg("--data", &text).unwrap(), v);
    }

    #[test]
    fn api_urls_never_panic_and_round_trip(s in typed(), port in 1u16.., path in "(/[a-z0-9]{1,8}){0,3}") {
        let _ = clerk_api::ApiBase::parse(&s);
        let url = format!("http://127.0.0.1:{port}{path}");
        let base = clerk_api::ApiBase::parse(&url).unwrap();
        let again = clerk_api::ApiBase::parse(&base.to_string()).unwrap();
        prop_assert_eq!(again.to_string(), base.to_string());
        prop_assert!(base.to_string().ends_with("/v1"));
    }
}

/// Any JSON value, a few levels deep.
pub fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z0-9 .@_]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_.0-9]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
