//! `clerkctl users ...`

use super::args::{at_most_one_stdin, json_object, opt_object, read_password};
use super::{change, find_user, find_users, list, show, user_filters};
use crate::app::App;
use crate::cli::{CreateUserArgs, UpdateUserArgs, UserMetadataArgs, UsersCmd};
use crate::fail::{CliResult, Fail, usage};
use crate::ops::users::{self, Access};
use crate::ops::{self, nothing_to_change};
use crate::output::Kind;

pub async fn run(app: &mut App, cmd: UsersCmd) -> CliResult {
    match cmd {
        UsersCmd::List {
            filter,
            page,
            starting_after,
        } => {
            let filter = user_filters(app, *filter).await?;
            let op = users::list(&filter, starting_after.as_deref())?;
            list(app, Kind::User, op, &page).await
        }
        UsersCmd::Count { filter } => {
            let filter = user_filters(app, *filter).await?;
            show(app, Kind::Count, users::count(&filter)?).await
        }
        UsersCmd::Get { user } => {
            let id = find_user(app, &user).await?;
            show(app, Kind::User, users::get(&id)?).await
        }
        UsersCmd::Orgs { user, page } => {
            let id = find_user(app, &user).await?;
            list(app, Kind::Membership, users::memberships(&id)?, &page).await
        }
        UsersCmd::Create(args) => create(app, *args).await,
        UsersCmd::Update(args) => update(app, *args).await,
        UsersCmd::UpdateMetadata(args) => metadata(app, args, false).await,
        UsersCmd::ReplaceMetadata(args) => metadata(app, args, true).await,
        UsersCmd::Delete { users: given } => delete(app, &given).await,
        UsersCmd::Ban { users } => access(app, "users ban", &users, Access::Ban).await,
        UsersCmd::Unban { users } => access(app, "users unban", &users, Access::Unban).await,
        UsersCmd::Lock { users } => access(app, "users lock", &users, Access::Lock).await,
        UsersCmd::Unlock { users } => access(app, "users unlock", &users, Access::Unlock).await,
        UsersCmd::DeleteMatching(args) => matching(app, *args, true).await,
        UsersCmd::BanMatching(args) => matching(app, *args, false).await,
        UsersCmd::Export { filter, export } => {
            let filter = user_filters(app, *filter).await?;
            let what = crate::bulk::export::What::Users(users::export(&filter)?);
            super::bulk::export(app, what, &export).await
        }
        UsersCmd::Import {
            bulk, from: None, ..
        } => super::bulk::run(app, crate::bulk::jobs::Job::Users, &bulk).await,
        UsersCmd::Import {
            bulk,
            from: Some(source),
            password_hashes,
            hash_config,
        } => {
            let extra = crate::bulk::migrate::Extra {
                password_hashes: password_hashes.as_deref(),
                hash_config: hash_config.as_deref(),
            };
            super::bulk::migrate(app, &bulk, source, &extra).await
        }
        UsersCmd::UpdateMetadataBulk {
            users: given,
            unsafe_metadata,
            bulk,
        } => {
            for g in &given {
                ops::names::user(g)?;
            }
            let resolve = async move |app: &mut App| {
                let ids = if given.is_empty() {
                    Vec::new()
                } else {
                    find_users(app, &given).await?
                };
                Ok((ops::metadata::Target::Users, ids))
            };
            super::bulk::metadata(app, &bulk, unsafe_metadata.as_ref(), resolve).await
        }
        UsersCmd::VerifyPassword { user, .. } => verify_password(app, &user).await,
        UsersCmd::VerifyPasswords {
            file,
            format,
            pacing,
        } => verify_passwords(app, &file, format, pacing.rate).await,
    }
}

/// `users delete USER...`: every name resolved before anything is deleted, one confirmation.
async fn delete(app: &mut App, given: &[String]) -> CliResult {
    let ids = find_users(app, given).await?;
    if let [id] = ids.as_slice() {
        return change(app, "users delete", Kind::Deleted, users::delete(id)?).await;
    }
    let ops = ids
        .iter()
        .map(|id| users::delete(id))
        .collect::<CliResult<Vec<_>>>()?;
    app.guard("users delete", &users::several("delete", &ids, true))?;
    let client = app.client().await?;
    let mut done = Vec::new();
    for op in &ops {
        match app
            .write("users delete", &op.change, op.request(&client))
            .await
        {
            Ok(Some(v)) => done.push(v),
            Ok(None) => {}
            Err(e) => {
                app.out.list(Kind::Deleted, &done, None)?;
                return Err(e);
            }
        }
    }
    if !app.global.dry_run {
        app.out.list(Kind::Deleted, &done, None)?;
    }
    Ok(())
}

/// `users ban|unban|lock|unlock USER...`: each user read first; one already in the asked state
/// is left alone, said on stderr and answered with `"changed": false`.
async fn access(app: &mut App, command: &'static str, given: &[String], a: Access) -> CliResult {
    let ids = find_users(app, given).await?;
    let ops = ids
        .iter()
        .map(|id| users::access(id, a))
        .collect::<CliResult<Vec<_>>>()?;
    if app.global.read_only {
        // Refused before anything is read, as every change is.
        app.guard(command, &ops[0].change)?;
    }
    let client = app.client().await?;
    // Read first: who is already so is neither asked about nor changed. A dry run shows the
    // requests the command would send for the users as named, without reading them.
    let mut todo = Vec::new();
    let mut results = Vec::new();
    // One user is named in the question, as other single changes are.
    let mut about = None;
    for (id, op) in ids.iter().zip(ops) {
        if app.global.dry_run {
            todo.push(op);
            continue;
        }
        let get = users::get(id)?;
        let current =
            get.request(&client)
                .send_json()
                .await
                .map_err(|error| crate::fail::Fail::Clerk {
                    doing: get.doing.clone(),
                    subject: get.subject,
                    error,
                })?;
        if ids.len() == 1 {
            about = Some(crate::app::About {
                what: format!(
                    "{}, {}",
                    crate::output::name(&current),
                    crate::output::primary_email(&current)
                ),
                type_to_confirm: None,
            });
        }
        if a.already(&current) {
            app.err.say(format_args!(
                "user {id} is already {}: nothing changed",
                a.state()
            ));
            let mut v = current;
            v["changed"] = serde_json::Value::Bool(false);
            results.push(v);
        } else {
            todo.push(op);
        }
    }
    if let [op] = todo.as_slice()
        && ids.len() == 1
    {
        app.guard_about(command, &op.change, about.as_ref())?;
        if let Some(v) = app.write(command, &op.change, op.request(&client)).await? {
            app.out.object(Kind::User, &v)?;
        }
        return Ok(());
    }
    if !todo.is_empty() {
        let targets: Vec<String> = todo
            .iter()
            .filter_map(|op| op.change.target.clone())
            .collect();
        app.guard(
            command,
            &users::several(a.verb(), &targets, a.destructive()),
        )?;
    }
    for op in &todo {
        match app.write(command, &op.change, op.request(&client)).await {
            Ok(Some(v)) => results.push(v),
            Ok(None) => {}
            Err(e) => {
                print_users(app, &results)?;
                return Err(e);
            }
        }
    }
    print_users(app, &results)
}

/// One user as an object (as `users ban USER` always printed), several as a list.
fn print_users(app: &mut App, results: &[serde_json::Value]) -> CliResult {
    match results {
        [] => Ok(()),
        [one] => Ok(app.out.object(Kind::User, one)?),
        several => Ok(app.out.list(Kind::User, several, None)?),
    }
}

async fn create(app: &mut App, a: CreateUserArgs) -> CliResult {
    at_most_one_stdin([
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
    let mut input = users::Create {
        other: opt_object("--data", &a.data)?.unwrap_or_default(),
        email_address: a.email_address,
        phone_number: a.phone_number,
        username: a.username,
        first_name: a.first_name,
        last_name: a.last_name,
        external_id: a.external_id,
        skip_password_checks: a.skip_password_checks,
        ..users::Create::default()
    };
    // Checked before the password is asked for, so a typo costs no typing.
    users::create(input.clone())?;
    if a.password_stdin {
        input.password = Some(read_password()?);
    }
    input.public_metadata = opt_object("--public-metadata", &a.metadata.public_metadata)?;
    input.private_metadata = opt_object("--private-metadata", &a.metadata.private_metadata)?;
    input.unsafe_metadata = opt_object("--unsafe-metadata", &a.unsafe_metadata)?;
    change(app, "users create", Kind::User, users::create(input)?).await
}

async fn update(app: &mut App, a: UpdateUserArgs) -> CliResult {
    ops::names::user(&a.user_id)?;
    let input = users::Update {
        other: match &a.data {
            Some(raw) => json_object("--data", raw)?,
            None => ops::Object::new(),
        },
        user_id: a.user_id,
        first_name: a.first_name,
        last_name: a.last_name,
        username: a.username,
        external_id: a.external_id,
        primary_email_address_id: a.primary_email_address_id,
        locale: a.locale,
        password: None,
        skip_password_checks: a.skip_password_checks,
    };
    if input.is_empty() && !a.password_stdin {
        // Said in flags here; `ops` says it in Clerk's field names.
        return Err(nothing_to_change(
            "--first-name, --last-name, --username, --external-id, --primary-email-address-id, --locale, --password-stdin, --data",
        ));
    }
    if a.password_stdin && a.data.as_deref() == Some("-") {
        return Err(usage(
            "--password-stdin reads stdin; give --data inline or as @FILE",
        ));
    }
    let mut input = input;
    input.user_id = find_user(app, &input.user_id).await?;
    if a.password_stdin {
        input.password = Some(read_password()?);
    }
    change(app, "users update", Kind::User, users::update(input)?).await
}

async fn metadata(app: &mut App, mut a: UserMetadataArgs, replace: bool) -> CliResult {
    ops::names::user(&a.user_id)?;
    at_most_one_stdin([
        ("--public-metadata", a.metadata.public_metadata.as_ref()),
        ("--private-metadata", a.metadata.private_metadata.as_ref()),
        ("--unsafe-metadata", a.unsafe_metadata.as_ref()),
    ])?;
    if [
        &a.metadata.public_metadata,
        &a.metadata.private_metadata,
        &a.unsafe_metadata,
    ]
    .iter()
    .any(|m| m.is_some())
    {
        a.user_id = find_user(app, &a.user_id).await?;
    }
    let input = users::Metadata {
        user_id: a.user_id,
        public_metadata: opt_object("--public-metadata", &a.metadata.public_metadata)?,
        private_metadata: opt_object("--private-metadata", &a.metadata.private_metadata)?,
        unsafe_metadata: opt_object("--unsafe-metadata", &a.unsafe_metadata)?,
    };
    if input.is_empty() {
        return Err(nothing_to_change(
            "--public-metadata, --private-metadata, --unsafe-metadata",
        ));
    }
    let command = if replace {
        "users replace-metadata"
    } else {
        "users update-metadata"
    };
    change(app, command, Kind::User, users::metadata(input, replace)?).await
}

/// `users delete-matching` and `users ban-matching` on the command line: confirmed on a
/// terminal, or with --expect-count and --yes.
async fn matching(app: &mut App, a: crate::cli::MatchingArgs, delete: bool) -> CliResult {
    let command = if delete {
        "users delete-matching"
    } else {
        "users ban-matching"
    };
    if app.global.read_only {
        return Err(Fail::Guard(format!(
            "refusing to run `{command}`: read-only mode is on; nothing was sent"
        )));
    }
    let mut filter = a.filter;
    a.matching.narrow(&mut filter)?;
    let filter = user_filters(app, filter).await?;
    app.set_rate(a.pacing.rate);
    let client = app.client().await?;
    let fleet = crate::bulk::fleet::Fleet {
        filter,
        matching: a.matching,
        delete,
        expect_count: a.expect_count,
        backup: a.backup,
        journal: a.journal,
        dry_run: app.global.dry_run,
    };
    let app_ref: &App = app;
    let expect = fleet.expect_count;
    let confirm = |change: &ops::Change, n: u64| {
        if !crate::app::interactive(&app_ref.err) && expect.is_none() {
            return Err(Fail::Guard(format!(
                "there is no terminal to confirm on: pass --expect-count {n} --yes to go on; nothing was changed"
            )));
        }
        app_ref.guard(command, change)
    };
    let summary = crate::bulk::fleet::run(app_ref, &client, &fleet, command, confirm).await?;
    app.out.object(Kind::Raw, &summary)?;
    if summary["failed"].as_u64().unwrap_or(0) > 0 {
        Err(Fail::Quiet(crate::fail::exit::REFUSED))
    } else {
        Ok(())
    }
}

/// `users verify-password USER --password-stdin`: a short result when the password matches;
/// Clerk's error (exit 5, with a hint) when it does not.
async fn verify_password(app: &mut App, user: &str) -> CliResult {
    ops::names::user(user)?;
    let id = find_user(app, user).await?;
    let password = read_password()?;
    let op = ops::passwords::verify(&id, password)?;
    let client = app.client().await?;
    let req = op.request(&client);
    if app.read(op.doing, op.subject, req).await?.is_some() {
        let result = serde_json::json!({"user_id": id, "verified": true});
        if app.out.format() == crate::cli::Format::Table {
            app.out.raw_text(&format!("{id}: the password matches"))?;
        } else {
            app.out.request(&result)?;
        }
    }
    Ok(())
}

/// `users verify-passwords --file CREDENTIALS`: how many sign in, and who does not.
async fn verify_passwords(
    app: &mut App,
    file: &std::path::Path,
    format: Option<crate::cli::FileFormat>,
    rate: Option<crate::cli::Rate>,
) -> CliResult {
    let format = crate::bulk::rows::file_format(Some(file), format)?;
    let creds = crate::bulk::verify::read(file, format)?;
    if app.global.dry_run {
        app.err.say(format_args!(
            "dry run: {} would be looked up by email address and their passwords checked; nothing was sent",
            crate::term::count(creds.len() as u64, "account", "accounts")
        ));
        return Ok(());
    }
    app.set_rate(rate);
    let client = app.client().await?;
    let summary = crate::bulk::verify::run(&client, creds).await?;
    if app.out.format() == crate::cli::Format::Table {
        let n = |k: &str| summary[k].as_u64().unwrap_or(0);
        let mut lines = vec![format!(
            "{} of {} sign in with their passwords; {} failed",
            n("verified"),
            crate::term::count(n("checked"), "account", "accounts"),
            n("failed")
        )];
        for f in summary["failures"].as_array().into_iter().flatten() {
            lines.push(format!(
                "  line {}: {}: {}",
                f["line"],
                f["email"].as_str().unwrap_or(""),
                f["reason"].as_str().unwrap_or("")
            ));
        }
        app.out.raw_text(&lines.join("\n"))?;
    } else {
        app.out.request(&summary)?;
    }
    if summary["failed"].as_u64().unwrap_or(0) > 0 {
        return Err(Fail::Quiet(crate::fail::exit::REFUSED));
    }
    Ok(())
}
