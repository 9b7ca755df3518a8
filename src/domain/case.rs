//! A collection case: the debtor, the claim lines and the case's state.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::contact::{EmailAddress, PhoneNumber};
use super::event::{Actor, AuditEntry};
use super::identity::IdentityFacts;
use super::ids::{AgencyId, CaseId, CreditorId, ExternalRef};
use super::journey::JourneyProgress;
use super::kid::Kid;
use super::ledger::{Balance, OwedOn, Pause};
use super::locale::Locale;
use super::money::{Currency, Money, MoneyError};
use super::payment::{Payment, PaymentOutcome};
use super::plan::InstalmentPlan;
use super::plan_followup::{BrokenPlan, PlanFollowUp, earned_interest};
use super::self_service::{CaseFacts, Dispute, PendingRequest, Review};
use super::text::{TextError, TextRule, agency_text};

/// What a claim line is for; the debtor sees them separately (inkassoforskriften § 10 c).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    Principal,
    Interest,
    Fee,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClaimLine {
    pub kind: ClaimKind,
    pub description: String,
    pub amount: Money,
}

/// The person who owes. Contact data is optional: a case can exist before it can be messaged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Debtor {
    pub name: String,
    pub phone: Option<PhoneNumber>,
    pub email: Option<EmailAddress>,
    pub locale: Locale,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    /// The debtor objected or says it is paid: collection pauses until the agency resolves it.
    Disputed,
    Paid,
    Closed,
}

impl CaseStatus {
    /// Whether reminders may be sent and links opened.
    pub fn is_active(self) -> bool {
        matches!(self, CaseStatus::Open)
    }
}

/// What the agency says about a case; turned into a [`Case`] by [`Case::open`] or applied by [`Case::update`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseTerms {
    pub creditor_id: CreditorId,
    pub debtor: Debtor,
    pub claim: Vec<ClaimLine>,
    pub due_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: CaseId,
    pub agency_id: AgencyId,
    pub creditor_id: CreditorId,
    pub external_ref: ExternalRef,
    pub debtor: Debtor,
    pub claim: Vec<ClaimLine>,
    /// The due date in force: moves with a granted deferral or an agreed plan.
    pub due_date: NaiveDate,
    /// The due date the agency sent, kept once a deferral or plan moves `due_date`: the claim's
    /// history (when it fell due, what a payment can have been for) counts from it.
    #[serde(default)]
    pub due_date_before_changes: Option<NaiveDate>,
    pub kid: Kid,
    pub status: CaseStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped on every stored change; the store refuses a write based on a stale version.
    pub version: u64,
    /// Who did what to the case, when and why; kept (pseudonymised) even after erasure.
    #[serde(default)]
    pub audit: Vec<AuditEntry>,
    #[serde(default)]
    pub deferrals_granted: u32,
    /// The agreed instalment plan, if any.
    #[serde(default)]
    pub plan: Option<InstalmentPlan>,
    /// Requests waiting for the agency (review or dispute).
    #[serde(default)]
    pub pending: Vec<Review>,
    /// The agency's last word to the debtor (e.g. why a request was declined), shown on the page.
    #[serde(default)]
    pub note_to_debtor: Option<String>,
    /// Facts for the identity step-up, if the mandate asks for one.
    #[serde(default)]
    pub identity: IdentityFacts,
    #[serde(default)]
    pub identity_failures: u32,
    /// After too many wrong answers the page stays closed until then.
    #[serde(default)]
    pub identity_locked_until: Option<DateTime<Utc>>,
    /// Payments received, each applied once.
    #[serde(default)]
    pub payments: Vec<Payment>,
    /// When collection ended (paid in full or closed): the retention schedule counts from here.
    #[serde(default)]
    pub settled_at: Option<DateTime<Utc>>,
    /// Where the case stands on its creditor's journey (cases stored before journeys ran
    /// read as not started).
    #[serde(default)]
    pub journey: JourneyProgress,
    /// Online payments that ended without money (cancelled, expired, failed), so the page the
    /// debtor returns to tells what happened (`domain::checkout`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checkouts_ended: Vec<super::checkout::EndedCheckout>,
    /// The agreed plan's follow-up: what it has sent and what waits in the queue.
    #[serde(default, skip_serializing_if = "PlanFollowUp::is_empty")]
    pub plan_follow_up: PlanFollowUp,
    /// Plans that broke, kept for the record (the plan in force is `plan`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broken_plans: Vec<BrokenPlan>,
    /// Stretches without late-payment interest innfri accrues: an agreed plan fixes what had
    /// accrued by its day into its principal, and its own terms apply until it ends or breaks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interest_paused: Vec<Pause>,
    /// What the debtor and the agency wrote to each other (`domain::conversation`).
    #[serde(
        default,
        skip_serializing_if = "super::conversation::Conversation::is_empty"
    )]
    pub conversation: super::conversation::Conversation,
    /// Documents on the case (the bytes are in object storage; `domain::document`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<super::document::DocumentMeta>,
    /// What the debtor changed of how they are reached (`domain::contact_change`).
    #[serde(
        default,
        skip_serializing_if = "super::contact_change::ContactChanges::is_empty"
    )]
    pub contact_changes: super::contact_change::ContactChanges,
}

/// Why case terms were refused; each names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("debtor.name {0}")]
    DebtorName(TextError),
    #[error("claim must have at least one line")]
    NoClaimLines,
    #[error("claim must have at most 50 lines")]
    TooManyClaimLines,
    #[error("claim[{0}].amount must not be negative")]
    NegativeAmount(usize),
    #[error("claim[{0}].amount is in {1}, but the creditor collects in {2}")]
    WrongCurrency(usize, Currency, Currency),
    #[error("claim[{0}].description {1}")]
    Description(usize, TextError),
    #[error("due_date must be between {FIRST_DUE_YEAR}-01-01 and {0}-12-31")]
    DueDateOutOfRange(i32),
    #[error("claim must contain a principal line with an amount above zero")]
    NoPrincipal,
    #[error("claim total overflows: {0}")]
    Total(MoneyError),
    #[error("creditor_id cannot change on an existing case")]
    CreditorChanged,
}

/// The debtor's name: one line, something besides spaces.
pub const DEBTOR_NAME: TextRule = TextRule::line(200).required();
/// A claim line's description: one line, may be empty.
pub const CLAIM_DESCRIPTION: TextRule = TextRule::line(200);

/// What the agency writes to the debtor (why a request was declined, a note on an upheld
/// dispute): several lines.
pub const NOTE_TO_DEBTOR: TextRule = TextRule::lines(1000);
/// Why the agency closed a case, for the record.
pub const CLOSE_REASON: TextRule = TextRule::lines(500);

/// The claim lines an agreed plan adds for what it costs on top (the creditor's language).
pub const PLAN_FEE_LINE: &str = "Etableringsgebyr for nedbetalingsplan";
pub const PLAN_INTEREST_LINE: &str = "Rente i nedbetalingsplanen";

/// The claim lines for what `plan` costs on top of its principal.
fn plan_cost_lines(plan: &InstalmentPlan) -> Vec<ClaimLine> {
    [
        (ClaimKind::Fee, PLAN_FEE_LINE, plan.fee),
        (ClaimKind::Interest, PLAN_INTEREST_LINE, plan.interest),
    ]
    .into_iter()
    .filter(|(_, _, amount)| amount.is_positive())
    .map(|(kind, description, amount)| ClaimLine {
        kind,
        description: description.to_owned(),
        amount,
    })
    .collect()
}

/// The earliest year a due date may fall in: older claims are not collected through innfri.
pub const FIRST_DUE_YEAR: i32 = 2000;
/// A due date may fall at most this many years after the current year (whole calendar years,
/// so the window is the same all year and a date pattern can describe it).
pub const DUE_YEARS_AHEAD: i32 = 10;

/// The last year a due date may fall in when it is `today`.
pub fn last_due_year(today: NaiveDate) -> i32 {
    today.year() + DUE_YEARS_AHEAD
}

/// A due date is sane: from 1 January 2000 to 31 December ten years after `today`'s year.
pub fn check_due_date(due: NaiveDate, today: NaiveDate) -> Result<(), CaseError> {
    let last = last_due_year(today);
    if (FIRST_DUE_YEAR..=last).contains(&due.year()) {
        Ok(())
    } else {
        Err(CaseError::DueDateOutOfRange(last))
    }
}

impl CaseTerms {
    /// Checks the invariants every case keeps, for a creditor collecting in `currency`, on `today`.
    pub fn validate(&self, currency: Currency, today: NaiveDate) -> Result<(), CaseError> {
        agency_text(&self.debtor.name, DEBTOR_NAME).map_err(CaseError::DebtorName)?;
        check_due_date(self.due_date, today)?;
        if self.claim.is_empty() {
            return Err(CaseError::NoClaimLines);
        }
        if self.claim.len() > 50 {
            return Err(CaseError::TooManyClaimLines);
        }
        for (i, line) in self.claim.iter().enumerate() {
            if line.amount.currency() != currency {
                return Err(CaseError::WrongCurrency(
                    i,
                    line.amount.currency(),
                    currency,
                ));
            }
            if line.amount.is_negative() {
                return Err(CaseError::NegativeAmount(i));
            }
            agency_text(&line.description, CLAIM_DESCRIPTION)
                .map_err(|e| CaseError::Description(i, e))?;
        }
        if !self
            .claim
            .iter()
            .any(|l| l.kind == ClaimKind::Principal && l.amount.is_positive())
        {
            return Err(CaseError::NoPrincipal);
        }
        total(&self.claim, currency).map(|_| ())
    }
}

fn total(lines: &[ClaimLine], currency: Currency) -> Result<Money, CaseError> {
    lines.iter().try_fold(Money::zero(currency), |sum, line| {
        sum.checked_add(line.amount).map_err(CaseError::Total)
    })
}

impl Case {
    /// A new open case from validated terms.
    pub fn open(
        id: CaseId,
        agency_id: AgencyId,
        external_ref: ExternalRef,
        terms: CaseTerms,
        kid: Kid,
        now: DateTime<Utc>,
    ) -> Case {
        Case {
            id,
            agency_id,
            creditor_id: terms.creditor_id,
            external_ref,
            debtor: terms.debtor,
            claim: terms.claim,
            due_date: terms.due_date,
            due_date_before_changes: None,
            kid,
            status: CaseStatus::Open,
            created_at: now,
            updated_at: now,
            version: 0,
            audit: Vec::new(),
            deferrals_granted: 0,
            plan: None,
            pending: Vec::new(),
            note_to_debtor: None,
            identity: IdentityFacts::default(),
            identity_failures: 0,
            identity_locked_until: None,
            payments: Vec::new(),
            settled_at: None,
            journey: JourneyProgress::default(),
            checkouts_ended: Vec::new(),
            plan_follow_up: PlanFollowUp::default(),
            broken_plans: Vec::new(),
            interest_paused: Vec::new(),
            conversation: Default::default(),
            documents: Vec::new(),
            contact_changes: Default::default(),
        }
    }

    /// Re-sent terms replace the debtor and claim; id, KID, status and history stay.
    pub fn update(&mut self, terms: CaseTerms, now: DateTime<Utc>) -> Result<(), CaseError> {
        if terms.creditor_id != self.creditor_id {
            return Err(CaseError::CreditorChanged);
        }
        self.debtor = terms.debtor;
        self.claim = terms.claim;
        // The agency's lines replace its own; what an agreed plan costs on top stays owed.
        if let Some(plan) = &self.plan {
            self.claim.extend(plan_cost_lines(plan));
        }
        for broken in &self.broken_plans {
            self.claim.extend(broken.kept_lines.iter().cloned());
        }
        self.due_date = terms.due_date;
        // The agency's new due date is the claim's own again.
        self.due_date_before_changes = None;
        self.updated_at = now;
        Ok(())
    }

    /// The due date the agency sent, before any deferral or plan moved it.
    pub fn original_due_date(&self) -> NaiveDate {
        self.due_date_before_changes.unwrap_or(self.due_date)
    }

    /// Adds a line to the audit trail.
    pub fn record(
        &mut self,
        actor: Actor,
        action: &str,
        detail: impl Into<String>,
        now: DateTime<Utc>,
    ) {
        self.audit.push(AuditEntry {
            at: now,
            actor,
            action: action.to_owned(),
            detail: detail.into(),
        });
    }

    /// What is still owed at the start of `on.day`: the claim less the payments received
    /// (negative when overpaid), plus the late-payment interest accrued to that day when the
    /// creditor has innfri accrue it (`on.rates`). Every use case asks through
    /// `service::owed`, which knows the creditor's day and rates.
    pub fn balance(&self, on: &OwedOn) -> Money {
        match &on.rates {
            None => self.balance_without_interest(),
            Some(rates) => self.ledger_balance(on.day, rates).total,
        }
    }

    /// The breakdown with the accrued interest (what it adds per day), when the creditor has
    /// innfri accrue it; `None` otherwise.
    pub fn interest_owed(&self, on: &OwedOn) -> Option<Balance> {
        on.rates
            .as_ref()
            .map(|rates| self.ledger_balance(on.day, rates))
    }

    /// The claim less the payments, without accrued interest: the whole balance only for a
    /// creditor whose agency sends interest lines. Use cases ask [`Case::balance`] through
    /// `service::owed` instead, which knows.
    pub fn balance_without_interest(&self) -> Money {
        let paid: i64 = self.payments.iter().map(|p| p.amount.minor_units()).sum();
        Money::from_minor(self.amount_due().minor_units() - paid, self.currency())
    }

    /// As [`Case::balance_with_interest`]; a day without a known rate accrues nothing, so
    /// this never fails (the fallback is only for a corrupt table).
    fn ledger_balance(&self, day: NaiveDate, rates: &super::interest::RateTable) -> Balance {
        self.balance_with_interest(day, rates).unwrap_or_else(|_| {
            let total = self.balance_without_interest();
            let zero = Money::zero(self.currency());
            Balance {
                principal: total,
                interest: zero,
                fees: zero,
                total,
                accrued_interest: zero,
                per_day: zero,
                paid: zero,
            }
        })
    }

    /// What is owed at the start of `day` with late-payment interest innfri accrues at `rates`
    /// (simple interest on the principal from the original due date, none on interest or
    /// fees, none while a plan pauses it; payments cover fees, then interest, then principal,
    /// from the day they arrived).
    /// Computed on read, never stored: the claim lines stay as the agency sent them. Fees a
    /// notice added count from the day it went out, the others from the day the case came.
    pub fn balance_with_interest(
        &self,
        day: NaiveDate,
        rates: &super::interest::RateTable,
    ) -> Result<super::ledger::Balance, super::interest::MissingRate> {
        use super::ledger::{Dated, Ledger};
        let currency = self.currency();
        let sum = |kind: ClaimKind| -> i64 {
            self.claim
                .iter()
                .filter(|l| l.kind == kind)
                .map(|l| l.amount.minor_units())
                .sum()
        };
        let mut fees: Vec<Dated> = self
            .journey
            .sent
            .iter()
            .filter(|n| n.step_id.is_some())
            .filter_map(|n| {
                n.fee.map(|amount| Dated {
                    on: n.sent_on,
                    amount,
                })
            })
            .collect();
        // What plans put on the claim counts from the day each was agreed: a payment made
        // before a plan went to what was owed then.
        let mut interest_charges: Vec<Dated> = Vec::new();
        let plans = self
            .plan
            .iter()
            .map(|p| (p.agreed_on, p.fee, p.interest))
            .chain(self.broken_plans.iter().map(|b| {
                let kept = |kind: ClaimKind| {
                    Money::from_minor(
                        b.kept_lines
                            .iter()
                            .filter(|l| l.kind == kind)
                            .map(|l| l.amount.minor_units())
                            .sum(),
                        currency,
                    )
                };
                (
                    b.plan.agreed_on,
                    kept(ClaimKind::Fee),
                    kept(ClaimKind::Interest),
                )
            }));
        for (on, fee, interest) in plans {
            fees.push(Dated { on, amount: fee });
            interest_charges.push(Dated {
                on,
                amount: interest,
            });
        }
        let by_notices: i64 = fees.iter().map(|f| f.amount.minor_units()).sum();
        let by_plans: i64 = interest_charges
            .iter()
            .map(|c| c.amount.minor_units())
            .sum();
        fees.push(Dated {
            on: self.created_at.date_naive(),
            amount: Money::from_minor((sum(ClaimKind::Fee) - by_notices).max(0), currency),
        });
        let payments: Vec<Dated> = self
            .payments
            .iter()
            .map(|p| Dated {
                on: p.received_on,
                amount: p.amount,
            })
            .collect();
        Ledger {
            currency,
            due_date: self.original_due_date(),
            principal: Money::from_minor(sum(ClaimKind::Principal), currency),
            fixed_interest: Money::from_minor(
                (sum(ClaimKind::Interest) - by_plans).max(0),
                currency,
            ),
            fees: &fees,
            interest_charges: &interest_charges,
            payments: &payments,
            rates: Some(rates),
            paused: &self.interest_paused,
        }
        .balance_on(day)
    }

    /// Records a payment; paid in full closes collection (the caller revokes links).
    /// The balance is counted on `on.day`, or on the day the money arrived if that is later.
    pub fn apply_payment(
        &mut self,
        payment: Payment,
        actor: Actor,
        now: DateTime<Utc>,
        on: &OwedOn,
    ) -> PaymentOutcome {
        let detail = format!(
            "{} received {} ({:?}, {})",
            payment.amount, payment.received_on, payment.method, payment.reference
        );
        let on = OwedOn {
            day: on.day.max(payment.received_on),
            rates: on.rates.clone(),
        };
        self.payments.push(payment);
        let balance_after = self.balance(&on);
        let paid_in_full = !balance_after.is_positive();
        if paid_in_full && matches!(self.status, CaseStatus::Open | CaseStatus::Disputed) {
            self.status = CaseStatus::Paid;
            self.settled_at.get_or_insert(now);
        }
        self.updated_at = now;
        self.record(actor, "payment.received", detail, now);
        let overpaid = balance_after
            .is_negative()
            .then(|| Money::from_minor(-balance_after.minor_units(), balance_after.currency()));
        PaymentOutcome {
            balance_after,
            paid_in_full,
            overpaid,
        }
    }

    /// What the request rules need to know.
    pub fn facts(&self, on: &OwedOn) -> CaseFacts {
        CaseFacts {
            balance: self.balance(on),
            due_date: super::self_service::effective_due_date(self.due_date),
            deferrals_granted: self.deferrals_granted,
        }
    }

    /// A deferral granted under the mandate: the new due date replaces the old.
    pub fn grant_deferral(&mut self, actor: Actor, new_due_date: NaiveDate, now: DateTime<Utc>) {
        let old = self.due_date;
        self.due_date_before_changes.get_or_insert(old);
        self.due_date = new_due_date;
        self.deferrals_granted += 1;
        self.updated_at = now;
        self.record(
            actor,
            "deferral.granted",
            format!("due date {old} → {new_due_date} under the mandate"),
            now,
        );
    }

    /// An instalment plan agreed under the mandate (instalment KIDs already assigned).
    pub fn agree_plan(&mut self, actor: Actor, plan: InstalmentPlan, now: DateTime<Utc>) {
        let detail = format!(
            "{} instalments, total {}, extra cost {}",
            plan.months(),
            plan.total,
            plan.extra_cost()
        );
        // A new plan starts its own follow-up.
        self.plan_follow_up = PlanFollowUp {
            due_date_before_plan: Some(self.due_date),
            ..PlanFollowUp::default()
        };
        if let Some(first) = plan.instalments.first() {
            self.due_date_before_changes.get_or_insert(self.due_date);
            self.due_date = first.due_date;
        }
        // What the plan costs on top is owed too: without these lines the case would count as
        // paid once the principal is in, and the plan's fee and interest would never be collected.
        self.claim.extend(plan_cost_lines(&plan));
        // The plan's principal is the balance on its day, late-payment interest accrued so far
        // included: from then on the plan's own terms (its interest, if the mandate sets one)
        // apply instead, so nothing is counted twice.
        self.end_interest_pause(plan.agreed_on);
        self.interest_paused.push(Pause {
            from: plan.agreed_on,
            until: None,
        });
        self.plan = Some(plan);
        self.updated_at = now;
        self.record(actor, "plan.granted", detail, now);
    }

    /// The plan broke on `day` (instalments `missed` were missed in a row): it is taken off the
    /// case and kept for the record, the due date in force before it comes back (the journey
    /// resumes from it), its fee stays owed, and of its interest only what instalments due by
    /// `day` carried stays (the rest was for time the debtor no longer gets). `None` without a
    /// plan.
    pub fn break_plan(
        &mut self,
        day: NaiveDate,
        missed: Vec<u32>,
        now: DateTime<Utc>,
    ) -> Option<&BrokenPlan> {
        let plan = self.plan.take()?;
        let earned = earned_interest(&plan, day);
        let unearned = Money::from_minor(
            plan.interest.minor_units() - earned.minor_units(),
            plan.interest.currency(),
        );
        // This plan's own interest line: the last one of its amount (`agree_plan` appends it),
        // not the first of the name, which may be an earlier broken plan's earned interest.
        if let Some(index) = self.claim.iter().rposition(|l| {
            l.kind == ClaimKind::Interest
                && l.description == PLAN_INTEREST_LINE
                && l.amount == plan.interest
        }) {
            if earned.is_positive() {
                self.claim[index].amount = earned;
            } else {
                self.claim.remove(index);
            }
        }
        // Late-payment interest runs again from the day the plan broke.
        self.end_interest_pause(day);
        let mut kept = plan.clone();
        kept.interest = earned;
        let kept_lines = plan_cost_lines(&kept);
        if let Some(before) = self.plan_follow_up.due_date_before_plan {
            self.due_date = before;
        }
        self.record(
            Actor::System,
            "plan.broken",
            format!(
                "instalments {missed:?} missed; the plan ended on {day}, unearned plan interest {unearned} taken off"
            ),
            now,
        );
        self.updated_at = now;
        self.broken_plans.push(BrokenPlan {
            plan,
            broken_on: day,
            missed,
            unearned_interest: unearned,
            kept_lines,
        });
        self.broken_plans.last()
    }

    /// The agency ended a limited agreement at its review (declined the proposal for the
    /// rest): the plan comes off the case (its instalments stay in the audit trail and its
    /// payments on the case), the due date in force before it is back so the journey resumes,
    /// and late-payment interest runs again from `day`. A limited plan carries no fee or plan
    /// interest, so no claim line changes. False when the case has no limited plan.
    pub fn end_limited_agreement(
        &mut self,
        actor: Actor,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> bool {
        if self.plan.as_ref().is_none_or(|p| p.limited.is_none()) {
            return false;
        }
        let Some(plan) = self.plan.take() else {
            return false;
        };
        self.end_interest_pause(day);
        if let Some(before) = self.plan_follow_up.due_date_before_plan {
            self.due_date = before;
        }
        self.updated_at = now;
        self.record(
            actor,
            "plan.limited_ended",
            format!(
                "the limited agreement of {} instalments agreed on {} ended on {day} at its review",
                plan.instalments.len(),
                plan.agreed_on
            ),
            now,
        );
        true
    }

    /// Ends an open interest pause on `day` (a plan replaced or broken).
    fn end_interest_pause(&mut self, day: NaiveDate) {
        for pause in self
            .interest_paused
            .iter_mut()
            .filter(|p| p.until.is_none())
        {
            pause.until = Some(day.max(pause.from));
        }
    }

    /// A request a person must look at; returns the id the agency answers it by.
    pub fn request_review(&mut self, request: PendingRequest, now: DateTime<Utc>) -> String {
        let action = match &request {
            PendingRequest::Deferral { .. } => "deferral.requested",
            PendingRequest::Plan { .. } => "plan.requested",
            PendingRequest::Dispute { .. } => "dispute.opened",
        };
        let detail = match &request {
            PendingRequest::Deferral {
                new_due_date,
                reason,
                ..
            } => format!("new due date {new_due_date}; review because {reason:?}"),
            PendingRequest::Plan { plan, reason, .. } => {
                format!("{} instalments; review because {reason:?}", plan.months())
            }
            PendingRequest::Dispute { .. } => {
                "the debtor disputes the claim; collection paused".to_owned()
            }
        };
        let id = format!("req_{}", uuid::Uuid::new_v4().simple());
        self.pending.push(Review {
            id: id.clone(),
            request,
        });
        self.updated_at = now;
        self.record(Actor::Debtor, action, detail, now);
        id
    }

    /// Removes a pending request to answer it.
    pub fn take_review(&mut self, id: &str) -> Option<PendingRequest> {
        let index = self.pending.iter().position(|r| r.id == id)?;
        Some(self.pending.remove(index).request)
    }

    /// The agency declined a request; the debtor reads `reason` on the case page.
    pub fn decline(&mut self, request: &PendingRequest, reason: &str, now: DateTime<Utc>) {
        self.decline_by(Actor::Agency, request, reason, now);
    }

    /// As [`Case::decline`], by `actor` (a staff user in the console).
    pub fn decline_by(
        &mut self,
        actor: Actor,
        request: &PendingRequest,
        reason: &str,
        now: DateTime<Utc>,
    ) {
        if matches!(request, PendingRequest::Dispute { .. }) {
            // The objection was considered and not upheld: collection resumes.
            self.status = CaseStatus::Open;
        }
        self.note_to_debtor = Some(reason.to_owned());
        self.updated_at = now;
        self.record(actor, "request.declined", reason, now);
    }

    /// The agency upheld a dispute: the claim is not pursued further.
    pub fn uphold_dispute(&mut self, note: Option<&str>, now: DateTime<Utc>) {
        self.uphold_dispute_by(Actor::Agency, note, now);
    }

    /// As [`Case::uphold_dispute`], by `actor`.
    pub fn uphold_dispute_by(&mut self, actor: Actor, note: Option<&str>, now: DateTime<Utc>) {
        self.status = CaseStatus::Closed;
        self.settled_at.get_or_insert(now);
        self.note_to_debtor = note.map(str::to_owned);
        self.updated_at = now;
        self.record(
            actor,
            "dispute.upheld",
            note.unwrap_or("the objection was upheld"),
            now,
        );
    }

    /// The agency ends collection: no more reminders, links stop working. Closing twice is a
    /// no-op (returns false).
    pub fn close(&mut self, reason: &str, now: DateTime<Utc>) -> bool {
        self.close_by(Actor::Agency, reason, now)
    }

    /// As [`Case::close`], by `actor` (a staff user in the console).
    pub fn close_by(&mut self, actor: Actor, reason: &str, now: DateTime<Utc>) -> bool {
        if self.status == CaseStatus::Closed {
            return false;
        }
        self.status = CaseStatus::Closed;
        // A paid case closed later keeps the time it was paid: retention counts from the first.
        self.settled_at.get_or_insert(now);
        self.updated_at = now;
        let reason = reason.trim();
        self.record(
            actor,
            "case.closed",
            if reason.is_empty() {
                "closed by the agency"
            } else {
                reason
            },
            now,
        );
        true
    }

    /// GDPR erasure: the debtor's name, contact data, identity facts and every free text (claim
    /// descriptions, notes, the debtor's own words) are removed; amounts, dates, payments and
    /// the audit trail's who-did-what-when stay, so the accounts still add up (payment
    /// references are bank or provider ids, not the payer's words, and are kept). An active case
    /// is closed first: nobody can be reached any more.
    pub fn erase(&mut self, now: DateTime<Utc>) {
        self.erase_by(Actor::Agency, now);
    }

    /// [`Case::erase`] by `actor` (a staff user), named in the audit trail.
    pub fn erase_by(&mut self, actor: Actor, now: DateTime<Utc>) {
        self.close_by(actor.clone(), "closed for erasure", now);
        self.debtor.name = String::new();
        self.debtor.phone = None;
        self.debtor.email = None;
        self.identity = IdentityFacts::default();
        for line in &mut self.claim {
            line.description = String::new();
        }
        self.note_to_debtor = None;
        self.pending.clear();
        self.conversation.erase();
        self.documents.clear();
        self.contact_changes.erase();
        for entry in &mut self.audit {
            entry.detail = String::new();
        }
        self.updated_at = now;
        self.record(actor, "case.erased", "", now);
    }

    /// Whether the debtor's personal data was erased.
    pub fn is_erased(&self) -> bool {
        self.audit.iter().any(|a| a.action == "case.erased")
    }

    /// Since when the case waits for automatic erasure: the moment collection ended, for a paid
    /// or closed case not yet erased; `None` otherwise. A case settled before `settled_at` was
    /// recorded counts from its last change, the closest the record knows.
    pub fn retention_clock(&self) -> Option<DateTime<Utc>> {
        if self.is_erased() || !matches!(self.status, CaseStatus::Paid | CaseStatus::Closed) {
            return None;
        }
        Some(self.settled_at.unwrap_or(self.updated_at))
    }

    /// Whether the debtor's pages still open for this case. Open and disputed cases have
    /// something to do or to read; a paid case shows its thank-you page. A closed case (an
    /// erased one is closed too) has nothing to show: its sessions end at once.
    pub fn debtor_pages_open(&self) -> bool {
        self.status != CaseStatus::Closed && !self.is_erased()
    }

    /// The debtor disagrees or says it is paid: collection stops until the agency resolves it.
    pub fn open_dispute(&mut self, dispute: Dispute, now: DateTime<Utc>) {
        self.status = CaseStatus::Disputed;
        self.request_review(PendingRequest::Dispute { dispute, at: now }, now);
    }

    /// Records that the online payment `reference` ended without money; `false` (nothing to
    /// write) when it was recorded before or its payment was applied.
    pub fn end_checkout(
        &mut self,
        reference: &str,
        end: super::checkout::CheckoutEnd,
        now: DateTime<Utc>,
    ) -> bool {
        let known = self.payments.iter().any(|p| p.reference == reference)
            || self
                .checkouts_ended
                .iter()
                .any(|e| e.reference == reference);
        if known {
            return false;
        }
        self.checkouts_ended.push(super::checkout::EndedCheckout {
            reference: reference.to_owned(),
            end,
            at: now,
        });
        self.updated_at = now;
        true
    }

    pub fn has_pending_review(&self) -> bool {
        !self.pending.is_empty()
    }

    pub fn currency(&self) -> Currency {
        self.claim
            .first()
            .map(|l| l.amount.currency())
            .unwrap_or(Currency::NOK)
    }

    /// What the debtor owes now: the sum of the claim lines.
    pub fn amount_due(&self) -> Money {
        // Validated on the way in; an overflow here would mean a corrupted record, shown as zero.
        total(&self.claim, self.currency()).unwrap_or_else(|_| Money::zero(self.currency()))
    }

    pub fn terms(&self) -> CaseTerms {
        CaseTerms {
            creditor_id: self.creditor_id.clone(),
            debtor: self.debtor.clone(),
            claim: self.claim.clone(),
            due_date: self.due_date,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    pub fn nok(amount: rust_decimal::Decimal) -> Money {
        Money::new(amount, Currency::NOK).expect("valid money")
    }

    pub fn sample_terms() -> CaseTerms {
        CaseTerms {
            creditor_id: CreditorId::parse("fjordkraft-demo").expect("id"),
            debtor: Debtor {
                name: "Kari Nordmann".into(),
                phone: Some(PhoneNumber::parse("912 34 567").expect("phone")),
                email: None,
                locale: Locale::Nb,
            },
            claim: vec![
                ClaimLine {
                    kind: ClaimKind::Principal,
                    description: "Faktura 1001".into(),
                    amount: nok(dec!(1200)),
                },
                ClaimLine {
                    kind: ClaimKind::Interest,
                    description: "Forsinkelsesrente".into(),
                    amount: nok(dec!(14.50)),
                },
                ClaimLine {
                    kind: ClaimKind::Fee,
                    description: "Purregebyr".into(),
                    amount: nok(dec!(35)),
                },
            ],
            due_date: NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    /// A creditor whose agency sends interest lines.
    fn flat() -> OwedOn {
        OwedOn::without_interest(today())
    }

    #[test]
    fn due_dates_fall_between_2000_and_ten_years_ahead() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(check_due_date(date(2000, 1, 1), today()), Ok(()));
        assert_eq!(check_due_date(date(2036, 12, 31), today()), Ok(()));
        assert_eq!(
            check_due_date(date(1999, 12, 31), today()),
            Err(CaseError::DueDateOutOfRange(2036))
        );
        assert_eq!(
            check_due_date(date(2037, 1, 1), today()),
            Err(CaseError::DueDateOutOfRange(2036))
        );
        // The window moves with the year `today` is in, not with the clock of the machine.
        assert_eq!(check_due_date(date(2037, 1, 1), date(2027, 1, 1)), Ok(()));
        let mut terms = sample_terms();
        terms.due_date = date(262_000, 1, 1);
        assert_eq!(
            terms.validate(Currency::NOK, today()),
            Err(CaseError::DueDateOutOfRange(2036))
        );
    }

    #[test]
    fn the_original_due_date_survives_deferrals_until_the_agency_sends_a_new_one() {
        let date = |m, d| NaiveDate::from_ymd_opt(2027, m, d).expect("date");
        let mut case = sample_case();
        let sent = case.due_date;
        let now = case.created_at;
        case.grant_deferral(Actor::Debtor, date(1, 15), now);
        case.grant_deferral(Actor::Debtor, date(2, 15), now);
        assert_eq!(case.due_date, date(2, 15));
        assert_eq!(case.original_due_date(), sent);
        let mut terms = sample_terms();
        terms.due_date = date(3, 1);
        case.update(terms, now).expect("same creditor");
        assert_eq!(case.original_due_date(), date(3, 1));
    }

    #[test]
    fn an_agreed_plan_puts_its_fee_and_interest_on_the_claim_and_they_stay_owed() {
        use crate::domain::plan::{Instalment, InstalmentPlan};
        let mut case = sample_case();
        let now = case.created_at;
        let balance = case.balance(&flat());
        let instalment = |n: u32, amount| Instalment {
            number: n,
            due_date: case.due_date,
            amount,
            principal: amount,
            interest: Money::zero(Currency::NOK),
            fee: Money::zero(Currency::NOK),
            kid: None,
        };
        let (fee, interest) = (nok(dec!(350)), nok(dec!(20)));
        let total = Money::from_minor(
            balance.minor_units() + fee.minor_units() + interest.minor_units(),
            Currency::NOK,
        );
        let plan = InstalmentPlan {
            agreed_on: now.date_naive(),
            instalments: vec![instalment(1, total)],
            principal: balance,
            fee,
            interest,
            total,
            limited: None,
        };
        case.agree_plan(Actor::Debtor, plan, now);
        assert_eq!(case.balance(&flat()), total);
        // Paying the principal alone leaves the plan's cost to pay.
        let outcome = case.apply_payment(
            Payment {
                reference: "p1".into(),
                amount: balance,
                received_on: now.date_naive(),
                method: crate::domain::payment::PaymentMethod::BankTransfer,
                recorded_at: now,
            },
            Actor::Agency,
            now,
            &flat(),
        );
        assert!(!outcome.paid_in_full);
        assert_eq!(case.balance(&flat()), nok(dec!(370)));
        // The agency re-sending its terms keeps what the plan costs.
        case.update(sample_terms(), now).expect("same creditor");
        assert_eq!(case.balance(&flat()), nok(dec!(370)));
    }

    #[test]
    fn a_broken_plan_is_kept_its_fee_stays_and_only_earned_interest_stays_owed() {
        use crate::domain::plan::{Instalment, InstalmentPlan};
        let mut case = sample_case();
        let now = case.created_at;
        let sent_due = case.due_date;
        let balance = case.balance(&flat());
        let day = |m| NaiveDate::from_ymd_opt(2027, m, 15).expect("date");
        let (fee, interest) = (nok(dec!(350)), nok(dec!(30)));
        let total = Money::from_minor(
            balance.minor_units() + fee.minor_units() + interest.minor_units(),
            Currency::NOK,
        );
        let third = Money::from_minor(total.minor_units() / 3, Currency::NOK);
        let instalments = (1..=3)
            .map(|n| Instalment {
                number: n,
                due_date: day(n),
                amount: third,
                principal: third,
                interest: nok(dec!(10)),
                fee: Money::zero(Currency::NOK),
                kid: None,
            })
            .collect();
        let plan = InstalmentPlan {
            agreed_on: now.date_naive(),
            instalments,
            principal: balance,
            fee,
            interest,
            total,
            limited: None,
        };
        case.agree_plan(Actor::Debtor, plan.clone(), now);
        assert_eq!(case.due_date, day(1));
        let broken = case
            .break_plan(day(2) + chrono::Duration::days(8), vec![1, 2], now)
            .expect("a plan to break")
            .clone();
        assert_eq!(broken.plan, plan);
        assert_eq!(broken.unearned_interest, nok(dec!(10)));
        assert_eq!(case.plan, None);
        assert_eq!(
            case.due_date, sent_due,
            "the due date before the plan is back"
        );
        // The fee and two instalments' interest stay owed, also when the agency sends again.
        assert_eq!(
            case.balance(&flat()).minor_units(),
            total.minor_units() - 1_000
        );
        case.update(sample_terms(), now).expect("same creditor");
        assert_eq!(
            case.balance(&flat()).minor_units(),
            total.minor_units() - 1_000
        );
        assert_eq!(case.break_plan(day(3), vec![], now), None);
    }

    /// A plan of three monthly instalments from `first` (15th of each month) over what `case`
    /// owes, with `interest` split evenly across them.
    fn three_instalments(
        case: &Case,
        first: u32,
        interest: i64,
    ) -> crate::domain::plan::InstalmentPlan {
        use crate::domain::plan::{Instalment, InstalmentPlan};
        let balance = case.balance(&flat());
        let total = Money::from_minor(balance.minor_units() + interest, Currency::NOK);
        let third = Money::from_minor(total.minor_units() / 3, Currency::NOK);
        let instalments = (0..3)
            .map(|n| Instalment {
                number: n + 1,
                due_date: NaiveDate::from_ymd_opt(2027, first + n, 15).expect("date"),
                amount: third,
                principal: third,
                interest: Money::from_minor(interest / 3, Currency::NOK),
                fee: Money::zero(Currency::NOK),
                kid: None,
            })
            .collect();
        InstalmentPlan {
            agreed_on: case.created_at.date_naive(),
            instalments,
            principal: balance,
            fee: Money::zero(Currency::NOK),
            interest: Money::from_minor(interest, Currency::NOK),
            total,
            limited: None,
        }
    }

    #[test]
    fn a_second_broken_plan_keeps_each_plans_earned_interest_and_no_more() {
        let mut case = sample_case();
        let now = case.created_at;
        let before = case.balance(&flat()).minor_units();
        // The first plan (30 kr interest) breaks after two instalments fell due: 20 kr earned.
        let first = three_instalments(&case, 1, 3_000);
        case.agree_plan(Actor::Debtor, first, now);
        let day = |m| NaiveDate::from_ymd_opt(2027, m, 23).expect("date");
        case.break_plan(day(2), vec![1, 2], now).expect("broken");
        assert_eq!(case.balance(&flat()).minor_units(), before + 2_000);
        // The second (60 kr interest) breaks after one instalment fell due: 20 kr earned.
        let second = three_instalments(&case, 5, 6_000);
        case.agree_plan(Actor::Debtor, second, now);
        case.break_plan(day(5), vec![1], now).expect("broken");
        let plan_interest: Vec<i64> = case
            .claim
            .iter()
            .filter(|l| l.description == PLAN_INTEREST_LINE)
            .map(|l| l.amount.minor_units())
            .collect();
        assert_eq!(plan_interest, vec![2_000, 2_000], "each plan's own line");
        assert_eq!(case.balance(&flat()).minor_units(), before + 4_000);
    }

    #[test]
    fn interest_accrues_on_the_principal_from_the_original_due_date_on_read() {
        use crate::domain::interest::{RatePeriod, RateTable};
        let mut case = sample_case();
        let rates = RateTable::new(
            vec![
                RatePeriod {
                    from: NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
                    percent: dec!(12.00),
                },
                RatePeriod {
                    from: NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"),
                    percent: dec!(11.00),
                },
            ],
            NaiveDate::from_ymd_opt(2027, 7, 1).expect("date"),
        );
        let due = case.due_date;
        // A deferral moves the due date in force, not the day interest runs from.
        case.grant_deferral(
            Actor::Debtor,
            due + chrono::Duration::days(20),
            case.created_at,
        );
        let day = NaiveDate::from_ymd_opt(2027, 1, 11).expect("date");
        let b = case.balance_with_interest(day, &rates).expect("rate");
        // 1200 kr: 31 days of December 2026 at 12 %, 10 days of January 2027 at 11 %.
        let by_hand = dec!(1200) * dec!(12) * dec!(31) / dec!(100) / dec!(365)
            + dec!(1200) * dec!(11) * dec!(10) / dec!(100) / dec!(365);
        assert_eq!(
            b.accrued_interest,
            Money::round_to_minor(by_hand, Currency::NOK)
        );
        assert_eq!(
            b.total.minor_units(),
            case.balance(&flat()).minor_units() + b.accrued_interest.minor_units()
        );
        // 1200 × 11 % / 365 = 0.3616… a day.
        assert_eq!(b.per_day, nok(dec!(0.36)));
        // Nothing is stored: the claim lines are as sent.
        assert_eq!(case.amount_due(), nok(dec!(1249.50)));
    }

    #[test]
    fn a_plan_takes_the_interest_accrued_by_its_day_and_stops_it_until_it_breaks() {
        use crate::domain::interest::{RatePeriod, RateTable};
        use crate::domain::plan::{PlanShape, schedule};
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        let rates = RateTable::new(
            vec![RatePeriod {
                from: date(2026, 1, 1),
                percent: dec!(12.00),
            }],
            date(2028, 1, 1),
        );
        let on = |day| OwedOn {
            day,
            rates: Some(rates.clone()),
        };
        let mut case = sample_case();
        // Due 2026-12-01; by 2026-12-31, 30 days on 1 200 kr at 12 %:
        // 1200 × 0.12 × 30 / 365 = 11.835… → 11.84, on top of 1 249.50.
        let agreed = date(2026, 12, 31);
        let owed = case.balance(&on(agreed));
        assert_eq!(owed, nok(dec!(1261.34)));
        let mut rules = crate::domain::mandate::tests::generous().plan;
        rules.interest_during_plan = true;
        rules.interest_rate_percent = dec!(10);
        let plan = schedule(owed, PlanShape::Months(3), &rules, agreed).expect("plan");
        assert_eq!(plan.principal, owed);
        case.agree_plan(Actor::Debtor, plan.clone(), case.created_at);
        // The plan is what is owed now, and the late-payment interest does not run on beside
        // the plan's own interest: counted once.
        assert_eq!(case.balance(&on(agreed)), plan.total);
        assert_eq!(case.balance(&on(date(2027, 2, 15))), plan.total);
        assert_eq!(
            case.interest_owed(&on(date(2027, 2, 15)))
                .expect("accruing")
                .per_day,
            nok(dec!(0))
        );
        // The plan breaks on 2027-03-01: late-payment interest runs again from that day.
        let broke = date(2027, 3, 1);
        case.break_plan(broke, vec![1, 2], case.created_at);
        let at_break = case.balance(&on(broke));
        let ten_days_on = case.balance(&on(date(2027, 3, 11)));
        // 10 days on the 1 200 kr principal: 1200 × 0.12 × 10 / 365 = 3.945… → 3.95 (the
        // accrued total is rounded once, so the step may differ by an øre).
        let step = ten_days_on.minor_units() - at_break.minor_units();
        assert!((394..=396).contains(&step), "{step}");
    }

    #[test]
    fn control_and_bidi_characters_in_texts_name_their_field() {
        let mut terms = sample_terms();
        terms.debtor.name = "Kari\u{202E}nnamdroN".into();
        assert_eq!(
            terms.validate(Currency::NOK, today()),
            Err(CaseError::DebtorName(TextError::Bidi(0x202E)))
        );
        let mut terms = sample_terms();
        terms.claim[1].description = "Rente\u{1B}[2J".into();
        let error = terms.validate(Currency::NOK, today()).expect_err("refused");
        assert_eq!(error, CaseError::Description(1, TextError::Control(0x1B)));
        assert!(error.to_string().starts_with("claim[1].description "));
    }

    #[test]
    fn amount_due_is_the_exact_sum_of_the_claim_lines() {
        let terms = sample_terms();
        terms.validate(Currency::NOK, today()).expect("valid");
        let kid = Kid::parse("12344", crate::domain::kid::KidAlgorithm::Mod10).expect("kid");
        let case = Case::open(
            CaseId::generate(),
            AgencyId::parse("a").expect("id"),
            ExternalRef::parse("r1").expect("ref"),
            terms,
            kid,
            Utc::now(),
        );
        assert_eq!(case.amount_due(), nok(dec!(1249.50)));
    }

    pub fn sample_case() -> Case {
        let kid = Kid::parse("12344", crate::domain::kid::KidAlgorithm::Mod10).expect("kid");
        Case::open(
            CaseId::generate(),
            AgencyId::parse("a").expect("id"),
            ExternalRef::parse("r1").expect("ref"),
            sample_terms(),
            kid,
            Utc::now(),
        )
    }

    #[test]
    fn closing_is_recorded_once() {
        let mut case = sample_case();
        assert!(case.close("  ", Utc::now()));
        assert_eq!(case.status, CaseStatus::Closed);
        assert!(!case.close("again", Utc::now()));
        let closes = case.audit.iter().filter(|a| a.action == "case.closed");
        assert_eq!(closes.count(), 1);
    }

    #[test]
    fn erasure_removes_personal_data_and_keeps_the_amounts() {
        let mut case = sample_case();
        case.record(
            Actor::Debtor,
            "dispute.opened",
            "Jeg har betalt, Kari",
            Utc::now(),
        );
        case.note_to_debtor = Some("Hei Kari".into());
        case.identity.birth_date = NaiveDate::from_ymd_opt(1980, 5, 17);
        let due = case.amount_due();
        case.erase(Utc::now());
        assert!(case.is_erased());
        assert_eq!(case.status, CaseStatus::Closed);
        assert!(case.debtor.name.is_empty());
        assert_eq!(case.debtor.phone, None);
        assert_eq!(case.identity, IdentityFacts::default());
        assert_eq!(case.note_to_debtor, None);
        assert!(case.claim.iter().all(|l| l.description.is_empty()));
        assert!(case.audit.iter().all(|a| a.detail.is_empty()));
        assert!(case.audit.iter().any(|a| a.action == "dispute.opened"));
        assert_eq!(case.amount_due(), due);
        let text = serde_json::to_string(&case).expect("json");
        // The name, the phone number and the birth date (random ids may hold any digits).
        assert!(
            !text.contains("Kari") && !text.contains("91234567") && !text.contains("1980-05-17")
        );
    }

    #[test]
    fn the_retention_clock_starts_when_collection_ends_and_stops_at_erasure() {
        let t0 = Utc::now();
        let mut case = sample_case();
        assert_eq!(case.retention_clock(), None, "an open case is not due");
        case.open_dispute(
            Dispute {
                text: "x".into(),
                paid_on: None,
                paid_amount: None,
                paid_reference: None,
            },
            t0,
        );
        assert_eq!(case.retention_clock(), None, "nor a disputed one");
        let paid_at = t0 + chrono::Duration::days(1);
        let payment = Payment {
            reference: "r1".into(),
            amount: case.amount_due(),
            received_on: paid_at.date_naive(),
            method: crate::domain::payment::PaymentMethod::BankTransfer,
            recorded_at: paid_at,
        };
        case.apply_payment(payment, Actor::System, paid_at, &flat());
        assert_eq!(case.status, CaseStatus::Paid);
        assert_eq!(case.retention_clock(), Some(paid_at));
        assert!(
            case.debtor_pages_open(),
            "a paid case still thanks the debtor"
        );
        // Closed later: the clock keeps running from the payment.
        case.close("done", paid_at + chrono::Duration::days(5));
        assert_eq!(case.retention_clock(), Some(paid_at));
        assert!(!case.debtor_pages_open());
        case.erase(paid_at + chrono::Duration::days(6));
        assert_eq!(case.retention_clock(), None, "nothing is left to erase");
    }

    #[test]
    fn a_case_settled_before_the_clock_was_recorded_counts_from_its_last_change() {
        let mut case = sample_case();
        case.close("", Utc::now());
        case.settled_at = None;
        assert_eq!(case.retention_clock(), Some(case.updated_at));
    }

    #[test]
    fn a_negative_line_names_its_index() {
        let mut terms = sample_terms();
        terms.claim[2].amount = nok(dec!(-1));
        assert_eq!(
            terms.validate(Currency::NOK, today()),
            Err(CaseError::NegativeAmount(2))
        );
    }

    #[test]
    fn a_claim_without_a_positive_principal_is_refused() {
        let mut terms = sample_terms();
        terms.claim.remove(0);
        assert_eq!(
            terms.validate(Currency::NOK, today()),
            Err(CaseError::NoPrincipal)
        );
    }

    #[test]
    fn lines_in_another_currency_than_the_creditor_are_refused() {
        let terms = sample_terms();
        assert!(matches!(
            terms.validate(Currency::SEK, today()),
            Err(CaseError::WrongCurrency(0, _, _))
        ));
    }

    #[test]
    fn a_blank_debtor_name_is_refused() {
        let mut terms = sample_terms();
        terms.debtor.name = "   ".into();
        assert_eq!(
            terms.validate(Currency::NOK, today()),
            Err(CaseError::DebtorName(TextError::Empty))
        );
    }

    #[test]
    fn updating_keeps_identity_but_not_a_creditor_change() {
        let terms = sample_terms();
        let kid = Kid::parse("12344", crate::domain::kid::KidAlgorithm::Mod10).expect("kid");
        let mut case = Case::open(
            CaseId::generate(),
            AgencyId::parse("a").expect("id"),
            ExternalRef::parse("r1").expect("ref"),
            terms.clone(),
            kid,
            Utc::now(),
        );
        let mut changed = terms.clone();
        changed.claim[0].amount = nok(dec!(1000));
        case.update(changed, Utc::now()).expect("update");
        assert_eq!(case.amount_due(), nok(dec!(1049.50)));
        let mut other = terms;
        other.creditor_id = CreditorId::parse("someone-else").expect("id");
        assert_eq!(
            case.update(other, Utc::now()),
            Err(CaseError::CreditorChanged)
        );
    }
}
