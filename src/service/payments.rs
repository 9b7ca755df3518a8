//! Payments that do not come in a bank file: a verified online payment (Stripe, Vipps, the fake
//! checkout) and a payment the agency registers as made straight to the creditor. Each is
//! applied exactly once by its reference (`reconcile::apply_once`).

use chrono::{DateTime, NaiveDate, Utc};

use super::reconcile::{Outcome, apply_once, apply_once_by};
use crate::context::AppContext;
use crate::domain::case::Case;
use crate::domain::checkout::CheckoutEnd;
use crate::domain::event::{Actor, Event, EventKind};
use crate::domain::ids::{AgencyId, CaseId};
use crate::domain::money::{Currency, Money};
use crate::domain::payment::PaymentMethod;
use crate::payments::IncomingPayment;
use crate::store::StoreError;

/// What became of a verified online payment; every one of them is settled for the provider
/// (it stops delivering), a store error is not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Online {
    /// Applied now or before, or nothing to apply it to that the provider could change.
    Settled(Option<Outcome>),
    /// Real money that cannot be applied: reported to the agency as `payment.unapplied`.
    Unapplied,
}

/// A payment for one case, outside any bank file.
fn single(reference: String, amount: Money, booked_on: NaiveDate) -> IncomingPayment {
    IncomingPayment {
        reference,
        legacy_reference: None,
        kid: None,
        amount,
        booked_on,
        to_account: String::new(),
        from_account: None,
        line: 1,
    }
}

/// Applies a verified online payment once; a payment that cannot be applied is reported to the
/// agency as `payment.unapplied` (the money is real, a person must refund it or reopen).
pub async fn apply_online(
    ctx: &AppContext,
    case_id: &CaseId,
    reference: String,
    currency: &str,
    amount_minor: i64,
    method: PaymentMethod,
    now: DateTime<Utc>,
) -> Result<Online, StoreError> {
    let Ok(currency) = Currency::parse(currency) else {
        tracing::error!(reference, "online payment in an unknown currency");
        return Ok(Online::Settled(None));
    };
    let incoming = single(
        reference,
        Money::from_minor(amount_minor, currency),
        super::owed::creditor_day(ctx, case_id, now).await?,
    );
    match ctx.store.case(case_id).await {
        Ok(Some(case)) if case.currency() != currency => {
            tracing::error!(case = %case_id, reference = incoming.reference, "online payment in another currency than the case");
            return unapplied(ctx, &case, &incoming, "currency differs from the case", now).await;
        }
        Ok(Some(_)) => {}
        Ok(None) => {
            tracing::error!(case = %case_id, reference = incoming.reference, "online payment for an unknown case");
            return Ok(Online::Settled(None));
        }
        Err(e) => {
            tracing::error!(error = %e, "store unavailable for a payment webhook");
            return Err(e);
        }
    }
    match apply_once(ctx, None, case_id, &incoming, method, now).await {
        Ok(Outcome::CaseClosed { .. }) => match ctx.store.case(case_id).await? {
            Some(case) => unapplied(ctx, &case, &incoming, "the case is closed", now).await,
            // Closed and gone since: the provider is asked to deliver it again.
            None => Err(StoreError::Conflict),
        },
        Ok(outcome) => Ok(Online::Settled(Some(outcome))),
        Err(e) => {
            tracing::error!(error = %e, "payment webhook could not be applied");
            Err(e)
        }
    }
}

async fn unapplied(
    ctx: &AppContext,
    case: &Case,
    incoming: &IncomingPayment,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Online, StoreError> {
    // Settled once it is recorded, so the provider stops; a rare duplicate delivery would
    // report it again with the same reference, which the agency can recognise.
    let event = Event::new(
        case.agency_id.clone(),
        Some(case.id.clone()),
        EventKind::PaymentUnapplied,
        serde_json::json!({
            "case_id": case.id, "external_ref": case.external_ref, "amount": incoming.amount,
            "reference": incoming.reference, "reason": reason,
        }),
        now,
    );
    ctx.store.append_events(&[event]).await?;
    metrics::counter!("innfri_payments_unapplied_total").increment(1);
    Ok(Online::Unapplied)
}

/// Records that the online payment `reference` ended without money (from the provider's
/// webhook, or the fake checkout's decline), so the return page can say so. Retried on a
/// concurrent change; an unknown case is nothing to record.
pub async fn checkout_ended(
    ctx: &AppContext,
    case_id: &CaseId,
    reference: &str,
    end: CheckoutEnd,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for _ in 0..3 {
        let Some(mut case) = ctx.store.case(case_id).await? else {
            return Ok(());
        };
        if !case.end_checkout(reference, end, now) {
            return Ok(());
        }
        match ctx.store.update_case(&case).await {
            Err(StoreError::Conflict) => continue,
            other => return other.map(|_| ()),
        }
    }
    Err(StoreError::Conflict)
}

/// Applies the fake checkout's approved payment (demo and tests only) once by its attempt.
pub async fn apply_fake_checkout(
    ctx: &AppContext,
    case: &CaseId,
    attempt: &str,
    amount: Money,
    method: PaymentMethod,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    let day = super::owed::creditor_day(ctx, case, now).await?;
    let incoming = single(format!("fake:{attempt}"), amount, day);
    apply_once(ctx, None, case, &incoming, method, now).await
}

/// Applies a payment the debtor made straight to the creditor, as `agency` registers it under
/// its own `reference` (applied once by it); `received_on` is today when not given.
pub async fn register_direct(
    ctx: &AppContext,
    agency: &AgencyId,
    case: &CaseId,
    reference: &str,
    amount: Money,
    received_on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    let direct = Direct {
        reference,
        amount,
        received_on,
    };
    register_direct_by(ctx, agency, case, direct, &Actor::System, now).await
}

/// A payment made straight to the creditor, as registered.
#[derive(Debug, Clone, Copy)]
pub struct Direct<'a> {
    /// The registering agency's own reference (the payment is applied once by it).
    pub reference: &'a str,
    pub amount: Money,
    /// Today when not given.
    pub received_on: Option<NaiveDate>,
}

/// As [`register_direct`], with `actor` in the audit trail (a staff user in the console).
pub async fn register_direct_by(
    ctx: &AppContext,
    agency: &AgencyId,
    case: &CaseId,
    direct: Direct<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    let Direct {
        reference,
        amount,
        received_on,
    } = direct;
    let received_on = match received_on {
        Some(day) => day,
        None => super::owed::creditor_day(ctx, case, now).await?,
    };
    let incoming = single(format!("direct:{agency}:{reference}"), amount, received_on);
    apply_once_by(
        ctx,
        Some(agency),
        case,
        &incoming,
        PaymentMethod::Direct,
        actor,
        now,
    )
    .await
}
