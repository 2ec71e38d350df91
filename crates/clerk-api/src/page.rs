//! Clerk's two list shapes, one page type, and streams of every item.

use futures::StreamExt;
use futures::stream::BoxStream;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{Error, Result};
use crate::request::{Operation, Paging, Request, decode_json};

/// One page of a list: `GET /users` answers a bare array (no total); every other list answers
/// `{"data": [...], "total_count": N}`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's items.
    pub data: Vec<T>,
    /// How many items match in all, when Clerk says (`None` for `GET /users`: ask
    /// [`crate::resources::Users::count`]).
    pub total_count: Option<u64>,
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: Vec<T>,
    #[serde(default)]
    total_count: Option<u64>,
}

impl<T: DeserializeOwned> Page<T> {
    /// Reads either shape.
    pub fn decode(bytes: &[u8]) -> Result<Page<T>> {
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first == Some(&b'[') {
            let data: Vec<T> = decode_json(bytes)?;
            Ok(Page {
                data,
                total_count: None,
            })
        } else {
            let env: Envelope<T> = decode_json(bytes)?;
            Ok(Page {
                data: env.data,
                total_count: env.total_count,
            })
        }
    }
}

/// A list operation whose items are `T`.
#[derive(Debug)]
pub struct List<T>(std::marker::PhantomData<T>);

impl<T: DeserializeOwned> Operation for List<T> {
    type Output = Page<T>;
    fn decode(bytes: &[u8]) -> Result<Page<T>> {
        Page::decode(bytes)
    }
}

/// Items that carry their ID (the `starting_after` cursor needs the last one's).
pub trait HasId {
    /// The item's `id`, if it has one.
    fn item_id(&self) -> Option<String>;
}

impl HasId for Value {
    fn item_id(&self) -> Option<String> {
        self.get("id").and_then(Value::as_str).map(str::to_owned)
    }
}

impl HasId for Box<RawValue> {
    fn item_id(&self) -> Option<String> {
        #[derive(Deserialize)]
        struct IdOnly {
            id: String,
        }
        serde_json::from_str::<IdOnly>(self.get())
            .ok()
            .map(|i| i.id)
    }
}

macro_rules! has_id {
    ($($t:ty),*) => {$(
        impl HasId for $t {
            fn item_id(&self) -> Option<String> {
                Some(self.id.to_string())
            }
        }
    )*};
}

has_id!(
    crate::models::User,
    crate::models::Organization,
    crate::models::OrganizationMembership,
    crate::models::OrganizationInvitation,
    crate::models::Invitation,
    crate::models::Session,
    crate::models::JwtTemplate
);

impl<'a, T: DeserializeOwned + HasId + Send + 'a> Request<'a, List<T>> {
    /// Items per page (1 to 500; Clerk's default is 10).
    pub fn limit(mut self, limit: u32) -> Self {
        self.spec.set_param("limit", limit.to_string());
        self
    }

    /// Skips this many items.
    pub fn offset(mut self, offset: u64) -> Self {
        self.spec.set_param("offset", offset.to_string());
        self
    }

    /// `created_at`, `-created_at`, `+name`, ...
    pub fn order_by(mut self, order_by: impl Into<String>) -> Self {
        self.spec.set_param("order_by", order_by.into());
        self
    }

    /// Every item, page after page, decoded as this list's model.
    pub fn stream(self) -> BoxStream<'a, Result<T>> {
        self.stream_as::<T>()
    }

    /// Every item, page after page, decoded as `U` (`serde_json::Value` or `Box<RawValue>` to
    /// keep Clerk's JSON as it came). Users page with the `starting_after` cursor, other lists
    /// with `offset`; each page is fetched when the previous one is used up.
    pub fn stream_as<U: DeserializeOwned + HasId + Send + 'a>(self) -> BoxStream<'a, Result<U>> {
        if let Err(e) = self.check() {
            return futures::stream::once(async move { Err(e) }).boxed();
        }
        let Request {
            client, mut spec, ..
        } = self;
        if spec.param("limit").is_none() {
            spec.set_param("limit", "500");
        }
        let limit: usize = spec
            .param("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(500);
        let offset: u64 = spec
            .param("offset")
            .and_then(|o| o.parse().ok())
            .unwrap_or(0);
        // Clerk takes `starting_after` only with the default order (created_at, either way);
        // any other order pages by offset.
        let by_created_at = spec
            .param("order_by")
            .is_none_or(|o| o.trim_start_matches(['+', '-']) == "created_at");
        let cursor_paging = spec.paging == Paging::Cursor && offset == 0 && by_created_at;
        let state = Cursor {
            spec,
            offset,
            done: false,
            buffered: Vec::<U>::new().into_iter(),
        };
        futures::stream::try_unfold(state, move |mut st| async move {
            loop {
                if let Some(item) = st.buffered.next() {
                    return Ok(Some((item, st)));
                }
                if st.done {
                    return Ok(None);
                }
                let bytes = client.execute(&st.spec).await?;
                let page: Page<U> = Page::decode(&bytes)?;
                let n = page.data.len();
                st.done = n < limit || page.total_count.is_some_and(|t| st.offset + n as u64 >= t);
                if !st.done {
                    if cursor_paging {
                        let last = page.data.last().and_then(HasId::item_id).ok_or_else(|| {
                            Error::Decode {
                                path: format!("[{}].id", n - 1),
                                message: "the last item of a page has no id to continue from"
                                    .into(),
                            }
                        })?;
                        st.spec.set_param("starting_after", last);
                    } else {
                        st.offset += n as u64;
                        st.spec.set_param("offset", st.offset.to_string());
                    }
                }
                st.buffered = page.data.into_iter();
            }
        })
        .boxed()
    }
}

/// Where a stream of pages stands.
struct Cursor<U> {
    spec: crate::request::RequestSpec,
    offset: u64,
    done: bool,
    buffered: std::vec::IntoIter<U>,
}

impl<'a, T: DeserializeOwned> Request<'a, List<T>> {
    /// The same list request, reading its items as `U` (for example `serde_json::Value`).
    pub fn retype<U: DeserializeOwned>(self) -> Request<'a, List<U>> {
        self.cast()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_decode() {
        let bare: Page<Value> = Page::decode(br#" [{"id":"a"},{"id":"b"}]"#).unwrap();
        assert_eq!((bare.data.len(), bare.total_count), (2, None));
        let env: Page<Value> = Page::decode(br#"{"data":[{"id":"a"}],"total_count":7}"#).unwrap();
        assert_eq!((env.data.len(), env.total_count), (1, Some(7)));
    }

    #[test]
    fn decode_errors_name_the_field() {
        let err = Page::<crate::models::User>::decode(
            br#"[{"id":"user_1"},{"id":"user_2","banned":"yes"}]"#,
        )
        .unwrap_err();
        match err {
            Error::Decode { path, .. } => assert_eq!(path, "[1].banned"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn raw_values_keep_ids() {
        let raw: Box<RawValue> =
            serde_json::from_str(r#"{"object":"user","id":"user_9","x":[1]}"#).unwrap();
        assert_eq!(raw.item_id().as_deref(), Some("user_9"));
    }
}
