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
    // `users/count` means `/users/count`, as `gh api` reads it.
    let path = match args.path.trim() {
        p if p.starts_with('/') || p.is_empty() => p.to_owned(),
        p => format!("/{p}"),
    };
    let path = path.strip_prefix("/v1").unwrap_or(&path);
    if !path.starts_with('/')
        || path.contains("://")
        || path.contains('?')
        || path.split('/').any(|s| s == "..")
    {
        return Err(usage(format!(
            "path {:?} must be an API path such as /users or /organizations/org_.../memberships (put query parameters in -q KEY=VALUE)",
            args.path
        )));
    }
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
