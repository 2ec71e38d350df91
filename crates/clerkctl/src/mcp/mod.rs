//! `clerkctl mcp`: the CLI's operations as the tools of a Model Context Protocol server on
//! stdio, built on rmcp (the official Rust MCP SDK).
//!
//! It shares everything with the CLI except the printing: the same operations (`ops`: input
//! checks, filters, requests), client and key handling (`App::client`), read-only guard, dry
//! run, production-key notice and audit log (`App::send_change`), and the same exit-code
//! classes and hints (`Fail`).
//! stdout carries the protocol and nothing else; notices and logs go to stderr.

mod params;
mod tools;

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::sync::Arc;

use clerk_api::Client;
use rmcp::ServiceExt;
use serde_json::Value;

use crate::app::App;
use crate::cli::{Global, McpArgs};
use crate::fail::{CliResult, usage};
use crate::term::Stderr;

pub use tools::{EXPORTS, Server};

/// The tool groups `--tools` takes, with the names people may use for them.
pub const GROUPS: &[(&str, &[&str], &[&str])] = &[
    (
        "users",
        &[],
        &[
            "list_users",
            "get_user",
            "get_user_count",
            "list_user_memberships",
            "create_user",
            "delete_users_matching",
            "ban_users_matching",
            "update_user",
            "update_user_metadata",
            "delete_user",
            "ban_user",
            "unban_user",
            "lock_user",
            "unlock_user",
            "import_users",
            "update_users_metadata_bulk",
            "export_users",
        ],
    ),
    (
        "organizations",
        &["orgs"],
        &[
            "list_organizations",
            "get_organization",
            "create_organization",
            "update_organization",
            "delete_organization",
            "import_organizations",
            "update_organizations_metadata_bulk",
            "export_organizations",
        ],
    ),
    (
        "members",
        &["memberships"],
        &[
            "list_members",
            "add_member",
            "update_member",
            "remove_member",
            "add_members_bulk",
            "import_members",
            "update_members_metadata_bulk",
            "export_members",
        ],
    ),
    (
        "invitations",
        &[],
        &[
            "list_invitations",
            "get_invitation",
            "create_invitation",
            "revoke_invitation",
            "create_invitations_bulk",
        ],
    ),
    (
        "app_invitations",
        &["app-invitations"],
        &[
            "list_app_invitations",
            "create_app_invitation",
            "revoke_app_invitation",
            "create_app_invitations_bulk",
        ],
    ),
    (
        "sessions",
        &["tokens"],
        &[
            "list_sessions",
            "get_session",
            "revoke_session",
            "create_session_token",
            "list_jwt_templates",
            "get_jwt_template",
            "get_jwks",
            "get_status",
            "verify_webhook",
        ],
    ),
];

/// The tools to offer: `--tools` (groups or names), less those that change anything when
/// read-only.
pub fn select(tools: Option<&[String]>, read_only: bool) -> CliResult<BTreeSet<String>> {
    let all = Server::tool_router().list_all();
    let mut chosen: BTreeSet<String> = match tools {
        None => all.iter().map(|t| t.name.to_string()).collect(),
        Some(wanted) => {
            let mut chosen = BTreeSet::new();
            for w in wanted.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
                if let Some((_, _, names)) = GROUPS
                    .iter()
                    .find(|(group, aliases, _)| *group == w || aliases.contains(&w))
                {
                    chosen.extend(names.iter().map(|n| (*n).to_owned()));
                } else if all.iter().any(|t| t.name == w) {
                    chosen.insert(w.to_owned());
                } else {
                    return Err(usage(format!(
                        "--tools: {w:?} is neither a group ({}) nor a tool name (see `clerkctl mcp --help`)",
                        GROUPS.iter().map(|g| g.0).collect::<Vec<_>>().join(", ")
                    )));
                }
            }
            chosen
        }
    };
    if read_only {
        chosen.retain(|name| {
            EXPORTS.contains(&name.as_str())
                || all.iter().any(|t| {
                    t.name == name.as_str()
                        && t.annotations
                            .as_ref()
                            .and_then(|a| a.read_only_hint)
                            .unwrap_or(false)
                })
        });
    }
    if chosen.is_empty() {
        return Err(usage(
            "no tools left to offer: --read-only hides every tool that changes anything, and --tools chose only such tools",
        ));
    }
    Ok(chosen)
}

/// `clerkctl mcp`: serves until the client closes stdin.
pub fn run(global: Global, args: McpArgs) -> ExitCode {
    let err = Stderr::new();
    crate::logging::init(&err);
    let selected = match select(args.tools.as_deref(), global.read_only) {
        Ok(s) => s,
        Err(fail) => return fail.report(false, &err),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            err.say(format_args!("cannot start the async runtime: {e}"));
            return ExitCode::from(crate::fail::exit::UNEXPECTED);
        }
    };
    let files = match crate::confine::FilesDir::open(args.files_dir.as_deref()) {
        Ok(f) => f,
        Err(fail) => return fail.report(false, &err),
    };
    let code = runtime.block_on(serve(
        err,
        global,
        args.pacing.rate,
        args.allow_private_metadata,
        files,
        selected,
    ));
    // A read of stdin still pending on the blocking pool must not hold the exit up.
    runtime.shutdown_background();
    code
}

async fn serve(
    err: Stderr,
    global: Global,
    rate: Option<crate::cli::Rate>,
    allow_private: bool,
    files: crate::confine::FilesDir,
    selected: BTreeSet<String>,
) -> ExitCode {
    let local = global.local;
    let mut app = App::with_stderr(global, err.clone());
    // Paced as the CLI's bulk commands are: every tool shares the instance's limit.
    app.set_rate(rate);
    // Without a usable key the server still starts, and every tool answers the setup error
    // with its hint: the agent can tell the person what to do, which a server that will not
    // start cannot.
    let client: Result<Client, Value> = match app.client().await {
        Ok(c) => Ok(c),
        Err(fail) if local => return fail.report(false, &err),
        Err(fail) => {
            err.line(format_args!(
                "clerkctl mcp: {} (every tool will answer this error)",
                fail.line()
            ));
            Err(fail.to_json_for(crate::fail::Front::Mcp))
        }
    };
    let tools = selected.len();
    let app = Arc::new(app);
    let server = Server::new(app.clone(), client, allow_private, files, &selected);
    match server.serve(rmcp::transport::stdio()).await {
        Ok(running) => {
            tracing::info!("clerkctl mcp: serving {tools} tools on stdio");
            if let Err(e) = running.waiting().await {
                err.line(format_args!("clerkctl mcp: the server stopped: {e}"));
            }
        }
        // The client went away before it said hello: nothing to serve.
        Err(rmcp::service::ServerInitializeError::ConnectionClosed(_)) => {}
        Err(e) => {
            err.line(format_args!(
                "clerkctl mcp: could not start the MCP session: {e}"
            ));
            finish(app).await;
            return ExitCode::from(crate::fail::exit::UNEXPECTED);
        }
    }
    finish(app).await;
    ExitCode::SUCCESS
}

/// Stops the built-in emulator, when the server was its last user.
async fn finish(app: Arc<App>) {
    if let Ok(mut app) = Arc::try_unwrap(app) {
        app.finish().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_name_every_tool_once() {
        let mut grouped: Vec<&str> = GROUPS.iter().flat_map(|g| g.2.iter().copied()).collect();
        grouped.sort_unstable();
        let mut tools: Vec<String> = Server::tool_router()
            .list_all()
            .into_iter()
            .map(|t| t.name.to_string())
            .collect();
        tools.sort_unstable();
        assert_eq!(grouped, tools);
    }

    #[test]
    fn selection() {
        let only = |t: &[&str], ro| {
            select(
                Some(&t.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()),
                ro,
            )
        };
        assert_eq!(
            only(&["users"], true)
                .unwrap()
                .into_iter()
                .collect::<Vec<_>>(),
            [
                "export_users",
                "get_user",
                "get_user_count",
                "list_user_memberships",
                "list_users"
            ]
        );
        assert_eq!(only(&["orgs", "delete_user"], false).unwrap().len(), 9);
        assert!(only(&["delete_user"], true).is_err());
        assert!(only(&["nope"], false).is_err());
    }

    /// Every filter of a command-line list (or export) is a parameter of the matching tool,
    /// under the same name: Clerk's query parameter's.
    #[test]
    fn every_list_filter_of_the_command_line_is_a_parameter_of_its_tool() {
        use clap::CommandFactory;
        let pairs: &[(&[&str], &str)] = &[
            (&["users", "list"], "list_users"),
            (&["users", "count"], "get_user_count"),
            (&["users", "export"], "export_users"),
            (&["orgs", "list"], "list_organizations"),
            (&["orgs", "export"], "export_organizations"),
            (&["members", "list"], "list_members"),
            (&["members", "export"], "export_members"),
            (&["invitations", "list"], "list_invitations"),
            (&["app-invitations", "list"], "list_app_invitations"),
            (&["sessions", "list"], "list_sessions"),
        ];
        // The command line's own: every page in one stream (a tool answers a page at a time),
        // pacing (the server's --rate paces every tool), and replacing a file (a tool's export
        // never overwrites).
        const CLI_ONLY: &[&str] = &["all", "rate", "force"];
        let cli = crate::cli::Cli::command();
        let tools = Server::tool_router().list_all();
        let mut checked = 0;
        for (path, tool) in pairs {
            let mut cmd = &cli;
            for p in *path {
                cmd = cmd.find_subcommand(p).expect("the command exists");
            }
            let schema = &tools
                .iter()
                .find(|t| t.name == *tool)
                .unwrap_or_else(|| panic!("{tool} exists"))
                .input_schema;
            let props = schema["properties"].as_object().expect("properties");
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if arg.is_global_set() || CLI_ONLY.contains(&id) {
                    continue;
                }
                assert!(
                    props.contains_key(id),
                    "`clerkctl {}` takes --{} but {tool} has no {id} parameter",
                    path.join(" "),
                    arg.get_long().unwrap_or(id)
                );
                checked += 1;
            }
        }
        // users list alone has 21 filters: the walk did look at the flags.
        assert!(checked > 80, "{checked}");
    }
}
