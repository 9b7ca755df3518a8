//! The journey engine as a use case: a case's next step is a queued message (`JourneyStep`) at
//! the step's day, so the message queue's time index finds what is due and the worker's
//! contact hours, crash safety and exactly-once apply to it. When the worker reports such a
//! message sent, the step is recorded (notice, deadline, fee as a claim line, events, audit)
//! and the step after it is queued. Every change of a case that can move its journey calls
//! [`sync`]: it stops (paid, closed, erased), pauses (disputed, a plan, a person's pause) or
//! moves (a new due date) the queued step. The rules are `domain::journey_engine`.

use chrono::{DateTime, NaiveDate, Utc};

use super::retry::{self, Attempt, written};
use crate::context::AppContext;
use crate::domain::case::Case;
use crate::domain::creditor::Creditor;
use crate::domain::event::{Actor, Event, EventKind};
use crate::domain::ids::{CaseId, MessageId};
use crate::domain::journey::{PauseReason, QueuedStep, StepRef, choose_variant};
use crate::domain::journey_engine::{NextAction, local_day, next_action, send_time};
use crate::domain::message::{Message, Recipient, Template};
use crate::store::StoreError;

/// What a change of the case's journey does to the queue, once the case is written.
#[derive(Default)]
struct Replan {
    /// Nothing changed: the queued step is still the right one.
    unchanged: bool,
    /// The queued step's messages as they should exist (scheduled again if a crash lost them).
    repair: Vec<Message>,
    schedule: Vec<Message>,
    cancel: Vec<MessageId>,
    events: Vec<Event>,
}

/// A stable number for the case: it keeps its text variant for every step.
fn variant_seed(case: &CaseId) -> u64 {
    case.as_str()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
}

/// The messages of step `index` to `to`, not before `at`, with `ids` when they were planned
/// before (so a repair makes the same messages again).
fn step_messages(
    creditor: &Creditor,
    case: &Case,
    index: usize,
    to: &[Recipient],
    at: DateTime<Utc>,
    ids: Option<&[MessageId]>,
    now: DateTime<Utc>,
) -> Vec<Message> {
    let Some(step) = creditor.journey.steps.get(index) else {
        return Vec::new();
    };
    let variant = choose_variant(step, variant_seed(&case.id))
        .map(|v| v.text.clone())
        .unwrap_or_default();
    to.iter()
        .enumerate()
        .map(|(i, recipient)| {
            let mut message = Message::schedule(
                case.id.clone(),
                case.agency_id.clone(),
                recipient.clone(),
                Template::JourneyStep,
                at,
                now,
            );
            if let Some(id) = ids.and_then(|ids| ids.get(i)) {
                message.id = id.clone();
            }
            message.journey = Some(StepRef {
                step: index,
                step_id: step.id.clone(),
                variant: variant.clone(),
            });
            message
        })
        .collect()
}

/// Brings `case`'s queued step in line with its next action at `now` (changing `case`), and
/// says what to do to the queue once the case is written.
fn replan(creditor: &Creditor, case: &mut Case, now: DateTime<Utc>) -> Replan {
    let today = local_day(creditor.jurisdiction, now);
    let action = next_action(creditor, case, today);
    let old = case.journey.queued.clone();
    let mut plan = Replan::default();
    match action {
        NextAction::Send { step, day, to, .. } => {
            let at = send_time(creditor.jurisdiction, day, now);
            if let Some(q) = old
                .as_ref()
                .filter(|q| q.step == step && q.day == day && q.messages.len() == to.len())
            {
                plan.unchanged = true;
                plan.repair = step_messages(creditor, case, step, &to, at, Some(&q.messages), now);
                return plan;
            }
            plan.schedule = step_messages(creditor, case, step, &to, at, None, now);
            case.journey.queued = Some(QueuedStep {
                step,
                step_id: creditor
                    .journey
                    .steps
                    .get(step)
                    .map(|s| s.id.clone())
                    .unwrap_or_default(),
                day,
                messages: plan.schedule.iter().map(|m| m.id.clone()).collect(),
            });
        }
        NextAction::NeedsReview { step, why } => {
            case.journey.queued = None;
            if case.journey.paused != Some(PauseReason::NeedsReview) {
                case.journey.paused = Some(PauseReason::NeedsReview);
                case.record(Actor::System, "journey.paused", why.clone(), now);
                plan.events.push(Event::new(
                    case.agency_id.clone(),
                    Some(case.id.clone()),
                    EventKind::JourneyPaused,
                    serde_json::json!({
                        "case_id": case.id,
                        "external_ref": case.external_ref,
                        "step": creditor.journey.steps.get(step).map(|s| s.id.as_str()),
                        "status": "needs_review",
                        "reason": why,
                    }),
                    now,
                ));
            }
        }
        NextAction::Paused(_) | NextAction::Stopped => {
            case.journey.queued = None;
            if old.is_none() {
                plan.unchanged = true;
                return plan;
            }
        }
    }
    plan.cancel = old.map(|q| q.messages).unwrap_or_default();
    plan
}

/// Carries out a written replan on the queue: cancels the old step's messages that still wait
/// and queues the new ones (or those a crash lost).
async fn apply(ctx: &AppContext, plan: &Replan) -> Result<(), StoreError> {
    for id in &plan.cancel {
        // One a worker holds already is sent or judged by the worker (it stops with the case).
        ctx.store.cancel_queued_message(id).await?;
    }
    for message in &plan.schedule {
        ctx.store.schedule_message(message).await?;
    }
    for message in &plan.repair {
        if ctx.store.message(&message.id).await?.is_none() {
            tracing::warn!(message_id = %message.id, case = %message.case_id, "a journey step's message was missing; queued again");
            ctx.store.schedule_message(message).await?;
        }
    }
    Ok(())
}

/// The journey of a case not yet written, planned on the case itself so that intake writes a
/// new case once (with its first step queued) instead of writing it and then planning it.
pub struct NewCasePlan(Replan);

/// Plans a new `case`'s journey before it is inserted; `None` when the plan has events to
/// write with it (a journey that needs a person at once): then [`sync`] after the insert.
pub fn plan_new(creditor: &Creditor, case: &mut Case, now: DateTime<Utc>) -> Option<NewCasePlan> {
    let mut planned = case.clone();
    let plan = replan(creditor, &mut planned, now);
    if !plan.events.is_empty() {
        return None;
    }
    *case = planned;
    Some(NewCasePlan(plan))
}

/// Queues what [`plan_new`] planned, once the case is written (so the worker finds it).
pub async fn queue_planned(ctx: &AppContext, plan: &NewCasePlan) -> Result<(), StoreError> {
    apply(ctx, &plan.0).await
}

/// Plans the journey of case `id` after a change (intake, payment, dispute, deferral, plan,
/// review, closing): queues its next step, moves it to a new day, or cancels it while the
/// case waits or after it stopped. Safe to call any number of times. `None` when the case is
/// gone.
pub async fn sync(
    ctx: &AppContext,
    id: &CaseId,
    now: DateTime<Utc>,
) -> Result<Option<Case>, StoreError> {
    let done = retry::on_conflict::<Option<Case>, StoreError, _, _>(|| async move {
        let Some(mut case) = ctx.store.case(id).await? else {
            return Ok(Attempt::Done(None));
        };
        let Some(creditor) = ctx.creditor(&case.creditor_id).await? else {
            return Ok(Attempt::Done(Some(case)));
        };
        let plan = replan(&creditor, &mut case, now);
        if plan.unchanged {
            apply(ctx, &plan).await?;
            return Ok(Attempt::Done(Some(case)));
        }
        case.updated_at = now;
        match written(ctx.store.update_case_with_events(&case, &plan.events).await)? {
            Attempt::Done(saved) => {
                apply(ctx, &plan).await?;
                Ok(Attempt::Done(Some(saved)))
            }
            Attempt::Conflicted => Ok(Attempt::Conflicted),
        }
    })
    .await?;
    done.ok_or(StoreError::Conflict)
}

/// [`sync`] for a use case whose own change is already written: a failure is logged, never
/// undoes that change (the next change of the case plans again).
pub async fn follow(ctx: &AppContext, id: &CaseId, now: DateTime<Utc>) {
    if let Err(e) = sync(ctx, id, now).await {
        tracing::warn!(case = %id, error = %e, "could not plan the case's journey");
    }
    // An agreed plan's own follow-up (reminders, late notes, the break) follows the same changes.
    super::plan_followup::follow(ctx, id, now).await;
}

/// As [`follow`] for a use case that hands its written `case` on: returns the case as the
/// journey left it (its newer version), or `case` itself when planning failed.
pub async fn followed(ctx: &AppContext, case: Case, now: DateTime<Utc>) -> Case {
    // An agreed plan's own follow-up (reminders, late notes, the break) follows the same changes.
    super::plan_followup::follow(ctx, &case.id, now).await;
    match sync(ctx, &case.id, now).await {
        Ok(Some(synced)) => synced,
        Ok(None) => case,
        Err(e) => {
            tracing::warn!(case = %case.id, error = %e, "could not plan the case's journey");
            case
        }
    }
}

/// Pauses the journey of case `id` for `reason` (a person's pause, hardship, a review):
/// the queued step is cancelled, the position kept.
pub async fn pause(
    ctx: &AppContext,
    id: &CaseId,
    reason: PauseReason,
    now: DateTime<Utc>,
) -> Result<Option<Case>, StoreError> {
    set_pause(ctx, id, Some(reason), &Actor::Agency, now).await
}

/// [`pause`] by `actor` (a staff user), named in the audit trail.
pub async fn pause_by(
    ctx: &AppContext,
    id: &CaseId,
    reason: PauseReason,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<Case>, StoreError> {
    set_pause(ctx, id, Some(reason), actor, now).await
}

/// Resumes a paused journey where it stood (after a review, a person's pause, or a broken
/// plan: whoever breaks a plan takes it off the case and calls this) and queues its next step.
pub async fn resume(
    ctx: &AppContext,
    id: &CaseId,
    now: DateTime<Utc>,
) -> Result<Option<Case>, StoreError> {
    set_pause(ctx, id, None, &Actor::Agency, now).await
}

/// [`resume`] by `actor` (a staff user), named in the audit trail.
pub async fn resume_by(
    ctx: &AppContext,
    id: &CaseId,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<Case>, StoreError> {
    set_pause(ctx, id, None, actor, now).await
}

async fn set_pause(
    ctx: &AppContext,
    id: &CaseId,
    reason: Option<PauseReason>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<Case>, StoreError> {
    let done = retry::on_conflict::<bool, StoreError, _, _>(|| async move {
        let Some(mut case) = ctx.store.case(id).await? else {
            return Ok(Attempt::Done(false));
        };
        if case.journey.paused == reason {
            return Ok(Attempt::Done(true));
        }
        case.journey.paused = reason;
        let (action, detail) = match reason {
            Some(r) => ("journey.paused", format!("{r:?}")),
            None => ("journey.resumed", String::new()),
        };
        case.record(actor.clone(), action, detail, now);
        case.updated_at = now;
        Ok(match written(ctx.store.update_case(&case).await)? {
            Attempt::Done(_) => Attempt::Done(true),
            Attempt::Conflicted => Attempt::Conflicted,
        })
    })
    .await?;
    if done != Some(true) {
        return Ok(None);
    }
    sync(ctx, id, now).await
}

/// The worker reports `message` (a journey step) sent at `now`: the step is recorded on its
/// case once (the first of its channels; a report again, or of the other channel, changes
/// nothing), with its deadline and its fee as a claim line when the law allows it that day,
/// events `journey.step_sent` and `fee.added` and audit lines, and the next step is queued.
pub async fn step_sent(
    ctx: &AppContext,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(step_ref) = message.journey.as_ref() else {
        return Ok(());
    };
    let done = retry::on_conflict::<(), StoreError, _, _>(|| async move {
        let Some(mut case) = ctx.store.case(&message.case_id).await? else {
            return Ok(Attempt::Done(()));
        };
        let Some(creditor) = ctx.creditor(&case.creditor_id).await? else {
            return Ok(Attempt::Done(()));
        };
        // By id: a journey edited since the step was queued may have moved it.
        let Some(index) = creditor
            .journey
            .steps
            .iter()
            .position(|s| s.id == step_ref.step_id)
        else {
            tracing::warn!(message_id = %message.id, step = %step_ref.step_id, "sent a step the creditor's journey no longer has");
            return Ok(Attempt::Done(()));
        };
        let sent_on = local_day(creditor.jurisdiction, now);
        let Some(sent) = crate::domain::journey_engine::record_step(
            &creditor,
            &mut case,
            index,
            sent_on,
            Some(step_ref.variant.clone()),
            &message.id,
        ) else {
            return Ok(Attempt::Done(()));
        };
        let notice = &sent.notice;
        let channel = message.recipient.channel();
        let mut events = vec![Event::new(
            case.agency_id.clone(),
            Some(case.id.clone()),
            EventKind::JourneyStepSent,
            serde_json::json!({
                "case_id": case.id,
                "external_ref": case.external_ref,
                "message_id": message.id,
                "step": step_ref.step_id,
                "kind": notice.kind,
                "variant": notice.variant,
                "channel": channel,
                "sent_on": notice.sent_on,
                "deadline": notice.deadline,
            }),
            now,
        )];
        case.record(
            Actor::System,
            "journey.step_sent",
            format!(
                "{} ({}) by {channel:?}{}",
                step_ref.step_id,
                notice.kind.as_str(),
                notice
                    .deadline
                    .map(|d| format!(", deadline {d}"))
                    .unwrap_or_default()
            ),
            now,
        );
        if let Some(fee) = notice.fee {
            case.record(
                Actor::System,
                "fee.added",
                format!("{fee} for the {} sent on {sent_on}", notice.kind.as_str()),
                now,
            );
            events.push(Event::new(
                case.agency_id.clone(),
                Some(case.id.clone()),
                EventKind::FeeAdded,
                serde_json::json!({
                    "case_id": case.id,
                    "external_ref": case.external_ref,
                    "step": step_ref.step_id,
                    "kind": notice.kind,
                    "amount": fee,
                    "balance": case.balance(&creditor.owed_on(sent_on)),
                }),
                now,
            ));
        }
        if let Some(why) = &sent.fee_refused {
            // Sent, but its fee was not lawful on the day it went: charged nothing, and a
            // person looks before the journey goes on.
            case.journey.paused = Some(PauseReason::NeedsReview);
            case.record(
                Actor::System,
                "journey.paused",
                format!("the fee of {} was not charged: {why}", step_ref.step_id),
                now,
            );
        }
        let plan = replan(&creditor, &mut case, now);
        events.extend(plan.events.iter().cloned());
        case.updated_at = now;
        match written(ctx.store.update_case_with_events(&case, &events).await)? {
            Attempt::Done(_) => {
                let counted = crate::domain::journey_stats::on_sent(
                    &sent.notice,
                    &super::journey_stats::paid(&case),
                );
                super::journey_stats::count(ctx, &case, &counted).await;
                apply(ctx, &plan).await?;
                Ok(Attempt::Done(()))
            }
            Attempt::Conflicted => Ok(Attempt::Conflicted),
        }
    })
    .await?;
    done.ok_or(StoreError::Conflict)
}

/// One step of a case's journey as planned from today: when it goes out and what it charges.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlannedStep {
    pub step: String,
    pub kind: &'static str,
    /// `sent` for a notice the case had, `planned` for one still to come.
    pub state: &'static str,
    pub day: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub fee: Option<crate::domain::money::Money>,
}

/// The case's journey: the notices it had, then the steps still to come as they would go if
/// the debtor does not pay (each on its earliest day, with the fee of that day).
pub fn timeline(creditor: &Creditor, case: &Case, now: DateTime<Utc>) -> Vec<PlannedStep> {
    let mut out: Vec<PlannedStep> = case
        .journey
        .sent
        .iter()
        .map(|n| PlannedStep {
            step: n.step_id.clone().unwrap_or_else(|| "before innfri".into()),
            kind: n.kind.as_str(),
            state: "sent",
            day: n.sent_on,
            deadline: n.deadline,
            fee: n.fee,
        })
        .collect();
    let mut ahead = case.clone();
    let mut today = local_day(creditor.jurisdiction, now);
    for _ in 0..creditor.journey.steps.len() {
        let NextAction::Send { step, day, .. } = next_action(creditor, &ahead, today) else {
            break;
        };
        let Some(sent) = crate::domain::journey_engine::record_step(
            creditor,
            &mut ahead,
            step,
            day,
            None,
            &MessageId::generate(),
        ) else {
            break;
        };
        out.push(PlannedStep {
            step: sent.notice.step_id.clone().unwrap_or_default(),
            kind: sent.notice.kind.as_str(),
            state: "planned",
            day,
            deadline: sent.notice.deadline,
            fee: sent.notice.fee,
        });
        today = day;
    }
    out
}
