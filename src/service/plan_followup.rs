//! The follow-up of an agreed plan as a use case: the plan's next reminder, late note or
//! broken-plan notice is a queued message (`InstalmentReminder`, `InstalmentLate`,
//! `PlanBroken`, with the follow-up in `message.follow_up`) on its day, so the message queue's
//! time index finds what is due. When the worker is done with such a message the next one is
//! queued; every change of the case (a payment, a dispute, closing) plans it again. When the
//! plan breaks it is kept on the case for the record, the agency gets `plan.broken`, and the
//! journey resumes. When a limited agreement's period is over the case goes into the review
//! queue with a proposal for what is left, the agency gets `plan.review_due` (once) and the
//! debtor is told (`PlanReviewDue`). The rules are `domain::plan_followup`.

use chrono::{DateTime, Utc};

use super::retry::{self, Attempt, written};
use crate::context::AppContext;
use crate::domain::case::{Case, CaseStatus};
use crate::domain::creditor::Creditor;
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::{CaseId, MessageId};
use crate::domain::journey_engine::{local_day, send_time};
use crate::domain::message::{Message, Recipient, Template};
use crate::domain::plan::limited_schedule;
use crate::domain::plan_followup::{FollowUp, QueuedFollowUp, broken_by, plan_next};
use crate::domain::self_service::{PendingRequest, ReviewReason, best_plan};
use crate::store::StoreError;

/// What a change of the follow-up does to the queue, once the case is written.
#[derive(Default)]
struct Replan {
    /// Nothing to write.
    unchanged: bool,
    schedule: Vec<Message>,
    cancel: Vec<MessageId>,
    events: Vec<Event>,
    /// The plan broke: the journey takes over again.
    broke: bool,
}

/// Where the follow-up writes: SMS when the debtor has a number, e-mail otherwise (the worker's
/// channel fallback covers a number that turns out undeliverable).
fn recipient(case: &Case) -> Option<Recipient> {
    case.debtor
        .phone
        .clone()
        .map(Recipient::Sms)
        .or_else(|| case.debtor.email.clone().map(Recipient::Email))
}

fn template(follow_up: FollowUp) -> Template {
    match follow_up {
        FollowUp::Reminder { .. } => Template::InstalmentReminder,
        FollowUp::LateNote { .. } => Template::InstalmentLate,
        FollowUp::Break => Template::PlanBroken,
        FollowUp::ReviewDue => Template::PlanReviewDue,
    }
}

/// Brings `case`'s queued follow-up in line with its plan on `now` (changing `case`); breaks the
/// plan when its day has come.
fn replan(creditor: &Creditor, case: &mut Case, now: DateTime<Utc>) -> Replan {
    let today = local_day(creditor.jurisdiction, now);
    let owed = creditor.owed_on(today);
    let rules = &creditor.mandate.follow_up;
    let old = case.plan_follow_up.queued.clone();
    let mut out = Replan::default();
    let active = case.status == CaseStatus::Open && !case.is_erased();
    let next = case.plan.as_ref().filter(|_| active).and_then(|plan| {
        plan_next(
            plan,
            rules,
            &case.plan_follow_up,
            case.balance(&owed),
            today,
        )
    });
    let Some((follow_up, day)) = next else {
        // No plan (or it is done), or the case is not collected now: nothing waits, except a
        // broken-plan notice still on its way.
        // Nor the notice that a limited agreement is under review, once it is.
        let still_told = |q: &QueuedFollowUp| {
            active
                && match q.follow_up {
                    FollowUp::Break => case.plan.is_none(),
                    FollowUp::ReviewDue => case.plan_follow_up.done.contains(&FollowUp::ReviewDue),
                    _ => false,
                }
        };
        match old {
            Some(q) if !still_told(&q) => {
                case.plan_follow_up.queued = None;
                out.cancel = q.messages;
            }
            _ => out.unchanged = true,
        }
        return out;
    };
    if follow_up == FollowUp::Break && day <= today {
        let missed = case
            .plan
            .as_ref()
            .and_then(|plan| broken_by(plan, rules, case.balance(&owed), today));
        if let Some((missed, broke_on)) = missed {
            break_now(case, broke_on, missed, now, &owed, &mut out);
            // The notice goes now, unless the one queued for this day is it.
            if old.as_ref().is_some_and(|q| q.follow_up == FollowUp::Break) {
                return out;
            }
            out.cancel = old.map(|q| q.messages).unwrap_or_default();
            queue(case, follow_up, today, creditor, now, &mut out);
            return out;
        }
    }
    if follow_up == FollowUp::ReviewDue && day <= today {
        // The period is over: into the review queue now; the debtor's notice goes with it.
        review_now(creditor, case, today, now, &mut out);
        if old
            .as_ref()
            .is_some_and(|q| q.follow_up == FollowUp::ReviewDue)
        {
            return out;
        }
        out.cancel = old.map(|q| q.messages).unwrap_or_default();
        queue(case, follow_up, today, creditor, now, &mut out);
        return out;
    }
    if old
        .as_ref()
        .is_some_and(|q| q.follow_up == follow_up && q.day == day)
    {
        out.unchanged = true;
        return out;
    }
    out.cancel = old.map(|q| q.messages).unwrap_or_default();
    queue(case, follow_up, day, creditor, now, &mut out);
    out
}

fn queue(
    case: &mut Case,
    follow_up: FollowUp,
    day: chrono::NaiveDate,
    creditor: &Creditor,
    now: DateTime<Utc>,
    out: &mut Replan,
) {
    let Some(to) = recipient(case) else {
        case.plan_follow_up.queued = None;
        return;
    };
    let at = send_time(creditor.jurisdiction, day, now);
    let mut message = Message::schedule(
        case.id.clone(),
        case.agency_id.clone(),
        to,
        template(follow_up),
        at,
        now,
    );
    message.follow_up = Some(follow_up);
    case.plan_follow_up.queued = Some(QueuedFollowUp {
        follow_up,
        day,
        messages: vec![message.id.clone()],
    });
    out.schedule.push(message);
}

/// A limited agreement's period is over: the case waits for the agency with a proposal for
/// what is left (the longest ordinary plan the mandate grants, or another limited period when
/// none reaches the usual minimum), and the agency gets `plan.review_due`. Marked done, so it
/// happens once.
fn review_now(
    creditor: &Creditor,
    case: &mut Case,
    today: chrono::NaiveDate,
    now: DateTime<Utc>,
    out: &mut Replan,
) {
    if case.plan_follow_up.done.contains(&FollowUp::ReviewDue) {
        return;
    }
    case.plan_follow_up.done.push(FollowUp::ReviewDue);
    let Some(limited) = case
        .plan
        .as_ref()
        .and_then(|p| p.limited.map(|l| (p.clone(), l)))
    else {
        return;
    };
    let (plan, terms) = limited;
    let owed = creditor.owed_on(today);
    let facts = case.facts(&owed);
    let mandate = &creditor.mandate;
    let proposal = best_plan(&facts, mandate, today).or_else(|| {
        limited_schedule(
            facts.balance,
            plan.monthly(),
            mandate.plan.limited.max_months.max(1),
            &mandate.plan,
            today,
        )
        .ok()
    });
    let mut data = serde_json::json!({
        "case_id": case.id,
        "external_ref": case.external_ref,
        "balance": case.balance(&owed),
        "period_ended_on": terms.ends_on,
        "instalments": plan.instalments.len(),
    });
    if let Some(proposal) = proposal {
        let request_id = case.request_review(
            PendingRequest::Plan {
                plan: proposal.clone(),
                reason: ReviewReason::LimitedAgreementEnded,
                at: now,
            },
            now,
        );
        if let Some(map) = data.as_object_mut() {
            map.insert("request_id".into(), serde_json::json!(request_id));
            map.insert("plan".into(), serde_json::json!(proposal));
        }
    }
    out.events.push(Event::new(
        case.agency_id.clone(),
        Some(case.id.clone()),
        EventKind::PlanReviewDue,
        data,
        now,
    ));
}

/// Breaks the plan as of `day`: kept for the record, `plan.broken` for the agency.
fn break_now(
    case: &mut Case,
    day: chrono::NaiveDate,
    missed: Vec<u32>,
    now: DateTime<Utc>,
    owed: &crate::domain::ledger::OwedOn,
    out: &mut Replan,
) {
    let Some(broken) = case.break_plan(day, missed, now) else {
        return;
    };
    let data = serde_json::json!({
        "broken_on": broken.broken_on,
        "missed": broken.missed,
        "instalments": broken.plan.instalments.len(),
        "unearned_interest": broken.unearned_interest,
    });
    case.plan_follow_up.done.push(FollowUp::Break);
    let mut data = data;
    if let Some(map) = data.as_object_mut() {
        map.insert("case_id".into(), serde_json::json!(case.id));
        map.insert("external_ref".into(), serde_json::json!(case.external_ref));
        map.insert("balance".into(), serde_json::json!(case.balance(owed)));
        map.insert("due_date".into(), serde_json::json!(case.due_date));
    }
    out.events.push(Event::new(
        case.agency_id.clone(),
        Some(case.id.clone()),
        EventKind::PlanBroken,
        data,
        now,
    ));
    out.broke = true;
}

async fn apply(ctx: &AppContext, plan: &Replan) -> Result<(), StoreError> {
    for id in &plan.cancel {
        ctx.store.cancel_queued_message(id).await?;
    }
    for message in &plan.schedule {
        ctx.store.schedule_message(message).await?;
    }
    Ok(())
}

/// Reads case `id`, lets `change` mark what the worker finished, plans the follow-up again and
/// writes it; after a break the journey is planned again (it resumes).
async fn run(
    ctx: &AppContext,
    id: &CaseId,
    finished: Option<&Message>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let broke = retry::on_conflict::<bool, StoreError, _, _>(|| async move {
        let Some(mut case) = ctx.store.case(id).await? else {
            return Ok(Attempt::Done(false));
        };
        let Some(creditor) = ctx.creditor(&case.creditor_id).await? else {
            return Ok(Attempt::Done(false));
        };
        let mut changed = false;
        let mut extra = Replan::default();
        if let Some(message) = finished
            && let Some(follow_up) = message.follow_up
        {
            let progress = &mut case.plan_follow_up;
            if progress
                .queued
                .as_ref()
                .is_some_and(|q| q.messages.contains(&message.id))
            {
                progress.queued = None;
                changed = true;
            }
            if !progress.done.contains(&follow_up) && case.plan.is_some() {
                if follow_up == FollowUp::Break {
                    // The notice was handled (sent, or could not be): the plan breaks now,
                    // unless a payment since put it right.
                    let today = local_day(creditor.jurisdiction, now);
                    let owed = creditor.owed_on(today);
                    let missed = case.plan.as_ref().and_then(|plan| {
                        broken_by(
                            plan,
                            &creditor.mandate.follow_up,
                            case.balance(&owed),
                            today,
                        )
                    });
                    if let Some((missed, broke_on)) = missed {
                        break_now(&mut case, broke_on, missed, now, &owed, &mut extra);
                        changed = true;
                    }
                } else if follow_up == FollowUp::ReviewDue {
                    let today = local_day(creditor.jurisdiction, now);
                    review_now(&creditor, &mut case, today, now, &mut extra);
                    changed = true;
                } else {
                    case.plan_follow_up.done.push(follow_up);
                    changed = true;
                }
            }
        }
        let mut plan = replan(&creditor, &mut case, now);
        plan.events.extend(extra.events);
        plan.broke |= extra.broke;
        if plan.unchanged && !changed {
            return Ok(Attempt::Done(false));
        }
        case.updated_at = now;
        match written(ctx.store.update_case_with_events(&case, &plan.events).await)? {
            Attempt::Done(_) => {
                apply(ctx, &plan).await?;
                if plan.broke {
                    tracing::info!(case = %case.id, "plan broken; the journey resumes");
                }
                Ok(Attempt::Done(plan.broke))
            }
            Attempt::Conflicted => Ok(Attempt::Conflicted),
        }
    })
    .await?
    .ok_or(StoreError::Conflict)?;
    if broke {
        // The plan is off the case: the journey's pause for it ends and its next step is queued.
        super::journey::sync(ctx, id, now).await?;
    }
    Ok(())
}

/// Plans the follow-up of case `id` after a change (a plan agreed, a payment, a dispute,
/// closing): queues its next message, moves or cancels it, breaks the plan when its day has
/// come. Safe to call any number of times.
pub async fn sync(ctx: &AppContext, id: &CaseId, now: DateTime<Utc>) -> Result<(), StoreError> {
    run(ctx, id, None, now).await
}

/// [`sync`] for a use case whose own change is already written: a failure is logged, never
/// undoes that change.
pub async fn follow(ctx: &AppContext, id: &CaseId, now: DateTime<Utc>) {
    if let Err(e) = sync(ctx, id, now).await {
        tracing::warn!(case = %id, error = %e, "could not plan the case's instalment follow-up");
    }
}

/// The worker is done with `message` (sent, cancelled or failed for good): a follow-up is
/// recorded as handled, once, and the next one queued; a broken-plan notice breaks the plan.
/// Any other message changes nothing.
pub async fn message_done(
    ctx: &AppContext,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if message.follow_up.is_none() {
        return Ok(());
    }
    run(ctx, &message.case_id, Some(message), now).await
}
