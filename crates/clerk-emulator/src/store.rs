//! Durable state in SQLite: one table per resource, each row a record's JSON document.
//!
//! The in-memory state is authoritative while the emulator runs; the store is written through
//! before an answer leaves, inside one transaction per request. WAL journaling with
//! `synchronous=NORMAL` makes every committed transaction survive the process being killed
//! (`kill -9`); only a power cut can lose the last transactions, which an emulator can afford.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::engine::state::{State, Table};

/// The schema version written into a new data file; a file with another version is refused.
const SCHEMA_VERSION: i64 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open data file {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "data file {path} was written by an incompatible version (schema {found}, expected {SCHEMA_VERSION})"
    )]
    Version { path: String, found: i64 },
    #[error("data file {path} holds a record that cannot be read ({table} {id}): {source}")]
    Corrupt {
        path: String,
        table: &'static str,
        id: String,
        source: serde_json::Error,
    },
    #[error("storage error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) a data file and loads everything it holds into `state`.
    pub fn open(path: &Path, state: &mut State) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        let open_err = |source| StoreError::Open {
            path: shown.clone(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // A missing directory would otherwise surface as SQLite's terse "unable to open".
            let _ = std::fs::create_dir_all(dir);
        }
        // A new data file is private: it keeps the instance's signing key and webhook secret.
        // SQLite gives its journal files the same permissions.
        #[cfg(unix)]
        if !path.exists() {
            use std::os::unix::fs::OpenOptionsExt;
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path);
        }
        let conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
        )
        .map_err(open_err)?;
        for table in Table::ALL {
            conn.execute_batch(&format!(
                "CREATE TABLE IF NOT EXISTS {} (id TEXT PRIMARY KEY, doc TEXT NOT NULL);",
                table.name()
            ))
            .map_err(open_err)?;
        }
        // Webhook deliveries are not records of the API: a reset keeps them.
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS webhook_deliveries (id TEXT PRIMARY KEY, doc TEXT NOT NULL);",
        )
        .map_err(open_err)?;
        let version: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(open_err)?;
        match version.map(|v| v.parse::<i64>().unwrap_or(-1)) {
            None => {
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?1)",
                    params![SCHEMA_VERSION.to_string()],
                )
                .map_err(open_err)?;
            }
            Some(SCHEMA_VERSION) => {}
            Some(found) => {
                return Err(StoreError::Version { path: shown, found });
            }
        }
        let store = Store { conn };
        store.load(state, &shown)?;
        Ok(store)
    }

    fn load(&self, state: &mut State, shown: &str) -> Result<(), StoreError> {
        // Parents before children, so indexes that join across tables are complete.
        for table in Table::ALL {
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT id, doc FROM {}", table.name()))?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let id: String = row.get(0)?;
                let doc: String = row.get(1)?;
                state
                    .load_document(table, &doc)
                    .map_err(|source| StoreError::Corrupt {
                        path: shown.to_owned(),
                        table: table.name(),
                        id,
                        source,
                    })?;
            }
        }
        Ok(())
    }

    /// Writes the touched records' current documents (or deletes them) in one transaction.
    pub fn write(&mut self, state: &State, touched: &[(Table, String)]) -> Result<(), StoreError> {
        self.write_with(state, touched, &[])
    }

    /// [`Store::write`], and the webhook deliveries the change made, in the same transaction:
    /// a change is kept with the deliveries that tell about it, or not at all.
    pub fn write_with(
        &mut self,
        state: &State,
        touched: &[(Table, String)],
        deliveries: &[(String, String)],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for (id, doc) in deliveries {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO webhook_deliveries (id, doc) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
            )?;
            stmt.execute(params![id, doc])?;
        }
        for (table, id) in touched {
            match state.document(*table, id) {
                Some(doc) => {
                    let mut stmt = tx.prepare_cached(&format!(
                        "INSERT INTO {} (id, doc) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
                        table.name()
                    ))?;
                    stmt.execute(params![id, doc])?;
                }
                None => {
                    let mut stmt =
                        tx.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", table.name()))?;
                    stmt.execute(params![id])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Updates one webhook delivery's document (its attempts and status).
    pub fn save_delivery(&mut self, id: &str, doc: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO webhook_deliveries (id, doc) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
            params![id, doc],
        )?;
        Ok(())
    }

    /// Every kept webhook delivery's document, in the order they were made.
    pub fn deliveries(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT doc FROM webhook_deliveries ORDER BY rowid")?;
        let docs = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(docs)
    }

    /// A value kept beside the records (markers such as "the demo was loaded").
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Empties every table of records (`meta` stays).
    pub fn clear(&mut self) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for table in Table::ALL {
            tx.execute(&format!("DELETE FROM {}", table.name()), [])?;
        }
        tx.commit()?;
        Ok(())
    }
}
