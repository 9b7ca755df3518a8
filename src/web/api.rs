//! The agency JSON API (v1): cases and messages, behind a bearer API key per agency.

use futures::future::LocalBoxFuture;

use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::api_body::ApiBody;
use super::api_error::{ApiError, Body as ErrorBody};
use super::idempotency::about_case;
use crate::app::AppContext;
use crate::cases::{self, CaseInput, Upserted};
use crate::domain::case::{CLOSE_REASON, Case, CaseStatus, ClaimLine, Debtor};
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef, MessageId};
use crate::domain::kid::Kid;
use crate::domain::message::{Channel, Message, MessageStatus, Recipient, Template};
use crate::domain::money::Money;
use crate::domain::text::agency_text;
use crate::store::StoreError;

/// One resource per path, so a known path asked with another method answers 405 with `Allow`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .service(
                web::resource("/cases")
                    .route(web::post().to(upsert_case))
                    .route(web::get().to(list_cases)),
            )
            .service(web::resource("/cases/{id}").route(web::get().to(get_case)))
            .service(web::resource("/cases/{id}/close").route(web::post().to(close_case)))
            .service(web::resource("/cases/{id}/erase").route(web::post().to(erase_case)))
            .service(
                web::resource("/cases/{id}/messages")
                    .route(web::post().to(schedule_message))
                    .route(web::get().to(list_messages)),
            )
            .service(
                web::resource("/cases/{id}/messages/{message_id}/cancel")
                    .route(web::post().to(cancel_message)),
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

/// A case as the agency API shows it.
#[derive(Serialize, ToSchema)]
#[schema(as = Case)]
pub(crate) struct CaseView<'a> {
    id: &'a CaseId,
    external_ref: &'a ExternalRef,
    creditor_id: &'a CreditorId,
    status: CaseStatus,
    debtor: &'a Debtor,
    claim: &'a [ClaimLine],
    /// The sum of the claim lines (payments are not subtracted).
    amount_due: Money,
    due_date: NaiveDate,
    /// The payment reference (KID) the debtor pays with.
    kid: &'a Kid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl<'a> From<&'a Case> for CaseView<'a> {
    fn from(c: &'a Case) -> CaseView<'a> {
        CaseView {
            id: &c.id,
            external_ref: &c.external_ref,
            creditor_id: &c.creditor_id,
            status: c.status,
            debtor: &c.debtor,
            claim: &c.claim,
            amount_due: c.amount_due(),
            due_date: c.due_date,
            kid: &c.kid,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/cases",
    tag = "cases",
    operation_id = "upsert_case",
    summary = "Create a case, or update the agency's case with the same external_ref",
    description = "An erased case stays erased: sending its external_ref again answers 409 `case_erased` and changes nothing.",
    request_body = CaseInput,
    responses(
        (status = 201, description = "Created", body = CaseView,
            headers(("Location" = String, description = "/api/v1/cases/{id} of the new case"))),
        (status = 200, description = "A case with this external_ref existed: updated (or unchanged)", body = CaseView),
        (status = 400, description = "`invalid_json`: malformed JSON, a wrong type or an unknown field", body = ErrorBody),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 409, description = "`conflict`: the case changed concurrently; retry. `case_erased`: the agency's case with this external_ref was erased, and stays erased (`field` is `external_ref`)", body = ErrorBody),
        (status = 422, description = "`invalid_field` / `unknown_creditor`: a value is wrong (`field` names it)", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn upsert_case(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    let input: CaseInput = parse_body(&body)?;
    Ok(match cases::upsert(&ctx, &tenant.0, input).await? {
        Upserted::Created(case) => about_case(
            HttpResponse::Created()
                .insert_header(("Location", format!("/api/v1/cases/{}", case.id)))
                .json(CaseView::from(&case)),
            &case.id,
        ),
        Upserted::Updated(case) | Upserted::Unchanged(case) => {
            about_case(HttpResponse::Ok().json(CaseView::from(&case)), &case.id)
        }
    })
}

/// The tenant's case, or not found — also when the case belongs to another agency.
async fn own_case(ctx: &AppContext, tenant: &Tenant, raw_id: &str) -> Result<Case, ApiError> {
    let id = CaseId::parse(raw_id).map_err(|_| ApiError::CaseNotFound)?;
    ctx.store
        .case(&id)
        .await?
        .filter(|c| c.agency_id == tenant.0)
        .ok_or(ApiError::CaseNotFound)
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}",
    tag = "cases",
    operation_id = "get_case",
    summary = "One of the agency's cases",
    params(("id" = String, Path, description = "The case id (`cs_…`)")),
    responses(
        (status = 200, description = "The case", body = CaseView),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found` (also another agency's case)", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn get_case(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let case = own_case(&ctx, &tenant, &path).await?;
    Ok(HttpResponse::Ok().json(CaseView::from(&case)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MessageInput {
    channel: Channel,
    /// RFC 3339 time, at most a year ahead; omitted, null or in the past means as soon as possible.
    send_at: Option<DateTime<Utc>>,
    #[serde(default = "default_template")]
    #[schema(default = "reminder")]
    template: Template,
}

fn default_template() -> Template {
    Template::Reminder
}

/// A message as the agency API shows it; the address is masked.
#[derive(Serialize, ToSchema)]
#[schema(as = Message)]
pub(crate) struct MessageView<'a> {
    #[schema(example = "msg_4f0c…")]
    id: &'a str,
    case_id: &'a CaseId,
    channel: Channel,
    /// The recipient, masked, e.g. `+47 ••• •• 567`.
    to: String,
    template: Template,
    /// Not sent before this time.
    not_before: DateTime<Utc>,
    status: MessageStatus,
    attempts: u32,
    last_error: Option<&'a str>,
    provider_id: Option<&'a str>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl<'a> From<&'a Message> for MessageView<'a> {
    fn from(m: &'a Message) -> MessageView<'a> {
        MessageView {
            id: m.id.as_str(),
            case_id: &m.case_id,
            channel: m.recipient.channel(),
            to: m.recipient.masked(),
            template: m.template,
            not_before: m.not_before,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error.as_deref(),
            provider_id: m.provider_id.as_deref(),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/messages",
    tag = "messages",
    operation_id = "schedule_message",
    summary = "Schedule a message (a reminder by default) to the debtor",
    params(("id" = String, Path, description = "The case id")),
    request_body = MessageInput,
    responses(
        (status = 202, description = "Queued", body = MessageView),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_field` (`send_at`, or the case is not open) / `no_recipient` / `no_payment`, `not_paid`, `no_deferral`, `no_plan`, `no_answer`, `not_closed` (the template confirms what the case does not show: a payment, payment in full, a deferral, a plan, an answer to a declined request, a closed case)", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn schedule_message(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    let case = own_case(&ctx, &tenant, &path).await?;
    let input: MessageInput = parse_body(&body)?;
    let now = Utc::now();
    let not_before = input.send_at.map_or(now, |t| t.max(now));
    if not_before > now + chrono::Duration::days(366) {
        return Err(ApiError::field("send_at", "must be within a year"));
    }
    let recipient = match input.channel {
        Channel::Sms => Recipient::Sms(
            case.debtor
                .phone
                .clone()
                .ok_or(ApiError::NoRecipient("phone number"))?,
        ),
        Channel::Email => Recipient::Email(
            case.debtor
                .email
                .clone()
                .ok_or(ApiError::NoRecipient("e-mail address"))?,
        ),
    };
    if !case.status.is_active() {
        return Err(ApiError::field(
            "case",
            "is not open; nothing is sent on paid or closed cases",
        ));
    }
    input
        .template
        .is_founded_on(&case)
        .map_err(ApiError::UnfoundedReceipt)?;
    let message = Message::schedule(
        case.id.clone(),
        tenant.0.clone(),
        recipient,
        input.template,
        not_before,
        now,
    );
    ctx.store.schedule_message(&message).await?;
    tracing::info!(message_id = %message.id, case = %case.id, to = %message.recipient.masked(), "message scheduled");
    Ok(about_case(
        HttpResponse::Accepted().json(MessageView::from(&message)),
        &case.id,
    ))
}

/// The messages of a case.
#[derive(Serialize, ToSchema)]
pub(crate) struct MessageList<'a> {
    messages: Vec<MessageView<'a>>,
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/messages",
    tag = "messages",
    operation_id = "list_messages",
    summary = "The messages of a case",
    params(("id" = String, Path, description = "The case id")),
    responses(
        (status = 200, description = "Every message of the case", body = MessageList),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn list_messages(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let case = own_case(&ctx, &tenant, &path).await?;
    let messages = ctx.store.case_messages(&case.id).await?;
    Ok(HttpResponse::Ok().json(MessageList {
        messages: messages.iter().map(MessageView::from).collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct CaseListQuery {
    status: Option<CaseStatus>,
    #[param(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    creditor_id: Option<String>,
    /// RFC 3339: only cases changed at or after this time.
    updated_since: Option<DateTime<Utc>>,
    /// From `next_cursor` of the previous page.
    #[param(pattern = "^\\+?0*[0-9]{1,12}$")]
    cursor: Option<String>,
    /// Cases per page, 50 if left out.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<usize>,
}

/// A page of cases.
#[derive(Serialize, ToSchema)]
pub(crate) struct CaseList<'a> {
    cases: Vec<CaseView<'a>>,
    /// Where the next page starts; null when there are no more cases. A page may hold fewer
    /// than `limit` cases and still have a cursor: keep going until it is null.
    next_cursor: Option<String>,
}

/// Cases looked at per page at most: a page with filters may hold fewer than `limit` cases and
/// still have a `next_cursor` (keep going until it is null).
const LIST_SCAN: usize = 1000;

/// The largest cursor accepted (12 digits, as the documented pattern); far beyond any agency's
/// number of cases.
const MAX_CURSOR: usize = 999_999_999_999;

#[utoipa::path(
    get,
    path = "/api/v1/cases",
    tag = "cases",
    operation_id = "list_cases",
    summary = "The agency's cases, oldest first, a page at a time",
    params(CaseListQuery),
    responses(
        (status = 200, description = "A page of cases", body = CaseList),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 422, description = "`invalid_field`: a query parameter is wrong", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn list_cases(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query: CaseListQuery =
        serde_urlencoded::from_str(req.query_string()).map_err(|e| ApiError::InvalidField {
            field: "query".into(),
            message: format!("query: {e} (status, creditor_id, updated_since, cursor, limit)"),
        })?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 200"));
    }
    let start = match &query.cursor {
        None => 0,
        Some(c) => c
            .parse::<usize>()
            .ok()
            // A position past any real list: it would overflow the store's arithmetic.
            .filter(|&n| n <= MAX_CURSOR)
            .ok_or_else(|| {
                ApiError::field("cursor", "must be a next_cursor from an earlier page")
            })?,
    };
    let creditor = query
        .creditor_id
        .as_deref()
        .map(|c| match c.trim() == c {
            true => CreditorId::parse(c).map_err(|e| e.to_string()),
            false => Err("must not start or end with spaces".to_owned()),
        })
        .transpose()
        .map_err(|e| ApiError::field("creditor_id", e))?;
    let mut matching = Vec::new();
    let mut position = start;
    let mut exhausted = false;
    while matching.len() < limit && position < start + LIST_SCAN {
        let chunk = ctx.store.agency_cases(&tenant.0, position, 100).await?;
        if chunk.is_empty() {
            exhausted = true;
            break;
        }
        for case in chunk {
            position += 1;
            let wanted = query.status.is_none_or(|s| case.status == s)
                && creditor.as_ref().is_none_or(|c| &case.creditor_id == c)
                && query.updated_since.is_none_or(|t| case.updated_at >= t);
            if wanted {
                matching.push(case);
                if matching.len() == limit {
                    break;
                }
            }
        }
    }
    if !exhausted {
        exhausted = ctx
            .store
            .agency_cases(&tenant.0, position, 1)
            .await?
            .is_empty();
    }
    Ok(HttpResponse::Ok().json(CaseList {
        cases: matching.iter().map(CaseView::from).collect(),
        next_cursor: (!exhausted).then(|| position.to_string()),
    }))
}

/// An empty body (or `null`) is the same as `{}`.
#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CloseInput {
    /// Why the case is closed, for the record.
    #[serde(default)]
    #[schema(max_length = 500)]
    reason: String,
}

/// Applies `change` to the tenant's case and stores it with its event, retrying on a concurrent
/// change; `false` from `change` means there is nothing to do.
async fn change_case(
    ctx: &AppContext,
    tenant: &Tenant,
    raw_id: &str,
    kind: EventKind,
    change: impl Fn(&mut Case) -> bool,
) -> Result<(Case, bool), ApiError> {
    for _ in 0..5 {
        let mut case = own_case(ctx, tenant, raw_id).await?;
        if !change(&mut case) {
            return Ok((case, false));
        }
        let event = Event::new(
            case.agency_id.clone(),
            Some(case.id.clone()),
            kind,
            serde_json::json!({"case_id": case.id, "status": case.status}),
            case.updated_at,
        );
        match ctx.store.update_case_with_events(&case, &[event]).await {
            Ok(saved) => return Ok((saved, true)),
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Conflict)
}

/// Stops everything that could still reach the debtor: links and queued messages.
async fn stop_contact(ctx: &AppContext, case: &Case) -> Result<(), ApiError> {
    ctx.store.revoke_links(&case.id).await?;
    for message in ctx.store.case_messages(&case.id).await? {
        if message.status == MessageStatus::Scheduled {
            ctx.store.cancel_queued_message(&message.id).await?;
        }
    }
    Ok(())
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/close",
    tag = "cases",
    operation_id = "close_case",
    summary = "Close a case: its links stop working and queued messages are cancelled",
    description = "Closing a closed case again answers 200 and finishes anything left undone.",
    params(("id" = String, Path, description = "The case id")),
    request_body(content = Option<CloseInput>, description = "Optional; an empty body or `null` is `{}`"),
    responses(
        (status = 200, description = "Closed", body = CaseView),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 409, description = "`conflict`: the case changed concurrently; retry", body = ErrorBody),
        (status = 422, description = "`invalid_field`: `reason` is too long", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn close_case(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    let input: CloseInput = parse_optional_body(&body)?;
    let reason =
        agency_text(&input.reason, CLOSE_REASON).map_err(|e| ApiError::field("reason", e))?;
    let now = Utc::now();
    let (case, _) = change_case(&ctx, &tenant, &path, EventKind::CaseClosed, |case| {
        case.close(&reason, now)
    })
    .await?;
    // Also when it was closed already: a retry after a failure part-way finishes the job.
    stop_contact(&ctx, &case).await?;
    tracing::info!(case = %case.id, agency = %tenant.0, "case closed");
    Ok(about_case(
        HttpResponse::Ok().json(CaseView::from(&case)),
        &case.id,
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/erase",
    tag = "cases",
    operation_id = "erase_case",
    summary = "Erase the debtor's personal data (GDPR); the case is closed",
    description = "Any request body is ignored. Erasing an erased case again answers 200. The name, contact data, identity facts and every free text go from the case, its messages and links, its events (redacted in place: the pull API and webhook replays serve the redacted payload) and from saved Idempotency-Key answers about it; amounts, dates, payments and ids stay for the books. The case stays erased: sending its external_ref again answers 409 `case_erased`.",
    params(("id" = String, Path, description = "The case id")),
    responses(
        (status = 200, description = "Erased", body = CaseView),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 409, description = "`conflict`: the case changed concurrently; retry", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn erase_case(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let own = own_case(&ctx, &tenant, &path).await?;
    let (case, _) = crate::erasure::erase(&ctx, &own.id, Utc::now()).await?;
    Ok(about_case(
        HttpResponse::Ok().json(CaseView::from(&case)),
        &case.id,
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/messages/{message_id}/cancel",
    tag = "messages",
    operation_id = "cancel_message",
    summary = "Cancel a message still waiting in the queue",
    description = "Any request body is ignored. Cancelling a cancelled message again answers 200.",
    params(
        ("id" = String, Path, description = "The case id"),
        ("message_id" = String, Path, description = "The message id (`msg_…`)"),
    ),
    responses(
        (status = 200, description = "Cancelled", body = MessageView),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found` / `message_not_found`", body = ErrorBody),
        (status = 409, description = "`not_cancellable`: the message is already being sent or was sent", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn cancel_message(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (case_id, message_id) = path.into_inner();
    let case = own_case(&ctx, &tenant, &case_id).await?;
    let id = MessageId::parse(&message_id).map_err(|_| ApiError::MessageNotFound)?;
    let message = ctx
        .store
        .message(&id)
        .await?
        .filter(|m| m.case_id == case.id)
        .ok_or(ApiError::MessageNotFound)?;
    if message.status == MessageStatus::Cancelled {
        return Ok(about_case(
            HttpResponse::Ok().json(MessageView::from(&message)),
            &case.id,
        ));
    }
    let Some(cancelled) = ctx.store.cancel_queued_message(&id).await? else {
        return Err(ApiError::NotCancellable(message.status));
    };
    let event = Event::new(
        case.agency_id.clone(),
        Some(case.id.clone()),
        EventKind::MessageCancelled,
        serde_json::json!({"case_id": case.id, "message_id": cancelled.id}),
        cancelled.updated_at,
    );
    ctx.store.append_events(&[event]).await?;
    Ok(about_case(
        HttpResponse::Ok().json(MessageView::from(&cancelled)),
        &case.id,
    ))
}
