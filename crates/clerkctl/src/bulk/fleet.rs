//! Fleet operations: delete or ban every user matching filters (`users delete-matching`,
//! `users ban-matching`, and their MCP tools). The matches are read in full first and decided
//! from each user's record where Clerk cannot filter (`ops::users::MatchFilters`); an
//! organization's only admin is kept unless asked; the count and a sample are said; the caller
//! confirms; the users are written to a new backup file; then each is changed with a journal
//! line, so that a rerun after an interruption carries on and only matched users are sent.

use std::io::Write;
use std::path::PathBuf;

use clerk_api::Client;
use futures::TryStreamExt;
use serde_json::{Value, json};

use crate::app::App;
use crate::fail::{CliResult, Fail};
use crate::ops::users::{self, Access, MatchFilters, UserFilters};
use crate::ops::{self, Change};

/// What to change: the filters (names already resolved) and how.
#[derive(Debug, Clone)]
pub struct Fleet {
    pub filter: UserFilters,
    pub matching: MatchFilters,
    /// Delete (else ban).
    pub delete: bool,
    pub expect_count: Option<u64>,
    pub backup: Option<PathBuf>,
    pub journal: Option<PathBuf>,
    pub dry_run: bool,
}

/// Runs a fleet operation; `confirm` is asked, with the change and the count, after the
/// matches are shown and before the backup is written. Answers the summary.
pub async fn run(
    app: &App,
    client: &Client,
    f: &Fleet,
    command: &str,
    confirm: impl FnOnce(&Change, u64) -> CliResult<()>,
) -> CliResult<Value> {
    let verb = if f.delete { "delete" } else { "ban" };
    let mut filter = f.filter.clone();
    f.matching.narrow(&mut filter)?;
    if !f.delete && filter.banned.is_none() {
        // A banned user needs no ban.
        filter.banned = Some(false);
    }
    let client = client.clone();
    let fail = |error| Fail::Clerk {
        doing: format!("find the users to {verb}"),
        subject: crate::fail::Subject::User,
        error,
    };
    let mut matched: Vec<Value> = Vec::new();
    let listing = users::export(&filter)?;
    let mut stream = listing
        .request(&client, &ops::Page::default())
        .stream_as::<Value>();
    while let Some(u) = stream.try_next().await.map_err(fail)? {
        if f.matching.matches(&u) {
            matched.push(u);
        }
    }
    drop(stream);
    let mut sole_admins = Vec::new();
    if !f.matching.include_sole_admins {
        let mut kept = Vec::new();
        for u in matched {
            let id = u["id"].as_str().unwrap_or_default().to_owned();
            let mine = users::memberships(&id)?
                .request(&client, &ops::Page::default())
                .send_json()
                .await
                .map_err(fail)?;
            let mine = mine["data"].as_array().cloned().unwrap_or_default();
            let mut admins_of = std::collections::HashMap::new();
            for m in &mine {
                if m["role"] != "org:admin" {
                    continue;
                }
                let org = m["organization"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let admins = ops::memberships::list(
                    &org,
                    &ops::memberships::MemberFilters {
                        role: vec!["org:admin".into()],
                        ..Default::default()
                    },
                )?
                .request(
                    &client,
                    &ops::Page {
                        limit: Some(2),
                        ..Default::default()
                    },
                )
                .send_json()
                .await
                .map_err(fail)?;
                let ids: Vec<String> = admins["data"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|m| m["public_user_data"]["user_id"].as_str().map(str::to_owned))
                    .collect();
                admins_of.insert(org, ids);
            }
            let sole =
                users::sole_admin_of(&mine, |org| admins_of.get(org).cloned().unwrap_or_default());
            if sole.is_empty() {
                kept.push(u);
            } else {
                app.err.say(format_args!(
                    "skipping {}: the only admin of {} (--include-sole-admins to {verb} anyway)",
                    ops::names::user_line(&u),
                    sole.join(", ")
                ));
                sole_admins.push(json!({"user_id": id, "sole_admin_of": sole}));
            }
        }
        matched = kept;
    }
    let n = matched.len() as u64;
    app.err.say(format_args!(
        "{n} user{} match{}",
        if n == 1 { "" } else { "s" },
        if n == 1 { "es" } else { "" }
    ));
    for u in matched.iter().take(5) {
        app.err.say(format_args!("  {}", ops::names::user_line(u)));
    }
    if n > 5 {
        app.err.say(format_args!("  ... and {} more", n - 5));
    }
    let ids: Vec<String> = matched
        .iter()
        .filter_map(|u| u["id"].as_str().map(str::to_owned))
        .collect();
    if let Some(want) = f.expect_count
        && want != n
    {
        return Err(Fail::Guard(format!(
            "{n} users match, not the {want} --expect-count says: check the filters; nothing was changed"
        )));
    }
    if n == 0 {
        return Ok(
            json!({"matched": 0, "done": 0, "failed": 0, "sole_admins_skipped": sole_admins}),
        );
    }
    if f.dry_run {
        app.err.say("dry run: nothing was changed");
        return Ok(
            json!({"dry_run": true, "matched": n, "would": verb, "user_ids": ids,
                "sole_admins_skipped": sole_admins}),
        );
    }
    confirm(&users::several(verb, &ids, true), n)?;

    let backup = f.backup.clone().unwrap_or_else(|| {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        std::path::PathBuf::from(format!("users-{verb}-backup-{secs}.ndjson"))
    });
    let journal_path = f.journal.clone().unwrap_or_else(|| {
        let mut name = backup.clone().into_os_string();
        // Not `.journal`: that is the journal of a `users import` of the backup.
        name.push(".fleet-journal");
        name.into()
    });
    // The journal of an earlier run: its users are done.
    let mut done_before = std::collections::HashSet::new();
    if let Some(text) = crate::files::read_text(&journal_path)? {
        for line in text.lines() {
            if let Ok(v) = serde_json::from_str::<Value>(line)
                && let Some(id) = v["user_id"].as_str()
            {
                done_before.insert(id.to_owned());
            }
        }
    }
    if done_before.is_empty() {
        let mut file = crate::files::NewFile::create(&backup, false)?;
        for u in &matched {
            let mut line = serde_json::to_vec(u).unwrap_or_default();
            line.push(b'\n');
            file.write_all(&line).map_err(|e| {
                Fail::Other(format!("cannot write the backup {}: {e}", backup.display()))
            })?;
        }
        file.commit()?;
        app.err.say(format_args!(
            "backed up the {n} users to {} (clerkctl users import --file {} recreates them, with new IDs)",
            backup.display(),
            backup.display()
        ));
    }
    let mut journal = crate::files::append(&journal_path)?;
    let mut done = 0u64;
    let mut already = 0u64;
    let mut failures = Vec::new();
    for id in &ids {
        if done_before.contains(id) {
            already += 1;
            continue;
        }
        let outcome = if f.delete {
            let op = users::delete(id)?;
            app.send_change(command, &op.change, op.request(&client))
                .await
                .map(drop)
        } else {
            let op = users::access(id, Access::Ban)?;
            app.send_change(command, &op.change, op.request(&client))
                .await
                .map(drop)
        };
        let ok = match outcome {
            Ok(()) => true,
            // Deleted already (a retried request whose first answer was lost, or a rerun).
            Err(Fail::Clerk { error, .. }) if f.delete && error.status() == Some(404) => true,
            Err(e) => {
                failures.push(json!({"user_id": id, "error": e.line()}));
                false
            }
        };
        if ok {
            done += 1;
            let mut line =
                serde_json::to_vec(&json!({"user_id": id, "status": "done"})).unwrap_or_default();
            line.push(b'\n');
            journal.write_all(&line).map_err(|e| {
                Fail::Other(format!(
                    "cannot write the journal {}: {e}",
                    journal_path.display()
                ))
            })?;
        }
    }
    Ok(json!({
        "matched": n,
        "done": done,
        "already_done": already,
        "failed": failures.len(),
        "failures": failures,
        "sole_admins_skipped": sole_admins,
        "backup": backup.display().to_string(),
        "journal": journal_path.display().to_string(),
    }))
}
