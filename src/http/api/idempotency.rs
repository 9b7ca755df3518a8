//! `Idempotency-Key` on every POST and PUT of the agency API: a retry with the same key and body gets
//! the saved response instead of doing the work again; the same key with another body is 422.
//!
//! A saved response may repeat a debtor's personal data (a case as the API shows it), so a
//! handler whose answer is about a case says so ([`about_case`]): the store keeps such answers
//! listed per case and erasure forgets them.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use sha2::{Digest, Sha256};

use super::body;
use super::errors::ApiError;
use super::tenant;
use crate::context::AppContext;
use crate::domain::ids::CaseId;
use crate::links::random_base62;
use crate::store::{IdempotencyBegin, SavedResponse};

pub const HEADER: &str = "Idempotency-Key";
pub const REPLAYED: &str = "Idempotent-Replayed";
pub const MAX_KEY_LEN: usize = 255;

/// Which case a response is about, left in its extensions by the handler.
#[derive(Clone)]
struct AnswerAbout(CaseId);

/// Marks `response` as being about `case`, so a saved copy goes when the case is erased.
pub fn about_case(mut response: HttpResponse, case: &CaseId) -> HttpResponse {
    response.extensions_mut().insert(AnswerAbout(case.clone()));
    response
}

/// A key as sent: 1–255 visible ASCII characters (a UUID is the usual choice).
fn parse_key(raw: &HeaderValue) -> Result<&str, ApiError> {
    let key = raw.to_str().unwrap_or_default();
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::InvalidHeader {
            field: HEADER,
            message: "must be 1 to 255 visible ASCII characters, e.g. a UUID",
        });
    }
    Ok(key)
}

/// What makes two requests "the same": method, path, query and the exact body bytes.
fn fingerprint(req: &ServiceRequest, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    for part in [
        req.method().as_str().as_bytes(),
        req.path().as_bytes(),
        req.query_string().as_bytes(),
    ] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.update(body);
    hex::encode(hash.finalize())
}

/// Only final answers are kept: a 409 (conflict, key in flight), 429 or 5xx invites a retry,
/// so the key is let go and the retry runs for real.
fn worth_saving(status: StatusCode) -> bool {
    (status.is_success() || status.is_client_error())
        && status != StatusCode::CONFLICT
        && status != StatusCode::TOO_MANY_REQUESTS
}

fn replay(saved: SavedResponse) -> HttpResponse {
    let status = StatusCode::from_u16(saved.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    for (name, value) in saved.headers {
        response.append_header((name, value));
    }
    response
        .content_type(saved.content_type)
        .insert_header((REPLAYED, "true"))
        .body(saved.body)
}

/// The middleware (`actix_web::middleware::from_fn`).
pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = match req.headers().get(HEADER) {
        Some(raw)
            if matches!(*req.method(), Method::POST | Method::PUT)
                && req.path().starts_with("/api/v1/") =>
        {
            match parse_key(raw) {
                Ok(key) => key.to_owned(),
                Err(e) => return Ok(req.into_response(e.error_response())),
            }
        }
        _ => {
            return next
                .call(req)
                .await
                .map(ServiceResponse::map_into_boxed_body);
        }
    };
    // Keys belong to an agency; without a valid API key the handler answers 401 as usual.
    let Ok(agency) = tenant(req.request()).await else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let Some(ctx) = req.app_data::<web::Data<AppContext>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let scope = agency.0.as_str().to_owned();
    // The handler's `Tenant` takes it from here instead of looking the key up again.
    req.extensions_mut().insert(agency);
    // Read under the API's own limit for the path, so an oversized body is the API's 413 here too.
    let limit = body::limit_for(&ctx, req.path());
    let payload = req.take_payload();
    let body = match body::read(req.headers(), payload, limit).await {
        Ok(body) => body,
        Err(e) => return Ok(req.into_response(e.error_response())),
    };
    let fingerprint = fingerprint(&req, &body);
    req.set_payload(Payload::from(body));

    let store = &ctx.store;
    // This request's hold on the key: only it may save or release the key later.
    let claim = random_base62(24);
    let begun = match store
        .idempotency_begin(&scope, &key, &fingerprint, &claim)
        .await
    {
        Ok(begun) => begun,
        Err(e) => return Ok(req.into_response(ApiError::from(e).error_response())),
    };
    match begun {
        IdempotencyBegin::Replay(saved) => return Ok(req.into_response(replay(saved))),
        IdempotencyBegin::Mismatch => {
            return Ok(req.into_response(ApiError::IdempotencyKeyReused.error_response()));
        }
        IdempotencyBegin::InFlight => {
            return Ok(req.into_response(ApiError::IdempotencyKeyInFlight.error_response()));
        }
        IdempotencyBegin::Started => {}
    }

    let response = match next.call(req).await {
        Ok(response) => response,
        Err(e) => {
            abandon(&ctx, &scope, &key, &claim).await;
            return Err(e);
        }
    };
    let status = response.status();
    let about = response
        .response()
        .extensions()
        .get::<AnswerAbout>()
        .map(|a| a.0.clone());
    if !worth_saving(status) {
        abandon(&ctx, &scope, &key, &claim).await;
        return Ok(response.map_into_boxed_body());
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    // The handler's own headers (this middleware runs inside the one adding security headers).
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| *name != CONTENT_TYPE && *name != CONTENT_LENGTH)
        .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_owned())))
        .collect();
    let (req, res) = response.into_parts();
    let (head, body) = res.into_parts();
    let bytes = match actix_web::body::to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(_) => {
            abandon(&ctx, &scope, &key, &claim).await;
            drop(req);
            return Err(actix_web::error::ErrorInternalServerError(
                "the response could not be read",
            ));
        }
    };
    match String::from_utf8(bytes.to_vec()) {
        Ok(text) => {
            let saved = SavedResponse {
                status: status.as_u16(),
                content_type,
                body: text,
                headers,
            };
            if let Err(e) = store
                .idempotency_finish(&scope, &key, &claim, &saved, about.as_ref())
                .await
            {
                // The work is done; only the replay is lost. A retry within a minute sees the
                // key in flight, later it runs again: say so in the log.
                tracing::warn!(error = %e, "could not save a response for its Idempotency-Key");
            }
        }
        Err(_) => abandon(&ctx, &scope, &key, &claim).await,
    }
    Ok(ServiceResponse::new(
        req,
        head.set_body(BoxBody::new(bytes)),
    ))
}

async fn abandon(ctx: &AppContext, scope: &str, key: &str, claim: &str) {
    if let Err(e) = ctx.store.idempotency_abandon(scope, key, claim).await {
        tracing::warn!(error = %e, "could not release an Idempotency-Key; it lapses in a minute");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_visible_ascii() {
        let ok = HeaderValue::from_static("7b3f1c2e-4d5a-4b6c-8d9e-0f1a2b3c4d5e");
        assert!(parse_key(&ok).is_ok());
        assert!(parse_key(&HeaderValue::from_static("")).is_err());
        assert!(parse_key(&HeaderValue::from_static("two words")).is_err());
        let long = HeaderValue::from_str(&"k".repeat(256)).expect("header");
        assert!(parse_key(&long).is_err());
        let longest = HeaderValue::from_str(&"k".repeat(255)).expect("header");
        assert!(parse_key(&longest).is_ok());
    }

    #[test]
    fn only_final_answers_are_saved() {
        assert!(worth_saving(StatusCode::CREATED));
        assert!(worth_saving(StatusCode::UNPROCESSABLE_ENTITY));
        assert!(!worth_saving(StatusCode::CONFLICT));
        assert!(!worth_saving(StatusCode::TOO_MANY_REQUESTS));
        assert!(!worth_saving(StatusCode::SERVICE_UNAVAILABLE));
    }
}
