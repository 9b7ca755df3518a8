//! The send loop: claim due messages with a lease, render, send, record, retry with backoff.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use tokio::sync::watch;

use super::composer::Composer;
use super::delivery::settle_failure;
use super::provider::SendError;
use super::providers::ProviderSet;
use crate::app::AppContext;
use crate::domain::case::CaseStatus;
use crate::domain::jurisdiction::no;
use crate::domain::message::{ContactCap, Message, MessageStatus, Recipient, retry_delay};
use crate::store::StoreError;

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub batch_size: usize,
    pub concurrency: usize,
    pub lease: Duration,
    pub max_attempts: u32,
    pub poll_interval: Duration,
    /// Reminders per debtor and agency (receipts and answers are not capped).
    pub cap: ContactCap,
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
            }),
        }
    }

    /// Claims one batch and sends it; returns how many messages were handled (0: queue empty).
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        self.run_once_at(Utc::now()).await
    }

    /// As [`Worker::run_once`], as if it were `now` (tests use it to be at 23:00 on demand).
    pub async fn run_once_at(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut in_flight = InFlight::new(self.core.settings.concurrency);
        let count = self.claim_and_start(Clock::At(now), &mut in_flight).await?;
        in_flight.finish().await;
        Ok(count)
    }

    /// Claims one batch and starts each message as its own task once a place under the
    /// concurrency limit is free; returns when the last one has started, not finished.
    async fn claim_and_start(
        &self,
        clock: Clock,
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
                tracing::info!(message = %message.id, "lease ran out while waiting; left for the next claim");
                continue;
            }
            // Contact hours and the cap are judged when the message is sent, not when it
            // was claimed.
            let at = clock.now();
            let core = core.clone();
            in_flight.start(place, async move {
                let id = message.id.clone();
                if let Err(e) = core.process(message, at).await {
                    // The lease runs out and another round picks the message up again.
                    tracing::warn!(message = %id, error = %e, "could not record a message's progress");
                }
            });
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
        while !*shutdown.borrow() {
            in_flight.reap();
            let pause = match self.claim_and_start(Clock::Real, &mut in_flight).await {
                Ok(0) => settings.poll_interval,
                Ok(_) => {
                    backoff = settings.poll_interval;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "store unavailable; backing off");
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                    backoff
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

/// The time a worker judges messages by: the real clock, or a moment set by a test.
#[derive(Clone, Copy)]
enum Clock {
    Real,
    At(DateTime<Utc>),
}

impl Clock {
    fn now(self) -> DateTime<Utc> {
        match self {
            Clock::Real => Utc::now(),
            Clock::At(at) => at,
        }
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
    async fn process(&self, mut message: Message, now: DateTime<Utc>) -> Result<(), StoreError> {
        let store = &self.ctx.store;
        if message.status == MessageStatus::Sending {
            // A worker died mid-send: whether the provider got it is unknown. Twilio has no
            // idempotency key, so we choose to send again (at-least-once) and say so in the log.
            tracing::warn!(message = %message.id, "previous attempt ended without a result; sending again");
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
        // Renewed from whichever is later: the batch's clock or the wall clock (a long batch).
        let lease_until = now.max(Utc::now())
            + chrono::Duration::from_std(self.settings.lease)
                .unwrap_or(chrono::Duration::minutes(1));
        let Some(start) = store.begin_send(&message, expected, lease_until).await? else {
            tracing::info!(message = %message.id, "taken over by another worker; skipped");
            return Ok(());
        };

        // The case and the opt-out as they were when the start was won (one step in the store).
        let case = start.case;
        let collection = message.template.is_collection();
        if let Some(disputed) = case
            .as_ref()
            .filter(|c| collection && c.status == CaseStatus::Disputed)
        {
            // The law stops collection while a dispute is open: hold, do not drop, the reminder.
            message.status = MessageStatus::Scheduled;
            message.attempts -= 1;
            message.not_before = now + chrono::Duration::days(1);
            message.last_error = Some("held: the case is disputed".into());
            tracing::info!(message = %message.id, case = %disputed.id, "held while disputed");
            return store.save_leased_message(&message).await;
        }
        // Nothing at all goes to a debtor whose data was erased, receipts included.
        let Some(case) = case.filter(|c| !c.is_erased() && (!collection || c.status.is_active()))
        else {
            message.status = MessageStatus::Cancelled;
            message.last_error = Some("case is not open".into());
            return store.save_leased_message(&message).await;
        };
        let (Some(creditor), Some(agency)) = (
            self.ctx.creditor(&case.creditor_id).await?,
            self.ctx.agency(&case.agency_id).await?,
        ) else {
            message.status = MessageStatus::Failed;
            message.last_error = Some("creditor or agency no longer configured".into());
            return store.save_leased_message(&message).await;
        };
        if start.opted_out {
            message.status = MessageStatus::Cancelled;
            message.last_error = Some("the debtor asked for no more SMS (STOP)".into());
            tracing::info!(message = %message.id, "not sent: the number opted out");
            return store.save_leased_message(&message).await;
        }
        if collection {
            // Reminders only inside the contact hours of the debtor's jurisdiction (weekdays
            // 08–21, Saturdays 09–15, never Sundays or public holidays in Norway). Receipts
            // answer something the debtor just did, so they go out at once.
            let allowed = no::next_contact_instant(now);
            if allowed > now {
                message.status = MessageStatus::Scheduled;
                message.attempts -= 1;
                message.not_before = allowed;
                message.last_error = None;
                tracing::info!(message = %message.id, at = %allowed, "waits for contact hours");
                return store.save_leased_message(&message).await;
            }
            // At most so many reminders a week to one debtor from one agency, across its cases.
            if let Some(later) = store
                .claim_contact_slot(
                    &case.agency_id,
                    &cap_address(&message.recipient),
                    &message.id,
                    now,
                    &self.settings.cap,
                )
                .await?
            {
                message.status = MessageStatus::Scheduled;
                message.attempts -= 1;
                message.not_before = later;
                message.last_error = Some("waits for the frequency cap".into());
                tracing::info!(message = %message.id, at = %later, "waits for the frequency cap");
                return store.save_leased_message(&message).await;
            }
        }
        // A paid case's links were revoked; its receipt needs none, so none is issued again.
        let link = if message.template.has_link() {
            self.ctx.issue_case_link(&case.id).await?
        } else {
            String::new()
        };
        let outbound = self
            .composer
            .compose(&message, &case, &creditor, &agency, &link);
        let provider = self
            .providers
            .for_message(message.recipient.channel(), &creditor);
        let result = provider.send(&outbound).await;
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
                message.last_error = None;
                tracing::info!(message = %message.id, to = %message.recipient.masked(), provider = provider.name(), "sent");
                let sms_to = match &message.recipient {
                    Recipient::Sms(phone) => Some(phone.e164()),
                    Recipient::Email(_) => None,
                };
                store
                    .record_sent(&message, &receipt.provider_id, sms_to)
                    .await?;
                return Ok(());
            }
            Err(SendError::Permanent { reason }) => {
                message.status = MessageStatus::Failed;
                tracing::warn!(message = %message.id, to = %message.recipient.masked(), %reason, "permanent failure");
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
                    tracing::warn!(message = %message.id, %reason, attempts = message.attempts, "giving up");
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
                    tracing::info!(message = %message.id, %reason, retry_in_s = delay.num_seconds(), "will retry");
                }
                message.last_error = Some(reason);
            }
        }
        store.save_leased_message(&message).await?;
        if let Some((reason, contact_invalid)) = failure {
            settle_failure(&self.ctx, &message, &reason, contact_invalid, now).await?;
        }
        Ok(())
    }
}
