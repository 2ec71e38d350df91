//! `clerkctl mcp` driven by rmcp's own client over the binary's stdio, against the emulator.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;

use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Map, Value, json};
use tokio::io::AsyncReadExt;
use tokio::process::ChildStderr;

use super::{BIN, Instance, KEY};

/// A tool and its annotations: (name, read-only, destructive, idempotent, open world).
/// `None` where a hint does not apply (MCP defines destructive and idempotent for changes).
type Annotated = (&'static str, bool, Option<bool>, Option<bool>, bool);

/// Every tool, with the annotations it must carry.
const TOOLS: &[Annotated] = &[
    ("list_users", true, None, None, false),
    ("get_user", true, None, None, false),
    ("get_user_count", true, None, None, false),
    ("list_user_memberships", true, None, None, false),
    (
        "delete_users_matching",
        false,
        Some(true),
        Some(true),
        false,
    ),
    ("ban_users_matching", false, Some(true), Some(true), false),
    ("create_user", false, Some(false), Some(false), false),
    ("update_user", false, Some(true), Some(true), false),
    ("update_user_metadata", false, Some(true), Some(true), false),
    ("delete_user", false, Some(true), Some(true), false),
    // Ban and lock take access away; unban and unlock give it back and remove nothing.
    ("ban_user", false, Some(true), Some(true), false),
    ("unban_user", false, Some(false), Some(true), false),
    ("lock_user", false, Some(true), Some(true), false),
    ("unlock_user", false, Some(false), Some(true), false),
    ("list_organizations", true, None, None, false),
    ("get_organization", true, None, None, false),
    (
        "create_organization",
        false,
        Some(false),
        Some(false),
        false,
    ),
    ("update_organization", false, Some(true), Some(true), false),
    ("delete_organization", false, Some(true), Some(true), false),
    ("list_members", true, None, None, false),
    ("add_member", false, Some(false), Some(true), false),
    ("update_member", false, Some(true), Some(true), false),
    ("remove_member", false, Some(true), Some(true), false),
    ("list_invitations", true, None, None, false),
    ("get_invitation", true, None, None, false),
    ("create_invitation", false, Some(false), Some(false), true),
    ("revoke_invitation", false, Some(true), Some(true), false),
    ("list_app_invitations", true, None, None, false),
    (
        "create_app_invitation",
        false,
        Some(false),
        Some(false),
        true,
    ),
    (
        "revoke_app_invitation",
        false,
        Some(true),
        Some(true),
        false,
    ),
    // Bulk jobs: they only add, and a second identical call adds nothing (the journal).
    (
        "create_invitations_bulk",
        false,
        Some(false),
        Some(true),
        true,
    ),
    (
        "create_app_invitations_bulk",
        false,
        Some(false),
        Some(true),
        true,
    ),
    ("import_users", false, Some(false), Some(true), false),
    ("add_members_bulk", false, Some(false), Some(true), false),
    (
        "import_organizations",
        false,
        Some(false),
        Some(true),
        false,
    ),
    // A membership there already is given the exported role and metadata: an overwrite.
    ("import_members", false, Some(true), Some(true), false),
    // Metadata in bulk overwrites the keys it names, as update_user_metadata does; a second
    // identical call sends nothing (the journal).
    (
        "update_users_metadata_bulk",
        false,
        Some(true),
        Some(true),
        false,
    ),
    (
        "update_organizations_metadata_bulk",
        false,
        Some(true),
        Some(true),
        false,
    ),
    (
        "update_members_metadata_bulk",
        false,
        Some(true),
        Some(true),
        false,
    ),
    // Exports write a new local file (never over one) and change nothing in Clerk.
    ("export_users", false, Some(false), Some(false), false),
    (
        "export_organizations",
        false,
        Some(false),
        Some(false),
        false,
    ),
    ("export_members", false, Some(false), Some(false), false),
    ("list_sessions", true, None, None, false),
    ("get_session", true, None, None, false),
    ("revoke_session", false, Some(true), Some(true), false),
    // A token is a credential minted (and maybe a session made): hidden in read-only mode.
    (
        "create_session_token",
        false,
        Some(false),
        Some(false),
        false,
    ),
    ("list_jwt_templates", true, None, None, false),
    ("get_jwt_template", true, None, None, false),
    ("get_jwks", true, None, None, false),
    ("get_status", true, None, None, false),
    ("verify_webhook", true, None, None, false),
];

/// The tools `bulk_tools_plan_run_resume_and_export` calls; the others are called by
/// `calls_every_tool_against_the_emulator`.
const BULK_TOOLS: &[&str] = &[
    "delete_users_matching",
    "ban_users_matching",
    "create_invitations_bulk",
    "create_app_invitations_bulk",
    "import_users",
    "add_members_bulk",
    "update_users_metadata_bulk",
    "update_organizations_metadata_bulk",
    "update_members_metadata_bulk",
    "export_users",
    "export_organizations",
    "export_members",
];

/// The tools `import_tools_copy_an_instance_from_its_exports` calls.
const COPY_TOOLS: &[&str] = &["import_organizations", "import_members"];

/// Exports change nothing in Clerk: read-only mode offers them too.
const EXPORTS: &[&str] = &["export_users", "export_organizations", "export_members"];

fn read_only_tools() -> BTreeSet<String> {
    TOOLS
        .iter()
        .filter(|t| t.1 || EXPORTS.contains(&t.0))
        .map(|t| t.0.to_owned())
        .collect()
}

struct Session {
    client: RunningService<RoleClient, ()>,
    stderr: Option<ChildStderr>,
}

impl Session {
    /// `clerkctl [global] mcp [args]` against `instance`, with `env` changes applied last.
    async fn start(instance: &Instance, args: &[&str], env: &[(&str, Option<&str>)]) -> Session {
        let mut cmd = tokio::process::Command::new(BIN);
        for var in [
            "CLERK_SECRET_KEY",
            "CLERK_API_URL",
            "CLERKCTL_READ_ONLY",
            "CLERKCTL_LOG",
        ] {
            cmd.env_remove(var);
        }
        cmd.envs(instance.env())
            .current_dir(instance.path("work"))
            .args(args);
        for (k, v) in env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        let (transport, stderr) = TokioChildProcess::builder(cmd)
            .stderr(Stdio::piped())
            .spawn()
            .expect("clerkctl mcp starts");
        let client = ().serve(transport).await.expect("the MCP handshake succeeds");
        Session { client, stderr }
    }

    async fn tools(&self) -> Vec<Tool> {
        self.client.list_all_tools().await.expect("tools/list")
    }

    async fn names(&self) -> BTreeSet<String> {
        self.tools()
            .await
            .into_iter()
            .map(|t| t.name.to_string())
            .collect()
    }

    async fn call(&self, name: &str, args: Value) -> CallToolResult {
        let Value::Object(args) = args else {
            panic!("arguments are an object")
        };
        self.client
            .call_tool(CallToolRequestParams::new(name.to_owned()).with_arguments(args))
            .await
            .unwrap_or_else(|e| panic!("{name}: the call itself failed: {e}"))
    }

    /// Calls a tool that must succeed, and returns its structured content.
    async fn ok(&self, name: &str, args: Value) -> Value {
        let r = self.call(name, args.clone()).await;
        assert_eq!(
            r.is_error,
            Some(false),
            "{name}({args}) failed: {:?}",
            r.structured_content
        );
        let v = r
            .structured_content
            .unwrap_or_else(|| panic!("{name} answers structured content"));
        assert!(v.is_object(), "{name}: structured content is an object");
        let text = r.content[0].as_text().expect("a text block").text.clone();
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            v,
            "{name}: the text block carries the same JSON"
        );
        v
    }

    /// Calls a tool that must fail as a tool error, and returns the error object.
    async fn err(&self, name: &str, args: Value) -> Value {
        let r = self.call(name, args.clone()).await;
        assert_eq!(r.is_error, Some(true), "{name}({args}) should fail: {r:?}");
        r.structured_content.expect("errors are structured")["error"].clone()
    }

    /// Closes the session and returns what the server wrote on stderr.
    async fn close(mut self) -> String {
        let _ = self.client.cancel().await;
        let mut text = String::new();
        if let Some(mut e) = self.stderr.take() {
            let _ = e.read_to_string(&mut text).await;
        }
        text
    }
}

fn audit_lines(instance: &Instance) -> Vec<Value> {
    std::fs::read_to_string(instance.audit_log())
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_every_tool_with_described_valid_schemas_and_truthful_annotations() {
    let instance = Instance::start();
    let s = Session::start(&instance, &["mcp"], &[]).await;
    let info = s.client.peer_info().expect("the server introduced itself");
    assert_eq!(info.server_info.as_ref().unwrap().name, "clerkctl");
    assert!(info.capabilities.tools.is_some());
    assert!(
        info.instructions
            .as_deref()
            .is_some_and(|i| i.contains("destructive"))
    );

    let tools = s.tools().await;
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    let mut expected: Vec<&str> = TOOLS.iter().map(|t| t.0).collect();
    expected.sort_unstable();
    assert_eq!(names, expected);

    let table: BTreeMap<&str, _> = TOOLS.iter().map(|t| (t.0, t)).collect();
    for tool in &tools {
        let name = tool.name.as_ref();
        assert!(
            tool.description.as_deref().is_some_and(|d| d.len() > 20),
            "{name} is described"
        );
        let schema = Value::Object((*tool.input_schema).clone());
        jsonschema::meta::validate(&schema)
            .unwrap_or_else(|e| panic!("{name}: not a valid JSON Schema: {e}"));
        jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(schema["type"], "object", "{name}");
        assert_eq!(
            schema["additionalProperties"], false,
            "{name} refuses unknown fields"
        );
        let props = schema["properties"].as_object().unwrap();
        assert!(!props.is_empty(), "{name} has inputs");
        for (field, def) in props {
            let d = def["description"].as_str().unwrap_or_default();
            assert!(d.len() > 5, "{name}.{field} has a description: {def}");
        }

        let a = tool
            .annotations
            .as_ref()
            .unwrap_or_else(|| panic!("{name} is annotated"));
        let &&(_, read_only, destructive, idempotent, open_world) = &table[name];
        assert!(
            a.title.as_deref().is_some_and(|t| !t.is_empty()),
            "{name} has a title"
        );
        assert_eq!(a.read_only_hint, Some(read_only), "{name} readOnlyHint");
        assert_eq!(a.destructive_hint, destructive, "{name} destructiveHint");
        assert_eq!(a.idempotent_hint, idempotent, "{name} idempotentHint");
        assert_eq!(a.open_world_hint, Some(open_world), "{name} openWorldHint");
        // A tool whose name says it removes something must say it is destructive.
        if ["delete_", "remove_", "revoke_"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            assert_eq!(a.destructive_hint, Some(true), "{name}");
        }
    }
    // A tool's required inputs are exactly its non-optional fields.
    let schema_of = |n: &str| {
        Value::Object((*tools.iter().find(|t| t.name == n).unwrap().input_schema).clone())
    };
    assert_eq!(
        schema_of("add_member")["required"],
        json!(["organization_id", "user_id", "role"])
    );
    assert_eq!(schema_of("delete_user")["required"], json!(["user_id"]));
    assert_eq!(
        schema_of("list_users")["properties"]["limit"]["maximum"],
        500
    );
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_every_tool_against_the_emulator() {
    let instance = Instance::start();
    let ids = instance.ids.clone();
    const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let s = Session::start(
        &instance,
        &["mcp"],
        &[("CLERK_WEBHOOK_SIGNING_SECRET", Some(WHSEC))],
    )
    .await;
    let mut called = BTreeSet::new();
    macro_rules! ok {
        ($name:expr, $args:expr) => {{
            called.insert($name.to_owned());
            s.ok($name, $args).await
        }};
    }

    // Users.
    let count = ok!("get_user_count", json!({}));
    assert_eq!(count, json!({"object": "total_count", "total_count": 3}));
    let found = ok!(
        "list_users",
        json!({"email_address": ["ada@example.com"], "fields": ["id", "first_name"]})
    );
    assert_eq!(
        found,
        json!({"data": [{"id": ids.ada, "first_name": "Ada"}], "total_count": 1})
    );
    let page = ok!(
        "list_users",
        json!({"limit": 2, "offset": 0, "order_by": "+created_at", "fields": ["id"]})
    );
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    assert_eq!(page["total_count"], 3, "the total covers every page");
    let ada = ok!("get_user", json!({"user_id": ids.ada}));
    let orgs = ok!(
        "list_user_memberships",
        json!({"user_id": "grace@example.com", "fields": ["role", "organization.slug"]})
    );
    assert_eq!(
        orgs["data"],
        json!([{"role": "org:admin", "organization": {"slug": "initech"}}])
    );
    assert_eq!(ada["public_metadata"], json!({"plan": "pro"}));
    let alice = ok!(
        "create_user",
        json!({"email_address": ["alice@example.com"], "first_name": "Alice",
               "public_metadata": {"team": "blue"}})
    );
    let alice_id = alice["id"].as_str().unwrap().to_owned();
    assert!(alice_id.starts_with("user_"));
    let renamed = ok!(
        "update_user",
        json!({"user_id": alice_id, "last_name": "Liddell"})
    );
    assert_eq!(renamed["last_name"], "Liddell");
    let merged = ok!(
        "update_user_metadata",
        json!({"user_id": alice_id, "public_metadata": {"plan": "pro"}})
    );
    assert_eq!(
        merged["public_metadata"],
        json!({"team": "blue", "plan": "pro"})
    );
    let banned = ok!("ban_user", json!({"user_id": alice_id}));
    assert_eq!(banned["banned"], true);
    let only_banned = ok!("list_users", json!({"banned": true, "fields": ["id"]}));
    assert_eq!(only_banned["data"], json!([{"id": alice_id}]));
    let unbanned = ok!("unban_user", json!({"user_id": alice_id}));
    assert_eq!(unbanned["banned"], false);
    let locked = ok!("lock_user", json!({"user_id": alice_id}));
    assert_eq!(locked["locked"], true);
    let unlocked = ok!("unlock_user", json!({"user_id": alice_id}));
    assert_eq!(unlocked["locked"], false);

    // Organizations.
    let orgs = ok!(
        "list_organizations",
        json!({"query": "initech", "include_members_count": true, "fields": ["id", "members_count"]})
    );
    assert_eq!(
        orgs,
        json!({"data": [{"id": ids.initech, "members_count": 2}], "total_count": 1})
    );
    let by_slug = ok!(
        "get_organization",
        json!({"organization": "initech", "fields": ["id", "name"]})
    );
    assert_eq!(by_slug, json!({"id": ids.initech, "name": "Initech"}));
    let hooli = ok!(
        "create_organization",
        json!({"name": "Hooli", "slug": "hooli", "created_by": alice_id})
    );
    let hooli_id = hooli["id"].as_str().unwrap().to_owned();
    let updated = ok!(
        "update_organization",
        json!({"organization_id": hooli_id, "name": "Hooli XYZ", "public_metadata": {"tier": 1}})
    );
    assert_eq!(updated["name"], "Hooli XYZ");
    assert_eq!(updated["public_metadata"], json!({"tier": 1}));

    // Members.
    let members = ok!(
        "list_members",
        json!({"organization_id": ids.initech, "fields": ["role", "public_user_data.user_id"]})
    );
    assert_eq!(members["total_count"], 2);
    assert!(
        members.to_string().contains(&ids.grace),
        "Grace, who created it, is a member"
    );
    let added = ok!(
        "add_member",
        json!({"organization_id": ids.initech, "user_id": ids.ada, "role": "org:member"})
    );
    assert_eq!(added["role"], "org:member");
    let promoted = ok!(
        "update_member",
        json!({"organization_id": ids.initech, "user_id": ids.ada, "role": "org:admin"})
    );
    assert_eq!(promoted["role"], "org:admin");
    ok!(
        "remove_member",
        json!({"organization_id": ids.initech, "user_id": ids.ada})
    );

    // Organization invitations.
    let pending = ok!(
        "list_invitations",
        json!({"organization_id": ids.initech, "status": ["pending"], "fields": ["id", "email_address"]})
    );
    assert_eq!(
        pending["data"],
        json!([{"id": ids.margaret_invitation, "email_address": "margaret@example.com"}])
    );
    let got = ok!(
        "get_invitation",
        json!({"organization_id": ids.initech, "invitation_id": ids.margaret_invitation})
    );
    assert_eq!(got["status"], "pending");
    let invited = ok!(
        "create_invitation",
        json!({"organization_id": ids.initech, "email_address": "bob@example.com",
               "role": "org:member", "notify": false, "expires_in_days": 7})
    );
    assert_eq!(invited["email_address"], "bob@example.com");
    let revoked = ok!(
        "revoke_invitation",
        json!({"organization_id": ids.initech, "invitation_id": ids.margaret_invitation})
    );
    assert_eq!(revoked["status"], "revoked");

    // Application invitations.
    let app = ok!(
        "list_app_invitations",
        json!({"status": "pending", "fields": ["id", "email_address"]})
    );
    assert_eq!(
        app["data"],
        json!([{"id": ids.tim_invitation, "email_address": "tim@example.com"}])
    );
    let dana = ok!(
        "create_app_invitation",
        json!({"email_address": "dana@example.com", "public_metadata": {"plan": "trial"}})
    );
    assert_eq!(dana["status"], "pending");
    let revoked = ok!(
        "revoke_app_invitation",
        json!({"invitation_id": ids.tim_invitation})
    );
    assert_eq!(revoked["status"], "revoked");

    // Sessions, tokens, JWT templates, the JWKS and webhooks.
    let minted = ok!(
        "create_session_token",
        json!({"user_id": ids.ada, "ttl": 120})
    );
    let sid = minted["session_id"].as_str().unwrap().to_owned();
    assert_eq!(minted["created_session"], true);
    assert!(minted["jwt"].as_str().unwrap().starts_with("ey"));
    let listed = ok!(
        "list_sessions",
        json!({"user_id": ids.ada, "status": "active", "fields": ["id"]})
    );
    assert_eq!(listed["data"], json!([{"id": sid}]));
    assert_eq!(
        ok!("get_session", json!({"session_id": sid}))["status"],
        "active"
    );
    let jwks = ok!("get_jwks", json!({"pem": true}));
    assert!(
        jwks["pem"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    // fields are checked as --fields is: an unknown field of a known object is a tool error
    // naming the valid fields and the nearest, before anything is sent.
    let e = s
        .err("list_users", json!({"fields": ["id", "emial"]}))
        .await;
    let m = e["message"].as_str().unwrap();
    assert!(
        m.starts_with("fields:") && m.contains("\"emial\"") && m.contains("email_addresses"),
        "{e}"
    );
    assert!(m.contains("did you mean"), "{e}");
    assert_eq!(e["exit_code"], 2, "{e}");
    let e = s
        .err(
            "get_organization",
            json!({"organization": "initech", "fields": ["nmae"]}),
        )
        .await;
    assert!(e["message"].as_str().unwrap().contains("\"name\""), "{e}");
    // Inside metadata every name is the instance's own.
    ok!(
        "list_users",
        json!({"fields": ["id", "public_metadata.anything"]})
    );
    let status = ok!("get_status", json!({}));
    assert_eq!(status["key_works"], true, "{status}");
    assert_eq!(status["environment_type"], "development");
    assert!(status["instance_id"].as_str().unwrap().starts_with("ins_"));
    assert!(status["users"].as_u64().unwrap() > 0);
    let quick = ok!("get_status", json!({"counts": false}));
    assert!(
        quick["users"].is_null() && quick["key_works"] == true,
        "{quick}"
    );
    assert_eq!(ok!("list_jwt_templates", json!({}))["total_count"], 0);
    called.insert("get_jwt_template".to_owned());
    let e = s
        .err(
            "get_jwt_template",
            json!({"template_id": "jtmp_2xhFjEI5X2qWRvtV13BzSj8H6Dk"}),
        )
        .await;
    assert_eq!(e["code"], "resource_not_found");
    let body = r#"{"type": "user.created", "data": {"id": "user_1"}}"#;
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let key = clerk_emulator::webhooks::decode_secret(WHSEC).unwrap();
    let sig = clerk_emulator::webhooks::sign(&key, "msg_1", ts, body);
    let headers =
        json!({"svix-id": "msg_1", "svix-timestamp": ts.to_string(), "svix-signature": sig});
    let v = ok!("verify_webhook", json!({"body": body, "headers": headers}));
    assert_eq!(
        (v["verified"].as_bool(), v["type"].as_str()),
        (Some(true), Some("user.created"))
    );
    let e = s
        .err(
            "verify_webhook",
            json!({"body": body.replace("user_1", "user_2"), "headers": headers}),
        )
        .await;
    assert!(
        e["message"].as_str().unwrap().contains("bad_signature"),
        "{e}"
    );
    let revoked = ok!("revoke_session", json!({"session_id": sid}));
    assert_eq!(revoked["status"], "revoked");

    // Deletes last.
    let gone = ok!("delete_organization", json!({"organization_id": hooli_id}));
    assert_eq!(gone["deleted"], true);
    let gone = ok!("delete_user", json!({"user_id": alice_id}));
    assert_eq!(gone["deleted"], true);
    assert_eq!(
        ok!("get_user_count", json!({}))["total_count"],
        3,
        "the scenario cleaned up after itself"
    );

    let all: BTreeSet<String> = TOOLS
        .iter()
        .map(|t| t.0)
        .filter(|t| !BULK_TOOLS.contains(t) && !COPY_TOOLS.contains(t))
        .map(str::to_owned)
        .collect();
    assert_eq!(called, all, "every tool but the bulk ones was called");

    // Every change was audited as the CLI audits it.
    let stderr = s.close().await;
    let audit = audit_lines(&instance);
    let commands: Vec<&str> = audit
        .iter()
        .map(|r| r["command"].as_str().unwrap())
        .collect();
    assert_eq!(
        commands,
        [
            "mcp create_user",
            "mcp update_user",
            "mcp update_user_metadata",
            "mcp ban_user",
            "mcp unban_user",
            "mcp lock_user",
            "mcp unlock_user",
            "mcp create_organization",
            "mcp update_organization",
            "mcp update_organization",
            "mcp add_member",
            "mcp update_member",
            "mcp remove_member",
            "mcp create_invitation",
            "mcp revoke_invitation",
            "mcp create_app_invitation",
            "mcp revoke_app_invitation",
            // The session made, then the token minted (audited, never the token).
            "mcp create_session_token",
            "mcp create_session_token",
            "mcp revoke_session",
            "mcp delete_organization",
            "mcp delete_user",
        ]
    );
    assert!(audit.iter().all(|r| r["status"] == 200));
    assert_eq!(audit[0]["resource_id"], alice_id);
    let raw_audit = std::fs::read_to_string(instance.audit_log()).unwrap();
    assert!(!raw_audit.contains(KEY), "the key is not in the audit log");
    assert!(!stderr.contains(KEY), "the key is not on stderr: {stderr}");
}

/// The tools take names where the command line does: a user's email address or username, an
/// organization's slug or name, role shorthands and dates; unknown names are exit 4, ambiguous
/// ones exit 2, as tool errors.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_take_names_as_the_command_line_does() {
    let instance = Instance::start();
    let ids = instance.ids.clone();
    let s = Session::start(&instance, &["mcp"], &[]).await;
    let ada = s
        .ok(
            "get_user",
            json!({"user_id": "ada@example.com", "fields": ["id"]}),
        )
        .await;
    assert_eq!(ada["id"], ids.ada);
    let ada = s
        .ok(
            "get_user",
            json!({"user_id": "ada_lovelace", "fields": ["id"]}),
        )
        .await;
    assert_eq!(ada["id"], ids.ada);
    let org = s
        .ok(
            "get_organization",
            json!({"organization": "Initech", "fields": ["id"]}),
        )
        .await;
    assert_eq!(org["id"], ids.initech);
    let members = s
        .ok(
            "list_members",
            json!({"organization_id": "initech", "user_id": ["grace@example.com"], "fields": ["role"]}),
        )
        .await;
    assert_eq!(members["data"], json!([{"role": "org:admin"}]));
    let added = s
        .ok(
            "add_member",
            json!({"organization_id": "initech", "user_id": "ada_lovelace", "role": "admin"}),
        )
        .await;
    assert_eq!(added["role"], "org:admin");
    let of_initech = s
        .ok(
            "get_user_count",
            json!({"organization_id": ["initech"], "created_at_after": "2000-01-01"}),
        )
        .await;
    assert_eq!(of_initech["total_count"], 3);
    let banned = s
        .ok("ban_user", json!({"user_id": "alan@example.com"}))
        .await;
    assert_eq!(banned["banned"], true);
    assert!(banned.get("changed").is_none());
    let again = s
        .ok("ban_user", json!({"user_id": "alan@example.com"}))
        .await;
    assert_eq!(again["changed"], false, "already banned: nothing changed");
    let e = s
        .err("ban_user", json!({"user_id": "nobody@example.com"}))
        .await;
    assert_eq!(e["exit_code"], 4, "{e}");
    assert_eq!(e["code"], "not_found", "{e}");
    let e = s
        .err(
            "delete_organization",
            json!({"organization_id": "No Such Org"}),
        )
        .await;
    assert_eq!(e["exit_code"], 4, "{e}");
    s.close().await;
}

/// The list tools take the command line's filters (the same set, from `ops`), and Clerk applies
/// them: a sample of those the tools did not offer before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_tools_take_the_command_lines_filters() {
    let instance = Instance::start();
    let ids = instance.ids.clone();
    let s = Session::start(&instance, &["--read-only", "mcp"], &[]).await;
    let by_name = s
        .ok(
            "list_users",
            json!({"name_query": "turing", "fields": ["id"]}),
        )
        .await;
    assert_eq!(by_name["data"], json!([{"id": ids.alan}]));
    assert_eq!(by_name["total_count"], 1);
    let counted = s
        .ok(
            "get_user_count",
            json!({"user_id": [format!("-{}", ids.ada)], "email_address_query": "example.com"}),
        )
        .await;
    assert_eq!(counted["total_count"], 2, "everyone but Ada");
    let admins = s
        .ok(
            "list_members",
            json!({"organization_id": ids.initech, "role": ["org:admin"], "fields": ["public_user_data.user_id"]}),
        )
        .await;
    assert_eq!(
        admins["data"],
        json!([{"public_user_data": {"user_id": ids.grace}}])
    );
    let everywhere = s
        .ok(
            "list_invitations",
            json!({"query": "margaret", "fields": ["id"]}),
        )
        .await;
    assert_eq!(everywhere["data"], json!([{"id": ids.margaret_invitation}]));
    let orgs = s
        .ok(
            "list_organizations",
            json!({"user_id": [ids.alan], "fields": ["id"]}),
        )
        .await;
    assert_eq!(orgs["data"], json!([{"id": ids.initech}]));
    // Checked as the command line checks them, before anything is sent.
    let bad = s
        .err(
            "list_members",
            json!({"organization_id": ids.initech, "role": ["owner"]}),
        )
        .await;
    assert_eq!(bad["exit_code"], 2, "{bad}");
    let bad = s
        .err(
            "list_invitations",
            json!({"organization_id": ids.initech, "query": "margaret"}),
        )
        .await;
    assert_eq!(bad["exit_code"], 2, "{bad}");
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_lists_only_the_tools_that_read() {
    let instance = Instance::start();
    let s = Session::start(&instance, &["--read-only", "mcp"], &[]).await;
    let tools = s.tools().await;
    let names: BTreeSet<String> = tools.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(names, read_only_tools());
    for t in tools.iter().filter(|t| !EXPORTS.contains(&t.name.as_ref())) {
        assert_eq!(
            t.annotations.as_ref().unwrap().read_only_hint,
            Some(true),
            "{}",
            t.name
        );
    }
    // A hidden tool cannot be called by name either: deleting, taking or giving back a
    // user's access, and importing.
    let args: Map<String, Value> = json!({"user_id": instance.ids.ada})
        .as_object()
        .unwrap()
        .clone();
    for hidden in [
        "delete_user",
        "ban_user",
        "unban_user",
        "lock_user",
        "unlock_user",
        "import_organizations",
        "import_members",
    ] {
        assert!(!names.contains(hidden), "{hidden} is not listed");
        let refused = s
            .client
            .call_tool(CallToolRequestParams::new(hidden).with_arguments(args.clone()))
            .await;
        assert!(refused.is_err(), "{hidden} is not served: {refused:?}");
    }
    s.ok("get_user", json!({"user_id": instance.ids.ada})).await;
    s.close().await;

    // CLERKCTL_READ_ONLY does the same.
    let s = Session::start(&instance, &["mcp"], &[("CLERKCTL_READ_ONLY", Some("1"))]).await;
    assert_eq!(s.names().await, read_only_tools());
    s.close().await;
    assert!(audit_lines(&instance).is_empty(), "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_limits_what_is_listed() {
    let instance = Instance::start();
    let s = Session::start(
        &instance,
        &["mcp", "--tools", "members,get_organization,list_users"],
        &[],
    )
    .await;
    let expected: BTreeSet<String> = [
        "list_members",
        "add_member",
        "update_member",
        "remove_member",
        "add_members_bulk",
        "import_members",
        "update_members_metadata_bulk",
        "export_members",
        "get_organization",
        "list_users",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(s.names().await, expected);
    s.close().await;

    let s = Session::start(
        &instance,
        &["--read-only", "mcp", "--tools", "orgs,app-invitations"],
        &[],
    )
    .await;
    let expected: BTreeSet<String> = [
        "list_organizations",
        "get_organization",
        "export_organizations",
        "list_app_invitations",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(s.names().await, expected);
    s.close().await;

    for (args, says) in [
        (vec!["mcp", "--tools", "users,nonsense"], "nonsense"),
        (
            vec!["--read-only", "mcp", "--tools", "delete_user"],
            "no tools left",
        ),
    ] {
        let out = instance.clerkctl(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_metadata_is_removed_unless_allowed() {
    let instance = Instance::start();
    let ids = instance.ids.clone();
    let private_values = [
        "PRIVATE-USER-VALUE",
        "PRIVATE-ORG-VALUE",
        "PRIVATE-MEMBER-VALUE",
    ];
    let calls = [
        ("get_user", json!({"user_id": ids.ada})),
        ("list_users", json!({})),
        ("get_organization", json!({"organization": ids.initech})),
        ("list_organizations", json!({})),
        ("list_members", json!({"organization_id": ids.initech})),
        (
            "update_user_metadata",
            json!({"user_id": ids.ada, "public_metadata": {"seen": true}}),
        ),
    ];

    let s = Session::start(&instance, &["mcp"], &[]).await;
    for (name, args) in &calls {
        let v = s.ok(name, args.clone()).await;
        let text = v.to_string();
        assert!(
            !text.contains("private_metadata"),
            "{name} shows no private_metadata: {text}"
        );
        for p in private_values {
            assert!(!text.contains(p), "{name} leaks {p}");
        }
    }
    // Asking for the field by name does not bring it back.
    let v = s
        .ok(
            "get_user",
            json!({"user_id": ids.ada, "fields": ["id", "private_metadata"]}),
        )
        .await;
    assert_eq!(v, json!({"id": ids.ada}));
    s.close().await;

    let s = Session::start(&instance, &["mcp", "--allow-private-metadata"], &[]).await;
    let user = s.ok("get_user", json!({"user_id": ids.ada})).await;
    assert_eq!(
        user["private_metadata"],
        json!({"ssn": "PRIVATE-USER-VALUE"})
    );
    let members = s
        .ok("list_members", json!({"organization_id": ids.initech}))
        .await;
    assert!(members.to_string().contains("PRIVATE-MEMBER-VALUE"));
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_tool_errors_with_clerks_code_and_a_hint_naming_tools() {
    let instance = Instance::start();
    let ids = instance.ids.clone();
    let s = Session::start(&instance, &["mcp"], &[]).await;
    let missing_user = "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk";
    let missing_org = "org_2xhFjEI5X2qWRvtV13BzSj8H6Dk";

    // Destructive calls on missing IDs: a 404 tool error, and the server carries on.
    for (name, args, hint) in [
        ("delete_user", json!({"user_id": missing_user}), "user ID"),
        (
            "delete_organization",
            json!({"organization_id": missing_org}),
            "organization ID",
        ),
        (
            "remove_member",
            json!({"organization_id": ids.initech, "user_id": missing_user}),
            "call list_members",
        ),
        (
            "revoke_invitation",
            json!({"organization_id": ids.initech, "invitation_id": "orginv_2xhFjEI5X2qWRvtV13BzSj8H6Dk"}),
            "invitation ID",
        ),
        (
            "revoke_app_invitation",
            json!({"invitation_id": "inv_2xhFjEI5X2qWRvtV13BzSj8H6Dk"}),
            "invitation ID",
        ),
    ] {
        let e = s.err(name, args).await;
        assert_eq!(e["status"], 404, "{name}: {e}");
        assert_eq!(e["code"], "resource_not_found", "{name}");
        assert!(
            e["long_message"].as_str().is_some_and(|m| !m.is_empty()),
            "{name}: Clerk's message"
        );
        assert!(e["trace_id"].is_string(), "{name}: the trace id");
        assert_eq!(e["exit_code"], 4, "{name}: the CLI's class of failure");
        let h = e["hint"].as_str().unwrap_or_default();
        assert!(h.contains(hint), "{name}: hint {h:?}");
        // An MCP client has no shell: a hint names a tool, never a command to run.
        assert!(!h.contains("clerkctl "), "{name}: hint {h:?}");
    }

    // A member with the same role already: nothing changes, and the answer says so.
    let same = s
        .ok(
            "add_member",
            json!({"organization_id": ids.initech, "user_id": ids.alan, "role": "member"}),
        )
        .await;
    assert_eq!(same["changed"], false);
    // Clerk's refusals carry the code hints, worded for a client that calls tools.
    let e = s
        .err(
            "add_member",
            json!({"organization_id": ids.initech, "user_id": ids.alan, "role": "org:admin"}),
        )
        .await;
    assert_eq!(e["code"], "already_a_member_in_organization");
    assert_eq!(e["exit_code"], 5);
    assert!(e["hint"].as_str().unwrap().contains("update_member"), "{e}");
    let e = s
        .err(
            "create_invitation",
            json!({"organization_id": ids.initech, "email_address": "margaret@example.com", "role": "org:member"}),
        )
        .await;
    assert_eq!(e["exit_code"], 5, "{e}");

    // Input checked before anything is sent, as in the CLI.
    for (name, args, says) in [
        ("get_user", json!({"user_id": "org_acme"}), "user ID"),
        (
            "create_invitation",
            json!({"organization_id": ids.initech, "email_address": "not-an-email", "role": "org:member"}),
            "email",
        ),
        (
            "add_member",
            json!({"organization_id": ids.initech, "user_id": ids.ada, "role": "owner"}),
            "role",
        ),
        ("list_users", json!({"limit": 0}), "limit"),
        (
            "update_user",
            json!({"user_id": ids.ada}),
            "nothing to change",
        ),
    ] {
        let e = s.err(name, args).await;
        assert_eq!(e["code"], "usage", "{name}: {e}");
        assert_eq!(e["exit_code"], 2);
        assert!(e["message"].as_str().unwrap().contains(says), "{name}: {e}");
        let hint = e["hint"].as_str().unwrap();
        assert!(
            !hint.is_empty() && !hint.contains("clerkctl "),
            "{name}: {e}"
        );
    }

    // Arguments that do not fit the schema are tool errors too, not protocol errors.
    let r = s
        .call("get_user", json!({"user_id": ids.ada, "colour": "blue"}))
        .await;
    assert_eq!(r.is_error, Some(true));
    let r = s.call("delete_user", json!({})).await;
    assert_eq!(r.is_error, Some(true));

    // Still serving.
    s.ok("get_user_count", json!({})).await;
    s.close().await;
    assert!(
        audit_lines(&instance).iter().all(|r| r["status"] != 200),
        "no change went through"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starts_without_a_key_and_answers_the_setup_error() {
    let instance = Instance::start();
    let s = Session::start(&instance, &["mcp"], &[("CLERK_SECRET_KEY", None)]).await;
    assert_eq!(s.names().await.len(), TOOLS.len());
    let e = s.err("get_user_count", json!({})).await;
    assert_eq!(e["code"], "missing_secret_key");
    assert_eq!(e["exit_code"], 3);
    assert!(e["hint"].as_str().unwrap().contains("CLERK_SECRET_KEY"));
    let e = s
        .err("delete_user", json!({"user_id": instance.ids.ada}))
        .await;
    assert_eq!(e["code"], "missing_secret_key");
    let stderr = s.close().await;
    assert!(
        stderr.contains("CLERK_SECRET_KEY"),
        "told on stderr: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_answers_the_request_and_sends_nothing() {
    let instance = Instance::start();
    let s = Session::start(&instance, &["--dry-run", "mcp"], &[]).await;
    let plan = s
        .ok(
            "create_invitation",
            json!({"organization_id": instance.ids.initech, "email_address": "eve@example.com", "role": "org:member"}),
        )
        .await;
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["request"]["method"], "POST");
    // Compact: method, path and body, no URL or headers an agent would pay for.
    assert_eq!(
        plan["request"]["path"],
        format!("/v1/organizations/{}/invitations", instance.ids.initech)
    );
    assert!(plan["request"].get("headers").is_none(), "{plan}");
    assert_eq!(plan["request"]["body"]["email_address"], "eve@example.com");
    assert!(!plan.to_string().contains(KEY), "the key is masked");
    // Reads still read.
    let pending = s
        .ok(
            "list_invitations",
            json!({"organization_id": instance.ids.initech, "email_address": "eve@example.com"}),
        )
        .await;
    assert_eq!(pending["total_count"], 0, "nothing was sent");
    s.close().await;
    assert!(audit_lines(&instance).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_go_to_stderr_and_the_key_never_shows() {
    let instance = Instance::start();
    // Debug logging on: every log line must stay off stdout, or the client would choke.
    let s = Session::start(&instance, &["mcp"], &[("CLERKCTL_LOG", Some("debug"))]).await;
    let created = s
        .ok(
            "create_user",
            json!({"email_address": ["mallory@example.com"]}),
        )
        .await;
    let e = s
        .err(
            "delete_user",
            json!({"user_id": "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk"}),
        )
        .await;
    assert!(!created.to_string().contains(KEY));
    assert!(!e.to_string().contains(KEY));
    let stderr = s.close().await;
    assert!(!stderr.is_empty(), "debug logs went to stderr");
    assert!(!stderr.contains(KEY), "the key is not in the logs");
    let audit = std::fs::read_to_string(instance.audit_log()).unwrap();
    assert!(!audit.contains(KEY));
    assert!(audit.contains("mcp create_user"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_serves_the_built_in_emulator() {
    let instance = Instance::start();
    let data = instance.path("local.db").display().to_string();
    let s = Session::start(
        &instance,
        &["--local", "--local-data", &data, "mcp"],
        &[("CLERK_SECRET_KEY", None), ("CLERK_API_URL", None)],
    )
    .await;
    let orgs = s
        .ok("list_organizations", json!({"fields": ["slug"]}))
        .await;
    let mut slugs: Vec<&str> = orgs["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["slug"].as_str().unwrap())
        .collect();
    slugs.sort_unstable();
    assert_eq!(slugs, ["acme", "globex"], "the demo company");
    s.ok(
        "create_app_invitation",
        json!({"email_address": "newcomer@example.com"}),
    )
    .await;
    s.close().await;
    // The change is in the local state for the next session.
    let out = instance
        .clerkctl(&[
            "--local",
            "--local-data",
            &data,
            "app-invitations",
            "list",
            "--query",
            "newcomer",
            "-o",
            "json",
        ])
        .env_remove("CLERK_SECRET_KEY")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total_count"], 1);
}

#[test]
fn exits_quietly_when_the_client_hangs_up_at_once() {
    let instance = Instance::start();
    let out = instance
        .clerkctl(&["mcp"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty(), "nothing but the protocol on stdout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_tools_plan_run_resume_and_export() {
    let instance = Instance::start();
    let ids = instance.ids.clone();
    let files = instance.path("work").display().to_string();
    let s = Session::start(
        &instance,
        &["mcp", "--rate", "off", "--files-dir", &files],
        &[],
    )
    .await;
    let mut called = BTreeSet::new();
    macro_rules! ok {
        ($name:expr, $args:expr) => {{
            called.insert($name.to_owned());
            s.ok($name, $args).await
        }};
    }
    let pending = |v: &Value| v["total_count"].as_u64().unwrap();
    let before = pending(
        &s.ok(
            "list_invitations",
            json!({"organization_id": ids.initech, "limit": 1}),
        )
        .await,
    );

    // A dry run answers the plan: 25 rows in 3 bulk requests, nothing sent.
    let mut rows: Vec<Value> = (0..25)
        .map(|i| json!({"email_address": format!("p{i:02}@example.com")}))
        .collect();
    rows.push(json!({"email_address": "not-an-address"}));
    rows.push(json!({"email_address": "p03@example.com"}));
    let args = json!({"organization_id": ids.initech, "role": "org:member", "rows": rows});
    let mut dry = args.clone();
    dry["dry_run"] = json!(true);
    let plan = ok!("create_invitations_bulk", dry);
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["rows_to_send"], 25);
    assert_eq!(plan["requests"], 3);
    assert_eq!(plan["skipped"], 1, "the repeated address");
    assert_eq!(plan["bad_rows"][0]["line"], 26);
    let first = &plan["plan"][0]["request"];
    assert_eq!(first["method"], "POST");
    assert_eq!(
        first["path"],
        format!("/v1/organizations/{}/invitations/bulk", ids.initech),
        "{first}"
    );
    assert_eq!(first["body"].as_array().unwrap().len(), 10);
    assert_eq!(first["body"][0]["role"], "org:member", "the default role");
    assert!(!plan.to_string().contains(KEY));
    assert!(audit_lines(&instance).is_empty(), "a dry run sends nothing");
    let now = s
        .ok(
            "list_invitations",
            json!({"organization_id": ids.initech, "limit": 1}),
        )
        .await;
    assert_eq!(pending(&now), before);

    // The run: 25 created in 3 requests, the bad row and the repeat reported by line.
    let done = ok!("create_invitations_bulk", args.clone());
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["created"], 25);
    assert_eq!(done["failed"], 1);
    assert_eq!(done["failures"][0]["code"], "bad_row");
    assert_eq!(done["skipped"], 1);
    assert_eq!(done["requests"], 3);
    assert!(done.get("next").is_none());
    let journal = done["journal"].as_str().unwrap().to_owned();
    assert!(
        journal.starts_with(&instance.path("state").display().to_string()),
        "inline rows are journaled under the state directory: {journal}"
    );
    let now = s
        .ok(
            "list_invitations",
            json!({"organization_id": ids.initech, "limit": 1}),
        )
        .await;
    assert_eq!(pending(&now), before + 25);

    // The same call again finds its journal: nothing is sent twice.
    let again = ok!("create_invitations_bulk", args);
    assert_eq!(again["already_done"], 25);
    assert_eq!(again["created"], 0);
    assert_eq!(again["requests"], 0);
    assert_eq!(again["journal"], journal.as_str());

    // Application invitations past Clerk's hourly limits (25 bulk and 100 single requests):
    // the call stops instead of waiting an hour, and says how to carry on.
    let rows: Vec<Value> = (0..400)
        .map(|i| json!({"email_address": format!("a{i:03}@example.com")}))
        .collect();
    let args = json!({"rows": rows});
    let first = ok!("create_app_invitations_bulk", args.clone());
    assert_eq!(first["status"], "stopped", "{first}");
    assert_eq!(first["created"], 25 * 10 + 100);
    assert_eq!(first["not_done"], 50);
    assert_eq!(first["rate_limited"], 0, "paced, never refused");
    assert!(
        first["stopped_because"]
            .as_str()
            .unwrap()
            .contains("hourly limit")
    );
    assert!(first["next"].as_str().unwrap().contains("again"));
    // The hour is counted across calls: the next call sends nothing yet.
    let second = ok!("create_app_invitations_bulk", args);
    assert_eq!(second["status"], "stopped");
    assert_eq!(second["already_done"], 350);
    assert_eq!(second["created"], 0);
    assert_eq!(second["requests"], 0);

    // A users import from a file: the existing user is skipped, the journal is beside it.
    let work = instance.path("work");
    std::fs::write(
        work.join("people.ndjson"),
        "{\"email_address\": [\"ada@example.com\"], \"first_name\": \"Ada\"}\n\
         {\"email_address\": [\"bob@example.com\"], \"first_name\": \"Bob\", \"external_id\": \"crm-2\"}\n\
         {\"email_address\": [\"cy@example.com\"], \"first_name\": \"Cy\"}\n",
    )
    .unwrap();
    let imported = ok!("import_users", json!({"file": "people.ndjson"}));
    assert_eq!(imported["status"], "done", "{imported}");
    assert_eq!(imported["created"], 2);
    assert_eq!(imported["skipped"], 1);
    assert_eq!(imported["skips"][0]["line"], 1);
    assert!(work.join("people.ndjson.journal").exists());
    let bob = s
        .ok(
            "list_users",
            json!({"external_id": ["crm-2"], "fields": ["id"]}),
        )
        .await;
    let bob_id = bob["data"][0]["id"].as_str().unwrap().to_owned();

    // Members in bulk: those already in are skipped.
    let added = ok!(
        "add_members_bulk",
        json!({"organization_id": ids.initech, "role": "org:member",
               "rows": [{"user_id": bob_id}, {"user_id": ids.alan}, {"user_id": ids.ada, "role": "org:admin"}]})
    );
    assert_eq!(added["status"], "done", "{added}");
    assert_eq!(added["created"], 2);
    assert_eq!(added["skipped"], 1, "Alan is a member already");
    assert!(
        added["skips"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("member")),
        "{added}"
    );

    // Metadata in bulk: names resolved, a dry run that sends nothing, a merge, a repeat that
    // sends nothing, and a bad row that stops the job before anything is sent.
    let plan_of = |v: &Value| v["plan"][0]["request"].clone();
    let args =
        json!({"user_ids": [ids.ada, "bob@example.com"], "public_metadata": {"bulk": "pro"}});
    let mut dry = args.clone();
    dry["dry_run"] = json!(true);
    let plan = ok!("update_users_metadata_bulk", dry);
    assert_eq!(plan["rows_to_send"], 2, "{plan}");
    assert_eq!(plan_of(&plan)["method"], "PATCH");
    assert_eq!(
        plan_of(&plan)["path"],
        format!("/v1/users/{}/metadata", ids.ada)
    );
    let ada = s
        .ok(
            "get_user",
            json!({"user_id": ids.ada, "fields": ["public_metadata"]}),
        )
        .await;
    assert!(ada["public_metadata"].get("bulk").is_none(), "{ada}");
    let done = ok!("update_users_metadata_bulk", args.clone());
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["updated"], 2);
    let again = ok!("update_users_metadata_bulk", args);
    assert_eq!(again["already_done"], 2);
    assert_eq!(again["requests"], 0);
    for who in [&ids.ada, &bob_id] {
        let u = s
            .ok(
                "get_user",
                json!({"user_id": who, "fields": ["public_metadata"]}),
            )
            .await;
        assert_eq!(u["public_metadata"]["bulk"], "pro", "{u}");
    }
    let bad = s
        .err(
            "update_users_metadata_bulk",
            json!({"rows": [{"user_id": ids.ada, "public_metadata": {"bad": 1}}, {"user_id": "ada"}]}),
        )
        .await;
    assert_eq!(bad["exit_code"], 2, "{bad}");
    assert!(bad["message"].as_str().unwrap().contains("line 2"), "{bad}");
    let ada = s
        .ok(
            "get_user",
            json!({"user_id": ids.ada, "fields": ["public_metadata"]}),
        )
        .await;
    assert!(
        ada["public_metadata"].get("bad").is_none(),
        "nothing was sent: {ada}"
    );
    let orgs = ok!(
        "update_organizations_metadata_bulk",
        json!({"organization_ids": [ids.initech], "public_metadata": {"tier": 2}})
    );
    assert_eq!(orgs["updated"], 1, "{orgs}");
    let org = s
        .ok("get_organization", json!({"organization": ids.initech}))
        .await;
    assert_eq!(org["public_metadata"]["tier"], 2, "{org}");
    let members = ok!(
        "update_members_metadata_bulk",
        json!({"organization_id": ids.initech,
               "rows": [{"user_id": ids.alan, "public_metadata": {"team": "ops"}}]})
    );
    assert_eq!(members["updated"], 1, "{members}");
    let alan = s
        .ok(
            "list_members",
            json!({"organization_id": ids.initech, "user_id": [ids.alan]}),
        )
        .await;
    assert_eq!(alan["data"][0]["public_metadata"]["team"], "ops", "{alan}");

    // Exports: every object once, private metadata left out, never over an existing file.
    let out = ok!("export_users", json!({"out": "users.ndjson"}));
    assert_eq!(out["exported"], 5);
    assert_eq!(out["object"], "users");
    let text = std::fs::read_to_string(work.join("users.ndjson")).unwrap();
    let exported: BTreeSet<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(exported.len(), 5);
    assert!(exported.contains(&ids.ada) && exported.contains(&bob_id));
    assert!(
        !text.contains("PRIVATE-USER-VALUE"),
        "private metadata stays out"
    );
    assert!(!text.contains("private_metadata"));
    let refused = s.err("export_users", json!({"out": "users.ndjson"})).await;
    assert!(
        refused["message"].as_str().unwrap().contains("exists"),
        "{refused}"
    );
    let orgs = ok!(
        "export_organizations",
        json!({"out": "orgs.csv", "format": "csv", "include_members_count": true})
    );
    assert_eq!(orgs["exported"], 1);
    let csv = std::fs::read_to_string(work.join("orgs.csv")).unwrap();
    assert!(csv.starts_with("id,name,slug,members_count"), "{csv}");
    assert!(!csv.contains("PRIVATE-ORG-VALUE"));
    let members = ok!(
        "export_members",
        json!({"organization_id": ids.initech, "out": "members.ndjson"})
    );
    assert_eq!(members["exported"], 4, "Grace, Alan, Bob and Ada");
    let filtered = ok!(
        "export_users",
        json!({"out": "bob.ndjson", "query": "bob@"})
    );
    assert_eq!(filtered["exported"], 1);

    // Fleet operations: a dry run, a refusal without the person's count, then the change.
    let plan = ok!(
        "ban_users_matching",
        json!({"query": "alan@", "dry_run": true})
    );
    assert_eq!(plan["matched"], 1, "{plan}");
    assert_eq!(plan["user_ids"], json!([ids.alan]));
    let e = s
        .err("delete_users_matching", json!({"query": "bob@"}))
        .await;
    assert!(
        e["message"].as_str().unwrap().contains("expect_count 1"),
        "{e}"
    );
    let e = s
        .err(
            "delete_users_matching",
            json!({"query": "bob@", "expect_count": 2}),
        )
        .await;
    assert_eq!(e["exit_code"], 7, "{e}");
    let done = ok!(
        "delete_users_matching",
        json!({"query": "bob@", "expect_count": 1, "backup": "bob-backup.ndjson"})
    );
    assert_eq!(done["done"], 1, "{done}");
    assert!(work.join("bob-backup.ndjson").exists());

    let all: BTreeSet<String> = BULK_TOOLS.iter().map(|t| (*t).to_owned()).collect();
    assert_eq!(called, all, "every bulk tool was called");

    // Each job is one audit record, as the CLI's bulk commands write them; a fleet operation
    // records each user it changed.
    s.close().await;
    let jobs: Vec<String> = audit_lines(&instance)
        .iter()
        .map(|r| r["command"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        jobs,
        [
            "invitations bulk",
            "invitations bulk",
            "app-invitations bulk",
            "app-invitations bulk",
            "users import",
            "members add-bulk",
            "users update-metadata-bulk",
            "users update-metadata-bulk",
            "orgs update-metadata-bulk",
            "members update-metadata-bulk",
            "mcp delete_users_matching"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_tools_refuse_in_read_only_mode_and_bad_input() {
    let instance = Instance::start();
    let s = Session::start(&instance, &["mcp"], &[]).await;
    let org = instance.ids.initech.clone();
    for (args, says) in [
        (json!({"organization_id": org}), "rows or file"),
        (
            json!({"organization_id": org, "rows": [], "role": "org:member"}),
            "rows is empty",
        ),
        (
            json!({"organization_id": org, "file": "x.csv", "rows": [{"email_address": "a@b.co"}]}),
            "rows or file",
        ),
        (
            json!({"organization_id": org, "file": "missing.csv"}),
            "cannot read",
        ),
        (
            json!({"organization_id": "user_123", "rows": [{"email_address": "a@b.co"}]}),
            "org_",
        ),
        (
            json!({"organization_id": org, "role": "owner", "rows": [{"email_address": "a@b.co"}]}),
            "org:",
        ),
    ] {
        let e = s.err("create_invitations_bulk", args.clone()).await;
        assert_eq!(
            e["status"],
            Value::Null,
            "{args}: refused before sending: {e}"
        );
        let text = e.to_string();
        assert!(text.contains(says), "{args}: {e}");
    }
    s.close().await;
    assert!(audit_lines(&instance).is_empty());

    // Read-only mode: the bulk tools are not offered, and an export still is.
    let s = Session::start(&instance, &["--read-only", "mcp"], &[]).await;
    let names = s.names().await;
    for tool in [
        "import_users",
        "import_organizations",
        "import_members",
        "create_invitations_bulk",
    ] {
        assert!(!names.contains(tool), "{tool} is not offered");
    }
    let out = s
        .ok(
            "export_members",
            json!({"organization_id": org, "out": "m.ndjson"}),
        )
        .await;
    assert_eq!(out["exported"], 2);
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_users_refuses_a_bad_digest_without_repeating_it() {
    let instance = Instance::start();
    let s = Session::start(&instance, &["mcp", "--rate", "off"], &[]).await;
    // A bcrypt digest cut short: the whole call is refused, nothing created.
    let cut = "$2b$04$CtHIiSt9gXbgojBWIgWOtOLgi1OMlIHR2qABWrWafqg0oG87q";
    let e = s
        .err(
            "import_users",
            json!({"rows": [
                {"email_address": "ok@example.com"},
                {"email_address": "cut@example.com", "password_digest": cut, "password_hasher": "bcrypt"}
            ]}),
        )
        .await;
    let text = e.to_string();
    assert!(
        text.contains("line 2: password_digest is not a valid bcrypt digest"),
        "{text}"
    );
    assert!(!text.contains("CtHIiSt9"), "{text}");
    let found = s
        .ok("list_users", json!({"email_address": ["ok@example.com"]}))
        .await;
    assert_eq!(found["data"], json!([]), "nothing was sent: {found}");
    let stderr = s.close().await;
    assert!(!stderr.contains("CtHIiSt9"), "{stderr}");
}

/// An instance as a copy keeps it, read through the tools: users by email address,
/// organizations by slug (their creator by email address), memberships by organization slug and
/// member's email address; no IDs, which a copy cannot keep.
async fn copied_view(s: &Session) -> Value {
    let users = s
        .ok(
            "list_users",
            json!({"limit": 500, "fields": ["id", "email_addresses.email_address", "first_name",
                "last_name", "username", "external_id", "public_metadata", "private_metadata"]}),
        )
        .await;
    let mut email = BTreeMap::new();
    let mut people = Vec::new();
    for u in users["data"].as_array().unwrap() {
        let address = u["email_addresses"][0]["email_address"].clone();
        email.insert(u["id"].as_str().unwrap().to_owned(), address.clone());
        let mut u = u.clone();
        u.as_object_mut().unwrap().remove("id");
        people.push((address.to_string(), u));
    }
    people.sort_by(|a, b| a.0.cmp(&b.0));
    let orgs = s
        .ok(
            "list_organizations",
            json!({"limit": 500, "fields": ["id", "name", "slug", "created_by",
                "max_allowed_memberships", "public_metadata", "private_metadata"]}),
        )
        .await;
    let mut organizations = BTreeMap::new();
    let mut memberships = BTreeMap::new();
    for o in orgs["data"].as_array().unwrap() {
        let slug = o["slug"].as_str().unwrap().to_owned();
        let members = s
            .ok(
                "list_members",
                json!({"organization_id": o["id"], "limit": 500, "fields": ["role",
                    "public_user_data.identifier", "public_metadata", "private_metadata"]}),
            )
            .await;
        let mut members: Vec<Value> = members["data"].as_array().unwrap().clone();
        members.sort_by_key(|m| m["public_user_data"]["identifier"].to_string());
        memberships.insert(slug.clone(), members);
        let mut o = o.clone();
        let o = o.as_object_mut().unwrap();
        o.remove("id");
        let creator = o["created_by"].as_str().map(|c| email[c].clone());
        o.insert("created_by".into(), json!(creator));
        organizations.insert(slug, Value::Object(o.clone()));
    }
    json!({
        "users": people.into_iter().map(|p| p.1).collect::<Vec<_>>(),
        "organizations": organizations,
        "memberships": memberships,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_tools_copy_an_instance_from_its_exports() {
    let from = Instance::start();
    let ids = from.ids.clone();
    // Both servers use one files directory: the exports of one are the imports of the other.
    let files = from.path("work").display().to_string();
    let args = [
        "mcp",
        "--rate",
        "off",
        "--allow-private-metadata",
        "--files-dir",
        &files,
    ];
    let src = Session::start(&from, &args, &[]).await;

    // What a copy must carry beyond the seed: a second organization with a membership limit
    // and metadata, membership metadata, a creator who is no longer the admin.
    let globex = src
        .ok(
            "create_organization",
            json!({"name": "Globex", "slug": "globex", "created_by": ids.ada,
                   "max_allowed_memberships": 7, "public_metadata": {"plan": "gold"},
                   "private_metadata": {"crm": "G-1"}}),
        )
        .await;
    src.ok(
        "add_member",
        json!({"organization_id": "globex", "user_id": ids.alan, "role": "org:admin"}),
    )
    .await;
    src.ok(
        "update_member",
        json!({"organization_id": "globex", "user_id": ids.ada, "role": "org:member"}),
    )
    .await;
    src.ok(
        "update_members_metadata_bulk",
        json!({"organization_id": "globex", "rows": [
            {"user_id": ids.alan, "public_metadata": {"desk": "3F"}, "private_metadata": {"badge": 42}}]}),
    )
    .await;
    let want = copied_view(&src).await;
    assert_eq!(
        want["organizations"]["globex"]["max_allowed_memberships"],
        7
    );
    assert_eq!(
        want["memberships"]["globex"][0]["role"], "org:member",
        "{want}"
    );
    for (tool, args) in [
        ("export_users", json!({"out": "users.ndjson"})),
        ("export_organizations", json!({"out": "orgs.ndjson"})),
        (
            "export_members",
            json!({"organization_id": ids.initech, "out": "initech.csv"}),
        ),
        (
            "export_members",
            json!({"organization_id": globex["id"], "out": "globex.ndjson"}),
        ),
    ] {
        src.ok(tool, args).await;
    }
    src.close().await;

    let into = Instance::empty();
    let s = Session::start(&into, &args, &[]).await;
    let mut called = BTreeSet::new();
    macro_rules! ok {
        ($name:expr, $args:expr) => {{
            called.insert($name.to_owned());
            s.ok($name, $args).await
        }};
    }
    let members_args = |file: &str| json!({"file": file, "users": "users.ndjson"});
    // Memberships before their users and organizations: each row fails, saying which tool or
    // parameter fixes it, and the same call carries on once they are here.
    let early = ok!("import_members", members_args("initech.csv"));
    assert_eq!(early["failed"], 2, "{early}");
    assert_eq!(early["created"], 0, "{early}");
    let reason = early["failures"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("run import_organizations first, or pass organization_id"),
        "{reason}"
    );
    let users = ok!("import_users", json!({"file": "users.ndjson"}));
    assert_eq!(users["created"], 3, "{users}");
    let e = s
        .err(
            "import_members",
            json!({"file": "initech.csv", "organization_id": "nowhere"}),
        )
        .await;
    assert_eq!(e["exit_code"], 4, "an organization_id not here: {e}");

    // Dry runs first: the plan, with the creator mapped to the same user here; nothing sent.
    let orgs_args = json!({"file": "orgs.ndjson", "users": "users.ndjson"});
    let mut dry = orgs_args.clone();
    dry["dry_run"] = json!(true);
    let plan = ok!("import_organizations", dry);
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["job"], "orgs import");
    assert_eq!(plan["rows_to_send"], 2, "{plan}");
    let request = &plan["plan"][0]["request"];
    assert_eq!(request["method"], "POST");
    assert_eq!(request["path"], "/v1/organizations");
    let here = s
        .ok(
            "list_users",
            json!({"email_address": ["grace@example.com", "ada@example.com"], "fields": ["id"]}),
        )
        .await;
    let here: BTreeSet<&str> = here["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert!(
        here.contains(request["body"]["created_by"].as_str().unwrap()),
        "the creator is a user of this instance: {request}"
    );
    let none = s.ok("list_organizations", json!({})).await;
    assert_eq!(none["total_count"], 0, "a dry run creates nothing");

    let orgs = ok!("import_organizations", orgs_args.clone());
    assert_eq!(orgs["job"], "orgs import");
    assert_eq!(orgs["status"], "done", "{orgs}");
    assert_eq!(orgs["created"], 2);
    assert_eq!(orgs["failed"], 0);
    assert!(
        orgs["journal"]
            .as_str()
            .unwrap()
            .ends_with("orgs.ndjson.journal"),
        "{orgs}"
    );

    let mut dry = members_args("initech.csv");
    dry["dry_run"] = json!(true);
    let plan = ok!("import_members", dry);
    assert_eq!(plan["job"], "members import");
    assert_eq!(plan["rows_to_send"], 2, "{plan}");
    let initech = s
        .ok(
            "list_members",
            json!({"organization_id": "initech", "fields": ["role"]}),
        )
        .await;
    assert_eq!(
        initech["data"],
        json!([{"role": "org:admin"}]),
        "a dry run adds nobody: only the creator Clerk made admin"
    );
    for file in ["initech.csv", "globex.ndjson"] {
        let done = ok!("import_members", members_args(file));
        assert_eq!(done["job"], "members import");
        assert_eq!(done["status"], "done", "{file}: {done}");
        assert_eq!(done["created"], 2, "{file}: {done}");
    }
    assert_eq!(copied_view(&s).await, want, "the same instance");

    // Called again: nothing doubled, nothing changed.
    let again = ok!("import_organizations", orgs_args);
    assert_eq!(again["already_done"], 2, "{again}");
    assert_eq!(again["requests"], 0);
    for file in ["initech.csv", "globex.ndjson"] {
        let again = ok!("import_members", members_args(file));
        assert_eq!(again["created"], 0, "{file}: {again}");
        assert_eq!(again["requests"], 0, "{file}: {again}");
    }
    assert_eq!(copied_view(&s).await, want, "the same after a rerun");

    // One organization's members put in another with organization_id, found by identifier.
    let other = s
        .ok(
            "create_organization",
            json!({"name": "Globex Two", "slug": "globex-two"}),
        )
        .await;
    let done = ok!(
        "import_members",
        json!({"file": "globex.ndjson", "organization_id": "globex-two",
               "journal": "globex-two.journal"})
    );
    assert_eq!(done["created"], 2, "{done}");
    let two = s
        .ok(
            "list_members",
            json!({"organization_id": other["id"], "fields": ["role",
                   "public_user_data.identifier", "public_metadata", "private_metadata"]}),
        )
        .await;
    let mut two = two["data"].as_array().unwrap().clone();
    two.sort_by_key(|m| m["public_user_data"]["identifier"].to_string());
    assert_eq!(Value::Array(two), want["memberships"]["globex"]);

    let all: BTreeSet<String> = COPY_TOOLS.iter().map(|t| (*t).to_owned()).collect();
    assert_eq!(&called - &BTreeSet::from(["import_users".to_owned()]), all);
    s.close().await;
    let jobs: Vec<String> = audit_lines(&into)
        .iter()
        .map(|r| r["command"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        jobs,
        [
            "members import",
            "users import",
            "orgs import",
            "members import",
            "members import",
            "orgs import",
            "members import",
            "members import",
            "mcp create_organization",
            "members import"
        ],
        "dry runs are not audited"
    );
}
