//! `clerkctl jwt-templates ...`

use std::io::Read;

use super::args::{at_most_one_stdin, json_object};
use super::{change, list, show};
use crate::app::App;
use crate::cli::{JwtTemplatesCmd, TemplateSettingsArgs};
use crate::fail::{CliResult, Fail, Subject, usage};
use crate::ops::Change;
use crate::ops::jwt_templates::{self, Settings};
use crate::output::Kind;

/// The settings flags, with the custom key read from its file (or stdin).
fn settings(s: TemplateSettingsArgs) -> CliResult<Settings> {
    let signing_key = match &s.signing_key_file {
        None => None,
        Some(path) if path.as_os_str() == "-" => {
            let mut key = String::new();
            std::io::stdin()
                .read_to_string(&mut key)
                .map_err(|e| usage(format!("--signing-key-file -: cannot read stdin: {e}")))?;
            Some(key)
        }
        Some(path) => Some(std::fs::read_to_string(path).map_err(|e| {
            usage(format!(
                "--signing-key-file: cannot read {}: {e}",
                path.display()
            ))
        })?),
    };
    if signing_key.as_deref().is_some_and(|k| k.trim().is_empty()) {
        return Err(usage("--signing-key-file: the key is empty"));
    }
    Ok(Settings {
        lifetime: s.lifetime,
        allowed_clock_skew: s.allowed_clock_skew,
        custom_signing_key: s.custom_signing_key,
        signing_algorithm: s.signing_algorithm,
        signing_key,
    })
}

fn stdin_once(claims: Option<&String>, s: &TemplateSettingsArgs) -> CliResult<()> {
    let key = s
        .signing_key_file
        .as_ref()
        .filter(|p| p.as_os_str() == "-")
        .map(|_| "-".to_owned());
    at_most_one_stdin([("--claims", claims), ("--signing-key-file", key.as_ref())])
}

pub async fn run(app: &mut App, cmd: JwtTemplatesCmd) -> CliResult {
    match cmd {
        JwtTemplatesCmd::List { page } => {
            list(app, Kind::JwtTemplate, jwt_templates::list(), &page).await
        }
        JwtTemplatesCmd::Get { template_id } => {
            show(app, Kind::JwtTemplate, jwt_templates::get(&template_id)?).await
        }
        JwtTemplatesCmd::Create {
            name,
            claims,
            settings: s,
        } => {
            stdin_once(Some(&claims), &s)?;
            let claims = json_object("--claims", &claims)?;
            let op = jwt_templates::create(jwt_templates::Create {
                name,
                claims,
                settings: settings(s)?,
            })?;
            change(app, "jwt-templates create", Kind::JwtTemplate, op).await
        }
        JwtTemplatesCmd::Update {
            template_id,
            name,
            claims,
            settings: s,
        } => {
            let id = crate::ops::check::jwt_template_id(&template_id)?;
            stdin_once(claims.as_ref(), &s)?;
            let claims = claims
                .as_deref()
                .map(|c| json_object("--claims", c))
                .transpose()?;
            let input = jwt_templates::Update {
                template_id,
                name,
                claims,
                settings: settings(s)?,
            };
            if input.is_empty() {
                return Err(crate::ops::nothing_to_change(
                    "--name, --claims, --lifetime, --allowed-clock-skew, --custom-signing-key, --signing-algorithm, --signing-key-file",
                ));
            }
            // Clerk needs the name and claims on every update: the ones not given are read
            // first, after the guard, so read-only mode sends nothing at all.
            let current = if input.needs_current() && !app.global.dry_run {
                let doing = format!("update JWT template {id}");
                let guard = Change::new(doing, Subject::JwtTemplate, Some(id.as_str()));
                app.guard("jwt-templates update", &guard)?;
                let read = jwt_templates::get(id.as_str())?;
                let client = app.client().await?;
                let template = read
                    .request(&client)
                    .send()
                    .await
                    .map_err(|error| Fail::Clerk {
                        doing: read.doing.clone(),
                        subject: read.subject,
                        error,
                    })?;
                Some(template)
            } else {
                None
            };
            let op = match (&current, input.needs_current()) {
                (None, true) => {
                    // A dry run reads nothing: it shows the update with placeholders for the
                    // name and claims it would keep.
                    let mut shown = input;
                    shown.name.get_or_insert_with(|| "(current name)".into());
                    shown.claims.get_or_insert_with(Default::default);
                    jwt_templates::update(shown, None)?
                }
                _ => jwt_templates::update(input, current.as_ref())?,
            };
            change(app, "jwt-templates update", Kind::JwtTemplate, op).await
        }
        JwtTemplatesCmd::Delete { template_id } => {
            let op = jwt_templates::delete(&template_id)?;
            change(app, "jwt-templates delete", Kind::Deleted, op).await
        }
    }
}
