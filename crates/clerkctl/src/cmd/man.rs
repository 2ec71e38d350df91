//! `clerkctl man --out DIR`: the manual pages, `clerkctl.1` and one per command
//! (`clerkctl-users-list.1`), rendered from the same command tree as `--help`.

use std::io::Write;
use std::path::Path;

use crate::cli::ManArgs;
use crate::fail::{CliResult, Fail, Hint, usage};

/// Writes every page into `args.out` (created if missing) and answers how many. Nothing is
/// written when a page is there already and `--force` was not given.
pub fn write(args: &ManArgs) -> CliResult<u64> {
    let mut pages = Vec::new();
    let mut cmd = crate::cli::command();
    // Built, so that each command knows its full name (`clerkctl-users-list`).
    cmd.build();
    render(cmd, &mut pages)?;
    let taken: Vec<String> = pages
        .iter()
        .map(|(name, _)| args.out.join(name))
        .filter(|p| p.symlink_metadata().is_ok())
        .map(|p| p.display().to_string())
        .collect();
    if !taken.is_empty() && !args.force {
        return Err(usage(format!(
            "not overwriting {} (and {} other pages); nothing was written",
            taken[0],
            taken.len() - 1
        ))
        .with_hint(Hint::same(
            "pass --force to replace them, or choose another directory with --out",
        )));
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Fail::Other(format!("cannot create {}: {e}", args.out.display())))?;
    let mut n = 0;
    for (name, page) in pages {
        let path = args.out.join(&name);
        write_new(&path, &page, args.force)
            .map_err(|e| Fail::Other(format!("cannot write {}: {e}", path.display())))?;
        n += 1;
    }
    Ok(n)
}

/// `cmd`'s page and its subcommands', named as clap names a built command
/// (`clerkctl-users-list.1`).
fn render(cmd: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> CliResult<()> {
    let name = cmd.get_display_name().unwrap_or(cmd.get_name()).to_owned();
    let subs: Vec<clap::Command> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .cloned()
        .collect();
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut page)
        .map_err(|e| Fail::Other(format!("cannot render the page of {name}: {e}")))?;
    pages.push((format!("{name}.1"), page));
    for sub in subs {
        render(sub, pages)?;
    }
    Ok(())
}

/// Creates `path` new (replacing what is there only with `force`, and never through a
/// symbolic link), readable by its owner only, and writes `bytes`.
fn write_new(path: &Path, bytes: &[u8], force: bool) -> std::io::Result<()> {
    if force && path.symlink_metadata().is_ok() {
        std::fs::remove_file(path)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// The pages' names, for tests.
#[cfg(test)]
fn names() -> Vec<std::path::PathBuf> {
    let mut pages = Vec::new();
    let mut cmd = crate::cli::command();
    cmd.build();
    render(cmd, &mut pages).unwrap();
    pages.into_iter().map(|(n, _)| n.into()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_page() {
        let names = names();
        for want in [
            "clerkctl.1",
            "clerkctl-users.1",
            "clerkctl-users-list.1",
            "clerkctl-orgs-delete.1",
        ] {
            assert!(names.contains(&want.into()), "{want} in {names:?}");
        }
    }
}
