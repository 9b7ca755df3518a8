//! The agency API's OpenAPI 3.1 document, generated from the handlers' annotations and served
//! without authentication at `GET /api/v1/openapi.json`.

use std::borrow::Cow;
use std::sync::LazyLock;

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::openapi::header::Header;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::Response;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Required};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use super::idempotency::MAX_KEY_LEN;
use super::payments::PAYMENT_REFERENCE;
use super::{
    body, cases, conversation, documents, errors, events, journey, journey_config, mandates,
    messages, payments, reconciliations, reviews, setting_versions,
};
use crate::context::AppContext;
use crate::domain::case::{
    CLAIM_DESCRIPTION, CLOSE_REASON, DEBTOR_NAME, FIRST_DUE_YEAR, NOTE_TO_DEBTOR, last_due_year,
};
use crate::domain::ids::CaseId;
use crate::domain::money::{Currency, Money};
use crate::domain::text::{self, TextRule};

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
        cases::upsert_case,
        cases::list_cases,
        cases::get_case,
        cases::close_case,
        cases::erase_case,
        journey::pause_journey,
        journey::resume_journey,
        messages::schedule_message,
        messages::list_messages,
        messages::cancel_message,
        conversation::get_conversation,
        conversation::answer_conversation,
        documents::attach_document,
        documents::list_documents,
        documents::get_document,
        documents::delete_document,
        reviews::list,
        reviews::approve,
        reviews::decline,
        payments::direct_payment,
        reconciliations::import,
        events::list,
        events::delivery_status,
        events::replay,
        mandates::get_mandate,
        mandates::replace_mandate,
        journey_config::get_journey,
        journey_config::replace_journey,
        journey_config::journey_stats,
        setting_versions::mandate_versions,
        setting_versions::mandate_version,
        setting_versions::restore_mandate,
        setting_versions::journey_versions,
        setting_versions::journey_version,
        setting_versions::restore_journey,
    ),
    components(schemas(errors::Body, super::amount::PositiveAmountInput)),
    modifiers(&BearerAuth, &Idempotency, &BodyLimit),
    security(("api_key" = [])),
    tags(
        (name = "cases", description = "Create, update, read, close and erase cases"),
        (name = "messages", description = "Reminders and other messages to the debtor"),
        (name = "documents", description = "Invoice copies, agreements and letters for the debtor; receipts from the debtor"),
        (name = "requests", description = "Debtor requests that need a person"),
        (name = "conversation", description = "Messages between the debtor and the agency"),
        (name = "payments", description = "Bank files and direct payments"),
        (name = "events", description = "The events stream and webhook delivery"),
        (name = "creditors", description = "The mandates and journeys of the creditors the agency acts for"),
    ),
)]
pub struct ApiDoc;

/// The document with the value rules of [`value_rules`], built once; the due-date window
/// (which moves with the year) is filled in per answer by [`document_on`].
static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    value_rules(&mut doc);
    doc
});

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource(PATH).route(web::get().to(document)));
}

async fn document(ctx: web::Data<AppContext>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-cache"))
        .json(document_on(ctx.clock.now().date_naive()))
}

/// The document as served on `today`.
pub fn document_on(today: NaiveDate) -> Value {
    let mut doc = DOCUMENT.clone();
    if let Some(due) = property(&mut doc, "CaseInput", "due_date") {
        // The pattern is the whole rule (real calendar days included), so no `format` beside
        // it: a generator would otherwise draw dates and throw away nearly all of them.
        if let Some(map) = due.as_object_mut() {
            map.remove("format");
        }
        due["pattern"] = json!(date_pattern(FIRST_DUE_YEAR..=last_due_year(today)));
        due["description"] = json!(format!(
            "YYYY-MM-DD, from {FIRST_DUE_YEAR}-01-01 to the end of the year ten years ahead ({}-12-31)",
            last_due_year(today)
        ));
    }
    doc
}

/// `YYYY-MM-DD` for the real calendar days of `years` (29 February only in leap years).
fn date_pattern(years: std::ops::RangeInclusive<i32>) -> String {
    let leap = |y: &i32| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let join = |ys: Vec<i32>| ys.iter().map(i32::to_string).collect::<Vec<_>>().join("|");
    let all = join(years.clone().collect());
    let leap_years = join(years.filter(leap).collect());
    let days = "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))";
    format!("^(?:(?:{all})-{days}|(?:{leap_years})-02-29)$")
}

/// `properties.<field>` of the component schema `schema`.
fn property<'a>(doc: &'a mut Value, schema: &str, field: &str) -> Option<&'a mut Value> {
    doc.pointer_mut(&format!("/components/schemas/{schema}/properties/{field}"))
}

/// A regex character class body for `ranges`, each character as `\uXXXX` (all are in the BMP),
/// which ECMA-262, Python and Rust regexes read alike.
fn class(ranges: &[(char, char)]) -> String {
    let escape = |c: char| format!("\\u{:04X}", u32::from(c));
    ranges
        .iter()
        .map(|&(lo, hi)| match lo == hi {
            true => escape(lo),
            false => format!("{}-{}", escape(lo), escape(hi)),
        })
        .collect()
}

/// The pattern of text `agency_text` accepts under `rule` (its length is `maxLength`).
pub fn text_pattern(rule: TextRule) -> String {
    let refused = class(&text::refused_ranges(rule));
    if rule.required {
        let blank = class(text::whitespace_ranges());
        format!("^[^{refused}]*[^{refused}{blank}][^{refused}]*$")
    } else {
        format!("^[^{refused}]*$")
    }
}

/// Every agency text field and its rule: the document states each rule as `maxLength`,
/// `minLength` and a `pattern`.
const TEXT_FIELDS: &[(&str, &str, TextRule)] = &[
    ("DebtorInput", "name", DEBTOR_NAME),
    ("ClaimLineInput", "description", CLAIM_DESCRIPTION),
    ("CloseInput", "reason", CLOSE_REASON),
    ("ApproveInput", "note", NOTE_TO_DEBTOR),
    ("DeclineInput", "reason", NOTE_TO_DEBTOR.required()),
    ("DirectPaymentInput", "reference", PAYMENT_REFERENCE),
    (
        "ConversationInput",
        "text",
        crate::domain::conversation::MESSAGE_TEXT,
    ),
];

/// The identifiers and codes the API takes exactly as sent, with their patterns.
const PATTERNS: &[(&str, &str, &str)] = &[
    ("CaseInput", "external_ref", "^[A-Za-z0-9._/-]{1,100}$"),
    ("CaseInput", "creditor_id", "^[A-Za-z0-9._-]{1,64}$"),
    ("DebtorInput", "postcode", "^(?:[0-9]{4})?$"),
    (
        "DebtorInput",
        "locale",
        "^(?:[nN][bBoOnN]|[eE][nN]|[pP][lL]|[uU][kK])(?:[-_][A-Za-z0-9]{1,8})*$",
    ),
];

/// Unsigned integers get their real upper bound instead of an OpenAPI `format` whose range
/// (int32: up to 2^31 - 1) is not the one the server takes (u32: up to 2^32 - 1).
fn unsigned_bounds(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let unsigned = map.get("minimum") == Some(&json!(0));
            let max = match map.get("format").and_then(Value::as_str) {
                Some("int32") if unsigned => Some(json!(u32::MAX)),
                Some("int64") if unsigned => Some(json!(u64::MAX)),
                _ => None,
            };
            if let Some(max) = max {
                map.remove("format");
                map.entry("maximum").or_insert(max);
            }
            map.values_mut().for_each(unsigned_bounds);
        }
        Value::Array(items) => items.iter_mut().for_each(unsigned_bounds),
        _ => {}
    }
}

/// An externally tagged enum variant (`{"amount": …}`) takes its one key and nothing else, as
/// serde reads it; utoipa leaves the variant open to other keys.
fn closed_variants(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for schema in schemas.values_mut() {
        let Some(variants) = schema.get_mut("oneOf").and_then(Value::as_array_mut) else {
            continue;
        };
        for variant in variants {
            let single_key = variant["properties"]
                .as_object()
                .is_some_and(|p| p.len() == 1)
                && variant["required"].as_array().is_some_and(|r| r.len() == 1);
            if single_key && variant["type"] == "object" {
                variant["additionalProperties"] = json!(false);
            }
        }
    }
}

/// The rules of values that the annotations cannot state, written into the document.
fn value_rules(doc: &mut Value) {
    unsigned_bounds(doc);
    closed_variants(doc);
    // At least one principal line above zero (`CaseError::NoPrincipal`).
    if let Some(claim) = property(doc, "CaseInput", "claim") {
        claim["contains"] = json!({
            "type": "object",
            "properties": {
                "kind": {"const": "principal"},
                "amount": {"$ref": "#/components/schemas/PositiveAmountInput"},
            },
            "required": ["kind", "amount"],
        });
    }
    for &(schema, field, rule) in TEXT_FIELDS {
        if let Some(p) = property(doc, schema, field) {
            p["maxLength"] = json!(rule.max_chars);
            p["pattern"] = json!(text_pattern(rule));
            if rule.required {
                p["minLength"] = json!(1);
            }
        }
    }
    for &(schema, field, pattern) in PATTERNS {
        if let Some(p) = property(doc, schema, field) {
            p["pattern"] = json!(pattern);
        }
    }
    // Empty (or null) means none; anything else is a date.
    if let Some(p) = property(doc, "DebtorInput", "birth_date") {
        let description = p["description"].clone();
        *p = json!({
            "description": description,
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "maxLength": 0},
                {"type": "null"},
            ],
            "examples": ["1980-05-17"],
        });
    }
}

/// What `idempotency::parse_key` takes: visible ASCII (`u8::is_ascii_graphic`).
const KEY_PATTERN: &str = "^[!-~]+$";

/// 413 `payload_too_large` on every operation that reads a body (every POST does when it comes
/// with an Idempotency-Key).
struct BodyLimit;

impl Modify for BodyLimit {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let limit = match path.as_str() {
                body::BANK_FILE_PATH => "`server.max_bank_file_mb` (20 MiB unless configured)",
                "/api/v1/cases/{id}/documents" => "10 MiB",
                _ => "256 KiB",
            };
            for operation in [item.post.as_mut(), item.put.as_mut()]
                .into_iter()
                .flatten()
            {
                add_answer(
                    operation,
                    "413",
                    &format!("`payload_too_large`: the body is larger than {limit}"),
                );
            }
        }
    }
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

/// The `Idempotency-Key` header every POST and PUT under /api/v1 takes (the idempotency middleware),
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
            for operation in [item.post.as_mut(), item.put.as_mut()]
                .into_iter()
                .flatten()
            {
                document_key(operation);
            }
        }
    }
}

/// Documents the `Idempotency-Key` header on `operation` and the answers it adds.
fn document_key(operation: &mut Operation) {
    let key = ParameterBuilder::new()
        .name(IDEMPOTENCY_KEY)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes a retry safe: the same key with the same body answers with the \
                     saved response (header `Idempotent-Replayed: true`) instead of doing it \
                     again. The same key with another body is 422 `idempotency_key_reused`; \
                     while the first request with the key still runs, 409 \
                     `idempotency_key_in_flight`. 1 to 255 visible ASCII characters (a UUID \
                     is the usual choice).",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(MAX_KEY_LEN))
                .pattern(Some(KEY_PATTERN)),
        ))
        .build();
    operation.parameters.get_or_insert_with(Vec::new).push(key);
    add_answer(
        operation,
        "400",
        "`invalid_header`: an unusable Idempotency-Key (empty, longer than 255 \
                 characters, or not visible ASCII)",
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

/// What became of one payment (the shape of `service::reconcile::Outcome`, which this crate's
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
    use crate::service::reconcile::{Outcome, ReportLine};

    /// Every value rule finds its property: a renamed field would otherwise lose its rule
    /// from the document without a sound.
    #[test]
    fn every_value_rule_lands_on_its_property() {
        let mut doc = document_on(NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"));
        let fields = TEXT_FIELDS
            .iter()
            .map(|(schema, field, _)| (*schema, *field))
            .chain(PATTERNS.iter().map(|(schema, field, _)| (*schema, *field)))
            .chain([("CaseInput", "due_date")]);
        for (schema, field) in fields {
            let p = property(&mut doc, schema, field).unwrap_or_else(|| panic!("{schema}.{field}"));
            assert!(p["pattern"].is_string(), "{schema}.{field}: {p}");
        }
        let variants = doc["components"]["schemas"]["FirstPayment"]["oneOf"].clone();
        for variant in variants
            .as_array()
            .expect("FirstPayment is one of its variants")
        {
            assert_eq!(variant["additionalProperties"], false, "{variant}");
        }
    }

    /// The due-date pattern takes exactly the real days of its years.
    #[test]
    fn the_date_pattern_is_the_calendar() {
        let pattern = date_pattern(2000..=2036);
        let schema = json!({"type": "string", "pattern": pattern});
        let validator = jsonschema::validator_for(&schema).expect("compiles");
        let mut day = NaiveDate::from_ymd_opt(1999, 12, 1).expect("date");
        while day <= NaiveDate::from_ymd_opt(2037, 1, 31).expect("date") {
            let inside = (2000..=2036).contains(&chrono::Datelike::year(&day));
            let text = day.format("%Y-%m-%d").to_string();
            assert_eq!(validator.is_valid(&json!(text)), inside, "{text}");
            day = day.succ_opt().expect("next day");
        }
        for bad in [
            "2026-02-29",
            "2026-02-30",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
            "2026-1-5",
            "2100-02-29",
        ] {
            assert!(!validator.is_valid(&json!(bad)), "{bad}");
        }
        assert!(
            validator.is_valid(&json!("2000-02-29")) && validator.is_valid(&json!("2036-02-29"))
        );
    }

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
