//! Query-string parameters of the list endpoints, parsed and checked as Clerk does.

use std::cmp::Ordering;

use crate::error::{ApiError, ApiResult};

/// Decoded query pairs, in order (array parameters repeat their key).
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    pairs: &'a [(String, String)],
}

/// The spec's cap on values of one multi-value filter.
pub const MAX_FILTER_VALUES: usize = 100;
pub const MAX_LIMIT: i64 = 500;
pub const DEFAULT_LIMIT: i64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: usize,
    pub offset: usize,
}

/// `order_by`: a field and a direction (`+field`/`field` ascending, `-field` descending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderBy {
    pub field: String,
    pub desc: bool,
}

/// A `±` filter: values to include (`+x` or `x`) and to exclude (`-x`).
#[derive(Debug, Clone, Default)]
pub struct Signed {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl Signed {
    pub fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// Whether a record passes, given the values it has for this filter.
    pub fn admits(&self, mut has: impl FnMut(&str) -> bool) -> bool {
        (self.include.is_empty() || self.include.iter().any(|v| has(v)))
            && !self.exclude.iter().any(|v| has(v))
    }
}

impl<'a> Query<'a> {
    pub fn new(pairs: &'a [(String, String)]) -> Self {
        Query { pairs }
    }

    pub fn all(&self, key: &str) -> Vec<&'a str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of a single-valued parameter; an empty value reads as absent.
    pub fn one(&self, key: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Values of a multi-value filter, at most 100 of them.
    pub fn list(&self, key: &str) -> ApiResult<Vec<String>> {
        let values: Vec<String> = self
            .all(key)
            .into_iter()
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect();
        if values.len() > MAX_FILTER_VALUES {
            return Err(ApiError::query_too_many_values(
                key,
                MAX_FILTER_VALUES,
                values.len(),
            ));
        }
        Ok(values)
    }

    /// A `±` filter. A literal `+` decodes to a space in a query string, so a leading space
    /// is read as `+` too.
    pub fn signed(&self, key: &str) -> ApiResult<Signed> {
        let mut out = Signed::default();
        for v in self.list(key)? {
            if let Some(rest) = v.strip_prefix('-') {
                out.exclude.push(rest.to_owned());
            } else {
                let rest = v
                    .strip_prefix('+')
                    .or_else(|| v.strip_prefix(' '))
                    .unwrap_or(&v);
                out.include.push(rest.to_owned());
            }
        }
        Ok(out)
    }

    pub fn bool(&self, key: &str) -> ApiResult<Option<bool>> {
        match self.one(key) {
            None => Ok(None),
            Some("true") | Some("1") => Ok(Some(true)),
            Some("false") | Some("0") => Ok(Some(false)),
            // Clerk's decoder fails on a value that is not a boolean.
            Some(_) => Err(ApiError::malformed_parameters()),
        }
    }

    pub fn int(&self, key: &str) -> ApiResult<Option<i64>> {
        self.one(key)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| ApiError::malformed_parameters())
            })
            .transpose()
    }

    /// `limit` (1..=500, default 10) and `offset` (>= 0, default 0). A `limit` outside 1..=500
    /// reads as the default: on Clerk, `limit=501` answered 10 rows and no error
    /// (github.com/clerk/clerk-sdk-python issue 166).
    pub fn page(&self) -> ApiResult<Page> {
        let limit = self
            .int("limit")?
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .unwrap_or(DEFAULT_LIMIT);
        let offset = self.int("offset")?.unwrap_or(0);
        if offset < 0 {
            return Err(ApiError::query_value_invalid("offset", &offset.to_string()));
        }
        Ok(Page {
            limit: limit as usize,
            offset: offset as usize,
        })
    }

    /// `order_by` among `allowed` fields; only the first value counts.
    pub fn order_by(&self, allowed: &[&str], default: &str) -> ApiResult<OrderBy> {
        let raw = self.one("order_by").unwrap_or(default);
        let (desc, field) = match raw.as_bytes().first() {
            Some(b'-') => (true, &raw[1..]),
            Some(b'+') | Some(b' ') => (false, &raw[1..]),
            _ => (false, raw),
        };
        if !allowed.contains(&field) {
            return Err(ApiError::query_value_invalid("order_by", raw));
        }
        Ok(OrderBy {
            field: field.to_owned(),
            desc,
        })
    }

    /// A status filter (single or repeated) among the invitation statuses.
    pub fn statuses(&self, key: &str) -> ApiResult<Vec<crate::model::InvitationStatus>> {
        self.list(key)?
            .iter()
            .map(|s| {
                crate::model::InvitationStatus::parse(s)
                    .ok_or_else(|| ApiError::query_value_invalid(key, s))
            })
            .collect()
    }
}

/// Compares optional keys the way a SQL `ORDER BY` does: nulls after values when ascending,
/// before them when descending.
pub fn cmp_nullable<T: Ord>(a: &Option<T>, b: &Option<T>, desc: bool) -> Ordering {
    let ord = match (a, b) {
        (Some(x), Some(y)) => x.cmp(y),
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
    };
    if desc { ord.reverse() } else { ord }
}

/// Creation order: `created_at`, then the ID, which breaks ties within a millisecond in
/// creation order too (IDs sort by creation). Without it, records made in the same millisecond
/// came back in the same order for `created_at` and `-created_at`.
pub fn by_creation(a_at: i64, a_id: &str, b_at: i64, b_id: &str) -> Ordering {
    (a_at, a_id).cmp(&(b_at, b_id))
}

/// Applies a direction.
pub fn directed(ord: Ordering, desc: bool) -> Ordering {
    if desc { ord.reverse() } else { ord }
}

/// Case-insensitive "contains".
pub fn contains_ci(haystack: &str, needle_lower: &str) -> bool {
    if haystack.is_ascii() && needle_lower.is_ascii() {
        haystack
            .as_bytes()
            .windows(needle_lower.len().max(1))
            .any(|w| w.eq_ignore_ascii_case(needle_lower.as_bytes()))
            || needle_lower.is_empty()
    } else {
        haystack.to_lowercase().contains(needle_lower)
    }
}

/// One page out of an already ordered list.
pub fn paginate<T>(items: Vec<T>, page: Page) -> Vec<T> {
    items
        .into_iter()
        .skip(page.offset)
        .take(page.limit)
        .collect()
}
