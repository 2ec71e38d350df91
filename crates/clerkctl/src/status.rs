//! `status` (the command and the `get_status` tool): which instance the key belongs to and
//! whether it works, like `gh auth status`. Reads only: the instance, then the counts of users
//! and organizations, each through `ops`.

use clerk_api::{Client, KeyKind};
use serde_json::{Value, json};

use crate::app::App;
use crate::fail::{CliResult, Fail};
use crate::ops::{Page, instance, users};

/// What `status` found. `works` is false when Clerk refused the key (401 or 403); `failure`
/// then holds that refusal, for the command to report (exit 3).
#[derive(Debug)]
pub struct Status {
    pub json: Value,
    pub failure: Option<Fail>,
}

/// The instance behind `client`'s key, whether the key works, and (with `counts`) how many
/// users and organizations it holds. A failure other
/// than a refused key (no connection, Clerk down) is an error, as for any command.
pub async fn gather(app: &App, client: &Client, counts: bool) -> CliResult<Status> {
    let origin = match app.local() {
        Some(local) => format!("built-in emulator (--local, {})", local.path().display()),
        None => client.base().to_string(),
    };
    let key_environment = match client.key_kind() {
        KeyKind::Live => Value::from("production"),
        KeyKind::Test => Value::from("development"),
        KeyKind::Other => Value::Null,
    };
    let mut json = json!({
        "object": "status",
        "api_url": origin,
        "key": client.masked_key(),
        "key_works": false,
        "instance_id": null,
        "environment_type": key_environment,
        "users": null,
        "organizations": null,
        "read_only": app.global.read_only,
    });
    let read = instance::get();
    let found = match read.request(client).send().await {
        Ok(found) => found,
        Err(error) => {
            let fail = Fail::Clerk {
                doing: read.doing,
                subject: read.subject,
                error,
            };
            if fail.exit_code() == crate::fail::exit::AUTH {
                json["error"] = Value::String(fail.line());
                return Ok(Status {
                    json,
                    failure: Some(fail),
                });
            }
            return Err(fail);
        }
    };
    json["key_works"] = Value::Bool(true);
    json["instance_id"] = Value::String(found.id);
    if !found.environment_type.is_empty() {
        json["environment_type"] = Value::String(found.environment_type);
    }
    if !counts {
        return Ok(Status {
            json,
            failure: None,
        });
    }
    let count = users::count(&users::UserFilters::default())?;
    let n = count
        .request(client)
        .send()
        .await
        .map_err(|error| Fail::Clerk {
            doing: count.doing.clone(),
            subject: count.subject,
            error,
        })?;
    json["users"] = Value::from(n);
    let orgs = instance::organizations()?;
    let page = orgs
        .request(
            client,
            &Page {
                limit: Some(1),
                ..Page::default()
            },
        )
        .send()
        .await
        .map_err(|error| Fail::Clerk {
            doing: orgs.doing.clone(),
            subject: orgs.subject,
            error,
        })?;
    json["organizations"] = Value::from(page.total_count);
    Ok(Status {
        json,
        failure: None,
    })
}

/// The status as lines for a terminal.
pub fn lines(s: &Value) -> Vec<String> {
    let text = |k: &str| match &s[k] {
        Value::Null => "-".to_owned(),
        Value::String(t) => t.clone(),
        other => other.to_string(),
    };
    let mut out = vec![
        format!("instance      {}", text("instance_id")),
        format!("environment   {}", text("environment_type")),
        format!("API           {}", text("api_url")),
        format!(
            "key           {} ({})",
            text("key"),
            if s["key_works"] == true {
                "works".to_owned()
            } else {
                format!("does not work: {}", text("error"))
            }
        ),
    ];
    if s["key_works"] == true {
        out.push(format!("users         {}", text("users")));
        out.push(format!("organizations {}", text("organizations")));
    }
    out.push(format!(
        "read-only     {}",
        if s["read_only"] == true { "on" } else { "off" }
    ));
    out
}
