//! `/api/v1/cases/{id}/documents`: the agency attaches a PDF (the raw file as the request
//! body, what it is in the query), lists, downloads and removes a case's documents.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Tenant;
use super::body::ApiBody;
use super::cases::own_case;
use super::errors::{ApiError, Body as ErrorBody};
use super::idempotency::about_case;
use crate::context::AppContext;
use crate::domain::document::{DocumentId, DocumentKind, DocumentMeta, FileType, Uploader};
use crate::service::documents::{self, AGENCY_TYPES, DocumentError, Upload};
use crate::store::StoreError;

/// What the uploaded file is; the body is the file itself.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct AttachQuery {
    /// `invoice`, `agreement`, `letter`, `receipt` or `other`.
    kind: String,
    /// The file's name as the debtor should see it (paths, quotes and control characters are
    /// dropped; the extension follows the real type).
    file_name: Option<String>,
}

/// A document on a case (its bytes at `GET …/documents/{document_id}`).
#[derive(Serialize, ToSchema)]
pub(crate) struct DocumentView {
    id: DocumentId,
    kind: DocumentKind,
    file_name: String,
    /// Read from the file's bytes: `application/pdf`, `image/jpeg` or `image/png`.
    content_type: &'static str,
    size: u64,
    /// SHA-256 of the bytes, hex.
    sha256: String,
    /// `agency`, or `debtor` for a receipt sent with a dispute or "already paid".
    uploaded_by: Uploader,
    uploaded_at: DateTime<Utc>,
}

impl From<&DocumentMeta> for DocumentView {
    fn from(d: &DocumentMeta) -> DocumentView {
        DocumentView {
            id: d.id.clone(),
            kind: d.kind,
            file_name: d.file_name.clone(),
            content_type: d.file_type.content_type(),
            size: d.size,
            sha256: d.sha256.clone(),
            uploaded_by: d.uploaded_by,
            uploaded_at: d.uploaded_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct DocumentList {
    documents: Vec<DocumentView>,
}

impl From<DocumentError> for ApiError {
    fn from(e: DocumentError) -> ApiError {
        match e {
            DocumentError::Refused(why) => ApiError::field("body", why),
            DocumentError::TooMany => ApiError::field("documents", e),
            DocumentError::Erased => ApiError::field("case", e),
            DocumentError::CaseNotFound => ApiError::CaseNotFound,
            DocumentError::NotFound => ApiError::DocumentNotFound,
            DocumentError::Conflict => ApiError::Conflict,
            DocumentError::Objects(why) => ApiError::StoreUnavailable(StoreError::Unavailable(
                format!("object storage: {why}"),
            )),
            DocumentError::Store(e) => ApiError::from(e),
        }
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/documents",
    tag = "documents",
    operation_id = "attach_document",
    summary = "Attach a PDF (invoice copy, agreement, letter) to a case",
    description = "The request body is the file itself, as sent by e.g. \
        `curl --data-binary @faktura.pdf -H 'Content-Type: application/pdf'`; what it is \
        comes in the query. The type is read from the bytes (a PDF starts `%PDF-`), not from \
        the name or `Content-Type`; at most 10 MiB. The debtor sees the document on the case page.",
    params(("id" = String, Path, description = "The case id"), AttachQuery),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "The PDF"),
    responses(
        (status = 201, description = "Attached", body = DocumentView),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_field`: `kind`, `body` (empty, or not a PDF by its content), `documents` (50 on the case already), `case` (erased)", body = ErrorBody),
        (status = 503, description = "`store_unavailable` (also object storage)", body = ErrorBody),
    ),
)]
pub(crate) async fn attach_document(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
    req: actix_web::HttpRequest,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    // Another agency's case is 404 before anything about the request is judged.
    let case = own_case(&ctx, &tenant, &path).await?;
    let query: AttachQuery =
        serde_urlencoded::from_str(req.query_string()).map_err(|e| ApiError::InvalidField {
            field: "kind".into(),
            message: format!("query: {e} (kind, file_name)"),
        })?;
    let kind = DocumentKind::parse(&query.kind).ok_or_else(|| {
        ApiError::field(
            "kind",
            "must be one of invoice, agreement, letter, receipt, other",
        )
    })?;
    let upload = Upload {
        kind,
        file_name: query.file_name.unwrap_or_default(),
        bytes: body.0.to_vec(),
        uploaded_by: Uploader::Agency,
    };
    let (meta, _) =
        documents::attach(&ctx, &case.id, upload, AGENCY_TYPES, ctx.clock.now()).await?;
    Ok(about_case(
        HttpResponse::Created().json(DocumentView::from(&meta)),
        &case.id,
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/documents",
    tag = "documents",
    operation_id = "list_documents",
    summary = "The documents of a case, the agency's and the debtor's",
    params(("id" = String, Path, description = "The case id")),
    responses(
        (status = 200, description = "Every document of the case, oldest first", body = DocumentList),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn list_documents(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let case = own_case(&ctx, &tenant, &path).await?;
    Ok(HttpResponse::Ok().json(DocumentList {
        documents: case.documents.iter().map(DocumentView::from).collect(),
    }))
}

/// The bytes as a download: the type read from the content, never sniffed by the browser.
pub fn download(file_type: FileType, file_name: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, file_type.content_type()))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", ascii_name(file_name)),
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Cache-Control", "no-store"))
        .body(bytes)
}

/// The name with anything outside printable ASCII as `_` (the header's plain `filename`).
fn ascii_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/documents/{document_id}",
    tag = "documents",
    operation_id = "get_document",
    summary = "Download a document",
    params(
        ("id" = String, Path, description = "The case id"),
        ("document_id" = String, Path, description = "The document id (`doc_…`)"),
    ),
    responses(
        (status = 200, description = "The file, with its type and `Content-Disposition: attachment`", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found` / `document_not_found`", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn get_document(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (case_id, document_id) = path.into_inner();
    let case = own_case(&ctx, &tenant, &case_id).await?;
    let (meta, bytes) = documents::fetch(&ctx, &case, &document_id).await?;
    Ok(download(meta.file_type, &meta.file_name, bytes))
}

#[utoipa::path(
    delete,
    path = "/api/v1/cases/{id}/documents/{document_id}",
    tag = "documents",
    operation_id = "delete_document",
    summary = "Remove a document from the case and from object storage",
    params(
        ("id" = String, Path, description = "The case id"),
        ("document_id" = String, Path, description = "The document id (`doc_…`)"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found` / `document_not_found`", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn delete_document(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (case_id, document_id) = path.into_inner();
    let case = own_case(&ctx, &tenant, &case_id).await?;
    documents::remove(&ctx, &case.id, &document_id, ctx.clock.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}
