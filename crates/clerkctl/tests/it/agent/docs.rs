//! Every `clerkctl` command line in the skill (SKILL.md and reference/*.md) and in README.md
//! runs against the emulator, so the docs cannot drift from the tool.
//!
//! Commands come from shell code blocks (every line that runs clerkctl, `\` continuations
//! joined, and the clerkctl part of `claude mcp add ... -- clerkctl ...`), from inline code
//! spans that start with `clerkctl ` (unless they hold an upper-case placeholder such as
//! ORG_ID, which marks a syntax summary), and from JSON blocks that configure an MCP server.
//! Each runs in `sh` against a fresh emulator seeded with a known company; placeholders are
//! filled from it: `user_...` (Alan for `members update|remove|update-metadata`, which need a
//! member, else Ada, who belongs to no organization), `org_...` (Initech), `orginv_...`,
//! `inv_...`, `idn_...`, `sk_test_...`. A command must exit 0, or the code its line documents
//! in a comment (`# exit 4: no such user`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Ids, Instance, KEY};

#[derive(Debug, Clone)]
struct DocCommand {
    file: String,
    line: usize,
    /// As written in the docs.
    text: String,
    expected_exit: i32,
    /// The clerkctl subcommand serves until stopped (`emulator`).
    long_running: bool,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The words of a shell line up to the first comment, without leading `VAR=value`s.
fn command_words(line: &str) -> Vec<&str> {
    let code = line.split(" #").next().unwrap_or(line);
    code.split_whitespace()
        .skip_while(|w| {
            w.split_once('=').is_some_and(|(k, _)| {
                !k.is_empty() && k.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
            })
        })
        .collect()
}

fn expected_exit(line: &str) -> i32 {
    line.split_once(" #")
        .and_then(|(_, comment)| {
            let at = comment.find("exit ")?;
            let digits: String = comment[at + 5..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .unwrap_or(0)
}

/// An upper-case placeholder such as ORG_ID or METHOD, or a bare `...`: the span summarises
/// syntax rather than showing a command.
fn has_placeholder(text: &str) -> bool {
    text.split_whitespace().any(|w| w == "...")
        || text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|w| w.len() >= 2 && w.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
}

fn extract(file: &str, text: &str) -> Vec<DocCommand> {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    let mut json_block = String::new();
    let mut pending = String::new();
    let mut pending_line = 0;
    let push = |out: &mut Vec<DocCommand>, line_no: usize, cmd: &str, full: &str| {
        let words = command_words(cmd);
        out.push(DocCommand {
            file: file.to_owned(),
            line: line_no,
            text: cmd.to_owned(),
            expected_exit: expected_exit(full),
            long_running: words.get(1).is_some_and(|w| *w == "emulator"),
        });
    };
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = raw.trim();
        if let Some(lang) = trimmed.strip_prefix("```") {
            match fence.take() {
                None => {
                    fence = Some(lang.trim().to_owned());
                    json_block.clear();
                }
                Some(lang) => {
                    if lang == "json" && json_block.contains("mcpServers") {
                        let v: Value = serde_json::from_str(&json_block).unwrap_or_else(|e| {
                            panic!("{file}:{line_no}: the MCP config is not JSON: {e}")
                        });
                        for (name, server) in v["mcpServers"].as_object().unwrap() {
                            assert_eq!(server["command"], "clerkctl", "{file}: {name}");
                            let mut cmd = String::new();
                            if let Some(env) = server["env"].as_object() {
                                for (k, v) in env {
                                    cmd.push_str(&format!("{k}={} ", v.as_str().unwrap()));
                                }
                            }
                            cmd.push_str("clerkctl");
                            for a in server["args"].as_array().unwrap() {
                                cmd.push_str(&format!(" {}", a.as_str().unwrap()));
                            }
                            push(&mut out, line_no, &cmd, &cmd);
                        }
                    }
                }
            }
            continue;
        }
        match fence.as_deref() {
            Some("json") => {
                json_block.push_str(raw);
                json_block.push('\n');
            }
            Some("sh" | "bash" | "shell" | "console" | "") => {
                let line = trimmed.strip_prefix("$ ").unwrap_or(trimmed);
                if pending.is_empty() {
                    pending_line = line_no;
                }
                if let Some(cont) = line.strip_suffix('\\') {
                    pending.push_str(cont);
                    pending.push(' ');
                    continue;
                }
                pending.push_str(line);
                let full = std::mem::take(&mut pending);
                let words = command_words(&full);
                if words.first() == Some(&"clerkctl") || full.contains("| clerkctl ") {
                    push(&mut out, pending_line, &full, &full);
                } else if full.starts_with("claude mcp add")
                    && let Some((_, rest)) = full.split_once(" -- ")
                {
                    push(&mut out, pending_line, rest, &full);
                }
            }
            Some(_) => {}
            None => {
                let mut rest = raw;
                while let Some(start) = rest.find("`clerkctl ") {
                    let after = &rest[start + 1..];
                    let Some(end) = after.find('`') else { break };
                    let span = &after[..end];
                    if !has_placeholder(span) {
                        push(&mut out, line_no, span, span);
                    }
                    rest = &after[end + 1..];
                }
            }
        }
    }
    out
}

/// The command with the docs' placeholders filled from the seeded instance.
fn fill(cmd: &str, ids: &Ids, url: &str) -> String {
    let words = command_words(cmd);
    let needs_member = words.get(1) == Some(&"members")
        && matches!(
            words.get(2).copied(),
            Some("update" | "remove" | "update-metadata" | "update-metadata-bulk")
        )
        || words.windows(2).any(|w| {
            w[0] == "members"
                && matches!(
                    w[1],
                    "update" | "remove" | "update-metadata" | "update-metadata-bulk"
                )
        });
    let user = if needs_member { &ids.alan } else { &ids.ada };
    // The docs show the default port; tests running side by side each need a free one.
    let cmd = if words.get(1) == Some(&"emulator") && !words.contains(&"--port") {
        format!("{cmd} --port 0")
    } else {
        cmd.to_owned()
    };
    cmd.replace("orginv_...", &ids.margaret_invitation)
        .replace("inv_...", &ids.tim_invitation)
        .replace("org_...", &ids.initech)
        .replace("user_...", user)
        .replace("idn_...", &ids.ada_email)
        .replace("sk_test_...", KEY)
        .replace("http://127.0.0.1:PORT", url)
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Input files the bulk examples name, in the working directory; not those the command
/// writes (`--out FILE`), which it creates new.
fn bulk_fixtures(instance: &Instance, command: &str) {
    let work = instance.path("work");
    let ada = &instance.ids.ada;
    for (name, text) in [
        (
            "invitees.csv",
            "email_address\nnew.one@example.com\nnew.two@example.com\n".to_owned(),
        ),
        (
            "invitees.ndjson",
            "{\"email_address\": \"new.three@example.com\"}\n".to_owned(),
        ),
        (
            "users.csv",
            "email_address,first_name\nimported@example.com,Imported\n".to_owned(),
        ),
        ("members.csv", format!("user_id,role\n{ada},org:member\n")),
        (
            "plans.csv",
            format!("user_id,public_metadata\n{ada},\"{{\"\"plan\"\": \"\"pro\"\"}}\"\n"),
        ),
        // Another instance's exports, for the copy examples: a user, an organization she
        // created, and a membership of a user found here by identifier in one found by slug.
        (
            "users.ndjson",
            r#"{"object": "user", "id": "user_old1", "first_name": "Copied", "email_addresses": [{"id": "idn_old1", "email_address": "copied@example.com"}]}
"#
            .to_owned(),
        ),
        (
            "orgs.ndjson",
            r#"{"object": "organization", "id": "org_old1", "name": "Copied Org", "slug": "copied-org", "created_by": "user_old1", "public_metadata": {"plan": "pro"}}
"#
            .to_owned(),
        ),
        (
            "members.ndjson",
            r#"{"object": "organization_membership", "id": "orgmem_old1", "role": "org:member", "organization": {"id": "org_old2", "slug": "initech"}, "public_user_data": {"user_id": "user_old2", "identifier": "ada@example.com"}}
"#
            .to_owned(),
        ),
    ] {
        if command.contains(&format!("--out {name}")) {
            continue;
        }
        std::fs::write(work.join(name), text).unwrap();
    }
}

fn run(doc: &DocCommand) -> Outcome {
    let instance = Instance::start();
    bulk_fixtures(&instance, &doc.text);
    let mut line = fill(&doc.text, &instance.ids, &instance.url);
    if doc.long_running {
        // The shell becomes the emulator, so stopping it stops the emulator.
        line = format!("exec {line}");
    }
    let mut cmd: Command = instance.command("sh");
    cmd.arg("-c")
        .arg(&line)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if doc.long_running {
        // It prints its base URL first, then serves until stopped.
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let _ = child.kill();
        let _ = child.wait();
        let ok = first.starts_with("http://127.0.0.1:");
        return Outcome {
            code: Some(if ok { 0 } else { 1 }),
            stdout: first,
            stderr: String::new(),
        };
    }
    // A safety net against a command that never ends, not a timing check.
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn commands_of(files: &[PathBuf]) -> Vec<DocCommand> {
    let root = repo();
    files
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            extract(&name, &text)
        })
        .collect()
}

fn run_all(commands: &[DocCommand]) {
    let failures: Vec<String> = commands
        .iter()
        .filter_map(|doc| {
            let out = run(doc);
            (out.code != Some(doc.expected_exit)).then(|| {
                format!(
                    "{}:{}: `{}` exited {:?}, the docs expect {}\n  stdout: {}\n  stderr: {}",
                    doc.file,
                    doc.line,
                    doc.text,
                    out.code,
                    doc.expected_exit,
                    out.stdout.chars().take(400).collect::<String>(),
                    out.stderr.chars().take(600).collect::<String>(),
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} documented commands failed:\n{}",
        failures.len(),
        commands.len(),
        failures.join("\n")
    );
}

fn skill_files() -> Vec<PathBuf> {
    let dir = repo().join("skill/clerk-api");
    let mut files = vec![dir.join("SKILL.md")];
    let mut refs: Vec<PathBuf> = std::fs::read_dir(dir.join("reference"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    refs.sort();
    files.extend(refs);
    files
}

#[test]
fn every_command_in_the_skill_runs() {
    let commands = commands_of(&skill_files());
    let in_skill_md = commands
        .iter()
        .filter(|c| c.file.ends_with("SKILL.md"))
        .count();
    assert!(in_skill_md >= 20, "SKILL.md shows {in_skill_md} commands");
    assert!(
        commands.len() >= 80,
        "the skill shows {} commands",
        commands.len()
    );
    assert!(
        commands.iter().any(|c| c.expected_exit != 0),
        "the errors reference shows failures on purpose"
    );
    run_all(&commands);
}

#[test]
fn every_command_in_the_readme_runs() {
    let commands = commands_of(&[repo().join("README.md")]);
    for needed in ["skill install", "skill package", " mcp"] {
        assert!(
            commands.iter().any(|c| c.text.contains(needed)),
            "README.md shows `{needed}`"
        );
    }
    run_all(&commands);
}

#[test]
fn extraction_finds_what_the_docs_show() {
    let doc = "Run `clerkctl users list -o json`, `clerkctl api METHOD PATH` or `clerkctl users ...`.\n\
```sh\n\
clerkctl users delete user_... --yes\n\
CLERK_SECRET_KEY= clerkctl users count   # exit 3: no key\n\
clerkctl invitations create org_... \\\n  alice@example.com --role org:member\n\
claude mcp add clerk --env CLERK_SECRET_KEY=sk_test_... -- clerkctl mcp --read-only\n\
cargo install clerkctl\n\
```\n\
```json\n\
{\"mcpServers\": {\"clerk\": {\"command\": \"clerkctl\", \"args\": [\"mcp\"], \"env\": {\"CLERK_SECRET_KEY\": \"sk_test_...\"}}}}\n\
```\n";
    let found = extract("x.md", doc);
    let texts: Vec<&str> = found.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "clerkctl users list -o json",
            "clerkctl users delete user_... --yes",
            "CLERK_SECRET_KEY= clerkctl users count   # exit 3: no key",
            "clerkctl invitations create org_...  alice@example.com --role org:member",
            "clerkctl mcp --read-only",
            "CLERK_SECRET_KEY=sk_test_... clerkctl mcp",
        ]
    );
    assert_eq!(found[2].expected_exit, 3);
    let ids = Ids {
        ada: "user_ada".into(),
        ada_email: "idn_ada".into(),
        grace: "user_grace".into(),
        alan: "user_alan".into(),
        initech: "org_initech".into(),
        margaret_invitation: "orginv_m".into(),
        tim_invitation: "inv_t".into(),
    };
    assert_eq!(
        fill("clerkctl members remove org_... user_... --yes", &ids, "u"),
        "clerkctl members remove org_initech user_alan --yes"
    );
    assert_eq!(
        fill(
            "clerkctl members add org_... user_... --role org:admin",
            &ids,
            "u"
        ),
        "clerkctl members add org_initech user_ada --role org:admin"
    );
    assert_eq!(
        fill(
            "clerkctl invitations revoke org_... orginv_... && clerkctl app-invitations revoke inv_...",
            &ids,
            "u"
        ),
        "clerkctl invitations revoke org_initech orginv_m && clerkctl app-invitations revoke inv_t"
    );
}
