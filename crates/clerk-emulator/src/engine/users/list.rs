//! `GET /users` and `GET /users/count`.

use crate::engine::query::{self, Query};
use crate::engine::state::State;
use crate::engine::user_filter::{USER_ORDER_FIELDS, UserFilter, sort_users};
use crate::engine::{Engine, Json, json};
use crate::error::{ApiError, ApiResult};
use crate::model::{User, users_json};

/// One page of users from an ordered walk of the creation-order index. Without filters the
/// offset is skipped on the index itself, with no user lookups for the users before the page.
fn page_of<'a>(
    walk: impl Iterator<Item = &'a (i64, String)>,
    st: &'a State,
    filter: &UserFilter,
    page: query::Page,
    out: &mut Vec<&'a User>,
) {
    if filter.is_empty() {
        out.extend(
            walk.skip(page.offset)
                .take(page.limit)
                .filter_map(|(_, id)| st.user(id)),
        );
    } else {
        out.extend(
            walk.filter_map(|(_, id)| st.user(id))
                .filter(|u| filter.matches(st, u))
                .skip(page.offset)
                .take(page.limit),
        );
    }
}

impl Engine {
    pub fn list_users(&self, pairs: &[(String, String)]) -> ApiResult<Json> {
        let q = Query::new(pairs);
        let filter = UserFilter::parse(&q, false)?;
        let page = q.page()?;
        let order = q.order_by(USER_ORDER_FIELDS, "-created_at")?;
        let cursor = q.one("starting_after");
        if cursor.is_some() {
            if order.field != "created_at" {
                return Err(ApiError::not_allowed_when(
                    "starting_after",
                    "order_by",
                    q.one("order_by").unwrap_or_default(),
                ));
            }
            if page.offset != 0 {
                return Err(ApiError::not_allowed_with("offset", "starting_after"));
            }
        }
        self.read(|st| {
            let mut out: Vec<&User> = Vec::with_capacity(page.limit);
            if order.field == "created_at" {
                // Walk the (created_at, id) index from the cursor: no sort, no full scan.
                use std::ops::Bound::{Excluded, Unbounded};
                let start = match cursor {
                    Some(c) => Some(st.user_key(c).ok_or_else(|| {
                        ApiError::form1(ApiError::resource_missing("starting_after"))
                    })?),
                    None => None,
                };
                let order_index = &st.user_order;
                match (&start, order.desc) {
                    (None, desc) if filter.is_empty() => {
                        // A plain offset page: skip from whichever end of the index is nearer.
                        let n = order_index.len();
                        let first = page.offset.min(n);
                        let last = page.offset.saturating_add(page.limit).min(n);
                        let from_front = first <= n - last;
                        let ids: Vec<&(i64, String)> = match (desc, from_front) {
                            (false, true) => {
                                order_index.iter().skip(first).take(last - first).collect()
                            }
                            (true, true) => order_index
                                .iter()
                                .rev()
                                .skip(first)
                                .take(last - first)
                                .collect(),
                            (false, false) => {
                                let mut ids: Vec<_> = order_index
                                    .iter()
                                    .rev()
                                    .skip(n - last)
                                    .take(last - first)
                                    .collect();
                                ids.reverse();
                                ids
                            }
                            (true, false) => {
                                let mut ids: Vec<_> = order_index
                                    .iter()
                                    .skip(n - last)
                                    .take(last - first)
                                    .collect();
                                ids.reverse();
                                ids
                            }
                        };
                        out.extend(ids.into_iter().filter_map(|(_, id)| st.user(id)));
                    }
                    (None, false) => page_of(order_index.iter(), st, &filter, page, &mut out),
                    (None, true) => page_of(order_index.iter().rev(), st, &filter, page, &mut out),
                    (Some(k), false) => page_of(
                        order_index.range((Excluded(k.clone()), Unbounded)),
                        st,
                        &filter,
                        page,
                        &mut out,
                    ),
                    (Some(k), true) => page_of(
                        order_index.range((Unbounded, Excluded(k.clone()))).rev(),
                        st,
                        &filter,
                        page,
                        &mut out,
                    ),
                }
            } else {
                let mut all: Vec<&User> = st
                    .users
                    .values()
                    .map(|u| &**u)
                    .filter(|u| filter.matches(st, u))
                    .collect();
                sort_users(&mut all, &order.field, order.desc);
                out = query::paginate(all, page);
            }
            Ok(users_json(out.into_iter(), st.user_context()))
        })
    }

    pub fn count_users(&self, pairs: &[(String, String)]) -> ApiResult<Json> {
        let q = Query::new(pairs);
        let filter = UserFilter::parse(&q, false)?;
        self.read(|st| {
            let n = if filter.is_empty() {
                st.users.len()
            } else {
                st.users.values().filter(|u| filter.matches(st, u)).count()
            };
            Ok(json(
                &serde_json::json!({"object": "total_count", "total_count": n}),
            ))
        })
    }
}
