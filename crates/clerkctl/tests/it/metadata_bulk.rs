//! `users|orgs|members update-metadata-bulk`: metadata merged into many objects, from a file
//! or from names on the command line; dry runs that send nothing; bad rows that stop the job
//! before anything is sent; a rerun that sends nothing twice.

use std::process::Output;

use serde_json::{Value, json};

use crate::server::{Server, json, write};
use crate::support::config;

const FAST: &[&str] = &["--rate", "off", "-o", "json"];

struct World {
    server: Server,
    users: Vec<String>,
    orgs: Vec<String>,
}

/// Three users (ada, bob, cy, with public metadata {"keep": true}), two organizations (acme
/// and globex), every user a member of acme.
fn world() -> World {
    let server = Server::start(config());
    let client = server.client();
    let (users, orgs) = server.block_on(async {
        let mut users = Vec::new();
        for name in ["ada", "bob", "cy"] {
            let u = client
                .users()
                .create()
                .email_address([format!("{name}@example.com")])
                .public_metadata(json!({"keep": true}))
                .send()
                .await
                .unwrap();
            users.push(u.id.to_string());
        }
        let mut orgs = Vec::new();
        for name in ["acme", "globex"] {
            let o = client
                .organizations()
                .create(name)
                .slug(name)
                .send()
                .await
                .unwrap();
            orgs.push(o.id.to_string());
        }
        for u in &users {
            client
                .memberships(&orgs[0].parse().unwrap())
                .add(&u.parse().unwrap(), "org:member")
                .send()
                .await
                .unwrap();
        }
        (users, orgs)
    });
    World {
        server,
        users,
        orgs,
    }
}

impl World {
    fn run(&self, args: &[&str]) -> Output {
        self.server.run(&[args, FAST].concat())
    }

    fn ok(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        json(&out)
    }

    fn user(&self, i: usize) -> Value {
        let client = self.server.client();
        self.server.block_on(async {
            client
                .users()
                .get(&self.users[i].parse().unwrap())
                .send_json()
                .await
                .unwrap()
        })
    }

    fn org(&self, i: usize) -> Value {
        let client = self.server.client();
        self.server.block_on(async {
            client
                .organizations()
                .get(
                    self.orgs[i]
                        .parse::<clerk_api::ids::OrganizationId>()
                        .unwrap(),
                )
                .send_json()
                .await
                .unwrap()
        })
    }

    fn membership(&self, i: usize) -> Value {
        let client = self.server.client();
        self.server.block_on(async {
            let v = client
                .memberships(&self.orgs[0].parse().unwrap())
                .list()
                .user_id([self.users[i].as_str()])
                .send_json()
                .await
                .unwrap();
            v["data"][0].clone()
        })
    }

    fn path(&self, name: &str) -> String {
        self.server.home.path().join(name).display().to_string()
    }
}

#[test]
fn users_from_names_and_from_a_file_merge_and_a_dry_run_changes_nothing() {
    let w = world();
    // A dry run: one PATCH .../metadata a user, names resolved, nothing sent.
    let args = [
        "users",
        "update-metadata-bulk",
        "ada@example.com",
        &w.users[1],
        "--public-metadata",
        r#"{"plan": "pro"}"#,
    ];
    let plan = w.ok(&[&args[..], &["--dry-run"]].concat());
    let requests = plan["data"].as_array().unwrap();
    assert_eq!(requests.len(), 2, "{plan}");
    assert_eq!(requests[0]["request"]["method"], "PATCH");
    assert_eq!(
        requests[0]["request"]["path"],
        format!("/v1/users/{}/metadata", w.users[0])
    );
    assert_eq!(
        requests[0]["request"]["body"],
        json!({"public_metadata": {"plan": "pro"}})
    );
    assert!(w.user(0)["public_metadata"].get("plan").is_none());

    // The run merges: the key given is set, the others stay.
    let done = w.ok(&args);
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["updated"], 2);
    for i in [0, 1] {
        assert_eq!(
            w.user(i)["public_metadata"],
            json!({"keep": true, "plan": "pro"})
        );
    }
    assert!(w.user(2)["public_metadata"].get("plan").is_none());
    // The same command again finds its journal and sends nothing.
    let again = w.ok(&args);
    assert_eq!(again["already_done"], 2, "{again}");
    assert_eq!(again["requests"], 0);
    assert!(again["note"].as_str().unwrap().contains("another journal"));

    // From a CSV file: each row its own metadata; null removes a key; the flag fills the rows
    // that give no private metadata.
    let file = w.path("plans.csv");
    write(
        std::path::Path::new(&file),
        &format!(
            "user_id,public_metadata,private_metadata\n{},\"{{\"\"plan\"\": \"\"team\"\", \"\"keep\"\": null}}\",\n{},\"{{\"\"plan\"\": \"\"free\"\"}}\",\"{{\"\"own\"\": 1}}\"\n",
            w.users[1], w.users[2]
        ),
    );
    let done = w.ok(&[
        "users",
        "update-metadata-bulk",
        "--file",
        &file,
        "--private-metadata",
        r#"{"seat": 7}"#,
    ]);
    assert_eq!(done["updated"], 2, "{done}");
    let bob = w.user(1);
    assert_eq!(bob["public_metadata"], json!({"plan": "team"}));
    assert_eq!(bob["private_metadata"], json!({"seat": 7}));
    let cy = w.user(2);
    assert_eq!(cy["public_metadata"], json!({"keep": true, "plan": "free"}));
    assert_eq!(
        cy["private_metadata"],
        json!({"own": 1}),
        "the row's own wins"
    );
    assert!(std::path::Path::new(&format!("{file}.journal")).exists());
}

#[test]
fn organizations_from_names_and_from_an_ndjson_file() {
    let w = world();
    let dry = w.ok(&[
        "orgs",
        "update-metadata-bulk",
        "acme",
        "globex",
        "--private-metadata",
        r#"{"tier": 2}"#,
        "--dry-run",
    ]);
    assert_eq!(dry["data"].as_array().unwrap().len(), 2);
    assert!(w.org(0)["private_metadata"].get("tier").is_none());
    let done = w.ok(&[
        "orgs",
        "update-metadata-bulk",
        "acme",
        "globex",
        "--private-metadata",
        r#"{"tier": 2}"#,
    ]);
    assert_eq!(done["updated"], 2, "{done}");
    assert_eq!(w.org(1)["private_metadata"]["tier"], 2);

    let file = w.path("orgs.ndjson");
    write(
        std::path::Path::new(&file),
        &format!(
            "{{\"organization_id\": \"{}\", \"public_metadata\": {{\"plan\": \"enterprise\"}}}}\n{{\"id\": \"{}\", \"public_metadata\": {{\"plan\": \"team\"}}}}\n",
            w.orgs[0], w.orgs[1]
        ),
    );
    let done = w.ok(&["orgs", "update-metadata-bulk", "--file", &file]);
    assert_eq!(done["updated"], 2, "{done}");
    assert_eq!(w.org(0)["public_metadata"]["plan"], "enterprise");
    assert_eq!(w.org(1)["public_metadata"]["plan"], "team");
    assert_eq!(
        w.org(1)["private_metadata"]["tier"],
        2,
        "merged, not replaced"
    );
}

#[test]
fn members_from_names_and_from_an_export_on_stdin() {
    let w = world();
    let done = w.ok(&[
        "members",
        "update-metadata-bulk",
        "acme",
        "ada@example.com",
        "bob@example.com",
        "--public-metadata",
        r#"{"team": "ops"}"#,
    ]);
    assert_eq!(done["updated"], 2, "{done}");
    assert_eq!(done["target"], w.orgs[0].as_str());
    assert_eq!(w.membership(0)["public_metadata"]["team"], "ops");
    assert!(w.membership(2)["public_metadata"].get("team").is_none());
    assert!(
        w.user(0)["public_metadata"].get("team").is_none(),
        "a membership's metadata, not the user's"
    );

    // Every member, from `members export` on stdin: the export's objects give their user IDs.
    let export = w.run(&["members", "export", "acme"]);
    assert_eq!(export.status.code(), Some(0));
    let mut child = w
        .server
        .cmd()
        .args([
            "members",
            "update-metadata-bulk",
            "acme",
            "--file",
            "-",
            "--journal",
            &w.path("every-member.journal"),
            "--public-metadata",
            r#"{"seat": "A"}"#,
        ])
        .args(FAST)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&export.stdout)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let done = json(&out);
    assert_eq!(out.status.code(), Some(0), "{done}");
    assert_eq!(done["updated"], 3, "{done}");
    for i in 0..3 {
        assert_eq!(w.membership(i)["public_metadata"]["seat"], "A");
    }
    assert_eq!(
        w.membership(0)["public_metadata"]["team"],
        "ops",
        "the export's own metadata is not sent back over the flag"
    );
    // Stdin without a journal is refused: a rerun could not carry on.
    let out = w.run(&[
        "members",
        "update-metadata-bulk",
        "acme",
        "--file",
        "-",
        "--public-metadata",
        "{}",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn one_bad_row_stops_the_job_before_anything_is_sent() {
    let w = world();
    let file = w.path("bad.ndjson");
    write(
        std::path::Path::new(&file),
        &format!(
            "{{\"user_id\": \"{}\", \"public_metadata\": {{\"x\": 1}}}}\n{{\"user_id\": \"org_nope\", \"public_metadata\": {{\"x\": 1}}}}\n{{\"user_id\": \"{}\", \"public_metadata\": \"x\"}}\n{{\"user_id\": \"{}\"}}\nnot json\n{{\"user_id\": \"{}\", \"public_metadata\": {{\"x\": 2}}}}\n",
            w.users[0], w.users[1], w.users[2], w.users[0]
        ),
    );
    let out = w.run(&["users", "update-metadata-bulk", "--file", &file]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for line in ["line 2:", "line 3:", "line 4:", "line 5:", "line 6:"] {
        assert!(stderr.contains(line), "{line} in {stderr}");
    }
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert!(stderr.contains("on line 1 too"), "{stderr}");
    assert!(w.user(0)["public_metadata"].get("x").is_none());
    assert!(
        !std::path::Path::new(&format!("{file}.journal")).exists(),
        "no journal is started"
    );
    // A dry run says the same.
    let out = w.run(&[
        "users",
        "update-metadata-bulk",
        "--file",
        &file,
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(2));
    // Unknown columns and metadata a target does not take are refused too.
    let csv = w.path("unknown.csv");
    write(
        std::path::Path::new(&csv),
        &format!("user_id,plan\n{},pro\n", w.users[0]),
    );
    let out = w.run(&["users", "update-metadata-bulk", "--file", &csv]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown column plan"));
    let out = w.run(&[
        "members",
        "update-metadata-bulk",
        "acme",
        "ada@example.com",
        "--public-metadata",
        "[1]",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = w.run(&["users", "update-metadata-bulk", "ada@example.com"]);
    assert_eq!(out.status.code(), Some(2), "no metadata to merge");
    assert_eq!(w.user(0)["public_metadata"], json!({"keep": true}));
}
