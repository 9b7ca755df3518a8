//! Documents on a case: attaching one (the agency's invoice copy or letter, the debtor's
//! receipt), listing, fetching and removing them, and removing them all at erasure. The bytes
//! go to object storage first and the metadata onto the case after, so a failure in between
//! leaves at most an object no metadata names, which erasure still finds by the case's prefix.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::retry::{self, Attempt, written};
use crate::context::AppContext;
use crate::documents::ObjectError;
use crate::domain::case::Case;
use crate::domain::document::{
    DocumentId, DocumentKind, DocumentMeta, FileRefused, FileType, MAX_DOCUMENTS_PER_CASE,
    Uploader, check_file, display_name,
};
use crate::domain::ids::CaseId;
use crate::store::StoreError;

/// What an agency may attach: PDF only (invoice copies, agreements, letters).
pub const AGENCY_TYPES: &[FileType] = &[FileType::Pdf];
/// What a debtor may upload with a dispute or "already paid": a PDF or a photo.
pub const DEBTOR_TYPES: &[FileType] = &[FileType::Pdf, FileType::Jpeg, FileType::Png];

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error(transparent)]
    Refused(FileRefused),
    #[error("the case already has {MAX_DOCUMENTS_PER_CASE} documents")]
    TooMany,
    #[error("the case was erased")]
    Erased,
    #[error("no such case")]
    CaseNotFound,
    #[error("no such document on this case")]
    NotFound,
    #[error("the case changed while the document was attached; try again")]
    Conflict,
    #[error("object storage unavailable: {0}")]
    Objects(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for DocumentError {
    fn from(e: StoreError) -> DocumentError {
        match e {
            StoreError::Conflict => DocumentError::Conflict,
            other => DocumentError::Store(other),
        }
    }
}

impl From<ObjectError> for DocumentError {
    fn from(e: ObjectError) -> DocumentError {
        match e {
            ObjectError::NotFound => DocumentError::NotFound,
            ObjectError::Unavailable(why) => DocumentError::Objects(why),
        }
    }
}

/// A file to attach, as it came in.
pub struct Upload {
    pub kind: DocumentKind,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub uploaded_by: Uploader,
}

/// Checks the file against `allowed` (by its bytes) and what it is, without storing anything:
/// a form can refuse a bad file before it changes the case.
pub fn check(upload: &Upload, allowed: &[FileType]) -> Result<FileType, DocumentError> {
    check_file(&upload.bytes, allowed).map_err(DocumentError::Refused)
}

/// Stores the file and puts its metadata on the case; returns the metadata and the case as
/// written.
pub async fn attach(
    ctx: &AppContext,
    case: &CaseId,
    upload: Upload,
    allowed: &[FileType],
    now: DateTime<Utc>,
) -> Result<(DocumentMeta, Case), DocumentError> {
    let file_type = check(&upload, allowed)?;
    let current = ctx
        .store
        .case(case)
        .await?
        .ok_or(DocumentError::CaseNotFound)?;
    if current.is_erased() {
        return Err(DocumentError::Erased);
    }
    if current.documents.len() >= MAX_DOCUMENTS_PER_CASE {
        return Err(DocumentError::TooMany);
    }
    let meta = DocumentMeta {
        id: DocumentId::generate(),
        kind: upload.kind,
        file_name: display_name(&upload.file_name, file_type),
        file_type,
        size: upload.bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(&upload.bytes)),
        uploaded_by: upload.uploaded_by,
        uploaded_at: now,
    };
    ctx.documents.put(case, &meta.id, upload.bytes).await?;
    let recorded = record(ctx, case, &meta, now).await;
    match recorded {
        Ok(case) => Ok((meta, case)),
        Err(e) => {
            // Best effort: erasure would find it by the prefix anyway.
            if let Err(cleanup) = ctx.documents.delete(case, &meta.id).await {
                tracing::warn!(case = %case, error = %cleanup, "an unrecorded document stays in object storage");
            }
            Err(e)
        }
    }
}

async fn record(
    ctx: &AppContext,
    id: &CaseId,
    meta: &DocumentMeta,
    now: DateTime<Utc>,
) -> Result<Case, DocumentError> {
    let store = &ctx.store;
    let written_case = retry::on_conflict::<Case, DocumentError, _, _>(|| async move {
        let mut case = store.case(id).await?.ok_or(DocumentError::CaseNotFound)?;
        if case.is_erased() {
            return Err(DocumentError::Erased);
        }
        if case.documents.len() >= MAX_DOCUMENTS_PER_CASE {
            return Err(DocumentError::TooMany);
        }
        case.documents.push(meta.clone());
        case.updated_at = now;
        Ok(written(store.update_case(&case).await)?)
    })
    .await?;
    written_case.ok_or(DocumentError::Conflict)
}

/// The document's metadata on `case`.
pub fn find<'a>(case: &'a Case, id: &str) -> Result<&'a DocumentMeta, DocumentError> {
    let id = DocumentId::parse(id).ok_or(DocumentError::NotFound)?;
    case.documents
        .iter()
        .find(|d| d.id == id)
        .ok_or(DocumentError::NotFound)
}

/// The document's metadata and bytes; only a document the case's metadata names is served.
pub async fn fetch(
    ctx: &AppContext,
    case: &Case,
    id: &str,
) -> Result<(DocumentMeta, Vec<u8>), DocumentError> {
    let meta = find(case, id)?.clone();
    let bytes = ctx.documents.get(&case.id, &meta.id).await?;
    Ok((meta, bytes))
}

/// Takes the document off the case and removes its bytes.
pub async fn remove(
    ctx: &AppContext,
    case: &CaseId,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), DocumentError> {
    let id = DocumentId::parse(id).ok_or(DocumentError::NotFound)?;
    let store = &ctx.store;
    let target = &id;
    let done = retry::on_conflict::<(), DocumentError, _, _>(|| async move {
        let mut case = store.case(case).await?.ok_or(DocumentError::CaseNotFound)?;
        let before = case.documents.len();
        case.documents.retain(|d| d.id != *target);
        if case.documents.len() == before {
            return Err(DocumentError::NotFound);
        }
        case.updated_at = now;
        Ok(match written(store.update_case(&case).await)? {
            Attempt::Done(_) => Attempt::Done(()),
            Attempt::Conflicted => Attempt::Conflicted,
        })
    })
    .await?;
    done.ok_or(DocumentError::Conflict)?;
    ctx.documents.delete(case, &id).await?;
    Ok(())
}

/// Removes every object kept for the case (erasure and retention); returns how many went.
pub async fn erase_all(ctx: &AppContext, case: &CaseId) -> Result<usize, DocumentError> {
    Ok(ctx.documents.delete_case(case).await?)
}
