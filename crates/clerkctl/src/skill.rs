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
use crate::term::Stderr;

/// The skill's name: its folder's name, and `name` in its frontmatter.
pub const NAME: &str = "clerk-api";

/// The skill's files, relative to its folder.
pub const FILES: &[(&str, &str)] = &[
    ("SKILL.md", include_str!("../skill/clerk-api/SKILL.md")),
    (
        "reference/users.md",
        include_str!("../skill/clerk-api/reference/users.md"),
    ),
    (
        "reference/organizations.md",
        include_str!("../skill/clerk-api/reference/organizations.md"),
    ),
    (
        "reference/members.md",
        include_str!("../skill/clerk-api/reference/members.md"),
    ),
    (
        "reference/invitations.md",
        include_str!("../skill/clerk-api/reference/invitations.md"),
    ),
    (
        "reference/bulk.md",
        include_str!("../skill/clerk-api/reference/bulk.md"),
    ),
    (
        "reference/errors.md",
        include_str!("../skill/clerk-api/reference/errors.md"),
    ),
    (
        "reference/testing.md",
        include_str!("../skill/clerk-api/reference/testing.md"),
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
    let err = Stderr::new();
    let result = match cmd {
        SkillCmd::Install(args) => install(&args, &err),
        SkillCmd::Package(args) => package(&args, &err),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(fail) => fail.report(json_errors, &err),
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

/// Where the skill goes: a place the person chose (the current directory, `$HOME`, `--dir`),
/// and the directories under it that `install` makes or walks into, each of which must be a
/// real directory (a cloned repository may ship `.claude` as a link to anywhere).
fn install_place(args: &SkillInstallArgs) -> CliResult<(PathBuf, PathBuf)> {
    if let Some(dir) = &args.dir {
        return Ok((dir.clone(), PathBuf::from(NAME)));
    }
    let under = Path::new(".claude").join("skills").join(NAME);
    if args.global {
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .ok_or_else(|| usage("--global needs $HOME: pass --dir DIR instead"))?;
        return Ok((PathBuf::from(home), under));
    }
    Ok((PathBuf::from("."), under))
}

fn io_fail(what: &str, path: &Path, e: std::io::Error) -> Fail {
    Fail::Other(format!("cannot {what} {}: {e}", path.display()))
}

/// Refuses a symbolic link (or anything but a directory) at `base` joined with each leading
/// part of `rel`: install never writes, reads or deletes through one.
fn real_dirs(base: &Path, rel: &Path) -> CliResult {
    let mut at = base.to_path_buf();
    for part in rel.components() {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(m) => {
                return Err(Fail::Guard(format!(
                    "{} is {}, not a directory: clerkctl installs the skill only into real directories; nothing was written",
                    at.display(),
                    if m.file_type().is_symlink() {
                        "a symbolic link"
                    } else {
                        "a file"
                    }
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_fail("check", &at, e)),
        }
    }
    Ok(())
}

/// A skill file's name in the manifest: a relative path of plain names, inside the skill's
/// directory.
fn plain_relative(name: &str) -> bool {
    !name.is_empty()
        && !name.contains('\\')
        && Path::new(name)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// What the manifest says clerkctl wrote last time, file by file: `None` when there is none.
/// A manifest clerkctl cannot have written (not its shape, a path outside the skill's
/// directory, a malformed hash, a symbolic link) stops the install, unless `force`, which
/// ignores it (and so deletes nothing on its word).
fn read_manifest(path: &Path, force: bool) -> CliResult<BTreeMap<String, String>> {
    let refuse = |why: String| -> CliResult<BTreeMap<String, String>> {
        if force {
            return Ok(BTreeMap::new());
        }
        Err(Fail::Guard(format!(
            "the skill's manifest {} was not written by clerkctl ({why}); nothing was written or removed: check the directory, then remove the manifest or pass --force to rewrite every skill file (files it names are then left alone)",
            path.display()
        )))
    };
    let text = match crate::files::read_text(path) {
        Ok(Some(t)) => t,
        Ok(None) => return Ok(BTreeMap::new()),
        Err(e) => return refuse(e.to_string()),
    };
    let files = serde_json::from_str::<Value>(&text)
        .ok()
        .filter(|v| {
            v.get("written_by")
                .and_then(Value::as_str)
                .is_some_and(|w| w.starts_with("clerkctl "))
        })
        .and_then(|v| v.get("files").cloned())
        .and_then(|f| serde_json::from_value::<BTreeMap<String, String>>(f).ok());
    let Some(files) = files else {
        return refuse("it is not a manifest clerkctl writes".into());
    };
    for (name, hash) in &files {
        if !plain_relative(name) {
            return refuse(format!("it names {name:?}, outside the skill's directory"));
        }
        if hash.len() != 16 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return refuse(format!("its hash for {name:?} is not one clerkctl makes"));
        }
    }
    Ok(files)
}

fn install(args: &SkillInstallArgs, err: &Stderr) -> CliResult {
    let (base, under) = install_place(args)?;
    real_dirs(&base, &under)?;
    let dir = if base == Path::new(".") {
        under
    } else {
        base.join(&under)
    };
    let manifest_path = dir.join(MANIFEST);
    // What clerkctl wrote last time, file by file.
    let recorded = read_manifest(&manifest_path, args.force)?;
    let files = render(None);

    let mut write = Vec::new();
    let mut unchanged = 0;
    let mut changed_by_someone = Vec::new();
    for (path, text) in &files {
        if let Some(sub) = Path::new(path).parent() {
            real_dirs(&dir, sub)?;
        }
        let target = dir.join(path);
        match crate::files::read(&target) {
            Ok(Some(existing)) if existing == text.as_bytes() => unchanged += 1,
            Ok(Some(existing)) => {
                let ours = recorded.get(*path) == Some(&fingerprint(&existing));
                if !ours && !args.force {
                    changed_by_someone.push(target.display().to_string());
                }
                write.push((target, text));
            }
            Ok(None) => write.push((target, text)),
            // A symbolic link or a device where a skill file goes: never clerkctl's.
            Err(crate::files::FileError::NotAFile { .. }) => {
                if !args.force {
                    changed_by_someone.push(target.display().to_string());
                }
                write.push((target, text));
            }
            Err(e) => return Err(e.into()),
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
    // Each file is replaced, never written through: a link at its name is replaced by the file.
    for (target, text) in &write {
        crate::files::write_new(target, text.as_bytes(), true)?;
    }
    // Files an older clerkctl wrote that this one no longer has: removed if untouched (and
    // only inside the skill's directory, never through a link: the manifest was checked).
    for (old, hash) in &recorded {
        if files.iter().any(|(p, _)| p == old) {
            continue;
        }
        if let Some(sub) = Path::new(old).parent()
            && real_dirs(&dir, sub).is_err()
        {
            continue;
        }
        let target = dir.join(old);
        if crate::files::read(&target).is_ok_and(|b| b.is_some_and(|b| &fingerprint(&b) == hash)) {
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
    crate::files::write_new(
        &manifest_path,
        (serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n").as_bytes(),
        true,
    )?;
    err.say(format_args!(
        "installed the {NAME} skill in {} ({} written, {unchanged} unchanged)",
        dir.display(),
        write.len(),
    ));
    println!("{}", dir.display());
    Ok(())
}

fn package(args: &SkillPackageArgs, err: &Stderr) -> CliResult {
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

    let file = crate::files::NewFile::create(&args.out, args.force)?;
    let written = (|| -> zip::result::ZipResult<crate::files::NewFile> {
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
        let out = zip.finish()?;
        out.into_inner().map_err(|e| e.into_error().into())
    })();
    // A zip that could not be made is dropped, and with it the unfinished file.
    let file =
        written.map_err(|e| Fail::Other(format!("cannot write {}: {e}", args.out.display())))?;
    let size = file.size().unwrap_or(0);
    file.commit()?;
    err.say(format_args!(
        "packaged the {NAME} skill{} in {} ({:.1} MB); upload it at claude.ai (Settings, Skills) or to the Claude API (POST /v1/skills)",
        if binary.is_some() {
            " with this clerkctl binary"
        } else {
            ""
        },
        args.out.display(),
        size as f64 / 1_000_000.0
    ));
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
