//! The journal of a bulk job: one JSON line per event, appended as it happens, so that running
//! the same command again after Ctrl-C, `kill -9` or a network failure carries on where it
//! stopped.
//!
//! Before a create is sent, its rows are marked `attempt`; when the answer comes, `created`,
//! `skipped` or `failed`. A row whose last event is `attempt` may or may not exist: the next
//! run looks it up before sending anything for it.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fail::{CliResult, Fail, usage};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// Which job the journal belongs to (the first line).
    Job {
        job: String,
        target: String,
        version: u32,
        /// The instance the job runs against: its API origin (or the `--local` state's file)
        /// and a one-way fingerprint of its key, never the key.
        #[serde(default)]
        instance: Option<String>,
        #[serde(default)]
        key: Option<String>,
    },
    Attempt {
        line: usize,
        key: String,
    },
    Created {
        line: usize,
        key: String,
        id: Option<String>,
        #[serde(default)]
        reconciled: bool,
    },
    Skipped {
        line: usize,
        key: String,
        reason: String,
        #[serde(default)]
        id: Option<String>,
    },
    Failed {
        line: usize,
        key: String,
        code: Option<String>,
        reason: String,
    },
}

/// Where a row stands according to the journal.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Sent, answer unknown: look it up first.
    Uncertain,
    Done(Event),
    Failed,
}

#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: std::fs::File,
    states: HashMap<String, State>,
    /// Lines a crash cut short: their rows are looked up rather than trusted.
    damaged: usize,
}

impl Journal {
    /// Opens (or starts) the journal of `job` on `target`, in `instance` (where requests go,
    /// and the key's fingerprint). A journal of another job, target or instance, or a file
    /// that is not a journal (the input file itself, say), is refused.
    pub fn open(
        path: &Path,
        job: &str,
        target: &str,
        instance: &(String, String),
    ) -> CliResult<Journal> {
        let mut states = HashMap::new();
        let existing = crate::files::read_text(path).map_err(|e| {
            usage(format!(
                "cannot use the journal: {e} (pass --journal with another file)"
            ))
        })?;
        let mut damaged = 0;
        if let Some(text) = &existing {
            // The first line names the job: anything else is not a journal clerkctl wrote, and
            // appending to it would damage it.
            if let Some(first) = text.lines().find(|l| !l.trim().is_empty())
                && !matches!(serde_json::from_str::<Event>(first), Ok(Event::Job { .. }))
            {
                return Err(usage(format!(
                    "{} is not a clerkctl journal (its first line does not name a job); nothing was sent: pass --journal with a new file",
                    path.display()
                )));
            }
            for line in text.lines() {
                if line.trim().is_empty() {
                    continue;
                }
                // A line cut short by a crash mid-write (the next run ends it and appends after
                // it) is skipped: the row it named stays as the line before left it, attempted
                // rows are looked up, so nothing is lost or sent twice.
                let Ok(event) = serde_json::from_str::<Event>(line) else {
                    damaged += 1;
                    continue;
                };
                match &event {
                    Event::Job {
                        job: j,
                        target: t,
                        instance: i,
                        key: k,
                        ..
                    } => {
                        if j != job || t != target {
                            return Err(usage(format!(
                                "the journal {} belongs to `{j}` on {t:?}, not `{job}` on {target:?}: pass --journal with another file",
                                path.display()
                            )));
                        }
                        // A rehearsal's journal (on --local, or a development instance) must not
                        // turn the real run into a no-op that reports every row done.
                        if i.as_deref() != Some(instance.0.as_str())
                            || k.as_deref() != Some(instance.1.as_str())
                        {
                            return Err(usage(format!(
                                "the journal {} records a run against another instance ({}, key fingerprint {}), not {} with this key; nothing was sent: pass --journal with a new file to run the job here",
                                path.display(),
                                i.as_deref().unwrap_or("unrecorded"),
                                k.as_deref().unwrap_or("unrecorded"),
                                instance.0
                            )));
                        }
                    }
                    Event::Attempt { key, .. } => {
                        states.insert(key.clone(), State::Uncertain);
                    }
                    Event::Created { key, .. } | Event::Skipped { key, .. } => {
                        states.insert(key.clone(), State::Done(event.clone()));
                    }
                    Event::Failed { key, .. } => {
                        states.insert(key.clone(), State::Failed);
                    }
                }
            }
        }
        let file = crate::files::append(path).map_err(|e| {
            usage(format!(
                "cannot write the journal: {e} (pass --journal with another file)"
            ))
        })?;
        let mut journal = Journal {
            path: path.to_owned(),
            file,
            states,
            damaged,
        };
        if existing
            .as_deref()
            .is_some_and(|t| !t.is_empty() && !t.ends_with('\n'))
        {
            // End the line a crash cut short, so the next event starts on its own line.
            journal.file.write_all(b"\n").map_err(|e| {
                Fail::Other(format!("cannot write the journal {}: {e}", path.display()))
            })?;
        }
        if existing.as_deref().is_none_or(|t| t.trim().is_empty()) {
            journal.write(&Event::Job {
                job: job.to_owned(),
                target: target.to_owned(),
                version: 2,
                instance: Some(instance.0.clone()),
                key: Some(instance.1.clone()),
            })?;
        }
        Ok(journal)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many lines a crash cut short.
    pub fn damaged(&self) -> usize {
        self.damaged
    }

    pub fn state(&self, key: &str) -> Option<&State> {
        self.states.get(key)
    }

    /// Appends an event: one `write` of a whole line, so a crash leaves at most a cut last line.
    pub fn write(&mut self, event: &Event) -> CliResult<()> {
        let mut line = serde_json::to_vec(event).map_err(|e| Fail::Other(e.to_string()))?;
        line.push(b'\n');
        self.file.write_all(&line).map_err(|e| {
            Fail::Other(format!(
                "cannot write the journal {}: {e}",
                self.path.display()
            ))
        })?;
        match event {
            Event::Attempt { key, .. } => {
                self.states.insert(key.clone(), State::Uncertain);
            }
            Event::Created { key, .. } | Event::Skipped { key, .. } => {
                self.states.insert(key.clone(), State::Done(event.clone()));
            }
            Event::Failed { key, .. } => {
                self.states.insert(key.clone(), State::Failed);
            }
            Event::Job { .. } => {}
        }
        Ok(())
    }
}

/// The journal beside an input file: `invitees.csv` -> `invitees.csv.journal`.
pub fn default_path(input: &Path) -> PathBuf {
    let mut name = input
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".journal");
    input.with_file_name(name)
}

/// The journal of a job whose rows were given inline (an MCP call's rows, names on the command
/// line): under the state directory, named after the job and its rows, so that the same job
/// with the same rows finds the same journal.
pub fn for_rows(
    job: &super::jobs::Job,
    rows: &[serde_json::Map<String, serde_json::Value>],
) -> CliResult<PathBuf> {
    let slug = job.name().replace(' ', "-");
    let name = format!("{slug}-{}.journal", rows_digest(job, rows));
    let dir = crate::app::state_dir().ok_or_else(|| {
        usage("no state directory (HOME and XDG_STATE_HOME are unset): pass a journal file")
    })?;
    Ok(dir.join("clerkctl").join("jobs").join(name))
}

/// A stable name for a job given inline: the same job and rows find the same journal.
fn rows_digest(
    job: &super::jobs::Job,
    rows: &[serde_json::Map<String, serde_json::Value>],
) -> String {
    // FNV-1a, 64 bits: stable across builds and platforms, which std's hashers are not.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    eat(job.name().as_bytes());
    eat(job.target().as_bytes());
    for row in rows {
        eat(serde_json::to_string(row).unwrap_or_default().as_bytes());
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn here() -> (String, String) {
        ("https://api.clerk.com/v1".into(), "0123456789abcdef".into())
    }

    #[test]
    fn a_journal_of_another_instance_or_not_a_journal_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        drop(
            Journal::open(
                &path,
                "users import",
                "",
                &("local /x.db".into(), "local".into()),
            )
            .unwrap(),
        );
        let err = Journal::open(&path, "users import", "", &here()).unwrap_err();
        assert!(err.line().contains("another instance"), "{}", err.line());
        let other_key = ("local /x.db".to_owned(), "fedcba9876543210".to_owned());
        assert!(Journal::open(&path, "users import", "", &other_key).is_err());

        let input = dir.path().join("users.csv");
        std::fs::write(&input, "email_address\na@b.co\n").unwrap();
        let err = Journal::open(&input, "users import", "", &here()).unwrap_err();
        assert!(
            err.line().contains("not a clerkctl journal"),
            "{}",
            err.line()
        );
        assert_eq!(
            std::fs::read_to_string(&input).unwrap(),
            "email_address\na@b.co\n"
        );
    }

    #[test]
    fn a_journal_resumes_and_refuses_another_job() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        {
            let mut j = Journal::open(&path, "invitations bulk", "org_1", &here()).unwrap();
            j.write(&Event::Attempt {
                line: 2,
                key: "a".into(),
            })
            .unwrap();
            j.write(&Event::Created {
                line: 2,
                key: "a".into(),
                id: Some("orginv_1".into()),
                reconciled: false,
            })
            .unwrap();
            j.write(&Event::Attempt {
                line: 3,
                key: "b".into(),
            })
            .unwrap();
        }
        // A crash cut the last line short.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"event\":\"crea")
            .unwrap();
        let j = Journal::open(&path, "invitations bulk", "org_1", &here()).unwrap();
        assert!(matches!(
            j.state("a"),
            Some(State::Done(Event::Created { .. }))
        ));
        assert_eq!(j.state("b"), Some(&State::Uncertain));
        assert_eq!(j.state("c"), None);
        drop(j);
        let mut j = Journal::open(&path, "invitations bulk", "org_1", &here()).unwrap();
        j.write(&Event::Skipped {
            line: 3,
            key: "b".into(),
            reason: "already pending".into(),
            id: None,
        })
        .unwrap();
        drop(j);
        let j = Journal::open(&path, "invitations bulk", "org_1", &here()).unwrap();
        assert!(
            matches!(j.state("b"), Some(State::Done(Event::Skipped { .. }))),
            "appends after a cut line stay readable"
        );
        assert!(Journal::open(&path, "users import", "", &here()).is_err());
        assert_eq!(
            default_path(Path::new("/x/in.csv")),
            PathBuf::from("/x/in.csv.journal")
        );
    }
}
