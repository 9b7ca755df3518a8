//! The case's documents on the debtor's pages: the list with download links, the download
//! itself (session-checked: only a document of the session's case), the agreed plan as a PDF,
//! and reading a form that carries one file (`multipart/form-data`, for the dispute form).

use actix_multipart::Multipart;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use futures::StreamExt;
use maud::{Markup, html};

use super::DebtorState;
use super::session::{DebtorView, load, not_found, unavailable};
use crate::context::AppContext;
use crate::documents::plan_pdf::{self, PlanSheet};
use crate::domain::document::MAX_DOCUMENT_BYTES;
use crate::domain::locale::Locale;
use crate::http::api::documents::download;
use crate::i18n::Texts;
use crate::service::documents::{self, DocumentError};
use crate::store::StoreError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/case/plan.pdf", web::get().to(plan_pdf))
        .route("/case/documents/{document_id}", web::get().to(get_document));
}

/// The list of documents on the case page, and the plan PDF when a plan is agreed; nothing
/// when there is neither.
pub fn section(t: &Texts, l: Locale, view: &DebtorView) -> Markup {
    let case = &view.case;
    if case.documents.is_empty() && case.plan.is_none() {
        return html! {};
    }
    html! {
        section.documents {
            h2 { (t.get(l, "documents-heading")) }
            ul {
                @if case.plan.is_some() {
                    li { a href="/case/plan.pdf" download { (t.get(l, "documents-plan-pdf")) } }
                }
                @for d in &case.documents {
                    li {
                        a href=(format!("/case/documents/{}", d.id)) download {
                            (d.file_name)
                        }
                        " "
                        small { "(" (t.get(l, &format!("document-kind-{}", d.kind.as_str()))) ", " (size_text(d.size)) ")" }
                    }
                }
            }
        }
    }
}

/// A size as people read it: "312 kB", "1.2 MB".
fn size_text(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{}\u{a0}kB", bytes.div_ceil(1000))
    } else {
        format!("{:.1}\u{a0}MB", bytes as f64 / 1_000_000.0)
    }
}

async fn get_document(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    path: web::Path<String>,
) -> HttpResponse {
    let view = match load(&req, &ctx, &state).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match documents::fetch(&ctx, &view.case, &path).await {
        Ok((meta, bytes)) => download(meta.file_type, &meta.file_name, bytes),
        Err(DocumentError::NotFound) => not_found(&ctx, view.locale),
        Err(DocumentError::Store(e)) => unavailable(&ctx, &e),
        Err(e) => unavailable(&ctx, &StoreError::Unavailable(e.to_string())),
    }
}

async fn plan_pdf(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
) -> HttpResponse {
    let view = match load(&req, &ctx, &state).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(plan) = &view.case.plan else {
        return not_found(&ctx, view.locale);
    };
    let account = view.creditor.bank_account.formatted();
    let rendered = plan_pdf::render(
        &ctx.texts,
        view.locale,
        &PlanSheet {
            plan,
            creditor: &view.creditor.name,
            agency: &view.agency.name,
            account: &account,
            case_kid: view.case.kid.as_str(),
        },
    );
    let bytes = match rendered {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "the plan PDF could not be written");
            return super::session::html(
                actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                super::pages::notice(&ctx.texts, view.locale, "error-title", "error-body"),
            );
        }
    };
    let name = ctx.texts.get(view.locale, "documents-plan-file");
    download(
        crate::domain::document::FileType::Pdf,
        &format!("{name}.pdf"),
        bytes,
    )
}

/// One file sent with a form.
pub struct FilePart {
    pub file_name: String,
    /// At most [`MAX_DOCUMENT_BYTES`] + 1 bytes: a larger file is cut there (and refused).
    pub bytes: Vec<u8>,
}

/// A form that could not be read at all (not a form, or far too large to drain).
#[derive(Debug)]
pub enum Unreadable {
    /// Not a form this page can read.
    Malformed,
    /// Larger than any form of this page: answered 413, which the debtor reads as a page.
    TooLarge,
}

/// Past this many bytes a form is not drained to its end (the answer is 413).
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// The text fields and the file (the part named `file_field`, if one was chosen) of a
/// `multipart/form-data` body, or of an urlencoded one (then without a file). A file over
/// [`MAX_DOCUMENT_BYTES`] is read to its end but kept only to one byte past the limit, so the
/// form can still be answered with the field named.
pub async fn read_form(
    req: &HttpRequest,
    payload: web::Payload,
    file_field: &str,
) -> Result<(Vec<(String, String)>, Option<FilePart>), Unreadable> {
    let multipart = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let body = payload
            .to_bytes_limited(256 * 1024)
            .await
            .map_err(|_| Unreadable::TooLarge)?
            .map_err(|_| Unreadable::Malformed)?;
        return Ok((super::session::form_fields(&body), None));
    }
    let mut form = Multipart::new(req.headers(), payload);
    let mut fields = Vec::new();
    let mut file = None;
    let mut total = 0usize;
    while let Some(part) = form.next().await {
        let mut part = part.map_err(|_| Unreadable::Malformed)?;
        let disposition = part.content_disposition().cloned();
        let Some(name) = disposition
            .as_ref()
            .and_then(|d| d.get_name())
            .map(str::to_owned)
        else {
            continue;
        };
        let is_file = name == file_field;
        // Text fields are small; the file may be up to the limit (plus one byte to tell).
        let keep = if is_file {
            MAX_DOCUMENT_BYTES + 1
        } else {
            64 * 1024
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|_| Unreadable::Malformed)?;
            total += chunk.len();
            if total > DRAIN_LIMIT {
                return Err(Unreadable::TooLarge);
            }
            let room = keep.saturating_sub(bytes.len());
            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        if is_file {
            // A form sent without a chosen file has the part, empty.
            if !bytes.is_empty() {
                let file_name = disposition
                    .as_ref()
                    .and_then(|d| d.get_filename())
                    .unwrap_or_default()
                    .to_owned();
                file = Some(FilePart { file_name, bytes });
            }
        } else {
            fields.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    Ok((fields, file))
}
