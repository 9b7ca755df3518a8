//! The A/B counts of each creditor's journey, per agency, step and text variant
//! (`domain::journey_stats::Count`). Added by the use cases right after the change they count
//! is written, so a crash between the two can lose one count (never the change itself): good
//! for comparing wordings, not for the books, which are the events.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::ids::{AgencyId, CreditorId};
use crate::domain::journey_stats::{Count, CountAdd};

#[async_trait]
pub trait JourneyCountStore: Send + Sync {
    /// Adds each of `adds` to the agency's counts of `creditor`'s journey, in one step.
    async fn add_journey_counts(
        &self,
        agency: &AgencyId,
        creditor: &CreditorId,
        adds: &[CountAdd],
    ) -> StoreResult<()>;
    /// Every count kept for `creditor`'s journey at the agency, one entry per step, variant
    /// and count, in no order.
    async fn journey_counts(
        &self,
        agency: &AgencyId,
        creditor: &CreditorId,
    ) -> StoreResult<Vec<CountAdd>>;
}

/// Separates step, variant and count in a stored field: neither a step id nor a Fluent
/// message id can hold it.
const SEPARATOR: char = '\u{1f}';

/// The stored field of one count.
pub(super) fn count_field(step_id: &str, variant: &str, count: Count) -> String {
    format!("{step_id}{SEPARATOR}{variant}{SEPARATOR}{}", count.name())
}

/// A count read back from its field and value; `None` for a field this version does not know.
pub(super) fn parse_count(field: &str, amount: i64) -> Option<CountAdd> {
    let mut parts = field.rsplitn(3, SEPARATOR);
    let count = Count::parse(parts.next()?)?;
    let variant = parts.next()?;
    let step_id = parts.next()?;
    Some(CountAdd {
        step_id: step_id.to_owned(),
        variant: variant.to_owned(),
        count,
        amount,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_reads_back_from_its_field() {
        let field = count_field("purring-2", "journey-purring", Count::PaidWithin30Days);
        let back = parse_count(&field, 7).expect("parsed");
        assert_eq!(
            (
                back.step_id.as_str(),
                back.variant.as_str(),
                back.count,
                back.amount
            ),
            ("purring-2", "journey-purring", Count::PaidWithin30Days, 7)
        );
        assert_eq!(parse_count("nudge\u{1f}a\u{1f}unknown", 1), None);
        assert_eq!(parse_count("sent", 1), None);
    }
}
