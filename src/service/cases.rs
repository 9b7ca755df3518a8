//! Intake of a case: creating or updating one from what an agency sends (the API and the CSV
//! import share it). Every field is parsed into domain types once, and an error names the
//! field it is about as data ([`CaseField`]), which the API and the import each map once.

use chrono::{DateTime, NaiveDate, Utc};

use super::amount::{self, Sign};
use super::retry::{self, Attempt, written};
use crate::context::AppContext;
use crate::domain::case::{
    CLAIM_DESCRIPTION, Case, CaseError, CaseTerms, ClaimKind, ClaimLine, DEBTOR_NAME, Debtor,
};
use crate::domain::contact::{EmailAddress, PhoneNumber};
use crate::domain::creditor::Creditor;
use crate::domain::identity::{IdentityFacts, Postcode};
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef};
use crate::domain::journey::{JourneyProgress, SentNotice, StepKind};
use crate::domain::journey_engine::{NoticeField, check_prior_notices, local_day};
use crate::domain::jurisdiction::law;
use crate::domain::kid::Kid;
use crate::domain::locale::Locale;
use crate::domain::text::agency_text;
use crate::store::{CaseInsert, StoreError};

/// A case as an agency sends it, before anything is checked; sending the same `external_ref`
/// again updates the case.
#[derive(Debug, Clone)]
pub struct CaseIntake {
    pub external_ref: String,
    pub creditor_id: String,
    pub debtor: DebtorIntake,
    pub claim: Vec<ClaimLineIntake>,
    /// `YYYY-MM-DD`.
    pub due_date: String,
    /// Notices the creditor sent before the hand-over; `None` keeps what a stored case has.
    pub notices_sent: Option<Vec<NoticeIntake>>,
}

/// A notice sent before the case came to innfri, as sent: it counts toward the fee limits and
/// the journey continues after it.
#[derive(Debug, Clone)]
pub struct NoticeIntake {
    pub kind: StepKind,
    /// `YYYY-MM-DD`.
    pub sent_on: String,
    /// `YYYY-MM-DD`; empty or `None` for none.
    pub deadline: Option<String>,
    /// The fee charged with it: a decimal string or a whole JSON number; `None` for none.
    pub fee: Option<serde_json::Value>,
}

/// The debtor as sent; empty optional values mean none.
#[derive(Debug, Clone)]
pub struct DebtorIntake {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub locale: Option<String>,
    pub postcode: Option<String>,
    pub birth_date: Option<String>,
}

/// A claim line as sent.
#[derive(Debug, Clone)]
pub struct ClaimLineIntake {
    pub kind: ClaimKind,
    pub description: String,
    /// A decimal string or a whole JSON number (see [`amount::parse`]).
    pub amount: serde_json::Value,
}

/// The part of a sent case an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseField {
    ExternalRef,
    CreditorId,
    DebtorName,
    DebtorPhone,
    DebtorEmail,
    DebtorLocale,
    DebtorPostcode,
    DebtorBirthDate,
    /// The claim as a whole (no lines, no principal, a total too large).
    Claim,
    ClaimAmount(usize),
    ClaimDescription(usize),
    DueDate,
    /// The list of notices as a whole (e.g. it can no longer change).
    NoticesSent,
    /// A field of one notice sent before the hand-over.
    Notice(usize, NoticeField),
}

impl CaseField {
    /// The field as the API names it: `debtor.phone`, `claim[0].amount`, …
    pub fn path(self) -> String {
        match self {
            CaseField::ExternalRef => "external_ref".into(),
            CaseField::CreditorId => "creditor_id".into(),
            CaseField::DebtorName => "debtor.name".into(),
            CaseField::DebtorPhone => "debtor.phone".into(),
            CaseField::DebtorEmail => "debtor.email".into(),
            CaseField::DebtorLocale => "debtor.locale".into(),
            CaseField::DebtorPostcode => "debtor.postcode".into(),
            CaseField::DebtorBirthDate => "debtor.birth_date".into(),
            CaseField::Claim => "claim".into(),
            CaseField::ClaimAmount(i) => format!("claim[{i}].amount"),
            CaseField::ClaimDescription(i) => format!("claim[{i}].description"),
            CaseField::DueDate => "due_date".into(),
            CaseField::NoticesSent => "notices_sent".into(),
            CaseField::Notice(i, field) => format!("notices_sent[{i}].{}", field.as_str()),
        }
    }

    /// The field a rule of the domain's case terms is about.
    fn of_terms(error: &CaseError) -> CaseField {
        match error {
            CaseError::DebtorName(_) => CaseField::DebtorName,
            CaseError::NoClaimLines
            | CaseError::TooManyClaimLines
            | CaseError::NoPrincipal
            | CaseError::Total(_) => CaseField::Claim,
            CaseError::NegativeAmount(i) | CaseError::WrongCurrency(i, _, _) => {
                CaseField::ClaimAmount(*i)
            }
            CaseError::Description(i, _) => CaseField::ClaimDescription(*i),
            CaseError::DueDateOutOfRange(_) => CaseField::DueDate,
            CaseError::CreditorChanged => CaseField::CreditorId,
        }
    }
}

/// Why a sent case was not taken.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// A value is wrong; `message` says why (for the domain's rules it starts with the field).
    #[error("{}: {message}", .field.path())]
    Invalid { field: CaseField, message: String },
    /// Also for a creditor the agency does not act for: the answer never tells it exists.
    #[error("creditor_id: no creditor '{0}' for this agency")]
    UnknownCreditor(String),
    /// The agency's case with this `external_ref` was erased: it stays erased.
    #[error(
        "external_ref: the case with this reference was erased (GDPR); it cannot be sent again"
    )]
    Erased,
    #[error("the case changed while this request ran; try again")]
    Conflict,
    #[error("storage is unavailable")]
    Store(#[source] StoreError),
}

impl IntakeError {
    fn invalid(field: CaseField, message: impl std::fmt::Display) -> IntakeError {
        IntakeError::Invalid {
            field,
            message: message.to_string(),
        }
    }
}

impl From<StoreError> for IntakeError {
    fn from(e: StoreError) -> IntakeError {
        match e {
            StoreError::Conflict => IntakeError::Conflict,
            other => IntakeError::Store(other),
        }
    }
}

/// A value taken as sent: identifiers and codes are not trimmed, so the document's pattern
/// for them is the whole rule.
fn untrimmed(field: CaseField, raw: &str) -> Result<&str, IntakeError> {
    if raw.trim() == raw {
        Ok(raw)
    } else {
        Err(IntakeError::invalid(
            field,
            "must not start or end with spaces",
        ))
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
    input: CaseIntake,
    now: DateTime<Utc>,
) -> Result<ParsedCase, IntakeError> {
    use CaseField as F;
    let external_ref = ExternalRef::parse(untrimmed(F::ExternalRef, &input.external_ref)?)
        .map_err(|e| IntakeError::invalid(F::ExternalRef, e))?;
    let creditor_id = CreditorId::parse(untrimmed(F::CreditorId, &input.creditor_id)?)
        .map_err(|e| IntakeError::invalid(F::CreditorId, e))?;
    // Another agency's creditor is as unknown as one that does not exist.
    let acts_for = ctx
        .agency(agency)
        .await?
        .is_some_and(|a| a.acts_for(&creditor_id));
    let creditor = match acts_for {
        true => ctx.creditor(&creditor_id).await?,
        false => None,
    }
    .ok_or_else(|| IntakeError::UnknownCreditor(creditor_id.to_string()))?;
    let phone = input
        .debtor
        .phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(PhoneNumber::parse)
        .transpose()
        .map_err(|e| IntakeError::invalid(F::DebtorPhone, e))?;
    let email = input
        .debtor
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(EmailAddress::parse)
        .transpose()
        .map_err(|e| IntakeError::invalid(F::DebtorEmail, e))?;
    let identity = IdentityFacts {
        postcode: match input.debtor.postcode.as_deref().filter(|p| !p.is_empty()) {
            None => None,
            Some(p) => Some(
                Postcode::parse(p)
                    .filter(|parsed| parsed.as_str() == p)
                    .ok_or_else(|| {
                        IntakeError::invalid(F::DebtorPostcode, "must be four digits")
                    })?,
            ),
        },
        birth_date: match input.debtor.birth_date.as_deref().filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => Some(iso_date(d).ok_or_else(|| {
                IntakeError::invalid(F::DebtorBirthDate, "must be a date like 1980-05-17")
            })?),
        },
    };
    let locale = match input.debtor.locale.as_deref() {
        None => Locale::default(),
        Some(l) => Locale::parse(untrimmed(F::DebtorLocale, l)?).ok_or_else(|| {
            IntakeError::invalid(
                F::DebtorLocale,
                "must be one of \"nb\", \"nn\", \"en\", \"pl\", \"uk\"",
            )
        })?,
    };
    let name = agency_text(&input.debtor.name, DEBTOR_NAME)
        .map_err(|e| IntakeError::invalid(F::DebtorName, e))?;
    let mut claim = Vec::with_capacity(input.claim.len());
    for (i, line) in input.claim.into_iter().enumerate() {
        let amount = amount::parse(&line.amount, creditor.currency, Sign::NonNegative)
            .map_err(|e| IntakeError::invalid(F::ClaimAmount(i), e))?;
        let description = agency_text(&line.description, CLAIM_DESCRIPTION)
            .map_err(|e| IntakeError::invalid(F::ClaimDescription(i), e))?;
        claim.push(ClaimLine {
            kind: line.kind,
            description,
            amount,
        });
    }
    let due_date = iso_date(&input.due_date)
        .ok_or_else(|| IntakeError::invalid(F::DueDate, "must be a date like 2026-12-01"))?;
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
        .map_err(|e| IntakeError::invalid(CaseField::of_terms(&e), e))?;
    let notices = match input.notices_sent {
        None => None,
        Some(list) => Some(parse_notices(list, &creditor, &terms, now)?),
    };
    Ok(ParsedCase {
        external_ref,
        terms,
        identity,
        creditor,
        notices,
    })
}

/// A sent case, parsed and checked.
struct ParsedCase {
    external_ref: ExternalRef,
    terms: CaseTerms,
    identity: IdentityFacts,
    creditor: Creditor,
    /// The notices from before the hand-over, when the input names them.
    notices: Option<Vec<SentNotice>>,
}

/// Most notices a case may arrive with: § 1-3 allows three fees, and a few fee-less ones besides.
pub const MAX_NOTICES: usize = 10;

/// The notices from before the hand-over, each parsed, and all of them checked against the law
/// of the creditor's jurisdiction (the fee rules count them as if innfri had sent them).
fn parse_notices(
    list: Vec<NoticeIntake>,
    creditor: &Creditor,
    terms: &CaseTerms,
    now: DateTime<Utc>,
) -> Result<Vec<SentNotice>, IntakeError> {
    use CaseField as F;
    if list.len() > MAX_NOTICES {
        return Err(IntakeError::invalid(
            F::NoticesSent,
            format!("must have at most {MAX_NOTICES} notices"),
        ));
    }
    let mut notices = Vec::with_capacity(list.len());
    for (i, n) in list.into_iter().enumerate() {
        let sent_on = iso_date(&n.sent_on).ok_or_else(|| {
            IntakeError::invalid(
                F::Notice(i, NoticeField::SentOn),
                "must be a date like 2026-12-01",
            )
        })?;
        let deadline = match n.deadline.as_deref().filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => Some(iso_date(d).ok_or_else(|| {
                IntakeError::invalid(
                    F::Notice(i, NoticeField::Deadline),
                    "must be a date like 2026-12-15",
                )
            })?),
        };
        let fee = match n.fee.as_ref().filter(|f| !f.is_null()) {
            None => None,
            Some(value) => Some(
                amount::parse(value, creditor.currency, Sign::NonNegative)
                    .map_err(|e| IntakeError::invalid(F::Notice(i, NoticeField::Fee), e))?,
            )
            .filter(|f| f.is_positive()),
        };
        notices.push(SentNotice {
            step_id: None,
            kind: n.kind,
            sent_on,
            deadline,
            fee,
            variant: None,
            message_id: None,
            reach: crate::domain::journey::NoticeReach::default(),
        });
    }
    let principal = principal_of(terms, creditor);
    check_prior_notices(
        law(creditor.jurisdiction),
        creditor.journey.collector,
        &notices,
        terms.due_date,
        principal,
        local_day(creditor.jurisdiction, now),
    )
    .map_err(|e| IntakeError::invalid(F::Notice(e.index, e.field), e.message))?;
    notices.sort_by_key(|n| n.sent_on);
    Ok(notices)
}

fn principal_of(terms: &CaseTerms, creditor: &Creditor) -> rust_decimal::Decimal {
    let minor: i64 = terms
        .claim
        .iter()
        .filter(|l| l.kind == ClaimKind::Principal)
        .map(|l| l.amount.minor_units())
        .sum();
    crate::domain::money::Money::from_minor(minor, creditor.currency).amount()
}

/// A fresh KID from the creditor's running number; numbers whose MOD11 check would be '-' are skipped.
async fn allocate_kid(ctx: &AppContext, creditor: &Creditor) -> Result<Kid, IntakeError> {
    for _ in 0..3 {
        let sequence = ctx.store.next_kid_sequence(&creditor.id).await?;
        if let Some(kid) = Kid::for_sequence(sequence, creditor.kid_length, creditor.kid_algorithm)
        {
            return Ok(kid);
        }
    }
    Err(IntakeError::invalid(
        CaseField::CreditorId,
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
/// again is refused with [`IntakeError::Erased`] and writes nothing back.
pub async fn upsert(
    ctx: &AppContext,
    agency: &AgencyId,
    input: CaseIntake,
    now: DateTime<Utc>,
) -> Result<Upserted, IntakeError> {
    let upserted = upsert_case(ctx, agency, input, now).await?;
    // The journey follows what changed: a new due date moves the queued step (a new case had
    // its first step planned before its insert). A failure here leaves the case taken; the next
    // change plans again.
    if let Upserted::Updated(case) = &upserted
        && let Err(e) = super::journey::sync(ctx, &case.id, now).await
    {
        tracing::warn!(case = %case.id, error = %e, "could not plan the case's journey");
    }
    // New lines change what is left of an agreed plan, and so its follow-up.
    if let Upserted::Updated(case) = &upserted {
        super::plan_followup::follow(ctx, &case.id, now).await;
    }
    Ok(upserted)
}

async fn upsert_case(
    ctx: &AppContext,
    agency: &AgencyId,
    input: CaseIntake,
    now: DateTime<Utc>,
) -> Result<Upserted, IntakeError> {
    let ParsedCase {
        external_ref,
        terms,
        identity,
        creditor,
        notices,
    } = parse_case(ctx, agency, input, now).await?;
    let existing = ctx.store.case_by_ref(agency, &external_ref).await?;
    if existing.as_ref().is_some_and(Case::is_erased) {
        return Err(IntakeError::Erased);
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
        case.journey =
            JourneyProgress::resume_after(&creditor.journey, notices.clone().unwrap_or_default());
        // The first step is planned on the case before it is written: one write, not two.
        let planned = super::journey::plan_new(&creditor, &mut case, now);
        if ctx.store.insert_case(&case).await? == CaseInsert::Created {
            tracing::info!(case = %case.id, %agency, "case created");
            super::debtor_cases::follow_contact(ctx, None, &case).await;
            let queued = match &planned {
                Some(plan) => super::journey::queue_planned(ctx, plan).await,
                None => super::journey::sync(ctx, &case.id, now).await.map(|_| ()),
            };
            // A failure here leaves the case taken; the next change of the case plans again.
            if let Err(e) = queued {
                tracing::warn!(case = %case.id, error = %e, "could not queue the case's first step");
            }
            super::overview::count_now(ctx, &case, crate::store::Tally::CasesOpened, now).await;
            return Ok(Upserted::Created(case));
        }
        // Another request created it a moment ago: fall through to the update.
    }
    // Re-sending a case is an update.
    let (external_ref, terms, identity, notices) = (&external_ref, &terms, &identity, &notices);
    let journey = &creditor.journey;
    let updated = retry::on_conflict::<Upserted, IntakeError, _, _>(|| async move {
        let Some(mut case) = ctx.store.case_by_ref(agency, external_ref).await? else {
            return Err(IntakeError::Conflict);
        };
        // Checked again on every try: the case may have been erased since the first read.
        if case.is_erased() {
            return Err(IntakeError::Erased);
        }
        let prior: Vec<SentNotice> = case
            .journey
            .sent
            .iter()
            .filter(|n| n.step_id.is_none())
            .cloned()
            .collect();
        let notices_changed = notices.as_ref().is_some_and(|n| *n != prior);
        if case.terms() == *terms && case.identity == *identity && !notices_changed {
            return Ok(Attempt::Done(Upserted::Unchanged(case)));
        }
        if let Some(notices) = notices.as_ref().filter(|_| notices_changed) {
            if case.journey.sent.iter().any(|n| n.step_id.is_some()) {
                return Err(IntakeError::invalid(
                    CaseField::NoticesSent,
                    "can no longer change: innfri has sent notices on this case",
                ));
            }
            let paused = case.journey.paused;
            let queued = case.journey.queued.take();
            case.journey = JourneyProgress::resume_after(journey, notices.clone());
            case.journey.paused = paused;
            // The queued step is cancelled and planned again by the journey after the write.
            case.journey.queued = queued;
        }
        let debtor_before = case.debtor.clone();
        case.update(terms.clone(), now)
            .map_err(|e| IntakeError::invalid(CaseField::CreditorId, e))?;
        case.identity = identity.clone();
        Ok(match written(ctx.store.update_case(&case).await)? {
            Attempt::Done(saved) => {
                tracing::info!(case = %saved.id, %agency, "case updated");
                if saved.debtor != debtor_before {
                    super::debtor_cases::follow_contact(ctx, Some(&debtor_before), &saved).await;
                }
                Attempt::Done(Upserted::Updated(saved))
            }
            Attempt::Conflicted => Attempt::Conflicted,
        })
    })
    .await?;
    updated.ok_or(IntakeError::Conflict)
}
