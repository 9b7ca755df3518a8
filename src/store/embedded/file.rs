//! The durable embedded store's file (redb): opened by one process at a time, read whole at
//! start, each change committed (fsync) before it is acknowledged, and rewritten into a fresh
//! file after an erasure.
//!
//! Why the rewrite: redb is copy-on-write; a changed or deleted value's old page is only marked
//! free, and its bytes stay in the file until the page happens to be reused (`compact` moves
//! pages and shrinks the file, but does not promise to overwrite every free page). An erased
//! debtor's name and number must not stay readable in the file, so the end of an erasure
//! writes everything still kept into a new file, syncs it and renames it over the old one.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use rand::RngCore;
use redb::{Database, DatabaseError, ReadableDatabase};

use super::Inner;
use super::tables::{Durable, META, entries, file_error, write};
use crate::store::{Pseudonyms, StoreError, StoreResult};

/// What this version writes; a file of another format is refused rather than misread.
const FORMAT: &[u8] = b"1";
const FORMAT_KEY: &[u8] = b"format";
const PSEUDONYM_KEY: &[u8] = b"pseudonym_key";
/// The pseudonym of a fixed label under the key the file was written with: tells whether a
/// later start uses the same key without keeping the key itself (when it is configured).
const PSEUDONYM_CHECK: &[u8] = b"pseudonym_check";
const PSEUDONYM_CHECK_LABEL: &str = "innfri:store-file:pseudonym-key";

pub(super) struct StoreFile {
    db: Database,
    path: PathBuf,
    /// Why a commit failed: the state in memory is then ahead of the file, so the store
    /// refuses everything until a restart reads the file again.
    failed: Option<String>,
}

impl StoreFile {
    pub fn open(path: &Path) -> StoreResult<StoreFile> {
        let db = Database::create(path).map_err(|e| match e {
            DatabaseError::DatabaseAlreadyOpen => StoreError::Unavailable(format!(
                "the store file {} is already open in another process; one process at a time",
                path.display()
            )),
            other => StoreError::Unavailable(format!("the store file {}: {other}", path.display())),
        })?;
        let file = StoreFile {
            db,
            path: path.to_owned(),
            failed: None,
        };
        match file.meta(FORMAT_KEY)? {
            None => file.set_meta(FORMAT_KEY, FORMAT)?,
            Some(format) if format == FORMAT => {}
            Some(_) => {
                return Err(StoreError::Corrupt(format!(
                    "the store file {} was written by another version of innfri",
                    path.display()
                )));
            }
        }
        Ok(file)
    }

    /// The file's own pseudonym key, made (and committed) with the file.
    pub fn pseudonyms(&self) -> StoreResult<Pseudonyms> {
        let hex_key = match self.meta(PSEUDONYM_KEY)? {
            Some(key) => String::from_utf8(key)
                .map_err(|_| StoreError::Corrupt("the file's pseudonym key".into()))?,
            None => {
                let mut bytes = [0u8; crate::store::pseudonym::MIN_KEY_BYTES];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                let key = hex::encode(bytes);
                self.set_meta(PSEUDONYM_KEY, key.as_bytes())?;
                key
            }
        };
        Pseudonyms::from_hex(&hex_key)
            .map_err(|e| StoreError::Corrupt(format!("the file's pseudonym key {e}")))
    }

    /// Refuses a key other than the one the file's pseudonyms were made with: under another
    /// key the stored opt-outs and reply routes would no longer match anyone, and a debtor who
    /// said STOP would be written to again. The first start records which key it was.
    pub fn check_pseudonym_key(&self, pseudonyms: &Pseudonyms) -> StoreResult<()> {
        let check = pseudonyms.of(PSEUDONYM_CHECK_LABEL);
        match self.meta(PSEUDONYM_CHECK)? {
            None => self.set_meta(PSEUDONYM_CHECK, check.as_bytes()),
            Some(stored) if stored == check.as_bytes() => Ok(()),
            Some(_) => Err(StoreError::Unavailable(
                "the store file was written under another pseudonym key (store.pseudonym_key): \
                 start with the key it was made with, or its opt-outs would no longer match"
                    .into(),
            )),
        }
    }

    fn meta(&self, key: &[u8]) -> StoreResult<Option<Vec<u8>>> {
        let txn = self.db.begin_read().map_err(file_error)?;
        Ok(entries(&txn, META)?
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v))
    }

    fn set_meta(&self, key: &[u8], value: &[u8]) -> StoreResult<()> {
        let txn = self.db.begin_write().map_err(file_error)?;
        write(&txn, META, [Ok((key.to_vec(), Some(value.to_vec())))])?;
        txn.commit().map_err(file_error)
    }

    pub fn load(&self, name: &str, table: &mut dyn Durable) -> StoreResult<()> {
        let txn = self.db.begin_read().map_err(file_error)?;
        table.load(&txn, name)
    }

    /// Refuses once a commit failed (see `failed`).
    pub fn usable(&self) -> StoreResult<()> {
        match &self.failed {
            None => Ok(()),
            Some(why) => Err(StoreError::Unavailable(format!(
                "the store file could not be written ({why}); restart to read it again"
            ))),
        }
    }

    /// Commits what changed in `data` in one durable transaction; after an erasure, rewrites
    /// the whole file instead.
    pub fn commit(&mut self, data: &mut Inner) -> StoreResult<()> {
        let outcome = if std::mem::take(&mut data.rewrite_due) {
            self.rewrite(data)
        } else {
            self.save_changes(data)
        };
        if let Err(e) = &outcome {
            self.failed = Some(e.to_string());
        }
        outcome
    }

    fn save_changes(&mut self, data: &mut Inner) -> StoreResult<()> {
        let mut tables = data.durables();
        if !tables.iter().any(|(_, table)| table.changed()) {
            return Ok(());
        }
        let txn = self.db.begin_write().map_err(file_error)?;
        for (name, table) in tables.iter_mut() {
            table.save_changes(&txn, name)?;
        }
        txn.commit().map_err(file_error)
    }

    /// Writes everything `data` holds into a fresh file beside this one and renames it over
    /// this one, so nothing freed (an erased case's old bytes) survives in the file.
    fn rewrite(&mut self, data: &mut Inner) -> StoreResult<()> {
        let fresh_path = self.sibling(".rewrite");
        match std::fs::remove_file(&fresh_path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(file_error(e)),
        }
        let fresh = Database::create(&fresh_path).map_err(file_error)?;
        let meta = entries(&self.db.begin_read().map_err(file_error)?, META)?;
        let txn = fresh.begin_write().map_err(file_error)?;
        write(&txn, META, meta.into_iter().map(|(k, v)| Ok((k, Some(v)))))?;
        for (name, table) in data.durables().iter_mut() {
            table.save_all(&txn, name)?;
        }
        txn.commit().map_err(file_error)?;
        std::fs::rename(&fresh_path, &self.path).map_err(file_error)?;
        // The rename itself must survive a crash, or the old file comes back.
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        };
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(file_error)?;
        // The old file closes (and, unlinked by the rename, goes) with its handle.
        self.db = fresh;
        Ok(())
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        let mut name = OsString::from(self.path.as_os_str());
        name.push(suffix);
        PathBuf::from(name)
    }
}
