//! Copying an instance: its users, organizations and memberships exported from one emulator and
//! imported into another (`users import`, `orgs import`, `members import`), compared object by
//! object; and each import killed half-way and run again, with nothing lost or doubled.

use std::collections::HashMap;
use std::time::Duration;

use clerk_emulator::Config;
use futures::TryStreamExt;
use serde_json::{Value, json};

use crate::bulk::{FAST, faulty, kill_then_resume};
use crate::server::{Server, write};
use crate::support::{Cli, Emu};

/// The company, plus what a copy must carry that it lacks: a user without an external ID,
/// membership metadata, an organization's creator demoted to member, a membership limit.
fn source() -> Emu {
    let emu = Emu::company();
    emu.seed(json!({
        "users": [{
            "id": "user_edsger", "first_name": "Edsger", "email_address": ["edsger@globex.test"],
            "username": "edsger_d", "public_metadata": {"team": "compilers"},
        }],
        "organizations": [{
            "id": "org_initech", "name": "Initech", "slug": "initech", "created_by": "user_alan",
            "max_allowed_memberships": 7, "public_metadata": {"plan": "free", "seats": {"max": 7}},
            "created_at": "2024-03-01T09:00:00Z",
        }],
        "memberships": [
            {"organization_id": "org_initech", "user_id": "user_edsger", "role": "org:admin",
             "public_metadata": {"desk": "3F"}, "private_metadata": {"badge": 42}},
            {"organization_id": "org_globex", "user_id": "user_edsger", "role": "org:member"},
        ],
    }));
    let cli = Cli::new(&emu);
    // The creator of Acme, made its admin by Clerk, is now a member with metadata.
    cli.run(&["members", "update", "acme", "user_ada", "--role", "member"])
        .ok();
    cli.run(&[
        "members",
        "update-metadata",
        "acme",
        "user_ada",
        "--public-metadata",
        r#"{"title": "founder"}"#,
    ])
    .ok();
    emu
}

fn ndjson(cli: &Cli, args: &[&str]) -> Vec<Value> {
    cli.run(args).ok().ndjson()
}

/// An instance's users, organizations and memberships, by what a copy keeps: users by their
/// email addresses, organizations by slug (creator as an email address), memberships by
/// organization slug and user email address.
fn instance(emu: &Emu) -> Value {
    let cli = Cli::new(emu);
    let users = ndjson(&cli, &["users", "export", "--include-private-metadata"]);
    let email: HashMap<String, String> = users
        .iter()
        .map(|u| {
            (
                u["id"].as_str().unwrap().to_owned(),
                u["email_addresses"][0]["email_address"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect();
    let mut users: Vec<Value> = users
        .iter()
        .map(|u| {
            json!({
                "email": email[u["id"].as_str().unwrap()],
                "username": u["username"], "external_id": u["external_id"],
                "first_name": u["first_name"], "last_name": u["last_name"],
                "public_metadata": u["public_metadata"], "private_metadata": u["private_metadata"],
                "created_at": u["created_at"], "banned": u["banned"],
            })
        })
        .collect();
    users.sort_by_key(|u| u["email"].to_string());
    let mut orgs: Vec<Value> = ndjson(&cli, &["orgs", "export", "--include-private-metadata"])
        .iter()
        .map(|o| {
            json!({
                "slug": o["slug"], "name": o["name"],
                "created_by": o["created_by"].as_str().map(|c| email[c].clone()),
                "max_allowed_memberships": o["max_allowed_memberships"],
                "public_metadata": o["public_metadata"], "private_metadata": o["private_metadata"],
                "created_at": o["created_at"],
            })
        })
        .collect();
    orgs.sort_by_key(|o| o["slug"].to_string());
    let mut members: Vec<Value> = ndjson(
        &cli,
        &["members", "export", "--include-private-metadata"],
    )
    .iter()
    .map(|m| {
        json!({
            "org": m["organization"]["slug"],
            "user": email[m["public_user_data"]["user_id"].as_str().unwrap()],
            "role": m["role"],
            "public_metadata": m["public_metadata"], "private_metadata": m["private_metadata"],
        })
    })
    .collect();
    members.sort_by_key(|m| format!("{}{}", m["org"], m["user"]));
    json!({"users": users, "organizations": orgs, "memberships": members})
}

fn import(cli: &Cli, args: &[&str]) -> Value {
    let run = cli.run(&[args, &["--rate", "off", "-o", "json"]].concat());
    assert_eq!(run.code, 0, "{args:?}: {}\n{}", run.stdout, run.stderr);
    run.json()
}

#[test]
fn an_instance_copies_to_another_through_its_exports_in_either_format() {
    let source = source();
    let want = instance(&source);
    assert_eq!(want["memberships"].as_array().unwrap().len(), 8, "{want}");
    let from = Cli::new(&source);
    for ext in ["ndjson", "csv"] {
        let file = |what: &str| from.dir().join(format!("{what}.{ext}"));
        for what in ["users", "orgs", "members"] {
            from.run(&[
                what,
                "export",
                "--out",
                file(what).to_str().unwrap(),
                "--include-private-metadata",
            ])
            .ok();
        }
        let (users, orgs, members) = (file("users"), file("orgs"), file("members"));
        let (users, orgs, members) = (
            users.to_str().unwrap(),
            orgs.to_str().unwrap(),
            members.to_str().unwrap(),
        );
        let target = Emu::new();
        let into = Cli::new(&target);
        assert_eq!(
            import(&into, &["users", "import", "--file", users])["created"],
            6
        );
        let done = import(&into, &["orgs", "import", "--file", orgs, "--users", users]);
        assert_eq!(done["created"], 3, "{ext}: {done}");
        let done = import(
            &into,
            &["members", "import", "--file", members, "--users", users],
        );
        assert_eq!(done["created"], 8, "{ext}: {done}");
        assert_eq!(instance(&target), want, "{ext}: the same instance");

        // Run again: nothing doubled, nothing changed.
        for args in [
            &["users", "import", "--file", users][..],
            &["orgs", "import", "--file", orgs, "--users", users],
            &["members", "import", "--file", members, "--users", users],
        ] {
            let again = import(&into, args);
            assert_eq!(again["created"], 0, "{ext} {args:?}: {again}");
        }
        assert_eq!(instance(&target), want, "{ext}: the same after a rerun");
    }
}

#[test]
fn members_import_without_the_users_file_finds_members_by_identifier_and_says_what_is_missing() {
    let source = source();
    let from = Cli::new(&source);
    let members = from.dir().join("acme.csv");
    let m = members.to_str().unwrap();
    // A members export of one organization as it was before it named its organization.
    let csv = from
        .run(&["members", "export", "acme", "--format", "csv"])
        .ok()
        .stdout;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let keep: Vec<usize> = (0..header.len())
        .filter(|i| !header[*i].starts_with("organization"))
        .collect();
    assert!(keep.len() < header.len(), "{csv}");
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(keep.iter().map(|i| &header[*i]))
        .unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        writer
            .write_record(keep.iter().map(|i| &record[*i]))
            .unwrap();
    }
    let cut = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    write(&members, &cut);

    let target = Emu::new();
    let into = Cli::new(&target);
    into.run(&["orgs", "create", "Acme Two", "--slug", "acme-two"])
        .ok();
    // No organization column and no --organization: refused row by row, nothing sent.
    let run = into.run(&[
        "members", "import", "--file", m, "--rate", "off", "-o", "json",
    ]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.json()["failures"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("--organization")
    );
    // The users are not here yet: each row says to import them first.
    let run = into.run(&[
        "members",
        "import",
        "--file",
        m,
        "--organization",
        "acme-two",
        "--rate",
        "off",
        "-o",
        "json",
    ]);
    assert_eq!(run.code, 5);
    let summary = run.json();
    assert_eq!(summary["created"], 0);
    assert!(
        summary["failures"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("run users import first"),
        "{summary}"
    );
    assert_eq!(target.members_of_slug("acme-two"), 0);
    // Once they are, by their identifiers (email addresses).
    let users = from.dir().join("users.ndjson");
    from.run(&["users", "export", "--out", users.to_str().unwrap()])
        .ok();
    import(
        &into,
        &["users", "import", "--file", users.to_str().unwrap()],
    );
    let done = import(
        &into,
        &[
            "members",
            "import",
            "--file",
            m,
            "--organization",
            "acme-two",
        ],
    );
    assert_eq!(done["created"], 3, "{done}");
    assert_eq!(target.members_of_slug("acme-two"), 3);
}

impl Emu {
    fn members_of_slug(&self, slug: &str) -> usize {
        let cli = Cli::new(self);
        cli.run(&["members", "list", slug, "-o", "ndjson"])
            .ok()
            .ndjson()
            .len()
    }
}

/// A source instance of `n` users, `n` organizations (each created by one of them, with
/// metadata) and `n` memberships, exported to `dir`; answers (users, orgs, members) files.
fn big_export(dir: &std::path::Path, n: usize) -> [String; 3] {
    let source = Emu::new();
    let users: Vec<Value> = (0..n)
        .map(
            |i| json!({"id": format!("user_k{i}"), "email_address": [format!("k{i}@example.com")]}),
        )
        .collect();
    let orgs: Vec<Value> = (0..n)
        .map(|i| {
            json!({"id": format!("org_k{i}"), "name": format!("Org {i}"), "slug": format!("org-{i}"),
                   "created_by": format!("user_k{i}"), "public_metadata": {"n": i}})
        })
        .collect();
    // Each organization's creator is its admin already; another user joins as a member.
    let members: Vec<Value> = (0..n)
        .map(|i| {
            json!({"organization_id": format!("org_k{i}"), "user_id": format!("user_k{}", (i + 1) % n),
                   "role": "org:member", "public_metadata": {"i": i}})
        })
        .collect();
    source.seed(json!({"users": users, "organizations": orgs, "memberships": members}));
    let cli = Cli::new(&source);
    ["users", "orgs", "members"].map(|what| {
        let path = dir.join(format!("{what}.ndjson"));
        cli.run(&[what, "export", "--out", path.to_str().unwrap()])
            .ok();
        path.to_str().unwrap().to_owned()
    })
}

#[test]
fn an_instance_copy_killed_half_way_in_each_import_carries_on_with_nothing_lost_or_doubled() {
    const N: usize = 150;
    let server = Server::start(Config {
        latency: Duration::from_millis(2),
        ..faulty()
    });
    let [users, orgs, members] = big_export(server.home.path(), N);
    let users_args = [&["users", "import", "--file", &users][..], FAST].concat();
    let orgs_args = [
        &["orgs", "import", "--file", &orgs, "--users", &users][..],
        FAST,
    ]
    .concat();
    let members_args = [
        &["members", "import", "--file", &members, "--users", &users][..],
        FAST,
    ]
    .concat();
    let client = server.client();
    let out = server.run(&users_args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let orgs_here = || -> Vec<Value> {
        server.block_on(async {
            client
                .organizations()
                .list()
                .limit(500)
                .stream_as()
                .try_collect()
                .await
                .unwrap()
        })
    };
    kill_then_resume(
        &server,
        &orgs_args,
        "1",
        &server.home.path().join("orgs.ndjson.journal"),
        N,
        || orgs_here().len(),
    );
    let orgs_now = orgs_here();
    let mut slugs: Vec<String> = orgs_now
        .iter()
        .map(|o| o["slug"].as_str().unwrap().to_owned())
        .collect();
    slugs.sort();
    slugs.dedup();
    assert_eq!(slugs.len(), N, "every organization once");
    assert_eq!(orgs_now.len(), N, "no organization twice");
    assert!(
        orgs_now.iter().all(|o| o["created_by"].is_string()),
        "every creator kept"
    );

    let memberships = || -> Vec<Value> {
        server.block_on(async {
            client
                .all_memberships()
                .limit(500)
                .stream_as()
                .try_collect()
                .await
                .unwrap()
        })
    };
    // The creators' memberships are there already: the import adds the other N.
    kill_then_resume(
        &server,
        &members_args,
        "1",
        &server.home.path().join("members.ndjson.journal"),
        N,
        || memberships().len() - N,
    );
    let all = memberships();
    assert_eq!(all.len(), 2 * N, "every membership once");
    let members: Vec<&Value> = all.iter().filter(|m| m["role"] == "org:member").collect();
    assert_eq!(members.len(), N, "the exported members, once each");
    for m in members {
        let n: usize = m["organization"]["slug"].as_str().unwrap()[4..]
            .parse()
            .unwrap();
        assert_eq!(m["public_metadata"], json!({"i": n}), "{m}");
        assert_eq!(
            m["public_user_data"]["identifier"],
            format!("k{}@example.com", (n + 1) % N)
        );
    }
}

/// An emulator started on seed files, as `clerkctl emulator --seed ...` starts one.
fn seeded(files: &[std::path::PathBuf]) -> Emu {
    let mut config = crate::support::config();
    config.seed = files.first().cloned();
    config.more_seeds = files.iter().skip(1).cloned().collect();
    Emu::with(config)
}

#[test]
fn the_emulator_runs_on_an_instances_exports_with_the_same_ids() {
    let source = source();
    let want = instance(&source);
    let from = Cli::new(&source);
    let ids = |emu: &Emu| -> Vec<String> {
        let mut ids: Vec<String> = ndjson(&Cli::new(emu), &["users", "export"])
            .iter()
            .chain(&ndjson(&Cli::new(emu), &["orgs", "export"]))
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    for ext in ["ndjson", "csv"] {
        let files: Vec<std::path::PathBuf> = ["users", "orgs", "members"]
            .iter()
            .map(|what| {
                let path = from.dir().join(format!("seed-{what}.{ext}"));
                from.run(&[
                    what,
                    "export",
                    "--out",
                    path.to_str().unwrap(),
                    "--include-private-metadata",
                ])
                .ok();
                path
            })
            .collect();
        let copy = seeded(&files);
        assert_eq!(instance(&copy), want, "{ext}: the same instance");
        assert_eq!(ids(&copy), ids(&source), "{ext}: the same IDs");
    }
    // A file that is neither a seed nor an export stops the start, saying why.
    let junk = from.dir().join("junk.csv");
    write(&junk, "a,b\n1,2\n");
    let mut config = crate::support::config();
    config.seed = Some(junk);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Err(e) = rt.block_on(clerk_emulator::Emulator::start(config)) else {
        panic!("a file that is no seed is refused");
    };
    assert!(e.to_string().contains("export"), "{e}");
}

#[test]
fn the_documented_example_seed_loads() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/seed.json");
    let emu = seeded(&[path]);
    assert_eq!(emu.counts(), [2, 1, 2, 1, 1]);
    let cli = Cli::new(&emu);
    let grace = cli
        .run(&["members", "list", "acme", "-o", "ndjson"])
        .ok()
        .ndjson()
        .into_iter()
        .find(|m| m["public_user_data"]["identifier"] == "grace@example.com")
        .unwrap();
    assert_eq!(grace["role"], "org:billing");
    assert_eq!(grace["public_metadata"], json!({"team": "finance"}));
}
