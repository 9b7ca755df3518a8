//! The events pull API: an agency reads its own events in order from a cursor, so one that
//! missed webhooks can catch up by itself.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::api::Tenant;
use super::api_error::ApiError;
use crate::app::AppContext;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/events", web::get().to(list));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Query {
    /// The `next_cursor` of the previous page; leave out to start from the first event.
    after: Option<String>,
    limit: Option<usize>,
}

async fn list(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    query: web::Query<Query>,
) -> Result<HttpResponse, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 1000"));
    }
    let after = query
        .after
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    let well_formed = |a: &str| {
        let mut parts = a.splitn(2, '-');
        let digits = |p: Option<&str>| {
            p.is_some_and(|p| {
                !p.is_empty() && p.len() <= 20 && p.bytes().all(|b| b.is_ascii_digit())
            })
        };
        let first = digits(parts.next());
        first && parts.next().is_none_or(|p| digits(Some(p)))
    };
    if after.is_some_and(|a| !well_formed(a)) {
        return Err(ApiError::field(
            "after",
            "is not a cursor this API gave out",
        ));
    }
    let page = ctx
        .store
        .events_after(&tenant.0, after, limit)
        .await
        .map_err(|e| match e {
            crate::store::StoreError::Corrupt(_) => {
                ApiError::field("after", "is not a cursor this API gave out")
            }
            other => other.into(),
        })?;
    let next_cursor = page
        .last()
        .map(|(cursor, _)| cursor.clone())
        .or_else(|| after.map(str::to_owned));
    let events: Vec<serde_json::Value> = page
        .into_iter()
        .map(|(cursor, event)| {
            serde_json::json!({
                "cursor": cursor,
                "id": event.id,
                "type": event.kind,
                "timestamp": event.occurred_at,
                "case_id": event.case_id,
                "data": event.data,
            })
        })
        .collect();
    Ok(
        HttpResponse::Ok()
            .json(serde_json::json!({ "events": events, "next_cursor": next_cursor })),
    )
}
