//! Reconciliation: each incoming bank payment is matched to a case by the receiving account and
//! the KID, and applied exactly once (the payment's key from the bank file, atomic with the
//! balance change), so importing the same file again applies nothing new. Everything else is
//! reported.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::retry::{self, Attempt, written};
use crate::context::AppContext;
use crate::domain::case::CaseStatus;
use crate::domain::creditor::Creditor;
use crate::domain::event::{Actor, Event, EventKind};
use crate::domain::ids::{AgencyId, CaseId};
use crate::domain::kid::Kid;
use crate::domain::message::Template;
use crate::domain::money::Money;
use crate::domain::payment::{Payment, PaymentMethod};
use crate::payments::{ImportError, IncomingPayment, camt054, ocr};
use crate::store::StoreError;

/// Reads a bank file of either format: OCR giro (records start with `NY`) or camt.054 (XML).
pub fn read_file(content: &str) -> Result<Vec<IncomingPayment>, ImportError> {
    let start = content.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with("NY") {
        ocr::parse(content)
    } else if start.starts_with('<') {
        camt054::parse(content)
    } else {
        Err(ImportError {
            line: 1,
            message: "neither an OCR giro file (NY…) nor camt.054 XML".into(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Applied {
        case_id: CaseId,
        paid_in_full: bool,
        overpaid: Option<Money>,
    },
    /// This bank reference was applied before (a re-import or a duplicate line).
    AlreadyApplied,
    /// The receiving account is none of the creditors' (this agency's) accounts.
    UnknownAccount,
    NoKid,
    UnknownKid,
    /// Money taken back by the bank: left for a person, never netted automatically.
    Reversal,
    /// The case is closed; the payment needs a person (refund or reopen).
    CaseClosed {
        case_id: CaseId,
    },
}

impl Outcome {
    /// The outcome's name as in the report, for the metrics.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Applied { .. } => "applied",
            Outcome::AlreadyApplied => "already_applied",
            Outcome::UnknownAccount => "unknown_account",
            Outcome::NoKid => "no_kid",
            Outcome::UnknownKid => "unknown_kid",
            Outcome::Reversal => "reversal",
            Outcome::CaseClosed { .. } => "case_closed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportLine {
    pub line: usize,
    pub reference: String,
    pub kid: Option<String>,
    pub amount: Money,
    #[serde(flatten)]
    pub outcome: Outcome,
}

async fn creditor_for<'a>(
    ctx: &'a AppContext,
    agency: Option<&AgencyId>,
    account: &str,
) -> Result<Option<&'a Creditor>, StoreError> {
    let Some(creditor) = ctx
        .config
        .creditors
        .values()
        .find(|c| account.ends_with(c.bank_account.digits()) && !account.is_empty())
    else {
        return Ok(None);
    };
    Ok(match agency {
        None => Some(creditor),
        Some(id) => ctx
            .agency(id)
            .await?
            .filter(|a| a.acts_for(&creditor.id))
            .map(|_| creditor),
    })
}

/// Matches and applies `payments`; `agency` limits it to that agency's creditors and cases.
pub async fn reconcile(
    ctx: &AppContext,
    agency: Option<&AgencyId>,
    payments: Vec<IncomingPayment>,
    now: DateTime<Utc>,
) -> Result<Vec<ReportLine>, StoreError> {
    let mut report = Vec::with_capacity(payments.len());
    let mut legacy_claimed = HashSet::new();
    for incoming in payments {
        let outcome = match_and_apply(ctx, agency, &incoming, &mut legacy_claimed, now).await?;
        metrics::counter!("innfri_reconciliation_lines_total", "outcome" => outcome.label())
            .increment(1);
        report.push(ReportLine {
            line: incoming.line,
            reference: incoming.reference,
            kid: incoming.kid,
            amount: incoming.amount,
            outcome,
        });
    }
    Ok(report)
}

async fn match_and_apply(
    ctx: &AppContext,
    agency: Option<&AgencyId>,
    incoming: &IncomingPayment,
    legacy_claimed: &mut HashSet<String>,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    if incoming.amount.is_negative() {
        return Ok(Outcome::Reversal);
    }
    let Some(creditor) = creditor_for(ctx, agency, &incoming.to_account).await? else {
        return Ok(Outcome::UnknownAccount);
    };
    let Some(raw_kid) = &incoming.kid else {
        return Ok(Outcome::NoKid);
    };
    let Ok(kid) = Kid::parse_any(raw_kid) else {
        return Ok(Outcome::UnknownKid);
    };
    let Some(case_id) = ctx.store.case_by_kid(&creditor.id, kid.as_str()).await? else {
        return Ok(Outcome::UnknownKid);
    };
    if applied_under_legacy_key(ctx, agency, &case_id, incoming, legacy_claimed).await? {
        return Ok(Outcome::AlreadyApplied);
    }
    apply_once(
        ctx,
        agency,
        &case_id,
        incoming,
        PaymentMethod::BankTransfer,
        now,
    )
    .await
}

/// Whether `incoming` was applied before the upgrade, under the key an earlier innfri gave it.
///
/// That key was not unique: a batch repeating one bank reference gave all its transactions the
/// same key, and the first of them that matched an open case was applied under it (not always
/// the first in the file: one with an unknown KID was passed over). So the old key is checked
/// alongside the new one rather than kept for one chosen transaction, and it counts for the
/// transaction that looks like what was applied — the same case and amount — once per import:
/// a second transaction of that batch to the same case for the same amount is still applied.
async fn applied_under_legacy_key(
    ctx: &AppContext,
    agency: Option<&AgencyId>,
    case_id: &CaseId,
    incoming: &IncomingPayment,
    claimed: &mut HashSet<String>,
) -> Result<bool, StoreError> {
    let Some(legacy) = &incoming.legacy_reference else {
        return Ok(false);
    };
    if claimed.contains(legacy) {
        return Ok(false);
    }
    let Some(case) = ctx
        .store
        .case(case_id)
        .await?
        .filter(|c| agency.is_none_or(|a| *a == c.agency_id))
    else {
        return Ok(false);
    };
    // A closed case answers `case_closed` in `apply_once`, as it always did.
    let applied = case.status != CaseStatus::Closed
        && case
            .payments
            .iter()
            .any(|p| p.reference == *legacy && p.amount == incoming.amount);
    if applied {
        claimed.insert(legacy.clone());
    }
    Ok(applied)
}

/// Applies one payment to a known case exactly once (keyed by `incoming.reference`).
pub async fn apply_once(
    ctx: &AppContext,
    agency: Option<&AgencyId>,
    case_id: &CaseId,
    incoming: &IncomingPayment,
    method: PaymentMethod,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    apply_once_by(ctx, agency, case_id, incoming, method, &Actor::System, now).await
}

/// As [`apply_once`], with `actor` in the audit trail (a staff user registering a payment).
pub async fn apply_once_by(
    ctx: &AppContext,
    agency: Option<&AgencyId>,
    case_id: &CaseId,
    incoming: &IncomingPayment,
    method: PaymentMethod,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    let outcome = retry::on_conflict::<Outcome, StoreError, _, _>(|| async move {
        let Some(mut case) = ctx
            .store
            .case(case_id)
            .await?
            .filter(|c| agency.is_none_or(|a| *a == c.agency_id))
        else {
            return Ok(Attempt::Done(Outcome::UnknownKid));
        };
        if case.status == CaseStatus::Closed {
            return Ok(Attempt::Done(Outcome::CaseClosed {
                case_id: case_id.clone(),
            }));
        }
        if case
            .payments
            .iter()
            .any(|p| p.reference == incoming.reference)
        {
            return Ok(Attempt::Done(Outcome::AlreadyApplied));
        }
        let payment = Payment {
            reference: incoming.reference.clone(),
            amount: incoming.amount,
            received_on: incoming.booked_on,
            method,
            recorded_at: now,
        };
        let owed = crate::service::owed::owed_on_for(ctx, &case, now).await?;
        let result = case.apply_payment(payment, actor.clone(), now, &owed);
        let data = serde_json::json!({
            "case_id": case.id, "external_ref": case.external_ref, "amount": incoming.amount,
            "kid": incoming.kid, "method": method, "reference": incoming.reference, "balance": result.balance_after,
            "overpaid": result.overpaid,
        });
        let mut events = vec![Event::new(
            case.agency_id.clone(),
            Some(case.id.clone()),
            EventKind::PaymentSucceeded,
            data,
            now,
        )];
        if result.paid_in_full {
            let paid = serde_json::json!({"case_id": case.id, "external_ref": case.external_ref, "overpaid": result.overpaid});
            events.push(Event::new(
                case.agency_id.clone(),
                Some(case.id.clone()),
                EventKind::CasePaid,
                paid,
                now,
            ));
        }
        let applied = ctx
            .store
            .apply_payment(&case, &incoming.reference, &events)
            .await;
        Ok(match written(applied)? {
            Attempt::Done(true) => {
                if result.paid_in_full {
                    ctx.store.revoke_links(&case.id).await?;
                }
                let receipt = if result.paid_in_full {
                    Template::PaidReceipt
                } else {
                    Template::PaymentReceipt
                };
                crate::service::receipts::queue_receipt(ctx, &case, receipt, now).await;
                super::overview::count_payment(ctx, &case, incoming.amount, incoming.booked_on)
                    .await;
                let earlier: Vec<_> = case
                    .payments
                    .iter()
                    .filter(|p| p.reference != incoming.reference)
                    .map(|p| crate::domain::journey_stats::Paid {
                        on: p.received_on,
                        amount_minor: p.amount.minor_units(),
                    })
                    .collect();
                let counted = crate::domain::journey_stats::on_payment(
                    &case.journey.sent,
                    &earlier,
                    crate::domain::journey_stats::Paid {
                        on: incoming.booked_on,
                        amount_minor: incoming.amount.minor_units(),
                    },
                );
                super::journey_stats::count(ctx, &case, &counted).await;
                if result.paid_in_full {
                    super::overview::count_now(ctx, &case, crate::store::Tally::CasesPaid, now)
                        .await;
                }
                // Paid in full stops the journey (its queued step is cancelled).
                crate::service::journey::follow(ctx, &case.id, now).await;
                tracing::info!(case = %case.id, amount = %incoming.amount, paid = result.paid_in_full, "payment applied");
                metrics::counter!("innfri_payments_applied_total", "method" => method_label(method))
                    .increment(1);
                Attempt::Done(Outcome::Applied {
                    case_id: case_id.clone(),
                    paid_in_full: result.paid_in_full,
                    overpaid: result.overpaid,
                })
            }
            Attempt::Done(false) => Attempt::Done(Outcome::AlreadyApplied),
            Attempt::Conflicted => Attempt::Conflicted,
        })
    })
    .await?;
    outcome.ok_or(StoreError::Conflict)
}

/// The payment method as a metrics label.
fn method_label(method: PaymentMethod) -> &'static str {
    match method {
        PaymentMethod::BankTransfer => "bank_transfer",
        PaymentMethod::Direct => "direct",
        PaymentMethod::Card => "card",
        PaymentMethod::Vipps => "vipps",
    }
}
