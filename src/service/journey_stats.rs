//! The A/B statistics of a creditor's journey for one agency: gathers the facts (steps sent
//! with their wording, deliveries, link opens, payments) from the agency's cases, messages and
//! events, and leaves the counting to `domain::journey_stats`.

use std::collections::HashMap;

use crate::context::AppContext;
use crate::domain::event::EventKind;
use crate::domain::ids::{AgencyId, CaseId, CreditorId};
use crate::domain::journey_stats::{PaymentMade, StepSent, VariantStats, journey_stats};
use crate::domain::message::MessageStatus;
use crate::store::StoreError;

/// How many cases or events one store read brings.
const PAGE: usize = 500;

/// Per step and variant, for `creditor`'s cases of `agency`. Reads every case of the agency:
/// a report a person asks for now and then, not something a page or the worker does.
pub async fn stats(
    ctx: &AppContext,
    agency: &AgencyId,
    creditor: &CreditorId,
) -> Result<Vec<VariantStats>, StoreError> {
    let opened = link_opens(ctx, agency).await?;
    let mut sent = Vec::new();
    let mut payments = Vec::new();
    let mut start = 0;
    loop {
        let page = ctx.store.agency_cases(agency, start, PAGE).await?;
        start += page.len();
        for case in page.iter().filter(|c| &c.creditor_id == creditor) {
            let messages = ctx.store.case_messages(&case.id).await?;
            for notice in &case.journey.sent {
                let (Some(step_id), Some(variant)) = (&notice.step_id, &notice.variant) else {
                    continue;
                };
                let delivered = messages.iter().any(|m| {
                    m.status == MessageStatus::Delivered
                        && m.journey.as_ref().is_some_and(|j| &j.step_id == step_id)
                });
                let link_opened = opened
                    .get(&case.id)
                    .is_some_and(|days| days.iter().any(|d| *d >= notice.sent_on));
                sent.push(StepSent {
                    case: case.id.clone(),
                    step_id: step_id.clone(),
                    variant: variant.clone(),
                    sent_on: notice.sent_on,
                    delivered,
                    link_opened,
                });
            }
            payments.extend(case.payments.iter().map(|p| PaymentMade {
                case: case.id.clone(),
                received_on: p.received_on,
                amount_minor: p.amount.minor_units(),
            }));
        }
        if page.len() < PAGE {
            break;
        }
    }
    Ok(journey_stats(&sent, &payments))
}

/// The days each case's link was opened (`case.viewed`), from the agency's events.
async fn link_opens(
    ctx: &AppContext,
    agency: &AgencyId,
) -> Result<HashMap<CaseId, Vec<chrono::NaiveDate>>, StoreError> {
    let mut opened: HashMap<CaseId, Vec<chrono::NaiveDate>> = HashMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = ctx
            .store
            .events_after(agency, cursor.as_deref(), PAGE)
            .await?;
        for (_, event) in &page {
            if event.kind == EventKind::CaseViewed
                && let Some(case) = &event.case_id
            {
                opened
                    .entry(case.clone())
                    .or_default()
                    .push(event.occurred_at.date_naive());
            }
        }
        match page.last() {
            Some((next, _)) if page.len() == PAGE => cursor = Some(next.clone()),
            _ => break,
        }
    }
    Ok(opened)
}
