//! Requests as values: an operation's method, path, query and body, which can be sent, or shown
//! (with the key masked) without sending anything.

use std::marker::PhantomData;

use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::retry::Repeat;

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
    pub method: Method,
    /// The path after the API base, e.g. `/users/user_123`.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    pub repeat: Repeat,
    pub paging: Paging,
}

impl RequestSpec {
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

    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn remove_param(&mut self, key: &str) {
        self.query.retain(|(k, _)| k != key);
    }

    /// Sets a field of the JSON object body.
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
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// What an endpoint answers, and how to read it.
pub trait Operation {
    type Output;
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
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct Request<'a, O> {
    pub(crate) client: &'a Client,
    pub(crate) spec: RequestSpec,
    _op: PhantomData<O>,
}

impl<'a, O: Operation> Request<'a, O> {
    pub(crate) fn new(client: &'a Client, spec: RequestSpec) -> Self {
        Request {
            client,
            spec,
            _op: PhantomData,
        }
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
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.spec.set_field(key, value);
        self
    }

    /// Replaces the whole body (bulk endpoints take an array).
    pub fn body(mut self, body: Value) -> Self {
        self.spec.body = Some(body);
        self
    }

    pub fn spec(&self) -> &RequestSpec {
        &self.spec
    }

    /// The request as it would be sent, with the key masked. Sends nothing.
    pub fn prepare(&self) -> PreparedRequest {
        self.client.prepare(&self.spec)
    }

    /// Sends the request and decodes the answer.
    pub async fn send(self) -> Result<O::Output> {
        let bytes = self.client.execute(&self.spec).await?;
        O::decode(&bytes)
    }

    /// Sends the request and returns Clerk's JSON exactly as it came.
    pub async fn send_json(self) -> Result<Value> {
        let bytes = self.client.execute(&self.spec).await?;
        decode_json(&bytes)
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
