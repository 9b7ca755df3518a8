//! Errors of the agency API: a stable `error` code, the field at fault, and a readable message;
//! and the one place the use cases' errors become them.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::service::cases::IntakeError;
use crate::service::closing::CloseError;
use crate::service::erasure::ErasureError;
use crate::service::mandates::MandateError;
use crate::service::messages::MessageError;
use crate::service::reviews::ReviewError;
use crate::service::webhook_replay::ReplayError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    InvalidJson {
        field: Option<String>,
        message: String,
    },
    #[error("{field}: {message}")]
    InvalidHeader {
        field: &'static str,
        message: &'static str,
    },
    #[error("Idempotency-Key: this key came with another request; use a new key for a new request")]
    IdempotencyKeyReused,
    #[error("Idempotency-Key: a request with this key is still running; retry in a moment")]
    IdempotencyKeyInFlight,
    #[error("{field}: {message}")]
    InvalidField { field: String, message: String },
    /// One or more fields at fault at once (a mandate can break several rules): the answer
    /// names the first as `field` and lists them all under `issues`.
    #[error("{}", describe_issues(.0))]
    InvalidFields(Vec<FieldIssue>),
    #[error("creditor_id: no creditor '{0}' for this agency")]
    UnknownCreditor(String),
    #[error("debtor has no {0} to send to")]
    NoRecipient(&'static str),
    /// A receipt about something the case does not show (e.g. a payment receipt, no payment).
    #[error("template: {0}")]
    UnfoundedReceipt(crate::domain::message::UnfoundedReceipt),
    #[error("an Authorization: Bearer <api key> header is required")]
    MissingApiKey,
    #[error("the API key is not valid")]
    InvalidApiKey,
    #[error("no case with this id")]
    CaseNotFound,
    /// Also for a creditor the agency does not act for: the answer never tells it exists.
    #[error("no creditor with this id for this agency")]
    CreditorNotFound,
    #[error("no message with this id on this case")]
    MessageNotFound,
    #[error("the message is {0:?}: only a message still waiting in the queue can be cancelled")]
    NotCancellable(crate::domain::message::MessageStatus),
    #[error("the case changed while this request ran; try again")]
    Conflict,
    /// The agency's case with this `external_ref` was erased: it stays erased.
    #[error(
        "external_ref: the case with this reference was erased (GDPR); it cannot be sent again"
    )]
    CaseErased,
    #[error("storage is unavailable")]
    StoreUnavailable(#[source] StoreError),
    #[error("the request body is larger than this endpoint takes ({limit} bytes)")]
    PayloadTooLarge { limit: usize },
    #[error("the request body could not be read: {0}")]
    UnreadableBody(String),
    #[error("no pending request with this id on this case")]
    RequestNotFound,
    /// The creditor's `changes_by` does not name this agency.
    #[error("the creditor does not let this agency change its mandate and journey (changes_by)")]
    ChangeNotAllowed,
    #[error("no version with this number")]
    VersionNotFound,
    #[error("no document with this id on this case")]
    DocumentNotFound,
}

/// The body of every error answer of the agency API (also 404 for an unknown `/api/` path).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub(crate) struct Body<'a> {
    /// The stable code clients branch on, e.g. `invalid_field`, `case_not_found`.
    #[schema(example = "invalid_field")]
    error: &'a str,
    /// The field at fault, as a path like `claim[0].amount` or `debtor.phone`; left out when
    /// no single field is at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    field: Option<&'a str>,
    /// A readable explanation (English); not meant to be parsed.
    message: String,
    /// Every field at fault, the first of them being `field`; only in `invalid_field` answers
    /// that can name several (replacing a mandate), even when there is just one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    issues: Option<&'a [FieldIssue]>,
}

/// One field at fault and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldIssue {
    /// The field as a path, e.g. `plan.establishment_fee`.
    #[schema(example = "plan.establishment_fee")]
    pub field: String,
    /// A readable explanation (English); not meant to be parsed.
    pub message: String,
}

fn describe_issues(issues: &[FieldIssue]) -> String {
    issues
        .iter()
        .map(|i| format!("{}: {}", i.field, i.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl ApiError {
    pub fn field(field: impl Into<String>, message: impl std::fmt::Display) -> ApiError {
        ApiError::InvalidField {
            field: field.into(),
            message: message.to_string(),
        }
    }

    /// The stable, documented code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidJson { .. } => "invalid_json",
            ApiError::InvalidField { .. } | ApiError::InvalidFields(_) => "invalid_field",
            ApiError::InvalidHeader { .. } => "invalid_header",
            ApiError::IdempotencyKeyReused => "idempotency_key_reused",
            ApiError::IdempotencyKeyInFlight => "idempotency_key_in_flight",
            ApiError::UnknownCreditor(_) => "unknown_creditor",
            ApiError::NoRecipient(_) => "no_recipient",
            ApiError::UnfoundedReceipt(reason) => match reason {
                crate::domain::message::UnfoundedReceipt::NoPayment => "no_payment",
                crate::domain::message::UnfoundedReceipt::NotPaid => "not_paid",
                crate::domain::message::UnfoundedReceipt::NoDeferral => "no_deferral",
                crate::domain::message::UnfoundedReceipt::NoPlan => "no_plan",
                crate::domain::message::UnfoundedReceipt::NoAnswer => "no_answer",
                crate::domain::message::UnfoundedReceipt::NotClosed => "not_closed",
                crate::domain::message::UnfoundedReceipt::OnlyOnReply => "only_on_reply",
                crate::domain::message::UnfoundedReceipt::OnlyByJourney => "only_by_journey",
                crate::domain::message::UnfoundedReceipt::OnlyByPlanFollowUp => {
                    "only_by_plan_follow_up"
                }
                crate::domain::message::UnfoundedReceipt::OnlyByConversation => {
                    "only_by_conversation"
                }
                crate::domain::message::UnfoundedReceipt::OnlyByReview => "only_by_review",
                crate::domain::message::UnfoundedReceipt::OnlyByContactChange => {
                    "only_by_contact_change"
                }
            },
            ApiError::MissingApiKey => "missing_api_key",
            ApiError::InvalidApiKey => "invalid_api_key",
            ApiError::CaseNotFound => "case_not_found",
            ApiError::CreditorNotFound => "creditor_not_found",
            ApiError::MessageNotFound => "message_not_found",
            ApiError::NotCancellable(_) => "not_cancellable",
            ApiError::Conflict => "conflict",
            ApiError::CaseErased => "case_erased",
            ApiError::StoreUnavailable(_) => "store_unavailable",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnreadableBody(_) => "invalid_body",
            ApiError::RequestNotFound => "request_not_found",
            ApiError::ChangeNotAllowed => "change_not_allowed",
            ApiError::VersionNotFound => "version_not_found",
            ApiError::DocumentNotFound => "document_not_found",
        }
    }

    fn field_name(&self) -> Option<&str> {
        match self {
            ApiError::InvalidJson { field, .. } => field.as_deref(),
            ApiError::InvalidField { field, .. } => Some(field),
            ApiError::InvalidFields(issues) => issues.first().map(|i| i.field.as_str()),
            ApiError::InvalidHeader { field, .. } => Some(field),
            ApiError::IdempotencyKeyReused | ApiError::IdempotencyKeyInFlight => {
                Some(super::idempotency::HEADER)
            }
            ApiError::UnknownCreditor(_) => Some("creditor_id"),
            ApiError::NoRecipient(_) => Some("channel"),
            ApiError::UnfoundedReceipt(_) => Some("template"),
            ApiError::CaseErased => Some("external_ref"),
            _ => None,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Conflict => ApiError::Conflict,
            other => ApiError::StoreUnavailable(other),
        }
    }
}

impl From<ErasureError> for ApiError {
    fn from(e: ErasureError) -> ApiError {
        match e {
            ErasureError::NotFound => ApiError::CaseNotFound,
            ErasureError::Conflict => ApiError::Conflict,
            ErasureError::Store(e) => ApiError::StoreUnavailable(e),
        }
    }
}

impl From<IntakeError> for ApiError {
    fn from(e: IntakeError) -> ApiError {
        match e {
            IntakeError::Invalid { field, message } => ApiError::InvalidField {
                field: field.path(),
                message,
            },
            IntakeError::UnknownCreditor(creditor) => ApiError::UnknownCreditor(creditor),
            IntakeError::Erased => ApiError::CaseErased,
            IntakeError::Conflict => ApiError::Conflict,
            IntakeError::Store(e) => ApiError::StoreUnavailable(e),
        }
    }
}

impl From<ReviewError> for ApiError {
    fn from(e: ReviewError) -> ApiError {
        match e {
            ReviewError::Invalid { field, message } => ApiError::InvalidField {
                field: field.name().to_owned(),
                message,
            },
            ReviewError::CaseNotFound => ApiError::CaseNotFound,
            ReviewError::RequestNotFound => ApiError::RequestNotFound,
            ReviewError::Conflict => ApiError::Conflict,
            ReviewError::Store(e) => ApiError::StoreUnavailable(e),
        }
    }
}

impl From<CloseError> for ApiError {
    fn from(e: CloseError) -> ApiError {
        match e {
            CloseError::Reason(reason) => ApiError::field("reason", reason),
            CloseError::NotFound => ApiError::CaseNotFound,
            CloseError::Conflict => ApiError::Conflict,
            CloseError::Store(e) => ApiError::StoreUnavailable(e),
        }
    }
}

impl From<MessageError> for ApiError {
    fn from(e: MessageError) -> ApiError {
        match e {
            MessageError::TooFarAhead => ApiError::field("send_at", e),
            MessageError::NoRecipient(what) => ApiError::NoRecipient(what),
            MessageError::CaseNotOpen => ApiError::field("case", e),
            MessageError::Unfounded(reason) => ApiError::UnfoundedReceipt(reason),
            MessageError::NotFound => ApiError::MessageNotFound,
            MessageError::NotCancellable(status) => ApiError::NotCancellable(status),
            MessageError::Store(e) => ApiError::from(e),
        }
    }
}

impl From<MandateError> for ApiError {
    fn from(e: MandateError) -> ApiError {
        match e {
            MandateError::Breaks(issues) => ApiError::InvalidFields(
                issues
                    .into_iter()
                    .map(|i| FieldIssue {
                        field: i.field.to_owned(),
                        message: i.message,
                    })
                    .collect(),
            ),
            MandateError::NotAllowed => ApiError::ChangeNotAllowed,
            MandateError::NoVersion => ApiError::VersionNotFound,
            MandateError::Store(e) => ApiError::from(e),
        }
    }
}

impl From<ReplayError> for ApiError {
    fn from(e: ReplayError) -> ApiError {
        match e {
            ReplayError::NoEndpoint => ApiError::field("webhook_url", e),
            ReplayError::Store(e) => ApiError::from(e),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::InvalidJson { .. } | ApiError::InvalidHeader { .. } => {
                StatusCode::BAD_REQUEST
            }
            ApiError::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::IdempotencyKeyInFlight => StatusCode::CONFLICT,
            ApiError::InvalidField { .. }
            | ApiError::InvalidFields(_)
            | ApiError::UnknownCreditor(_)
            | ApiError::NoRecipient(_)
            | ApiError::UnfoundedReceipt(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::MissingApiKey | ApiError::InvalidApiKey => StatusCode::UNAUTHORIZED,
            ApiError::CaseNotFound | ApiError::MessageNotFound | ApiError::CreditorNotFound => {
                StatusCode::NOT_FOUND
            }
            ApiError::NotCancellable(_) => StatusCode::CONFLICT,
            ApiError::Conflict | ApiError::CaseErased => StatusCode::CONFLICT,
            ApiError::StoreUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnreadableBody(_) => StatusCode::BAD_REQUEST,
            ApiError::RequestNotFound | ApiError::VersionNotFound | ApiError::DocumentNotFound => {
                StatusCode::NOT_FOUND
            }
            ApiError::ChangeNotAllowed => StatusCode::FORBIDDEN,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::StoreUnavailable(cause) = self {
            tracing::error!(error = %cause, "store unavailable during an API call");
            crate::http::metrics::store_error("api", crate::http::metrics::store_error_kind(cause));
        }
        let mut response = HttpResponse::build(self.status_code());
        if matches!(self, ApiError::MissingApiKey | ApiError::InvalidApiKey) {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        response.json(Body {
            error: self.code(),
            field: self.field_name(),
            message: self.to_string(),
            issues: match self {
                ApiError::InvalidFields(issues) => Some(issues),
                _ => None,
            },
        })
    }
}
