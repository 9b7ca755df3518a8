//! The one retry loop for a read-modify-write on a case: read it, change it, write it under the
//! version it was read at. A concurrent change makes the write fail with
//! `StoreError::Conflict`, and the whole step is tried again from the read, a few times.

use std::future::Future;

use crate::store::StoreError;

/// Tries before a case that keeps changing is given up on.
pub const ATTEMPTS: usize = 5;

/// How one try ended.
#[derive(Debug)]
pub enum Attempt<T> {
    /// Finished: written, or nothing (more) to write.
    Done(T),
    /// The write lost to a concurrent change: read again and try again.
    Conflicted,
}

/// A write's result as a try: a version conflict is [`Attempt::Conflicted`], any other error
/// stays an error.
pub fn written<T>(result: Result<T, StoreError>) -> Result<Attempt<T>, StoreError> {
    match result {
        Ok(value) => Ok(Attempt::Done(value)),
        Err(StoreError::Conflict) => Ok(Attempt::Conflicted),
        Err(e) => Err(e),
    }
}

/// Runs `attempt` (one try from the read: `|| async move { … }`) until it is done, at most
/// [`ATTEMPTS`] times; `None` when every try lost to a concurrent change (the caller says what
/// that means for it).
pub async fn on_conflict<T, E, F, Fut>(attempt: F) -> Result<Option<T>, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Attempt<T>, E>>,
{
    on_conflict_within(ATTEMPTS, attempt).await
}

/// As [`on_conflict`], at most `tries` times: for a step that many requests take at once (the
/// identity step-up's count), where losing a few rounds is expected.
pub async fn on_conflict_within<T, E, F, Fut>(tries: usize, mut attempt: F) -> Result<Option<T>, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Attempt<T>, E>>,
{
    for _ in 0..tries {
        if let Attempt::Done(value) = attempt().await? {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_step_is_tried_again_until_it_is_done_or_out_of_tries() {
        let counter = AtomicUsize::new(0);
        let tries = &counter;
        let done: Result<Option<usize>, StoreError> = on_conflict(|| async move {
            let n = tries.fetch_add(1, Ordering::SeqCst) + 1;
            written(match n {
                1 | 2 => Err(StoreError::Conflict),
                n => Ok(n),
            })
        })
        .await;
        assert_eq!(done.ok().flatten(), Some(3));

        let counter = AtomicUsize::new(0);
        let tries = &counter;
        let given_up: Result<Option<()>, StoreError> = on_conflict(|| async move {
            tries.fetch_add(1, Ordering::SeqCst);
            written(Err(StoreError::Conflict))
        })
        .await;
        assert!(matches!(given_up, Ok(None)));
        assert_eq!(tries.load(Ordering::SeqCst), ATTEMPTS);
    }

    #[tokio::test]
    async fn other_errors_end_the_loop_at_once() {
        let counter = AtomicUsize::new(0);
        let tries = &counter;
        let failed: Result<Option<()>, StoreError> = on_conflict(|| async move {
            tries.fetch_add(1, Ordering::SeqCst);
            written(Err(StoreError::Corrupt("broken".into())))
        })
        .await;
        assert!(matches!(failed, Err(StoreError::Corrupt(_))));
        assert_eq!(tries.load(Ordering::SeqCst), 1);
    }
}
