//! The send loop: claim due messages with a lease, render, send, record, retry with backoff.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use tokio::sync::watch;

use super::composer::Composer;
use super::heartbeat::Heartbeat;
use super::providers::ProviderSet;
use super::providers::SendError;
use super::{recovery, unsubscribe};
use crate::clock::{Clock, SettableClock};
use crate::context::AppContext;
use crate::domain::case::Case;
use crate::domain::creditor::{Agency, Creditor};
use crate::domain::lost_send::{LookupResult, NextStep, RecoveryRules, UnknownOutcome, next_step};
use crate::domain::message::{
    ContactCap, Message, MessageStatus, ProviderRef, Recipient, Template, retry_delay,
};
use crate::domain::send_decision::{
    CancelReason, CapSlot, HoldReason, Question, SendDecision, SendFacts, Tenants, decide,
};
use crate::links::TokenDigest;
use crate::service::delivery_reports::settle_failure;
use crate::store::{OutageLog, StoreError};

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub batch_size: usize,
    pub concurrency: usize,
    pub lease: Duration,
    pub max_attempts: u32,
    pub poll_interval: Duration,
    /// Reminders per debtor and agency (receipts and answers are not capped).
    pub cap: ContactCap,
    /// What to do about a send whose outcome a stopped worker lost.
    pub recovery: RecoveryRules,
}

/// The send loop. Cheap to clone: each message of a batch is its own task, so a worker
/// process uses every core it has.
#[derive(Clone)]
pub struct Worker {
    core: Arc<WorkerCore>,
}

struct WorkerCore {
    ctx: Arc<AppContext>,
    providers: ProviderSet,
    composer: Composer,
    settings: WorkerSettings,
    heartbeat: Arc<Heartbeat>,
}

/// After a failed claim the loop pauses from the poll interval, doubling up to this. Redis's
/// own reconnect loop does the retrying; the worker only must not spin, and must notice soon
/// that the store is back.
const MAX_STORE_BACKOFF: Duration = Duration::from_secs(2);

/// A loop without a beat for `lease + STALE_AFTER_POLLS × poll interval` counts as stuck.
const STALE_AFTER_POLLS: u32 = 10;

/// The pause after a failed claim, given the one before it (the poll interval at first): it
/// doubles up to [`MAX_STORE_BACKOFF`], or the poll interval when that is longer.
fn store_backoff(previous: Duration, poll_interval: Duration) -> Duration {
    previous
        .saturating_mul(2)
        .min(MAX_STORE_BACKOFF.max(poll_interval))
}

/// The frequency cap counts per address, normalised so one debtor is one address (the store
/// keeps only its pseudonym).
fn cap_address(recipient: &Recipient) -> String {
    match recipient {
        Recipient::Sms(phone) => phone.e164().to_owned(),
        Recipient::Email(email) => email.as_str().to_ascii_lowercase(),
    }
}

impl Worker {
    pub fn new(ctx: Arc<AppContext>, providers: ProviderSet, settings: WorkerSettings) -> Worker {
        let composer = Composer::new(ctx.texts.clone());
        Worker {
            core: Arc::new(WorkerCore {
                ctx,
                providers,
                composer,
                settings,
                heartbeat: Arc::new(Heartbeat::new()),
            }),
        }
    }

    /// The send loop's heartbeat, for the liveness probe.
    pub fn heartbeat(&self) -> Arc<Heartbeat> {
        self.core.heartbeat.clone()
    }

    /// How long the loop may go without a beat before it counts as stuck: a round waits at
    /// most about a lease for places to send (a slower message is left to the next claim),
    /// or a poll interval, or a store backoff.
    pub fn stale_after(&self) -> Duration {
        let s = &self.core.settings;
        s.lease.saturating_add(
            s.poll_interval
                .max(MAX_STORE_BACKOFF)
                .saturating_mul(STALE_AFTER_POLLS),
        )
    }

    /// Claims one batch and sends it; returns how many messages were handled (0: queue empty).
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        self.run_once_at(self.core.ctx.clock.now()).await
    }

    /// As [`Worker::run_once`], as if it were `now` (tests use it to be at 23:00 on demand).
    pub async fn run_once_at(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut in_flight = InFlight::new(self.core.settings.concurrency);
        // The batch is judged at `now` throughout: a clock that stands still.
        let count = self
            .claim_and_start(&SettableClock::at(now), &mut in_flight)
            .await?;
        in_flight.finish().await;
        Ok(count)
    }

    /// Claims one batch and starts each message as its own task once a place under the
    /// concurrency limit is free; returns when the last one has started, not finished.
    async fn claim_and_start(
        &self,
        clock: &dyn Clock,
        in_flight: &mut InFlight,
    ) -> Result<usize, StoreError> {
        let core = &self.core;
        let now = clock.now();
        let lease_until = now
            + chrono::Duration::from_std(core.settings.lease)
                .unwrap_or(chrono::Duration::minutes(1));
        // Taken before the claim, so the lease is never thought longer than it is.
        let claimed = std::time::Instant::now();
        let batch = core
            .ctx
            .store
            .claim_due_messages(now, lease_until, core.settings.batch_size)
            .await?;
        let count = batch.len();
        for message in batch {
            let place = in_flight.place().await;
            if claimed.elapsed() >= core.settings.lease {
                // A slow provider made it wait out its lease: the next claim (of any worker)
                // takes it up afresh. Starting this copy would only lose the fence.
                tracing::info!(message_id = %message.id, "lease ran out while waiting; left for the next claim");
                continue;
            }
            core.heartbeat.beat();
            // Contact hours and the cap are judged when the message is sent, not when it
            // was claimed.
            let at = clock.now();
            let core = core.clone();
            let lease = Lease {
                until: lease_until,
                claimed,
            };
            // A span only while traces are exported.
            let span = if crate::telemetry::exporting() {
                tracing::info_span!(
                    "send message",
                    message_id = %message.id,
                    template = message.template.name(),
                )
            } else {
                tracing::Span::none()
            };
            in_flight.start(place, tracing::Instrument::instrument(async move {
                let id = message.id.clone();
                if let Err(e) = core.process(message, at, lease).await {
                    // The lease runs out and another round picks the message up again.
                    tracing::warn!(message_id = %id, error = %e, "could not record a message's progress");
                }
            }, span));
        }
        Ok(count)
    }

    /// Runs until `shutdown` turns true, then lets the messages in flight finish.
    ///
    /// The next batch is claimed as soon as the last message of the current one has started,
    /// while up to `concurrency` are still being sent, so the provider never waits on a claim.
    pub async fn run(&self, mut shutdown: watch::Receiver<bool>) {
        let (sms, email) = self.core.providers.defaults();
        tracing::info!(sms, email, "worker started");
        let settings = &self.core.settings;
        let mut in_flight = InFlight::new(settings.concurrency);
        let mut backoff = settings.poll_interval;
        let mut outage = OutageLog::new("send");
        while !*shutdown.borrow() {
            self.core.heartbeat.beat();
            in_flight.reap();
            let claimed = self
                .claim_and_start(self.core.ctx.clock.as_ref(), &mut in_flight)
                .await;
            let pause = match claimed {
                Err(e) => {
                    outage.failed(&e, std::time::Instant::now());
                    backoff = store_backoff(backoff, settings.poll_interval);
                    backoff
                }
                Ok(count) => {
                    outage.succeeded(std::time::Instant::now());
                    backoff = settings.poll_interval;
                    if count > 0 {
                        continue;
                    }
                    settings.poll_interval
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => {}
            }
        }
        in_flight.finish().await;
        tracing::info!("worker stopped");
    }
}

/// The lease a claim took on a batch: until when (the store's clock) and when it was taken.
#[derive(Clone, Copy)]
struct Lease {
    until: DateTime<Utc>,
    claimed: std::time::Instant,
}

impl Lease {
    /// When the start of a send renews it: only once half of it is gone (by the wall clock
    /// since the claim, or by the store's clock at `now`), so a send right after its claim
    /// costs no write, and one that waited in its batch still has a whole lease to finish.
    fn renewal(&self, now: DateTime<Utc>, length: Duration) -> Option<DateTime<Utc>> {
        let whole = chrono::Duration::from_std(length).unwrap_or(chrono::Duration::minutes(1));
        let half_gone = self.claimed.elapsed() >= length / 2 || self.until - now < whole / 2;
        half_gone.then(|| now + whole)
    }
}

/// The messages a worker is sending: each a task, at most `limit` at a time.
struct InFlight {
    tasks: tokio::task::JoinSet<()>,
    permits: Arc<tokio::sync::Semaphore>,
}

impl InFlight {
    fn new(limit: usize) -> InFlight {
        InFlight {
            tasks: tokio::task::JoinSet::new(),
            permits: Arc::new(tokio::sync::Semaphore::new(limit.max(1))),
        }
    }

    /// Waits for a free place under the limit.
    async fn place(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        // The semaphore is never closed, so a permit always comes.
        self.permits.clone().acquire_owned().await.ok()
    }

    /// Runs `send` in its `place` as a task of its own, so sends overlap while each waits on
    /// the network (and spread over the threads, when the runtime has several).
    fn start(
        &mut self,
        place: Option<tokio::sync::OwnedSemaphorePermit>,
        send: impl std::future::Future<Output = ()> + Send + 'static,
    ) {
        self.tasks.spawn(async move {
            send.await;
            drop(place);
        });
        self.reap();
    }

    /// Forgets finished tasks, reporting any that panicked.
    fn reap(&mut self) {
        while let Some(done) = self.tasks.try_join_next() {
            report(done);
        }
    }

    async fn finish(&mut self) {
        while let Some(done) = self.tasks.join_next().await {
            report(done);
        }
    }
}

fn report(done: Result<(), tokio::task::JoinError>) {
    if let Err(e) = done {
        tracing::error!(error = %e, "a send task failed");
    }
}

impl WorkerCore {
    async fn process(
        &self,
        mut message: Message,
        now: DateTime<Utc>,
        lease: Lease,
    ) -> Result<(), StoreError> {
        let store = &self.ctx.store;
        if message.status == MessageStatus::Sending {
            // A worker stopped mid-send (killed, or its lease ran out): whether the provider got
            // it is unknown. Providers take no idempotency key, so the provider is asked once
            // this start is won, before anything is sent again.
            tracing::warn!(message_id = %message.id, "previous attempt ended without a result; asking the provider first");
            message.unknown_outcome.get_or_insert(UnknownOutcome {
                since: message.updated_at,
                failed_lookups: 0,
            });
        }
        if message.status.is_final() {
            return store.save_leased_message(&message).await;
        }
        // Fenced: if this worker's lease ran out while the message waited in its batch and
        // another worker has taken it over, only one of them may send.
        let expected = message.starts;
        message.starts += 1;
        message.status = MessageStatus::Sending;
        message.attempts += 1;
        message.updated_at = now;
        // The link's token is drawn before the start, so the start writes its digest into the
        // record before the link exists: revocation finds the link there, with no write to
        // the case's link index on this path. An earlier start's link is indexed once won.
        let link_token = message
            .template
            .has_link()
            .then(|| self.ctx.config.link_keys.issue());
        let replaced = link_token
            .as_ref()
            .and_then(|token| message.link_digest.replace(token.digest().to_hex()));
        // Judged from whichever is later: the batch's clock or the wall clock (a long batch).
        let renewal = lease.renewal(now.max(self.ctx.clock.now()), self.settings.lease);
        let Some(start) = store.begin_send(&message, expected, renewal).await? else {
            tracing::info!(message_id = %message.id, "taken over by another worker; skipped");
            return Ok(());
        };
        if let Some(previous) = replaced.as_deref().and_then(TokenDigest::from_hex) {
            let lives_until =
                now + chrono::Duration::days(i64::from(self.ctx.config.settings.links.ttl_days));
            store
                .index_link(&message.case_id, &previous, lives_until)
                .await?;
        }

        // The case and the opt-out as they were when the start was won (one step in the store).
        let case = start.case;
        // A number or address changed since it was queued: it goes where the debtor is reached
        // now, and that address's opt-out counts. (A lost send is settled as it was sent.)
        let mut opted_out = start.opted_out;
        if message.unknown_outcome.is_none()
            && let Some(current) = case.as_ref().filter(|c| !c.is_erased())
            && message.readdress(current)
        {
            opted_out = match &message.recipient {
                Recipient::Sms(phone) => store.is_opted_out(phone.e164()).await?,
                Recipient::Email(email) => store.is_email_opted_out(email.as_str()).await?,
            };
            // Written before the send, so a retry after a crash asks the provider about (and
            // settles) the address actually sent to, never the one given up.
            store.save_leased_message(&message).await?;
            tracing::info!(message_id = %message.id, to = %message.recipient.masked(), "sent where the debtor is reached now");
        }
        // Whatever the case's state now: a message the provider already has was sent. (Nothing
        // at all is done for an erased case; the path below cancels it.)
        if message.unknown_outcome.is_some()
            && let Some(lost) = case.as_ref().filter(|c| !c.is_erased())
            && self.settle_lost_send(&mut message, lost, now).await?
        {
            return Ok(());
        }
        // Decided without I/O; the store is asked only for the facts the decision needs.
        let mut tenants: Option<Option<(Creditor, Agency)>> = None;
        let mut cap = None;
        let decision = loop {
            let facts = SendFacts {
                message: &message,
                case: case.as_ref(),
                opted_out,
                tenants: tenants.as_ref().map(|found| match found {
                    Some((creditor, _)) => Tenants::Configured(creditor.jurisdiction),
                    None => Tenants::Missing,
                }),
                cap,
                now,
            };
            match decide(&facts) {
                SendDecision::Ask(Question::Tenants) => {
                    tenants = Some(self.tenants(case.as_ref()).await?);
                }
                SendDecision::Ask(Question::CapSlot) => {
                    cap = Some(self.claim_cap_slot(&message, case.as_ref(), now).await?);
                }
                decision => break decision,
            }
        };
        match decision {
            SendDecision::Hold { until, reason } => {
                // No link was saved for this start (an earlier one is in the case's index).
                message.link_digest = None;
                message.status = MessageStatus::Scheduled;
                message.attempts -= 1;
                message.not_before = until;
                message.last_error = reason.note().map(str::to_owned);
                match reason {
                    HoldReason::Disputed => {
                        tracing::info!(message_id = %message.id, case = %message.case_id, "held while disputed")
                    }
                    HoldReason::ContactHours => {
                        tracing::info!(message_id = %message.id, at = %until, "waits for contact hours")
                    }
                    HoldReason::FrequencyCap => {
                        tracing::info!(message_id = %message.id, at = %until, "waits for the frequency cap")
                    }
                }
                return store.save_leased_message(&message).await;
            }
            SendDecision::Cancel { reason } => {
                message.link_digest = None;
                message.status = reason.status();
                message.last_error = Some(reason.note().to_owned());
                if let CancelReason::OptedOut(_) = reason {
                    tracing::info!(message_id = %message.id, "not sent: the recipient opted out");
                }
                store.save_leased_message(&message).await?;
                // A plan follow-up that cannot go is handled all the same (a break still breaks).
                return crate::service::plan_followup::message_done(&self.ctx, &message, now).await;
            }
            SendDecision::Send | SendDecision::Ask(_) => {}
        }
        let (Some(case), Some(Some((creditor, agency)))) = (case, tenants) else {
            // `decide` sends only for a case that exists and whose creditor and agency were found
            // (and the loop above never ends on a question); should that ever break, the message
            // goes back to the queue as if held, never left in `Sending` for recovery to find.
            tracing::error!(message_id = %message.id, "decided to send without the case's configuration; back in the queue");
            message.status = MessageStatus::Scheduled;
            message.attempts -= 1;
            return store.save_leased_message(&message).await;
        };
        let collection = message.template.is_collection();
        // A paid case's links were revoked; its receipt needs none, so none is issued again.
        // The link remembers this message: after a crash it is how the provider's copy of the
        // text is recognised as this message.
        let link = if let Some(token) = &link_token {
            self.ctx
                .save_message_link(&case.id, &message.id, token)
                .await?
        } else if message.template == Template::ContactCode {
            // The code travels in the link's place; `decide` made sure a change awaits it, so
            // none only when its key was retired meanwhile: then no code can confirm it.
            match crate::service::contact_update::code_for(&self.ctx.config.link_keys, &case) {
                Some(code) => code,
                None => {
                    let reason = CancelReason::CodeNotAwaited;
                    message.status = reason.status();
                    message.last_error = Some(reason.note().to_owned());
                    return store.save_leased_message(&message).await;
                }
            }
        } else {
            String::new()
        };
        let mut outbound = self
            .composer
            .compose(&message, &case, &creditor, &agency, &link);
        if let Recipient::Email(_) = message.recipient {
            outbound.unsubscribe_url = Some(unsubscribe::url(&self.ctx, &message.id));
        }
        let provider = self
            .providers
            .for_message(message.recipient.channel(), &creditor);
        let result = provider.send(&outbound).await;
        // Static labels only: no allocation here on the worker's hot path.
        let outcome = match &result {
            Ok(_) => "sent",
            Err(SendError::Permanent { .. }) => "permanent_failure",
            Err(SendError::Transient { .. }) => "transient_failure",
        };
        metrics::counter!(
            "innfri_messages_total",
            "provider" => provider.name(),
            "template" => message.template.name(),
            "outcome" => outcome
        )
        .increment(1);
        message.updated_at = now;
        // (reason, whether the contact is bad) once the message has failed for good.
        let mut failure = None;
        if collection && result.is_err() {
            // Not sent: the debtor was not contacted, so the place under the cap is free again.
            store
                .release_contact_slot(
                    &case.agency_id,
                    &cap_address(&message.recipient),
                    &message.id,
                )
                .await?;
        }
        match result {
            Ok(receipt) => {
                message.status = MessageStatus::Sent;
                message.provider_id = Some(receipt.provider_id.clone());
                message.provider = Some(receipt.provider.to_owned());
                message.last_error = None;
                tracing::info!(message_id = %message.id, to = %message.recipient.masked(), provider = receipt.provider, "sent");
                // Before the message is recorded sent: should this stop here, the message is
                // still `sending`, recovery finds the provider's copy, and the step (recorded
                // once by message id) is reported again.
                crate::service::journey::step_sent(&self.ctx, &message, now).await?;
                crate::service::plan_followup::message_done(&self.ctx, &message, now).await?;
                let sms_to = match &message.recipient {
                    Recipient::Sms(phone) => Some(phone.e164()),
                    Recipient::Email(_) => None,
                };
                store
                    .record_sent(&message, receipt.index_for_reports(), sms_to)
                    .await?;
                return Ok(());
            }
            Err(SendError::Permanent { reason }) => {
                message.status = MessageStatus::Failed;
                tracing::warn!(message_id = %message.id, to = %message.recipient.masked(), %reason, "permanent failure");
                // The contact is bad (landline, invalid, unsubscribed): the agency must know.
                failure = Some((reason.clone(), true));
                message.last_error = Some(reason);
            }
            Err(SendError::Transient {
                reason,
                retry_after,
            }) => {
                if message.attempts >= self.settings.max_attempts {
                    message.status = MessageStatus::Failed;
                    failure = Some((reason.clone(), false));
                    tracing::warn!(message_id = %message.id, %reason, attempts = message.attempts, "giving up");
                } else {
                    let base = retry_delay(message.attempts);
                    // Up to 20 % jitter so a provider outage does not end in a thundering herd.
                    let jitter_ms = rand::thread_rng().gen_range(0..=base.num_milliseconds() / 5);
                    let mut delay = base + chrono::Duration::milliseconds(jitter_ms);
                    if let Some(wait) = retry_after.and_then(|w| chrono::Duration::from_std(w).ok())
                    {
                        delay = delay.max(wait);
                    }
                    message.status = MessageStatus::Scheduled;
                    message.not_before = message.updated_at + delay;
                    tracing::info!(message_id = %message.id, %reason, retry_in_s = delay.num_seconds(), "will retry");
                }
                message.last_error = Some(reason);
            }
        }
        store.save_leased_message(&message).await?;
        if let Some((reason, contact_invalid)) = failure {
            settle_failure(&self.ctx, &message, &reason, contact_invalid, now).await?;
        }
        if message.status == MessageStatus::Failed {
            crate::service::plan_followup::message_done(&self.ctx, &message, now).await?;
        }
        Ok(())
    }

    /// The case's creditor and agency, `None` when either is no longer configured.
    async fn tenants(&self, case: Option<&Case>) -> Result<Option<(Creditor, Agency)>, StoreError> {
        let Some(case) = case else {
            return Ok(None);
        };
        Ok(
            match (
                self.ctx.creditor(&case.creditor_id).await?,
                self.ctx.agency(&case.agency_id).await?,
            ) {
                (Some(creditor), Some(agency)) => Some((creditor, agency)),
                _ => None,
            },
        )
    }

    /// Takes a place for the reminder under the frequency cap of the case's agency (at most
    /// so many a week to one debtor, across its cases).
    async fn claim_cap_slot(
        &self,
        message: &Message,
        case: Option<&Case>,
        now: DateTime<Utc>,
    ) -> Result<CapSlot, StoreError> {
        let agency = case.map_or(&message.agency_id, |c| &c.agency_id);
        let later = self
            .ctx
            .store
            .claim_contact_slot(
                agency,
                &cap_address(&message.recipient),
                &message.id,
                now,
                &self.settings.cap,
            )
            .await?;
        Ok(later.map_or(CapSlot::Taken, CapSlot::FullUntil))
    }

    /// A start of `message` was lost: asks the provider and records what it has, or holds the
    /// message for a later try. `true` when that settled this round; `false` when the message
    /// is to be sent now (the provider does not have it, or there is nothing left to wait for).
    async fn settle_lost_send(
        &self,
        message: &mut Message,
        case: &Case,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let Some(mut outcome) = message.unknown_outcome else {
            return Ok(false);
        };
        let (Some(creditor), Some(agency)) = (
            self.ctx.creditor(&case.creditor_id).await?,
            self.ctx.agency(&case.agency_id).await?,
        ) else {
            // The usual path fails it for the missing configuration.
            return Ok(false);
        };
        let provider = self
            .providers
            .for_message(message.recipient.channel(), &creditor);
        let linkless = (!message.template.has_link()).then(|| {
            let code = (message.template == Template::ContactCode)
                .then(|| crate::service::contact_update::code_for(&self.ctx.config.link_keys, case))
                .flatten()
                .unwrap_or_default();
            self.composer
                .compose(message, case, &creditor, &agency, &code)
                .body
        });
        let result = recovery::look_up(
            &self.ctx,
            provider.as_ref(),
            message,
            outcome.since,
            linkless.as_deref(),
        )
        .await;
        match next_step(&outcome, &result, &self.settings.recovery, now) {
            NextStep::RecordSent(provider_id) => {
                message.status = MessageStatus::Sent;
                message.provider_id = Some(provider_id.clone());
                message.provider = Some(provider.name().to_owned());
                message.last_error = None;
                message.unknown_outcome = None;
                message.updated_at = now;
                tracing::info!(message_id = %message.id, provider = provider.name(), "the provider already had it: recorded as sent, not sent again");
                crate::service::journey::step_sent(&self.ctx, message, now).await?;
                crate::service::plan_followup::message_done(&self.ctx, message, now).await?;
                let sms_to = match &message.recipient {
                    Recipient::Sms(phone) => Some(phone.e164()),
                    Recipient::Email(_) => None,
                };
                self.ctx
                    .store
                    .record_sent(
                        message,
                        // A rare path: indexed whatever the provider, as before.
                        Some(ProviderRef {
                            provider: provider.name(),
                            id: &provider_id,
                        }),
                        sms_to,
                    )
                    .await?;
                Ok(true)
            }
            NextStep::Send => {
                match result {
                    LookupResult::Failed => {
                        tracing::warn!(message_id = %message.id, "the provider could not be asked; sending again without knowing")
                    }
                    LookupResult::NotFound { complete: false } => {
                        tracing::warn!(message_id = %message.id, provider = provider.name(), "no receipt settled it and the provider cannot be asked; sending again")
                    }
                    _ => {
                        tracing::info!(message_id = %message.id, "the provider does not have it; sending")
                    }
                }
                message.unknown_outcome = None;
                Ok(false)
            }
            NextStep::WaitUntil(at) => {
                if result == LookupResult::Failed {
                    outcome.failed_lookups = outcome.failed_lookups.saturating_add(1);
                }
                message.unknown_outcome = Some(outcome);
                message.status = MessageStatus::Scheduled;
                // Nothing was sent: the attempt is given back, as for any hold.
                message.attempts = message.attempts.saturating_sub(1);
                message.not_before = at;
                message.updated_at = now;
                message.last_error = Some(match result {
                    LookupResult::Failed => {
                        "outcome unknown: the provider could not be asked yet".into()
                    }
                    _ => "outcome unknown: waiting for the provider's receipt".into(),
                });
                tracing::info!(message_id = %message.id, at = %at, "outcome unknown; asks again later");
                self.ctx.store.save_leased_message(message).await?;
                Ok(true)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_renews_the_lease_only_once_half_of_it_is_gone() {
        let length = Duration::from_secs(60);
        let now = chrono::Utc::now();
        let fresh = Lease {
            until: now + chrono::Duration::seconds(60),
            claimed: std::time::Instant::now(),
        };
        assert_eq!(fresh.renewal(now, length), None, "just claimed: no write");
        let later = now + chrono::Duration::seconds(31);
        assert_eq!(
            fresh.renewal(later, length),
            Some(later + chrono::Duration::seconds(60)),
            "by the store's clock, less than half is left"
        );
        if let Some(long_ago) = std::time::Instant::now().checked_sub(Duration::from_secs(30)) {
            let waited = Lease {
                claimed: long_ago,
                ..fresh
            };
            assert_eq!(
                waited.renewal(now, length),
                Some(now + chrono::Duration::seconds(60)),
                "by the wall clock, half of it went waiting in the batch"
            );
        }
    }

    #[test]
    fn the_store_backoff_doubles_to_two_seconds_or_the_poll_interval() {
        let ms = Duration::from_millis;
        let mut pause = ms(50);
        let mut pauses = Vec::new();
        for _ in 0..8 {
            pause = store_backoff(pause, ms(50));
            pauses.push(pause.as_millis());
        }
        assert_eq!(pauses, [100, 200, 400, 800, 1600, 2000, 2000, 2000]);
        assert_eq!(store_backoff(ms(5000), ms(5000)), ms(5000));
        assert_eq!(store_backoff(Duration::MAX, Duration::MAX), Duration::MAX);
    }
}
