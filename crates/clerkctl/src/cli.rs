//! The command line: global options and the command tree. Command names are fixed: scripts, the
//! agent skill and the MCP server rely on them.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::builder::FalseyValueParser;
use clap::{ArgAction, Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::ops::invitations::AppInvitationFilters;
use crate::ops::memberships::MemberFilters;
use crate::ops::organization_invitations::InvitationFilters;
use crate::ops::organizations::OrganizationFilters;
use crate::ops::sessions::SessionFilters;
use crate::ops::users::UserFilters;

#[derive(Debug, Parser)]
#[command(
    name = "clerkctl",
    version,
    about = "Manage a Clerk instance's users, organizations, memberships and invitations",
    long_about = "Manage a Clerk instance's users, organizations, memberships and invitations \
through Clerk's Backend API. Run any command with --local to use a built-in emulator with demo \
data instead of a Clerk instance.",
    after_help = crate::help::EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// The command line as it is parsed and shown. The global options are listed once, under
/// `clerkctl --help`: each command's own help ends with a line that points there instead of
/// repeating them (they still work after any command).
pub fn command() -> clap::Command {
    let cmd = Cli::command();
    let globals: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    let mut cmd = cmd;
    for name in names {
        cmd = cmd.mut_subcommand(&name, |mut sub| {
            // A hidden copy of each global option: clap propagates a global option only where
            // there is none of that name, so this one (still global) is what the command and
            // those under it get.
            for arg in &globals {
                sub = sub.arg(arg.clone().hide(true));
            }
            point_to_globals(sub)
        });
    }
    cmd
}

/// Ends the help of `cmd` and of every command under it with the line that says where the
/// global options are.
fn point_to_globals(cmd: clap::Command) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    let mut cmd = cmd.help_template(
        "{before-help}{about-with-newline}\n{usage-heading} {usage}\n\n{all-args}{after-help}\n\n\
         Global options (-o, --fields, --jq, --dry-run, --yes, --read-only, --local, ...): \
         see clerkctl --help\n",
    );
    for name in names {
        cmd = cmd.mut_subcommand(&name, point_to_globals);
    }
    cmd
}

/// `users list`: the names of the commands `matches` went through.
pub fn command_path(matches: &clap::ArgMatches) -> String {
    let mut path = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        path.push(name.to_owned());
        m = sub;
    }
    path.join(" ")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns (the default on a terminal).
    Table,
    /// Clerk's JSON (the default when piped); lists are {"data": [...], "total_count": N}.
    Json,
    /// One JSON object per line; streams with --all.
    Ndjson,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(short = 'o', long, global = true, value_enum)]
    pub output: Option<Format>,
    /// Keep only these fields (comma-separated; dots reach inside objects and across arrays:
    /// public_metadata.plan, email_addresses.email_address). Unknown fields are refused.
    #[arg(long, global = true, value_delimiter = ',', value_name = "FIELDS")]
    pub fields: Option<Vec<String>>,
    /// Filter the JSON output with a jq expression (strings print without quotes; implies
    /// -o json): --jq '.data[].id'.
    #[arg(long, global = true, value_name = "EXPR")]
    pub jq: Option<String>,
    /// Refuse every command that changes anything (exit 7).
    #[arg(long, global = true, env = "CLERKCTL_READ_ONLY", value_parser = FalseyValueParser::new(), action = ArgAction::SetTrue)]
    pub read_only: bool,
    /// Print the request that would be sent (method, path, body) and send nothing.
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Show more: a dry run prints the whole request (URL, headers with the key masked).
    #[arg(long, global = true)]
    pub verbose: bool,
    /// Confirm destructive commands (needed when there is no terminal to ask on).
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,
    /// Use the built-in emulator with its local state instead of a Clerk instance.
    #[arg(long, global = true)]
    pub local: bool,
    /// Where --local keeps its state [default: $XDG_DATA_HOME/clerkctl/local.db].
    #[arg(long, global = true, value_name = "PATH")]
    pub local_data: Option<PathBuf>,
    /// Append an audit record of each change to this file
    /// [default: $XDG_STATE_HOME/clerkctl/audit.jsonl].
    #[arg(long, global = true, env = "CLERKCTL_AUDIT_LOG", value_name = "PATH")]
    pub audit_log: Option<PathBuf>,
    /// Keep no audit record.
    #[arg(long, global = true)]
    pub no_audit: bool,
    /// Seconds one request may take before it is abandoned (retries included separately).
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Users: list, count, get, create, update, metadata, delete, ban, lock.
    #[command(
        subcommand,
        after_help = "Examples:
  clerkctl users list --query ada
  clerkctl users get user_2xhFjEI5X2qWRvtV13BzSj8H6Dk
  clerkctl users count --banned true
  clerkctl users ban user_2xhFjEI5X2qWRvtV13BzSj8H6Dk"
    )]
    Users(UsersCmd),
    /// Organizations: list, get, create, update, metadata, delete.
    #[command(
        subcommand,
        visible_alias = "organizations",
        after_help = "Examples:
  clerkctl orgs list --query acme
  clerkctl orgs get acme
  clerkctl orgs create 'Acme Inc' --slug acme"
    )]
    Orgs(OrgsCmd),
    /// Organization memberships: list, add, update, update-metadata, remove.
    #[command(
        subcommand,
        visible_alias = "memberships",
        after_help = "Examples:
  clerkctl members list org_2xhFjEI5X2qWRvtV13BzSj8H6Dk
  clerkctl members add org_2xhFjEI5X2qWRvtV13BzSj8H6Dk user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --role org:admin"
    )]
    Members(MembersCmd),
    /// Organization invitations: list, get, create, revoke.
    #[command(
        subcommand,
        after_help = "Examples:
  clerkctl invitations list --status pending
  clerkctl invitations create org_2xhFjEI5X2qWRvtV13BzSj8H6Dk alice@example.com --role org:member"
    )]
    Invitations(InvitationsCmd),
    /// Invitations to sign up to the application: list, create, revoke.
    #[command(
        subcommand,
        after_help = "Examples:
  clerkctl app-invitations list
  clerkctl app-invitations create bob@example.com"
    )]
    AppInvitations(AppInvitationsCmd),
    /// Sessions: list, get, create, revoke.
    #[command(
        subcommand,
        after_help = "Examples:
  clerkctl sessions list --user-id user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --status active
  clerkctl sessions create user_2xhFjEI5X2qWRvtV13BzSj8H6Dk
  clerkctl sessions revoke sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk"
    )]
    Sessions(SessionsCmd),
    /// Print a session token for a user, to call your own API as them.
    Token(TokenArgs),
    /// JWT templates (custom tokens): list, get, create, update, delete.
    #[command(
        subcommand,
        after_help = "Examples:
  clerkctl jwt-templates list
  clerkctl jwt-templates get supabase"
    )]
    JwtTemplates(JwtTemplatesCmd),
    /// Print the instance's public keys (JWKS), or with --pem the key for CLERK_JWT_KEY.
    Jwks(JwksArgs),
    /// Which instance the key belongs to, whether it works, and what the instance holds.
    #[command(
        after_help = "Shows the instance's ID, development or production, the API URL, the key (its last four
characters only), whether Clerk accepts it, the counts of users and organizations, and
whether read-only mode is on. Exits 3 when the key does not work.

Examples:
  clerkctl status
  clerkctl status -o json"
    )]
    Status,
    /// Webhooks: verify a saved delivery against its signing secret.
    #[command(
        subcommand,
        after_help = "Examples:
  clerkctl webhooks verify --body body.json --headers headers.json"
    )]
    Webhooks(WebhooksCmd),
    /// Call any Backend API endpoint, with the same key handling, guards and audit.
    #[command(after_help = "Examples:
  clerkctl api GET users/count
  clerkctl api GET /organizations -q limit=5 -q order_by=-created_at
  clerkctl api PATCH /users/user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --data '{\"first_name\": \"Ada\"}'
  clerkctl api POST /jwt_templates --data @template.json")]
    Api(ApiArgs),
    /// Print a shell completion script.
    #[command(after_help = "Examples:
  clerkctl completions bash > /etc/bash_completion.d/clerkctl
  clerkctl completions zsh > \"${fpath[1]}/_clerkctl\"
  clerkctl completions fish > ~/.config/fish/completions/clerkctl.fish")]
    Completions(CompletionsArgs),
    /// Write man pages (clerkctl.1 and one per command) into a directory.
    #[command(after_help = "Examples:
  clerkctl man --out ./man
  clerkctl man --out ~/.local/share/man/man1")]
    Man(ManArgs),
    /// Empty the --local emulator's state (with --demo, refill it with the demo company).
    #[command(after_help = "Examples:
  clerkctl --local reset
  clerkctl --local reset --demo --yes")]
    Reset(ResetArgs),
    /// Run a local emulator of Clerk's Backend API.
    Emulator(EmulatorArgs),
    /// Serve these operations to AI agents as an MCP server on stdio.
    Mcp(McpArgs),
    /// Install or package the clerk-api Agent Skill.
    #[command(
        subcommand,
        after_help = "Examples:
  clerkctl skill install
  clerkctl skill install --global
  clerkctl skill package --with-binary"
    )]
    Skill(SkillCmd),
}

// ---- shared argument groups -------------------------------------------------------------------

#[derive(Debug, Args, Clone)]
pub struct PageArgs {
    /// Items per page, 1 to 500 [Clerk's default: 10].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=500))]
    pub limit: Option<u32>,
    /// Skip this many items.
    #[arg(long)]
    pub offset: Option<u64>,
    /// Order by a field: prefix - for descending, + for ascending (e.g. -created_at).
    #[arg(long, value_name = "FIELD", allow_hyphen_values = true)]
    pub order_by: Option<String>,
    /// Every page, streamed (--limit sets the page size, 500 by default).
    #[arg(long)]
    pub all: bool,
}

impl PageArgs {
    /// The page asked for (`--all` is how the command line reads it, not which page).
    pub fn page(&self) -> crate::ops::Page {
        crate::ops::Page {
            limit: self.limit,
            offset: self.offset,
            order_by: self.order_by.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FileFormat {
    /// Comma-separated values with a header row of Clerk field names.
    Csv,
    /// One JSON object per line.
    Ndjson,
}

/// How fast to go: `N/SECONDS`, or `off` for no pacing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rate {
    Limit(clerk_api::RateLimit),
    Off,
}

impl std::str::FromStr for Rate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("off") {
            Ok(Rate::Off)
        } else {
            s.parse().map(Rate::Limit)
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct PacingArgs {
    /// Requests per window, e.g. 100/10, or off [default: Clerk's instance limit: 100/10 for
    /// sk_test_ keys, 1000/10 for sk_live_ keys; off with --local].
    #[arg(long, value_name = "N/SECONDS")]
    pub rate: Option<Rate>,
}

#[derive(Debug, Args, Clone)]
pub struct MatchingArgs {
    #[command(flatten)]
    pub filter: UserFilters,
    #[command(flatten)]
    pub matching: crate::ops::users::MatchFilters,
    /// The number of users you expect to match (shown by a first run without it): the job
    /// refuses if the count differs. Needed when there is no terminal to confirm on.
    #[arg(long, value_name = "N")]
    pub expect_count: Option<u64>,
    /// Where to back up the matched users before changing anything (a new ndjson file)
    /// [default: users-delete-backup-UNIXTIME.ndjson or users-ban-backup-UNIXTIME.ndjson].
    #[arg(long, value_name = "FILE")]
    pub backup: Option<PathBuf>,
    /// The job's journal: a rerun with the same journal skips the users already done
    /// [default: the backup file's name with .fleet-journal].
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    #[command(flatten)]
    pub pacing: PacingArgs,
}

#[derive(Debug, Args, Clone)]
pub struct BulkArgs {
    /// The rows: CSV with a header of Clerk field names, or ndjson (one JSON object a line).
    #[arg(long, value_name = "FILE")]
    pub file: PathBuf,
    /// The file's format [default: from its extension, csv or ndjson/jsonl/json].
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    /// Where each row's outcome is recorded, so a second run carries on where this one
    /// stopped [default: FILE.journal beside the input].
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    #[command(flatten)]
    pub pacing: PacingArgs,
    /// Requests in flight at once [default: as many as the pace and the observed round trip
    /// need, at most 32, fewer after a 429].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=32))]
    pub concurrency: Option<u32>,
    /// Do not pace to Clerk's hourly limits on invitation creates (for instances or emulators
    /// without them).
    #[arg(long)]
    pub no_hourly_limits: bool,
}

/// A metadata job's input: rows from a file, or names on the command line with the metadata
/// as flags.
#[derive(Debug, Args, Clone)]
pub struct MetadataBulkArgs {
    /// The rows instead of names: CSV with a header (the ID column, then public_metadata,
    /// private_metadata as JSON objects) or ndjson; - reads stdin (pass --journal too).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The file's format [default: from its extension, csv or ndjson/jsonl/json].
    #[arg(long, value_enum, requires = "file")]
    pub format: Option<FileFormat>,
    /// Where each row's outcome is recorded, so a second run carries on where this one
    /// stopped [default: FILE.journal beside the input; for names, a journal under the state
    /// directory named after the names and the metadata].
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    #[command(flatten)]
    pub metadata: MetadataArgs,
    #[command(flatten)]
    pub pacing: PacingArgs,
    /// Requests in flight at once [default: as many as the pace and the observed round trip
    /// need, at most 32, fewer after a 429].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=32))]
    pub concurrency: Option<u32>,
}

#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    /// ndjson (Clerk's objects, one a line) or csv (the main fields, ISO 8601 times, metadata
    /// as JSON); by default the --out file's extension decides (.csv, .ndjson), else ndjson.
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    /// Write to this new file (private, completed atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace the --out file if it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Include private_metadata (left out by default: exports travel further than the API).
    #[arg(long)]
    pub include_private_metadata: bool,
    #[command(flatten)]
    pub pacing: PacingArgs,
}

/// A JSON object given inline, as @FILE, or - for stdin.
pub type JsonArg = String;

#[derive(Debug, Args, Clone)]
pub struct MetadataArgs {
    /// Public metadata: a JSON object, @FILE, or - for stdin.
    #[arg(
        long = "public-metadata",
        visible_alias = "public",
        value_name = "JSON"
    )]
    pub public_metadata: Option<JsonArg>,
    /// Private metadata (Backend API only): a JSON object, @FILE, or -.
    #[arg(
        long = "private-metadata",
        visible_alias = "private",
        value_name = "JSON"
    )]
    pub private_metadata: Option<JsonArg>,
}

// ---- users ----------------------------------------------------------------------------------------

#[derive(Debug, Subcommand)]
pub enum UsersCmd {
    /// List users, newest first.
    #[command(after_help = "Examples:
  clerkctl users list
  clerkctl users list --query ada --limit 20
  clerkctl users list --email-address ada@example.com -o json --fields id,email_addresses.email_address
  clerkctl users list --organization-id org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --all -o ndjson
  clerkctl users list --jq '.data[] | select(.banned) | .id'")]
    List {
        #[command(flatten)]
        filter: Box<UserFilters>,
        #[command(flatten)]
        page: PageArgs,
        /// Continue after this user ID (cursor paging).
        #[arg(long, value_name = "USER_ID")]
        starting_after: Option<String>,
    },
    /// Count users matching the filters.
    #[command(after_help = "Examples:
  clerkctl users count
  clerkctl users count --banned true
  clerkctl users count --email-address-query @acme.test")]
    Count {
        #[command(flatten)]
        filter: Box<UserFilters>,
    },
    /// Show one user.
    #[command(after_help = "Examples:
  clerkctl users get user_2xhFjEI5X2qWRvtV13BzSj8H6Dk
  clerkctl users get ada@example.com -o json --fields id,public_metadata")]
    Get {
        /// The user: an ID (user_...), an email address, a phone number or a username.
        user: String,
    },
    /// The organizations a user belongs to, with the organization's name and the user's role.
    #[command(after_help = "Examples:
  clerkctl users orgs ada@example.com
  clerkctl users orgs user_2xhFjEI5X2qWRvtV13BzSj8H6Dk -o json")]
    Orgs {
        /// The user: an ID (user_...), an email address, a phone number or a username.
        user: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Create a user.
    Create(Box<CreateUserArgs>),
    /// Update a user's profile fields.
    Update(Box<UpdateUserArgs>),
    /// Merge metadata into a user's (deep; null deletes a key).
    #[command(after_help = "Examples:
  clerkctl users update-metadata user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --public-metadata '{\"plan\": \"pro\"}'
  clerkctl users update-metadata user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --private-metadata @billing.json
  clerkctl users update-metadata user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --public-metadata '{\"trial\": null}'")]
    UpdateMetadata(UserMetadataArgs),
    /// Replace a user's metadata fields (each field given replaces the stored one).
    #[command(after_help = "Examples:
  clerkctl users replace-metadata user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --public-metadata '{\"plan\": \"pro\"}'
  clerkctl users replace-metadata user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --unsafe-metadata '{}'")]
    ReplaceMetadata(UserMetadataArgs),
    /// Delete users permanently (asks for confirmation).
    #[command(after_help = "Examples:
  clerkctl users delete user_2xhFjEI5X2qWRvtV13BzSj8H6Dk
  clerkctl users delete ada@example.com grace@example.com --yes")]
    Delete {
        /// The users: IDs (user_...), email addresses, phone numbers or usernames.
        #[arg(required = true, value_name = "USER")]
        users: Vec<String>,
    },
    /// Ban users: end their sessions and block sign-in (asks for confirmation; unban undoes it).
    #[command(after_help = "Undo it with `clerkctl users unban USER`.

Examples:
  clerkctl users ban user_2xhFjEI5X2qWRvtV13BzSj8H6Dk
  clerkctl users ban ada@example.com --yes")]
    Ban {
        /// The users: IDs (user_...), email addresses, phone numbers or usernames.
        #[arg(required = true, value_name = "USER")]
        users: Vec<String>,
    },
    /// Lift a ban.
    #[command(after_help = "Examples:
  clerkctl users unban user_2xhFjEI5X2qWRvtV13BzSj8H6Dk")]
    Unban {
        /// The users: IDs (user_...), email addresses, phone numbers or usernames.
        #[arg(required = true, value_name = "USER")]
        users: Vec<String>,
    },
    /// Lock users out of signing in (asks for confirmation; unlock undoes it).
    #[command(after_help = "Undo it with `clerkctl users unlock USER`.

Examples:
  clerkctl users lock user_2xhFjEI5X2qWRvtV13BzSj8H6Dk
  clerkctl users lock ada@example.com --yes")]
    Lock {
        /// The users: IDs (user_...), email addresses, phone numbers or usernames.
        #[arg(required = true, value_name = "USER")]
        users: Vec<String>,
    },
    /// Unlock a user.
    #[command(after_help = "Examples:
  clerkctl users unlock user_2xhFjEI5X2qWRvtV13BzSj8H6Dk")]
    Unlock {
        /// The users: IDs (user_...), email addresses, phone numbers or usernames.
        #[arg(required = true, value_name = "USER")]
        users: Vec<String>,
    },
    /// Delete every user matching the filters: shows the count and a sample, backs the users
    /// up to a new file, then deletes them one by one, journaled (a rerun carries on). Users
    /// who are an organization's only admin are skipped unless --include-sole-admins.
    #[command(after_help = "Examples:
  clerkctl users delete-matching --email-domain example.test
  clerkctl users delete-matching --never-signed-in --created-before 90d --expect-count 12 --yes")]
    DeleteMatching(Box<MatchingArgs>),
    /// Ban every user matching the filters (banned users are left out), as delete-matching
    /// does: count and sample first, a backup, a journal; unban undoes it.
    #[command(after_help = "Examples:
  clerkctl users ban-matching --email-domain spam.test
  clerkctl users ban-matching --query bot --expect-count 3 --yes")]
    BanMatching(Box<MatchingArgs>),
    /// Every user (or those matching the filters), streamed.
    #[command(after_help = "Examples:
  clerkctl users export --out users.ndjson
  clerkctl users export --out users.csv --banned false")]
    Export {
        #[command(flatten)]
        filter: Box<UserFilters>,
        #[command(flatten)]
        export: ExportArgs,
    },
    /// Create users from a file, skipping those that exist (matched by external_id or email);
    /// resumable.
    #[command(
        after_help = "Columns (a CSV header, or the keys of ndjson objects): the fields of Clerk's
create-user request. email_address and phone_number take several values separated by ;
(or a JSON array); public_metadata, private_metadata and unsafe_metadata take JSON
objects; also username, first_name, last_name, external_id, password or password_digest
with password_hasher, skip_password_checks, created_at. A row needs an email address, a
phone number or a username (as the instance requires). Every password_digest is checked
against its password_hasher's format first: one that does not fit stops the job (exit 2).

Examples:
  clerkctl users import --file users.csv --dry-run
  clerkctl users import --file users.csv
  clerkctl users import --file users.ndjson --rate 50/10
  clerkctl users import --from clerk --file clerk-export.csv --dry-run
  clerkctl users import --from auth0 --file auth0-users.ndjson --password-hashes auth0-hashes.ndjson
  clerkctl users import --from firebase --file firebase-users.json --hash-config hash-config.json
  clerkctl users import --from supabase --file auth-users.csv"
    )]
    Import {
        #[command(flatten)]
        bulk: BulkArgs,
        /// Read another system's export instead of rows of Clerk's fields: clerk (the
        /// dashboard's CSV), auth0 (bulk export ndjson), firebase (auth:export JSON), supabase
        /// (auth.users as CSV or JSON). See docs/migrations.md.
        #[arg(long, value_enum, value_name = "FORMAT")]
        from: Option<crate::bulk::migrate::Source>,
        /// With --from auth0: the ndjson of bcrypt password hashes Auth0 support exports,
        /// joined to the users by user ID (or email address).
        #[arg(long, value_name = "FILE", requires = "from")]
        password_hashes: Option<PathBuf>,
        /// With --from firebase (required there): the project's scrypt parameters
        /// (base64_signer_key, base64_salt_separator, rounds, mem_cost), JSON or as the
        /// console shows them.
        #[arg(long, value_name = "FILE", requires = "from")]
        hash_config: Option<PathBuf>,
    },
    /// Check a password against a user's (as Clerk's verify_password does): exit 0 when it
    /// matches, 5 with Clerk's incorrect_password when it does not. Changes nothing.
    #[command(
        after_help = "The password is read from the first line of stdin (asked for without echo on a
terminal), never from the command line.

Examples:
  clerkctl users verify-password ada@example.com --password-stdin < password.txt
  clerkctl --local users verify-password user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --password-stdin"
    )]
    VerifyPassword {
        /// The user: an ID (user_...), an email address, a phone number or a username.
        user: String,
        /// Read the password from the first line of stdin (required: never a command-line argument).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Check a list of test accounts' passwords (after a migration, before the real run):
    /// says how many sign in and names each that does not, in the file's order; exit 5 if any
    /// does not.
    #[command(
        after_help = "The file: CSV with a header email,password, or ndjson objects
{\"email\": ..., \"password\": ...}. Each user is looked up by email address, then Clerk's
verify_password is asked. Passwords are never printed or written anywhere.

Examples:
  clerkctl --local users verify-passwords --file test-accounts.csv
  clerkctl users verify-passwords --file - --format ndjson -o json < accounts.ndjson"
    )]
    VerifyPasswords {
        /// The accounts: CSV (email,password) or ndjson; - reads stdin.
        #[arg(long, value_name = "CREDENTIALS")]
        file: PathBuf,
        /// The file's format [default: from its extension; ndjson for stdin].
        #[arg(long, value_enum)]
        format: Option<FileFormat>,
        #[command(flatten)]
        pacing: PacingArgs,
    },
    /// Merge metadata into many users' (deep; null deletes a key), from a file or for the
    /// users named; journaled, paced and resumable.
    #[command(
        after_help = "Each user gets one PATCH /users/{id}/metadata: a deep merge, as
`users update-metadata` does (keys given replace those stored, null removes a key, other
keys stay); nothing is replaced whole. Columns: user_id (required; an `id` column or a
`users export` line works too), public_metadata, private_metadata, unsafe_metadata (JSON
objects). A flag gives its metadata to every row that has none of that kind. One bad row
stops the job before anything is sent. A rerun with the same journal skips the rows done.

Examples:
  clerkctl users update-metadata-bulk ada@example.com grace@example.com --public-metadata '{\"plan\": \"pro\"}' --dry-run
  clerkctl users update-metadata-bulk user_2xhFjEI5X2qWRvtV13BzSj8H6Dk user_2yKc8qf1rKkS2Lx0d3Vf8nq9ZtA --private-metadata '{\"tier\": 2}'
  clerkctl users update-metadata-bulk --file plans.csv
  clerkctl users export --email-address-query @acme.test | clerkctl users update-metadata-bulk --file - --journal acme.journal --public-metadata '{\"company\": \"acme\"}'"
    )]
    UpdateMetadataBulk {
        /// The users: IDs (user_...), email addresses, phone numbers or usernames; or --file.
        #[arg(value_name = "USER", conflicts_with = "file")]
        users: Vec<String>,
        /// Unsafe metadata for every row that has none: a JSON object, @FILE, or -.
        #[arg(long = "unsafe-metadata", value_name = "JSON")]
        unsafe_metadata: Option<JsonArg>,
        #[command(flatten)]
        bulk: MetadataBulkArgs,
    },
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  clerkctl users create --email-address ada@example.com --first-name Ada --last-name Lovelace
  clerkctl users create --email-address ada@example.com --password-stdin < password.txt
  clerkctl users create --username ada_l --public-metadata '{\"plan\": \"pro\"}'")]
pub struct CreateUserArgs {
    /// Email address (repeatable; the first is primary).
    #[arg(long = "email-address", visible_alias = "email", value_name = "EMAIL")]
    pub email_address: Vec<String>,
    /// Phone number in E.164 form, e.g. +15555550100 (repeatable).
    #[arg(long = "phone-number", visible_alias = "phone", value_name = "PHONE")]
    pub phone_number: Vec<String>,
    /// Username (when the instance has usernames on).
    #[arg(long)]
    pub username: Option<String>,
    /// First name.
    #[arg(long)]
    pub first_name: Option<String>,
    /// Last name.
    #[arg(long)]
    pub last_name: Option<String>,
    /// Your own ID for this user.
    #[arg(long)]
    pub external_id: Option<String>,
    /// Read a password from the first line of stdin (never from the command line).
    #[arg(long)]
    pub password_stdin: bool,
    /// Skip Clerk's password checks (for migrations).
    #[arg(long)]
    pub skip_password_checks: bool,
    #[command(flatten)]
    pub metadata: MetadataArgs,
    /// Unsafe metadata: a JSON object, @FILE, or -.
    #[arg(long = "unsafe-metadata", value_name = "JSON")]
    pub unsafe_metadata: Option<JsonArg>,
    /// Any other fields of Clerk's create-user body, as a JSON object, @FILE or -.
    #[arg(long, value_name = "JSON")]
    pub data: Option<JsonArg>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  clerkctl users update user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --first-name Ada --last-name Lovelace
  clerkctl users update user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --external-id emp-42
  clerkctl users update user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --data '{\"delete_self_enabled\": false}'")]
pub struct UpdateUserArgs {
    /// The user: an ID (user_...), an email address, a phone number or a username.
    #[arg(value_name = "USER")]
    pub user_id: String,
    /// Set a new password, read from the first line of stdin (never from the command line).
    #[arg(long)]
    pub password_stdin: bool,
    /// Skip Clerk's password checks for the new password.
    #[arg(long, requires = "password_stdin")]
    pub skip_password_checks: bool,
    /// New first name.
    #[arg(long)]
    pub first_name: Option<String>,
    /// New last name.
    #[arg(long)]
    pub last_name: Option<String>,
    /// New username.
    #[arg(long)]
    pub username: Option<String>,
    /// Your own ID for this user.
    #[arg(long)]
    pub external_id: Option<String>,
    /// The ID (idn_...) of one of the user's verified email addresses.
    #[arg(long, value_name = "IDN_ID")]
    pub primary_email_address_id: Option<String>,
    /// The user's locale, e.g. en-US.
    #[arg(long)]
    pub locale: Option<String>,
    /// Any other fields of Clerk's update-user body, as a JSON object, @FILE or -.
    #[arg(long, value_name = "JSON")]
    pub data: Option<JsonArg>,
}

#[derive(Debug, Args)]
pub struct UserMetadataArgs {
    /// The user: an ID (user_...), an email address, a phone number or a username.
    #[arg(value_name = "USER")]
    pub user_id: String,
    #[command(flatten)]
    pub metadata: MetadataArgs,
    /// Unsafe metadata: a JSON object, @FILE, or -.
    #[arg(
        long = "unsafe-metadata",
        visible_alias = "unsafe",
        value_name = "JSON"
    )]
    pub unsafe_metadata: Option<JsonArg>,
}

// ---- organizations ----------------------------------------------------------------------------

const ORG_ID: &str = "The organization's ID (org_...)";

#[derive(Debug, Subcommand)]
pub enum OrgsCmd {
    /// List organizations, newest first.
    #[command(after_help = "Examples:
  clerkctl orgs list
  clerkctl orgs list --query acme --include-members-count
  clerkctl orgs list --all -o ndjson --fields id,slug")]
    List {
        #[command(flatten)]
        filter: OrganizationFilters,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show one organization, by ID or slug.
    #[command(after_help = "Examples:
  clerkctl orgs get acme
  clerkctl orgs get org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --include-members-count")]
    Get {
        /// An organization ID (org_...) or slug.
        organization: String,
        /// Also count its members (members_count).
        #[arg(long)]
        include_members_count: bool,
    },
    /// Create an organization.
    #[command(after_help = "Examples:
  clerkctl orgs create 'Acme Inc' --slug acme
  clerkctl orgs create 'Acme Inc' --created-by user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --max-allowed-memberships 50")]
    Create {
        /// The organization's name.
        name: String,
        /// A slug for its URLs (lowercase letters, digits, dashes); Clerk makes one if left out.
        #[arg(long)]
        slug: Option<String>,
        /// The user who becomes its first admin: an ID (user_...), an email address or a
        /// username.
        #[arg(long, value_name = "USER")]
        created_by: Option<String>,
        /// How many members (plus pending invitations) it may have; 0 for no limit.
        #[arg(long, value_name = "N")]
        max_allowed_memberships: Option<i64>,
        #[command(flatten)]
        metadata: MetadataArgs,
    },
    /// Update an organization.
    #[command(after_help = "Examples:
  clerkctl orgs update org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --name 'Acme Corporation'
  clerkctl orgs update org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --max-allowed-memberships 100")]
    Update {
        #[arg(help = ORG_ID)]
        organization_id: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New slug.
        #[arg(long)]
        slug: Option<String>,
        /// How many members (plus pending invitations) it may have; 0 for no limit.
        #[arg(long, value_name = "N")]
        max_allowed_memberships: Option<i64>,
        /// Whether its admins may delete it.
        #[arg(long, value_name = "BOOL")]
        admin_delete_enabled: Option<bool>,
    },
    /// Merge metadata into an organization's (deep; null deletes a key).
    #[command(after_help = "Examples:
  clerkctl orgs update-metadata org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --public-metadata '{\"plan\": \"enterprise\"}'")]
    UpdateMetadata {
        #[arg(help = ORG_ID)]
        organization_id: String,
        #[command(flatten)]
        metadata: MetadataArgs,
    },
    /// Replace an organization's metadata fields.
    #[command(after_help = "Examples:
  clerkctl orgs replace-metadata org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --private-metadata '{}'")]
    ReplaceMetadata {
        #[arg(help = ORG_ID)]
        organization_id: String,
        #[command(flatten)]
        metadata: MetadataArgs,
    },
    /// Delete an organization with its memberships and invitations (asks first: type its slug).
    #[command(after_help = "Examples:
  clerkctl orgs delete org_2xhFjEI5X2qWRvtV13BzSj8H6Dk
  clerkctl orgs delete org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --yes")]
    Delete {
        #[arg(help = ORG_ID)]
        organization_id: String,
    },
    /// Every organization (or those matching the filters), streamed.
    #[command(after_help = "Examples:
  clerkctl orgs export --out orgs.ndjson
  clerkctl orgs export --format csv --out orgs.csv")]
    Export {
        #[command(flatten)]
        filter: OrganizationFilters,
        #[command(flatten)]
        export: ExportArgs,
    },
    /// Merge metadata into many organizations' (deep; null deletes a key), from a file or for
    /// the organizations named; journaled, paced and resumable.
    #[command(
        after_help = "Each organization gets one PATCH /organizations/{id}/metadata: a deep merge,
as `orgs update-metadata` does (keys given replace those stored, null removes a key, other
keys stay). Columns: organization_id (required; an `id` column or an `orgs export` line works
too), public_metadata, private_metadata (JSON objects). A flag gives its metadata to every row
that has none of that kind. One bad row stops the job before anything is sent.

Examples:
  clerkctl orgs update-metadata-bulk acme globex --public-metadata '{\"plan\": \"enterprise\"}' --dry-run
  clerkctl orgs update-metadata-bulk --file org-plans.ndjson"
    )]
    UpdateMetadataBulk {
        /// The organizations: IDs (org_...), slugs or exact names; or --file.
        #[arg(value_name = "ORGANIZATION", conflicts_with = "file")]
        organizations: Vec<String>,
        #[command(flatten)]
        bulk: MetadataBulkArgs,
    },
    /// Create organizations from a file (such as another instance's `orgs export`), skipping
    /// those whose slug is taken; resumable.
    #[command(
        after_help = "Columns (a CSV header, or the keys of ndjson objects; an orgs export as it is): name
(required), slug, created_by, max_allowed_memberships, public_metadata and private_metadata
(JSON objects), created_at, role_set_key. created_by is a user of the instance the file came
from: with --users (that instance's users export, imported here first) it becomes the same
user here, who Clerk makes the organization's admin; without, it is left out.

Examples:
  clerkctl orgs import --file orgs.ndjson --users users.ndjson --dry-run
  clerkctl orgs import --file orgs.ndjson --users users.ndjson
  clerkctl orgs import --file orgs.csv"
    )]
    Import {
        /// The users export of the instance the file came from, to keep each organization's
        /// creator (created_by) as the same user here.
        #[arg(long, value_name = "FILE")]
        users: Option<PathBuf>,
        #[command(flatten)]
        bulk: BulkArgs,
    },
}

// ---- memberships ------------------------------------------------------------------------------

/// A member: the user's ID.
const MEMBER_ID: &str = "The member's user ID (user_...)";

#[derive(Debug, Subcommand)]
pub enum MembersCmd {
    /// List an organization's members.
    List(Box<MembersListArgs>),
    /// Add a user to an organization.
    #[command(after_help = "Examples:
  clerkctl members add org_2xhFjEI5X2qWRvtV13BzSj8H6Dk user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --role org:admin
  clerkctl members add org_2xhFjEI5X2qWRvtV13BzSj8H6Dk user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --role org:member --public-metadata '{\"team\": \"ops\"}'")]
    Add {
        #[arg(help = ORG_ID)]
        organization_id: String,
        /// The user's ID (user_...).
        user_id: String,
        /// The role key: org:admin, org:member, or a custom org:... role.
        #[arg(long)]
        role: String,
        #[command(flatten)]
        metadata: MetadataArgs,
    },
    /// Change a member's role.
    #[command(after_help = "Examples:
  clerkctl members update org_2xhFjEI5X2qWRvtV13BzSj8H6Dk user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --role org:admin")]
    Update {
        #[arg(help = ORG_ID)]
        organization_id: String,
        #[arg(help = MEMBER_ID)]
        user_id: String,
        /// The new role key: org:admin, org:member, or a custom org:... role.
        #[arg(long)]
        role: String,
    },
    /// Merge metadata into a membership's (deep; null deletes a key).
    #[command(after_help = "Examples:
  clerkctl members update-metadata org_2xhFjEI5X2qWRvtV13BzSj8H6Dk user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --public-metadata '{\"team\": \"ops\"}'")]
    UpdateMetadata {
        #[arg(help = ORG_ID)]
        organization_id: String,
        #[arg(help = MEMBER_ID)]
        user_id: String,
        #[command(flatten)]
        metadata: MetadataArgs,
    },
    /// Remove a member from an organization (asks first).
    #[command(after_help = "Examples:
  clerkctl members remove org_2xhFjEI5X2qWRvtV13BzSj8H6Dk user_2xhFjEI5X2qWRvtV13BzSj8H6Dk
  clerkctl members remove org_2xhFjEI5X2qWRvtV13BzSj8H6Dk user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --yes")]
    Remove {
        #[arg(help = ORG_ID)]
        organization_id: String,
        #[arg(help = MEMBER_ID)]
        user_id: String,
    },
    /// Every member of an organization (or those matching the filters), streamed.
    #[command(after_help = "Examples:
  clerkctl members export org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --out members.ndjson
  clerkctl members export org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --format csv --out members.csv --role org:admin
  clerkctl members export --out members.ndjson")]
    Export {
        /// The organization (ID, slug or name); without it, every organization's members (the
        /// filters then do not apply).
        organization_id: Option<String>,
        #[command(flatten)]
        filter: Box<MemberFilters>,
        #[command(flatten)]
        export: ExportArgs,
    },
    /// Add users from a file; resumable.
    #[command(
        after_help = "Columns (a CSV header, or the keys of ndjson objects): user_id (required), role
(else --role), public_metadata and private_metadata (JSON objects).

Examples:
  clerkctl members add-bulk org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --file members.csv --role org:member --dry-run
  clerkctl members add-bulk org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --file members.csv --role org:member"
    )]
    AddBulk {
        #[arg(help = ORG_ID)]
        organization_id: String,
        /// The role of rows that give none.
        #[arg(long)]
        role: Option<String>,
        #[command(flatten)]
        bulk: BulkArgs,
    },
    /// Merge metadata into many members' memberships (deep; null deletes a key), from a file
    /// or for the users named; journaled, paced and resumable.
    #[command(
        after_help = "Membership metadata belongs to a user's place in one organization (a team, a
seat); a user's own metadata is `users update-metadata-bulk`. Each member gets one
PATCH /organizations/{id}/memberships/{user_id}/metadata: a deep merge, as
`members update-metadata` does. Columns: user_id (required; a `members export` line works
too), public_metadata, private_metadata (JSON objects). A flag gives its metadata to every row
that has none of that kind. One bad row stops the job before anything is sent.

Examples:
  clerkctl members update-metadata-bulk acme ada@example.com grace@example.com --public-metadata '{\"team\": \"ops\"}' --dry-run
  clerkctl members export acme | clerkctl members update-metadata-bulk acme --file - --journal acme-team.journal --public-metadata '{\"team\": \"ops\"}'
  clerkctl members update-metadata-bulk org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --file teams.csv"
    )]
    UpdateMetadataBulk {
        /// The organization: an ID (org_...), a slug or its exact name.
        organization: String,
        /// The members: user IDs (user_...), email addresses, phone numbers or usernames; or
        /// --file.
        #[arg(value_name = "USER", conflicts_with = "file")]
        users: Vec<String>,
        #[command(flatten)]
        bulk: MetadataBulkArgs,
    },
    /// Recreate memberships from a members export (such as another instance's), with their
    /// roles and metadata; resumable.
    #[command(
        after_help = "Columns (a CSV header, or the keys of ndjson objects; a members export as it is): user_id
or identifier (required), role (required), public_metadata and private_metadata (JSON
objects), organization_id and organization_slug. Each row's organization is the one here with
its slug (run orgs import first), or --organization; its user is the one here with the same
external ID, email address, username or phone number in --users (the users export of the
same instance, imported here first), else with its identifier. A membership there already
(Clerk makes an organization's creator its admin) is given the row's role and metadata.

Examples:
  clerkctl members import --file members.ndjson --users users.ndjson --dry-run
  clerkctl members import --file members.ndjson --users users.ndjson
  clerkctl members import --file acme-members.csv --organization acme"
    )]
    Import {
        /// Put every row's membership in this organization (ID, slug or name), whatever the
        /// file names.
        #[arg(long, value_name = "ORG")]
        organization: Option<String>,
        /// The users export of the instance the file came from, to find each member here.
        #[arg(long, value_name = "FILE")]
        users: Option<PathBuf>,
        #[command(flatten)]
        bulk: BulkArgs,
    },
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  clerkctl members list org_2xhFjEI5X2qWRvtV13BzSj8H6Dk
  clerkctl members list org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --role org:admin
  clerkctl members list org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --query ada -o json --fields public_user_data.identifier,role")]
pub struct MembersListArgs {
    #[arg(help = ORG_ID)]
    pub organization_id: String,
    #[command(flatten)]
    pub filter: MemberFilters,
    #[command(flatten)]
    pub page: PageArgs,
}

// ---- organization invitations -----------------------------------------------------------------

#[derive(Debug, Subcommand)]
pub enum InvitationsCmd {
    /// List an organization's invitations (or, without ORG_ID, every organization's).
    #[command(after_help = "Examples:
  clerkctl invitations list org_2xhFjEI5X2qWRvtV13BzSj8H6Dk
  clerkctl invitations list org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --status pending
  clerkctl invitations list --status pending --query @example.com")]
    List {
        /// The organization's ID (org_...); without it, every organization's invitations.
        organization_id: Option<String>,
        #[command(flatten)]
        filter: InvitationFilters,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show one invitation.
    #[command(after_help = "Examples:
  clerkctl invitations get org_2xhFjEI5X2qWRvtV13BzSj8H6Dk orginv_2xhFjEI5X2qWRvtV13BzSj8H6Dk")]
    Get {
        #[arg(help = ORG_ID)]
        organization_id: String,
        /// The invitation's ID (orginv_...).
        invitation_id: String,
    },
    /// Invite an email address to an organization.
    #[command(after_help = "Examples:
  clerkctl invitations create org_2xhFjEI5X2qWRvtV13BzSj8H6Dk alice@example.com --role org:member
  clerkctl invitations create org_2xhFjEI5X2qWRvtV13BzSj8H6Dk alice@example.com --role org:admin --expires-in-days 7 --no-notify")]
    Create {
        #[arg(help = ORG_ID)]
        organization_id: String,
        /// The address to invite.
        email_address: String,
        /// The role the invitee gets: org:admin, org:member, or a custom org:... role.
        #[arg(long)]
        role: String,
        /// An admin of the organization, shown as the inviter.
        #[arg(long, value_name = "USER_ID")]
        inviter_user_id: Option<String>,
        /// 1 to 365 [Clerk's default: 30].
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(i64).range(1..=365))]
        expires_in_days: Option<i64>,
        /// Where the invitation's link leads (your app's sign-up page).
        #[arg(long, value_name = "URL")]
        redirect_url: Option<String>,
        /// Do not email the invitation.
        #[arg(long)]
        no_notify: bool,
        #[command(flatten)]
        metadata: MetadataArgs,
    },
    /// Revoke a pending invitation (asks first).
    #[command(after_help = "Examples:
  clerkctl invitations revoke org_2xhFjEI5X2qWRvtV13BzSj8H6Dk orginv_2xhFjEI5X2qWRvtV13BzSj8H6Dk")]
    Revoke {
        #[arg(help = ORG_ID)]
        organization_id: String,
        /// The invitation's ID (orginv_...).
        invitation_id: String,
        /// An admin of the organization, recorded as revoking it.
        #[arg(long, value_name = "USER_ID")]
        requesting_user_id: Option<String>,
    },
    /// Invite every address in a file (10 per request); resumable.
    #[command(
        after_help = "Columns (a CSV header, or the keys of ndjson objects): email_address (required), role
(else --role), public_metadata and private_metadata (JSON objects), inviter_user_id,
redirect_url, expires_in_days, notify.

Examples:
  clerkctl invitations bulk org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --file invitees.csv --role org:member --dry-run
  clerkctl invitations bulk org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --file invitees.csv --role org:member"
    )]
    Bulk {
        #[arg(help = ORG_ID)]
        organization_id: String,
        /// The role of rows that give none.
        #[arg(long)]
        role: Option<String>,
        #[command(flatten)]
        bulk: BulkArgs,
    },
}

// ---- application invitations -------------------------------------------------------------------

#[derive(Debug, Subcommand)]
pub enum AppInvitationsCmd {
    /// List invitations (revoked ones only with --status revoked).
    #[command(after_help = "Examples:
  clerkctl app-invitations list
  clerkctl app-invitations list --status revoked --query @example.com")]
    List {
        #[command(flatten)]
        filter: AppInvitationFilters,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Invite an email address to sign up.
    #[command(after_help = "Examples:
  clerkctl app-invitations create bob@example.com
  clerkctl app-invitations create bob@example.com --public-metadata '{\"plan\": \"trial\"}' --expires-in-days 7")]
    Create {
        /// The address to invite.
        email_address: String,
        /// Public metadata given to the user on sign-up: a JSON object, @FILE, or -.
        #[arg(long = "public-metadata", value_name = "JSON")]
        public_metadata: Option<JsonArg>,
        /// Where the invitation's link leads (your app's sign-up page).
        #[arg(long, value_name = "URL")]
        redirect_url: Option<String>,
        /// 1 to 365 [Clerk's default: 30].
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(i64).range(1..=365))]
        expires_in_days: Option<i64>,
        /// Create it even if one is pending for this address.
        #[arg(long)]
        ignore_existing: bool,
        /// Do not email the invitation.
        #[arg(long)]
        no_notify: bool,
        /// invitation or waitlist_invitation.
        #[arg(long, value_name = "SLUG")]
        template_slug: Option<String>,
    },
    /// Revoke an invitation (asks first).
    #[command(after_help = "Examples:
  clerkctl app-invitations revoke inv_2xhFjEI5X2qWRvtV13BzSj8H6Dk")]
    Revoke {
        /// The invitation's ID (inv_...).
        invitation_id: String,
    },
    /// Invite every address in a file to sign up (10 per request); resumable.
    #[command(
        after_help = "Columns (a CSV header, or the keys of ndjson objects): email_address (required),
public_metadata (a JSON object), redirect_url, expires_in_days, notify, ignore_existing,
template_slug.

Examples:
  clerkctl app-invitations bulk --file invitees.csv --dry-run
  clerkctl app-invitations bulk --file invitees.ndjson"
    )]
    Bulk {
        #[command(flatten)]
        bulk: BulkArgs,
    },
}

// ---- sessions and tokens ------------------------------------------------------------------------

#[derive(Debug, Subcommand)]
pub enum SessionsCmd {
    /// List a user's (or a client's) sessions, newest first.
    #[command(after_help = "Examples:
  clerkctl sessions list --user-id user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --status active
  clerkctl sessions list --client-id client_2xhFjEI5X2qWRvtV13BzSj8H6Dk")]
    List {
        #[command(flatten)]
        filter: SessionFilters,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show one session.
    #[command(after_help = "Examples:
  clerkctl sessions get sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk")]
    Get {
        /// The session's ID (sess_...).
        session_id: String,
    },
    /// Sign a user in: an active session, as Clerk makes them for tests (development
    /// instances and the emulator only).
    #[command(after_help = "Examples:
  clerkctl sessions create user_2xhFjEI5X2qWRvtV13BzSj8H6Dk
  clerkctl sessions create user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --org org_2xhFjEI5X2qWRvtV13BzSj8H6Dk")]
    Create {
        /// The user to sign in (user_...).
        user_id: String,
        /// An organization the user belongs to, active in the session (its tokens carry it).
        #[arg(
            long = "org",
            visible_alias = "active-organization-id",
            value_name = "ORG_ID"
        )]
        org: Option<String>,
    },
    /// Sign a session out (asks for confirmation). Tokens it minted stay valid until they
    /// expire.
    #[command(after_help = "Examples:
  clerkctl sessions revoke sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk --yes")]
    Revoke {
        /// The session's ID (sess_...).
        session_id: String,
    },
}

#[derive(Debug, Args)]
#[command(after_help = "\
Prints the token alone (with -o json: the token, its session and when it expires); what it
did goes to stderr. Without --session it uses the user's newest active session (with --org
active, when given), or makes one. Clerk's Backend API makes sessions only on development
instances (sk_test_ keys) and cannot change an existing session's active organization: on a
Clerk instance --org works only when a session is made; against the emulator (--local or
CLERK_API_URL at `clerkctl emulator`) --session with --org also switches that session.
Minting is refused in read-only mode, and recorded in the audit log (never the token).

Examples:
  clerkctl token user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --org org_2xhFjEI5X2qWRvtV13BzSj8H6Dk --ttl 3600
  curl -H \"Authorization: Bearer $(clerkctl token user_2xhFjEI5X2qWRvtV13BzSj8H6Dk)\" localhost:3000/api/me
  clerkctl token user_2xhFjEI5X2qWRvtV13BzSj8H6Dk --template hasura -o json")]
pub struct TokenArgs {
    /// The user (user_...) the token speaks for.
    pub user_id: String,
    /// A JWT template's name: mint that template's token instead of a session token.
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// Use this session of the user (sess_...) instead of finding or making one.
    #[arg(long, value_name = "SESSION_ID")]
    pub session: Option<String>,
    /// An organization of the user's (org_...), active in the session, so the token carries it
    /// (the o claim). On Clerk only for a session made now; see below.
    #[arg(long, value_name = "ORG_ID")]
    pub org: Option<String>,
    /// The token's lifetime in seconds, 30 to 315360000 (Clerk and the emulator both honour
    /// it) [default: the instance's, 60 for session tokens].
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(i64).range(30..=315_360_000))]
    pub ttl: Option<i64>,
}

#[derive(Debug, Args, Clone)]
pub struct TemplateSettingsArgs {
    /// Seconds a token lives, 30 to 315360000 [Clerk's default: 60].
    #[arg(long, value_name = "SECONDS")]
    pub lifetime: Option<i64>,
    /// Seconds of clock skew allowed, 0 to 300 [Clerk's default: 5].
    #[arg(long, value_name = "SECONDS")]
    pub allowed_clock_skew: Option<i64>,
    /// Sign with the template's own key (--signing-algorithm and --signing-key-file) instead
    /// of the instance's.
    #[arg(long, value_name = "BOOL")]
    pub custom_signing_key: Option<bool>,
    /// The custom key's algorithm: HS256, RS256, ES256, ... (with --custom-signing-key true).
    #[arg(long, value_name = "ALG")]
    pub signing_algorithm: Option<String>,
    /// Read the custom key from this file, or - for stdin: the shared secret for HS*, a PEM
    /// private key otherwise (never taken inline, never printed).
    #[arg(long, value_name = "FILE")]
    pub signing_key_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum JwtTemplatesCmd {
    /// List JWT templates.
    #[command(after_help = "Examples:
  clerkctl jwt-templates list
  clerkctl jwt-templates list --all -o ndjson")]
    List {
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show one JWT template.
    #[command(after_help = "Examples:
  clerkctl jwt-templates get jtmp_2xhFjEI5X2qWRvtV13BzSj8H6Dk")]
    Get {
        /// The template's ID (jtmp_...).
        template_id: String,
    },
    /// Create a JWT template: its claims use Clerk's shortcodes ({{user.id}}, {{org.role}}, ...).
    #[command(after_help = "Examples:
  clerkctl jwt-templates create reports --claims '{\"email\": \"{{user.primary_email_address}}\"}' --lifetime 300
  clerkctl jwt-templates create hasura --claims @claims.json")]
    Create {
        /// The name tokens are asked for by (`clerkctl token USER --template NAME`).
        name: String,
        /// The claims: a JSON object, @FILE, or - for stdin.
        #[arg(long, value_name = "JSON")]
        claims: JsonArg,
        #[command(flatten)]
        settings: TemplateSettingsArgs,
    },
    /// Change a JWT template (what is not given stays as it is).
    #[command(after_help = "Examples:
  clerkctl jwt-templates update jtmp_2xhFjEI5X2qWRvtV13BzSj8H6Dk --lifetime 600
  clerkctl jwt-templates update jtmp_2xhFjEI5X2qWRvtV13BzSj8H6Dk --name reports-v2 --claims @claims.json")]
    Update {
        /// The template's ID (jtmp_...).
        template_id: String,
        /// A new name.
        #[arg(long)]
        name: Option<String>,
        /// New claims: a JSON object, @FILE, or - for stdin (they replace the current ones).
        #[arg(long, value_name = "JSON")]
        claims: Option<JsonArg>,
        #[command(flatten)]
        settings: TemplateSettingsArgs,
    },
    /// Delete a JWT template (asks for confirmation).
    #[command(after_help = "Examples:
  clerkctl jwt-templates delete jtmp_2xhFjEI5X2qWRvtV13BzSj8H6Dk --yes")]
    Delete {
        /// The template's ID (jtmp_...).
        template_id: String,
    },
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  clerkctl jwks
  CLERK_JWT_KEY=\"$(clerkctl jwks --pem)\" npm test")]
pub struct JwksArgs {
    /// Print the signing key as PEM (-----BEGIN PUBLIC KEY-----), as CLERK_JWT_KEY (the
    /// SDKs' jwtKey) takes it for networkless verification.
    #[arg(long)]
    pub pem: bool,
    /// With --pem: the key with this kid, when the JWKS has several [default: the only one].
    #[arg(long, value_name = "KID", requires = "pem")]
    pub kid: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCmd {
    /// Check a saved delivery (its body and Svix headers) against the endpoint's signing
    /// secret, and say why it fails: bad signature, timestamp too old or too new, a malformed
    /// header, or a secret that is not whsec_...
    #[command(after_help = "\
The secret is read from CLERK_WEBHOOK_SIGNING_SECRET (or --secret-env VAR), never from a flag.
Exits 0 and prints what verified; exits 2 saying why otherwise.

Examples:
  clerkctl webhooks verify --body body.json --headers headers.txt
  clerkctl webhooks verify --body body.json --svix-id msg_2x... --svix-timestamp 1735689600 --svix-signature 'v1,...' --ignore-timestamp")]
    Verify(WebhookVerifyArgs),
    /// Send a Svix-signed *.created event for every existing user, organization and
    /// membership to an app's webhook endpoint, to repair a sync that drifted: paced,
    /// journaled, and resumable (a second run sends only what the endpoint did not accept).
    #[command(after_help = "\
The secret is read from CLERK_WEBHOOK_SIGNING_SECRET (or --secret-env VAR), never from a flag, and
is never printed or journaled. Events go out users first, then organizations, then memberships;
each has the same svix-id in every run, so an endpoint that keeps processed ids drops repeats.
--dry-run lists the events without sending anything. Refused in read-only mode: it sends your
users' data out of Clerk. Exits 5 when the endpoint refused events (listed in the summary).

Examples:
  clerkctl webhooks backfill --to https://app.example.com/api/webhooks/clerk
  clerkctl webhooks backfill --to http://127.0.0.1:3000/api/webhooks/clerk --types user.created --dry-run
  clerkctl --local webhooks backfill --to http://127.0.0.1:3000/api/webhooks/clerk --journal backfill.journal --rate 10/1")]
    Backfill(WebhookBackfillArgs),
}

#[derive(Debug, Args)]
pub struct WebhookBackfillArgs {
    /// The endpoint: https://, or http:// to a loopback address only.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// The events to send, comma-separated [default: all three].
    #[arg(
        long,
        value_name = "TYPES",
        value_delimiter = ',',
        value_parser = clap::builder::PossibleValuesParser::new(crate::ops::webhooks::BACKFILL_TYPES)
    )]
    pub types: Vec<String>,
    /// Where each event's outcome is recorded, so that a second run carries on [default:
    /// webhooks-backfill.journal in the current directory].
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// Read the signing secret (whsec_...) from this environment variable.
    #[arg(
        long,
        value_name = "VAR",
        default_value = "CLERK_WEBHOOK_SIGNING_SECRET"
    )]
    pub secret_env: String,
    /// The instance_id put in each event (ins_..., Clerk Dashboard) [default: null].
    #[arg(long, value_name = "ID")]
    pub instance_id: Option<String>,
    /// Deliveries per window, e.g. 10/1, or off [default: 10/1].
    #[arg(long, value_name = "N/SECONDS")]
    pub rate: Option<Rate>,
}

#[derive(Debug, Args)]
pub struct WebhookVerifyArgs {
    /// The body exactly as received (a file, or - for stdin): a byte changed fails it.
    #[arg(long, value_name = "FILE")]
    pub body: PathBuf,
    /// The headers: a JSON object of names and values, or HTTP header lines (name: value).
    #[arg(long, value_name = "FILE")]
    pub headers: Option<PathBuf>,
    /// The svix-id header (over --headers).
    #[arg(long, value_name = "ID")]
    pub svix_id: Option<String>,
    /// The svix-timestamp header, in Unix seconds (over --headers).
    #[arg(long, value_name = "SECONDS")]
    pub svix_timestamp: Option<String>,
    /// The svix-signature header: v1,BASE64, space-separated (over --headers).
    #[arg(long, value_name = "SIGNATURES")]
    pub svix_signature: Option<String>,
    /// Read the signing secret from this environment variable.
    #[arg(
        long,
        value_name = "VAR",
        default_value = "CLERK_WEBHOOK_SIGNING_SECRET"
    )]
    pub secret_env: String,
    /// Seconds the timestamp may differ from now, either way (Svix's: 300).
    #[arg(long, value_name = "SECONDS", default_value_t = crate::ops::webhooks::TOLERANCE_SECONDS)]
    pub tolerance: i64,
    /// Check the signature alone, whatever the timestamp (for a delivery saved long ago).
    #[arg(long)]
    pub ignore_timestamp: bool,
}

// ---- the rest ------------------------------------------------------------------------------------

#[derive(Debug, Args)]
pub struct ApiArgs {
    /// GET, POST, PATCH, PUT or DELETE.
    pub method: String,
    /// A path under /v1, e.g. /users/count or organizations/org_.../domains (the leading slash
    /// may be left out).
    pub path: String,
    /// Request body: JSON, @FILE, or - for stdin.
    #[arg(long, short = 'd', value_name = "JSON")]
    pub data: Option<JsonArg>,
    /// Query parameter KEY=VALUE (repeatable).
    #[arg(long = "query", short = 'q', value_name = "KEY=VALUE")]
    pub query: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The directory to write the pages into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace pages that are there already.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// Refill with the demo company after emptying.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "\
The first line on stdout is the base URL served (http://127.0.0.1:PORT); point clients at it:
  clerkctl:         CLERK_API_URL=http://127.0.0.1:PORT CLERK_SECRET_KEY=sk_test_any clerkctl users list
  Python SDK:       Clerk(bearer_auth=\"sk_test_any\", server_url=\"http://127.0.0.1:PORT/v1\")
  JavaScript SDK:   createClerkClient({ secretKey: \"sk_test_any\", apiUrl: \"http://127.0.0.1:PORT\" })
It starts as a new Clerk production instance is configured (5 members per organization, no
organization slugs, lockout after 10 attempts for an hour, Clerk's rate limits) and says on
stderr which settings are in effect. --settings FILE (JSON, see docs/emulator.md) changes them;
the flags below win over the file.
It serves until SIGINT or SIGTERM, then exits 0 with everything written.

Examples:
  clerkctl emulator --port 8787
  clerkctl emulator --port 0 --data emulator.db --seed seed.json
  clerkctl emulator --seed users.ndjson --seed orgs.ndjson --seed members.ndjson
  clerkctl emulator --instance development --org-slugs on --no-limits
  clerkctl emulator --fault-rate 0.1 --faults 503,drop --fault-seed 7")]
pub struct EmulatorArgs {
    /// Address to listen on. Loopback unless you say otherwise.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Keep state in this SQLite file (created if missing); without it, state is in memory.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Accept only this secret key (repeatable). Without a key, any sk_test_ key is accepted
    /// (on a loopback --host only, unless --insecure-any-key). A key given here shows in the
    /// process list to other users of the machine: prefer --secret-key-env or
    /// --secret-key-file.
    #[arg(long = "secret-key", value_name = "KEY")]
    pub secret_keys: Vec<String>,
    /// Accept only the key held in this environment variable (kept out of the process list).
    #[arg(long, value_name = "VAR")]
    pub secret_key_env: Option<String>,
    /// Accept only the key held in this file (its content, trimmed; kept out of the process
    /// list).
    #[arg(long, value_name = "FILE")]
    pub secret_key_file: Option<PathBuf>,
    /// Accept any sk_test_ key on a --host that is not loopback: anyone who can reach the
    /// address can then read and change the emulator's data.
    #[arg(long)]
    pub insecure_any_key: bool,
    /// Close a connection that has not sent a whole request head within this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,
    /// Serve at most this many connections at once; one more is answered 503 and closed.
    #[arg(long, value_name = "N", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub max_connections: u32,
    /// Load users, organizations, memberships and invitations at start from a seed file
    /// (JSON, docs/emulator.md) or from clerkctl's exports of a real instance (users, orgs
    /// and members export files, ndjson or CSV: repeat --seed for each).
    #[arg(long, value_name = "FILE")]
    pub seed: Vec<PathBuf>,
    /// Start with the demo company (the one `clerkctl --local` has): two organizations, six
    /// users, memberships and invitations; organization slugs on unless --org-slugs says.
    #[arg(long, conflicts_with = "seed")]
    pub demo: bool,
    /// The kind of instance: its rate limit is 1000 requests per 10 s (production) or 100
    /// (development).
    #[arg(long, value_name = "KIND")]
    pub instance: Option<clerk_emulator::InstanceKind>,
    /// Change the instance's settings with a JSON file (limits, organizations, lockout).
    #[arg(long, value_name = "FILE")]
    pub settings: Option<PathBuf>,
    /// Members plus pending invitations a new organization allows; 0 for no limit (default 5).
    #[arg(long, value_name = "N")]
    pub membership_limit: Option<u32>,
    /// Whether organizations may have slugs (default off, as for applications made since
    /// 2025-10-07).
    #[arg(long, value_name = "on|off")]
    pub org_slugs: Option<OnOff>,
    /// Answer 429 past N requests per SECONDS for each key, instead of the instance's limit.
    #[arg(long, value_name = "N/SECONDS")]
    pub rate_limit: Option<clerk_emulator::RateLimit>,
    /// Lift every limit: the instance, per-record and hourly invitation rate limits and the
    /// default membership limit (for load tests). --rate-limit and --membership-limit given
    /// with it still apply.
    #[arg(long)]
    pub no_limits: bool,
    /// Inject faults into this fraction of requests (0.0 to 1.0).
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_fraction)]
    pub fault_rate: f64,
    /// Which faults to inject, comma-separated: 500, 502, 503, 429, drop. 502 and drop strike
    /// after the request was handled: the write happened but the answer is lost.
    #[arg(
        long,
        value_name = "KINDS",
        value_delimiter = ',',
        default_value = "500,502,503,429,drop"
    )]
    pub faults: Vec<clerk_emulator::config::FaultKind>,
    /// Retry-After seconds on injected 429 answers.
    #[arg(long, value_name = "SECONDS", default_value_t = 1)]
    pub fault_retry_after: u64,
    /// Seed for the fault draw, to make a faulty run reproducible.
    #[arg(long, value_name = "N")]
    pub fault_seed: Option<u64>,
    /// Wait this many milliseconds before every answer.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub latency_ms: u64,
    /// Sign tokens with this RSA key (a 2048-bit PEM private key, PKCS#8 or PKCS#1). Without
    /// it the key kept in --data is used, or one is made (and kept in --data).
    #[arg(long, value_name = "FILE")]
    pub signing_key: Option<PathBuf>,
    /// Seconds a session token lives when the request names no lifetime (Clerk's: 60). A
    /// short one lets tests see a revoked session's last token expire.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub session_token_lifetime: u64,
    /// Deliver every change as Clerk's webhooks (Svix-signed) to this http:// or https:// URL
    /// (repeatable).
    #[arg(long = "webhook", value_name = "URL", value_parser = parse_webhook_url)]
    pub webhooks: Vec<String>,
    /// Sign webhooks with this secret (whsec_..., as the Clerk Dashboard shows one). Without
    /// it (or --webhook-secret-env) a secret is made, kept in --data, and printed at start.
    #[arg(long, value_name = "WHSEC", conflicts_with = "webhook_secret_env")]
    pub webhook_secret: Option<clerk_emulator::WebhookSecret>,
    /// Read the webhook signing secret from this environment variable (keeps it out of the
    /// process list).
    #[arg(long, value_name = "VAR")]
    pub webhook_secret_env: Option<String>,
    /// Multiply the waits of Svix's retry schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h)
    /// by this factor: 0.001 retries a failing endpoint within two minutes.
    #[arg(long, value_name = "FACTOR", default_value_t = 1.0, value_parser = parse_scale)]
    pub webhook_retry_scale: f64,
}

fn parse_webhook_url(s: &str) -> Result<String, String> {
    clerk_emulator::webhooks::parse_endpoint(s)
}

fn parse_scale(s: &str) -> Result<f64, String> {
    let f: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if f >= 0.0 && f.is_finite() {
        Ok(f)
    } else {
        Err(format!("{f} is not a factor of 0 or more"))
    }
}

// ---- agent interfaces ------------------------------------------------------------------------------

#[derive(Debug, Args)]
#[command(after_help = crate::help::MCP)]
pub struct McpArgs {
    /// Offer only these tools: groups (users, organizations, members, invitations,
    /// app_invitations, sessions) or tool names, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "TOOLS")]
    pub tools: Option<Vec<String>>,
    /// Leave private_metadata in results (removed by default: it often holds secrets).
    #[arg(long)]
    pub allow_private_metadata: bool,
    /// The one directory tools read and write files in (exports, bulk rows, journals,
    /// backups); a path leading outside it is refused. Created private (0700) when missing.
    /// [default: $XDG_STATE_HOME/clerkctl/files, or ~/.local/state/clerkctl/files]
    #[arg(long, value_name = "DIR")]
    pub files_dir: Option<PathBuf>,
    #[command(flatten)]
    pub pacing: PacingArgs,
}

#[derive(Debug, Subcommand)]
pub enum SkillCmd {
    /// Write the skill to ./.claude/skills/clerk-api, where Claude Code finds it.
    #[command(after_help = "Examples:
  clerkctl skill install
  clerkctl skill install --global
  clerkctl skill install --dir ~/.agents/skills --force")]
    Install(SkillInstallArgs),
    /// Make a zip of the skill to upload to claude.ai or the Claude API.
    #[command(after_help = "Examples:
  clerkctl skill package
  clerkctl skill package --with-binary --out clerk-api.zip")]
    Package(SkillPackageArgs),
}

#[derive(Debug, Args)]
pub struct SkillInstallArgs {
    /// Write it to DIR/clerk-api instead (DIR is a skills directory).
    #[arg(long, value_name = "DIR", conflicts_with = "global")]
    pub dir: Option<PathBuf>,
    /// Write it to ~/.claude/skills/clerk-api, for every project.
    #[arg(long)]
    pub global: bool,
    /// Overwrite files that were changed since clerkctl wrote them.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct SkillPackageArgs {
    /// Where to write the zip (a new file).
    #[arg(long, value_name = "FILE", default_value = "clerk-api.zip")]
    pub out: PathBuf,
    /// Replace the --out file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Put this clerkctl binary (Linux only) into the zip as bin/clerkctl, for sandboxes
    /// where clerkctl is not installed.
    #[arg(long)]
    pub with_binary: bool,
}

/// `on` or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

impl OnOff {
    pub fn is_on(self) -> bool {
        self == OnOff::On
    }
}

fn parse_fraction(s: &str) -> Result<f64, String> {
    let p: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(format!("{p} is outside 0.0..=1.0"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }

    /// Every command says what it does and shows examples; every flag and argument says what
    /// it is. Commands added later are held to the same rule.
    #[test]
    fn every_command_has_examples_and_every_argument_a_description() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            if cmd.get_about().is_none() && cmd.get_long_about().is_none() {
                missing.push(format!("{path}: no description"));
            }
            let after = cmd
                .get_after_help()
                .or(cmd.get_after_long_help())
                .map(ToString::to_string)
                .unwrap_or_default();
            if !after.contains("Examples:\n  clerkctl ") {
                missing.push(format!("{path}: no Examples: section"));
            }
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if arg.is_hide_set() || id == "help" || id == "version" {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path}: {id} has no description"));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_name() != "help" {
                    walk(sub, &format!("{path} {}", sub.get_name()), missing);
                }
            }
        }
        let mut missing = Vec::new();
        walk(&command(), "clerkctl", &mut missing);
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }

    #[test]
    fn global_options_are_listed_once() {
        let mut cmd = command();
        let top = cmd.render_help().to_string();
        assert!(top.contains("--read-only") && top.contains("--jq"), "{top}");
        let mut list = command();
        let users = list.find_subcommand_mut("users").unwrap();
        let list = users.find_subcommand_mut("list").unwrap();
        let help = list.render_help().to_string();
        let options: Vec<&str> = help
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("--"))
            .collect();
        assert!(
            !options.iter().any(|o| o.starts_with("read-only")),
            "{help}"
        );
        assert!(help.contains("--query"), "{help}");
        assert!(help.contains("see clerkctl --help"), "{help}");
        // They still work after the command.
        let m = command()
            .try_get_matches_from(["clerkctl", "users", "list", "--read-only", "-o", "json"])
            .unwrap();
        assert_eq!(command_path(&m), "users list");
    }
}
