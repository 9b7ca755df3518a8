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
        let mut inner = self.lock()?;
        // Lapsed keys go now and then, so a long-running demo does not keep them all.
        if inner.idempotency.len() > 4096 {
            let Inner {
                idempotency,
                case_answers,
                ..
            } = &mut *inner;
            idempotency.retain(|_, e| e.until > now);
            case_answers.retain(|_, slots| {
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
    }

    async fn idempotency_finish(
        &self,
        scope: &str,
        key: &str,
        claim: &str,
        response: &SavedResponse,
        case: Option<&CaseId>,
    ) -> StoreResult<()> {
        let mut inner = self.lock()?;
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
                .entry(case.clone())
                .or_default()
                .push(slot.clone());
        }
        if let Some(entry) = inner.idempotency.get_mut(&slot) {
            entry.saved = Some(response.clone());
            entry.until = lifetimes::deadline(self.now(), lifetimes::IDEMPOTENCY_ANSWER);
        }
        Ok(())
    }

    async fn idempotency_abandon(&self, scope: &str, key: &str, claim: &str) -> StoreResult<()> {
        let mut inner = self.lock()?;
        let slot = (scope.to_owned(), key.to_owned());
        if inner
            .idempotency
            .get(&slot)
            .is_some_and(|e| e.claim == claim && e.saved.is_none())
        {
            inner.idempotency.remove(&slot);
        }
        Ok(())
    }

    async fn forget_case_answers(&self, case: &CaseId) -> StoreResult<usize> {
        let mut inner = self.lock()?;
        inner.answers_closed.insert(case.clone());
        let slots = inner.case_answers.remove(case).unwrap_or_default();
        Ok(slots
            .iter()
            .filter(|slot| inner.idempotency.remove(*slot).is_some())
            .count())
    }
}
