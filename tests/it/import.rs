//! The CSV case import through the real library on both stores: good rows imported with the
//! right amounts, bad rows reported by line and column, a second run changing nothing, files
//! refused whole; and the `innfri import` binary once, end to end on Redis.

use std::path::PathBuf;
use std::sync::Arc;

use crate::common::{self, Backend, TestApp};
use innfri::app::AppContext;
use innfri::domain::case::{Case, ClaimKind};
use innfri::domain::ids::{AgencyId, CreditorId, ExternalRef};
use innfri::service::import::{ImportError, ImportReport, Rejection, choose_agency, import_cases};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/import/{name}"))
}

fn agency() -> AgencyId {
    AgencyId::parse("agency-a").expect("id")
}

fn creditor() -> CreditorId {
    CreditorId::parse("nordlys-energi").expect("id")
}

async fn context(backend: Backend) -> Arc<AppContext> {
    TestApp::builder().store(backend).context().await
}

async fn import(ctx: &AppContext, file: &str) -> Result<ImportReport, ImportError> {
    let reader = std::fs::File::open(fixture(file)).expect("fixture");
    import_cases(ctx, &agency(), &creditor(), reader).await
}

async fn import_bytes(ctx: &AppContext, bytes: &[u8]) -> Result<ImportReport, ImportError> {
    import_cases(ctx, &agency(), &creditor(), bytes).await
}

async fn case(ctx: &AppContext, external_ref: &str) -> Option<Case> {
    let r = ExternalRef::parse(external_ref).expect("ref");
    ctx.store.case_by_ref(&agency(), &r).await.expect("store")
}

/// Each claim line as (kind, amount), and the total.
async fn amounts(ctx: &AppContext, external_ref: &str) -> (Vec<(ClaimKind, String)>, String) {
    let case = case(ctx, external_ref)
        .await
        .unwrap_or_else(|| panic!("{external_ref} was imported"));
    let lines = case
        .claim
        .iter()
        .map(|l| (l.kind, l.amount.to_plain_string()))
        .collect();
    (lines, case.amount_due().to_plain_string())
}

fn rejection(line: u64, field: &str) -> impl Fn(&Rejection) -> bool + '_ {
    move |r| r.line == line && r.field == field
}

async fn good_rows_are_imported_and_bad_ones_reported_by_line_and_column(backend: Backend) {
    let ctx = context(backend).await;
    let report = import(&ctx, "cases.csv").await.expect("file accepted");
    assert_eq!(
        (
            report.rows,
            report.created,
            report.updated,
            report.unchanged
        ),
        (6, 4, 0, 0),
        "{report:?}"
    );
    assert_eq!(report.rejected.len(), 2, "{report:?}");
    let phone = &report.rejected[0];
    assert!(rejection(4, "phone")(phone), "{phone}");
    assert!(
        phone
            .to_string()
            .starts_with("line 4: phone: invalid phone number"),
        "{phone}"
    );
    assert_eq!(
        report.rejected[1].to_string(),
        "line 6: due_date: is required"
    );

    use ClaimKind::{Fee, Interest, Principal};
    let s = |t: &str| t.to_owned();
    assert_eq!(
        amounts(&ctx, "IMP-1").await,
        (
            vec![
                (Principal, s("1200.00")),
                (Interest, s("14.50")),
                (Fee, s("35.00"))
            ],
            s("1249.50")
        )
    );
    assert_eq!(
        amounts(&ctx, "IMP-2").await,
        (
            vec![(Principal, s("1250.50")), (Interest, s("12.25"))],
            s("1262.75")
        )
    );
    assert_eq!(
        amounts(&ctx, "IMP-4").await,
        (
            vec![(Principal, s("10000.00")), (Fee, s("70.00"))],
            s("10070.00")
        )
    );
    assert_eq!(
        amounts(&ctx, "IMP-6").await,
        (vec![(Principal, s("99.90"))], s("99.90"))
    );
    let ola = case(&ctx, "IMP-1").await.expect("IMP-1");
    assert_eq!(ola.debtor.name, "Ola Nordmann");
    assert_eq!(ola.claim[0].description, "Faktura 1001");
    assert_eq!(ola.claim[2].description, "Purregebyr");
    assert_eq!(ola.due_date.to_string(), "2026-12-15");
    assert_eq!(
        case(&ctx, "IMP-4").await.expect("IMP-4").debtor.name,
        "Nordmann, Anne"
    );
    assert!(case(&ctx, "IMP-3").await.is_none());
    assert!(case(&ctx, "IMP-5").await.is_none());
}

async fn an_excel_file_with_semicolons_bom_and_crlf_is_read_by_header_name(backend: Backend) {
    let ctx = context(backend).await;
    let report = import(&ctx, "excel-semicolon.csv")
        .await
        .expect("file accepted");
    // Line 9 has only empty cells and is skipped; S-1 spans lines 2–3 (a quoted line break).
    assert_eq!(
        (
            report.rows,
            report.created,
            report.updated,
            report.unchanged
        ),
        (6, 4, 0, 0),
        "{report:?}"
    );
    let lines: Vec<String> = report.rejected.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("line 4: principal: "), "{lines:?}");
    assert!(
        lines[1].starts_with("line 6: email: invalid email address"),
        "{lines:?}"
    );

    let s = |t: &str| t.to_owned();
    assert_eq!(amounts(&ctx, "S-1").await.1, s("1300.00"));
    assert_eq!(amounts(&ctx, "S-3").await.1, s("2000.00"));
    assert_eq!(amounts(&ctx, "S-5").await.1, s("75.50"));
    assert_eq!(amounts(&ctx, "S-6").await.1, s("12345678.90"));
    let s1 = case(&ctx, "S-1").await.expect("S-1");
    assert!(s1.claim[0].description.starts_with("Faktura 1001"));
    assert!(s1.claim[0].description.ends_with("strøm mars"));
    assert_eq!(
        s1.debtor.phone.as_ref().map(|p| p.e164().to_owned()),
        Some(s("+4791234567"))
    );
    assert!(case(&ctx, "S-2").await.is_none());
    assert!(case(&ctx, "S-4").await.is_none());
}

async fn importing_the_same_file_again_changes_nothing(backend: Backend) {
    let ctx = context(backend).await;
    let first = import(&ctx, "cases.csv").await.expect("first run");
    assert_eq!(first.created, 4);
    let mut before = Vec::new();
    for r in ["IMP-1", "IMP-2", "IMP-4", "IMP-6"] {
        before.push(case(&ctx, r).await.expect("imported"));
    }
    let second = import(&ctx, "cases.csv").await.expect("second run");
    assert_eq!(
        (
            second.rows,
            second.created,
            second.updated,
            second.unchanged
        ),
        (6, 0, 0, 4),
        "{second:?}"
    );
    assert_eq!(second.rejected, first.rejected);
    assert_eq!(
        second.summary(),
        "6 rows: 0 created, 0 updated, 4 unchanged, 2 rejected"
    );
    for old in before {
        let now = case(&ctx, old.external_ref.as_str())
            .await
            .expect("still there");
        assert_eq!(
            (now.id.clone(), now.version, now.updated_at, now.kid.clone()),
            (old.id.clone(), old.version, old.updated_at, old.kid.clone()),
            "{} changed",
            old.external_ref
        );
    }
}

async fn a_changed_row_updates_its_case(backend: Backend) {
    let ctx = context(backend).await;
    let header = "external_ref,debtor_name,principal,due_date\n";
    let first = import_bytes(&ctx, format!("{header}C-1,Ola,100,2026-12-15\n").as_bytes())
        .await
        .expect("first");
    assert_eq!(first.created, 1);
    let id = case(&ctx, "C-1").await.expect("C-1").id;
    let second = import_bytes(
        &ctx,
        format!("{header}C-1,Ola,\"1 100,00\",2026-12-15\n").as_bytes(),
    )
    .await
    .expect("second");
    assert_eq!((second.created, second.updated), (0, 1), "{second:?}");
    let updated = case(&ctx, "C-1").await.expect("C-1");
    assert_eq!(updated.id, id);
    assert_eq!(updated.amount_due().to_plain_string(), "1100.00");
}

async fn a_file_with_a_bad_header_is_refused_whole(backend: Backend) {
    let ctx = context(backend).await;
    match import(&ctx, "unknown-column.csv").await {
        Err(e @ ImportError::Header { .. }) => {
            let ImportError::Header {
                unknown, missing, ..
            } = &e
            else {
                unreachable!()
            };
            assert_eq!(unknown, &vec!["kundenummer".to_owned()]);
            assert!(missing.is_empty());
            assert!(
                e.to_string().contains("unknown column(s) \"kundenummer\""),
                "{e}"
            );
            assert!(e.nothing_imported());
        }
        other => panic!("expected a header error, got {other:?}"),
    }
    assert!(case(&ctx, "U-1").await.is_none());

    match import(&ctx, "missing-column.csv").await {
        Err(e @ ImportError::Header { .. }) => {
            assert!(
                e.to_string()
                    .contains("missing required column(s) \"due_date\""),
                "{e}"
            );
        }
        other => panic!("expected a header error, got {other:?}"),
    }
    assert!(case(&ctx, "M-1").await.is_none());

    let repeated = import_bytes(
        &ctx,
        b"external_ref,debtor_name,principal,due_date,Principal\nR-1,Ola,1,2026-12-15,2\n",
    )
    .await;
    assert!(
        matches!(&repeated, Err(ImportError::Header { repeated, .. }) if repeated == &vec!["principal".to_owned()]),
        "{repeated:?}"
    );
    assert!(case(&ctx, "R-1").await.is_none());
}

async fn awkward_files_get_clear_errors_and_never_a_panic(backend: Backend) {
    let ctx = context(backend).await;
    let header = "external_ref,debtor_name,principal,due_date\n";
    assert!(matches!(
        import_bytes(&ctx, b"").await,
        Err(ImportError::Empty)
    ));
    assert!(matches!(
        import_bytes(&ctx, b"\xef\xbb\xbf \r\n").await,
        Err(ImportError::Empty)
    ));
    assert!(matches!(
        import_bytes(&ctx, header.as_bytes()).await,
        Err(ImportError::NoRows)
    ));
    // Latin-1 "ø" on line 3.
    let latin1 = [
        header.as_bytes(),
        b"A-1,Ola,1,2026-12-15\nA-2,S\xf8lvi,1,2026-12-15\n",
    ]
    .concat();
    assert!(matches!(
        import_bytes(&ctx, &latin1).await,
        Err(ImportError::NotUtf8 { line: 3 })
    ));
    assert!(case(&ctx, "A-1").await.is_none());

    // Ragged rows, a repeated reference, odd amounts and dates: rejected row by row.
    let rows = format!(
        "{header}\
         B-1,Ola,100\n\
         B-2,Kari,100,2026-12-15,extra\n\
         B-3,Per,\"1.250,50\",2026-12-15\n\
         B-4,Anne,\"12 50\",2026-12-15\n\
         B-5,Lise,100,15.12.2026\n\
         B-6,Nils,0,2026-12-15\n\
         B-7,Ola,\"1 000\",2026-12-15\n\
         B-7,Ola,\"2 000\",2026-12-15\n\
         B-8,Unclosed,\"100,2026-12-15\n"
    );
    let report = import_bytes(&ctx, rows.as_bytes())
        .await
        .expect("file accepted");
    let lines: Vec<String> = report.rejected.iter().map(ToString::to_string).collect();
    let expect = [
        "line 2: row: has 3 cells, the header has 4",
        "line 3: row: has 5 cells, the header has 4",
        "line 4: principal: \"1.250,50\": use ',' or '.' as the decimal separator",
        "line 5: principal: \"12 50\": use ',' or '.' as the decimal separator",
        "line 6: due_date: must be a date like 2026-12-01",
        "line 7: principal: must contain a principal line with an amount above zero",
        "line 9: external_ref: \"B-7\" is already on line 8",
        "line 10: row: has 3 cells, the header has 4",
    ];
    assert_eq!(lines.len(), expect.len(), "{lines:#?}");
    for (line, expected) in lines.iter().zip(expect) {
        assert!(line.starts_with(expected), "{line} / {expected}");
    }
    assert_eq!(report.created, 1, "{report:?}");
    assert_eq!(amounts(&ctx, "B-7").await.1, "1000.00");
}

async fn the_agency_is_the_one_acting_for_the_creditor(backend: Backend) {
    let ctx = context(backend).await;
    // Both test agencies act for nordlys-energi: one must be chosen.
    let err = choose_agency(&ctx, &creditor(), None)
        .await
        .expect_err("ambiguous");
    assert!(
        err.to_string()
            .contains("(agency-a, agency-b); choose one with --agency"),
        "{err}"
    );
    assert_eq!(
        choose_agency(&ctx, &creditor(), Some(&agency()))
            .await
            .expect("named"),
        agency()
    );
    let unknown = CreditorId::parse("nobody").expect("id");
    assert!(matches!(
        choose_agency(&ctx, &unknown, None).await,
        Err(ImportError::UnknownCreditor(_))
    ));
    let stranger = AgencyId::parse("agency-z").expect("id");
    assert!(matches!(
        choose_agency(&ctx, &creditor(), Some(&stranger)).await,
        Err(ImportError::UnknownAgency(_))
    ));
    let reader = std::fs::File::open(fixture("cases.csv")).expect("fixture");
    assert!(matches!(
        import_cases(&ctx, &stranger, &creditor(), reader).await,
        Err(ImportError::NotForCreditor { .. })
    ));
}

on_both_stores!(
    good_rows_are_imported_and_bad_ones_reported_by_line_and_column,
    an_excel_file_with_semicolons_bom_and_crlf_is_read_by_header_name,
    importing_the_same_file_again_changes_nothing,
    a_changed_row_updates_its_case,
    a_file_with_a_bad_header_is_refused_whole,
    awkward_files_get_clear_errors_and_never_a_panic,
    the_agency_is_the_one_acting_for_the_creditor,
);

/// `innfri --profile demo import FILE --creditor nordlys-energi` on Redis (the demo profile's
/// one agency acts for the creditor, so `--agency` is not needed).
fn run_import(namespace: &str, file: &str) -> std::process::Output {
    common::demo_cli("import", namespace)
        .arg(fixture(file))
        .args(["--creditor", "nordlys-energi"])
        .env("INNFRI__LINKS__KEYS__1", common::LINK_KEY_HEX)
        .output()
        .expect("run innfri")
}

#[tokio::test]
async fn the_import_command_reports_rejected_rows_and_exits_with_2() {
    let namespace = common::unique_namespace();
    let output = run_import(&namespace, "cases.csv");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].starts_with("line 4: phone: "), "{stdout}");
    assert_eq!(lines[1], "line 6: due_date: is required");
    assert_eq!(
        lines[2],
        "6 rows: 4 created, 0 updated, 0 unchanged, 2 rejected"
    );

    let again = run_import(&namespace, "cases.csv");
    assert_eq!(again.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&again.stdout)
            .contains("6 rows: 0 created, 0 updated, 4 unchanged, 2 rejected")
    );

    let refused = run_import(&namespace, "unknown-column.csv");
    assert_eq!(refused.status.code(), Some(1));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("unknown column(s) \"kundenummer\""),
        "{message}"
    );
    assert!(message.contains("nothing imported"), "{message}");
    assert!(refused.stdout.is_empty());

    use innfri::store::CaseStore;
    let store =
        innfri::store::RedisStore::connect(common::redis_url(), &namespace, common::pseudonyms())
            .await
            .expect("redis");
    let demo = AgencyId::parse("demo-inkasso").expect("id");
    let get = |r: &str| {
        let r = ExternalRef::parse(r).expect("ref");
        let store = &store;
        let demo = &demo;
        async move { store.case_by_ref(demo, &r).await.expect("store") }
    };
    let imported = get("IMP-2").await.expect("IMP-2 imported by the binary");
    assert_eq!(imported.amount_due().to_plain_string(), "1262.75");
    assert!(get("IMP-3").await.is_none());
    assert!(get("U-1").await.is_none());
}
