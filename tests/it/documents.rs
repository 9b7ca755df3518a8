//! Documents through the real app, on each object store (memory, a local folder, a real local
//! S3-compatible server): the agency attaches, lists, downloads and removes PDFs; types are
//! read from the bytes; the size limit; another agency sees nothing; the debtor downloads the
//! case's documents and sends a receipt with a dispute; the agreed plan as a PDF.

use serde_json::Value;

use crate::common::{Backend, Debtor, KEY_A, KEY_B, TestApp, debtor_in, s3};
use innfri::domain::document::MAX_DOCUMENT_BYTES;

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
pub const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0\xb8\0\0\0\0\0\0\0@\0";

/// Where the app under test keeps documents' bytes.
#[derive(Debug, Clone, Copy)]
pub enum Objects {
    Memory,
    Folder,
    S3,
}

/// A test app on the embedded store with documents in `objects`; the S3 bucket's name when
/// it is S3, the folder when it is one.
pub async fn app_with(objects: Objects) -> (TestApp, Option<String>) {
    let builder = TestApp::builder().store(Backend::Embedded);
    match objects {
        Objects::Memory => (builder.start().await, None),
        Objects::Folder => {
            let dir = std::env::temp_dir().join(format!("innfri-docs-{}", uuid::Uuid::new_v4()));
            let path = dir.to_string_lossy().into_owned();
            (
                builder.with("documents.path", &path).start().await,
                Some(path),
            )
        }
        Objects::S3 => {
            let bucket = s3::bucket().await;
            let app = builder
                .with("documents.s3", s3::settings(&bucket))
                .start()
                .await;
            (app, Some(bucket))
        }
    }
}

pub async fn attach(
    app: &TestApp,
    key: &str,
    case: &str,
    query: &str,
    bytes: &[u8],
) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/cases/{case}/documents?{query}")))
        .bearer_auth(key)
        .header("Content-Type", "application/pdf")
        .body(bytes.to_vec())
        .send()
        .await
        .expect("request")
}

async fn agency_attaches_lists_downloads_and_removes_a_pdf(objects: Objects) {
    let (app, _where) = app_with(objects).await;
    let case = app.new_case("D-1").await;
    let response = attach(
        &app,
        KEY_A,
        case.as_str(),
        "kind=invoice&file_name=..%2Ffaktura%20%22mars%22.pdf",
        PDF,
    )
    .await;
    assert_eq!(response.status().as_u16(), 201);
    let doc: Value = response.json().await.expect("json");
    let id = doc["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("doc_"));
    assert_eq!(doc["kind"], "invoice");
    assert_eq!(
        doc["file_name"], "faktura mars.pdf",
        "the name is cleaned for display"
    );
    assert_eq!(doc["content_type"], "application/pdf");
    assert_eq!(doc["size"], PDF.len());
    assert_eq!(doc["uploaded_by"], "agency");
    assert_eq!(doc["sha256"], hex_sha256(PDF));

    let list: Value = app
        .get_api(&format!("/api/v1/cases/{case}/documents"), KEY_A)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["documents"][0]["id"], id.as_str());

    let download = app
        .get_api(&format!("/api/v1/cases/{case}/documents/{id}"), KEY_A)
        .await;
    assert_eq!(download.status().as_u16(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(
        download.headers()["content-disposition"],
        "attachment; filename=\"faktura mars.pdf\""
    );
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    assert_eq!(download.bytes().await.expect("bytes").as_ref(), PDF);
    assert_eq!(
        app.ctx
            .documents
            .case_objects(&case)
            .await
            .expect("objects")
            .len(),
        1
    );

    let deleted = app
        .http
        .delete(app.url(&format!("/api/v1/cases/{case}/documents/{id}")))
        .bearer_auth(KEY_A)
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.status().as_u16(), 204);
    let gone = app
        .get_api(&format!("/api/v1/cases/{case}/documents/{id}"), KEY_A)
        .await;
    assert_eq!(gone.status().as_u16(), 404);
    let body: Value = gone.json().await.expect("json");
    assert_eq!(body["error"], "document_not_found");
    assert!(
        app.ctx
            .documents
            .case_objects(&case)
            .await
            .expect("objects")
            .is_empty(),
        "the bytes went with the metadata"
    );
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[tokio::test]
async fn agency_documents_in_memory() {
    agency_attaches_lists_downloads_and_removes_a_pdf(Objects::Memory).await;
}

#[tokio::test]
async fn agency_documents_in_a_local_folder() {
    agency_attaches_lists_downloads_and_removes_a_pdf(Objects::Folder).await;
}

#[tokio::test]
async fn agency_documents_in_a_real_s3_server() {
    agency_attaches_lists_downloads_and_removes_a_pdf(Objects::S3).await;
}

#[tokio::test]
async fn the_s3_objects_are_under_random_ids_only() {
    let (app, bucket) = app_with(Objects::S3).await;
    let bucket = bucket.expect("bucket");
    let case = app.new_case("D-KEYS").await;
    let response = attach(
        &app,
        KEY_A,
        case.as_str(),
        "kind=letter&file_name=Kari%20Nordmann.pdf",
        PDF,
    )
    .await;
    assert_eq!(response.status().as_u16(), 201);
    let keys = s3::keys(&bucket, "cases/").await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(
        keys[0].starts_with(&format!("cases/{case}/doc_")),
        "{keys:?}"
    );
    assert!(!keys[0].contains("Kari") && !keys[0].contains("D-KEYS"));
}

#[tokio::test]
async fn an_exe_named_pdf_and_a_png_are_refused_by_the_api_which_takes_pdf_only() {
    let (app, _) = app_with(Objects::Memory).await;
    let case = app.new_case("D-2").await;
    for bytes in [EXE, PNG, b"".as_slice()] {
        let response = attach(
            &app,
            KEY_A,
            case.as_str(),
            "kind=invoice&file_name=x.pdf",
            bytes,
        )
        .await;
        assert_eq!(response.status().as_u16(), 422);
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"], "invalid_field");
        assert_eq!(body["field"], "body");
    }
    let response = attach(&app, KEY_A, case.as_str(), "kind=poem", PDF).await;
    assert_eq!(response.status().as_u16(), 422);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["field"], "kind");
    assert!(app.stored_case(&case).await.documents.is_empty());
    assert!(
        app.ctx
            .documents
            .case_objects(&case)
            .await
            .expect("objects")
            .is_empty()
    );
}

#[tokio::test]
async fn a_file_over_ten_megabytes_is_refused_by_the_api() {
    let (app, _) = app_with(Objects::Memory).await;
    let case = app.new_case("D-3").await;
    let mut big = PDF.to_vec();
    big.resize(MAX_DOCUMENT_BYTES + 1, b' ');
    let response = attach(&app, KEY_A, case.as_str(), "kind=invoice", &big).await;
    assert_eq!(response.status().as_u16(), 413);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "payload_too_large");
    big.truncate(MAX_DOCUMENT_BYTES);
    let response = attach(&app, KEY_A, case.as_str(), "kind=invoice", &big).await;
    assert_eq!(response.status().as_u16(), 201, "exactly 10 MiB is taken");
}

#[tokio::test]
async fn another_agency_sees_no_document_of_the_case() {
    let (app, _) = app_with(Objects::Memory).await;
    let case = app.new_case("D-4").await;
    let doc: Value = attach(&app, KEY_A, case.as_str(), "kind=invoice", PDF)
        .await
        .json()
        .await
        .expect("json");
    let id = doc["id"].as_str().expect("id");
    for path in [
        format!("/api/v1/cases/{case}/documents"),
        format!("/api/v1/cases/{case}/documents/{id}"),
    ] {
        let response = app.get_api(&path, KEY_B).await;
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
    let response = attach(&app, KEY_B, case.as_str(), "kind=invoice", PDF).await;
    assert_eq!(response.status().as_u16(), 404);
    let response = app
        .http
        .delete(app.url(&format!("/api/v1/cases/{case}/documents/{id}")))
        .bearer_auth(KEY_B)
        .send()
        .await
        .expect("delete");
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(
        app.stored_case(&case).await.documents.len(),
        1,
        "still there"
    );
}

/// A multipart form body as a browser sends it: the fields, then the file (if any).
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----innfri-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn dispute_with(d: &Debtor, file: Option<(&str, &[u8])>) -> (u16, String) {
    let (content_type, body) = multipart(
        &[
            ("csrf", &d.csrf),
            ("text", "Jeg har betalt, se kvitteringen."),
            ("paid_reference", "nettbank"),
        ],
        file.map(|(name, bytes)| ("receipt", name, bytes)),
    );
    let response = d
        .app
        .http
        .post(d.app.url("/case/dispute"))
        .header("Cookie", &d.cookie)
        .header("Origin", &d.app.base)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .expect("post");
    (
        response.status().as_u16(),
        response.text().await.expect("body"),
    )
}

async fn debtor_with(objects: Objects) -> Debtor {
    let (app, _) = app_with(objects).await;
    debtor_in(app, "1200.00").await
}

#[tokio::test]
async fn the_dispute_form_takes_a_file_and_says_which_types() {
    let d = debtor_with(Objects::Memory).await;
    let form = d.get("/case/dispute").await;
    assert!(form.contains("enctype=\"multipart/form-data\""), "{form}");
    assert!(form.contains("type=\"file\""));
    assert!(form.contains("PDF, JPEG eller PNG"));
}

#[tokio::test]
async fn a_png_named_pdf_sent_with_a_dispute_is_kept_as_a_png_and_named_in_the_event() {
    let d = debtor_with(Objects::Folder).await;
    let (status, html) = dispute_with(&d, Some(("kvittering.pdf", PNG))).await;
    assert_eq!(status, 200, "{html}");
    let case = d.case().await;
    assert_eq!(case.documents.len(), 1);
    let doc = &case.documents[0];
    assert_eq!(doc.file_type, innfri::domain::document::FileType::Png);
    assert_eq!(doc.file_name, "kvittering.png", "named by what it is");
    assert_eq!(doc.uploaded_by, innfri::domain::document::Uploader::Debtor);
    let agency = innfri::domain::ids::AgencyId::parse("agency-a").expect("id");
    let events = d
        .app
        .ctx
        .store
        .events_after(&agency, None, 100)
        .await
        .expect("events");
    let dispute = events
        .iter()
        .map(|(_, e)| e)
        .find(|e| e.kind == innfri::domain::event::EventKind::DisputeOpened)
        .expect("dispute event");
    let data = serde_json::to_value(dispute).expect("json").to_string();
    assert!(
        data.contains(doc.id.as_str()),
        "the event names the document: {data}"
    );
    assert!(!data.contains("PNG"), "never its bytes");
    // The agency sees it in the API.
    let list: Value = d
        .app
        .get_api(&format!("/api/v1/cases/{}/documents", d.case_id), KEY_A)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["documents"][0]["uploaded_by"], "debtor");
    assert_eq!(list["documents"][0]["content_type"], "image/png");
}

#[tokio::test]
async fn an_exe_named_pdf_is_refused_by_the_dispute_form_which_keeps_what_was_typed() {
    let d = debtor_with(Objects::Memory).await;
    let before = d.case().await;
    let (status, html) = dispute_with(&d, Some(("kvittering.pdf", EXE))).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Kvittering eller annet dokument"),
        "the field is named: {html}"
    );
    assert!(html.contains("PDF, et JPEG- eller et PNG-bilde"));
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(
        html.contains("Jeg har betalt, se kvitteringen."),
        "the text is kept"
    );
    let after = d.case().await;
    assert_eq!(after.version, before.version, "nothing changed");
    assert!(after.documents.is_empty());
    assert!(
        d.app
            .ctx
            .documents
            .case_objects(&d.case_id)
            .await
            .expect("objects")
            .is_empty()
    );
}

#[tokio::test]
async fn a_receipt_over_ten_megabytes_is_refused_with_the_field_named() {
    let d = debtor_with(Objects::Memory).await;
    let mut big = PDF.to_vec();
    big.resize(MAX_DOCUMENT_BYTES + 1, b' ');
    let (status, html) = dispute_with(&d, Some(("stor.pdf", &big))).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("større enn 10 MB"), "{html}");
    assert!(d.case().await.documents.is_empty());
}

#[tokio::test]
async fn a_dispute_without_a_file_still_works_as_a_multipart_form() {
    let d = debtor_with(Objects::Memory).await;
    let (status, html) = dispute_with(&d, None).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(
        d.case().await.status,
        innfri::domain::case::CaseStatus::Disputed
    );
}

#[tokio::test]
async fn the_debtor_downloads_the_cases_documents_and_no_other_cases() {
    let (app, _) = app_with(Objects::S3).await;
    let d = debtor_in(app, "1200.00").await;
    let doc: Value = attach(
        &d.app,
        KEY_A,
        d.case_id.as_str(),
        "kind=invoice&file_name=faktura.pdf",
        PDF,
    )
    .await
    .json()
    .await
    .expect("json");
    let id = doc["id"].as_str().expect("id");
    let page = d.page().await;
    assert!(
        page.contains(&format!("href=\"/case/documents/{id}\"")),
        "{page}"
    );
    assert!(page.contains("faktura.pdf"));
    let response = d
        .app
        .get_with_cookie(&format!("/case/documents/{id}"), &d.cookie)
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"faktura.pdf\""
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.bytes().await.expect("bytes").as_ref(), PDF);

    // Without the session: the neutral 404.
    let response = d
        .app
        .http
        .get(d.app.url(&format!("/case/documents/{id}")))
        .send()
        .await
        .expect("get");
    assert_eq!(response.status().as_u16(), 404);
    // A document of another case: 404 too, even with a valid session.
    let other = d.app.new_case("OTHER-1").await;
    let theirs: Value = attach(&d.app, KEY_A, other.as_str(), "kind=letter", PDF)
        .await
        .json()
        .await
        .expect("json");
    let response = d
        .app
        .get_with_cookie(
            &format!("/case/documents/{}", theirs["id"].as_str().expect("id")),
            &d.cookie,
        )
        .await;
    assert_eq!(response.status().as_u16(), 404);
}

/// The text of a PDF as a PDF reader extracts it (poppler's `pdftotext`, which the test
/// command installs): proof that a reader finds the glyphs and what they stand for.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("innfri-pdf-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("plan.pdf");
    std::fs::write(&file, bytes).expect("write pdf");
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-layout"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils; scripts/test installs it)");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

async fn plan_pdf(d: &Debtor, lang: &str) -> String {
    let response = d
        .app
        .get_with_cookie(&format!("/case/plan.pdf?lang={lang}"), &d.cookie)
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let bytes = response.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(
        bytes.len() < 60_000,
        "only the glyphs used: {} bytes",
        bytes.len()
    );
    pdf_text(&bytes)
}

#[tokio::test]
async fn an_agreed_plan_downloads_as_a_pdf_with_every_kid() {
    let d = debtor_with(Objects::Memory).await;
    let none = d.app.get_with_cookie("/case/plan.pdf", &d.cookie).await;
    assert_eq!(none.status().as_u16(), 404, "no plan, no PDF");
    let (status, html) = d.post("/case/plan/confirm", &[("months", "3")]).await;
    assert_eq!(status, 200, "{html}");
    let plan = d.case().await.plan.expect("plan");
    let page = d.page().await;
    assert!(page.contains("href=\"/case/plan.pdf\""), "{page}");
    let response = d.app.get_with_cookie("/case/plan.pdf", &d.cookie).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"nedbetalingsplan.pdf\""
    );
    let text = plan_pdf(&d, "nb").await;
    for instalment in &plan.instalments {
        let kid = instalment.kid.as_ref().expect("kid").to_string();
        assert!(text.contains(&kid), "KID {kid} in the PDF: {text}");
    }
    assert!(
        text.contains("Nedbetalingsplan"),
        "in the debtor's language: {text}"
    );
    assert!(text.contains("Kontonummer"), "{text}");
    assert!(text.contains("Til sammen"), "{text}");
    assert!(plan_pdf(&d, "en").await.contains("Payment plan"));
}

#[tokio::test]
async fn a_plan_pdf_in_polish_and_ukrainian_keeps_every_letter() {
    let d = debtor_with(Objects::Memory).await;
    let (status, html) = d.post("/case/plan/confirm", &[("months", "3")]).await;
    assert_eq!(status, 200, "{html}");
    let plan = d.case().await.plan.expect("plan");
    let polish = plan_pdf(&d, "pl").await;
    assert!(polish.contains("Plan spłaty"), "{polish}");
    assert!(polish.contains("Każdą ratę wpłać"), "{polish}");
    let ukrainian = plan_pdf(&d, "uk").await;
    assert!(ukrainian.contains("План сплати"), "{ukrainian}");
    assert!(ukrainian.contains("Номер рахунку"), "{ukrainian}");
    for text in [&polish, &ukrainian] {
        assert!(!text.contains('?'), "no letter replaced: {text}");
        for instalment in &plan.instalments {
            let kid = instalment.kid.as_ref().expect("kid").to_string();
            assert!(text.contains(&kid), "KID {kid}: {text}");
        }
    }
}

#[tokio::test]
async fn the_local_folder_holds_the_bytes_under_the_case_prefix() {
    let (app, folder) = app_with(Objects::Folder).await;
    let folder = folder.expect("folder");
    let case = app.new_case("D-5").await;
    let doc: Value = attach(&app, KEY_A, case.as_str(), "kind=agreement", PDF)
        .await
        .json()
        .await
        .expect("json");
    let path = std::path::Path::new(&folder)
        .join("cases")
        .join(case.as_str())
        .join(doc["id"].as_str().expect("id"));
    assert_eq!(std::fs::read(&path).expect("file in the folder"), PDF);
    let _ = std::fs::remove_dir_all(&folder);
}
