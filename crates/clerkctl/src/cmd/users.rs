//! `clerkctl users ...`

use std::io::{BufRead, IsTerminal};

use clerk_api::resources::CountUsers;
use clerk_api::{Client, Request};
use serde_json::{Map, Value};

use super::{change, list, nothing_to_send, show};
use crate::app::{App, Change};
use crate::cli::{CreateUserArgs, UpdateUserArgs, UserFilterArgs, UserMetadataArgs, UsersCmd};
use crate::fail::{CliResult, Subject, usage};
use crate::input;
use crate::output::Kind;

pub async fn run(app: &mut App, cmd: UsersCmd) -> CliResult {
    match cmd {
        UsersCmd::List {
            filter,
            page,
            starting_after,
        } => {
            let filters = filter_pairs(&filter)?;
            let starting_after = starting_after.as_deref().map(input::user_id).transpose()?;
            let client = app.client().await?;
            let mut req = client.users().list();
            for (k, v) in &filters {
                req = req.param_add(k, v);
            }
            if let Some(c) = starting_after {
                req = req.starting_after(&c);
            }
            let count = req.count();
            list(
                app,
                Kind::User,
                Subject::User,
                "users list",
                req,
                &page,
                Some(count),
            )
            .await
        }
        UsersCmd::Count { filter } => {
            let filters = filter_pairs(&filter)?;
            let client = app.client().await?;
            let mut req: Request<'_, CountUsers> = client.users().count();
            for (k, v) in &filters {
                req = req.param_add(k, v);
            }
            show(app, Kind::Count, Subject::User, "users count".into(), req).await
        }
        UsersCmd::Get { user_id } => {
            let id = input::user_id(&user_id)?;
            let client = app.client().await?;
            show(
                app,
                Kind::User,
                Subject::User,
                format!("users get {id}"),
                client.users().get(&id),
            )
            .await
        }
        UsersCmd::Create(args) => create(app, *args).await,
        UsersCmd::Update(args) => update(app, *args).await,
        UsersCmd::UpdateMetadata(args) => metadata(app, args, false).await,
        UsersCmd::ReplaceMetadata(args) => metadata(app, args, true).await,
        UsersCmd::Delete { user_id } => {
            let id = input::user_id(&user_id)?;
            let c = Change::new(
                "users delete",
                format!("delete user {id}"),
                Subject::User,
                Some(id.as_str()),
            )
            .destructive();
            app.guard(&c)?;
            let client = app.client().await?;
            change(app, Kind::Deleted, &c, client.users().delete(&id)).await
        }
        UsersCmd::Ban { user_id } => flag(app, &user_id, "ban", true).await,
        UsersCmd::Unban { user_id } => flag(app, &user_id, "unban", false).await,
        UsersCmd::Lock { user_id } => flag(app, &user_id, "lock", true).await,
        UsersCmd::Unlock { user_id } => flag(app, &user_id, "unlock", false).await,
        UsersCmd::Export { filter, export } => {
            let filters = filter_pairs(&filter)?;
            crate::bulk::export::run(app, crate::bulk::export::What::Users(filters), &export).await
        }
        UsersCmd::Import { bulk } => {
            crate::bulk::run(app, crate::bulk::jobs::Job::Users, &bulk).await
        }
    }
}

/// The filters as query pairs, checked.
fn filter_pairs(f: &UserFilterArgs) -> CliResult<Vec<(&'static str, String)>> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for e in &f.email_address {
        out.push(("email_address", input::email(e)?));
    }
    let lists: [(&'static str, &Vec<String>); 4] = [
        ("phone_number", &f.phone_number),
        ("external_id", &f.external_id),
        ("username", &f.username),
        ("web3_wallet", &f.web3_wallet),
    ];
    for (k, vs) in lists {
        out.extend(vs.iter().map(|v| (k, v.clone())));
    }
    out.extend(
        input::signed_ids(&f.user_id, input::user_id)?
            .into_iter()
            .map(|v| ("user_id", v)),
    );
    out.extend(
        input::signed_ids(&f.organization_id, input::org_id)?
            .into_iter()
            .map(|v| ("organization_id", v)),
    );
    let texts: [(&'static str, &Option<String>); 6] = [
        ("query", &f.query),
        ("email_address_query", &f.email_address_query),
        ("phone_number_query", &f.phone_number_query),
        ("username_query", &f.username_query),
        ("name_query", &f.name_query),
        ("provider", &f.provider),
    ];
    for (k, v) in texts {
        if let Some(v) = v {
            out.push((k, v.clone()));
        }
    }
    out.extend(
        f.provider_user_id
            .iter()
            .map(|v| ("provider_user_id", v.clone())),
    );
    if let Some(b) = f.banned {
        out.push(("banned", b.to_string()));
    }
    let times: [(&'static str, Option<i64>); 6] = [
        ("last_active_at_before", f.last_active_at_before),
        ("last_active_at_after", f.last_active_at_after),
        ("created_at_before", f.created_at_before),
        ("created_at_after", f.created_at_after),
        ("last_sign_in_at_before", f.last_sign_in_at_before),
        ("last_sign_in_at_after", f.last_sign_in_at_after),
    ];
    for (k, v) in times {
        if let Some(v) = v {
            out.push((k, v.to_string()));
        }
    }
    Ok(out)
}

/// The first line of stdin; typed at a terminal, asked for on it without echo.
fn read_password() -> CliResult<String> {
    let line = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password (not shown): ")
            .map_err(|e| usage(format!("--password-stdin: cannot read the password: {e}")))?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| usage(format!("--password-stdin: cannot read stdin: {e}")))?;
        line
    };
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(usage("--password-stdin: stdin held no password"));
    }
    Ok(password)
}

async fn create(app: &mut App, a: CreateUserArgs) -> CliResult {
    input::at_most_one_stdin([
        ("--public-metadata", a.metadata.public_metadata.as_ref()),
        ("--private-metadata", a.metadata.private_metadata.as_ref()),
        ("--unsafe-metadata", a.unsafe_metadata.as_ref()),
        ("--data", a.data.as_ref()),
    ])?;
    if a.password_stdin
        && [
            &a.metadata.public_metadata,
            &a.metadata.private_metadata,
            &a.unsafe_metadata,
            &a.data,
        ]
        .iter()
        .any(|v| v.as_deref() == Some("-"))
    {
        return Err(usage(
            "--password-stdin reads stdin; give the JSON arguments inline or as @FILE",
        ));
    }
    let mut body = match &a.data {
        Some(raw) => input::json_object("--data", raw)?,
        None => Map::new(),
    };
    let emails: Vec<String> = a
        .email_address
        .iter()
        .map(|e| input::email(e))
        .collect::<CliResult<_>>()?;
    if !emails.is_empty() {
        body.insert("email_address".into(), Value::from(emails));
    }
    if !a.phone_number.is_empty() {
        body.insert("phone_number".into(), Value::from(a.phone_number.clone()));
    }
    for (k, v) in [
        ("username", &a.username),
        ("first_name", &a.first_name),
        ("last_name", &a.last_name),
        ("external_id", &a.external_id),
    ] {
        if let Some(v) = v {
            body.insert(k.into(), Value::from(v.clone()));
        }
    }
    if a.password_stdin {
        body.insert("password".into(), Value::from(read_password()?));
    }
    if a.skip_password_checks {
        body.insert("skip_password_checks".into(), Value::Bool(true));
    }
    metadata_fields(
        &mut body,
        &a.metadata.public_metadata,
        &a.metadata.private_metadata,
        &a.unsafe_metadata,
    )?;
    let c = Change::new("users create", "create a user", Subject::User, None);
    app.guard(&c)?;
    let client = app.client().await?;
    let req = client.users().create().body(Value::Object(body));
    change(app, Kind::User, &c, req).await
}

fn metadata_fields(
    body: &mut Map<String, Value>,
    public: &Option<String>,
    private: &Option<String>,
    unsafe_: &Option<String>,
) -> CliResult {
    for (flag, key, raw) in [
        ("--public-metadata", "public_metadata", public),
        ("--private-metadata", "private_metadata", private),
        ("--unsafe-metadata", "unsafe_metadata", unsafe_),
    ] {
        if let Some(raw) = raw {
            body.insert(key.into(), Value::Object(input::json_object(flag, raw)?));
        }
    }
    Ok(())
}

async fn update(app: &mut App, a: UpdateUserArgs) -> CliResult {
    let id = input::user_id(&a.user_id)?;
    let mut body = match &a.data {
        Some(raw) => input::json_object("--data", raw)?,
        None => Map::new(),
    };
    for (k, v) in [
        ("first_name", &a.first_name),
        ("last_name", &a.last_name),
        ("username", &a.username),
        ("external_id", &a.external_id),
        ("primary_email_address_id", &a.primary_email_address_id),
        ("locale", &a.locale),
    ] {
        if let Some(v) = v {
            body.insert(k.into(), Value::from(v.clone()));
        }
    }
    if body.is_empty() {
        return Err(nothing_to_send(
            "--first-name, --last-name, --username, --external-id, --primary-email-address-id, --locale, --data",
        ));
    }
    if body.keys().any(|k| k.ends_with("_metadata")) {
        return Err(usage(
            "metadata is not updated with `users update`: use `clerkctl users update-metadata USER_ID --public-metadata '{...}'` (merge) or `users replace-metadata` (replace)",
        ));
    }
    let c = Change::new(
        "users update",
        format!("update user {id}"),
        Subject::User,
        Some(id.as_str()),
    );
    app.guard(&c)?;
    let client = app.client().await?;
    let req = client.users().update(&id).body(Value::Object(body));
    change(app, Kind::User, &c, req).await
}

async fn metadata(app: &mut App, a: UserMetadataArgs, replace: bool) -> CliResult {
    let id = input::user_id(&a.user_id)?;
    input::at_most_one_stdin([
        ("--public-metadata", a.metadata.public_metadata.as_ref()),
        ("--private-metadata", a.metadata.private_metadata.as_ref()),
        ("--unsafe-metadata", a.unsafe_metadata.as_ref()),
    ])?;
    let mut body = Map::new();
    metadata_fields(
        &mut body,
        &a.metadata.public_metadata,
        &a.metadata.private_metadata,
        &a.unsafe_metadata,
    )?;
    if body.is_empty() {
        return Err(nothing_to_send(
            "--public-metadata, --private-metadata, --unsafe-metadata",
        ));
    }
    let (command, verb) = if replace {
        ("users replace-metadata", "replace")
    } else {
        ("users update-metadata", "update")
    };
    let c = Change::new(
        command,
        format!("{verb} the metadata of user {id}"),
        Subject::User,
        Some(id.as_str()),
    );
    app.guard(&c)?;
    let client: Client = app.client().await?;
    let req = if replace {
        client.users().replace_metadata(&id)
    } else {
        client.users().update_metadata(&id)
    };
    change(app, Kind::User, &c, req.body(Value::Object(body))).await
}

async fn flag(app: &mut App, user_id: &str, action: &'static str, destructive: bool) -> CliResult {
    let id = input::user_id(user_id)?;
    let command = match action {
        "ban" => "users ban",
        "unban" => "users unban",
        "lock" => "users lock",
        _ => "users unlock",
    };
    let mut c = Change::new(
        command,
        format!("{action} user {id}"),
        Subject::User,
        Some(id.as_str()),
    );
    if destructive {
        c = c.destructive();
    }
    app.guard(&c)?;
    let client = app.client().await?;
    let users = client.users();
    let req = match action {
        "ban" => users.ban(&id),
        "unban" => users.unban(&id),
        "lock" => users.lock(&id),
        _ => users.unlock(&id),
    };
    change(app, Kind::User, &c, req).await
}
