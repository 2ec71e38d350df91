//! The one directory `clerkctl mcp` reads and writes files in (`--files-dir`).
//!
//! An agent's tool arguments are untrusted: instructions hidden in Clerk's data can ask it to
//! export over `~/.ssh/authorized_keys`, to "import" `/etc/passwd` (a dry run echoes rows), or to
//! append a journal anywhere. So every tool parameter that names a file goes through
//! [`FilesDir::resolve`], which answers a path inside the directory or a refusal saying what to
//! pass instead: absolute paths elsewhere, `..`, and symbolic links leading out are refused.
//! A new tool that takes a file name must call it too; nothing else in the MCP server opens a
//! path an agent chose.

use std::path::{Component, Path, PathBuf};

use crate::fail::{CliResult, Fail, usage};

/// Where `--files-dir` points by default: `$XDG_STATE_HOME/clerkctl/files`, or
/// `~/.local/state/clerkctl/files`.
pub fn default_dir() -> Option<PathBuf> {
    crate::app::state_dir().map(|d| d.join("clerkctl").join("files"))
}

/// The directory, as given (to show) and resolved (to compare).
#[derive(Debug, Clone)]
pub struct FilesDir {
    given: PathBuf,
    real: PathBuf,
}

impl FilesDir {
    /// Opens `dir` (or the default), making it private (0700) when missing.
    pub fn open(dir: Option<&Path>) -> CliResult<FilesDir> {
        let given = match dir {
            Some(d) => d.to_owned(),
            None => default_dir().ok_or_else(|| {
                usage(
                    "no state directory (HOME and XDG_STATE_HOME are unset): pass --files-dir DIR",
                )
            })?,
        };
        crate::files::create_dir(&given)?;
        let real = std::fs::canonicalize(&given).map_err(|e| {
            Fail::Other(format!(
                "cannot use {} as the files directory: {e}",
                given.display()
            ))
        })?;
        if !real.is_dir() {
            return Err(usage(format!(
                "--files-dir {} is not a directory",
                given.display()
            )));
        }
        Ok(FilesDir { given, real })
    }

    /// The directory, resolved.
    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.real
    }

    /// The path inside the directory that the tool parameter `param` names with `given`: a
    /// name relative to the directory, or an absolute path inside it. Refused (changing
    /// nothing): an empty name, `..`, an absolute path elsewhere, and a path through (or to) a
    /// symbolic link that leads outside or nowhere.
    pub fn resolve(&self, param: &str, given: &str) -> CliResult<PathBuf> {
        let refuse = |why: String| {
            Fail::Guard(format!(
                "{param}: {given:?} {why}; nothing was read or written: pass a file name inside the server's files directory {} (relative names like \"users.ndjson\" are put there)",
                self.real.display()
            ))
        };
        if given.trim().is_empty() {
            return Err(refuse("is empty".into()));
        }
        let path = Path::new(given);
        if path
            .components()
            .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
        {
            return Err(refuse("leads up with ..".into()));
        }
        let relative = if path.is_absolute() {
            path.strip_prefix(&self.real)
                .or_else(|_| path.strip_prefix(&self.given))
                .map_err(|_| refuse("is outside the server's files directory".into()))?
        } else {
            path
        };
        let parts: Vec<&std::ffi::OsStr> = relative
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s),
                _ => None,
            })
            .collect();
        if parts.is_empty() {
            return Err(refuse("names the directory itself, not a file".into()));
        }
        // Every part that exists must stay inside once its links are followed; the first
        // missing part ends the walk (what follows it will be created, not followed).
        let mut at = self.real.clone();
        for part in &parts {
            at.push(part);
            match std::fs::symlink_metadata(&at) {
                Err(_) => break,
                Ok(_) => match std::fs::canonicalize(&at) {
                    Ok(real) if real.starts_with(&self.real) => {}
                    Ok(_) => {
                        return Err(refuse(
                            "goes through a symbolic link that leads outside the server's files directory".into(),
                        ));
                    }
                    Err(_) => {
                        return Err(refuse(
                            "goes through a symbolic link that leads nowhere".into(),
                        ));
                    }
                },
            }
        }
        Ok(parts.iter().fold(self.real.clone(), |p, part| p.join(part)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_inside_are_resolved_and_everything_leading_out_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("files");
        let dir = FilesDir::open(Some(&root)).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&root).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700);
        }
        let real = dir.path().to_owned();
        assert_eq!(
            dir.resolve("out", "users.ndjson").unwrap(),
            real.join("users.ndjson")
        );
        assert_eq!(
            dir.resolve("out", "./a/b.csv").unwrap(),
            real.join("a").join("b.csv")
        );
        let inside = real.join("x.ndjson");
        assert_eq!(
            dir.resolve("out", inside.to_str().unwrap()).unwrap(),
            inside
        );
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("secret"), "x").unwrap();
        for bad in [
            "",
            "  ",
            ".",
            "../outside/secret",
            "a/../../outside/secret",
            "a/..",
            "/etc/passwd",
            outside.join("secret").to_str().unwrap(),
        ] {
            let e = dir.resolve("file", bad).unwrap_err();
            assert!(matches!(e, Fail::Guard(_)), "{bad:?}: {e:?}");
            let text = e.line();
            assert!(text.contains("file:"), "{text}");
            assert!(text.contains(&real.display().to_string()), "{text}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, real.join("out-dir")).unwrap();
            std::os::unix::fs::symlink(outside.join("secret"), real.join("out-file")).unwrap();
            std::os::unix::fs::symlink(tmp.path().join("nowhere"), real.join("dangling")).unwrap();
            std::fs::create_dir(real.join("sub")).unwrap();
            std::os::unix::fs::symlink(real.join("sub"), real.join("in-dir")).unwrap();
            for bad in [
                "out-dir/secret",
                "out-dir/new.ndjson",
                "out-file",
                "dangling",
            ] {
                assert!(dir.resolve("out", bad).is_err(), "{bad}");
            }
            assert_eq!(
                dir.resolve("out", "in-dir/new.ndjson").unwrap(),
                real.join("in-dir").join("new.ndjson")
            );
        }
    }
}
