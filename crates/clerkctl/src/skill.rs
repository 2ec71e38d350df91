//! The clerk-api Agent Skill (`skill/clerk-api/`), embedded in the binary:
//! `clerkctl skill install` writes it where Claude Code finds it, `clerkctl skill package`
//! zips it for claude.ai and the Claude API.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Value, json};

use crate::cli::{Format, Global, SkillCmd, SkillInstallArgs, SkillPackageArgs};
use crate::fail::{CliResult, Fail, usage};

/// The skill's name: its folder's name, and `name` in its frontmatter.
pub const NAME: &str = "clerk-api";

/// The skill's files, relative to its folder.
pub const FILES: &[(&str, &str)] = &[
    (
        "SKILL.md",
        include_str!("../../../skill/clerk-api/SKILL.md"),
    ),
    (
        "reference/users.md",
        include_str!("../../../skill/clerk-api/reference/users.md"),
    ),
    (
        "reference/organizations.md",
        include_str!("../../../skill/clerk-api/reference/organizations.md"),
    ),
    (
        "reference/members.md",
        include_str!("../../../skill/clerk-api/reference/members.md"),
    ),
    (
        "reference/invitations.md",
        include_str!("../../../skill/clerk-api/reference/invitations.md"),
    ),
    (
        "reference/bulk.md",
        include_str!("../../../skill/clerk-api/reference/bulk.md"),
    ),
    (
        "reference/errors.md",
        include_str!("../../../skill/clerk-api/reference/errors.md"),
    ),
    (
        "reference/testing.md",
        include_str!("../../../skill/clerk-api/reference/testing.md"),
    ),
];

/// The line in SKILL.md that `package --with-binary` replaces with directions to the binary
/// it carries; elsewhere it is dropped.
const BINARY_MARKER: &str = "<!-- clerkctl: bundled binary -->";

/// Where `install` records what it wrote, to tell its own files from files a person changed.
const MANIFEST: &str = ".clerkctl-skill.json";

pub fn run(global: &Global, cmd: SkillCmd) -> ExitCode {
    let json_errors = match global.output {
        Some(f) => f != Format::Table,
        None => !std::io::stdout().is_terminal(),
    };
    let result = match cmd {
        SkillCmd::Install(args) => install(&args),
        SkillCmd::Package(args) => package(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(fail) => fail.report(json_errors),
    }
}

/// The skill's files as they are written, with or without the bundled-binary directions.
pub fn render(binary: Option<&str>) -> Vec<(&'static str, String)> {
    FILES
        .iter()
        .map(|(path, text)| {
            let text = if *path == "SKILL.md" {
                let mut out = String::with_capacity(text.len());
                for line in text.split_inclusive('\n') {
                    if line.trim_end() == BINARY_MARKER {
                        if let Some(directions) = binary {
                            out.push_str(directions);
                        }
                    } else {
                        out.push_str(line);
                    }
                }
                out
            } else {
                (*text).to_owned()
            };
            (*path, text)
        })
        .collect()
}

/// What SKILL.md says in a package that carries the binary.
fn binary_directions() -> String {
    format!(
        "This copy of the skill carries clerkctl {version} for Linux {arch}: the file \
`bin/clerkctl` in the directory that holds this SKILL.md. If `clerkctl --version` fails, copy \
that file somewhere writable, make it executable, and put it on PATH before any other command \
(replace SKILL_DIR with that directory):\n\n\
```sh\n\
cp SKILL_DIR/bin/clerkctl /tmp/clerkctl && chmod +x /tmp/clerkctl && export PATH=\"/tmp:$PATH\"\n\
```\n",
        version = env!("CARGO_PKG_VERSION"),
        arch = std::env::consts::ARCH,
    )
}

/// FNV-1a (64 bits): stable across Rust versions, unlike `DefaultHasher`.
fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn install_dir(args: &SkillInstallArgs) -> CliResult<PathBuf> {
    if let Some(dir) = &args.dir {
        return Ok(dir.join(NAME));
    }
    if args.global {
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .ok_or_else(|| usage("--global needs $HOME: pass --dir DIR instead"))?;
        return Ok(PathBuf::from(home)
            .join(".claude")
            .join("skills")
            .join(NAME));
    }
    Ok(PathBuf::from(".claude").join("skills").join(NAME))
}

fn io_fail(what: &str, path: &Path, e: std::io::Error) -> Fail {
    Fail::Other(format!("cannot {what} {}: {e}", path.display()))
}

fn install(args: &SkillInstallArgs) -> CliResult {
    let dir = install_dir(args)?;
    let manifest_path = dir.join(MANIFEST);
    // What clerkctl wrote last time, file by file.
    let recorded: BTreeMap<String, String> = std::fs::read_to_string(&manifest_path)
        .ok()
        .and_then(|s| serde_json::from_str::<Value>(&s).ok())
        .and_then(|v| v.get("files").cloned())
        .and_then(|f| serde_json::from_value(f).ok())
        .unwrap_or_default();
    let files = render(None);

    let mut write = Vec::new();
    let mut unchanged = 0;
    let mut changed_by_someone = Vec::new();
    for (path, text) in &files {
        let target = dir.join(path);
        match std::fs::read(&target) {
            Ok(existing) if existing == text.as_bytes() => unchanged += 1,
            Ok(existing) => {
                let ours = recorded.get(*path) == Some(&fingerprint(&existing));
                if !ours && !args.force {
                    changed_by_someone.push(target.display().to_string());
                }
                write.push((target, text));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => write.push((target, text)),
            Err(e) => return Err(io_fail("read", &target, e)),
        }
    }
    if !changed_by_someone.is_empty() {
        return Err(Fail::Guard(format!(
            "not overwriting {} changed since clerkctl wrote {}: {}; pass --force to replace {}; nothing was written",
            if changed_by_someone.len() == 1 {
                "a file"
            } else {
                "files"
            },
            if changed_by_someone.len() == 1 {
                "it"
            } else {
                "them"
            },
            changed_by_someone.join(", "),
            if changed_by_someone.len() == 1 {
                "it"
            } else {
                "them"
            },
        )));
    }
    for (target, text) in &write {
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_fail("create", parent, e))?;
        }
        std::fs::write(target, text).map_err(|e| io_fail("write", target, e))?;
    }
    // Files an older clerkctl wrote that this one no longer has: removed if untouched.
    for (old, hash) in &recorded {
        if files.iter().any(|(p, _)| p == old) {
            continue;
        }
        let target = dir.join(old);
        if std::fs::read(&target).is_ok_and(|b| &fingerprint(&b) == hash) {
            let _ = std::fs::remove_file(&target);
        }
    }
    let manifest = json!({
        "written_by": format!("clerkctl {}", env!("CARGO_PKG_VERSION")),
        "files": files
            .iter()
            .map(|(p, t)| ((*p).to_owned(), Value::from(fingerprint(t.as_bytes()))))
            .collect::<serde_json::Map<_, _>>(),
    });
    std::fs::write(
        &manifest_path,
        serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n",
    )
    .map_err(|e| io_fail("write", &manifest_path, e))?;
    eprintln!(
        "clerkctl: installed the {NAME} skill in {} ({} written, {unchanged} unchanged)",
        dir.display(),
        write.len(),
    );
    println!("{}", dir.display());
    Ok(())
}

fn package(args: &SkillPackageArgs) -> CliResult {
    let binary = if args.with_binary {
        if !cfg!(target_os = "linux") {
            return Err(usage(
                "--with-binary carries the running clerkctl, and sandboxes run Linux: run it with a Linux build of clerkctl",
            ));
        }
        let exe = std::env::current_exe()
            .map_err(|e| Fail::Other(format!("cannot find the running clerkctl: {e}")))?;
        Some(std::fs::read(&exe).map_err(|e| io_fail("read", &exe, e))?)
    } else {
        None
    };
    let directions = binary.as_ref().map(|_| binary_directions());
    let files = render(directions.as_deref());

    let tmp = args.out.with_extension("zip.part");
    let written = (|| -> zip::result::ZipResult<u64> {
        let file = std::fs::File::create(&tmp)?;
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
        let text = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(0o644);
        for (path, content) in &files {
            zip.start_file(format!("{NAME}/{path}"), text)?;
            zip.write_all(content.as_bytes())?;
        }
        if let Some(bytes) = &binary {
            let exe = text.unix_permissions(0o755);
            zip.start_file(format!("{NAME}/bin/clerkctl"), exe)?;
            zip.write_all(bytes)?;
        }
        let mut out = zip.finish()?;
        out.flush()?;
        Ok(out.get_ref().metadata()?.len())
    })();
    let size = match written {
        Ok(size) => size,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(Fail::Other(format!(
                "cannot write {}: {e}",
                args.out.display()
            )));
        }
    };
    std::fs::rename(&tmp, &args.out).map_err(|e| io_fail("write", &args.out, e))?;
    eprintln!(
        "clerkctl: packaged the {NAME} skill{} in {} ({:.1} MB); upload it at claude.ai (Settings, Skills) or to the Claude API (POST /v1/skills)",
        if binary.is_some() {
            " with this clerkctl binary"
        } else {
            ""
        },
        args.out.display(),
        size as f64 / 1_000_000.0
    );
    println!("{}", args.out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_is_there_once_and_never_shipped() {
        let (_, skill) = FILES[0];
        assert_eq!(skill.matches(BINARY_MARKER).count(), 1);
        let plain = render(None);
        assert!(!plain[0].1.contains(BINARY_MARKER));
        let carried = render(Some("BINARY DIRECTIONS\n"));
        assert!(carried[0].1.contains("BINARY DIRECTIONS"));
        assert!(!carried[0].1.contains(BINARY_MARKER));
        assert!(binary_directions().contains("bin/clerkctl"));
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fingerprint(b""), "cbf29ce484222325");
        assert_eq!(fingerprint(b"a"), "af63dc4c8601ec8c");
    }
}
