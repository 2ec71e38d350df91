//! `clerkctl api METHOD PATH`: any Backend API endpoint, with the same key handling, guards and
//! audit as every other command.

use clerk_api::RequestSpec;
use http::Method;

use crate::app::App;
use crate::cli::ApiArgs;
use crate::fail::{CliResult, Subject, usage};
use crate::ops::Change;
use crate::output::Kind;

pub async fn run(app: &mut App, args: ApiArgs) -> CliResult {
    let method = match args.method.to_uppercase().as_str() {
        "GET" => Method::GET,
        "POST" => Method::POST,
        "PATCH" => Method::PATCH,
        "PUT" => Method::PUT,
        "DELETE" => Method::DELETE,
        other => {
            return Err(usage(format!(
                "method {other:?} must be GET, POST, PATCH, PUT or DELETE"
            )));
        }
    };
    let path = api_path(&args.path)?;
    let path = path.as_str();
    let mut spec = RequestSpec::new(method.clone(), path);
    for q in &args.query {
        let (k, v) = q
            .split_once('=')
            .ok_or_else(|| usage(format!("-q {q:?} must be KEY=VALUE")))?;
        spec.add_param(k, v);
    }
    if let Some(raw) = &args.data {
        if method == Method::GET {
            return Err(usage(
                "GET requests take no body: pass parameters with -q KEY=VALUE",
            ));
        }
        spec.body = Some(super::args::json_arg("--data", raw)?);
    }
    let doing = format!("{method} {path}");
    if method == Method::GET {
        let client = app.client().await?;
        let req = client.request(spec);
        if let Some(v) = app.read(doing, Subject::Other, req).await? {
            app.out.object(Kind::Raw, &v)?;
        }
        return Ok(());
    }
    let mut c = Change::new(doing, Subject::Other, None);
    if method == Method::DELETE {
        c = c.destructive();
    }
    app.guard("api", &c)?;
    let client = app.client().await?;
    let req = client.request(spec);
    if let Some(v) = app.write("api", &c, req).await? {
        app.out.object(Kind::Raw, &v)?;
    }
    Ok(())
}

/// The Backend API path `clerkctl api` sends, checked to stay under `/v1`: `users/count` means
/// `/users/count` (as `gh api` reads it) and a leading `/v1` is dropped. Refused: a query or
/// fragment, a scheme, control characters, and anything a server or proxy could read as
/// leaving `/v1`: dot segments and backslashes, also percent-encoded (`%2e%2e`, `%5c`) or
/// encoded twice (`%252e`).
pub fn api_path(given: &str) -> CliResult<String> {
    let refuse = |why: &str| {
        usage(format!(
            "path {given:?} must be an API path under /v1, such as /users or /organizations/org_.../memberships, and it {why} (put query parameters in -q KEY=VALUE)"
        ))
    };
    let trimmed = given.trim();
    if trimmed.is_empty() {
        return Err(refuse("is empty"));
    }
    let path = if trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    };
    let path = match path.strip_prefix("/v1") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.to_owned(),
        _ => path,
    };
    if !path.starts_with('/') {
        return Err(refuse("is not under /v1"));
    }
    if path.contains("://") || path.contains('?') || path.contains('#') {
        return Err(refuse("holds a scheme, query or fragment"));
    }
    // Each decoding is checked: a server may decode once more than clerkctl does.
    let mut text = path.clone();
    for _ in 0..4 {
        if text.chars().any(char::is_control) {
            return Err(refuse("holds control characters"));
        }
        if text.contains('\\') {
            return Err(refuse("holds a backslash"));
        }
        if text.split('/').any(|s| s == "." || s == "..") {
            return Err(refuse(
                "holds a dot segment (. or ..), which would leave /v1",
            ));
        }
        let decoded = percent_encoding::percent_decode_str(&text)
            .decode_utf8_lossy()
            .into_owned();
        if decoded == text {
            break;
        }
        text = decoded;
    }
    if text.contains('%') && percent_encoding::percent_decode_str(&text).decode_utf8_lossy() != text
    {
        return Err(refuse("is percent-encoded too many times"));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::api_path;

    #[test]
    fn paths_stay_under_v1() {
        for (given, sent) in [
            ("users", "/users"),
            ("/users/count", "/users/count"),
            ("/v1/users", "/users"),
            ("v1/users/user_1", "/users/user_1"),
            ("/v1abc", "/v1abc"),
            ("/users/a%40b.co", "/users/a%40b.co"),
            ("/users/..x", "/users/..x"),
        ] {
            assert_eq!(api_path(given).unwrap(), sent, "{given}");
        }
        for bad in [
            "",
            "/../admin",
            "/users/../../admin",
            "/./users",
            "/%2e%2e/admin",
            "/%2E%2E/admin",
            "/.%2e/admin",
            "/%2e./admin",
            "/%252e%252e/admin",
            "/%25252e%25252e/admin",
            "/%2e",
            "\\admin",
            "/users\\..\\admin",
            "/users%5c..%5cadmin",
            "/users%5C%2e%2e",
            "/users%255c",
            "/users?x=1",
            "/users#x",
            "http://evil.example/x",
            "/users/%0a",
            "/v1/../admin",
        ] {
            assert!(api_path(bad).is_err(), "{bad:?} must be refused");
        }
    }

    proptest::proptest! {
        #![proptest_config(crate::props::config())]

        /// No path panics; an accepted one never decodes, once or twice, into a dot segment or
        /// a backslash, and plain segments are accepted as they are.
        #[test]
        fn paths_never_panic_or_leave_v1(s in crate::props::typed(), segs in proptest::collection::vec("x[a-z0-9_]{0,12}", 1..4)) {
            if let Ok(p) = api_path(&s) {
                let once = percent_encoding::percent_decode_str(&p).decode_utf8_lossy().into_owned();
                let twice = percent_encoding::percent_decode_str(&once).decode_utf8_lossy().into_owned();
                for t in [&p, &once, &twice] {
                    proptest::prop_assert!(!t.contains('\\'), "{t}");
                    proptest::prop_assert!(!t.split('/').any(|x| x == ".." || x == "."), "{t}");
                }
            }
            let plain = format!("/{}", segs.join("/"));
            proptest::prop_assert_eq!(api_path(&plain).unwrap(), plain);
        }
    }
}
