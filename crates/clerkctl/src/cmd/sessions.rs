//! `clerkctl sessions ...`, `clerkctl token` and `clerkctl jwks`.

use serde_json::Value;

use super::{change, find_org, find_user, list, show};
use crate::app::App;
use crate::cli::{Format, JwksArgs, SessionsCmd, TokenArgs};
use crate::fail::{CliResult, Fail, usage};
use crate::ops::sessions;
use crate::output::Kind;
use crate::token::{self, Outcome};

pub async fn run(app: &mut App, cmd: SessionsCmd) -> CliResult {
    match cmd {
        SessionsCmd::List { mut filter, page } => {
            if let Some(u) = &filter.user_id {
                filter.user_id = Some(find_user(app, u).await?);
            }
            list(app, Kind::Session, sessions::list(&filter)?, &page).await
        }
        SessionsCmd::Get { session_id } => {
            show(app, Kind::Session, sessions::get(&session_id)?).await
        }
        SessionsCmd::Create { user_id, org } => {
            let user_id = find_user(app, &user_id).await?;
            let org = match org {
                Some(o) => Some(find_org(app, &o).await?),
                None => None,
            };
            let op = sessions::create(sessions::Create {
                user_id,
                active_organization_id: org,
            })?;
            change(app, "sessions create", Kind::Session, op).await
        }
        SessionsCmd::Revoke { session_id } => {
            let op = sessions::revoke(&session_id)?;
            change(app, "sessions revoke", Kind::Session, op).await
        }
    }
}

/// `clerkctl token`: the token alone on stdout (a script's `$(...)`), or with an explicit
/// `-o json|ndjson` the token with its session.
pub async fn token(app: &mut App, args: TokenArgs) -> CliResult {
    let user_id = find_user(app, &args.user_id).await?;
    let org = match &args.org {
        Some(o) => Some(find_org(app, o).await?),
        None => None,
    };
    let req = sessions::token_request(
        &user_id,
        args.session.as_deref(),
        org.as_deref(),
        args.template.as_deref(),
        args.ttl,
    )?;
    app.guard("token", &token::change(&req))?;
    let client = app.client().await?;
    match token::run(app, "token", &client, &req).await? {
        Outcome::DryRun(first) => {
            app.err.say(
                "would send this request first; what follows depends on its answer (a session is found or made, then the token minted)",
            );
            app.out
                .request(&serde_json::to_value(first).unwrap_or_default())?;
        }
        Outcome::Minted(minted) => {
            let s = &minted.session;
            app.err.say(format_args!(
                "{} session {} of user {}{}",
                if minted.created_session {
                    "made"
                } else {
                    "using"
                },
                s.id,
                s.user_id,
                s.last_active_organization_id
                    .as_ref()
                    .map(|o| format!(", organization {o} active"))
                    .unwrap_or_default()
            ));
            match app.global.output {
                Some(Format::Json | Format::Ndjson) => {
                    app.out.object(Kind::Raw, &minted.to_json())?;
                }
                _ => app.out.raw_text(&minted.token.jwt)?,
            }
        }
    }
    Ok(())
}

/// `clerkctl jwks [--pem [--kid KID]]`.
pub async fn jwks(app: &mut App, args: JwksArgs) -> CliResult {
    let op = sessions::jwks();
    let client = app.client().await?;
    let req = op.request(&client);
    let Some(v) = app.read(op.doing, op.subject, req).await? else {
        return Ok(());
    };
    if !args.pem {
        app.out.object(Kind::Raw, &v)?;
        return Ok(());
    }
    let set: clerk_api::models::Jwks = serde_json::from_value(v)
        .map_err(|e| Fail::Other(format!("the instance's JWKS cannot be read: {e}")))?;
    let kids = || {
        set.keys
            .iter()
            .map(|k| k.kid.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let key = match (&args.kid, set.keys.as_slice()) {
        (Some(kid), _) => set
            .key(kid)
            .ok_or_else(|| usage(format!("the JWKS has no key {kid:?}; its keys: {}", kids())))?,
        (None, [only]) => only,
        (None, []) => return Err(Fail::Other("the instance's JWKS has no keys".into())),
        (None, _) => {
            return Err(usage(format!(
                "the JWKS has several keys: choose one with --kid ({})",
                kids()
            )));
        }
    };
    let pem = key.to_pem().map_err(|e| Fail::Other(e.to_string()))?;
    match app.global.output {
        Some(Format::Json | Format::Ndjson) => app.out.object(
            Kind::Raw,
            &serde_json::json!({"kid": key.kid, "pem": Value::String(pem)}),
        )?,
        _ => app.out.raw_text(pem.trim_end())?,
    }
    Ok(())
}
