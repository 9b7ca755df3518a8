//! Documents on a case (invoice copies, agreements, letters, debtors' receipts): what kind a
//! file is, its type read from its bytes, its display name, and where its bytes are kept.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::CaseId;

/// The most bytes one document may hold (10 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// The most documents one case keeps (the metadata lives on the case record).
pub const MAX_DOCUMENTS_PER_CASE: usize = 50;

/// Our id of a document (`doc_` + 32 hex digits): random, so an object key tells nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct DocumentId(String);

impl DocumentId {
    pub fn generate() -> DocumentId {
        DocumentId(format!("doc_{}", uuid::Uuid::new_v4().simple()))
    }

    /// An id as a client sent it: `doc_` and 32 lowercase hex digits, nothing else.
    pub fn parse(text: &str) -> Option<DocumentId> {
        let hex = text.strip_prefix("doc_")?;
        let ok = hex.len() == 32
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| DocumentId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DocumentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a document is to the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    Agreement,
    Letter,
    Receipt,
    Other,
}

impl DocumentKind {
    pub fn parse(text: &str) -> Option<DocumentKind> {
        Some(match text {
            "invoice" => DocumentKind::Invoice,
            "agreement" => DocumentKind::Agreement,
            "letter" => DocumentKind::Letter,
            "receipt" => DocumentKind::Receipt,
            "other" => DocumentKind::Other,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::Agreement => "agreement",
            DocumentKind::Letter => "letter",
            DocumentKind::Receipt => "receipt",
            DocumentKind::Other => "other",
        }
    }
}

/// The file types innfri keeps, recognised by their first bytes, never by a name or header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
}

impl FileType {
    /// The type `bytes` are by their magic number; `None` for anything else (an .exe named
    /// `receipt.pdf` included).
    pub fn sniff(bytes: &[u8]) -> Option<FileType> {
        match infer::get(bytes)?.mime_type() {
            "application/pdf" => Some(FileType::Pdf),
            "image/jpeg" => Some(FileType::Jpeg),
            "image/png" => Some(FileType::Png),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Jpeg => "jpg",
            FileType::Png => "png",
        }
    }
}

/// Who put a document on the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Uploader {
    Agency,
    Debtor,
}

/// What the case record keeps about one document; the bytes are in object storage under
/// [`object_key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMeta {
    pub id: DocumentId,
    pub kind: DocumentKind,
    /// The name as given, cleaned for display ([`display_name`]).
    pub file_name: String,
    pub file_type: FileType,
    pub size: u64,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    pub uploaded_by: Uploader,
    pub uploaded_at: DateTime<Utc>,
}

/// Where a case's documents are kept: random ids only, no name, number or reference.
pub fn case_prefix(case: &CaseId) -> String {
    format!("cases/{}", case.as_str())
}

/// The object key of one document.
pub fn object_key(case: &CaseId, document: &DocumentId) -> String {
    format!("{}/{}", case_prefix(case), document.as_str())
}

/// A file name fit to show and to put in `Content-Disposition`: the last path segment, no
/// control or quoting characters, at most 100 characters, and the extension of its real type.
pub fn display_name(given: &str, file_type: FileType) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';' | '<' | '>' | '*' | '?' | ':'))
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .chars()
        .take(100)
        .collect();
    let stem = match cleaned.rsplit_once('.') {
        Some((stem, _)) if !stem.trim().is_empty() => stem.trim().to_owned(),
        _ if !cleaned.is_empty() => cleaned,
        _ => "document".to_owned(),
    };
    format!("{stem}.{}", file_type.extension())
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileRefused {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {MAX_DOCUMENT_BYTES} bytes")]
    TooLarge,
    #[error("the file is not one of the types taken here ({0})")]
    WrongType(String),
}

/// The type of `bytes` if it is one of `allowed` and the size is within the limit.
pub fn check_file(bytes: &[u8], allowed: &[FileType]) -> Result<FileType, FileRefused> {
    if bytes.is_empty() {
        return Err(FileRefused::Empty);
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(FileRefused::TooLarge);
    }
    let list = || {
        allowed
            .iter()
            .map(|t| t.extension())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match FileType::sniff(bytes) {
        Some(t) if allowed.contains(&t) => Ok(t),
        _ => Err(FileRefused::WrongType(list())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
    const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff";

    #[test]
    fn types_are_read_from_the_bytes() {
        assert_eq!(FileType::sniff(PDF), Some(FileType::Pdf));
        assert_eq!(FileType::sniff(PNG), Some(FileType::Png));
        assert_eq!(
            FileType::sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"),
            Some(FileType::Jpeg)
        );
        assert_eq!(FileType::sniff(EXE), None);
        assert_eq!(FileType::sniff(b"plain text"), None);
    }

    #[test]
    fn a_png_is_taken_only_where_png_is_allowed() {
        assert_eq!(
            check_file(PNG, &[FileType::Pdf, FileType::Png]),
            Ok(FileType::Png)
        );
        assert!(matches!(
            check_file(PNG, &[FileType::Pdf]),
            Err(FileRefused::WrongType(_))
        ));
        assert!(matches!(
            check_file(EXE, &[FileType::Pdf]),
            Err(FileRefused::WrongType(_))
        ));
    }

    #[test]
    fn empty_and_oversized_files_are_refused() {
        assert_eq!(check_file(b"", &[FileType::Pdf]), Err(FileRefused::Empty));
        let mut big = PDF.to_vec();
        big.resize(MAX_DOCUMENT_BYTES + 1, b' ');
        assert_eq!(
            check_file(&big, &[FileType::Pdf]),
            Err(FileRefused::TooLarge)
        );
        big.truncate(MAX_DOCUMENT_BYTES);
        assert_eq!(check_file(&big, &[FileType::Pdf]), Ok(FileType::Pdf));
    }

    #[test]
    fn display_names_lose_paths_and_quotes_and_take_the_real_extension() {
        assert_eq!(
            display_name("C:\\Users\\x\\faktura.pdf", FileType::Pdf),
            "faktura.pdf"
        );
        assert_eq!(
            display_name("../../etc/\"kvit\";.exe", FileType::Png),
            "kvit.png"
        );
        assert_eq!(display_name("", FileType::Pdf), "document.pdf");
        assert_eq!(display_name("...", FileType::Jpeg), "document.jpg");
        assert_eq!(display_name("skanning", FileType::Jpeg), "skanning.jpg");
        assert!(
            display_name(&"å".repeat(300), FileType::Pdf)
                .chars()
                .count()
                <= 104
        );
    }

    #[test]
    fn document_ids_are_random_and_parse_strictly() {
        let id = DocumentId::generate();
        assert_eq!(DocumentId::parse(id.as_str()), Some(id.clone()));
        assert_ne!(id, DocumentId::generate());
        assert_eq!(DocumentId::parse("doc_../x"), None);
        assert_eq!(
            DocumentId::parse("doc_ABCDEF0123456789abcdef0123456789"),
            None
        );
    }

    #[test]
    fn object_keys_hold_only_ids() {
        let case = CaseId::parse("cs_0123").unwrap_or_else(|_| unreachable!());
        let doc = DocumentId::parse("doc_0123456789abcdef0123456789abcdef")
            .unwrap_or_else(|| unreachable!());
        assert_eq!(
            object_key(&case, &doc),
            "cases/cs_0123/doc_0123456789abcdef0123456789abcdef"
        );
    }
}
