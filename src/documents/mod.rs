//! Object storage for case documents through the `object_store` crate: a local folder, any
//! S3-compatible bucket, or memory; keys are `cases/{case id}/{document id}` (random ids only).
//! Also the instalment plan as a PDF ([`plan_pdf`]).

pub mod pdf_font;
pub mod plan_pdf;

use std::sync::Arc;

use futures::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use secrecy::ExposeSecret;

use crate::config::settings::DocumentSettings;
use crate::domain::document::{DocumentId, case_prefix, object_key};
use crate::domain::ids::CaseId;

#[derive(Debug, thiserror::Error)]
pub enum ObjectError {
    #[error("no such object")]
    NotFound,
    #[error("object storage unavailable: {0}")]
    Unavailable(String),
}

impl From<object_store::Error> for ObjectError {
    fn from(e: object_store::Error) -> ObjectError {
        match e {
            object_store::Error::NotFound { .. } => ObjectError::NotFound,
            other => ObjectError::Unavailable(other.to_string()),
        }
    }
}

/// Where documents' bytes live; cheap to clone.
#[derive(Clone)]
pub struct DocumentStore {
    objects: Arc<dyn ObjectStore>,
    /// What kind of store, for the log at start (no secrets).
    pub describe: String,
}

impl DocumentStore {
    /// The store the settings name: S3 when `[documents.s3]` is set, else the folder
    /// `path`, else memory.
    pub fn from_settings(settings: &DocumentSettings) -> anyhow::Result<DocumentStore> {
        if let Some(s3) = &settings.s3 {
            let objects = AmazonS3Builder::new()
                .with_endpoint(&s3.endpoint)
                .with_bucket_name(&s3.bucket)
                .with_region(&s3.region)
                .with_access_key_id(&s3.access_key_id)
                .with_secret_access_key(s3.secret_access_key.expose_secret())
                .with_allow_http(s3.allow_http)
                .with_virtual_hosted_style_request(!s3.path_style)
                .build()?;
            return Ok(DocumentStore {
                objects: Arc::new(objects),
                describe: format!("s3 bucket {}", s3.bucket),
            });
        }
        if let Some(path) = &settings.path {
            std::fs::create_dir_all(path)?;
            return Ok(DocumentStore {
                objects: Arc::new(LocalFileSystem::new_with_prefix(path)?),
                describe: "local folder".to_owned(),
            });
        }
        Ok(DocumentStore::in_memory())
    }

    pub fn in_memory() -> DocumentStore {
        DocumentStore {
            objects: Arc::new(InMemory::new()),
            describe: "memory".to_owned(),
        }
    }

    fn path(case: &CaseId, document: &DocumentId) -> Path {
        Path::from(object_key(case, document))
    }

    pub async fn put(
        &self,
        case: &CaseId,
        document: &DocumentId,
        bytes: Vec<u8>,
    ) -> Result<(), ObjectError> {
        self.objects
            .put(&Self::path(case, document), PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    pub async fn get(&self, case: &CaseId, document: &DocumentId) -> Result<Vec<u8>, ObjectError> {
        let found = self.objects.get(&Self::path(case, document)).await?;
        Ok(found.bytes().await?.to_vec())
    }

    /// Removes one object; one already gone counts as removed.
    pub async fn delete(&self, case: &CaseId, document: &DocumentId) -> Result<(), ObjectError> {
        match self.objects.delete(&Self::path(case, document)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The keys of every object kept for the case (also ones whose metadata never got written).
    pub async fn case_objects(&self, case: &CaseId) -> Result<Vec<String>, ObjectError> {
        let prefix = Path::from(case_prefix(case));
        let listed: Vec<_> = self.objects.list(Some(&prefix)).try_collect().await?;
        Ok(listed.into_iter().map(|m| m.location.to_string()).collect())
    }

    /// Removes every object of the case; returns how many went.
    pub async fn delete_case(&self, case: &CaseId) -> Result<usize, ObjectError> {
        let keys = self.case_objects(case).await?;
        for key in &keys {
            match self.objects.delete(&Path::from(key.as_str())).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(keys.len())
    }
}
