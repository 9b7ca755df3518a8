//! Request bodies of the agency API: read up to a limit (256 KiB; the bank-file upload has its
//! own, larger setting) and refused past it with 413 `payload_too_large` in the API's JSON error,
//! whether the handler or the Idempotency-Key middleware reads the body first.

use std::ops::Deref;

use actix_web::dev::{Decompress, Payload};
use actix_web::http::header::{CONTENT_LENGTH, HeaderMap};
use actix_web::web::{Bytes, BytesMut, Data};
use actix_web::{FromRequest, HttpRequest};
use futures::StreamExt;
use futures::future::LocalBoxFuture;

use super::errors::ApiError;
use crate::context::AppContext;

/// What every API request body may hold, as the debtor pages' `PayloadConfig`.
pub const DEFAULT_LIMIT: usize = 256 * 1024;

/// The path whose body is a bank file, read up to `server.max_bank_file_mb`.
pub const BANK_FILE_PATH: &str = "/api/v1/reconciliations";

/// The most bytes the API reads for a request to `path`.
pub fn limit_for(ctx: &AppContext, path: &str) -> usize {
    if path == BANK_FILE_PATH {
        ctx.config.settings.server.max_bank_file_bytes()
    } else if is_document_upload(path) {
        crate::domain::document::MAX_DOCUMENT_BYTES
    } else {
        DEFAULT_LIMIT
    }
}

/// `/api/v1/cases/{id}/documents`, whose body is a file of up to 10 MiB.
pub fn is_document_upload(path: &str) -> bool {
    path.strip_prefix("/api/v1/cases/")
        .and_then(|rest| rest.strip_suffix("/documents"))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// Reads the (decompressed) body to its end, refusing it as soon as it grows past `limit` bytes,
/// or before reading when its `Content-Length` already says so.
pub async fn read(headers: &HeaderMap, payload: Payload, limit: usize) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut stream = Decompress::from_headers(payload, headers);
    let mut body = BytesMut::with_capacity(declared.unwrap_or(8 * 1024).min(limit));
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::UnreadableBody(e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The whole body of an API request, read under [`limit_for`] its path.
pub struct ApiBody(pub Bytes);

impl Deref for ApiBody {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl FromRequest for ApiBody {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<ApiBody, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<Data<AppContext>>()
            .map_or(DEFAULT_LIMIT, |ctx| limit_for(ctx, req.path()));
        let headers = req.headers().clone();
        let payload = payload.take();
        Box::pin(async move { read(&headers, payload, limit).await.map(ApiBody) })
    }
}
