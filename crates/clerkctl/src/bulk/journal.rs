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
    /// Opens (or starts) the journal of `job` on `target`.
    pub fn open(path: &Path, job: &str, target: &str) -> CliResult<Journal> {
        let mut states = HashMap::new();
        let existing = crate::files::read_text(path).map_err(|e| {
            usage(format!(
                "cannot use the journal: {e} (pass --journal with another file)"
            ))
        })?;
        let mut damaged = 0;
        if let Some(text) = &existing {
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
                        job: j, target: t, ..
                    } => {
                        if j != job || t != target {
                            return Err(usage(format!(
                                "the journal {} belongs to `{j}` on {t:?}, not `{job}` on {target:?}: pass --journal with another file",
                                path.display()
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
                version: 1,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_resumes_and_refuses_another_job() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        {
            let mut j = Journal::open(&path, "invitations bulk", "org_1").unwrap();
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
        let j = Journal::open(&path, "invitations bulk", "org_1").unwrap();
        assert!(matches!(
            j.state("a"),
            Some(State::Done(Event::Created { .. }))
        ));
        assert_eq!(j.state("b"), Some(&State::Uncertain));
        assert_eq!(j.state("c"), None);
        drop(j);
        let mut j = Journal::open(&path, "invitations bulk", "org_1").unwrap();
        j.write(&Event::Skipped {
            line: 3,
            key: "b".into(),
            reason: "already pending".into(),
            id: None,
        })
        .unwrap();
        drop(j);
        let j = Journal::open(&path, "invitations bulk", "org_1").unwrap();
        assert!(
            matches!(j.state("b"), Some(State::Done(Event::Skipped { .. }))),
            "appends after a cut line stay readable"
        );
        assert!(Journal::open(&path, "users import", "").is_err());
        assert_eq!(
            default_path(Path::new("/x/in.csv")),
            PathBuf::from("/x/in.csv.journal")
        );
    }
}
