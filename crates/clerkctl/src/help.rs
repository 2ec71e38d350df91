//! Help text more than one part of clerkctl shows: the exit codes and configuration (under
//! `clerkctl --help`, and in the docs), and the MCP server's tools (under `clerkctl mcp --help`).

/// Shown under `clerkctl --help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  done
  1  unexpected error, or the network failed
  2  usage or input refused before any request was sent
  3  authentication: no key, or Clerk answered 401 or 403
  4  not found (404)
  5  refused by Clerk (400, 402, 409, 422)
  6  rate-limited (429), or Clerk still failing (502, 503, 504) after retries
  7  refused by a safety guard (--read-only, or a destructive command without --yes)
Errors go to stderr: a line and a hint at a terminal; JSON ({\"error\": {..., \"hint\"}})
when stderr is no terminal or with -o json.

Configuration:
  CLERK_SECRET_KEY   the instance's secret key (sk_test_... or sk_live_...)
  CLERK_API_URL      Backend API origin (default https://api.clerk.com; /v1 is appended)
  CLERKCTL_READ_ONLY set to 1 to refuse every change
  NO_COLOR           set to turn colour off; CLICOLOR_FORCE=1 keeps it in pipes
  CLERKCTL_LOG       more logs on stderr, e.g. debug

Examples:
  clerkctl --local users list
  clerkctl users list --query ada -o json --fields id,email_addresses.email_address
  clerkctl orgs get acme
  clerkctl --dry-run users delete user_2xhFjEI5X2qWRvtV13BzSj8H6Dk";

/// Shown under `clerkctl mcp --help`: the tools by group, and how the server behaves.
pub const MCP: &str = "\
Tools:
  users            list_users get_user get_user_count list_user_memberships
                   create_user update_user update_user_metadata delete_user ban_user
                   unban_user lock_user unlock_user delete_users_matching
                   ban_users_matching import_users update_users_metadata_bulk
                   export_users
  organizations    list_organizations get_organization create_organization
                   update_organization delete_organization import_organizations
                   update_organizations_metadata_bulk export_organizations
  members          list_members add_member update_member remove_member
                   add_members_bulk import_members update_members_metadata_bulk
                   export_members
  invitations      list_invitations get_invitation create_invitation revoke_invitation
                   create_invitations_bulk (organization invitations)
  app_invitations  list_app_invitations create_app_invitation revoke_app_invitation
                   create_app_invitations_bulk
  sessions         list_sessions get_session revoke_session create_session_token
                   list_jwt_templates get_jwt_template get_jwks get_status verify_webhook

With --read-only only the tools that change nothing in Clerk are listed: those that read,
and the exports (which write a new local file). With --dry-run the tools that change
anything answer the request they would send, and send nothing. The bulk tools run the same
jobs as the CLI's bulk commands (journal, reconciliation, pacing to --rate or the instance's
limit); a call stops at its max_seconds or at Clerk's hourly invitation limits, and calling
again with the same arguments carries on. Every file a tool reads or writes (export out,
bulk file, users export, journal, backup) is inside --files-dir (by default
$XDG_STATE_HOME/clerkctl/files, or ~/.local/state/clerkctl/files): relative names are put
there, and paths leading outside it (absolute, with .., or through a symbolic link) are
refused. The key comes from
CLERK_SECRET_KEY (and CLERK_API_URL), as for every command; --local serves the built-in
emulator instead. Each change is appended to the audit log, as the CLI does. stdout carries
the protocol; notices and logs go to stderr (CLERKCTL_LOG=debug for more).

Claude Code:     claude mcp add clerk --env CLERK_SECRET_KEY=sk_test_... -- clerkctl mcp
Claude Desktop:  {\"mcpServers\": {\"clerk\": {\"command\": \"clerkctl\", \"args\": [\"mcp\"],
                  \"env\": {\"CLERK_SECRET_KEY\": \"sk_test_...\"}}}}

Examples:
  clerkctl mcp
  clerkctl --read-only mcp --tools users,organizations
  clerkctl --local mcp";
