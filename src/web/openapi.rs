//! The agency API's OpenAPI 3.1 document, generated from the handlers' annotations and served
//! without authentication at `GET /api/v1/openapi.json`.

use std::borrow::Cow;
use std::sync::LazyLock;

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::openapi::header::Header;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::Response;
use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Required};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use super::{api, api_error, events_api, mandates_api, payments_api, reviews_api};
use crate::domain::ids::CaseId;
use crate::domain::money::{Currency, Money};

/// Where the document is served.
pub const PATH: &str = "/api/v1/openapi.json";

/// The name of the bearer security scheme in the document (also in `security(...)` above).
const BEARER: &str = "api_key";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "innfri agency API",
        description = "Cases, messages, debtor requests, payments, events and creditors' \
            mandates of one collection agency, behind its API key (`Authorization: Bearer \
            <api key>`). Errors are JSON with a stable `error` code, the `field` at fault and \
            a `message`; an invalid request changes nothing."
    ),
    servers((url = "/")),
    paths(
        api::upsert_case,
        api::list_cases,
        api::get_case,
        api::close_case,
        api::erase_case,
        api::schedule_message,
        api::list_messages,
        api::cancel_message,
        reviews_api::list,
        reviews_api::approve,
        reviews_api::decline,
        payments_api::direct_payment,
        payments_api::import,
        events_api::list,
        events_api::delivery_status,
        events_api::replay,
        mandates_api::get_mandate,
        mandates_api::replace_mandate,
    ),
    components(schemas(api_error::Body)),
    modifiers(&BearerAuth, &Idempotency),
    security(("api_key" = [])),
    tags(
        (name = "cases", description = "Create, update, read, close and erase cases"),
        (name = "messages", description = "Reminders and other messages to the debtor"),
        (name = "requests", description = "Debtor requests that need a person"),
        (name = "payments", description = "Bank files and direct payments"),
        (name = "events", description = "The events stream and webhook delivery"),
        (name = "creditors", description = "The mandates of the creditors the agency acts for"),
    ),
)]
pub struct ApiDoc;

/// The document, built once.
static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(ApiDoc::openapi);

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource(PATH).route(web::get().to(document)));
}

async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-cache"))
        .json(&*DOCUMENT)
}

/// `Authorization: Bearer <api key>` on every operation.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The agency's API key: `Authorization: Bearer <api key>`. Without it \
                         401 `missing_api_key`; an unknown key 401 `invalid_api_key`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The `Idempotency-Key` header every POST under /api/v1 takes (the idempotency middleware),
/// and the answers it adds.
struct Idempotency;

const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
const REPLAYED: &str = "Idempotent-Replayed";

fn error_content() -> Content {
    Content::new(Some(RefOr::Ref(Ref::from_schema_name("Error"))))
}

/// Adds `text` to the answer documented for `status`, or documents it.
fn add_answer(operation: &mut Operation, status: &str, text: &str) {
    match operation.responses.responses.get_mut(status) {
        Some(RefOr::T(response)) => {
            response.description = format!("{}; or {text}", response.description);
        }
        _ => {
            let mut response = Response::new(text);
            response
                .content
                .insert("application/json".to_owned(), error_content());
            operation
                .responses
                .responses
                .insert(status.to_owned(), RefOr::T(response));
        }
    }
}

impl Modify for Idempotency {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/v1/") {
                continue;
            }
            let Some(operation) = item.post.as_mut() else {
                continue;
            };
            let key = ParameterBuilder::new()
                .name(IDEMPOTENCY_KEY)
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "Makes a retry safe: the same key with the same body answers with the \
                     saved response (header `Idempotent-Replayed: true`) instead of doing it \
                     again. The same key with another body is 422 `idempotency_key_reused`; \
                     while the first request with the key still runs, 409 \
                     `idempotency_key_in_flight`. At most 255 characters.",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(255)),
                ))
                .build();
            operation.parameters.get_or_insert_with(Vec::new).push(key);
            add_answer(
                operation,
                "400",
                "an unusable Idempotency-Key (empty or longer than 255 characters)",
            );
            add_answer(
                operation,
                "409",
                "`idempotency_key_in_flight`: a request with this Idempotency-Key is still running",
            );
            add_answer(
                operation,
                "422",
                "`idempotency_key_reused`: this Idempotency-Key came with another body",
            );
            for response in operation.responses.responses.values_mut() {
                if let RefOr::T(response) = response {
                    let mut header = Header::new(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .enum_values(Some(["true"])),
                    );
                    header.description =
                        Some("`true` when this is the saved response to an earlier request with the same Idempotency-Key".to_owned());
                    response.headers.insert(REPLAYED.to_owned(), header);
                }
            }
        }
    }
}

/// An amount as sent: a decimal string (`"1250.50"`, `.` as separator, no grouping) or a JSON
/// number, with no more decimals than the currency has.
pub struct AmountInput;

impl PartialSchema for AmountInput {
    fn schema() -> RefOr<Schema> {
        AnyOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .examples(["1250.50"]),
            )
            .item(ObjectBuilder::new().schema_type(Type::Number))
            .description(Some(
                "A decimal string like \"1250.50\" (or a JSON number) in the creditor's currency",
            ))
            .into()
    }
}

impl ToSchema for AmountInput {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("AmountInput")
    }
}

/// Money as the API writes it: `{"amount": "1249.50", "currency": "NOK"}` (see its `Serialize`).
impl PartialSchema for Money {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some(
                "An exact amount: a decimal string with the currency's minor-unit digits \
                 (negative for money owed back), and the ISO 4217 currency",
            ))
            .property(
                "amount",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(r"^-?[0-9]+(\.[0-9]+)?$"))
                    .examples(["1249.50"]),
            )
            .required("amount")
            .property("currency", RefOr::Ref(Ref::from_schema_name("Currency")))
            .required("currency")
            .into()
    }
}

impl ToSchema for Money {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Money")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((Currency::name().into_owned(), Currency::schema()));
    }
}

/// What became of one payment (the shape of `payments::reconcile::Outcome`, which this crate's
/// payment code owns; a unit test keeps the two the same).
#[derive(Serialize, ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PaymentOutcome {
    /// Applied to the case.
    Applied {
        case_id: CaseId,
        paid_in_full: bool,
        /// How much more than the balance was paid, if anything.
        overpaid: Option<Money>,
    },
    /// This bank reference was applied before (a re-import or a duplicate line).
    AlreadyApplied,
    /// The receiving account is none of the agency's creditors' accounts.
    UnknownAccount,
    NoKid,
    UnknownKid,
    /// Money taken back by the bank: left for a person.
    Reversal,
    /// The case is closed; the payment needs a person (refund or reopen).
    CaseClosed {
        case_id: CaseId,
    },
}

/// One payment line of a bank file and what became of it.
#[derive(Serialize, ToSchema)]
#[schema(as = ReportLine)]
pub struct ReportLineDoc {
    /// The line (OCR) or entry (camt.054) number in the file.
    pub line: usize,
    /// The bank's reference of the payment.
    pub reference: String,
    pub kid: Option<String>,
    pub amount: Money,
    #[serde(flatten)]
    pub outcome: PaymentOutcome,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::reconcile::{Outcome, ReportLine};

    fn money() -> Money {
        Money::from_minor(12_50, Currency::NOK)
    }

    /// The documented mirror serialises exactly like the real type.
    #[test]
    fn report_line_mirror_matches_the_real_report_line() -> Result<(), serde_json::Error> {
        let id = CaseId::generate();
        let pairs = [
            (
                Outcome::Applied {
                    case_id: id.clone(),
                    paid_in_full: true,
                    overpaid: Some(money()),
                },
                PaymentOutcome::Applied {
                    case_id: id.clone(),
                    paid_in_full: true,
                    overpaid: Some(money()),
                },
            ),
            (Outcome::AlreadyApplied, PaymentOutcome::AlreadyApplied),
            (Outcome::UnknownAccount, PaymentOutcome::UnknownAccount),
            (Outcome::NoKid, PaymentOutcome::NoKid),
            (Outcome::UnknownKid, PaymentOutcome::UnknownKid),
            (Outcome::Reversal, PaymentOutcome::Reversal),
            (
                Outcome::CaseClosed {
                    case_id: id.clone(),
                },
                PaymentOutcome::CaseClosed { case_id: id },
            ),
        ];
        for (real, mirror) in pairs {
            let real = ReportLine {
                line: 3,
                reference: "ref".into(),
                kid: Some("0000012348".into()),
                amount: money(),
                outcome: real,
            };
            let mirror = ReportLineDoc {
                line: 3,
                reference: "ref".into(),
                kid: Some("0000012348".into()),
                amount: money(),
                outcome: mirror,
            };
            assert_eq!(serde_json::to_value(&real)?, serde_json::to_value(&mirror)?);
        }
        Ok(())
    }

    #[test]
    fn every_post_takes_an_idempotency_key() {
        let doc = ApiDoc::openapi();
        for (path, item) in &doc.paths.paths {
            if let Some(post) = &item.post {
                let params = post.parameters.as_deref().unwrap_or_default();
                assert!(
                    params.iter().any(|p| p.name == IDEMPOTENCY_KEY),
                    "POST {path}"
                );
            }
        }
    }
}
