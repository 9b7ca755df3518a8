//! `/api/v1/creditors/{id}/mandate/versions` and `/journey/versions`: the versions of a
//! creditor's mandate and journey (who, when, what), one of them, and restoring one.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};

use super::Tenant;
use super::errors::{ApiError, Body as ErrorBody};
use super::mandates::own_creditor;
use crate::context::AppContext;
use crate::domain::journey::Journey;
use crate::domain::mandate::Mandate;
use crate::domain::setting_history::{ChangedBy, Version};
use crate::service::setting_versions::{self, Changer};
use crate::service::{journey_config, mandates};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/creditors/{creditor_id}/mandate/versions")
            .route(web::get().to(mandate_versions)),
    )
    .service(
        web::resource("/api/v1/creditors/{creditor_id}/mandate/versions/{number}")
            .route(web::get().to(mandate_version)),
    )
    .service(
        web::resource("/api/v1/creditors/{creditor_id}/mandate/versions/{number}/restore")
            .route(web::post().to(restore_mandate)),
    )
    .service(
        web::resource("/api/v1/creditors/{creditor_id}/journey/versions")
            .route(web::get().to(journey_versions)),
    )
    .service(
        web::resource("/api/v1/creditors/{creditor_id}/journey/versions/{number}")
            .route(web::get().to(journey_version)),
    )
    .service(
        web::resource("/api/v1/creditors/{creditor_id}/journey/versions/{number}/restore")
            .route(web::post().to(restore_journey)),
    );
}

/// The agency asking, with the public id of its key (what the version records).
pub(super) fn agency_changer(req: &HttpRequest, tenant: &Tenant) -> Changer {
    let key_id = crate::http::authorization::credentials(req, "Bearer")
        .map(|key| crate::tenants::key_id(&crate::config::api_key_hash(key)));
    Changer::Agency {
        agency: tenant.0.clone(),
        key_id,
    }
}

/// One version, without its content.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct VersionSummary {
    pub number: u32,
    pub by: ChangedBy,
    /// When it was made; `null` for the configuration's version (1).
    pub at: Option<DateTime<Utc>>,
    /// Whether it is the one in force (the last).
    pub in_force: bool,
}

/// Every version, oldest first; the last is in force.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct VersionList {
    pub versions: Vec<VersionSummary>,
}

/// One version of a mandate, with what it said.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MandateVersion {
    pub number: u32,
    pub by: ChangedBy,
    pub at: Option<DateTime<Utc>>,
    pub mandate: Mandate,
}

/// One version of a journey, with what it said.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct JourneyVersion {
    pub number: u32,
    pub by: ChangedBy,
    pub at: Option<DateTime<Utc>>,
    pub journey: Journey,
}

fn list<T>(versions: &[Version<T>]) -> VersionList {
    let last = versions.last().map(|v| v.number);
    VersionList {
        versions: versions
            .iter()
            .map(|v| VersionSummary {
                number: v.number,
                by: v.by.clone(),
                at: v.at,
                in_force: Some(v.number) == last,
            })
            .collect(),
    }
}

fn number(raw: &str) -> Result<u32, ApiError> {
    raw.parse().map_err(|_| ApiError::VersionNotFound)
}

#[utoipa::path(
    get,
    path = "/api/v1/creditors/{creditor_id}/mandate/versions",
    tag = "creditors",
    operation_id = "list_mandate_versions",
    summary = "Every version of a creditor's mandate: who made it and when",
    description = "Oldest first; the last is in force. Version 1 is the creditor's \
        configuration file (`by.kind` `configuration`, `at` null); each change through this \
        API (`agency`, with the key's public id) or the console (`staff`) adds one.",
    params(("creditor_id" = String, Path, description = "The creditor id, e.g. `nordlys-energi`")),
    responses(
        (status = 200, description = "The versions", body = VersionList),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`creditor_not_found`", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn mandate_versions(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let creditor = own_creditor(&ctx, &tenant, &path).await?;
    let versions = setting_versions::versions::<Mandate>(&ctx, &creditor.id).await?;
    Ok(HttpResponse::Ok().json(list(&versions)))
}

#[utoipa::path(
    get,
    path = "/api/v1/creditors/{creditor_id}/mandate/versions/{number}",
    tag = "creditors",
    operation_id = "get_mandate_version",
    summary = "One version of a creditor's mandate, with what it said",
    params(
        ("creditor_id" = String, Path, description = "The creditor id, e.g. `nordlys-energi`"),
        ("number" = u32, Path, description = "The version's number, from 1"),
    ),
    responses(
        (status = 200, description = "The version", body = MandateVersion),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`creditor_not_found` / `version_not_found`", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn mandate_version(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let creditor = own_creditor(&ctx, &tenant, &path.0).await?;
    let v = setting_versions::version::<Mandate>(&ctx, &creditor.id, number(&path.1)?)
        .await?
        .ok_or(ApiError::VersionNotFound)?;
    Ok(HttpResponse::Ok().json(MandateVersion {
        number: v.number,
        by: v.by,
        at: v.at,
        mandate: v.content,
    }))
}

#[utoipa::path(
    post,
    path = "/api/v1/creditors/{creditor_id}/mandate/versions/{number}/restore",
    tag = "creditors",
    operation_id = "restore_mandate_version",
    summary = "Put an earlier version of a creditor's mandate back in force",
    description = "Judged like `PUT …/mandate`: the creditor's `changes_by` must name this \
        agency, and the version must pass the law as it stands today. It becomes a new \
        version (the history is never rewritten); the answer is that new version.",
    params(
        ("creditor_id" = String, Path, description = "The creditor id, e.g. `nordlys-energi`"),
        ("number" = u32, Path, description = "The version to restore"),
    ),
    responses(
        (status = 200, description = "Restored: the new version now in force", body = MandateVersion),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 403, description = "`change_not_allowed`: the creditor's `changes_by` does not name this agency", body = ErrorBody),
        (status = 404, description = "`creditor_not_found` / `version_not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_field`: the version breaks today's law; `issues` lists every problem", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn restore_mandate(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    tenant: Tenant,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let creditor = own_creditor(&ctx, &tenant, &path.0).await?;
    let who = agency_changer(&req, &tenant);
    let now = ctx.clock.now();
    let (new, mandate) = mandates::restore(&ctx, &who, &creditor, number(&path.1)?, now).await?;
    Ok(HttpResponse::Ok().json(MandateVersion {
        number: new,
        by: who.changed_by(),
        at: Some(now),
        mandate,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/creditors/{creditor_id}/journey/versions",
    tag = "creditors",
    operation_id = "list_journey_versions",
    summary = "Every version of a creditor's journey: who made it and when",
    description = "As for the mandate: oldest first, the last in force, version 1 from the \
        configuration file.",
    params(("creditor_id" = String, Path, description = "The creditor id, e.g. `nordlys-energi`")),
    responses(
        (status = 200, description = "The versions", body = VersionList),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`creditor_not_found`", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn journey_versions(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let creditor = own_creditor(&ctx, &tenant, &path).await?;
    let versions = setting_versions::versions::<Journey>(&ctx, &creditor.id).await?;
    Ok(HttpResponse::Ok().json(list(&versions)))
}

#[utoipa::path(
    get,
    path = "/api/v1/creditors/{creditor_id}/journey/versions/{number}",
    tag = "creditors",
    operation_id = "get_journey_version",
    summary = "One version of a creditor's journey, with what it said",
    params(
        ("creditor_id" = String, Path, description = "The creditor id, e.g. `nordlys-energi`"),
        ("number" = u32, Path, description = "The version's number, from 1"),
    ),
    responses(
        (status = 200, description = "The version", body = JourneyVersion),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`creditor_not_found` / `version_not_found`", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn journey_version(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let creditor = own_creditor(&ctx, &tenant, &path.0).await?;
    let v = setting_versions::version::<Journey>(&ctx, &creditor.id, number(&path.1)?)
        .await?
        .ok_or(ApiError::VersionNotFound)?;
    Ok(HttpResponse::Ok().json(JourneyVersion {
        number: v.number,
        by: v.by,
        at: v.at,
        journey: v.content,
    }))
}

#[utoipa::path(
    post,
    path = "/api/v1/creditors/{creditor_id}/journey/versions/{number}/restore",
    tag = "creditors",
    operation_id = "restore_journey_version",
    summary = "Put an earlier version of a creditor's journey back in force",
    description = "Judged like `PUT …/journey` (who may, and every check `check-config` \
        makes); it becomes a new version, which the answer is.",
    params(
        ("creditor_id" = String, Path, description = "The creditor id, e.g. `nordlys-energi`"),
        ("number" = u32, Path, description = "The version to restore"),
    ),
    responses(
        (status = 200, description = "Restored: the new version now in force", body = JourneyVersion),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 403, description = "`change_not_allowed`: the creditor's `changes_by` does not name this agency", body = ErrorBody),
        (status = 404, description = "`creditor_not_found` / `version_not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_field`: the version fails a check today; `issues` lists every problem", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn restore_journey(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    tenant: Tenant,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let creditor = own_creditor(&ctx, &tenant, &path.0).await?;
    let who = agency_changer(&req, &tenant);
    let now = ctx.clock.now();
    let (new, journey) =
        journey_config::restore(&ctx, &who, &creditor, number(&path.1)?, now).await?;
    Ok(HttpResponse::Ok().json(JourneyVersion {
        number: new,
        by: who.changed_by(),
        at: Some(now),
        journey,
    }))
}
