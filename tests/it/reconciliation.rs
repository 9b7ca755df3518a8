//! Bank files through the real app on both stores: a camt.054 with ten payments (one unknown
//! KID, one booking reported twice) imported twice applies eight payments once; a batch that
//! repeats one bank reference on every transaction applies each of them once, also after an
//! upgrade from keys that were not unique; cases paid in full close; files of other accounts,
//! agencies or malformed files change nothing.

use crate::common::{Backend, KEY_A, KEY_B, TestApp, spawn_app};
use innfri::domain::case::CaseStatus;
use innfri::domain::event::{Actor, EventKind};
use innfri::domain::ids::{AgencyId, CaseId};
use innfri::domain::payment::{Payment, PaymentMethod};
use serde_json::Value;

fn entry(total: rust_decimal::Decimal, servicer_ref: &str, transactions: &str) -> String {
    format!(
        "<Ntry><Amt Ccy=\"NOK\">{total}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-23</Dt></BookgDt>\
         {servicer_ref}<NtryDtls>{transactions}</NtryDtls></Ntry>"
    )
}

fn notification(entries: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\">\
         <BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>T</MsgId></GrpHdr><Ntfctn><Acct><Id><Othr><Id>15031234562</Id></Othr></Id></Acct>\
         {entries}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    )
}

fn sum(amounts: impl Iterator<Item = &'static str>) -> rust_decimal::Decimal {
    amounts
        .map(|amount| amount.parse::<rust_decimal::Decimal>().expect("amount"))
        .sum()
}

/// A NOK camt.054 credit notification for the example creditor's account: one entry per
/// group of (bank reference, amount, KID), each transaction with a bank reference of its own.
fn camt_entries(entries: &[&[(&str, &'static str, &str)]]) -> String {
    let entries: String = entries
        .iter()
        .map(|payments| {
            let transactions: String = payments
                .iter()
                .map(|(reference, amount, kid)| {
                    format!(
                        "<TxDtls><Refs><AcctSvcrRef>{reference}</AcctSvcrRef></Refs><Amt Ccy=\"NOK\">{amount}</Amt>\
                         <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{kid}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>"
                    )
                })
                .collect();
            entry(sum(payments.iter().map(|p| p.1)), "", &transactions)
        })
        .collect();
    notification(&entries)
}

fn camt(payments: &[(&str, &'static str, &str)]) -> String {
    camt_entries(&[payments])
}

/// The entry reference of [`batch`], which it repeats on every transaction.
const BATCH_REF: &str = "RF-20261123-0042";

/// One camt.054.001.02 batch entry as Raiffeisen sends it: the entry's `AcctSvcrRef` repeated
/// on every transaction, no `EndToEndId`, and each amount (amount, KID) only in `AmtDtls`.
fn batch(payments: &[(&'static str, &str)]) -> String {
    let transactions: String = payments
        .iter()
        .map(|(amount, kid)| {
            format!(
                "<TxDtls><Refs><AcctSvcrRef>{BATCH_REF}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>\
                 <AmtDtls><InstdAmt><Amt Ccy=\"NOK\">{amount}</Amt></InstdAmt></AmtDtls>\
                 <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{kid}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>"
            )
        })
        .collect();
    let servicer_ref = format!("<AcctSvcrRef>{BATCH_REF}</AcctSvcrRef>");
    notification(&entry(
        sum(payments.iter().map(|p| p.0)),
        &servicer_ref,
        &transactions,
    ))
}

fn outcomes(report: &Value) -> Vec<&str> {
    report["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["outcome"].as_str().unwrap_or(""))
        .collect()
}

async fn import(app: &TestApp, key: &str, body: &str) -> (u16, Value) {
    let response = app
        .http
        .post(app.url("/api/v1/reconciliations"))
        .bearer_auth(key)
        .body(body.to_owned())
        .send()
        .await
        .expect("post");
    (
        response.status().as_u16(),
        response.json().await.expect("json"),
    )
}

async fn ten_payments_with_an_unknown_kid_and_a_duplicate_apply_eight_once(backend: Backend) {
    let app = spawn_app(backend).await;
    // Eight cases of 1 249,50 kr (1 200 + 14,50 + 35).
    let mut cases = Vec::new();
    for i in 0..8 {
        cases.push(app.create_case(&format!("C-{i}"), "1200.00").await);
    }
    let kid = |i: usize| cases[i]["kid"].as_str().expect("kid").to_owned();
    let kids: Vec<String> = (0..8).map(kid).collect();
    let mut lines: Vec<(String, &'static str, String)> = Vec::new();
    for (i, k) in kids.iter().enumerate() {
        // Cases 0–3 are paid in full, 4–6 in part, 7 overpaid.
        let amount = match i {
            0..=3 => "1249.50",
            7 => "1300.00",
            _ => "500.00",
        };
        lines.push((format!("REF-{i}"), amount, k.clone()));
    }
    lines.push(("REF-X".into(), "100.00", "0000000000".into()));
    let borrowed: Vec<(&str, &'static str, &str)> = lines
        .iter()
        .map(|(r, a, k)| (r.as_str(), *a, k.as_str()))
        .collect();
    // The bank reports the booking REF-0 a second time, in an entry of its own.
    let file = camt_entries(&[&borrowed, &[("REF-0", "1249.50", &kids[0])]]);

    let (status, first) = import(&app, KEY_A, &file).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        (first["payments"].as_u64(), first["applied"].as_u64()),
        (Some(10), Some(8)),
        "{first}"
    );
    let outcomes = outcomes(&first);
    assert_eq!(outcomes[8], "unknown_kid");
    assert_eq!(
        outcomes[9], "already_applied",
        "the booking reported twice is applied once"
    );
    assert!(
        first["lines"][7]["overpaid"]["amount"] == "50.50",
        "overpayment reported: {}",
        first["lines"][7]
    );

    let (status, second) = import(&app, KEY_A, &file).await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            second["applied"].as_u64(),
            second["already_applied"].as_u64()
        ),
        (Some(0), Some(9)),
        "{second}"
    );

    for (i, case) in cases.iter().enumerate() {
        let id = CaseId::parse(case["id"].as_str().expect("id")).expect("id");
        let stored = app.stored_case(&id).await;
        assert_eq!(stored.payments.len(), 1, "case {i} has its payment once");
        let expected_status = if i <= 3 || i == 7 {
            CaseStatus::Paid
        } else {
            CaseStatus::Open
        };
        assert_eq!(stored.status, expected_status, "case {i}");
        if i == 4 {
            assert_eq!(
                stored.balance_without_interest().to_plain_string(),
                "749.50"
            );
        }
    }
    let agency = AgencyId::parse("agency-a").expect("id");
    let events = app
        .ctx
        .store
        .events_after(&agency, None, 1000)
        .await
        .expect("events");
    let count = |kind| events.iter().filter(|(_, e)| e.kind == kind).count();
    assert_eq!(
        (
            count(EventKind::PaymentSucceeded),
            count(EventKind::CasePaid)
        ),
        (8, 5)
    );
}

fn kid_of(case: &Value) -> &str {
    case["kid"].as_str().expect("kid")
}

fn id_of(case: &Value) -> CaseId {
    CaseId::parse(case["id"].as_str().expect("id")).expect("id")
}

async fn a_batch_repeating_one_bank_reference_applies_every_transaction_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let cases = [
        app.create_case("B-1", "1200.00").await,
        app.create_case("B-2", "1200.00").await,
        app.create_case("B-3", "1200.00").await,
    ];
    let file = batch(&[
        ("500.00", kid_of(&cases[0])),
        ("500.00", kid_of(&cases[1])),
        ("1249.50", kid_of(&cases[2])),
    ]);
    let (status, first) = import(&app, KEY_A, &file).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        outcomes(&first),
        ["applied", "applied", "applied"],
        "{first}"
    );
    let (status, again) = import(&app, KEY_A, &file).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        outcomes(&again),
        ["already_applied", "already_applied", "already_applied"],
        "{again}"
    );
    let balances = [
        app.stored_case(&id_of(&cases[0])).await,
        app.stored_case(&id_of(&cases[1])).await,
        app.stored_case(&id_of(&cases[2])).await,
    ]
    .map(|c| {
        (
            c.payments.len(),
            c.balance_without_interest().to_plain_string(),
        )
    });
    assert_eq!(
        balances,
        [
            (1, "749.50".to_owned()),
            (1, "749.50".to_owned()),
            (1, "0.00".to_owned())
        ]
    );
}

/// What innfri before per-transaction keys left after importing `batch`: the one transaction
/// it applied, under the entry's reference alone.
async fn applied_under_the_old_key(app: &TestApp, case: &CaseId, amount: &str) {
    let mut stored = app.stored_case(case).await;
    let old_key = format!("camt:15031234562:{BATCH_REF}");
    let now = chrono::Utc::now();
    let payment = Payment {
        reference: old_key.clone(),
        amount: innfri::domain::money::Money::parse(amount, stored.currency()).expect("amount"),
        received_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"),
        method: PaymentMethod::BankTransfer,
        recorded_at: now,
    };
    stored.apply_payment(
        payment,
        Actor::System,
        now,
        &innfri::domain::ledger::OwedOn::without_interest(now.date_naive()),
    );
    assert!(
        app.ctx
            .store
            .apply_payment(&stored, &old_key, &[])
            .await
            .expect("store")
    );
}

async fn a_batch_imported_before_the_upgrade_applies_only_what_was_lost(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.create_case("U-1", "1200.00").await;
    let b = app.create_case("U-2", "1200.00").await;
    // The first KID is unknown, so the old importer applied the second transaction under the
    // shared key and reported the third and fourth (two instalments to A and one to B)
    // `already_applied`.
    let file = batch(&[
        ("100.00", "0000000000"),
        ("500.00", kid_of(&a)),
        ("300.00", kid_of(&b)),
        ("500.00", kid_of(&a)),
    ]);
    applied_under_the_old_key(&app, &id_of(&a), "500.00").await;

    let (status, first) = import(&app, KEY_A, &file).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        outcomes(&first),
        ["unknown_kid", "already_applied", "applied", "applied"],
        "{first}"
    );
    let (_, again) = import(&app, KEY_A, &file).await;
    assert_eq!(
        outcomes(&again),
        [
            "unknown_kid",
            "already_applied",
            "already_applied",
            "already_applied"
        ],
        "{again}"
    );
    let (a, b) = (
        app.stored_case(&id_of(&a)).await,
        app.stored_case(&id_of(&b)).await,
    );
    assert_eq!(
        (
            a.payments.len(),
            a.balance_without_interest().to_plain_string()
        ),
        (2, "249.50".to_owned())
    );
    assert_eq!(
        (
            b.payments.len(),
            b.balance_without_interest().to_plain_string()
        ),
        (1, "949.50".to_owned())
    );
}

async fn a_paid_case_closes_its_links_and_shows_as_paid(backend: Backend) {
    let app = spawn_app(backend).await;
    let case = app.create_case("P-1", "1200.00").await;
    let id = CaseId::parse(case["id"].as_str().expect("id")).expect("id");
    let link = app.ctx.issue_case_link(&id).await.expect("link");
    let cookie = app.open_link(&link).await.expect("session");
    let (status, _) = import(
        &app,
        KEY_A,
        &camt(&[("PAY-1", "1249.50", case["kid"].as_str().expect("kid"))]),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        app.case_page(&cookie, "")
            .await
            .text()
            .await
            .expect("html")
            .contains("Denne saken er betalt")
    );
    assert!(
        app.open_link(&link).await.is_none(),
        "links of a paid case are revoked"
    );
}

async fn another_agency_or_another_account_applies_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let case = app.create_case("O-1", "1200.00").await;
    let file = camt(&[("PAY-B", "1249.50", case["kid"].as_str().expect("kid"))]);
    let (status, report) = import(&app, KEY_B, &file).await;
    assert_eq!(status, 200);
    assert_eq!(
        report["applied"].as_u64(),
        Some(0),
        "agency B cannot pay into agency A's case: {report}"
    );
    let ocr = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/payments/ocr/ocr1.txt"
    ))
    .expect("sample");
    let (status, report) = import(&app, KEY_A, &ocr).await;
    assert_eq!(status, 200);
    assert_eq!(report["payments"].as_u64(), Some(23));
    assert_eq!(report["applied"].as_u64(), Some(0), "{report}");
    assert_eq!(report["lines"][0]["outcome"], "unknown_account");
}

async fn a_malformed_file_is_refused_with_its_line_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let case = app.create_case("M-1", "1200.00").await;
    let file = camt(&[("PAY-M", "1249.50", case["kid"].as_str().expect("kid"))]).replace(
        "<Amt Ccy=\"NOK\">1249.50</Amt><RmtInf>",
        "<Amt Ccy=\"NOK\">12x9.50</Amt><RmtInf>",
    );
    let (status, body) = import(&app, KEY_A, &file).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "file");
    let (status, body) = import(&app, KEY_A, "hello").await;
    assert_eq!(status, 422, "{body}");
    let id = CaseId::parse(case["id"].as_str().expect("id")).expect("id");
    assert!(app.stored_case(&id).await.payments.is_empty());
}

async fn a_direct_payment_registered_by_the_agency_counts_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let case = app.create_case("D-1", "1200.00").await;
    let path = format!(
        "/api/v1/cases/{}/payments",
        case["id"].as_str().expect("id")
    );
    let first = app
        .post_json(
            &path,
            Some(KEY_A),
            r#"{"reference": "bank-123", "amount": "500.00", "received_on": "2026-11-20"}"#,
        )
        .await;
    assert_eq!(first.status().as_u16(), 201);
    let first: Value = first.json().await.expect("json");
    assert_eq!(first["balance"]["amount"], "749.50");
    let again = app
        .post_json(
            &path,
            Some(KEY_A),
            r#"{"reference": "bank-123", "amount": "500.00"}"#,
        )
        .await;
    assert_eq!(
        again.status().as_u16(),
        200,
        "the same reference again changes nothing"
    );
    let again: Value = again.json().await.expect("json");
    assert_eq!(again["balance"]["amount"], "749.50");
    for (body, status) in [
        (r#"{"reference": "x", "amount": "-1"}"#, 422),
        (r#"{"reference": "x", "amount": "1.001"}"#, 422),
        (r#"{"reference": "", "amount": "1"}"#, 422),
        (r#"{"reference": "x""#, 400),
    ] {
        assert_eq!(
            app.post_json(&path, Some(KEY_A), body)
                .await
                .status()
                .as_u16(),
            status,
            "{body}"
        );
    }
    assert_eq!(
        app.post_json(&path, Some(KEY_B), r#"{"reference": "b", "amount": "1"}"#)
            .await
            .status()
            .as_u16(),
        404
    );
    // Money is never a binary float: a JSON number with decimals is refused, a string is not.
    let float = app
        .post_json(
            &path,
            Some(KEY_A),
            r#"{"reference": "bank-124", "amount": 749.5}"#,
        )
        .await;
    assert_eq!(float.status().as_u16(), 422);
    let float: Value = float.json().await.expect("json");
    assert_eq!(float["field"], "amount");
    let rest = app
        .post_json(
            &path,
            Some(KEY_A),
            r#"{"reference": "bank-124", "amount": "749.50"}"#,
        )
        .await;
    let rest: Value = rest.json().await.expect("json");
    assert_eq!(rest["status"], "paid");
}

/// A real-sized bank file: a camt.054 of several MiB (above the 256 KiB of other bodies) is read
/// whole; above `server.max_bank_file_mb` it is the API's JSON 413 and changes nothing.
async fn a_bank_file_of_several_megabytes_is_imported_and_one_above_the_limit_is_413(
    backend: Backend,
) {
    let app = TestApp::builder()
        .store(backend)
        .with("server.max_bank_file_mb", 4)
        .start()
        .await;
    let case = app.create_case("BIG-1", "1200.00").await;
    let kid = case["kid"].as_str().expect("kid").to_owned();
    let references: Vec<String> = (0..16_000).map(|i| format!("BIG-REF-{i:06}")).collect();
    let mut lines: Vec<(&str, &str, &str)> = references
        .iter()
        .map(|r| (r.as_str(), "1.00", "0000000000"))
        .collect();
    lines.push(("BIG-PAID", "1249.50", kid.as_str()));
    let file = camt(&lines);
    assert!(file.len() > 3 * 1024 * 1024, "{} bytes", file.len());
    assert!(file.len() < 4 * 1024 * 1024, "{} bytes", file.len());
    let (status, report) = import(&app, KEY_A, &file).await;
    assert_eq!(status, 200, "{report:.300}");
    assert_eq!(report["payments"], 16_001);
    assert_eq!(report["applied"], 1);
    assert_eq!(report["not_applied"], 16_000);
    let id = CaseId::parse(case["id"].as_str().expect("id")).expect("id");
    assert_eq!(app.stored_case(&id).await.status, CaseStatus::Paid);

    let other = app.create_case("BIG-2", "1200.00").await;
    let other_kid = other["kid"].as_str().expect("kid").to_owned();
    let mut too_big = lines.clone();
    too_big.pop();
    too_big.extend(
        references
            .iter()
            .map(|r| (r.as_str(), "1.00", "0000000000")),
    );
    too_big.push(("BIG-OVER", "1249.50", other_kid.as_str()));
    let file = camt(&too_big);
    assert!(file.len() > 4 * 1024 * 1024);
    let (status, answer) = import(&app, KEY_A, &file).await;
    assert_eq!(status, 413, "{answer:.300}");
    assert_eq!(answer["error"], "payload_too_large");
    let other_id = CaseId::parse(other["id"].as_str().expect("id")).expect("id");
    assert_eq!(app.stored_case(&other_id).await.status, CaseStatus::Open);
}

on_both_stores!(
    a_bank_file_of_several_megabytes_is_imported_and_one_above_the_limit_is_413,
    a_direct_payment_registered_by_the_agency_counts_once,
    ten_payments_with_an_unknown_kid_and_a_duplicate_apply_eight_once,
    a_batch_repeating_one_bank_reference_applies_every_transaction_once,
    a_batch_imported_before_the_upgrade_applies_only_what_was_lost,
    a_paid_case_closes_its_links_and_shows_as_paid,
    another_agency_or_another_account_applies_nothing,
    a_malformed_file_is_refused_with_its_line_and_changes_nothing,
);
