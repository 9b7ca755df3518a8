//! The agency JSON API (v1): one file per resource, behind a bearer API key per agency
//! (`Tenant`); the types it reads and writes are in `dto`, its errors in `errors`.

pub mod amount;
pub mod body;
pub mod cases;
pub mod conversation;
pub mod documents;
pub mod dto;
pub mod errors;
pub mod events;
pub mod idempotency;
pub mod journey;
pub mod journey_config;
pub mod mandates;
pub mod messages;
pub mod openapi;
pub mod payments;
pub mod reconciliations;
pub mod reviews;
pub mod setting_versions;

use futures::future::LocalBoxFuture;

use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::de::DeserializeOwned;

use self::errors::ApiError;
use crate::context::AppContext;
use crate::domain::ids::AgencyId;

/// Every API route. The resources with paths of their own come before the `/api/v1` scope,
/// which would otherwise take their paths; one resource per path, so a known path asked with
/// another method answers 405 with `Allow`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(reviews::routes)
        .configure(payments::routes)
        .configure(reconciliations::routes)
        .configure(events::routes)
        .configure(mandates::routes)
        .configure(journey_config::routes)
        .configure(setting_versions::routes)
        .configure(openapi::routes)
        .service(
            web::scope("/api/v1")
                .service(
                    web::resource("/cases")
                        .route(web::post().to(cases::upsert_case))
                        .route(web::get().to(cases::list_cases)),
                )
                .service(web::resource("/cases/{id}").route(web::get().to(cases::get_case)))
                .service(
                    web::resource("/cases/{id}/close").route(web::post().to(cases::close_case)),
                )
                .service(
                    web::resource("/cases/{id}/erase").route(web::post().to(cases::erase_case)),
                )
                .service(
                    web::resource("/cases/{id}/documents")
                        .route(web::post().to(documents::attach_document))
                        .route(web::get().to(documents::list_documents)),
                )
                .service(
                    web::resource("/cases/{id}/documents/{document_id}")
                        .route(web::get().to(documents::get_document))
                        .route(web::delete().to(documents::delete_document)),
                )
                .service(
                    web::resource("/cases/{id}/journey/pause")
                        .route(web::post().to(journey::pause_journey)),
                )
                .service(
                    web::resource("/cases/{id}/journey/resume")
                        .route(web::post().to(journey::resume_journey)),
                )
                .service(
                    web::resource("/cases/{id}/messages")
                        .route(web::post().to(messages::schedule_message))
                        .route(web::get().to(messages::list_messages)),
                )
                .service(
                    web::resource("/cases/{id}/conversation")
                        .route(web::post().to(conversation::answer_conversation))
                        .route(web::get().to(conversation::get_conversation)),
                )
                .service(
                    web::resource("/cases/{id}/messages/{message_id}/cancel")
                        .route(web::post().to(messages::cancel_message)),
                ),
        );
}

/// The agency whose API key came with the request.
#[derive(Clone)]
pub struct Tenant(pub AgencyId);

impl FromRequest for Tenant {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Tenant, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { tenant(&req).await })
    }
}

/// The agency of the request's `Authorization: Bearer` key, looked up by the key's SHA-256
/// (the key itself is never stored); a revoked key is refused like an unknown one.
pub(crate) async fn tenant(req: &HttpRequest) -> Result<Tenant, ApiError> {
    // Already looked up for this request (the Idempotency-Key middleware does it first).
    if let Some(known) = req.extensions().get::<Tenant>() {
        return Ok(known.clone());
    }
    let ctx = req
        .app_data::<web::Data<AppContext>>()
        .ok_or(ApiError::InvalidApiKey)?;
    let key = super::authorization::credentials(req, "Bearer").ok_or(ApiError::MissingApiKey)?;
    ctx.tenants
        .agency_for_key(&ctx.config, key)
        .await?
        .map(Tenant)
        .ok_or(ApiError::InvalidApiKey)
}

/// Numbers with a zero fraction (`12.0`) as whole numbers: JSON Schema's `integer` takes them,
/// so every integer field does too.
fn whole_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            // Exact: a whole float below 2^64 prints as its integer (`+ 0.0` drops the sign of -0).
            let whole = n
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 2f64.powi(64))
                .map(|f| format!("{:.0}", f + 0.0));
            if let Some(text) = whole {
                if let Ok(w) = text.parse::<i64>() {
                    *n = w.into();
                } else if let Ok(w) = text.parse::<u64>() {
                    *n = w.into();
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        serde_json::Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// The JSON of a body, or `invalid_json` naming where it breaks.
pub(crate) fn body_json(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    let mut value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| ApiError::InvalidJson {
            field: None,
            message: format!("body is not valid JSON: {e}"),
        })?;
    // Serde would also read a struct from an array of its fields (`[]` as `{}`).
    if !(value.is_object() || value.is_null()) {
        return Err(ApiError::InvalidJson {
            field: None,
            message: "body must be a JSON object".into(),
        });
    }
    whole_numbers(&mut value);
    Ok(value)
}

/// Parses a JSON body; type errors name the field path.
pub(crate) fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    parse_json(body_json(body)?)
}

/// Turns a body's JSON into `T`; type errors name the field path.
pub(crate) fn parse_json<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = (path != ".").then_some(path);
        let inner = e.into_inner();
        let message = match &field {
            Some(f) => format!("{f}: {inner}"),
            None => format!("body is not valid JSON for this request: {inner}"),
        };
        ApiError::InvalidJson { field, message }
    })
}

/// Parses a body that may be left out: an empty body and JSON `null` are both `T::default()`.
pub(crate) fn parse_optional_body<T: DeserializeOwned + Default>(
    body: &[u8],
) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    Ok(parse_body::<Option<T>>(body)?.unwrap_or_default())
}
