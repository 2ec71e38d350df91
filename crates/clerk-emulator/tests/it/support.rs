//! A test client for an in-process emulator.
//!
//! Every answer the client receives is checked against the vendored OpenAPI spec before a test
//! sees it (see [`crate::openapi`]): a test that drives an endpoint is also a contract test of
//! that endpoint, and a body the spec does not allow fails whichever test provoked it.

use std::time::Duration;

use clerk_emulator::{Config, Emulator, Settings};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// The key tests authenticate with; any `sk_test_` key works unless a test configures keys.
pub const KEY: &str = "sk_test_emulator_tests";

/// A running emulator and a client for it.
#[derive(Debug)]
pub struct Emu {
    pub emulator: Emulator,
    client: reqwest::Client,
}

impl Emu {
    pub async fn start() -> Emu {
        Emu::with(Config::default()).await
    }

    /// A new instance with organization slugs turned on, for tests that give organizations
    /// slugs (a new instance refuses them).
    pub async fn with_slugs() -> Emu {
        Emu::with(Config {
            settings: Settings::default().org_slugs(true),
            ..Config::default()
        })
        .await
    }

    /// No limits at all (and slugs on), for tests that make many records or many changes.
    pub async fn unlimited() -> Emu {
        let mut config = Config::default().no_limits();
        config.settings.org_slugs = true;
        Emu::with(config).await
    }

    pub async fn with(config: Config) -> Emu {
        let emulator = Emulator::start(config).await.expect("emulator starts");
        Emu::around(emulator)
    }

    /// A client for an emulator started elsewhere (for example on a shared engine).
    pub fn around(emulator: Emulator) -> Emu {
        Emu {
            emulator,
            client: client(),
        }
    }

    pub fn base_url(&self) -> String {
        self.emulator.base_url()
    }

    /// A request to `/v1{path}` (the path may carry a query string).
    pub fn req(&self, method: Method, path: &str) -> Req<'_> {
        Req {
            emu: self,
            method,
            path: path.to_owned(),
            headers: vec![("authorization".into(), format!("Bearer {KEY}"))],
            body: None,
            outside_v1: false,
        }
    }

    /// A request to one of the emulator's own routes (`/_emulator/...`, `/.well-known/...`),
    /// which are not Clerk's and so not checked against its spec.
    pub fn own(&self, method: Method, path: &str) -> Req<'_> {
        Req {
            outside_v1: true,
            ..self.req(method, path)
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.req(Method::GET, path).send().await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.req(Method::DELETE, path).send().await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.req(Method::POST, path).json(body).send().await
    }

    /// A POST without a body, as the SDKs send ban, lock and revoke.
    pub async fn post_empty(&self, path: &str) -> Resp {
        self.req(Method::POST, path).send().await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Resp {
        self.req(Method::PATCH, path).json(body).send().await
    }

    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.req(Method::PUT, path).json(body).send().await
    }

    // ---- fixtures -----------------------------------------------------------------------

    /// Creates a user with one email address; `extra` adds or overrides body fields.
    pub async fn user(&self, email: &str, extra: Value) -> Value {
        let mut body = json!({"email_address": [email]});
        merge(&mut body, extra);
        self.post("/users", body).await.ok()
    }

    pub async fn user_id(&self, email: &str) -> String {
        id(&self.user(email, json!({})).await)
    }

    pub async fn org(&self, name: &str, extra: Value) -> Value {
        let mut body = json!({"name": name});
        merge(&mut body, extra);
        self.post("/organizations", body).await.ok()
    }

    pub async fn org_id(&self, name: &str) -> String {
        id(&self.org(name, json!({})).await)
    }

    pub async fn member(&self, org: &str, user: &str, role: &str) -> Value {
        self.post(
            &format!("/organizations/{org}/memberships"),
            json!({"user_id": user, "role": role}),
        )
        .await
        .ok()
    }

    /// `GET /users/count` with a query string (`""` for none).
    pub async fn user_count(&self, query: &str) -> i64 {
        let body = self.get(&format!("/users/count{query}")).await.ok();
        assert_eq!(body["object"], "total_count");
        body["total_count"]
            .as_i64()
            .expect("total_count is an integer")
    }

    /// The instance's records: users, organizations, memberships, organization invitations
    /// and application invitations.
    pub fn counts(&self) -> [usize; 5] {
        self.emulator.engine().counts()
    }
}

/// A fresh client that keeps no idle connection: a test that drops a connection on purpose
/// must not see a pooled one retried.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(30))
        .no_proxy()
        .build()
        .expect("client builds")
}

pub fn id(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_owned()
}

/// Shallow-merges the keys of `extra` into `body`.
pub fn merge(body: &mut Value, extra: Value) {
    if let (Value::Object(b), Value::Object(e)) = (body, extra) {
        b.extend(e);
    }
}

/// IDs of the items of a list answer, bare array or `{data}`.
pub fn ids(list: &Value) -> Vec<String> {
    items(list).iter().map(id).collect()
}

pub fn items(list: &Value) -> &Vec<Value> {
    list.as_array()
        .or_else(|| list["data"].as_array())
        .unwrap_or_else(|| panic!("not a list: {list}"))
}

/// Percent-encodes a query value (`+` must travel as `%2B`).
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Debug)]
pub struct Req<'a> {
    emu: &'a Emu,
    method: Method,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    outside_v1: bool,
}

impl Req<'_> {
    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(serde_json::to_vec(&body).unwrap());
        self.header("content-type", "application/json")
    }

    /// A raw body with a content type (`None` sends no content type).
    pub fn raw(mut self, body: &[u8], content_type: Option<&str>) -> Self {
        self.body = Some(body.to_vec());
        self.headers.retain(|(k, _)| k != "content-type");
        match content_type {
            Some(ct) => self.header("content-type", ct),
            None => self,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(k, _)| k != name);
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn key(self, key: &str) -> Self {
        self.header("authorization", &format!("Bearer {key}"))
    }

    pub fn no_auth(mut self) -> Self {
        self.headers.retain(|(k, _)| k != "authorization");
        self
    }

    pub fn version(self, v: &str) -> Self {
        self.header("clerk-api-version", v)
    }

    /// Sends, panicking on a transport error; checks the answer against the spec.
    pub async fn send(self) -> Resp {
        let what = format!("{} {}", self.method, self.path);
        self.try_send()
            .await
            .unwrap_or_else(|e| panic!("{what}: transport error: {e}"))
    }

    /// Sends; a transport error (a dropped connection) is returned, not a panic.
    pub async fn try_send(self) -> Result<Resp, reqwest::Error> {
        let prefix = if self.outside_v1 { "" } else { "/v1" };
        let url = format!("{}{prefix}{}", self.emu.base_url(), self.path);
        let mut rb = self.emu.client.request(self.method.clone(), &url);
        for (k, v) in &self.headers {
            rb = rb.header(k, v);
        }
        if let Some(body) = self.body {
            rb = rb.body(body);
        }
        let resp = rb.send().await?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await?;
        let body: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "{} {}: {status} body is not JSON ({e}): {text}",
                self.method, self.path
            )
        });
        // Clerk's JS SDK decodes JSON only for exactly this content type.
        assert_eq!(
            headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "{} {}: content type",
            self.method,
            self.path
        );
        if !self.outside_v1 {
            crate::openapi::assert_answer_matches_spec(
                self.method.as_str(),
                &self.path,
                status,
                &body,
            );
        }
        Ok(Resp {
            status,
            headers,
            body,
        })
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Resp {
    /// Asserts a 200 and returns the body.
    #[track_caller]
    pub fn ok(self) -> Value {
        assert_eq!(self.status, 200, "expected 200, got {}", self.body);
        self.body
    }

    /// Asserts a Clerk error with this status and first code; returns the first error.
    #[track_caller]
    pub fn err(&self, status: u16, code: &str) -> &Value {
        assert_eq!(
            (self.status, self.codes().first().copied()),
            (status, Some(code)),
            "unexpected answer {}",
            self.body
        );
        assert!(
            self.body["clerk_trace_id"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "a Clerk error carries a trace id: {}",
            self.body
        );
        &self.body["errors"][0]
    }

    pub fn codes(&self) -> Vec<&str> {
        self.body["errors"]
            .as_array()
            .map(|es| es.iter().filter_map(|e| e["code"].as_str()).collect())
            .unwrap_or_default()
    }

    /// `meta.param_name` of every error, in order.
    pub fn params(&self) -> Vec<&str> {
        self.body["errors"]
            .as_array()
            .map(|es| {
                es.iter()
                    .map(|e| e["meta"]["param_name"].as_str().unwrap_or(""))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}
