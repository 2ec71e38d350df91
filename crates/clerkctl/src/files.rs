//! The one way clerkctl writes files: exports, backups, skill files and packages, journals, the
//! audit log and the `--local` state all go through here, so that none of them can be made to
//! overwrite a file, write through a planted symbolic link, or leave a half-written file behind.
//!
//! - [`NewFile`] (and [`write_new`]) makes a whole file: it is written to a temporary sibling,
//!   created exclusively (`O_EXCL`, so never through a symbolic link someone planted) and
//!   private (0600), then renamed into place, without replacing anything there unless the caller
//!   passes `force` (`renameat2(RENAME_NOREPLACE)`, or a hard link then unlink where the file
//!   system lacks it). A file given up, or a failure before the rename, leaves nothing behind.
//!   With `force` the name is replaced, never written through: a symbolic link at the name is
//!   replaced by the file, and its target is left alone.
//! - [`append`] opens a log or a journal to add lines: created private (0600) when missing,
//!   never through a symbolic link (`O_NOFOLLOW`), and only a regular file.
//! - [`read`] and [`read_text`] read a file clerkctl wrote earlier (a journal, a manifest, a
//!   skill file), never through a symbolic link.
//! - [`create_dir`] makes a directory and its parents, private (0700).
//! - [`state_file`] makes sure a file another library opens by name (SQLite's `--local` state)
//!   exists, is private when new, and is not a symbolic link.

use std::fmt;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::fail::Fail;

/// Why a file could not be written or read.
#[derive(Debug)]
pub enum FileError {
    /// Something is at the path already and the caller did not pass `force`.
    Exists(PathBuf),
    /// The path names something that is not a regular file: a directory, a symbolic link, a
    /// device.
    NotAFile { path: PathBuf, is: &'static str },
    /// The system refused: what was being done, where, and why.
    Io {
        doing: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

impl FileError {
    fn io(doing: &'static str, path: &Path, source: io::Error) -> FileError {
        FileError::Io {
            doing,
            path: path.to_owned(),
            source,
        }
    }

    /// Whether the refusal is because something is at the path already.
    #[cfg(test)]
    fn is_exists(&self) -> bool {
        matches!(self, FileError::Exists(_))
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Exists(p) => write!(
                f,
                "{} exists already; nothing was written: choose another file, or pass --force to replace it",
                p.display()
            ),
            FileError::NotAFile { path, is } => write!(
                f,
                "{} is {is}, not a file; nothing was written: choose a file name",
                path.display()
            ),
            FileError::Io {
                doing,
                path,
                source,
            } => write!(f, "cannot {doing} {}: {source}", path.display()),
        }
    }
}

impl std::error::Error for FileError {}

/// Refusals are a safety guard's (exit 7): the person chose a name that is taken. The rest is
/// the system's (exit 1).
impl From<FileError> for Fail {
    fn from(e: FileError) -> Fail {
        match e {
            FileError::Exists(_) | FileError::NotAFile { .. } => Fail::Guard(e.to_string()),
            FileError::Io { .. } => Fail::Other(e.to_string()),
        }
    }
}

/// What kind of thing is at `path`, if it is not a regular file.
fn not_a_file(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        None
    } else if t.is_dir() {
        Some("a directory")
    } else if t.is_symlink() {
        Some("a symbolic link (clerkctl never writes or reads through one)")
    } else {
        Some("a device, socket or pipe")
    }
}

/// The directory a file at `path` goes in (`.` for a bare name).
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Makes `dir` and its missing parents, private (0700); an existing directory is left as it is.
pub fn create_dir(dir: &Path) -> Result<(), FileError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| FileError::io("create the directory", dir, e))
}

/// A new file being written: bytes go to a private temporary sibling, and [`NewFile::commit`]
/// gives it its name. Dropped without a commit, it leaves nothing behind.
#[derive(Debug)]
pub struct NewFile {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
    force: bool,
}

impl NewFile {
    /// Starts the file at `path`. Without `force`, anything already there (a file, a symbolic
    /// link, even a dangling one) is a refusal, now and again at the commit; with it, a file or
    /// link there is replaced at the commit. A directory is always refused.
    pub fn create(path: &Path, force: bool) -> Result<NewFile, FileError> {
        check_free(path, force)?;
        let dir = parent(path);
        create_dir(dir)?;
        let name = path
            .file_name()
            .ok_or_else(|| FileError::NotAFile {
                path: path.to_owned(),
                is: "not a file name",
            })?
            .to_string_lossy()
            .into_owned();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o600));
        }
        let tmp = builder
            .tempfile_in(dir)
            .map_err(|e| FileError::io("write", path, e))?;
        Ok(NewFile {
            tmp,
            path: path.to_owned(),
            force,
        })
    }

    /// How many bytes are written so far.
    pub fn size(&self) -> io::Result<u64> {
        self.tmp.as_file().metadata().map(|m| m.len())
    }

    /// Writes everything to disk and gives the file its name: it appears whole or not at all.
    pub fn commit(mut self) -> Result<(), FileError> {
        let path = self.path;
        self.tmp
            .as_file_mut()
            .flush()
            .and_then(|()| self.tmp.as_file().sync_all())
            .map_err(|e| FileError::io("write", &path, e))?;
        let placed = if self.force {
            self.tmp.persist(&path).map(drop)
        } else {
            self.tmp.persist_noclobber(&path).map(drop)
        };
        // On failure the temporary file is dropped with the error, which removes it.
        placed.map_err(|e| match e.error.kind() {
            io::ErrorKind::AlreadyExists => FileError::Exists(path.clone()),
            io::ErrorKind::IsADirectory | io::ErrorKind::DirectoryNotEmpty => FileError::NotAFile {
                path: path.clone(),
                is: "a directory",
            },
            _ => FileError::io("write", &path, e.error),
        })
    }
}

impl Write for NewFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.as_file_mut().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.tmp.as_file_mut().write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tmp.as_file_mut().flush()
    }
}

/// Zip archives seek back to write their directory.
impl io::Seek for NewFile {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.tmp.as_file_mut().seek(pos)
    }
}

/// Refuses a directory at `path` always, and anything at all without `force`.
fn check_free(path: &Path, force: bool) -> Result<(), FileError> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(FileError::io("check", path, e)),
        Ok(meta) if meta.is_dir() => Err(FileError::NotAFile {
            path: path.to_owned(),
            is: "a directory",
        }),
        Ok(_) if !force => Err(FileError::Exists(path.to_owned())),
        Ok(_) => Ok(()),
    }
}

/// Writes `bytes` as a new file at `path` (see [`NewFile`]).
pub fn write_new(path: &Path, bytes: &[u8], force: bool) -> Result<(), FileError> {
    let mut file = NewFile::create(path, force)?;
    file.write_all(bytes)
        .map_err(|e| FileError::io("write", path, e))?;
    file.commit()
}

/// Opens a log or journal to append to: created private (0600) with its directory (0700) when
/// missing; a symbolic link, a directory or a device at `path` is refused.
pub fn append(path: &Path) -> Result<File, FileError> {
    create_dir(parent(path))?;
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: a FIFO planted at the name fails at once instead of blocking the open;
        // it changes nothing for a regular file.
        options
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| refused(path, e, "open"))?;
    let meta = file
        .metadata()
        .map_err(|e| FileError::io("open", path, e))?;
    if let Some(is) = not_a_file(&meta) {
        return Err(FileError::NotAFile {
            path: path.to_owned(),
            is,
        });
    }
    Ok(file)
}

/// Reads a file clerkctl wrote (a journal, a manifest, a skill file): `None` when there is none.
/// A symbolic link or anything but a regular file is refused.
pub fn read(path: &Path) -> Result<Option<Vec<u8>>, FileError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let mut file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(refused(path, e, "read")),
    };
    let meta = file
        .metadata()
        .map_err(|e| FileError::io("read", path, e))?;
    if let Some(is) = not_a_file(&meta) {
        return Err(FileError::NotAFile {
            path: path.to_owned(),
            is,
        });
    }
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut file, &mut bytes).map_err(|e| FileError::io("read", path, e))?;
    Ok(Some(bytes))
}

/// [`read`], as UTF-8 text.
pub fn read_text(path: &Path) -> Result<Option<String>, FileError> {
    read(path)?
        .map(|bytes| {
            String::from_utf8(bytes).map_err(|_| {
                FileError::io(
                    "read",
                    path,
                    io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"),
                )
            })
        })
        .transpose()
}

/// Makes sure the file at `path` exists for a library that opens it by name: created empty and
/// private (0600) when missing; a symbolic link or anything but a regular file is refused.
pub fn state_file(path: &Path) -> Result<(), FileError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => match not_a_file(&meta) {
            None => Ok(()),
            Some(is) => Err(FileError::NotAFile {
                path: path.to_owned(),
                is,
            }),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            match write_new(path, b"", false) {
                // Another process made it first: fine, if it is a file.
                Err(FileError::Exists(_)) => state_file(path),
                other => other,
            }
        }
        Err(e) => Err(FileError::io("check", path, e)),
    }
}

/// An open refused by the system, said plainly when it was a guard (`O_NOFOLLOW`, a FIFO).
fn refused(path: &Path, e: io::Error, doing: &'static str) -> FileError {
    #[cfg(unix)]
    {
        match e.raw_os_error() {
            Some(libc::ELOOP) => {
                return FileError::NotAFile {
                    path: path.to_owned(),
                    is: "a symbolic link (clerkctl never writes or reads through one)",
                };
            }
            Some(libc::ENXIO) => {
                return FileError::NotAFile {
                    path: path.to_owned(),
                    is: "a device, socket or pipe",
                };
            }
            Some(libc::EISDIR) => {
                return FileError::NotAFile {
                    path: path.to_owned(),
                    is: "a directory",
                };
            }
            _ => {}
        }
    }
    FileError::io(doing, path, e)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, symlink};

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().mode() & 0o777
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    #[test]
    fn a_new_file_is_private_and_appears_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("out.ndjson");
        let mut f = NewFile::create(&path, false).unwrap();
        f.write_all(b"{}\n").unwrap();
        assert!(!path.exists(), "not there before the commit");
        f.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("sub")), 0o700);
        assert_eq!(names(&dir.path().join("sub")), ["out.ndjson"]);
    }

    #[test]
    fn an_existing_file_is_kept_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        std::fs::write(&path, "mine").unwrap();
        assert!(NewFile::create(&path, false).unwrap_err().is_exists());
        write_new(&path, b"new", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }

    #[test]
    fn a_file_that_appears_meanwhile_is_not_replaced_and_nothing_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let mut f = NewFile::create(&path, false).unwrap();
        f.write_all(b"export").unwrap();
        std::fs::write(&path, "someone else's").unwrap();
        assert!(f.commit().unwrap_err().is_exists());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "someone else's");
        assert_eq!(names(dir.path()), ["out"]);
    }

    #[test]
    fn a_symlink_at_the_name_is_refused_or_replaced_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("authorized_keys");
        std::fs::write(&target, "keep").unwrap();
        let link = dir.path().join("out");
        symlink(&target, &link).unwrap();
        assert!(NewFile::create(&link, false).unwrap_err().is_exists());
        // A dangling link too: creating it would create its target.
        let dangling = dir.path().join("dangling");
        symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(write_new(&dangling, b"x", false).unwrap_err().is_exists());
        assert!(!dir.path().join("nowhere").exists());
        write_new(&link, b"new", true).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert!(!std::fs::symlink_metadata(&link).unwrap().is_symlink());
    }

    #[test]
    fn a_directory_is_refused_even_when_forced() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_new(dir.path(), b"x", true).unwrap_err();
        assert!(matches!(err, FileError::NotAFile { .. }), "{err}");
    }

    #[test]
    fn append_is_private_and_never_follows_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("state").join("audit.jsonl");
        append(&log).unwrap().write_all(b"a\n").unwrap();
        append(&log).unwrap().write_all(b"b\n").unwrap();
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "a\nb\n");
        assert_eq!(mode(&log), 0o600);
        assert_eq!(mode(&dir.path().join("state")), 0o700);

        let target = dir.path().join("bashrc");
        std::fs::write(&target, "keep").unwrap();
        let link = dir.path().join("journal");
        symlink(&target, &link).unwrap();
        let err = append(&link).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(read_text(&link).is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert!(matches!(
            append(dir.path()).unwrap_err(),
            FileError::NotAFile { .. }
        ));
    }

    #[test]
    fn a_state_file_is_made_private_and_a_link_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("local.db");
        state_file(&db).unwrap();
        state_file(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        let link = dir.path().join("other.db");
        symlink(&db, &link).unwrap();
        assert!(state_file(&link).is_err());
    }
}
