//! The exactly-once key of each camt.054 transaction: unique per transaction, the same every
//! time the same file is read, and the key an earlier innfri used, so payments applied before
//! an upgrade are recognised.
//!
//! A transaction's key is the bank's reference for it: its own `Refs/AcctSvcrRef`, else its
//! `UETR`, else its entry's `AcctSvcrRef`. Some banks (Raiffeisen among them) repeat the entry's
//! reference on every transaction of a batch. When several transactions of one entry share a
//! reference, what tells them apart inside the entry is added: an `EndToEndId`, `TxId` or
//! `InstrId` no other of them has, else the transaction's position in the entry and its amount.
//! A reference repeated in *another* entry gives the same key: that is the same booking
//! reported twice, and it is applied once.

use std::collections::HashMap;

use crate::domain::money::Money;

/// What a transaction carries to tell it from others, as written in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionRefs {
    /// `TxDtls/Refs/AcctSvcrRef`: the bank's reference for the transaction.
    pub servicer_ref: Option<String>,
    /// `TxDtls/Refs/UETR`: the SWIFT gpi id, unique by construction.
    pub uetr: Option<String>,
    /// `TxDtls/Refs/EndToEndId`: set by the payer (`NOTPROVIDED` when not).
    pub end_to_end: Option<String>,
    /// `TxDtls/Refs/TxId`: set by the first bank in the chain.
    pub tx_id: Option<String>,
    /// `TxDtls/Refs/InstrId`: set by the instructing party.
    pub instruction: Option<String>,
}

/// The keys of one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionKey {
    /// The key the payment is applied under.
    pub key: String,
    /// The key innfri gave this transaction before keys were unique per transaction, when it
    /// differs from `key`.
    pub legacy: Option<String>,
}

/// A transaction with no bank reference at all: nothing the bank vouches for identifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoReference {
    /// The transaction's index in the entry, from 0.
    pub index: usize,
}

/// A value that identifies something: trimmed, not empty and not ISO's `NOTPROVIDED`.
fn usable(value: Option<&str>) -> Option<&str> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty() && !v.eq_ignore_ascii_case("NOTPROVIDED"))
}

/// Reads one identifier of a transaction.
type Identifier = fn(&TransactionRefs) -> Option<&str>;

/// The identifiers, in order of preference, that may tell transactions sharing a reference apart.
const INNER_IDS: [(&str, Identifier); 3] = [
    ("e2e", |t| t.end_to_end.as_deref()),
    ("txid", |t| t.tx_id.as_deref()),
    ("instr", |t| t.instruction.as_deref()),
];

/// The keys of an entry's transactions (in file order, with their amounts) on `account`.
pub fn entry_keys(
    account: &str,
    entry_ref: Option<&str>,
    transactions: &[(TransactionRefs, Money)],
) -> Result<Vec<TransactionKey>, NoReference> {
    let references: Vec<&str> = transactions
        .iter()
        .enumerate()
        .map(|(index, (refs, _))| {
            usable(refs.servicer_ref.as_deref())
                .or_else(|| usable(refs.uetr.as_deref()))
                .or_else(|| usable(entry_ref))
                .ok_or(NoReference { index })
        })
        .collect::<Result<_, _>>()?;
    // Counted once, so a batch of thousands stays linear.
    let mut sharing: HashMap<&str, usize> = HashMap::new();
    let mut inner: HashMap<(&str, &str, &str), usize> = HashMap::new();
    for ((refs, _), &reference) in transactions.iter().zip(&references) {
        *sharing.entry(reference).or_default() += 1;
        for (label, get) in INNER_IDS {
            if let Some(value) = usable(get(refs)) {
                *inner.entry((reference, label, value)).or_default() += 1;
            }
        }
    }
    let keys = transactions
        .iter()
        .zip(&references)
        .enumerate()
        .map(|(index, ((refs, amount), &reference))| {
            let key = if sharing.get(reference).copied().unwrap_or(0) > 1 {
                let within = INNER_IDS
                    .iter()
                    .find_map(|(label, get)| {
                        let value = usable(get(refs))?;
                        (inner.get(&(reference, *label, value)).copied() == Some(1))
                            .then(|| format!("{label}:{value}"))
                    })
                    .unwrap_or_else(|| format!("#{}:{}", index + 1, amount.to_plain_string()));
                format!("camt:{account}:{reference}/{within}")
            } else {
                format!("camt:{account}:{reference}")
            };
            let legacy = legacy_key(account, entry_ref, refs, index).filter(|old| *old != key);
            TransactionKey { key, legacy }
        })
        .collect();
    Ok(keys)
}

/// The key innfri used before keys were unique per transaction, reproduced exactly (values as
/// read, untrimmed): the transaction's `AcctSvcrRef`, `UETR` or `EndToEndId`, else the entry's
/// reference and the position. A batch that repeats one reference got one key for all its
/// transactions, so only the first of them that matched a case was applied.
fn legacy_key(
    account: &str,
    entry_ref: Option<&str>,
    refs: &TransactionRefs,
    index: usize,
) -> Option<String> {
    let unique = refs
        .servicer_ref
        .clone()
        .or_else(|| refs.uetr.clone())
        .or_else(|| refs.end_to_end.clone().filter(|e| e != "NOTPROVIDED"))
        .or_else(|| entry_ref.map(|r| format!("{r}/{}", index + 1)))?;
    Some(format!("camt:{account}:{unique}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;
    use proptest::prelude::*;

    fn nok(amount: &str) -> Money {
        Money::parse(amount, Currency::NOK).expect("amount")
    }

    fn refs(servicer_ref: Option<&str>, end_to_end: Option<&str>) -> TransactionRefs {
        TransactionRefs {
            servicer_ref: servicer_ref.map(str::to_owned),
            end_to_end: end_to_end.map(str::to_owned),
            ..TransactionRefs::default()
        }
    }

    fn keys_of(entry_ref: Option<&str>, transactions: &[(TransactionRefs, Money)]) -> Vec<String> {
        entry_keys("15031234562", entry_ref, transactions)
            .expect("keys")
            .into_iter()
            .map(|k| k.key)
            .collect()
    }

    #[test]
    fn a_batch_repeating_the_entry_reference_gets_one_key_per_transaction() {
        let batch = [
            (refs(Some("R1"), Some("NOTPROVIDED")), nok("100")),
            (refs(Some("R1"), Some("NOTPROVIDED")), nok("100")),
            (refs(Some("R1"), Some("NOTPROVIDED")), nok("250.50")),
        ];
        assert_eq!(
            keys_of(Some("R1"), &batch),
            [
                "camt:15031234562:R1/#1:100.00",
                "camt:15031234562:R1/#2:100.00",
                "camt:15031234562:R1/#3:250.50",
            ]
        );
        // Read again, the same file gives the same keys.
        assert_eq!(keys_of(Some("R1"), &batch), keys_of(Some("R1"), &batch));
    }

    #[test]
    fn an_inner_id_tells_transactions_apart_only_when_no_other_has_it() {
        let mut with_ids = [
            (refs(Some("R1"), Some("E-1")), nok("100")),
            (refs(Some("R1"), Some("E-2")), nok("100")),
            // The payer reused E-2; its TxId is its own.
            (refs(Some("R1"), Some("E-2")), nok("100")),
        ];
        with_ids[2].0.tx_id = Some("T-3".into());
        assert_eq!(
            keys_of(Some("R1"), &with_ids),
            [
                "camt:15031234562:R1/e2e:E-1",
                "camt:15031234562:R1/#2:100.00",
                "camt:15031234562:R1/txid:T-3",
            ]
        );
    }

    #[test]
    fn transactions_without_references_of_their_own_take_the_entry_reference() {
        let mut only_instr = [(refs(None, None), nok("10")), (refs(None, None), nok("20"))];
        only_instr[0].0.instruction = Some("I-1".into());
        only_instr[1].0.instruction = Some("I-2".into());
        assert_eq!(
            keys_of(Some("NTRY-7"), &only_instr),
            [
                "camt:15031234562:NTRY-7/instr:I-1",
                "camt:15031234562:NTRY-7/instr:I-2"
            ]
        );
        assert_eq!(
            keys_of(Some("NTRY-7"), &only_instr[..1]),
            ["camt:15031234562:NTRY-7"]
        );
    }

    #[test]
    fn distinct_bank_references_keep_the_key_innfri_always_gave_them() {
        let distinct = [
            (refs(Some("A1"), Some("NOTPROVIDED")), nok("1249.50")),
            (refs(Some("A2"), None), nok("300")),
        ];
        let keys = entry_keys("15031234562", Some("NTRY"), &distinct).expect("keys");
        assert_eq!(keys[0].key, "camt:15031234562:A1");
        assert_eq!(keys[1].key, "camt:15031234562:A2");
        assert!(keys.iter().all(|k| k.legacy.is_none()));
        let uetr = TransactionRefs {
            uetr: Some("255ae394-9965-4438-ac86-f406feada396".into()),
            end_to_end: Some("E".into()),
            ..TransactionRefs::default()
        };
        let keys = entry_keys("1", None, &[(uetr, nok("1"))]).expect("keys");
        assert_eq!(keys[0].key, "camt:1:255ae394-9965-4438-ac86-f406feada396");
        assert_eq!(keys[0].legacy, None);
    }

    #[test]
    fn the_old_key_is_kept_alongside_where_it_was_not_unique() {
        let batch = [
            (refs(Some("R1"), None), nok("100")),
            (refs(Some("R1"), None), nok("200")),
        ];
        let keys = entry_keys("15031234562", Some("R1"), &batch).expect("keys");
        for key in &keys {
            assert_eq!(key.legacy.as_deref(), Some("camt:15031234562:R1"));
        }
        // The old fallback: the entry's reference and the position, or the payer's id.
        let bare = [(refs(None, None), nok("5")), (refs(None, None), nok("6"))];
        let keys = entry_keys("9", Some("N"), &bare).expect("keys");
        assert_eq!(keys[1].legacy.as_deref(), Some("camt:9:N/2"));
        let payer_id = [(refs(None, Some("E2E-1")), nok("5"))];
        let keys = entry_keys("9", Some("N"), &payer_id).expect("keys");
        assert_eq!(
            (keys[0].key.as_str(), keys[0].legacy.as_deref()),
            ("camt:9:N", Some("camt:9:E2E-1"))
        );
    }

    #[test]
    fn a_transaction_without_any_bank_reference_is_named() {
        let payer_ids_only = [
            (refs(Some("A"), None), nok("1")),
            (refs(None, Some("E2E-1")), nok("2")),
        ];
        assert_eq!(
            entry_keys("1", None, &payer_ids_only),
            Err(NoReference { index: 1 })
        );
        assert_eq!(
            entry_keys(
                "1",
                Some("  "),
                &[(refs(Some("NOTPROVIDED"), None), nok("1"))]
            ),
            Err(NoReference { index: 0 })
        );
    }

    proptest! {
        /// However references repeat inside an entry, no two of its transactions share a key,
        /// and reading it again gives the same keys.
        #[test]
        fn keys_are_unique_within_an_entry_and_stable(
            picks in proptest::collection::vec((0..3usize, 0..3usize, 0..3usize, 1..5i64), 1..40),
            entry_has_ref in any::<bool>(),
        ) {
            let pool = [None, Some("X"), Some("NOTPROVIDED")];
            let transactions: Vec<(TransactionRefs, Money)> = picks
                .iter()
                .map(|(s, e, t, amount)| {
                    let refs = TransactionRefs {
                        servicer_ref: pool[*s].map(str::to_owned),
                        end_to_end: pool[*e].map(str::to_owned),
                        tx_id: pool[*t].map(str::to_owned),
                        ..TransactionRefs::default()
                    };
                    (refs, Money::from_minor(*amount * 100, Currency::NOK))
                })
                .collect();
            let entry_ref = entry_has_ref.then_some("ENTRY");
            let first = entry_keys("1", entry_ref, &transactions);
            prop_assert_eq!(&first, &entry_keys("1", entry_ref, &transactions));
            if let Ok(keys) = first {
                let distinct: std::collections::HashSet<&str> =
                    keys.iter().map(|k| k.key.as_str()).collect();
                prop_assert_eq!(distinct.len(), keys.len());
            } else {
                prop_assert!(!entry_has_ref);
            }
        }
    }
}
