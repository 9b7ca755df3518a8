//! What a provider's delivery report says about a message, in the providers' common terms.

/// What a provider's report says about a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// The number or address cannot receive messages: the contact is bad.
    Undeliverable {
        reason: String,
    },
    /// Not delivered, but the contact may be fine (expired while the phone was off, soft bounce).
    NotDelivered {
        reason: String,
    },
    /// Still on its way (queued, sent, buffered): nothing to record.
    Pending,
}
