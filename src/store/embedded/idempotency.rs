//! Idempotency keys in the embedded store, lapsing and expiring as their Redis keys would.

use async_trait::async_trait;

use super::{EmbeddedStore, IdempotencyEntry, Inner};
use crate::domain::ids::CaseId;
use crate::store::{IdempotencyBegin, IdempotencyStore, SavedResponse, StoreResult, lifetimes};

#[async_trait]
impl IdempotencyStore for EmbeddedStore {
    async fn idempotency_begin(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &str,
        claim: &str,
    ) -> StoreResult<IdempotencyBegin> {
        let now = self.now();
        self.write(|inner| {
            // Lapsed keys go now and then, so a long-running demo does not keep them all.
            if inner.idempotency.len() > 4096 {
                let Inner {
                    idempotency,
                    case_answers,
                    ..
                } = &mut *inner;
                idempotency.retain(|_, e| e.until > now);
                case_answers.retain_mut(|_, slots| {
                    slots.retain(|slot| idempotency.contains_key(slot));
                    !slots.is_empty()
                });
            }
            let slot = (scope.to_owned(), key.to_owned());
            if let Some(entry) = inner.idempotency.get(&slot)
                && entry.until > now
            {
                return Ok(if entry.fingerprint != fingerprint {
                    IdempotencyBegin::Mismatch
                } else {
                    match &entry.saved {
                        Some(response) => IdempotencyBegin::Replay(response.clone()),
                        None => IdempotencyBegin::InFlight,
                    }
                });
            }
            inner.idempotency.insert(
                slot,
                IdempotencyEntry {
                    fingerprint: fingerprint.to_owned(),
                    claim: claim.to_owned(),
                    saved: None,
                    until: lifetimes::deadline(now, lifetimes::IDEMPOTENCY_CLAIM),
                },
            );
            Ok(IdempotencyBegin::Started)
        })
    }

    async fn idempotency_finish(
        &self,
        scope: &str,
        key: &str,
        claim: &str,
        response: &SavedResponse,
        case: Option<&CaseId>,
    ) -> StoreResult<()> {
        let now = self.now();
        self.write(|inner| {
            let slot = (scope.to_owned(), key.to_owned());
            if !inner
                .idempotency
                .get(&slot)
                .is_some_and(|e| e.claim == claim && e.saved.is_none())
            {
                return Ok(());
            }
            if let Some(case) = case {
                if inner.answers_closed.contains(case) {
                    // Erased while the request ran: what it answered may be what erasure removed.
                    inner.idempotency.remove(&slot);
                    return Ok(());
                }
                inner
                    .case_answers
                    .entry_or_default(case.clone())
                    .push(slot.clone());
            }
            if let Some(entry) = inner.idempotency.get_mut(&slot) {
                entry.saved = Some(response.clone());
                entry.until = lifetimes::deadline(now, lifetimes::IDEMPOTENCY_ANSWER);
            }
            Ok(())
        })
    }

    async fn idempotency_abandon(&self, scope: &str, key: &str, claim: &str) -> StoreResult<()> {
        self.write(|inner| {
            let slot = (scope.to_owned(), key.to_owned());
            if inner
                .idempotency
                .get(&slot)
                .is_some_and(|e| e.claim == claim && e.saved.is_none())
            {
                inner.idempotency.remove(&slot);
            }
            Ok(())
        })
    }

    async fn forget_case_answers(&self, case: &CaseId) -> StoreResult<usize> {
        self.write(|inner| {
            inner.answers_closed.insert(case.clone());
            let slots = inner.case_answers.remove(case).unwrap_or_default();
            // The last step of an erasure (`crate::erasure`): the file is rewritten with this
            // commit, so nothing erased stays in its freed pages.
            inner.rewrite_due = true;
            Ok(slots
                .iter()
                .filter(|slot| inner.idempotency.remove(*slot).is_some())
                .count())
        })
    }
}
