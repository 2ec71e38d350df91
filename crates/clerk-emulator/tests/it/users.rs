//! Users: listing with every filter, ordering, pagination and the cursor; counts; creation
//! rules and uniqueness; updates; metadata merge and replace; ban, lock, delete.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::support::{Emu, enc, id, ids, items};

/// Users created with known attributes, named for readable assertions.
struct People {
    emu: Emu,
    by_name: HashMap<String, String>,
    org: String,
}

impl People {
    fn name(&self, id: &str) -> String {
        self.by_name
            .iter()
            .find(|(_, v)| v.as_str() == id)
            .map(|(k, _)| k.clone())
            .unwrap_or_else(|| id.to_owned())
    }

    fn id(&self, name: &str) -> &str {
        &self.by_name[name]
    }

    /// Names of the users `GET /users?{query}` returns, in order; `GET /users/count` with the
    /// same filters must agree.
    async fn list(&self, query: &str) -> Vec<String> {
        let list = self
            .emu
            .get(&format!("/users?limit=500&{query}"))
            .await
            .ok();
        assert!(list.is_array(), "GET /users is a bare array");
        let names: Vec<String> = ids(&list).iter().map(|i| self.name(i)).collect();
        let count = self.emu.user_count(&format!("?{query}")).await;
        assert_eq!(
            count as usize,
            names.len(),
            "count agrees with the list for {query}"
        );
        names
    }

    /// Like `list`, sorted: for filters, where order is not the point.
    async fn set(&self, query: &str) -> Vec<String> {
        let mut names = self.list(query).await;
        names.sort();
        names
    }
}

const ADA_WALLET: &str = "0xAbCdEf0123456789abcdef0123456789ABCDEF01";

/// Three users created in 2020, 2021 and 2022, two of them in an organization.
async fn people() -> People {
    let emu = Emu::start().await;
    let mut by_name = HashMap::new();
    let specs = [
        (
            "ada",
            json!({
                "email_address": ["ada@example.com"], "phone_number": ["+15555550101"],
                "web3_wallet": [ADA_WALLET], "username": "ada_l", "external_id": "ext-1",
                "first_name": "Ada", "last_name": "Lovelace", "created_at": "2020-01-01T00:00:00Z"
            }),
        ),
        (
            "grace",
            json!({
                "email_address": ["Grace@Example.com"], "phone_number": ["+15555550102"],
                "username": "grace_h", "external_id": "ext-2", "first_name": "Grace",
                "last_name": "Hopper", "banned": true, "created_at": "2021-01-01T00:00:00Z"
            }),
        ),
        (
            "linus",
            json!({
                "email_address": ["linus@example.org"], "username": "linus",
                "first_name": "Linus", "last_name": "Torvalds", "created_at": "2022-01-01T00:00:00Z"
            }),
        ),
    ];
    for (name, body) in specs {
        let u = emu.post("/users", body).await.ok();
        by_name.insert(name.to_owned(), id(&u));
    }
    let org = emu.org_id("Engines").await;
    for name in ["ada", "grace"] {
        emu.member(&org, &by_name[name], "org:member").await;
    }
    People { emu, by_name, org }
}

#[tokio::test]
async fn get_users_is_a_bare_array_newest_first() {
    let p = people().await;
    assert_eq!(p.list("").await, ["linus", "grace", "ada"]);
    let first = p.emu.get("/users").await.ok();
    assert_eq!(items(&first).len(), 3, "default limit 10 covers all three");
    assert_eq!(p.emu.user_count("").await, 3);
}

#[tokio::test]
async fn limit_and_offset_page_and_are_bounded() {
    let p = p_with(12).await;
    let page = |q: &'static str| {
        let emu = &p;
        async move { emu.get(&format!("/users?{q}")).await }
    };
    assert_eq!(
        items(&page("").await.ok()).len(),
        10,
        "limit defaults to 10"
    );
    assert_eq!(items(&page("limit=1").await.ok()).len(), 1);
    assert_eq!(items(&page("limit=500").await.ok()).len(), 12);
    assert_eq!(items(&page("limit=5&offset=10").await.ok()).len(), 2);
    assert_eq!(items(&page("offset=12").await.ok()).len(), 0);
    let all = ids(&page("limit=12").await.ok());
    let second = ids(&page("limit=4&offset=4").await.ok());
    assert_eq!(second, all[4..8]);
    // Every window, in both directions: pages near the end are walked to from the end.
    let ascending = ids(&p.get("/users?limit=12&order_by=created_at").await.ok());
    let reversed: Vec<String> = all.iter().rev().cloned().collect();
    assert_eq!(ascending, reversed);
    for offset in 0..=13 {
        for limit in [1, 3, 5] {
            let window = |list: &[String]| -> Vec<String> {
                list.iter().skip(offset).take(limit).cloned().collect()
            };
            let q = format!("/users?limit={limit}&offset={offset}");
            assert_eq!(ids(&p.get(&q).await.ok()), window(&all), "{q}");
            let q = format!("{q}&order_by=created_at");
            assert_eq!(ids(&p.get(&q).await.ok()), window(&ascending), "{q}");
        }
    }
    // A `limit` outside 1..=500 reads as the default: on Clerk, `limit=501` answered 10 rows
    // and no error (github.com/clerk/clerk-sdk-python issue 166).
    for out_of_range in ["limit=0", "limit=501", "limit=-1", "limit=100000"] {
        assert_eq!(
            items(&page(out_of_range).await.ok()).len(),
            10,
            "{out_of_range}"
        );
    }
    let e = page("offset=-1").await;
    assert_eq!(
        e.err(400, "invalid_query_parameter_value")["long_message"],
        "-1 does not match one of the allowed values for parameter offset"
    );
    for unparsable in ["limit=ten", "offset=x"] {
        page(unparsable)
            .await
            .err(400, "malformed_request_parameters");
    }
}

async fn p_with(n: usize) -> Emu {
    let emu = Emu::start().await;
    for i in 0..n {
        emu.post(
            "/users",
            json!({"email_address": [format!("u{i:02}@example.com")], "created_at": format!("2020-01-{:02}T00:00:00Z", i + 1)}),
        )
        .await
        .ok();
    }
    emu
}

#[tokio::test]
async fn every_user_filter() {
    let p = people().await;
    let (ada, grace, linus) = (p.id("ada"), p.id("grace"), p.id("linus"));
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("email_address=ada@example.com".into(), vec!["ada"]),
        // Addresses match case-insensitively; unknown values are ignored.
        (
            "email_address=GRACE@example.COM&email_address=nobody@example.com".into(),
            vec!["grace"],
        ),
        (
            "email_address=ada@example.com&email_address=linus@example.org".into(),
            vec!["ada", "linus"],
        ),
        (format!("phone_number={}", enc("+15555550101")), vec!["ada"]),
        ("external_id=ext-2".into(), vec!["grace"]),
        (format!("external_id={}", enc("+ext-1")), vec!["ada"]),
        ("external_id=-ext-1".into(), vec!["grace", "linus"]),
        ("username=ADA_L&username=linus".into(), vec!["ada", "linus"]),
        (
            format!("web3_wallet={}", ADA_WALLET.to_lowercase()),
            vec!["ada"],
        ),
        (
            format!("user_id={ada}&user_id={linus}"),
            vec!["ada", "linus"],
        ),
        (format!("user_id=-{ada}"), vec!["grace", "linus"]),
        (
            format!("user_id={}&user_id=-{grace}", enc(&format!("+{grace}"))),
            vec![],
        ),
        (format!("organization_id={}", p.org), vec!["ada", "grace"]),
        (format!("organization_id=-{}", p.org), vec!["linus"]),
        ("query=lovelace".into(), vec!["ada"]),
        ("query=5550102".into(), vec!["grace"]),
        ("query=example".into(), vec!["ada", "grace", "linus"]),
        (
            format!("query={}", &linus[linus.len() - 10..]),
            vec!["linus"],
        ),
        ("query=ABCDEF0123".into(), vec!["ada"]),
        (
            "email_address_query=EXAMPLE.COM".into(),
            vec!["ada", "grace"],
        ),
        ("phone_number_query=0101".into(), vec!["ada"]),
        ("username_query=GRACE".into(), vec!["grace"]),
        ("name_query=ada%20love".into(), vec!["ada"]),
        ("name_query=TORV".into(), vec!["linus"]),
        ("banned=true".into(), vec!["grace"]),
        ("banned=false".into(), vec!["ada", "linus"]),
        // 2021-01-01T00:00:00Z is 1609459200000 ms; bounds are strict.
        ("created_at_after=1609459200000".into(), vec!["linus"]),
        ("created_at_before=1609459200000".into(), vec!["ada"]),
        (
            "created_at_after=1577836800000&created_at_before=1640995200001".into(),
            vec!["grace", "linus"],
        ),
        // Filters combine with AND.
        (
            "email_address_query=example&banned=false".into(),
            vec!["ada", "linus"],
        ),
        // Empty values read as absent, as Clerk's SDKs send them.
        (
            "query=&email_address=".into(),
            vec!["ada", "grace", "linus"],
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(p.set(&query).await, expected, "{query}");
    }
}

#[tokio::test]
async fn bad_filter_values_are_refused() {
    let p = people().await;
    // Values that do not parse as their type: Clerk's MalformedRequestParameters.
    for query in [
        "banned=yes",
        "created_at_after=yesterday",
        "last_active_at_before=1.5",
    ] {
        for path in ["/users", "/users/count"] {
            let r = p.emu.get(&format!("{path}?{query}")).await;
            r.err(400, "malformed_request_parameters");
        }
    }
    let too_many: String = (0..101).map(|i| format!("user_id=u{i}&")).collect();
    p.emu
        .get(&format!("/users?{too_many}"))
        .await
        .err(400, "invalid_query_parameter_value");
    // `provider` and `provider_user_id` go together.
    let r = p.emu.get("/users?provider=oauth_google").await;
    assert_eq!(
        r.err(422, "form_conditional_param_missing")["meta"]["param_name"],
        "provider_user_id"
    );
    p.emu
        .get("/users/count?provider_user_id=1")
        .await
        .err(422, "form_conditional_param_missing");
}

/// Activity, sign-ins and external accounts cannot be set through the Backend API: a seed
/// file sets them.
async fn seeded_activity() -> (Emu, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    let user = |i: u32, active: Option<i64>, signed: Option<i64>, google: Option<&str>| {
        let mut u = json!({
            "email_address": [format!("s{i}@example.com")],
            "created_at": format!("202{i}-01-01T00:00:00Z"),
        });
        if let Some(a) = active {
            u["last_active_at"] = json!(a);
        }
        if let Some(s) = signed {
            u["last_sign_in_at"] = json!(s);
        }
        if let Some(g) = google {
            u["external_accounts"] = json!([{"provider": "oauth_google", "provider_user_id": g}]);
        }
        u
    };
    let body = json!({"users": [
        user(0, Some(1_000), Some(5_000), Some("g-100")),
        user(1, Some(2_000), None, None),
        user(2, None, Some(3_000), Some("g-200")),
    ]});
    std::fs::write(&seed, body.to_string()).unwrap();
    let emu = Emu::with(clerk_emulator::Config {
        seed: Some(seed),
        ..Default::default()
    })
    .await;
    let all = ids(&emu.get("/users?order_by=created_at").await.ok());
    assert_eq!(all.len(), 3);
    (emu, all)
}

/// The users at these positions (of a list in creation order).
fn sel(all: &[String], at: &[usize]) -> Vec<String> {
    at.iter().map(|i| all[*i].clone()).collect()
}

/// `GET /users?{q}` and `GET /users/count?{q}` find exactly the users at `at` (creation order).
async fn check(emu: &Emu, q: &str, at: &[usize]) {
    let all = ids(&emu.get("/users?order_by=created_at").await.ok());
    let mut got = ids(&emu.get(&format!("/users?{q}")).await.ok());
    got.sort();
    let mut want = sel(&all, at);
    want.sort();
    assert_eq!(got, want, "{q}");
    assert_eq!(
        emu.user_count(&format!("?{q}")).await as usize,
        want.len(),
        "{q}"
    );
}

#[tokio::test]
async fn activity_sign_in_and_provider_filters() {
    let (emu, u) = seeded_activity().await;
    check(&emu, "last_active_at_before=1500", &[0]).await;
    check(&emu, "last_active_at_after=1000", &[1]).await;
    check(&emu, "last_active_at_since=999", &[0, 1]).await;
    check(&emu, "last_sign_in_at_before=5000", &[2]).await;
    check(&emu, "last_sign_in_at_after=3000", &[0]).await;
    check(&emu, "provider=oauth_google&provider_user_id=g-200", &[2]).await;
    check(
        &emu,
        "provider=oauth_google&provider_user_id=g-100&provider_user_id=g-200",
        &[0, 2],
    )
    .await;
    check(&emu, "provider=oauth_github&provider_user_id=g-100", &[]).await;
    // Users the seed gave activity to keep it in their answers.
    let first = emu.get(&format!("/users/{}", u[0])).await.ok();
    assert_eq!(first["last_active_at"], 1000);
    assert_eq!(first["last_sign_in_at"], 5000);
    assert_eq!(first["external_accounts"][0]["provider_user_id"], "g-100");
}

#[tokio::test]
async fn order_by_activity_puts_nulls_last_ascending() {
    let (emu, u) = seeded_activity().await;
    let order = |q: &'static str| {
        let emu = &emu;
        async move { ids(&emu.get(&format!("/users?order_by={q}")).await.ok()) }
    };
    assert_eq!(order("last_active_at").await, sel(&u, &[0, 1, 2]));
    assert_eq!(order("-last_active_at").await, sel(&u, &[2, 1, 0]));
    assert_eq!(order("%2Blast_sign_in_at").await, sel(&u, &[2, 0, 1]));
    assert_eq!(order("-last_sign_in_at").await, sel(&u, &[1, 0, 2]));
}

#[tokio::test]
async fn order_by_every_field_and_direction() {
    let emu = Emu::start().await;
    // Names chosen so that each field sorts the three differently.
    let specs = [
        (
            "b",
            "bea@x.io",
            "+15555550003",
            "0x3",
            "Zed",
            "Adams",
            "bea_user",
            "2020",
        ),
        (
            "c",
            "Cal@x.io",
            "+15555550001",
            "0x1",
            "amy",
            "Young",
            "aaron",
            "2021",
        ),
        (
            "a",
            "al@x.io",
            "+15555550002",
            "0x2",
            "Bob",
            "miller",
            "Zoe_z",
            "2022",
        ),
    ];
    let mut names = HashMap::new();
    for (n, email, phone, wallet, first, last, username, year) in specs {
        let wallet = format!("0x{}{}", "0".repeat(39), &wallet[2..]);
        let u = emu
            .post(
                "/users",
                json!({
                    "email_address": [email], "phone_number": [phone], "web3_wallet": [wallet],
                    "first_name": first, "last_name": last, "username": username,
                    "created_at": format!("{year}-06-01T00:00:00Z")
                }),
            )
            .await
            .ok();
        names.insert(id(&u), n);
    }
    let order = |q: String| {
        let emu = &emu;
        let names = &names;
        async move {
            ids(&emu.get(&format!("/users?order_by={q}")).await.ok())
                .iter()
                .map(|i| names[i])
                .collect::<String>()
        }
    };
    // field -> ascending order (case-insensitive for text)
    for (field, asc) in [
        ("created_at", "bca"),
        ("email_address", "abc"),
        ("phone_number", "cab"),
        ("web3wallet", "cab"),
        ("first_name", "cab"),
        ("last_name", "bac"),
        ("username", "cba"),
    ] {
        let desc: String = asc.chars().rev().collect();
        assert_eq!(order(field.to_owned()).await, asc, "{field}");
        assert_eq!(order(format!("%2B{field}")).await, asc, "+{field}");
        assert_eq!(order(format!("-{field}")).await, desc, "-{field}");
    }
    assert_eq!(order(String::new()).await, "acb", "default is -created_at");
    // Only the first order_by counts.
    assert_eq!(
        order("first_name&order_by=-first_name".to_owned()).await,
        "cab"
    );
    // updated_at: the order follows the stored values (writes may share a millisecond).
    let last = emu.get("/users?order_by=created_at&limit=1").await.ok();
    let b = id(&items(&last)[0]);
    emu.patch(&format!("/users/{b}"), json!({"first_name": "Bea"}))
        .await
        .ok();
    for (q, desc) in [("updated_at", false), ("-updated_at", true)] {
        let list = emu.get(&format!("/users?order_by={q}")).await.ok();
        let stamps: Vec<i64> = items(&list)
            .iter()
            .map(|u| u["updated_at"].as_i64().unwrap())
            .collect();
        let mut sorted = stamps.clone();
        sorted.sort();
        if desc {
            sorted.reverse();
        }
        assert_eq!(stamps, sorted, "{q}");
    }
    emu.get("/users?order_by=password")
        .await
        .err(400, "invalid_query_parameter_value");
    emu.get("/users?order_by=-")
        .await
        .err(400, "invalid_query_parameter_value");
}

#[tokio::test]
async fn starting_after_walks_by_creation() {
    let emu = p_with(5).await;
    let all = ids(&emu.get("/users?order_by=created_at").await.ok());
    let page = |q: String| {
        let emu = &emu;
        async move { ids(&emu.get(&format!("/users?limit=2&{q}")).await.ok()) }
    };
    // Newest first by default: 4,3 then 2,1 then 0.
    assert_eq!(page(String::new()).await, sel(&all, &[4, 3]));
    assert_eq!(
        page(format!("starting_after={}", all[3])).await,
        sel(&all, &[2, 1])
    );
    assert_eq!(
        page(format!("starting_after={}", all[1])).await,
        sel(&all, &[0])
    );
    assert!(page(format!("starting_after={}", all[0])).await.is_empty());
    // Ascending: the cursor walks forward.
    for order in ["created_at", "%2Bcreated_at"] {
        assert_eq!(
            page(format!("order_by={order}&starting_after={}", all[1])).await,
            sel(&all, &[2, 3])
        );
    }
    assert_eq!(
        page(format!(
            "order_by=-created_at&starting_after={}&offset=0",
            all[4]
        ))
        .await,
        sel(&all, &[3, 2])
    );
    // Filters apply after the cursor.
    assert_eq!(
        page(format!(
            "starting_after={}&email_address=u01@example.com&email_address=u03@example.com",
            all[4]
        ))
        .await,
        sel(&all, &[3, 1])
    );
    // A cursor naming a user deleted mid-walk still works.
    emu.delete(&format!("/users/{}", all[2])).await.ok();
    assert_eq!(
        page(format!("starting_after={}", all[2])).await,
        sel(&all, &[1, 0])
    );
}

#[tokio::test]
async fn starting_after_refuses_other_orders_offsets_and_unknown_users() {
    let emu = p_with(3).await;
    let any = ids(&emu.get("/users").await.ok())[0].clone();
    let r = emu
        .get(&format!("/users?starting_after={any}&order_by=first_name"))
        .await;
    assert_eq!(
        r.err(422, "form_conditional_param_disallowed")["meta"]["param_name"],
        "starting_after"
    );
    let r = emu
        .get(&format!("/users?starting_after={any}&offset=1"))
        .await;
    assert_eq!(
        r.err(422, "form_conditional_param_disallowed")["meta"]["param_name"],
        "offset"
    );
    let r = emu
        .get("/users?starting_after=user_2xhFjEI5X2qWRvtV13BzSj8H6Dk")
        .await;
    assert_eq!(
        r.err(422, "form_resource_not_found")["meta"]["param_name"],
        "starting_after"
    );
}

#[tokio::test]
async fn created_users_look_like_clerks() {
    let emu = Emu::start().await;
    let before = clerk_emulator::now_ms();
    let u = emu
        .post(
            "/users",
            json!({
                "email_address": ["ada@example.com", "ada@work.example.com"],
                "phone_number": ["+15555550100"],
                "password": "correct horse battery",
                "public_metadata": {"a": 1}, "private_metadata": {"b": 2}, "unsafe_metadata": {"c": 3},
                "legal_accepted_at": "2012-10-20T07:15:20.902Z"
            }),
        )
        .await
        .ok();
    let uid = id(&u);
    assert!(is_clerk_id(&uid, "user"), "{uid}");
    assert_eq!(u["object"], "user");
    let emails = u["email_addresses"].as_array().unwrap();
    assert_eq!(emails.len(), 2);
    for e in emails {
        assert!(is_clerk_id(e["id"].as_str().unwrap(), "idn"), "{e}");
        assert_eq!(e["verification"]["object"], "verification_admin");
        assert_eq!(e["verification"]["status"], "verified");
    }
    assert_eq!(
        u["primary_email_address_id"], emails[0]["id"],
        "the first address is primary"
    );
    assert_eq!(u["primary_phone_number_id"], u["phone_numbers"][0]["id"]);
    assert_eq!(u["password_enabled"], true);
    assert_eq!(u["legal_accepted_at"], 1_350_717_320_902_i64);
    assert_eq!(u["public_metadata"], json!({"a": 1}));
    assert_eq!(u["private_metadata"], json!({"b": 2}));
    assert_eq!(u["unsafe_metadata"], json!({"c": 3}));
    // Unix milliseconds, taken while the request was served.
    let created = u["created_at"].as_i64().unwrap();
    let after = clerk_emulator::now_ms();
    assert!(
        (before..=after).contains(&created),
        "{before} <= {created} <= {after}"
    );
    // What was answered is what is stored.
    assert_eq!(emu.get(&format!("/users/{uid}")).await.ok(), u);

    // Reserved addresses are not verified and not primary.
    let r = emu
        .post(
            "/users",
            json!({"email_address": ["r@example.com"], "email_address_identification_status": ["reserved"]}),
        )
        .await
        .ok();
    assert_eq!(r["email_addresses"][0]["reserved"], true);
    assert_eq!(r["email_addresses"][0]["verification"], Value::Null);
}

pub fn is_clerk_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('_'))
        .is_some_and(|body| body.len() == 27 && body.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[tokio::test]
async fn identifiers_are_unique_per_instance() {
    let emu = Emu::start().await;
    emu.user(
        "ada@example.com",
        json!({"username": "ada_l", "external_id": "ext-1", "phone_number": ["+15555550100"],
               "web3_wallet": [ADA_WALLET]}),
    )
    .await;
    let before = emu.user_count("").await;
    for (body, param) in [
        (
            json!({"email_address": ["ADA@example.com"]}),
            "email_address",
        ),
        (
            json!({"email_address": ["x@example.com"], "username": "ADA_L"}),
            "username",
        ),
        (
            json!({"email_address": ["x@example.com"], "external_id": "ext-1"}),
            "external_id",
        ),
        (json!({"phone_number": ["+15555550100"]}), "phone_number"),
        (
            json!({"web3_wallet": [ADA_WALLET.to_lowercase()]}),
            "web3_wallet",
        ),
        (
            json!({"email_address": ["same@example.com", "Same@example.com"]}),
            "email_address",
        ),
    ] {
        let r = emu.post("/users", body.clone()).await;
        assert_eq!(
            r.err(422, "form_identifier_exists")["meta"]["param_name"],
            param,
            "{body}"
        );
    }
    assert_eq!(emu.user_count("").await, before, "nothing stored");

    // Updates: taking another user's username or external ID is refused; keeping one's own is not.
    let grace = emu
        .user("grace@example.com", json!({"username": "grace_h"}))
        .await;
    let g = id(&grace);
    for (body, param) in [
        (json!({"username": "ada_l"}), "username"),
        (json!({"external_id": "ext-1"}), "external_id"),
    ] {
        let r = emu.patch(&format!("/users/{g}"), body).await;
        assert_eq!(
            r.err(422, "form_identifier_exists")["meta"]["param_name"],
            param
        );
    }
    let same = emu
        .patch(
            &format!("/users/{g}"),
            json!({"username": "grace_h", "external_id": "ext-2"}),
        )
        .await
        .ok();
    assert_eq!(same["username"], "grace_h");
    // A deleted user's identifiers are free again.
    let ada = ids(&emu.get("/users?email_address=ada@example.com").await.ok())[0].clone();
    emu.delete(&format!("/users/{ada}")).await.ok();
    emu.user(
        "ada@example.com",
        json!({"username": "ada_l", "external_id": "ext-1"}),
    )
    .await;
}

#[tokio::test]
async fn create_checks_formats_and_requirements() {
    let emu = Emu::start().await;
    for (body, status, code, param) in [
        (
            json!({"email_address": ["not-an-email"]}),
            422,
            "form_param_format_invalid",
            "email_address",
        ),
        (
            json!({"phone_number": ["555-0100"]}),
            422,
            "form_param_format_invalid",
            "phone_number",
        ),
        (
            json!({"web3_wallet": ["0x12"]}),
            422,
            "form_param_format_invalid",
            "web3_wallet",
        ),
        (
            json!({"username": "ab"}),
            422,
            "form_username_invalid_length",
            "username",
        ),
        (
            json!({"email_address": ["a@b.co"], "password": "short"}),
            422,
            "form_password_length_too_short",
            "password",
        ),
        (
            json!({"email_address": ["a@b.co"], "password": "password123"}),
            422,
            "form_password_pwned",
            "password",
        ),
        (
            json!({"email_address": ["a@b.co"], "email_address_identification_status": ["verified", "reserved"]}),
            422,
            "form_param_value_invalid",
            "email_address_identification_status",
        ),
        (
            json!({"email_address": ["a@b.co"], "email_address_identification_status": ["pending"]}),
            422,
            "form_param_value_invalid",
            "email_address_identification_status",
        ),
        (
            json!({"email_address": ["a@b.co"], "created_at": "yesterday"}),
            422,
            "form_param_invalid_time",
            "created_at",
        ),
        (
            json!({"email_address": ["a@b.co"], "password_digest": "$2a$x", "password_hasher": "rot13"}),
            422,
            "form_param_value_invalid",
            "password_hasher",
        ),
        (
            json!({"email_address": ["a@b.co"], "password_digest": "$2a$x"}),
            422,
            "form_conditional_param_missing",
            "password_hasher",
        ),
        (
            json!({"first_name": "Nobody"}),
            422,
            "form_data_missing",
            "",
        ),
    ] {
        let r = emu.post("/users", body.clone()).await;
        let e = r.err(status, code);
        assert_eq!(
            e["meta"]["param_name"].as_str().unwrap_or(""),
            param,
            "{body}"
        );
    }
    assert_eq!(emu.user_count("").await, 0, "nothing stored");
    // Checks may be skipped as Clerk allows.
    emu.post(
        "/users",
        json!({"skip_user_requirement": true, "first_name": "Ghost"}),
    )
    .await
    .ok();
    let u = emu
        .post(
            "/users",
            json!({"username": "pw_user", "password": "short", "skip_password_checks": true}),
        )
        .await
        .ok();
    assert_eq!(u["password_enabled"], true);
    let u = emu
        .post(
            "/users",
            json!({"username": "digest_user", "password_digest": "5f4dcc3b5aa765d61d8327deb882cf99", "password_hasher": "md5"}),
        )
        .await
        .ok();
    assert_eq!(u["password_enabled"], true);
}

#[tokio::test]
async fn update_changes_what_it_is_given() {
    let emu = Emu::start().await;
    let u = emu
        .user(
            "ada@example.com",
            json!({"email_address": ["ada@example.com", "ada@work.example.com"], "username": "ada_l",
                   "external_id": "ext-1", "first_name": "Ada", "last_name": "Lovelace"}),
        )
        .await;
    let uid = id(&u);
    let second = u["email_addresses"][1]["id"].clone();
    let updated = emu
        .patch(
            &format!("/users/{uid}"),
            json!({"first_name": null, "username": "", "external_id": null,
                   "primary_email_address_id": second, "delete_self_enabled": false,
                   "create_organizations_limit": 3}),
        )
        .await
        .ok();
    assert_eq!(updated["first_name"], Value::Null);
    assert_eq!(
        updated["last_name"], "Lovelace",
        "fields left out are unchanged"
    );
    assert_eq!(
        updated["username"],
        Value::Null,
        "an empty username removes it"
    );
    assert_eq!(updated["external_id"], Value::Null);
    assert_eq!(updated["primary_email_address_id"], second);
    assert_eq!(updated["delete_self_enabled"], false);
    assert_eq!(updated["create_organizations_limit"], 3);
    assert!(updated["updated_at"].as_i64() >= u["updated_at"].as_i64());
    assert_eq!(emu.get(&format!("/users/{uid}")).await.ok(), updated);
    // The freed username can be taken by someone else.
    emu.user("other@example.com", json!({"username": "ada_l"}))
        .await;

    // Refused updates change nothing.
    for (body, status, code) in [
        (
            json!({"primary_email_address_id": "idn_2xhFjEI5X2qWRvtV13BzSj8H6Dk"}),
            422,
            "form_resource_not_found",
        ),
        (
            json!({"skip_password_checks": true}),
            422,
            "form_conditional_param_missing",
        ),
        (
            json!({"password": "short"}),
            422,
            "form_password_length_too_short",
        ),
        (
            json!({"first_name": "X", "username": 7}),
            422,
            "form_param_value_invalid",
        ),
        (
            json!({"first_name": "X", "made_up": 1}),
            422,
            "form_param_unknown",
        ),
        (json!(["first_name"]), 400, "request_body_invalid"),
    ] {
        emu.patch(&format!("/users/{uid}"), body.clone())
            .await
            .err(status, code);
    }
    assert_eq!(emu.get(&format!("/users/{uid}")).await.ok(), updated);
    emu.patch(
        "/users/user_2xhFjEI5X2qWRvtV13BzSj8H6Dk",
        json!({"first_name": "X"}),
    )
    .await
    .err(404, "resource_not_found");
}

#[tokio::test]
async fn patch_metadata_deep_merges_and_null_deletes_at_any_depth() {
    let emu = Emu::start().await;
    let uid = id(&emu
        .user(
            "ada@example.com",
            json!({"public_metadata": {"a": {"b": 1, "c": {"d": 2, "e": 3}}, "keep": true, "gone": 1, "tags": [1, 2]},
                   "private_metadata": {"p": 1}, "unsafe_metadata": {"u": 1}}),
        )
        .await);
    let u = emu
        .patch(
            &format!("/users/{uid}/metadata"),
            json!({"public_metadata": {"a": {"c": {"d": null, "f": 4}}, "gone": null, "tags": [3],
                                       "new": {"n": null, "m": 1}}}),
        )
        .await
        .ok();
    assert_eq!(
        u["public_metadata"],
        json!({"a": {"b": 1, "c": {"e": 3, "f": 4}}, "keep": true, "tags": [3], "new": {"m": 1}})
    );
    assert_eq!(
        u["private_metadata"],
        json!({"p": 1}),
        "fields left out are untouched"
    );
    assert_eq!(u["unsafe_metadata"], json!({"u": 1}));
    // No body at all is allowed for users and changes nothing.
    let same = emu
        .req(reqwest::Method::PATCH, &format!("/users/{uid}/metadata"))
        .send()
        .await
        .ok();
    assert_eq!(same["public_metadata"], u["public_metadata"]);
    let both = emu
        .patch(
            &format!("/users/{uid}/metadata"),
            json!({"private_metadata": {"q": {"r": 1}}, "unsafe_metadata": {"u": null}}),
        )
        .await
        .ok();
    assert_eq!(both["private_metadata"], json!({"p": 1, "q": {"r": 1}}));
    assert_eq!(both["unsafe_metadata"], json!({}));
}

#[tokio::test]
async fn put_metadata_replaces_each_field_sent() {
    let emu = Emu::start().await;
    let uid = id(&emu
        .user(
            "ada@example.com",
            json!({"public_metadata": {"a": {"b": 1}, "z": 1}, "private_metadata": {"p": 1}, "unsafe_metadata": {"u": 1}}),
        )
        .await);
    let u = emu
        .put(
            &format!("/users/{uid}/metadata"),
            json!({"public_metadata": {"a": {"c": 2}}, "unsafe_metadata": {}}),
        )
        .await
        .ok();
    assert_eq!(
        u["public_metadata"],
        json!({"a": {"c": 2}}),
        "no merge at any level"
    );
    assert_eq!(
        u["private_metadata"],
        json!({"p": 1}),
        "fields left out are untouched"
    );
    assert_eq!(u["unsafe_metadata"], json!({}));
    // `null` "overwrite[s] the field with a JSON `null` value" (clerk-typedoc
    // replace-user-metadata.mdx), and it stays null until set again.
    let u = emu
        .put(
            &format!("/users/{uid}/metadata"),
            json!({"private_metadata": null, "unsafe_metadata": null}),
        )
        .await
        .ok();
    assert_eq!(u["private_metadata"], Value::Null);
    assert_eq!(u["unsafe_metadata"], Value::Null);
    assert_eq!(u["public_metadata"], json!({"a": {"c": 2}}));
    let again = emu.get(&format!("/users/{uid}")).await.ok();
    assert_eq!(again["private_metadata"], Value::Null);
    let u = emu
        .patch(
            &format!("/users/{uid}/metadata"),
            json!({"private_metadata": {"back": true}}),
        )
        .await
        .ok();
    assert_eq!(u["private_metadata"], json!({"back": true}));
    assert_eq!(u["unsafe_metadata"], Value::Null);
}

#[tokio::test]
async fn metadata_is_limited_to_8_kb_per_field() {
    let emu = Emu::start().await;
    let uid = id(&emu.user("ada@example.com", json!({})).await);
    // {"k":"..."} is 8 bytes plus the string: exactly 8192 bytes is allowed.
    let exactly = json!({"k": "x".repeat(8192 - 8)});
    assert_eq!(serde_json::to_vec(&exactly).unwrap().len(), 8192);
    let over = json!({"k": "x".repeat(8192 - 7)});
    for field in ["public_metadata", "private_metadata", "unsafe_metadata"] {
        emu.put(&format!("/users/{uid}/metadata"), json!({field: exactly}))
            .await
            .ok();
        let r = emu
            .put(&format!("/users/{uid}/metadata"), json!({field: over}))
            .await;
        let e = r.err(422, "form_param_exceeds_allowed_size");
        assert_eq!(e["meta"]["param_name"], field);
        assert_eq!(
            e["long_message"],
            format!("The given {field} exceeds the maximum allowed size of 8192 bytes (8 KB).")
        );
    }
    // A merge whose result is too large is refused, and nothing is stored.
    let before = emu.get(&format!("/users/{uid}")).await.ok();
    emu.patch(
        &format!("/users/{uid}/metadata"),
        json!({"public_metadata": {"more": "y"}}),
    )
    .await
    .err(422, "form_param_exceeds_allowed_size");
    assert_eq!(emu.get(&format!("/users/{uid}")).await.ok(), before);
    // Creating with oversized metadata stores no user.
    emu.post(
        "/users",
        json!({"email_address": ["big@example.com"], "unsafe_metadata": over}),
    )
    .await
    .err(422, "form_param_exceeds_allowed_size");
    assert_eq!(emu.user_count("").await, 1);
}

#[tokio::test]
async fn ban_unban_lock_unlock() {
    let emu = Emu::start().await;
    let a = emu.user_id("a@example.com").await;
    let b = emu.user_id("b@example.com").await;
    let u = emu.post_empty(&format!("/users/{a}/ban")).await.ok();
    assert_eq!(u["banned"], true);
    assert_eq!(emu.user_count("?banned=true").await, 1);
    let u = emu.post_empty(&format!("/users/{a}/unban")).await.ok();
    assert_eq!(u["banned"], false);
    let u = emu.post_empty(&format!("/users/{a}/lock")).await.ok();
    assert_eq!(u["locked"], true);
    assert_eq!(emu.get(&format!("/users/{a}")).await.ok()["locked"], true);
    let u = emu.post_empty(&format!("/users/{a}/unlock")).await.ok();
    assert_eq!(u["locked"], false);

    // Bulk: IDs of no user are skipped; the answer is a bare array of the users changed.
    let ghost = "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk";
    let list = emu
        .post("/users/ban", json!({"user_ids": [a, b, ghost]}))
        .await
        .ok();
    assert!(list.is_array());
    let mut banned = ids(&list);
    banned.sort();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(banned, want);
    assert!(items(&list).iter().all(|u| u["banned"] == true));
    assert_eq!(emu.user_count("?banned=true").await, 2);
    // A repeated ID changes (and answers) its user once.
    let list = emu
        .post("/users/unban", json!({"user_ids": [b, b]}))
        .await
        .ok();
    assert_eq!(ids(&list), vec![b.clone()]);
    assert_eq!(list[0]["banned"], false);
    assert_eq!(emu.user_count("?banned=true").await, 1);

    let fifty_one: Vec<String> = (0..51).map(|i| format!("user_{i}")).collect();
    for (body, code) in [
        (
            json!({"user_ids": fifty_one}),
            "form_param_array_size_exceeded",
        ),
        (json!({"user_ids": []}), "form_param_missing"),
        (json!({}), "form_param_missing"),
        (json!({"user_ids": "user_1"}), "form_param_value_invalid"),
    ] {
        emu.post("/users/ban", body).await.err(422, code);
    }
    assert_eq!(emu.user_count("?banned=true").await, 1);
}

#[tokio::test]
async fn deleting_a_user_removes_their_memberships() {
    let emu = Emu::start().await;
    let ada = emu.user_id("ada@example.com").await;
    let grace = emu.user_id("grace@example.com").await;
    let o1 = id(&emu.org("One", json!({"created_by": ada})).await);
    let o2 = emu.org_id("Two").await;
    emu.member(&o1, &grace, "org:member").await;
    emu.member(&o2, &grace, "org:admin").await;
    let count = |o: String| {
        let emu = &emu;
        async move {
            emu.get(&format!("/organizations/{o}?include_members_count=true"))
                .await
                .ok()["members_count"]
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(count(o1.clone()).await, 2);
    let deleted = emu.delete(&format!("/users/{grace}")).await.ok();
    assert_eq!(
        deleted,
        json!({"object": "user", "id": grace, "deleted": true})
    );
    assert_eq!(count(o1.clone()).await, 1);
    assert_eq!(count(o2.clone()).await, 0);
    let members = emu
        .get(&format!("/organizations/{o1}/memberships"))
        .await
        .ok();
    assert_eq!(members["total_count"], 1);
    assert_eq!(members["data"][0]["public_user_data"]["user_id"], ada);
    let all = emu.get("/organization_memberships").await.ok();
    assert_eq!(all["total_count"], 1);
    emu.get(&format!("/users/{grace}"))
        .await
        .err(404, "resource_not_found");
    emu.get(&format!("/users/{grace}/organization_memberships"))
        .await
        .err(404, "resource_not_found");
    assert_eq!(emu.user_count("").await, 1);
    // The deleted object carries the external ID when there was one.
    let x = id(&emu
        .user("x@example.com", json!({"external_id": "ext-x"}))
        .await);
    assert_eq!(
        emu.delete(&format!("/users/{x}")).await.ok(),
        json!({"object": "user", "id": x, "external_id": "ext-x", "deleted": true})
    );
}
