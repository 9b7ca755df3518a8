//! `innfri journey simulate`: a creditor's journey run on the embedded store under a virtual
//! clock, with synthetic debtors (some pay after a step, some dispute, some ask for a plan and
//! pay its instalments, late or not at all, some never pay), the real worker and use cases, and
//! in-memory providers; one JSON line per action, then a summary. The creditor's preview, and
//! the tests' proof that the engine keeps the law.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::AppContext;
use crate::clock::SettableClock;
use crate::config::{AppConfig, Backend};
use crate::domain::case::{Case, CaseStatus, ClaimKind};
use crate::domain::creditor::{Agency, Creditor};
use crate::domain::ids::{AgencyId, CaseId, CreditorId};
use crate::domain::journey::{PauseReason, StepKind};
use crate::domain::journey_engine::principal;
use crate::domain::jurisdiction::law;
use crate::domain::money::Money;
use crate::domain::plan::PlanShape;
use crate::domain::plan_followup::{FollowUp, instalment_states, paid_toward_plan};
use crate::domain::self_service::{
    DebtorRequest, Decision, Dispute, Offer, PendingRequest, deferral_options,
};
use crate::messaging::ProviderSet;
use crate::messaging::providers::memory::MemoryProvider;
use crate::service::cases::{
    self, CaseIntake, ClaimLineIntake, DebtorIntake, NoticeIntake, Upserted,
};
use crate::service::{payments, reviews, self_service};

/// What to simulate.
#[derive(Debug, Clone)]
pub struct SimulateOptions {
    pub creditor: CreditorId,
    pub cases: usize,
    pub days: u32,
    pub seed: u64,
    /// The first simulated day.
    pub start: NaiveDate,
}

/// What a synthetic debtor does.
#[derive(Debug, Clone, Copy)]
enum Behaviour {
    /// Pays everything `delay` days after the step at position `step` reached them.
    PaysAfter {
        step: usize,
        delay: i64,
    },
    /// Disputes `delay` days after step `step`; the agency answers `answer` days later and
    /// upholds the objection or not.
    Disputes {
        step: usize,
        delay: i64,
        answer: i64,
        upheld: bool,
    },
    /// Asks for more time the day after the first step (granted when the mandate allows it
    /// without a person), then pays after step `then_pays_after` or never.
    Defers {
        then_pays_after: Option<(usize, i64)>,
    },
    /// Asks for a plan of `months` months `delay` days after step `step`, through the same
    /// use case as the debtor page (so the mandate grants it, counter-offers a plan the debtor
    /// accepts, or sends it to the agency, who approves it), then keeps it as `conduct` says.
    Plans {
        step: usize,
        delay: i64,
        months: u32,
        conduct: Conduct,
    },
    Never,
}

/// How a debtor with an agreed plan pays its instalments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conduct {
    /// Every instalment a day or a few before its due date.
    OnTime,
    /// Some instalments after their due date, always inside the grace period.
    SomeLate,
    /// Pays the instalments before number `from`, then nothing: the plan breaks.
    StopsAt { from: u32 },
}

#[derive(Debug, Clone, Copy)]
enum Act {
    Defer,
    Pay,
    Dispute,
    Answer {
        upheld: bool,
    },
    ProposePlan,
    /// The agency approves the plan waiting for review.
    ApprovePlan,
    PayInstalment {
        number: u32,
    },
}

struct SimCase {
    id: CaseId,
    external_ref: String,
    behaviour: Behaviour,
    steps_seen: HashSet<String>,
    /// Whether the case has a plan in force as the lines last told.
    plan_on: bool,
}

/// What the run adds up to.
#[derive(Debug, Default)]
struct Totals {
    /// step → channel → messages.
    messages: BTreeMap<String, BTreeMap<String, u64>>,
    fees: u64,
    fee_minor: i64,
    collected_minor: i64,
    paid: u64,
    deferred: u64,
    disputed: u64,
    closed: u64,
    plans_agreed: u64,
    plans_broken: u64,
}

/// The agency the simulated cases belong to.
const AGENCY: &str = "simulation";

/// Runs the simulation, writing its lines to `out`.
pub async fn run(
    mut config: AppConfig,
    options: &SimulateOptions,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let creditor = config
        .creditors
        .get(&options.creditor)
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no creditor '{}' is configured", options.creditor))?;
    if creditor.journey.steps.is_empty() {
        anyhow::bail!("creditor '{}' has no journey to simulate", creditor.id);
    }
    // Nothing leaves the process: a store of its own in memory, no webhooks.
    config.settings.store.backend = Backend::Embedded;
    config.settings.store.path = None;
    config.webhooks.clear();
    let agency_id = AgencyId::parse(AGENCY)?;
    config.agencies.insert(
        agency_id.clone(),
        Agency {
            id: agency_id.clone(),
            name: "Simulering".into(),
            creditors: vec![creditor.id.clone()],
        },
    );
    let zone = creditor.jurisdiction.time_zone();
    let local = |day: NaiveDate, hour: u32| -> DateTime<Utc> {
        day.and_hms_opt(hour, 0, 0)
            .and_then(|t| zone.from_local_datetime(&t).earliest())
            .map_or_else(
                || Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).unwrap_or_default()),
                |t| t.with_timezone(&Utc),
            )
    };
    let clock = SettableClock::at(local(options.start, 6));
    let ctx = AppContext::with_clock(config, Arc::new(clock.clone())).await?;
    let provider = Arc::new(MemoryProvider::default());
    let worker = ctx.worker_with(ProviderSet::only(provider.clone(), provider.clone()));
    let mut rng = StdRng::seed_from_u64(options.seed);
    let steps = creditor.journey.steps.len();

    // The debtors and their cases, taken in as an agency sends them.
    let mut sims: Vec<SimCase> = Vec::with_capacity(options.cases);
    let mut handed_over: Vec<(Case, Value)> = Vec::new();
    let mut by_id: HashMap<CaseId, usize> = HashMap::new();
    let now = clock_now(&clock);
    for i in 0..options.cases {
        // Some cases arrive mid-process: the creditor already sent one purring with its fee,
        // or two (then the journey's varsel may not carry a fee: it waits for a person).
        let prior_purringer = match rng.gen_range(0..100) {
            0..12 => 1,
            12..15 => 2,
            _ => 0,
        };
        let due = match prior_purringer {
            0 => options.start + Duration::days(rng.gen_range(-10..=20)),
            1 => options.start - Duration::days(rng.gen_range(16..=30)),
            _ => options.start - Duration::days(rng.gen_range(46..=60)),
        };
        let mut notices: Vec<NoticeIntake> = Vec::new();
        let mut fee_lines: Vec<ClaimLineIntake> = Vec::new();
        let mut sent_on = due + Duration::days(14);
        for _ in 0..prior_purringer {
            let fee = law(creditor.jurisdiction).max_reminder_fee(sent_on);
            notices.push(NoticeIntake {
                kind: StepKind::Purring,
                sent_on: sent_on.format("%Y-%m-%d").to_string(),
                deadline: Some(
                    (sent_on + Duration::days(14))
                        .format("%Y-%m-%d")
                        .to_string(),
                ),
                fee: Some(Value::String(fee.to_string())),
            });
            // The creditor's fee is on the claim the agency sends.
            fee_lines.push(ClaimLineIntake {
                kind: ClaimKind::Fee,
                description: "Purregebyr".into(),
                amount: Value::String(fee.to_string()),
            });
            sent_on += Duration::days(15);
        }
        let kroner: i64 = rng.gen_range(200..=20_000);
        let email = rng.gen_bool(0.7).then(|| format!("debitor{i}@example.no"));
        let behaviour = match rng.gen_range(0..100) {
            0..55 => Behaviour::PaysAfter {
                step: rng.gen_range(0..steps),
                delay: rng.gen_range(1..=10),
            },
            55..65 => Behaviour::Defers {
                then_pays_after: rng
                    .gen_bool(0.5)
                    .then(|| (rng.gen_range(0..steps), rng.gen_range(1..=10))),
            },
            65..77 => Behaviour::Disputes {
                step: rng.gen_range(0..steps),
                delay: rng.gen_range(0..=5),
                answer: rng.gen_range(2..=10),
                upheld: rng.gen_bool(0.3),
            },
            // Plans of two to three months mostly (some end inside the run), some longer (the
            // mandate sends them to review or offers a shorter one).
            77..91 => Behaviour::Plans {
                step: rng.gen_range(0..steps.min(2)),
                delay: rng.gen_range(1..=5),
                months: match rng.gen_range(0..10) {
                    0..6 => rng.gen_range(2..=3),
                    6..8 => rng.gen_range(4..=9),
                    _ => rng.gen_range(10..=15),
                },
                conduct: match rng.gen_range(0..10) {
                    0..4 => Conduct::OnTime,
                    4..7 => Conduct::SomeLate,
                    _ => Conduct::StopsAt {
                        from: rng.gen_range(1..=2),
                    },
                },
            },
            _ => Behaviour::Never,
        };
        let external_ref = format!("SIM-{i:05}");
        let intake = CaseIntake {
            external_ref: external_ref.clone(),
            creditor_id: creditor.id.to_string(),
            debtor: DebtorIntake {
                name: format!("Debitor {i}"),
                phone: Some(format!("9{:07}", i % 10_000_000)),
                email,
                locale: Some(if rng.gen_bool(0.8) { "nb" } else { "en" }.into()),
                postcode: None,
                birth_date: None,
            },
            claim: std::iter::once(ClaimLineIntake {
                kind: ClaimKind::Principal,
                description: format!("Faktura {}", 100_000 + i),
                amount: Value::String(format!("{kroner}.00")),
            })
            .chain(fee_lines)
            .collect(),
            due_date: due.format("%Y-%m-%d").to_string(),
            notices_sent: (!notices.is_empty()).then_some(notices),
        };
        let case = match cases::upsert(&ctx, &agency_id, intake, now).await? {
            Upserted::Created(c) | Upserted::Updated(c) | Upserted::Unchanged(c) => c,
        };
        // As the journey left it at intake (its first step planned, or paused).
        let case = ctx.store.case(&case.id).await?.unwrap_or(case);
        if !case.journey.sent.is_empty() {
            let prior: Vec<Value> = case
                .journey
                .sent
                .iter()
                .map(|n| {
                    json!({"kind": n.kind, "sent_on": n.sent_on, "deadline": n.deadline,
                        "fee": n.fee.map(|f| f.to_plain_string())})
                })
                .collect();
            handed_over.push((case.clone(), json!({ "notices_sent": prior })));
        }
        by_id.insert(case.id.clone(), sims.len());
        sims.push(SimCase {
            id: case.id,
            external_ref,
            behaviour,
            steps_seen: HashSet::new(),
            plan_on: false,
        });
    }

    let mut totals = Totals::default();
    let mut lines = Lines {
        out,
        zone,
        creditor: &creditor,
    };
    for (case, notices) in handed_over {
        lines.line(
            case.external_ref.as_str(),
            &case,
            now,
            "handed_over",
            notices,
        )?;
        // The engine could not go on lawfully (one fee too many): it waits for a person.
        if case.journey.paused == Some(PauseReason::NeedsReview) {
            lines.line(
                case.external_ref.as_str(),
                &case,
                now,
                "paused",
                json!({"reason": "needs_review"}),
            )?;
        }
    }
    // Debtors' and the agency's actions by when they happen.
    let mut agenda: BTreeMap<(DateTime<Utc>, usize), (usize, Act)> = BTreeMap::new();
    let mut sequence = 0usize;
    // Each day at midnight (debtors act at any hour) and on every hour of the contact hours.
    let hours: Vec<u32> = std::iter::once(0).chain(8..=21).collect();
    for d in 0..options.days {
        let day = options.start + Duration::days(i64::from(d));
        for &hour in &hours {
            let t = local(day, hour);
            clock.set(t);
            while let Some(entry) = agenda.first_entry() {
                if entry.key().0 > t {
                    break;
                }
                let (index, act) = entry.remove();
                let follow_ups = act_out(
                    &ctx,
                    &agency_id,
                    &mut sims[index],
                    act,
                    t,
                    &mut rng,
                    &mut totals,
                    &mut lines,
                )
                .await?;
                for (at, act) in follow_ups {
                    sequence += 1;
                    agenda.insert((at, sequence), (index, act));
                }
            }
            // Everything due now goes out; then it is read back in a fixed order (the worker
            // sends concurrently), so a seed always gives the same lines.
            // Bounded: a message the worker holds or retries waits for a later time, so rounds
            // at one instant run out; the bound only guards against a loop that would not.
            for _ in 0..10_000 {
                if worker.run_once_at(t).await? == 0 {
                    break;
                }
            }
            let mut sent_now: Vec<(usize, String, crate::domain::message::Message)> = Vec::new();
            for sent in provider.take() {
                let Some(message) = ctx.store.message(&sent.message_id).await? else {
                    continue;
                };
                if let Some(&index) = by_id.get(&message.case_id) {
                    let channel = format!("{:?}", message.recipient.channel()).to_lowercase();
                    sent_now.push((index, channel, message));
                }
            }
            // A plan's follow-up before the journey's steps: the notice that a plan broke goes in
            // the same round as the step the resumed journey sends.
            sent_now.sort_by(|a, b| {
                (a.0, a.2.journey.is_some(), &a.1).cmp(&(b.0, b.2.journey.is_some(), &b.1))
            });

            for (index, channel, message) in sent_now {
                if let Some(follow_up) = message.follow_up {
                    plan_message(
                        &ctx,
                        &mut sims[index],
                        follow_up,
                        &channel,
                        &message.case_id,
                        t,
                        &mut totals,
                        &mut lines,
                    )
                    .await?;
                    continue;
                }
                let Some(step) = message.journey.as_ref() else {
                    continue;
                };
                let Some(case) = ctx.store.case(&message.case_id).await? else {
                    continue;
                };
                let sim = &mut sims[index];
                let notice = case
                    .journey
                    .sent
                    .iter()
                    .find(|n| n.step_id.as_deref() == Some(step.step_id.as_str()));
                *totals
                    .messages
                    .entry(step.step_id.clone())
                    .or_default()
                    .entry(channel.clone())
                    .or_default() += 1;
                let kind = notice.map(|n| n.kind.as_str());
                lines.line(
                    &sim.external_ref,
                    &case,
                    t,
                    "message",
                    json!({
                        "step": step.step_id,
                        "kind": kind,
                        "channel": channel,
                        "deadline": notice.and_then(|n| n.deadline),
                    }),
                )?;
                if !sim.steps_seen.insert(step.step_id.clone()) {
                    continue;
                }
                if let Some(fee) = notice.and_then(|n| n.fee) {
                    totals.fees += 1;
                    totals.fee_minor += fee.minor_units();
                    lines.line(
                        &sim.external_ref,
                        &case,
                        t,
                        "fee",
                        json!({
                            "step": step.step_id,
                            "kind": kind,
                            "amount": fee.to_plain_string(),
                            "deadline": notice.and_then(|n| n.deadline),
                        }),
                    )?;
                }
                // The debtor's answer to this step.
                let reaction = match sim.behaviour {
                    Behaviour::PaysAfter { step: s, delay } if s == step.step => {
                        Some((delay, Act::Pay))
                    }
                    Behaviour::Disputes { step: s, delay, .. } if s == step.step => {
                        Some((delay, Act::Dispute))
                    }
                    Behaviour::Defers { .. } if step.step == 0 => Some((1, Act::Defer)),
                    Behaviour::Defers {
                        then_pays_after: Some((s, delay)),
                    } if s == step.step && step.step > 0 => Some((delay, Act::Pay)),
                    Behaviour::Plans { step: s, delay, .. } if s == step.step => {
                        Some((delay, Act::ProposePlan))
                    }
                    _ => None,
                };
                if let Some((delay, act)) = reaction {
                    let at = t + Duration::days(delay) + Duration::minutes(rng.gen_range(0..600));
                    sequence += 1;
                    agenda.insert((at, sequence), (index, act));
                }
            }
        }
    }
    // The late-payment interest the cases accrued by the last day (on paid cases too, up to the
    // payment), when innfri accrues it; null when the agency sends interest lines instead.
    let end = clock_now(&clock);
    let owed = crate::service::owed::owed_on(&creditor, end);
    let mut interest_minor: Option<i64> = None;
    for sim in &sims {
        if let Some(case) = ctx.store.case(&sim.id).await?
            && let Some(breakdown) = case.interest_owed(&owed)
        {
            *interest_minor.get_or_insert(0) += breakdown.accrued_interest.minor_units();
        }
    }
    let messages: BTreeMap<&String, Value> = totals
        .messages
        .iter()
        .map(|(step, channels)| (step, json!(channels)))
        .collect();
    let currency = creditor.currency;
    writeln!(
        lines.out,
        "{}",
        json!({
            "action": "summary",
            "creditor": creditor.id,
            "cases": options.cases,
            "days": options.days,
            "seed": options.seed,
            "messages": messages,
            "fees": {"count": totals.fees, "amount": Money::from_minor(totals.fee_minor, currency).to_plain_string()},
            "collected": Money::from_minor(totals.collected_minor, currency).to_plain_string(),
            "paid": totals.paid,
            "deferred": totals.deferred,
            "disputed": totals.disputed,
            "closed": totals.closed,
            "plans": {"agreed": totals.plans_agreed, "broken": totals.plans_broken},
            "interest_accrued": interest_minor
                .map(|minor| Money::from_minor(minor, currency).to_plain_string()),
        })
    )?;
    Ok(())
}

fn clock_now(clock: &SettableClock) -> DateTime<Utc> {
    crate::clock::Clock::now(clock)
}

/// One action's line: the case, when (with the creditor's offset), what, and the case's due
/// date, principal and balance after it.
/// Where the lines go, and the time zone their times are written in.
struct Lines<'a> {
    out: &'a mut dyn Write,
    zone: chrono_tz::Tz,
    /// Whose day and interest rates the balance is counted on, as the debtor's page counts it.
    creditor: &'a Creditor,
}

impl Lines<'_> {
    fn line(
        &mut self,
        external_ref: &str,
        case: &Case,
        at: DateTime<Utc>,
        action: &str,
        extra: Value,
    ) -> anyhow::Result<()> {
        let mut value = json!({
            "case": external_ref,
            "at": at.with_timezone(&self.zone).to_rfc3339(),
            "action": action,
            "due_date": case.due_date,
            "principal": principal(case).to_plain_string(),
            "balance": crate::service::owed::balance(case, self.creditor, at).to_plain_string(),
        });
        if let (Some(map), Value::Object(extra)) = (value.as_object_mut(), extra) {
            map.extend(extra.into_iter().filter(|(_, v)| !v.is_null()));
        }
        writeln!(self.out, "{value}")?;
        Ok(())
    }
}

/// Carries out a debtor's or the agency's action; returns what follows from it and when.
#[allow(clippy::too_many_arguments)]
async fn act_out(
    ctx: &AppContext,
    agency: &AgencyId,
    sim: &mut SimCase,
    act: Act,
    t: DateTime<Utc>,
    rng: &mut StdRng,
    totals: &mut Totals,
    lines: &mut Lines<'_>,
) -> anyhow::Result<Vec<(DateTime<Utc>, Act)>> {
    let Some(case) = ctx.store.case(&sim.id).await? else {
        return Ok(Vec::new());
    };
    let name = sim.external_ref.as_str();
    match act {
        Act::Defer => {
            if case.status != CaseStatus::Open {
                return Ok(Vec::new());
            }
            let Some(creditor) = ctx.creditor(&case.creditor_id).await? else {
                return Ok(Vec::new());
            };
            let today = t.date_naive();
            let options = deferral_options(
                &case.facts(&creditor.owed_on(today)),
                &creditor.mandate,
                today,
            );
            // The longest the debtor gets at once.
            let Some(new_due_date) = options
                .iter()
                .filter(|(_, now)| *now)
                .map(|(d, _)| *d)
                .next_back()
            else {
                return Ok(Vec::new());
            };
            let request = DebtorRequest::Deferral { new_due_date };
            let decided = self_service::decide(ctx, &case, &creditor, request, t).await?;
            if let Some(after) = decided.saved {
                totals.deferred += 1;
                lines.line(
                    name,
                    &after,
                    t,
                    "deferred",
                    json!({"new_due_date": new_due_date}),
                )?;
            }
            Ok(Vec::new())
        }
        Act::Pay => {
            let owed = crate::service::owed::owed_on_for(ctx, &case, t).await?;
            let amount = case.balance(&owed);
            if !matches!(case.status, CaseStatus::Open) || !amount.is_positive() {
                return Ok(Vec::new());
            }
            pay(ctx, agency, sim, amount, "pay", None, t, totals, lines).await?;
            Ok(Vec::new())
        }
        Act::ProposePlan => {
            let Behaviour::Plans { months, .. } = sim.behaviour else {
                return Ok(Vec::new());
            };
            if case.status != CaseStatus::Open || case.plan.is_some() || !case.pending.is_empty() {
                return Ok(Vec::new());
            }
            let Some(creditor) = ctx.creditor(&case.creditor_id).await? else {
                return Ok(Vec::new());
            };
            let request = DebtorRequest::Plan(PlanShape::Months(months));
            let decided = self_service::decide(ctx, &case, &creditor, request, t).await?;
            let (decision, saved) = match decided.decision {
                // The nearest plan the mandate allows, accepted with one tap as on the page.
                Decision::Refused {
                    offer: Some(Offer::Plan(offer)),
                    ..
                } => {
                    // As the page's accept button does: a limited offer by its monthly amount.
                    let shape = if offer.limited.is_some() {
                        PlanShape::Monthly(offer.monthly())
                    } else {
                        PlanShape::Months(offer.months())
                    };
                    let request = DebtorRequest::Plan(shape);
                    let again = self_service::decide(ctx, &case, &creditor, request, t).await?;
                    match again.decision {
                        Decision::Granted(_) => ("counter_offer", again.saved),
                        Decision::NeedsReview { .. } => ("review", again.saved),
                        Decision::Refused { .. } => ("refused", None),
                    }
                }
                Decision::Refused { .. } => ("refused", None),
                Decision::Granted(_) => ("granted", decided.saved),
                Decision::NeedsReview { .. } => ("review", decided.saved),
            };
            let Some(after) = saved else {
                return Ok(Vec::new());
            };
            if decision == "review" {
                // Waiting for a person pauses the journey; the agency answers in a few days.
                lines.line(name, &after, t, "paused", json!({"reason": "plan_review"}))?;
                let answer = t + Duration::days(rng.gen_range(1..=4));
                return Ok(vec![(answer, Act::ApprovePlan)]);
            }
            plan_agreed(sim, &after, decision, t, rng, totals, lines)
        }
        Act::ApprovePlan => {
            let Some(request) = case
                .pending
                .iter()
                .find(|r| matches!(r.request, PendingRequest::Plan { .. }))
                .map(|r| r.id.clone())
            else {
                return Ok(Vec::new());
            };
            let approval = reviews::Approval::new(None, None, None)?;
            let after = reviews::approve(ctx, case, &request, approval, t).await?;
            if after.plan.is_none() {
                return Ok(Vec::new());
            }
            plan_agreed(sim, &after, "reviewed", t, rng, totals, lines)
        }
        Act::PayInstalment { number } => {
            let Some(plan) = case
                .plan
                .as_ref()
                .filter(|_| case.status == CaseStatus::Open)
            else {
                return Ok(Vec::new());
            };
            let Some(creditor) = ctx.creditor(&case.creditor_id).await? else {
                return Ok(Vec::new());
            };
            let states = instalment_states(
                plan,
                paid_toward_plan(
                    plan,
                    case.balance(&crate::service::owed::owed_on(&creditor, t)),
                ),
                t.date_naive(),
                creditor.mandate.follow_up.grace_days,
            );
            let Some(left) = states
                .iter()
                .find(|s| s.number == number)
                .map(|s| s.left())
                .filter(Money::is_positive)
            else {
                return Ok(Vec::new());
            };
            let reference = format!("instalment-{}-{number}", case.broken_plans.len());
            pay(
                ctx,
                agency,
                sim,
                left,
                &reference,
                Some(number),
                t,
                totals,
                lines,
            )
            .await?;
            Ok(Vec::new())
        }
        Act::Dispute => {
            if case.status != CaseStatus::Open {
                return Ok(Vec::new());
            }
            let dispute = Dispute {
                text: "Jeg mener dette kravet er feil.".into(),
                paid_on: None,
                paid_amount: None,
                paid_reference: None,
            };
            let after = self_service::open_dispute(ctx, &case, dispute, t).await?;
            totals.disputed += 1;
            lines.line(name, &after, t, "paused", json!({"reason": "disputed"}))?;
            let Behaviour::Disputes { answer, upheld, .. } = sim.behaviour else {
                return Ok(Vec::new());
            };
            Ok(vec![(t + Duration::days(answer), Act::Answer { upheld })])
        }
        Act::Answer { upheld } => {
            let Some(request) = case.pending.first().map(|r| r.id.clone()) else {
                return Ok(Vec::new());
            };
            if upheld {
                let approval = reviews::Approval::new(None, None, Some("Vi har gitt deg rett."))?;
                let after = reviews::approve(ctx, case, &request, approval, t).await?;
                totals.closed += 1;
                lines.line(
                    name,
                    &after,
                    t,
                    "stopped",
                    json!({"reason": "dispute_upheld"}),
                )?;
            } else {
                let after = reviews::decline(ctx, case, &request, "Kravet er riktig.", t).await?;
                lines.line(name, &after, t, "resumed", json!({}))?;
            }
            Ok(Vec::new())
        }
    }
}

/// Pays `amount` on the case as the agency registers a direct payment, with its line (and
/// `stopped` when that paid the case).
#[allow(clippy::too_many_arguments)]
async fn pay(
    ctx: &AppContext,
    agency: &AgencyId,
    sim: &mut SimCase,
    amount: Money,
    reference: &str,
    instalment: Option<u32>,
    t: DateTime<Utc>,
    totals: &mut Totals,
    lines: &mut Lines<'_>,
) -> anyhow::Result<()> {
    let name = sim.external_ref.clone();
    payments::register_direct(
        ctx,
        agency,
        &sim.id,
        &format!("{name}-{reference}"),
        amount,
        None,
        t,
    )
    .await?;
    let Some(after) = ctx.store.case(&sim.id).await? else {
        return Ok(());
    };
    totals.collected_minor += amount.minor_units();
    lines.line(
        &name,
        &after,
        t,
        "payment",
        json!({"amount": amount.to_plain_string(), "instalment": instalment}),
    )?;
    if after.status == CaseStatus::Paid {
        totals.paid += 1;
        sim.plan_on = false;
        lines.line(&name, &after, t, "stopped", json!({"reason": "paid"}))?;
    }
    Ok(())
}

/// The plan on `after` was agreed (`how`: granted, counter_offer, reviewed): its line, and the
/// debtor's payment of each instalment as their conduct says.
fn plan_agreed(
    sim: &mut SimCase,
    after: &Case,
    how: &str,
    t: DateTime<Utc>,
    rng: &mut StdRng,
    totals: &mut Totals,
    lines: &mut Lines<'_>,
) -> anyhow::Result<Vec<(DateTime<Utc>, Act)>> {
    let Some(plan) = after.plan.as_ref() else {
        return Ok(Vec::new());
    };
    totals.plans_agreed += 1;
    sim.plan_on = true;
    let first = plan.instalments.first();
    lines.line(
        &sim.external_ref,
        after,
        t,
        "plan_agreed",
        json!({
            "how": how,
            "instalments": plan.instalments.len(),
            "total": plan.total.to_plain_string(),
            "first_due": first.map(|i| i.due_date),
            "first_amount": first.map(|i| i.amount.to_plain_string()),
        }),
    )?;
    let Behaviour::Plans { conduct, .. } = sim.behaviour else {
        return Ok(Vec::new());
    };
    let mut payments = Vec::new();
    for instalment in &plan.instalments {
        let offset = match conduct {
            Conduct::StopsAt { from } if instalment.number >= from => continue,
            // Late, but inside the grace period (7 days in the demo mandate).
            Conduct::SomeLate if rng.gen_bool(0.5) => rng.gen_range(1..=5),
            _ => -rng.gen_range(0..=3),
        };
        let day = instalment.due_date + Duration::days(offset);
        // Debtors pay in the day, at any hour (the late note may come first).
        let at = day
            .and_hms_opt(0, 0, 0)
            .map(|d| Utc.from_utc_datetime(&d))
            .unwrap_or(t)
            + Duration::hours(rng.gen_range(9..=20));
        payments.push((
            at.max(t + Duration::hours(1)),
            Act::PayInstalment {
                number: instalment.number,
            },
        ));
    }
    Ok(payments)
}

/// A message of a plan's follow-up went out: its line; when it is the notice that the plan
/// broke, the plan's end and the journey taking over again.
#[allow(clippy::too_many_arguments)]
async fn plan_message(
    ctx: &AppContext,
    sim: &mut SimCase,
    follow_up: FollowUp,
    channel: &str,
    case_id: &CaseId,
    t: DateTime<Utc>,
    totals: &mut Totals,
    lines: &mut Lines<'_>,
) -> anyhow::Result<()> {
    let Some(case) = ctx.store.case(case_id).await? else {
        return Ok(());
    };
    let (kind, number) = match follow_up {
        FollowUp::Reminder { number } => ("instalment_reminder", Some(number)),
        FollowUp::LateNote { number } => ("instalment_late", Some(number)),
        FollowUp::Break => ("plan_broken", None),
        FollowUp::ReviewDue => ("plan_review_due", None),
    };
    lines.line(
        &sim.external_ref,
        &case,
        t,
        "message",
        json!({"step": "plan", "kind": kind, "channel": channel, "instalment": number}),
    )?;
    if sim.plan_on && case.plan.is_none() && case.status == CaseStatus::Open {
        sim.plan_on = false;
        totals.plans_broken += 1;
        let broken = case.broken_plans.last();
        lines.line(
            &sim.external_ref,
            &case,
            t,
            "plan_broken",
            json!({
                "missed": broken.map(|b| b.missed.clone()),
                "broken_on": broken.map(|b| b.broken_on),
            }),
        )?;
        lines.line(
            &sim.external_ref,
            &case,
            t,
            "resumed",
            json!({"reason": "plan_broken", "next_step": case.journey.next_step}),
        )?;
    }
    Ok(())
}
