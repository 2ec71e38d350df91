//! The clerk-api skill: its frontmatter and layout follow the Agent Skills rules, and
//! `clerkctl skill install|package` ship exactly the files in `skill/clerk-api/`.

use std::collections::BTreeSet;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::Instance;

/// `skill/clerk-api` in the repository.
fn skill_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../skill/clerk-api")
        .canonicalize()
        .unwrap()
}

/// Every file of the skill, relative to its folder.
/// The files of the skill as it ships: `evals/` is the skill's tests (tasks with their
/// reference solutions), kept in the repository and never shipped to an agent.
fn skill_files() -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && path == root.join("evals") {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    let root = skill_dir();
    let mut out = BTreeSet::new();
    walk(&root, &root, &mut out);
    out
}

const MARKER: &str = "<!-- clerkctl: bundled binary -->";

/// A file as clerkctl ships it: the bundled-binary marker line dropped.
fn shipped(path: &str) -> String {
    let text = std::fs::read_to_string(skill_dir().join(path)).unwrap();
    text.split_inclusive('\n')
        .filter(|l| l.trim_end() != MARKER)
        .collect()
}

/// The frontmatter (as YAML) and the body of a SKILL.md.
fn split(skill: &str) -> (serde_yaml::Mapping, String) {
    let rest = skill
        .strip_prefix("---\n")
        .expect("SKILL.md starts with a frontmatter block");
    let (front, body) = rest
        .split_once("\n---\n")
        .expect("the frontmatter block ends with ---");
    let yaml: serde_yaml::Value = serde_yaml::from_str(front).expect("the frontmatter is YAML");
    (
        yaml.as_mapping().expect("a mapping").clone(),
        body.to_owned(),
    )
}

/// The Agent Skills rules for SKILL.md, as the issue and Anthropic's docs state them.
fn check_skill_md(skill: &str, folder_name: &str) {
    let (front, body) = split(skill);
    let allowed = [
        "name",
        "description",
        "license",
        "compatibility",
        "metadata",
        "allowed-tools",
    ];
    for key in front.keys() {
        let key = key.as_str().expect("keys are strings");
        assert!(
            allowed.contains(&key),
            "frontmatter key {key:?} is not allowed"
        );
    }

    let name = front["name"].as_str().expect("name is a string");
    assert!((1..=64).contains(&name.len()), "name is 1 to 64 characters");
    assert!(
        name.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "name is lowercase letters, digits and hyphens: {name}"
    );
    assert!(
        !name.starts_with('-') && !name.ends_with('-') && !name.contains("--"),
        "{name}"
    );
    assert!(
        !name.contains("anthropic") && !name.contains("claude"),
        "name avoids the reserved words"
    );
    assert_eq!(name, folder_name, "name matches the skill's folder");

    let description = front["description"]
        .as_str()
        .expect("description is a string");
    assert!(!description.trim().is_empty());
    assert!(
        description.chars().count() <= 1024,
        "description is at most 1024 characters ({})",
        description.chars().count()
    );
    assert!(
        !description.contains('<') && !description.contains('>'),
        "no angle brackets (XML tags) in the description"
    );
    // Third person: no "I", "you", "we" talking.
    let words: Vec<String> = description
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(str::to_lowercase)
        .collect();
    for first_or_second in ["i", "i'm", "me", "my", "we", "our", "you", "your", "you're"] {
        assert!(
            !words.iter().any(|w| w == first_or_second),
            "the description is in the third person (found {first_or_second:?})"
        );
    }
    // Says what it does and when to use it, in Clerk's words.
    let lower = description.to_lowercase();
    for needed in [
        "clerk",
        "users",
        "organizations",
        "members",
        "invitations",
        "use when",
    ] {
        assert!(
            lower.contains(needed),
            "the description mentions {needed:?}"
        );
    }
    if let Some(c) = front.get("compatibility") {
        let c = c.as_str().expect("compatibility is a string");
        assert!(
            (1..=500).contains(&c.len()),
            "compatibility is 1 to 500 characters"
        );
    }
    if let Some(m) = front.get("metadata") {
        let m = m.as_mapping().expect("metadata is a mapping");
        assert!(
            m.values().all(|v| v.is_string()),
            "metadata values are strings"
        );
    }

    assert!(
        body.lines().count() < 500,
        "the body is under 500 lines ({})",
        body.lines().count()
    );
}

/// Relative links to other files in a markdown text.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let end = rest.find(')').unwrap_or(rest.len());
        let target = &rest[..end];
        if !target.contains("://") && !target.starts_with('#') {
            out.push(target.split('#').next().unwrap().to_owned());
        }
        rest = &rest[end..];
    }
    out
}

#[test]
fn skill_md_follows_the_agent_skills_rules() {
    let skill = std::fs::read_to_string(skill_dir().join("SKILL.md")).unwrap();
    check_skill_md(&skill, "clerk-api");
    assert_eq!(skill.matches(MARKER).count(), 1);
}

#[test]
fn references_are_one_level_deep_and_all_linked() {
    let files = skill_files();
    let skill = std::fs::read_to_string(skill_dir().join("SKILL.md")).unwrap();
    let linked: BTreeSet<String> = links(&skill).into_iter().collect();
    let references: BTreeSet<String> = files
        .iter()
        .filter(|f| f.as_str() != "SKILL.md")
        .cloned()
        .collect();
    for f in &references {
        assert!(
            f.starts_with("reference/") && f.matches('/').count() == 1 && f.ends_with(".md"),
            "{f} is a markdown file directly in reference/"
        );
        let text = std::fs::read_to_string(skill_dir().join(f)).unwrap();
        assert!(
            links(&text).is_empty(),
            "{f} links to other files: keep references one level deep"
        );
        assert!(text.starts_with("# "), "{f} starts with a title");
    }
    assert_eq!(
        linked, references,
        "SKILL.md links every reference file, and only those"
    );
    // One per resource, one for errors and exit codes.
    for needed in [
        "reference/users.md",
        "reference/organizations.md",
        "reference/members.md",
        "reference/invitations.md",
        "reference/bulk.md",
        "reference/errors.md",
    ] {
        assert!(references.contains(needed), "{needed}");
    }
}

#[test]
fn install_writes_the_skill_where_claude_code_finds_it_and_keeps_changes() {
    let instance = Instance::start();
    let work = instance.path("work");
    let run = |args: &[&str]| instance.clerkctl(args).output().unwrap();

    let out = run(&["skill", "install"]);
    assert!(out.status.success(), "{out:?}");
    let installed = work.join(".claude/skills/clerk-api");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        ".claude/skills/clerk-api"
    );
    for f in skill_files() {
        assert_eq!(
            std::fs::read_to_string(installed.join(&f)).unwrap(),
            shipped(&f),
            "{f} is installed as it is in the repository"
        );
    }
    let skill = std::fs::read_to_string(installed.join("SKILL.md")).unwrap();
    check_skill_md(&skill, "clerk-api");
    assert!(!skill.contains(MARKER));

    // Again: nothing to do.
    let out = run(&["skill", "install"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("0 written"));

    // A file the person changed is kept, and nothing else is written either.
    let users = installed.join("reference/users.md");
    std::fs::write(&users, "my own notes\n").unwrap();
    std::fs::remove_file(installed.join("reference/errors.md")).unwrap();
    let out = run(&["skill", "install"]);
    assert_eq!(out.status.code(), Some(7), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("users.md") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&users).unwrap(), "my own notes\n");
    assert!(
        !installed.join("reference/errors.md").exists(),
        "nothing written"
    );

    // --force replaces it.
    let out = run(&["skill", "install", "--force"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(&users).unwrap(),
        shipped("reference/users.md")
    );
    assert!(installed.join("reference/errors.md").exists());

    // A file an older clerkctl wrote (its fingerprint in the manifest) is updated quietly.
    let manifest_path = installed.join(".clerkctl-skill.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    let old = "# Users\n\nAn older version.\n";
    std::fs::write(&users, old).unwrap();
    manifest["files"]["reference/users.md"] = fnv(old.as_bytes()).into();
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    let out = run(&["skill", "install"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(&users).unwrap(),
        shipped("reference/users.md")
    );

    // --global and --dir.
    let out = run(&["skill", "install", "--global"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        instance
            .path("home")
            .join(".claude/skills/clerk-api/SKILL.md")
            .is_file()
    );
    let dir = instance.path("elsewhere");
    let out = run(&["skill", "install", "--dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    assert!(dir.join("clerk-api/reference/members.md").is_file());
    let out = run(&["skill", "install", "--global", "--dir", "x"]);
    assert_eq!(out.status.code(), Some(2), "--global and --dir conflict");
}

fn fnv(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn read_zip(path: &Path) -> zip::ZipArchive<std::fs::File> {
    zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap()
}

#[test]
fn package_makes_an_uploadable_zip() {
    let instance = Instance::start();
    let out = instance
        .clerkctl(&["skill", "package", "--out", "skill.zip"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let mut zip = read_zip(&instance.path("work/skill.zip"));
    let names: BTreeSet<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    let expected: BTreeSet<String> = skill_files()
        .into_iter()
        .map(|f| format!("clerk-api/{f}"))
        .collect();
    assert_eq!(
        names, expected,
        "one top-level folder with SKILL.md at its root, and nothing else"
    );
    for f in skill_files() {
        let mut text = String::new();
        zip.by_name(&format!("clerk-api/{f}"))
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, shipped(&f), "{f}");
    }
    let mut skill = String::new();
    zip.by_name("clerk-api/SKILL.md")
        .unwrap()
        .read_to_string(&mut skill)
        .unwrap();
    check_skill_md(&skill, "clerk-api");
    assert!(
        !skill.contains("chmod +x"),
        "no directions to a binary it does not carry"
    );

    // The default name.
    let out = instance.clerkctl(&["skill", "package"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(instance.path("work/clerk-api.zip").is_file());
}

#[test]
fn package_with_binary_carries_a_clerkctl_that_runs() {
    let instance = Instance::start();
    let out = instance
        .clerkctl(&["skill", "package", "--with-binary", "--out", "skill.zip"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let mut zip = read_zip(&instance.path("work/skill.zip"));
    let mut skill = String::new();
    zip.by_name("clerk-api/SKILL.md")
        .unwrap()
        .read_to_string(&mut skill)
        .unwrap();
    check_skill_md(&skill, "clerk-api");
    assert!(
        skill.contains("bin/clerkctl") && skill.contains("chmod +x"),
        "SKILL.md tells the agent to use the bundled binary"
    );
    let mut entry = zip.by_name("clerk-api/bin/clerkctl").unwrap();
    assert_eq!(entry.unix_mode().map(|m| m & 0o777), Some(0o755));
    let bin = instance.path("extracted-clerkctl");
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).unwrap();
    assert_eq!(
        bytes.len() as u64,
        std::fs::metadata(super::BIN).unwrap().len()
    );
    std::fs::write(&bin, bytes).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Another test thread may fork while this file's write handle is still open; its child keeps
    // the handle until it execs, and exec of a file open for writing fails with ETXTBSY. The
    // handle is gone once that child execs, so trying again is enough.
    let out = (0..100)
        .find_map(|_| {
            match instance
                .command(bin.to_str().unwrap())
                .arg("--version")
                .output()
            {
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                    std::thread::yield_now();
                    None
                }
                other => Some(other.unwrap()),
            }
        })
        .expect("the extracted binary stays busy");
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("clerkctl "));
}
