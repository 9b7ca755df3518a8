//! Creating and updating cases from what an agency sends (the API and the CSV import share it):
//! every field parsed into domain types once, with errors that name the field.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use crate::app::AppContext;
use crate::domain::case::{
    CLAIM_DESCRIPTION, Case, CaseTerms, ClaimKind, ClaimLine, DEBTOR_NAME, Debtor,
};
use crate::domain::contact::{EmailAddress, PhoneNumber};
use crate::domain::creditor::Creditor;
use crate::domain::identity::{IdentityFacts, Postcode};
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef};
use crate::domain::kid::Kid;
use crate::domain::locale::Locale;
use crate::domain::text::agency_text;
use crate::store::{CaseInsert, StoreError};
use crate::web::amount::{self, Sign};
use crate::web::api_error::ApiError;

/// A case as an agency sends it; sending the same `external_ref` again updates the case.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    /// The agency's own reference, unique per agency: letters, digits, `-`, `_`, `.`, `/`.
    #[schema(min_length = 1, max_length = 100, example = "2026-000123")]
    pub external_ref: String,
    /// One of the creditors the agency acts for.
    #[schema(min_length = 1, max_length = 64, example = "nordlys-energi")]
    pub creditor_id: String,
    pub debtor: DebtorInput,
    /// 1 to 50 lines with at least one principal above zero, in the creditor's currency.
    #[schema(min_items = 1, max_items = 50)]
    pub claim: Vec<ClaimLineInput>,
    /// YYYY-MM-DD.
    #[schema(format = Date, example = "2026-12-15")]
    pub due_date: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DebtorInput {
    /// At most 200 characters once trimmed.
    #[schema(min_length = 1, example = "Ola Nordmann")]
    pub name: String,
    /// As typed; numbers without a country code are Norwegian. Empty means none.
    #[schema(example = "912 34 567")]
    pub phone: Option<String>,
    /// Empty means none.
    #[schema(example = "ola@example.no")]
    pub email: Option<String>,
    /// A language tag whose language is `nb`/`no`/`nn` or `en` (e.g. `nb-NO`); `nb` if left out.
    #[schema(example = "nb")]
    pub locale: Option<String>,
    /// Facts for the identity step-up some mandates require; never shown to anyone.
    /// Four digits; empty means none.
    #[schema(example = "0150")]
    pub postcode: Option<String>,
    /// YYYY-MM-DD; empty means none.
    #[schema(example = "1980-05-17")]
    pub birth_date: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimLineInput {
    pub kind: ClaimKind,
    /// At most 200 characters once trimmed.
    #[serde(default)]
    #[schema(example = "Faktura 1001")]
    pub description: String,
    /// A decimal string ("1250.50") or a JSON number.
    #[schema(value_type = crate::web::amount::AmountInput)]
    pub amount: serde_json::Value,
}

/// A value taken as sent: identifiers and codes are not trimmed, so the document's pattern
/// for them is the whole rule.
fn untrimmed<'a>(field: &str, raw: &'a str) -> Result<&'a str, ApiError> {
    if raw.trim() == raw {
        Ok(raw)
    } else {
        Err(ApiError::field(field, "must not start or end with spaces"))
    }
}

/// A calendar date written exactly `YYYY-MM-DD` (RFC 3339 `full-date`, the document's
/// `format: date`); chrono alone would also take `2026-1-5` or `+02026-01-05`.
pub(crate) fn iso_date(text: &str) -> Option<NaiveDate> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shaped
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
}

/// Turns the raw input into validated case terms for one of the agency's creditors; the due
/// date window is the one of `today`.
async fn parse_case(
    ctx: &AppContext,
    agency: &AgencyId,
    input: CaseInput,
    now: DateTime<Utc>,
) -> Result<(ExternalRef, CaseTerms, IdentityFacts, Creditor), ApiError> {
    let external_ref = ExternalRef::parse(untrimmed("external_ref", &input.external_ref)?)
        .map_err(|e| ApiError::field("external_ref", e))?;
    let creditor_id = CreditorId::parse(untrimmed("creditor_id", &input.creditor_id)?)
        .map_err(|e| ApiError::field("creditor_id", e))?;
    // Another agency's creditor is as unknown as one that does not exist.
    let acts_for = ctx
        .agency(agency)
        .await?
        .is_some_and(|a| a.acts_for(&creditor_id));
    let creditor = match acts_for {
        true => ctx.creditor(&creditor_id).await?,
        false => None,
    }
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
        postcode: match input.debtor.postcode.as_deref().filter(|p| !p.is_empty()) {
            None => None,
            Some(p) => Some(
                Postcode::parse(p)
                    .filter(|parsed| parsed.as_str() == p)
                    .ok_or_else(|| ApiError::field("debtor.postcode", "must be four digits"))?,
            ),
        },
        birth_date: match input.debtor.birth_date.as_deref().filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => Some(iso_date(d).ok_or_else(|| {
                ApiError::field("debtor.birth_date", "must be a date like 1980-05-17")
            })?),
        },
    };
    let locale = match input.debtor.locale.as_deref() {
        None => Locale::default(),
        Some(l) => Locale::parse(untrimmed("debtor.locale", l)?)
            .ok_or_else(|| ApiError::field("debtor.locale", "must be \"nb\" or \"en\""))?,
    };
    let name = agency_text(&input.debtor.name, DEBTOR_NAME)
        .map_err(|e| ApiError::field("debtor.name", e))?;
    let mut claim = Vec::with_capacity(input.claim.len());
    for (i, line) in input.claim.into_iter().enumerate() {
        let amount = amount::parse(&line.amount, creditor.currency, Sign::NonNegative)
            .map_err(|e| ApiError::field(format!("claim[{i}].amount"), e))?;
        let description = agency_text(&line.description, CLAIM_DESCRIPTION)
            .map_err(|e| ApiError::field(format!("claim[{i}].description"), e))?;
        claim.push(ClaimLine {
            kind: line.kind,
            description,
            amount,
        });
    }
    let due_date = iso_date(&input.due_date)
        .ok_or_else(|| ApiError::field("due_date", "must be a date like 2026-12-01"))?;
    let terms = CaseTerms {
        creditor_id,
        debtor: Debtor {
            name,
            phone,
            email,
            locale,
        },
        claim,
        due_date,
    };
    // The UTC day, as the served document's due-date pattern uses: the window is a sanity
    // bound in whole years, not a legal deadline.
    terms
        .validate(creditor.currency, now.date_naive())
        .map_err(|e| {
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

/// What became of a case sent by an agency.
#[derive(Debug)]
pub enum Upserted {
    Created(Case),
    Updated(Case),
    /// Sent again exactly as stored: nothing changed.
    Unchanged(Case),
}

/// Creates the agency's case with this external reference, or updates it (sending the same case
/// twice is safe: the second time changes nothing). An erased case stays erased: sending it
/// again is refused with [`ApiError::CaseErased`] and writes nothing back.
pub async fn upsert(
    ctx: &AppContext,
    agency: &AgencyId,
    input: CaseInput,
) -> Result<Upserted, ApiError> {
    let now = Utc::now();
    let (external_ref, terms, identity, creditor) = parse_case(ctx, agency, input, now).await?;
    let existing = ctx.store.case_by_ref(agency, &external_ref).await?;
    if existing.as_ref().is_some_and(Case::is_erased) {
        return Err(ApiError::CaseErased);
    }
    if existing.is_none() {
        let kid = allocate_kid(ctx, &creditor).await?;
        let mut case = Case::open(
            CaseId::generate(),
            agency.clone(),
            external_ref.clone(),
            terms.clone(),
            kid,
            now,
        );
        case.identity = identity.clone();
        if ctx.store.insert_case(&case).await? == CaseInsert::Created {
            tracing::info!(case = %case.id, %agency, "case created");
            return Ok(Upserted::Created(case));
        }
        // Another request created it a moment ago: fall through to the update.
    }
    // Re-sending a case is an update; retried on a concurrent change.
    for _ in 0..5 {
        let Some(mut case) = ctx.store.case_by_ref(agency, &external_ref).await? else {
            return Err(ApiError::Conflict);
        };
        // Checked again on every try: the case may have been erased since the first read.
        if case.is_erased() {
            return Err(ApiError::CaseErased);
        }
        if case.terms() == terms && case.identity == identity {
            return Ok(Upserted::Unchanged(case));
        }
        case.update(terms.clone(), now)
            .map_err(|e| ApiError::field("creditor_id", e))?;
        case.identity = identity.clone();
        match ctx.store.update_case(&case).await {
            Ok(saved) => {
                tracing::info!(case = %saved.id, %agency, "case updated");
                return Ok(Upserted::Updated(saved));
            }
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Conflict)
}
