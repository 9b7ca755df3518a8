//! The agency JSON API (v1): cases and messages, behind a bearer API key per agency.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::api_error::ApiError;
use crate::app::AppContext;
use crate::config::api_key_hash;
use crate::domain::case::{Case, CaseStatus, CaseTerms, ClaimKind, ClaimLine, Debtor};
use crate::domain::contact::{EmailAddress, PhoneNumber};
use crate::domain::creditor::Creditor;
use crate::domain::identity::{IdentityFacts, Postcode};
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef};
use crate::domain::kid::Kid;
use crate::domain::locale::Locale;
use crate::domain::message::{Channel, Message, MessageStatus, Recipient, Template};
use crate::domain::money::Money;
use crate::store::{CaseInsert, StoreError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .route("/cases", web::post().to(upsert_case))
            .route("/cases/{id}", web::get().to(get_case))
            .route("/cases/{id}/messages", web::post().to(schedule_message))
            .route("/cases/{id}/messages", web::get().to(list_messages)),
    );
}

/// The agency whose API key came with the request.
pub struct Tenant(pub AgencyId);

impl FromRequest for Tenant {
    type Error = ApiError;
    type Future = Ready<Result<Tenant, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(tenant(req))
    }
}

fn tenant(req: &HttpRequest) -> Result<Tenant, ApiError> {
    let ctx = req
        .app_data::<web::Data<AppContext>>()
        .ok_or(ApiError::InvalidApiKey)?;
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(ApiError::MissingApiKey)?;
    let key = header
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or(ApiError::MissingApiKey)?;
    // Keys are looked up by their SHA-256: the key itself is never stored or compared.
    ctx.config
        .api_keys
        .get(&api_key_hash(key))
        .map(|agency| Tenant(agency.clone()))
        .ok_or(ApiError::InvalidApiKey)
}

/// Parses a JSON body; type errors name the field path.
pub(crate) fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseInput {
    external_ref: String,
    creditor_id: String,
    debtor: DebtorInput,
    claim: Vec<ClaimLineInput>,
    due_date: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DebtorInput {
    name: String,
    phone: Option<String>,
    email: Option<String>,
    locale: Option<String>,
    /// Facts for the identity step-up some mandates require; never shown to anyone.
    postcode: Option<String>,
    birth_date: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimLineInput {
    kind: ClaimKind,
    #[serde(default)]
    description: String,
    /// A decimal string ("1250.50") or a JSON number.
    amount: serde_json::Value,
}

#[derive(Serialize)]
struct CaseView<'a> {
    id: &'a CaseId,
    external_ref: &'a ExternalRef,
    creditor_id: &'a CreditorId,
    status: CaseStatus,
    debtor: &'a Debtor,
    claim: &'a [ClaimLine],
    amount_due: Money,
    due_date: NaiveDate,
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

/// Turns the raw input into validated case terms for one of the agency's creditors.
fn parse_case<'a>(
    ctx: &'a AppContext,
    agency: &AgencyId,
    input: CaseInput,
) -> Result<(ExternalRef, CaseTerms, IdentityFacts, &'a Creditor), ApiError> {
    let external_ref =
        ExternalRef::parse(&input.external_ref).map_err(|e| ApiError::field("external_ref", e))?;
    let creditor_id =
        CreditorId::parse(&input.creditor_id).map_err(|e| ApiError::field("creditor_id", e))?;
    // Another agency's creditor is as unknown as one that does not exist.
    let creditor = ctx
        .config
        .agencies
        .get(agency)
        .filter(|a| a.acts_for(&creditor_id))
        .and_then(|_| ctx.config.creditors.get(&creditor_id))
        .ok_or_else(|| ApiError::UnknownCreditor(creditor_id.to_string()))?;
    let phone = input
        .debtor
        .phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(PhoneNumber::parse)
        .transpose()
        .map_err(|e| ApiError::field("debtor.phone", e))?;
    let email = input
        .debtor
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(EmailAddress::parse)
        .transpose()
        .map_err(|e| ApiError::field("debtor.email", e))?;
    let identity = IdentityFacts {
        postcode: match input
            .debtor
            .postcode
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => None,
            Some(p) => Some(
                Postcode::parse(p)
                    .ok_or_else(|| ApiError::field("debtor.postcode", "must be four digits"))?,
            ),
        },
        birth_date: match input
            .debtor
            .birth_date
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            None => None,
            Some(d) => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                ApiError::field("debtor.birth_date", "must be a date like 1980-05-17")
            })?),
        },
    };
    let locale = match input.debtor.locale.as_deref() {
        None => Locale::default(),
        Some(l) => Locale::parse(l)
            .ok_or_else(|| ApiError::field("debtor.locale", "must be \"nb\" or \"en\""))?,
    };
    let mut claim = Vec::with_capacity(input.claim.len());
    for (i, line) in input.claim.into_iter().enumerate() {
        let text = match &line.amount {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => {
                return Err(ApiError::field(
                    format!("claim[{i}].amount"),
                    "must be a decimal string like \"1250.00\"",
                ));
            }
        };
        let amount = Money::parse(&text, creditor.currency)
            .map_err(|e| ApiError::field(format!("claim[{i}].amount"), e))?;
        claim.push(ClaimLine {
            kind: line.kind,
            description: line.description.trim().to_owned(),
            amount,
        });
    }
    let due_date = NaiveDate::parse_from_str(&input.due_date, "%Y-%m-%d")
        .map_err(|_| ApiError::field("due_date", "must be a date like 2026-12-01"))?;
    let terms = CaseTerms {
        creditor_id,
        debtor: Debtor {
            name: input.debtor.name.trim().to_owned(),
            phone,
            email,
            locale,
        },
        claim,
        due_date,
    };
    terms.validate(creditor.currency).map_err(|e| {
        let text = e.to_string();
        let field = text.split(' ').next().unwrap_or("claim").to_owned();
        ApiError::InvalidField {
            field,
            message: text,
        }
    })?;
    Ok((external_ref, terms, identity, creditor))
}

/// A fresh KID from the creditor's running number; numbers whose MOD11 check would be '-' are skipped.
async fn allocate_kid(ctx: &AppContext, creditor: &Creditor) -> Result<Kid, ApiError> {
    for _ in 0..3 {
        let sequence = ctx.store.next_kid_sequence(&creditor.id).await?;
        if let Some(kid) = Kid::for_sequence(sequence, creditor.kid_length, creditor.kid_algorithm)
        {
            return Ok(kid);
        }
    }
    Err(ApiError::field(
        "creditor_id",
        "the creditor's KID number range is used up",
    ))
}

async fn upsert_case(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let input: CaseInput = parse_body(&body)?;
    let (external_ref, terms, identity, creditor) = parse_case(&ctx, &tenant.0, input)?;
    let now = Utc::now();
    if ctx
        .store
        .case_by_ref(&tenant.0, &external_ref)
        .await?
        .is_none()
    {
        let kid = allocate_kid(&ctx, creditor).await?;
        let mut case = Case::open(
            CaseId::generate(),
            tenant.0.clone(),
            external_ref.clone(),
            terms.clone(),
            kid,
            now,
        );
        case.identity = identity.clone();
        if ctx.store.insert_case(&case).await? == CaseInsert::Created {
            tracing::info!(case = %case.id, agency = %tenant.0, "case created");
            return Ok(HttpResponse::Created()
                .insert_header(("Location", format!("/api/v1/cases/{}", case.id)))
                .json(CaseView::from(&case)));
        }
        // Another request created it a moment ago: fall through to the update.
    }
    // Re-sending a case is an update; retried on a concurrent change.
    for _ in 0..5 {
        let Some(mut case) = ctx.store.case_by_ref(&tenant.0, &external_ref).await? else {
            return Err(ApiError::Conflict);
        };
        if case.terms() == terms && case.identity == identity {
            return Ok(HttpResponse::Ok().json(CaseView::from(&case)));
        }
        case.update(terms.clone(), now)
            .map_err(|e| ApiError::field("creditor_id", e))?;
        case.identity = identity.clone();
        match ctx.store.update_case(&case).await {
            Ok(saved) => {
                tracing::info!(case = %saved.id, agency = %tenant.0, "case updated");
                return Ok(HttpResponse::Ok().json(CaseView::from(&saved)));
            }
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Conflict)
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

async fn get_case(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let case = own_case(&ctx, &tenant, &path).await?;
    Ok(HttpResponse::Ok().json(CaseView::from(&case)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MessageInput {
    channel: Channel,
    /// RFC 3339 time; omitted or in the past means as soon as possible.
    send_at: Option<DateTime<Utc>>,
    #[serde(default = "default_template")]
    template: Template,
}

fn default_template() -> Template {
    Template::Reminder
}

#[derive(Serialize)]
struct MessageView<'a> {
    id: &'a str,
    case_id: &'a CaseId,
    channel: Channel,
    to: String,
    template: Template,
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

async fn schedule_message(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
    body: web::Bytes,
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
    let message = Message::schedule(
        case.id.clone(),
        tenant.0.clone(),
        recipient,
        input.template,
        not_before,
        now,
    );
    ctx.store.schedule_message(&message).await?;
    tracing::info!(message = %message.id, case = %case.id, to = %message.recipient.masked(), "message scheduled");
    Ok(HttpResponse::Accepted().json(MessageView::from(&message)))
}

async fn list_messages(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let case = own_case(&ctx, &tenant, &path).await?;
    let messages = ctx.store.case_messages(&case.id).await?;
    let views: Vec<MessageView<'_>> = messages.iter().map(MessageView::from).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "messages": views })))
}
