//! `clerkctl man --out DIR`: the manual pages, `clerkctl.1` and one per command
//! (`clerkctl-users-list.1`), rendered from the same command tree as `--help`.

use crate::cli::ManArgs;
use crate::fail::{CliResult, Fail, Hint};
use crate::files;

/// Writes every page into `args.out` (created if missing) and answers how many. Nothing is
/// written when a page is there already and `--force` was not given; each page is written as
/// every file clerkctl writes is (`crate::files`): new, private, never through a link.
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
    if let Some(first) = taken.first().filter(|_| !args.force) {
        return Err(Fail::Guard(format!(
            "{first} exists already (and {} more of the pages); nothing was written",
            taken.len() - 1
        ))
        .with_hint(Hint::same(
            "pass --force to replace them, or choose another directory with --out",
        )));
    }
    files::create_dir(&args.out)?;
    let mut n = 0;
    for (name, page) in pages {
        files::write_new(&args.out.join(&name), &page, args.force)?;
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
