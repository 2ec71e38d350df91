//! `skill install` in a cloned repository: it writes and deletes only inside its skill
//! directory, never through a symbolic link, and a manifest it did not write stops it.

use std::os::unix::fs::symlink;

use serde_json::json;

use crate::support::Cli;

fn fnv(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[test]
fn a_planted_manifest_cannot_make_install_delete_files_outside_the_skill() {
    let cli = Cli::local();
    let victim = cli.dir().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    let hash = fnv(b"precious\n");
    let skill = cli.dir().join(".claude/skills/clerk-api");
    std::fs::create_dir_all(&skill).unwrap();
    for name in [
        "../../../victim.txt".to_owned(),
        victim.display().to_string(),
    ] {
        std::fs::write(
            skill.join(".clerkctl-skill.json"),
            json!({"written_by": "clerkctl 0.1.0", "files": {name.clone(): hash}}).to_string(),
        )
        .unwrap();
        let run = cli.run(&["skill", "install"]).code(7);
        assert!(run.stderr.contains("manifest"), "{}", run.stderr);
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "precious\n",
            "{name}"
        );
        assert!(!skill.join("SKILL.md").exists(), "nothing was written");
        // --force rewrites the skill but deletes nothing on the manifest's word.
        cli.run(&["skill", "install", "--force"]).ok();
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "precious\n",
            "{name}"
        );
        std::fs::remove_file(skill.join("SKILL.md")).unwrap();
    }
}

#[test]
fn install_never_writes_through_a_symlinked_skill_file_or_directory() {
    let cli = Cli::local();
    let target = cli.dir().join("bashrc");
    std::fs::write(&target, "keep\n").unwrap();
    let skill = cli.dir().join(".claude/skills/clerk-api");
    std::fs::create_dir_all(&skill).unwrap();
    symlink(&target, skill.join("SKILL.md")).unwrap();
    let run = cli.run(&["skill", "install"]).code(7);
    assert!(run.stderr.contains("SKILL.md"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep\n");
    // --force replaces the link with the file, and leaves its target alone.
    cli.run(&["skill", "install", "--force"]).ok();
    assert!(
        !std::fs::symlink_metadata(skill.join("SKILL.md"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep\n");

    // A repository shipping `.claude` as a link to somewhere else.
    let cli = Cli::local();
    let elsewhere = cli.dir().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    symlink(&elsewhere, cli.dir().join(".claude")).unwrap();
    cli.run(&["skill", "install", "--force"]).code(7);
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}
