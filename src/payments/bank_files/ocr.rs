//! The Nets "OCR giro" payment file: fixed-width 80-character records starting with `NY`
//! (10 transmission start, 20 assignment start, 30/31/32 transaction, 88 assignment end,
//! 89 transmission end). Amounts are øre; counts and signed totals are checked against the
//! 88 and 89 records, so a truncated or altered file is refused whole.

use chrono::NaiveDate;

use crate::domain::money::{Currency, Money};
use crate::payments::{ImportError, IncomingPayment};

const RECORD_LEN: usize = 80;

fn error(line: usize, message: impl Into<String>) -> ImportError {
    ImportError {
        line,
        message: message.into(),
    }
}

/// Characters `from..to` of a record already checked to be 80 ASCII characters.
fn field(record: &str, from: usize, to: usize) -> &str {
    record.get(from..to).unwrap_or_default()
}

fn number(
    record: &str,
    from: usize,
    to: usize,
    line: usize,
    what: &str,
) -> Result<i64, ImportError> {
    let text = field(record, from, to);
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(error(
            line,
            format!("{what} (columns {}–{to}) is not a number", from + 1),
        ));
    }
    text.parse()
        .map_err(|_| error(line, format!("{what} is too large")))
}

/// DDMMYY; years 70–99 are 19xx (the format predates 2000), 00–69 are 20xx.
fn date(record: &str, from: usize, line: usize, what: &str) -> Result<NaiveDate, ImportError> {
    let text = field(record, from, from + 6);
    let parsed = NaiveDate::parse_from_str(
        &format!("{}{}", &text.get(..4).unwrap_or_default(), century(text)),
        "%d%m%Y",
    );
    parsed.map_err(|_| error(line, format!("{what} '{text}' is not a date (DDMMYY)")))
}

fn century(ddmmyy: &str) -> String {
    let yy: u32 = ddmmyy.get(4..6).and_then(|y| y.parse().ok()).unwrap_or(0);
    format!("{}", if yy >= 70 { 1900 + yy } else { 2000 + yy })
}

struct Pending {
    number: i64,
    booked_on: NaiveDate,
    amount: i64,
    kid: Option<String>,
    line: usize,
}

struct Assignment {
    account: String,
    transactions: i64,
    records: i64,
    total: i64,
}

/// Reads a whole OCR giro file (service code 09). Any error refuses the file.
pub fn parse(content: &str) -> Result<Vec<IncomingPayment>, ImportError> {
    let mut payments = Vec::new();
    let mut assignment: Option<Assignment> = None;
    let mut pending: Option<Pending> = None;
    let (mut started, mut ended) = (false, false);
    let (mut file_records, mut file_transactions, mut file_total) = (0_i64, 0_i64, 0_i64);
    for (index, raw) in content.lines().enumerate() {
        let line = index + 1;
        let record = raw.trim_end_matches('\r');
        if record.is_empty() {
            continue;
        }
        if ended {
            return Err(error(line, "data after the transmission end record (89)"));
        }
        if record.len() != RECORD_LEN || !record.is_ascii() || !record.starts_with("NY") {
            return Err(error(
                line,
                "every record must be 80 characters starting with NY",
            ));
        }
        file_records += 1;
        let service = field(record, 2, 4);
        let record_type = field(record, 6, 8);
        if !started && record_type != "10" {
            return Err(error(
                line,
                "the file must begin with a transmission start record (10)",
            ));
        }
        if let Some(a) = assignment.as_mut() {
            a.records += 1;
        }
        match record_type {
            "10" => {
                if started {
                    return Err(error(line, "a second transmission start record (10)"));
                }
                started = true;
            }
            "20" => {
                if service != "09" {
                    return Err(error(
                        line,
                        format!(
                            "service code {service} is not OCR giro (09); AvtaleGiro and other files are not payments"
                        ),
                    ));
                }
                if assignment.is_some() {
                    return Err(error(
                        line,
                        "an assignment starts before the previous one ended (88)",
                    ));
                }
                let account = field(record, 24, 35).to_owned();
                if !account.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(error(
                        line,
                        "the assignment account (columns 25–35) is not 11 digits",
                    ));
                }
                assignment = Some(Assignment {
                    account,
                    transactions: 0,
                    records: 1,
                    total: 0,
                });
            }
            "30" => {
                let a = assignment
                    .as_mut()
                    .ok_or_else(|| error(line, "a transaction outside an assignment"))?;
                if pending.is_some() {
                    return Err(error(
                        line,
                        "amount item 1 (30) without its amount item 2 (31)",
                    ));
                }
                let sign = match field(record, 31, 32) {
                    "-" => -1,
                    "0" | " " => 1,
                    other => {
                        return Err(error(
                            line,
                            format!("sign '{other}' in column 32 is neither '-' nor '0'"),
                        ));
                    }
                };
                let amount = sign * number(record, 32, 49, line, "the amount")?;
                let kid = field(record, 49, 74).trim();
                if !kid.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                    return Err(error(
                        line,
                        "the KID (columns 50–74) has characters other than digits",
                    ));
                }
                a.transactions += 1;
                a.total += amount;
                pending = Some(Pending {
                    number: number(record, 8, 15, line, "the transaction number")?,
                    booked_on: date(record, 15, line, "the settlement date")?,
                    amount,
                    kid: (!kid.is_empty()).then(|| kid.to_owned()),
                    line,
                });
            }
            "31" => {
                let a = assignment
                    .as_ref()
                    .ok_or_else(|| error(line, "a transaction outside an assignment"))?;
                let first = pending
                    .take()
                    .ok_or_else(|| error(line, "amount item 2 (31) without amount item 1 (30)"))?;
                if number(record, 8, 15, line, "the transaction number")? != first.number {
                    return Err(error(
                        line,
                        "amount item 2 (31) belongs to another transaction than the line before",
                    ));
                }
                let archive = field(record, 25, 34);
                let from_account = field(record, 47, 58);
                payments.push(IncomingPayment {
                    reference: format!(
                        "ocr:{}:{}:{}:{}",
                        a.account, first.booked_on, archive, first.number
                    ),
                    legacy_reference: None,
                    kid: first.kid,
                    amount: Money::from_minor(first.amount, Currency::NOK),
                    booked_on: first.booked_on,
                    to_account: a.account.clone(),
                    from_account: (from_account.bytes().any(|b| b != b'0'))
                        .then(|| from_account.to_owned()),
                    line: first.line,
                });
            }
            // Free text for the payment (record 32): not needed for matching by KID.
            "32" => {}
            "88" => {
                let a = assignment
                    .take()
                    .ok_or_else(|| error(line, "an assignment end (88) without its start (20)"))?;
                if pending.is_some() {
                    return Err(error(
                        line,
                        "the assignment ends in the middle of a transaction",
                    ));
                }
                let (transactions, records, total) = (
                    number(record, 8, 16, line, "the transaction count")?,
                    number(record, 16, 24, line, "the record count")?,
                    number(record, 24, 41, line, "the total amount")?,
                );
                if (transactions, records, total) != (a.transactions, a.records, a.total) {
                    return Err(error(
                        line,
                        format!(
                            "the assignment end says {transactions} transactions, {records} records and {total} øre, but the file has {}, {} and {}",
                            a.transactions, a.records, a.total
                        ),
                    ));
                }
                file_transactions += transactions;
                file_total += total;
            }
            "89" => {
                if assignment.is_some() {
                    return Err(error(line, "the transmission ends inside an assignment"));
                }
                let (transactions, records, total) = (
                    number(record, 8, 16, line, "the transaction count")?,
                    number(record, 16, 24, line, "the record count")?,
                    number(record, 24, 41, line, "the total amount")?,
                );
                if (transactions, records, total) != (file_transactions, file_records, file_total) {
                    return Err(error(
                        line,
                        format!(
                            "the transmission end says {transactions} transactions, {records} records and {total} øre, but the file has {file_transactions}, {file_records} and {file_total}"
                        ),
                    ));
                }
                ended = true;
            }
            other => return Err(error(line, format!("unknown record type {other}"))),
        }
    }
    if !ended {
        return Err(error(
            content.lines().count(),
            "the file ends without a transmission end record (89)",
        ));
    }
    Ok(payments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/payments/ocr/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(path).expect("sample file")
    }

    fn total(payments: &[IncomingPayment]) -> i64 {
        payments.iter().map(|p| p.amount.minor_units()).sum()
    }

    #[test]
    fn the_nets_example_file_has_twenty_payments_of_51_449_kroner() {
        let payments = parse(&sample("ocr_giro_transactions.txt")).expect("valid file");
        assert_eq!(payments.len(), 20);
        assert_eq!(total(&payments), 5_144_900);
        let first = &payments[0];
        assert_eq!(first.kid.as_deref(), Some("0000531"));
        assert_eq!(first.amount, Money::from_minor(102_000, Currency::NOK));
        assert_eq!(
            first.booked_on,
            NaiveDate::from_ymd_opt(1992, 1, 20).expect("date")
        );
        assert_eq!(first.to_account, "99991042764");
        assert_eq!(first.from_account.as_deref(), Some("99990512341"));
        assert!(first.reference.contains("099038562"));
        assert_eq!(payments[7].kid.as_deref(), Some("02212291038306"));
        let mut references: Vec<_> = payments.iter().map(|p| &p.reference).collect();
        references.dedup();
        assert_eq!(references.len(), 20, "each payment has its own reference");
    }

    #[test]
    fn reversals_are_negative_and_the_control_total_is_the_signed_sum() {
        let payments = parse(&sample("ocr1.txt")).expect("valid file");
        assert_eq!(payments.len(), 23);
        assert_eq!(total(&payments), 1_563_000);
        let reversals: Vec<i64> = payments
            .iter()
            .filter(|p| p.amount.is_negative())
            .map(|p| p.amount.minor_units())
            .collect();
        assert_eq!(reversals, vec![-25_000, -40_000, -150_000]);
        assert_eq!(
            payments[0].booked_on,
            NaiveDate::from_ymd_opt(2004, 3, 24).expect("date")
        );
    }

    #[test]
    fn a_payment_without_kid_is_read_with_no_kid() {
        let payments = parse(&sample("ocr3.txt")).expect("valid file");
        assert_eq!(payments.len(), 1);
        assert_eq!(payments[0].kid, None);
        assert_eq!(payments[0].amount, Money::from_minor(44_000, Currency::NOK));
        assert_eq!(payments[0].from_account, None);
    }

    #[test]
    fn an_avtalegiro_agreement_file_is_refused() {
        let refused = parse(&sample("avtalegiro_agreements.txt")).expect_err("not payments");
        assert_eq!(refused.line, 2);
        assert!(refused.message.contains("service code 21"));
    }

    #[test]
    fn a_changed_amount_breaks_the_control_total_and_names_the_line() {
        let file = sample("ocr1.txt");
        let lines: Vec<&str> = file.lines().collect();
        let mut altered: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        // Line 3 is the first amount item: 440,00 becomes 450,00.
        altered[2] = altered[2].replacen("000000000000044000", "000000000000045000", 1);
        let refused = parse(&altered.join("\n")).expect_err("totals differ");
        assert!(refused.message.contains("assignment end"), "{refused}");
        assert_eq!(refused.line, lines.len() - 1);
    }

    #[test]
    fn truncated_or_malformed_files_are_refused_with_their_line() {
        let file = sample("ocr_giro_transactions.txt");
        let truncated: String = file.lines().take(10).collect::<Vec<_>>().join("\n");
        assert!(
            parse(&truncated)
                .expect_err("no end")
                .message
                .contains("89")
        );
        let short = file.replacen("NY092131", "NY09213", 1);
        assert_eq!(parse(&short).expect_err("short record").line, 4);
        assert!(parse("").is_err());
        assert!(parse("hello").is_err());
        let letters = file.replacen("00000000000102000", "0000000000010200x", 1);
        assert_eq!(parse(&letters).expect_err("letter in amount").line, 3);
    }
}
