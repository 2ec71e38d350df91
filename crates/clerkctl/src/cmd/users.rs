//! `clerkctl users ...`

use super::args::{at_most_one_stdin, json_object, opt_object, read_password};
use super::{change, list, show};
use crate::app::App;
use crate::cli::{CreateUserArgs, UpdateUserArgs, UserMetadataArgs, UsersCmd};
use crate::fail::{CliResult, usage};
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
            let op = users::list(&filter, starting_after.as_deref())?;
            list(app, Kind::User, op, &page).await
        }
        UsersCmd::Count { filter } => show(app, Kind::Count, users::count(&filter)?).await,
        UsersCmd::Get { user_id } => show(app, Kind::User, users::get(&user_id)?).await,
        UsersCmd::Create(args) => create(app, *args).await,
        UsersCmd::Update(args) => update(app, *args).await,
        UsersCmd::UpdateMetadata(args) => metadata(app, args, false).await,
        UsersCmd::ReplaceMetadata(args) => metadata(app, args, true).await,
        UsersCmd::Delete { user_id } => {
            change(app, "users delete", Kind::Deleted, users::delete(&user_id)?).await
        }
        UsersCmd::Ban { user_id } => access(app, "users ban", &user_id, Access::Ban).await,
        UsersCmd::Unban { user_id } => access(app, "users unban", &user_id, Access::Unban).await,
        UsersCmd::Lock { user_id } => access(app, "users lock", &user_id, Access::Lock).await,
        UsersCmd::Unlock { user_id } => access(app, "users unlock", &user_id, Access::Unlock).await,
        UsersCmd::Export { filter, export } => {
            let what = crate::bulk::export::What::Users(users::export(&filter)?);
            super::bulk::export(app, what, &export).await
        }
        UsersCmd::Import { bulk } => {
            super::bulk::run(app, crate::bulk::jobs::Job::Users, &bulk).await
        }
    }
}

async fn access(app: &mut App, command: &'static str, user_id: &str, a: Access) -> CliResult {
    change(app, command, Kind::User, users::access(user_id, a)?).await
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
    ops::check::user_id(&a.user_id)?;
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
    };
    if input.is_empty() {
        // Said in flags here; `ops` says it in Clerk's field names.
        return Err(nothing_to_change(
            "--first-name, --last-name, --username, --external-id, --primary-email-address-id, --locale, --data",
        ));
    }
    change(app, "users update", Kind::User, users::update(input)?).await
}

async fn metadata(app: &mut App, a: UserMetadataArgs, replace: bool) -> CliResult {
    ops::check::user_id(&a.user_id)?;
    at_most_one_stdin([
        ("--public-metadata", a.metadata.public_metadata.as_ref()),
        ("--private-metadata", a.metadata.private_metadata.as_ref()),
        ("--unsafe-metadata", a.unsafe_metadata.as_ref()),
    ])?;
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
