//! ISO 20022 camt.054 (bank-to-customer debit/credit notification): each credited transaction
//! (`Ntry/NtryDtls/TxDtls`) becomes an incoming payment with the KID from its structured
//! creditor reference (`RmtInf/Strd/CdtrRefInf`, type `SCOR`). Debit entries are skipped,
//! reversals of credits count negative, and a file that contradicts itself (batch counts or
//! totals) or is in another currency than we collect in is refused with the element at fault.
//! Each payment's exactly-once key comes from [`camt054_keys`].

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::camt054_keys::{self, NoReference, TransactionRefs};
use crate::domain::money::{Currency, Money};
use crate::payments::{ImportError, IncomingPayment};

#[derive(Debug, Deserialize)]
struct Document {
    #[serde(rename = "BkToCstmrDbtCdtNtfctn")]
    notification: Option<Notification>,
}

#[derive(Debug, Deserialize)]
struct Notification {
    #[serde(rename = "Ntfctn", default)]
    notifications: Vec<Ntfctn>,
}

#[derive(Debug, Deserialize)]
struct Ntfctn {
    #[serde(rename = "Acct")]
    account: Option<Account>,
    #[serde(rename = "Ntry", default)]
    entries: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Account {
    #[serde(rename = "Id")]
    id: Option<AccountId>,
}

#[derive(Debug, Deserialize)]
struct AccountId {
    #[serde(rename = "IBAN")]
    iban: Option<String>,
    #[serde(rename = "Othr")]
    other: Option<OtherId>,
}

#[derive(Debug, Deserialize)]
struct OtherId {
    #[serde(rename = "Id")]
    id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Amount {
    #[serde(rename = "@Ccy")]
    currency: String,
    #[serde(rename = "$text")]
    value: String,
}

#[derive(Debug, Deserialize)]
struct DateChoice {
    #[serde(rename = "Dt")]
    date: Option<String>,
    #[serde(rename = "DtTm")]
    date_time: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(rename = "Amt")]
    amount: Option<Amount>,
    #[serde(rename = "CdtDbtInd")]
    credit_debit: Option<String>,
    #[serde(rename = "RvslInd")]
    reversal: Option<String>,
    #[serde(rename = "BookgDt")]
    booked: Option<DateChoice>,
    #[serde(rename = "AcctSvcrRef")]
    servicer_ref: Option<String>,
    #[serde(rename = "NtryDtls", default)]
    details: Vec<EntryDetails>,
}

#[derive(Debug, Deserialize)]
struct EntryDetails {
    #[serde(rename = "Btch")]
    batch: Option<Batch>,
    #[serde(rename = "TxDtls", default)]
    transactions: Vec<Transaction>,
}

#[derive(Debug, Deserialize)]
struct Batch {
    #[serde(rename = "NbOfTxs")]
    count: Option<String>,
    #[serde(rename = "TtlAmt")]
    total: Option<Amount>,
}

#[derive(Debug, Deserialize)]
struct Transaction {
    #[serde(rename = "Refs")]
    refs: Option<Refs>,
    #[serde(rename = "Amt")]
    amount: Option<Amount>,
    #[serde(rename = "AmtDtls")]
    amount_details: Option<AmountDetails>,
    #[serde(rename = "RmtInf")]
    remittance: Option<Remittance>,
}

#[derive(Debug, Deserialize)]
struct Refs {
    #[serde(rename = "EndToEndId")]
    end_to_end: Option<String>,
    #[serde(rename = "AcctSvcrRef")]
    servicer_ref: Option<String>,
    #[serde(rename = "UETR")]
    uetr: Option<String>,
    #[serde(rename = "TxId")]
    tx_id: Option<String>,
    #[serde(rename = "InstrId")]
    instruction: Option<String>,
}

impl Refs {
    fn to_transaction_refs(&self) -> TransactionRefs {
        TransactionRefs {
            servicer_ref: self.servicer_ref.clone(),
            uetr: self.uetr.clone(),
            end_to_end: self.end_to_end.clone(),
            tx_id: self.tx_id.clone(),
            instruction: self.instruction.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct AmountDetails {
    #[serde(rename = "TxAmt")]
    transaction: Option<AmountWrapper>,
    /// What the payer instructed; camt.054.001.02 has no `TxDtls/Amt`, so it may be the only one.
    #[serde(rename = "InstdAmt")]
    instructed: Option<AmountWrapper>,
}

#[derive(Debug, Deserialize)]
struct AmountWrapper {
    #[serde(rename = "Amt")]
    amount: Option<Amount>,
}

#[derive(Debug, Deserialize)]
struct Remittance {
    #[serde(rename = "Strd", default)]
    structured: Vec<Structured>,
}

#[derive(Debug, Deserialize)]
struct Structured {
    #[serde(rename = "CdtrRefInf")]
    creditor_ref: Option<CreditorRef>,
}

#[derive(Debug, Deserialize)]
struct CreditorRef {
    #[serde(rename = "Tp")]
    kind: Option<RefType>,
    #[serde(rename = "Ref")]
    reference: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RefType {
    #[serde(rename = "CdOrPrtry")]
    code: Option<CodeOrProprietary>,
}

#[derive(Debug, Deserialize)]
struct CodeOrProprietary {
    #[serde(rename = "Cd")]
    code: Option<String>,
}

fn error(element: &str, message: impl Into<String>) -> ImportError {
    ImportError {
        line: 0,
        message: format!("{element}: {}", message.into()),
    }
}

fn money(amount: &Amount, element: &str) -> Result<Money, ImportError> {
    let currency = Currency::parse(&amount.currency).map_err(|_| {
        error(
            element,
            format!("currency {} is not one innfri collects in", amount.currency),
        )
    })?;
    let value: Decimal = amount.value.trim().parse().map_err(|_| {
        error(
            element,
            format!("'{}' is not an amount", amount.value.trim()),
        )
    })?;
    Money::new(value, currency).map_err(|e| error(element, e.to_string()))
}

fn date(choice: Option<&DateChoice>, element: &str) -> Result<NaiveDate, ImportError> {
    let text = choice
        .and_then(|c| {
            c.date
                .clone()
                .or_else(|| c.date_time.as_ref().map(|t| t.chars().take(10).collect()))
        })
        .ok_or_else(|| error(element, "no booking date"))?;
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| error(element, format!("'{text}' is not a date")))
}

/// Where a transaction's own amount is looked for, in this order: `Amt` (camt.054.001.03 and
/// later), then the booked and the instructed amount of `AmtDtls` (all that .001.02 has).
const AMOUNT_ELEMENTS: [&str; 3] = ["Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"];

/// The transaction's own amount and the element it came from (one of [`AMOUNT_ELEMENTS`]).
fn own_amount(transaction: &Transaction) -> Option<(&'static str, &Amount)> {
    let details = transaction.amount_details.as_ref();
    [
        transaction.amount.as_ref(),
        details.and_then(|d| d.transaction.as_ref()?.amount.as_ref()),
        details.and_then(|d| d.instructed.as_ref()?.amount.as_ref()),
    ]
    .into_iter()
    .zip(AMOUNT_ELEMENTS)
    .find_map(|(amount, element)| Some((element, amount?)))
}

/// The KID: the first structured creditor reference of type SCOR.
fn kid(transaction: &Transaction) -> Option<String> {
    transaction
        .remittance
        .as_ref()?
        .structured
        .iter()
        .find_map(|s| {
            let reference = s.creditor_ref.as_ref()?;
            let code = reference.kind.as_ref()?.code.as_ref()?.code.as_deref()?;
            (code == "SCOR").then(|| {
                reference
                    .reference
                    .as_ref()
                    .map(|r| r.trim().replace(' ', ""))
            })?
        })
}

/// Reads a camt.054 notification; any inconsistency refuses the whole file.
pub fn parse(content: &str) -> Result<Vec<IncomingPayment>, ImportError> {
    if !content.contains("urn:iso:std:iso:20022:tech:xsd:camt.054.001.") {
        return Err(error(
            "Document",
            "not a camt.054 notification (namespace urn:iso:std:iso:20022:tech:xsd:camt.054.001.xx)",
        ));
    }
    let document: Document = quick_xml::de::from_str(content)
        .map_err(|e| error("Document", format!("not readable XML: {e}")))?;
    let notification = document
        .notification
        .ok_or_else(|| error("Document", "no BkToCstmrDbtCdtNtfctn element"))?;
    let mut payments = Vec::new();
    for (n, ntfctn) in notification.notifications.iter().enumerate() {
        let account = ntfctn
            .account
            .as_ref()
            .and_then(|a| a.id.as_ref())
            .and_then(|id| {
                id.iban
                    .clone()
                    .or_else(|| id.other.as_ref().and_then(|o| o.id.clone()))
            })
            .unwrap_or_default();
        for (e, entry) in ntfctn.entries.iter().enumerate() {
            let at = format!("Ntfctn[{}]/Ntry[{}]", n + 1, e + 1);
            // Checked on every entry, credit or debit: a file that contradicts itself is not trusted at all.
            for (d, details) in entry.details.iter().enumerate() {
                if let Some(batch) = &details.batch {
                    let batch_at = format!("{at}/NtryDtls[{}]/Btch", d + 1);
                    if let Some(count) = batch
                        .count
                        .as_deref()
                        .and_then(|c| c.trim().parse::<usize>().ok())
                        && count != details.transactions.len()
                    {
                        return Err(error(
                            &format!("{batch_at}/NbOfTxs"),
                            format!(
                                "says {count} but there are {} TxDtls",
                                details.transactions.len()
                            ),
                        ));
                    }
                    if let Some(total) = &batch.total {
                        let stated = money(total, &format!("{batch_at}/TtlAmt"))?;
                        let mut sum = Money::zero(stated.currency());
                        for t in &details.transactions {
                            if let Some((_, a)) = own_amount(t) {
                                sum = sum
                                    .checked_add(money(a, &batch_at)?)
                                    .map_err(|e| error(&batch_at, e.to_string()))?;
                            }
                        }
                        if sum != stated {
                            return Err(error(
                                &format!("{batch_at}/TtlAmt"),
                                format!("says {stated} but the transactions add up to {sum}"),
                            ));
                        }
                    }
                }
            }
            let reversal = entry
                .reversal
                .as_deref()
                .is_some_and(|r| r.trim() == "true");
            let sign = match (entry.credit_debit.as_deref().map(str::trim), reversal) {
                (Some("CRDT"), false) => Decimal::ONE,
                // A debit that reverses an earlier credit takes that payment back.
                (Some("DBIT"), true) => Decimal::NEGATIVE_ONE,
                (Some("DBIT"), false) => continue,
                (Some("CRDT"), true) => continue,
                _ => return Err(error(&format!("{at}/CdtDbtInd"), "must be CRDT or DBIT")),
            };
            let entry_amount = entry
                .amount
                .as_ref()
                .ok_or_else(|| error(&format!("{at}/Amt"), "missing"))?;
            let entry_money = money(entry_amount, &format!("{at}/Amt"))?;
            let booked_on = date(entry.booked.as_ref(), &format!("{at}/BookgDt"))?;
            let transactions: Vec<&Transaction> = entry
                .details
                .iter()
                .flat_map(|d| d.transactions.iter())
                .collect();
            if transactions.is_empty() {
                return Err(error(
                    &format!("{at}/NtryDtls"),
                    "a credit entry without transaction details cannot be matched",
                ));
            }
            let mut entry_sum = Money::zero(entry_money.currency());
            let mut amounts = Vec::with_capacity(transactions.len());
            for (t, transaction) in transactions.iter().enumerate() {
                let tx_at = format!("{at}/NtryDtls/TxDtls[{}]", t + 1);
                let amount = match own_amount(transaction) {
                    Some((element, a)) => {
                        let element = format!("{tx_at}/{element}");
                        let amount = money(a, &element)?;
                        if amount.currency() != entry_money.currency() {
                            return Err(error(
                                &element,
                                format!(
                                    "is in {} but the entry is in {}",
                                    amount.currency(),
                                    entry_money.currency()
                                ),
                            ));
                        }
                        amount
                    }
                    // Without its own amount a transaction is only usable when it is the entry's only one.
                    None if transactions.len() == 1 => entry_money,
                    None => {
                        return Err(error(
                            &tx_at,
                            format!(
                                "no amount (looked for {}), and the entry has several transactions",
                                AMOUNT_ELEMENTS.join(", ")
                            ),
                        ));
                    }
                };
                entry_sum = entry_sum
                    .checked_add(amount)
                    .map_err(|e| error(&tx_at, e.to_string()))?;
                amounts.push(amount);
            }
            let identities: Vec<(TransactionRefs, Money)> = transactions
                .iter()
                .zip(&amounts)
                .map(|(t, amount)| {
                    let refs = t.refs.as_ref().map(Refs::to_transaction_refs);
                    (refs.unwrap_or_default(), *amount)
                })
                .collect();
            let keys =
                camt054_keys::entry_keys(&account, entry.servicer_ref.as_deref(), &identities)
                    .map_err(|NoReference { index }| {
                        error(
                            &format!("{at}/NtryDtls/TxDtls[{}]/Refs", index + 1),
                            "no bank reference to tell this payment from others (looked for \
                             TxDtls/Refs/AcctSvcrRef, TxDtls/Refs/UETR and Ntry/AcctSvcrRef)",
                        )
                    })?;
            for ((transaction, amount), key) in transactions.iter().zip(amounts).zip(keys) {
                let signed = Money::new(amount.amount() * sign, amount.currency())
                    .map_err(|e| error(&at, e.to_string()))?;
                payments.push(IncomingPayment {
                    reference: key.key,
                    legacy_reference: key.legacy,
                    kid: kid(transaction),
                    amount: signed,
                    booked_on,
                    to_account: account.clone(),
                    from_account: None,
                    line: payments.len() + 1,
                });
            }
            if entry_sum != entry_money && transactions.iter().all(|t| own_amount(t).is_some()) {
                return Err(error(
                    &format!("{at}/Amt"),
                    format!("says {entry_money} but its transactions add up to {entry_sum}"),
                ));
            }
        }
    }
    Ok(payments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/payments/camt054/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(path).expect("sample file")
    }

    /// A Norwegian-style notification: NOK credits with KIDs in SCOR references.
    pub fn nok_notification(payments: &[(&str, &str, &str)]) -> String {
        let total: Decimal = payments
            .iter()
            .map(|(_, amount, _)| amount.parse::<Decimal>().unwrap_or_default())
            .sum();
        let transactions: String = payments
            .iter()
            .map(|(reference, amount, kid)| {
                format!(
                    "<TxDtls><Refs><AcctSvcrRef>{reference}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>\
                     <Amt Ccy=\"NOK\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
                     <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{kid}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>"
                )
            })
            .collect();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\"><BkToCstmrDbtCdtNtfctn>\
             <GrpHdr><MsgId>innfri-test</MsgId><CreDtTm>2026-11-23T08:00:00</CreDtTm></GrpHdr>\
             <Ntfctn><Id>1</Id><Acct><Id><Othr><Id>15031234562</Id></Othr></Id></Acct>\
             <Ntry><Amt Ccy=\"NOK\">{total}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-23</Dt></BookgDt>\
             <NtryDtls><Btch><NbOfTxs>{}</NbOfTxs></Btch>{transactions}</NtryDtls></Ntry></Ntfctn>\
             </BkToCstmrDbtCdtNtfctn></Document>",
            payments.len()
        )
    }

    #[test]
    fn a_norwegian_notification_gives_each_payment_with_its_kid() {
        let xml = nok_notification(&[("A1", "1249.50", "0000000018"), ("A2", "300", "0000000026")]);
        let payments = parse(&xml).expect("valid");
        assert_eq!(payments.len(), 2);
        assert_eq!(payments[0].kid.as_deref(), Some("0000000018"));
        assert_eq!(
            payments[0].amount,
            Money::parse("1249.50", Currency::NOK).expect("money")
        );
        assert_eq!(payments[0].to_account, "15031234562");
        assert_eq!(payments[0].reference, "camt:15031234562:A1");
        assert_eq!(
            payments[1].booked_on,
            NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
        );
    }

    /// A camt.054.001.02 batch entry as Raiffeisen sends it: the entry's `AcctSvcrRef` repeated
    /// on every transaction, no `EndToEndId`, and each amount only in `AmtDtls`.
    fn batch_repeating_one_reference(amounts: &[(&str, &str)]) -> String {
        let total: Decimal = amounts
            .iter()
            .map(|(amount, _)| amount.parse::<Decimal>().unwrap_or_default())
            .sum();
        let transactions: String = amounts
            .iter()
            .map(|(amount, kid)| {
                format!(
                    "<TxDtls><Refs><AcctSvcrRef>RF-20261123-0042</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>\
                     <AmtDtls><InstdAmt><Amt Ccy=\"NOK\">{amount}</Amt></InstdAmt></AmtDtls>\
                     <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{kid}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>"
                )
            })
            .collect();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\"><BkToCstmrDbtCdtNtfctn>\
             <GrpHdr><MsgId>innfri-test</MsgId><CreDtTm>2026-11-23T08:00:00</CreDtTm></GrpHdr>\
             <Ntfctn><Id>1</Id><Acct><Id><Othr><Id>15031234562</Id></Othr></Id></Acct>\
             <Ntry><Amt Ccy=\"NOK\">{total}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-23</Dt></BookgDt>\
             <AcctSvcrRef>RF-20261123-0042</AcctSvcrRef>\
             <NtryDtls><Btch><NbOfTxs>{}</NbOfTxs></Btch>{transactions}</NtryDtls></Ntry></Ntfctn>\
             </BkToCstmrDbtCdtNtfctn></Document>",
            amounts.len()
        )
    }

    #[test]
    fn a_batch_repeating_one_reference_gives_each_payment_its_own_key_and_amount() {
        let xml = batch_repeating_one_reference(&[
            ("500.00", "0000000018"),
            ("500.00", "0000000026"),
            ("1249.50", "0000000034"),
        ]);
        let payments = parse(&xml).expect("valid");
        let amounts: Vec<String> = payments
            .iter()
            .map(|p| p.amount.to_plain_string())
            .collect();
        assert_eq!(amounts, ["500.00", "500.00", "1249.50"]);
        let references: std::collections::HashSet<&str> =
            payments.iter().map(|p| p.reference.as_str()).collect();
        assert_eq!(references.len(), 3, "{payments:?}");
        assert!(
            payments
                .iter()
                .all(|p| p.legacy_reference.as_deref() == Some("camt:15031234562:RF-20261123-0042"))
        );
        assert_eq!(
            parse(&xml).expect("valid"),
            payments,
            "the same file, the same keys"
        );
    }

    #[test]
    fn the_booked_amount_comes_before_the_instructed_one() {
        let xml = batch_repeating_one_reference(&[("100.00", "0000000018")]).replace(
            "<AmtDtls><InstdAmt><Amt Ccy=\"NOK\">100.00</Amt></InstdAmt></AmtDtls>",
            "<AmtDtls><InstdAmt><Amt Ccy=\"NOK\">110.00</Amt></InstdAmt>\
             <TxAmt><Amt Ccy=\"NOK\">100.00</Amt></TxAmt></AmtDtls>",
        );
        let payments = parse(&xml).expect("valid");
        assert_eq!(payments[0].amount.to_plain_string(), "100.00");
    }

    #[test]
    fn a_transaction_without_an_amount_names_the_elements_looked_for() {
        let xml = batch_repeating_one_reference(&[("100.00", "0000000018"), ("5", "0000000026")])
            .replace(
                "<AmtDtls><InstdAmt><Amt Ccy=\"NOK\">5</Amt></InstdAmt></AmtDtls>",
                "",
            );
        let refused = parse(&xml).expect_err("no amount");
        assert!(refused.message.contains("TxDtls[2]"), "{refused}");
        for element in AMOUNT_ELEMENTS {
            assert!(refused.message.contains(element), "{refused}");
        }
    }

    #[test]
    fn a_transaction_nothing_from_the_bank_identifies_is_refused() {
        let xml = nok_notification(&[("A1", "100", "0000000018")])
            .replace("<AcctSvcrRef>A1</AcctSvcrRef>", "");
        let refused = parse(&xml).expect_err("no reference");
        assert!(refused.message.contains("TxDtls[1]/Refs"), "{refused}");
        assert!(refused.message.contains("AcctSvcrRef"), "{refused}");
    }

    #[test]
    fn debit_only_samples_give_no_payments() {
        assert_eq!(parse(&sample("camt054.v2.xml")).expect("readable"), vec![]);
        assert_eq!(
            parse(&sample("camt054.v8-with-UETR.xml")).expect("readable"),
            vec![]
        );
    }

    #[test]
    fn a_file_that_contradicts_itself_is_refused_naming_the_element() {
        let refused = parse(&sample("camt054.v8.xml")).expect_err("inconsistent");
        assert!(refused.message.contains("Btch"), "{refused}");
    }

    #[test]
    fn a_currency_we_do_not_collect_in_is_refused() {
        let refused = parse(&sample("valid_example.xml")).expect_err("CHF");
        assert!(refused.message.contains("CHF"), "{refused}");
    }

    #[test]
    fn garbage_and_other_xml_are_refused() {
        assert!(parse("").is_err());
        assert!(parse("<Document/>").is_err());
        assert!(parse("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\"><BkToCstmrDbtCdtNtfctn>").is_err());
        let xml = nok_notification(&[("A1", "100", "0000000018")])
            .replace("<NbOfTxs>1</NbOfTxs>", "<NbOfTxs>2</NbOfTxs>");
        assert!(parse(&xml).expect_err("count").message.contains("NbOfTxs"));
        let xml = nok_notification(&[("A1", "100", "0000000018")])
            .replace("Ccy=\"NOK\">100<", "Ccy=\"NOK\">100.001<");
        assert!(parse(&xml).is_err());
    }
}
