//! Requests as values: an operation's method, path, query and body, which can be sent, or shown
//! (with the key masked) without sending anything.

use std::marker::PhantomData;

use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::retry::{Repeat, RetryPolicy};

/// How a list endpoint pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// Not a list.
    None,
    /// `limit` and `offset`.
    Offset,
    /// `limit` and the `starting_after` cursor (users).
    Cursor,
}

/// Everything needed to send one request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RequestSpec {
    /// The HTTP method.
    pub method: Method,
    /// The path after the API base, e.g. `/users/user_123`.
    pub path: String,
    /// Query parameters in order; a repeatable parameter appears once per value.
    pub query: Vec<(String, String)>,
    /// The JSON body, if any.
    pub body: Option<Value>,
    /// Whether the request may be sent again after a lost answer.
    pub repeat: Repeat,
    /// How the endpoint pages, for lists.
    pub paging: Paging,
    /// This request's retry policy; `None` uses the client's.
    pub retry: Option<RetryPolicy>,
    /// Whether `path` starts at the API's origin (the base without its `/v1`) rather than
    /// under `/v1`: for routes outside Clerk's versioned API, such as an emulator's own.
    pub outside_api: bool,
}

impl RequestSpec {
    /// A request with no query and no body. `POST` requests are [`Repeat::Once`] (they may
    /// create something), every other method [`Repeat::Safe`].
    pub fn new(method: Method, path: impl Into<String>) -> RequestSpec {
        let repeat = if method == Method::POST {
            Repeat::Once
        } else {
            Repeat::Safe
        };
        RequestSpec {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            repeat,
            paging: Paging::None,
            retry: None,
            outside_api: false,
        }
    }

    /// A request to a path outside Clerk's versioned API, from the API's origin: for an
    /// emulator's own routes (`/_emulator/...`), sent with the same key and guards as the rest.
    pub fn outside_api(method: Method, path: impl Into<String>) -> RequestSpec {
        RequestSpec {
            outside_api: true,
            ..RequestSpec::new(method, path)
        }
    }

    /// Sets a query parameter, replacing earlier values of it.
    pub fn set_param(&mut self, key: &str, value: impl Into<String>) {
        self.query.retain(|(k, _)| k != key);
        self.query.push((key.to_owned(), value.into()));
    }

    /// Adds a value to a repeatable query parameter.
    pub fn add_param(&mut self, key: &str, value: impl Into<String>) {
        self.query.push((key.to_owned(), value.into()));
    }

    /// The first value of a query parameter.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Removes every value of a query parameter.
    pub fn remove_param(&mut self, key: &str) {
        self.query.retain(|(k, _)| k != key);
    }

    /// Sets a field of the JSON object body (creating the object if there is no body).
    pub fn set_field(&mut self, key: &str, value: Value) {
        let body = self.body.get_or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(map) = body {
            map.insert(key.to_owned(), value);
        }
    }
}

/// A request shown instead of sent (`--dry-run`): the secret key is masked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreparedRequest {
    /// The HTTP method.
    pub method: String,
    /// The whole URL, query included.
    pub url: String,
    /// Every header, the `Authorization` one with the key masked.
    pub headers: Vec<(String, String)>,
    /// The JSON body, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// What an endpoint answers, and how to read it.
pub trait Operation {
    /// The decoded answer.
    type Output;
    /// Reads a 2xx answer's body.
    fn decode(bytes: &[u8]) -> Result<Self::Output>;
}

/// Decodes JSON into `T`, naming the field that failed.
pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        Error::Decode {
            path: if path.is_empty() || path == "." {
                "(top level)".into()
            } else {
                path
            },
            message: e.into_inner().to_string(),
        }
    })
}

/// A request to one operation, ready to be configured and sent.
///
/// Setters never fail on the spot: a value that cannot go into the request (metadata that is
/// not a JSON object, say) makes [`Request::send`] answer [`Error::Invalid`] without sending
/// anything.
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct Request<'a, O> {
    pub(crate) client: &'a Client,
    pub(crate) spec: RequestSpec,
    /// Why the request cannot be sent, if a setter was given a value it cannot use.
    pub(crate) invalid: Option<String>,
    _op: PhantomData<O>,
}

impl<'a, O> Request<'a, O> {
    pub(crate) fn new(client: &'a Client, spec: RequestSpec) -> Self {
        Request {
            client,
            spec,
            invalid: None,
            _op: PhantomData,
        }
    }

    /// The same request, answering as another operation.
    pub(crate) fn cast<P>(self) -> Request<'a, P> {
        Request {
            client: self.client,
            spec: self.spec,
            invalid: self.invalid,
            _op: PhantomData,
        }
    }

    pub(crate) fn refuse(&mut self, why: String) {
        self.invalid.get_or_insert(why);
    }

    /// Sets any query parameter (for filters this crate has no method for).
    pub fn param(mut self, key: &str, value: impl Into<String>) -> Self {
        self.spec.set_param(key, value);
        self
    }

    /// Adds a value to a repeatable query parameter (`email_address=a&email_address=b`).
    pub fn param_add(mut self, key: &str, value: impl Into<String>) -> Self {
        self.spec.add_param(key, value);
        self
    }

    /// Sets any body field by its Clerk name.
    pub fn field(mut self, key: &str, value: impl Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => self.spec.set_field(key, value),
            Err(e) => self.refuse(format!("{key}: {e}")),
        }
        self
    }

    /// Sets every field of `fields` (anything that serializes to a JSON object: a struct, a
    /// map, `serde_json::json!({...})`) on the body, over the fields set so far; the others
    /// stay. For fields this crate has no setter for, or a whole body read from elsewhere:
    ///
    /// ```no_run
    /// # async fn demo(clerk: clerk_api::Client) -> clerk_api::Result<()> {
    /// let user = clerk
    ///     .users()
    ///     .create()
    ///     .email_address(["ada@example.com"])
    ///     .body(serde_json::json!({"first_name": "Ada", "skip_password_requirement": true}))
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn body(mut self, fields: impl Serialize) -> Self {
        match serde_json::to_value(fields) {
            Ok(Value::Object(fields)) => {
                for (k, v) in fields {
                    self.spec.set_field(&k, v);
                }
            }
            Ok(other) => self.refuse(format!(
                "the body must be a JSON object of fields, not {}",
                json_kind(&other)
            )),
            Err(e) => self.refuse(format!("the body cannot be serialized: {e}")),
        }
        self
    }

    /// Sets a metadata field: `value` must serialize to a JSON object.
    pub(crate) fn metadata(mut self, key: &str, value: impl Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(v @ Value::Object(_)) => self.spec.set_field(key, v),
            Ok(other) => self.refuse(format!(
                "{key} must be a JSON object, not {}",
                json_kind(&other)
            )),
            Err(e) => self.refuse(format!("{key}: {e}")),
        }
        self
    }

    /// Retries this request by `policy` instead of the client's; [`RetryPolicy::none`] sends
    /// it once, for callers that run their own retry loop.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.spec.retry = Some(policy);
        self
    }

    /// What will be sent.
    pub fn spec(&self) -> &RequestSpec {
        &self.spec
    }

    /// The request as it would be sent, with the key masked. Sends nothing.
    pub fn prepare(&self) -> PreparedRequest {
        self.client.prepare(&self.spec)
    }

    /// The client the request goes through.
    pub fn client(&self) -> &'a Client {
        self.client
    }

    /// Whether the request can be sent: `Err(Error::Invalid)` if a setter was given a value
    /// it cannot use.
    pub fn check(&self) -> Result<()> {
        match &self.invalid {
            Some(why) => Err(Error::Invalid(why.clone())),
            None => Ok(()),
        }
    }

    /// Sends the request and returns Clerk's JSON exactly as it came.
    pub async fn send_json(self) -> Result<Value> {
        self.check()?;
        let bytes = self.client.execute(&self.spec).await?;
        decode_json(&bytes)
    }
}

impl<O: Operation> Request<'_, O> {
    /// Sends the request and decodes the answer.
    pub async fn send(self) -> Result<O::Output> {
        self.check()?;
        let bytes = self.client.execute(&self.spec).await?;
        O::decode(&bytes)
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An operation answering one `T`.
#[derive(Debug)]
pub struct One<T>(PhantomData<T>);

impl<T: DeserializeOwned> Operation for One<T> {
    type Output = T;
    fn decode(bytes: &[u8]) -> Result<T> {
        decode_json(bytes)
    }
}
