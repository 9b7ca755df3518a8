//! The CSV case import (`innfri import`): reads an agency's spreadsheet of cases, checks every row
//! through the same path as the agency API (`cases::upsert`), imports the good rows and reports
//! each bad one by its line in the file.
//!
//! The file is UTF-8 (a byte-order mark is skipped), separated by ',' or ';' (Norwegian Excel),
//! whichever the header line uses more. Columns are found by their header name (any case, any
//! order); an unknown, repeated or missing required column refuses the whole file before any row
//! is imported. Rows whose cells are all empty are skipped. Importing the same file again changes
//! nothing: every row is an upsert by `external_ref`.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;

use crate::context::AppContext;
use crate::domain::case::ClaimKind;
use crate::domain::ids::{AgencyId, CreditorId};
use crate::service::cases::{
    self, CaseField, CaseIntake, ClaimLineIntake, DebtorIntake, IntakeError, Upserted,
};

/// Files with more data rows than this are refused whole.
pub const MAX_ROWS: usize = 100_000;
/// Files larger than this are refused whole (about 2 KB per row at the row limit).
pub const MAX_BYTES: u64 = 200 * 1024 * 1024;

/// Every column a file may have, as written in its header (any case).
pub const COLUMNS: [&str; 14] = [
    "external_ref",
    "debtor_name",
    "phone",
    "email",
    "locale",
    "postcode",
    "birth_date",
    "principal",
    "principal_description",
    "interest",
    "fee",
    "fee_description",
    "due_date",
    "notices_sent",
];
/// The columns a file must have; the row's cell must not be empty either.
pub const REQUIRED: [&str; 4] = ["external_ref", "debtor_name", "principal", "due_date"];

/// Why a whole file was refused, or the import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read the file: {0}")]
    Read(#[source] std::io::Error),
    #[error("the file is larger than {} MB", MAX_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("line {line}: the file is not UTF-8; save it as \"CSV UTF-8\"")]
    NotUtf8 { line: u64 },
    #[error("the file is empty; the first line must name the columns ({})", COLUMNS.join(", "))]
    Empty,
    #[error("the file has a header but no rows")]
    NoRows,
    #[error("the file has more than {MAX_ROWS} rows; split it")]
    TooManyRows,
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
    /// The header line is not usable; every problem is listed.
    #[error("{}", header_message(unknown, missing, repeated))]
    Header {
        unknown: Vec<String>,
        missing: Vec<&'static str>,
        repeated: Vec<String>,
    },
    #[error("no creditor '{0}' is configured")]
    UnknownCreditor(CreditorId),
    #[error("{0}")]
    StoreUnavailable(#[from] crate::store::StoreError),
    #[error("no agency '{0}' is configured")]
    UnknownAgency(AgencyId),
    #[error("agency '{agency}' does not act for creditor '{creditor}'")]
    NotForCreditor {
        agency: AgencyId,
        creditor: CreditorId,
    },
    #[error("no configured agency acts for creditor '{0}'")]
    NoAgency(CreditorId),
    #[error(
        "several agencies act for creditor '{creditor}' ({}); choose one with --agency",
        agencies.iter().map(AgencyId::as_str).collect::<Vec<_>>().join(", ")
    )]
    AmbiguousAgency {
        creditor: CreditorId,
        agencies: Vec<AgencyId>,
    },
    /// The store failed midway: the rows before `line` are imported, the rest are not.
    #[error(
        "line {line}: {message}; the rows before it are imported, run the same file again to finish"
    )]
    Store { line: u64, message: String },
}

impl ImportError {
    /// True when the file was refused before any row was imported.
    pub fn nothing_imported(&self) -> bool {
        !matches!(self, ImportError::Store { .. })
    }
}

fn header_message(unknown: &[String], missing: &[&str], repeated: &[String]) -> String {
    let quoted = |names: &mut dyn Iterator<Item = &str>| {
        names
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut problems = Vec::new();
    if !unknown.is_empty() {
        problems.push(format!(
            "unknown column(s) {}",
            quoted(&mut unknown.iter().map(String::as_str))
        ));
    }
    if !repeated.is_empty() {
        problems.push(format!(
            "column(s) given twice {}",
            quoted(&mut repeated.iter().map(String::as_str))
        ));
    }
    if !missing.is_empty() {
        problems.push(format!(
            "missing required column(s) {}",
            quoted(&mut missing.iter().copied())
        ));
    }
    format!(
        "line 1: {}; the columns are {}",
        problems.join("; "),
        COLUMNS.join(", ")
    )
}

/// One row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The physical line in the file where the row starts; the header is line 1.
    pub line: u64,
    /// The column at fault, or `row` for the row as a whole.
    pub field: String,
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.reason)
    }
}

/// What became of a file's rows.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Data rows read (rows with only empty cells are not counted).
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// In file order.
    pub rejected: Vec<Rejection>,
}

impl ImportReport {
    pub fn summary(&self) -> String {
        format!(
            "{} rows: {} created, {} updated, {} unchanged, {} rejected",
            self.rows,
            self.created,
            self.updated,
            self.unchanged,
            self.rejected.len()
        )
    }
}

/// The agency to import for: the one named, which must act for the creditor, or else the only
/// configured agency that does.
pub async fn choose_agency(
    ctx: &AppContext,
    creditor: &CreditorId,
    agency: Option<&AgencyId>,
) -> Result<AgencyId, ImportError> {
    if !ctx.config.creditors.contains_key(creditor) {
        return Err(ImportError::UnknownCreditor(creditor.clone()));
    }
    if let Some(agency) = agency {
        let configured = ctx
            .agency(agency)
            .await?
            .ok_or_else(|| ImportError::UnknownAgency(agency.clone()))?;
        if !configured.acts_for(creditor) {
            return Err(ImportError::NotForCreditor {
                agency: agency.clone(),
                creditor: creditor.clone(),
            });
        }
        return Ok(agency.clone());
    }
    let mut acting: Vec<AgencyId> = ctx
        .tenants
        .agencies_for(creditor)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    acting.sort();
    match acting.len() {
        0 => Err(ImportError::NoAgency(creditor.clone())),
        1 => Ok(acting.remove(0)),
        _ => Err(ImportError::AmbiguousAgency {
            creditor: creditor.clone(),
            agencies: acting,
        }),
    }
}

/// Imports the cases in a CSV file for `agency` and `creditor`. The whole file is read and its
/// header checked first; then each row is created, updated or left unchanged, or rejected with
/// its line and reason. Rows are imported one after another, in file order.
pub async fn import_cases(
    ctx: &AppContext,
    agency: &AgencyId,
    creditor: &CreditorId,
    reader: impl Read,
) -> Result<ImportReport, ImportError> {
    if !ctx
        .agency(agency)
        .await?
        .is_some_and(|a| a.acts_for(creditor))
    {
        return Err(ImportError::NotForCreditor {
            agency: agency.clone(),
            creditor: creditor.clone(),
        });
    }
    if !ctx.config.creditors.contains_key(creditor) {
        return Err(ImportError::UnknownCreditor(creditor.clone()));
    }
    let file = read_file(reader)?;
    let mut report = ImportReport {
        rows: file.rows.len(),
        ..ImportReport::default()
    };
    let mut first_seen: HashMap<String, u64> = HashMap::new();
    for (line, record) in &file.rows {
        let row = Row {
            columns: &file.columns,
            record,
        };
        if record.len() != file.width {
            report.rejected.push(Rejection {
                line: *line,
                field: "row".into(),
                reason: format!("has {} cells, the header has {}", record.len(), file.width),
            });
            continue;
        }
        let external_ref = row.get("external_ref");
        if !external_ref.is_empty() {
            if let Some(first) = first_seen.get(external_ref) {
                report.rejected.push(Rejection {
                    line: *line,
                    field: "external_ref".into(),
                    reason: format!("\"{external_ref}\" is already on line {first}"),
                });
                continue;
            }
            first_seen.insert(external_ref.to_owned(), *line);
        }
        let (input, claim_columns) = match case_input(&row, creditor) {
            Ok(parsed) => parsed,
            Err((field, reason)) => {
                report.rejected.push(Rejection {
                    line: *line,
                    field: field.to_owned(),
                    reason,
                });
                continue;
            }
        };
        match cases::upsert(ctx, agency, input, ctx.clock.now()).await {
            Ok(Upserted::Created(_)) => report.created += 1,
            Ok(Upserted::Updated(_)) => report.updated += 1,
            Ok(Upserted::Unchanged(_)) => report.unchanged += 1,
            Err(IntakeError::Store(e)) => {
                return Err(ImportError::Store {
                    line: *line,
                    message: e.to_string(),
                });
            }
            Err(e) => {
                let (field, reason) = rejection(e, &claim_columns);
                report.rejected.push(Rejection {
                    line: *line,
                    field,
                    reason,
                });
            }
        }
    }
    Ok(report)
}

/// A file read whole and checked: where each known column is, and the data rows by line.
struct CsvFile {
    columns: HashMap<&'static str, usize>,
    width: usize,
    rows: Vec<(u64, csv::StringRecord)>,
}

fn read_file(reader: impl Read) -> Result<CsvFile, ImportError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ImportError::Read)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(ImportError::TooLarge);
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let before = bytes.get(..e.valid_up_to()).unwrap_or_default();
            let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
            return Err(ImportError::NotUtf8 { line });
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(detect_delimiter(text))
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text);
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(e)) => return Err(csv_error(&e, &mut lines)),
        None => return Err(ImportError::Empty),
    };
    let columns = header_columns(&header)?;
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|e| csv_error(&e, &mut lines))?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(ImportError::TooManyRows);
        }
        let line = lines.line_at(record.position());
        rows.push((line, record));
    }
    if rows.is_empty() {
        return Err(ImportError::NoRows);
    }
    Ok(CsvFile {
        columns,
        width: header.len(),
        rows,
    })
}

/// ';' when the header line has more semicolons than commas (outside quotes), else ','.
fn detect_delimiter(text: &str) -> u8 {
    let (mut commas, mut semicolons, mut quoted) = (0usize, 0usize, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

/// Physical line numbers from byte offsets: the csv crate does not count line breaks inside
/// quoted cells. Offsets only grow, so the text is scanned once.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, position: Option<&csv::Position>) -> u64 {
        let Some(position) = position else {
            return self.line;
        };
        // The csv crate's offset can point at the end of the previous record, before its line
        // break (and any blank lines it skips); a record never starts with one.
        let mut target = usize::try_from(position.byte())
            .unwrap_or(usize::MAX)
            .clamp(self.offset, self.text.len());
        while matches!(self.text.get(target), Some(b'\r' | b'\n')) {
            target += 1;
        }
        let newlines = self
            .text
            .get(self.offset..target)
            .map_or(0, |skipped| skipped.iter().filter(|b| **b == b'\n').count());
        self.line += newlines as u64;
        self.offset = target;
        self.line
    }
}

fn csv_error(e: &csv::Error, lines: &mut LineCounter<'_>) -> ImportError {
    ImportError::Csv {
        line: lines.line_at(e.position()),
        message: match e.kind() {
            csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8".to_owned(),
            _ => e.to_string(),
        },
    }
}

fn header_columns(header: &csv::StringRecord) -> Result<HashMap<&'static str, usize>, ImportError> {
    let mut columns = HashMap::new();
    let (mut unknown, mut repeated) = (Vec::new(), Vec::new());
    for (i, raw) in header.iter().enumerate() {
        let name = raw.trim().to_lowercase();
        match COLUMNS.iter().find(|known| **known == name) {
            Some(known) => {
                if columns.insert(*known, i).is_some() && !repeated.contains(&name) {
                    repeated.push(name);
                }
            }
            None if name.is_empty() => unknown.push(format!("(column {} has no name)", i + 1)),
            None => unknown.push(raw.trim().to_owned()),
        }
    }
    let missing: Vec<&'static str> = REQUIRED
        .into_iter()
        .filter(|r| !columns.contains_key(r))
        .collect();
    if unknown.is_empty() && repeated.is_empty() && missing.is_empty() {
        Ok(columns)
    } else {
        Err(ImportError::Header {
            unknown,
            missing,
            repeated,
        })
    }
}

struct Row<'a> {
    columns: &'a HashMap<&'static str, usize>,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    /// The trimmed cell of a column; empty when the file has no such column.
    fn get(&self, column: &str) -> &str {
        self.columns
            .get(column)
            .and_then(|i| self.record.get(*i))
            .map_or("", str::trim)
    }

    /// A free-text cell as one line: a spreadsheet cell may hold line breaks (Alt+Enter in
    /// Excel, CRLF inside the quotes), which a name or a claim description never has.
    fn line(&self, column: &str) -> String {
        self.get(column)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn optional(&self, column: &str) -> Option<String> {
        Some(self.get(column))
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
    }
}

/// The amount column and the description column (if any) of each claim line, in order.
type ClaimColumns = Vec<(&'static str, Option<&'static str>)>;

/// The row as a case to take in; or the column at fault and why.
fn case_input(
    row: &Row<'_>,
    creditor: &CreditorId,
) -> Result<(CaseIntake, ClaimColumns), (&'static str, String)> {
    for column in ["external_ref", "debtor_name"] {
        if row.get(column).is_empty() {
            return Err((column, "is required".to_owned()));
        }
    }
    let lines: [(&'static str, Option<&'static str>, ClaimKind); 3] = [
        (
            "principal",
            Some("principal_description"),
            ClaimKind::Principal,
        ),
        ("interest", None, ClaimKind::Interest),
        ("fee", Some("fee_description"), ClaimKind::Fee),
    ];
    let mut claim = Vec::new();
    let mut claim_columns = Vec::new();
    for (amount_column, description_column, kind) in lines {
        let raw = row.get(amount_column);
        let description = description_column.map_or_else(String::new, |c| row.line(c));
        if raw.is_empty() {
            if kind == ClaimKind::Principal {
                return Err((amount_column, "is required".to_owned()));
            }
            if let Some(column) = description_column.filter(|_| !description.is_empty()) {
                return Err((column, format!("is given without a {amount_column}")));
            }
            continue;
        }
        let amount = normalise_amount(raw).map_err(|reason| (amount_column, reason))?;
        claim.push(ClaimLineIntake {
            kind,
            description,
            amount: serde_json::Value::String(amount),
        });
        claim_columns.push((amount_column, description_column));
    }
    if row.get("due_date").is_empty() {
        return Err(("due_date", "is required".to_owned()));
    }
    let input = CaseIntake {
        external_ref: row.get("external_ref").to_owned(),
        creditor_id: creditor.to_string(),
        debtor: DebtorIntake {
            name: row.line("debtor_name"),
            phone: row.optional("phone"),
            email: row.optional("email"),
            locale: row.optional("locale"),
            postcode: row.optional("postcode"),
            birth_date: row.optional("birth_date"),
        },
        claim,
        due_date: row.get("due_date").to_owned(),
        notices_sent: match row.optional("notices_sent") {
            None => None,
            Some(cell) => Some(notices_cell(&cell).map_err(|reason| ("notices_sent", reason))?),
        },
    };
    Ok((input, claim_columns))
}

/// The `notices_sent` cell: notices the creditor sent before the hand-over, separated by `|`,
/// each `kind:sent_on[:deadline[:fee]]`, e.g. `purring:2026-03-20:2026-04-03:37,50`.
fn notices_cell(cell: &str) -> Result<Vec<cases::NoticeIntake>, String> {
    cell.split('|')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|notice| {
            let mut parts = notice.split(':').map(str::trim);
            let kind = parts.next().unwrap_or_default();
            let kind = crate::domain::journey::StepKind::ALL
                .into_iter()
                .find(|k| k.as_str() == kind)
                .ok_or_else(|| {
                    format!(
                        "\"{kind}\" is not a kind of notice (nudge, purring, inkassovarsel, betalingsoppfordring, final_notice); write kind:sent_on[:deadline[:fee]]"
                    )
                })?;
            let sent_on = parts.next().unwrap_or_default().to_owned();
            let deadline = parts.next().filter(|d| !d.is_empty()).map(str::to_owned);
            let fee = match parts.next().filter(|f| !f.is_empty()) {
                None => None,
                Some(f) => Some(serde_json::Value::String(normalise_amount(f)?)),
            };
            if parts.next().is_some() {
                return Err("a notice has at most four parts: kind:sent_on:deadline:fee".into());
            }
            Ok(cases::NoticeIntake {
                kind,
                sent_on,
                deadline,
                fee,
            })
        })
        .collect()
}

/// "1250.50", "1250,50", "1 250,50" (spaces or no-break spaces between thousands) → "1250.50".
/// The result is still checked by `Money::parse` (decimals, sign, size).
pub fn normalise_amount(text: &str) -> Result<String, String> {
    let original = text.trim();
    let grouping =
        "use ',' or '.' as the decimal separator and spaces between thousands, like \"1 250,50\"";
    if original.matches([',', '.']).count() > 1 {
        return Err(format!("\"{original}\": {grouping}"));
    }
    let text = original.replace(',', ".");
    let is_space = |c: char| matches!(c, ' ' | '\u{a0}' | '\u{202f}');
    let (integer, fraction) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let grouped_well = !integer.contains(is_space) || {
        let mut groups = integer.split(is_space);
        let first = groups.next().unwrap_or_default();
        let first = first.strip_prefix(['-', '+']).unwrap_or(first);
        (1..=3).contains(&first.len())
            && first.chars().all(|c| c.is_ascii_digit())
            && groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
    };
    if !grouped_well || fraction.contains(is_space) {
        return Err(format!("\"{original}\": {grouping}"));
    }
    Ok(text.chars().filter(|c| !is_space(*c)).collect())
}

/// The CSV column and reason for an error from the case intake: the one place its errors
/// become rejections.
fn rejection(error: IntakeError, claim_columns: &ClaimColumns) -> (String, String) {
    match error {
        IntakeError::Invalid { field, message } => {
            // The domain's rules name the field at the start of their message.
            let path = field.path();
            let reason = message
                .strip_prefix(path.as_str())
                .map(str::trim_start)
                .filter(|r| !r.is_empty())
                .unwrap_or(&message)
                .to_owned();
            (csv_column(field, claim_columns).to_owned(), reason)
        }
        IntakeError::Conflict => (
            "external_ref".to_owned(),
            "the case changed while it was imported; run the import again".to_owned(),
        ),
        IntakeError::Erased => (
            "external_ref".to_owned(),
            "the case with this reference was erased (GDPR); it is not imported again".to_owned(),
        ),
        IntakeError::UnknownCreditor(c) => (
            "creditor".to_owned(),
            format!("no creditor '{c}' for this agency"),
        ),
        other @ IntakeError::Store(_) => ("row".to_owned(), other.to_string()),
    }
}

/// The CSV column of a case field: `DebtorPhone` → `phone`, the second claim line's amount →
/// that line's column, …
fn csv_column(field: CaseField, claim_columns: &ClaimColumns) -> &'static str {
    let line = |i: usize| claim_columns.get(i);
    match field {
        CaseField::ClaimDescription(i) => match line(i) {
            Some(&(_, Some(description))) => description,
            Some(&(amount, None)) => amount,
            None => "principal",
        },
        CaseField::ClaimAmount(i) => line(i).map_or("principal", |&(amount, _)| amount),
        CaseField::Claim => "principal",
        CaseField::CreditorId => "creditor",
        CaseField::DebtorName => "debtor_name",
        CaseField::ExternalRef => "external_ref",
        CaseField::DebtorPhone => "phone",
        CaseField::DebtorEmail => "email",
        CaseField::DebtorLocale => "locale",
        CaseField::DebtorPostcode => "postcode",
        CaseField::DebtorBirthDate => "birth_date",
        CaseField::DueDate => "due_date",
        CaseField::NoticesSent | CaseField::Notice(..) => "notices_sent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_either_style_become_plain_decimals() {
        for (text, plain) in [
            ("1250.50", "1250.50"),
            ("1250,50", "1250.50"),
            ("1 250,50", "1250.50"),
            ("1\u{a0}250,50", "1250.50"),
            ("12\u{202f}345\u{202f}678,9", "12345678.9"),
            ("-1 000", "-1000"),
            ("35", "35"),
        ] {
            assert_eq!(normalise_amount(text).as_deref(), Ok(plain), "{text}");
        }
        for text in [
            "1.250,50",
            "1,250,50",
            "12 50",
            "1 2500",
            "1 250,5 0",
            "1  250",
        ] {
            assert!(normalise_amount(text).is_err(), "{text}");
        }
    }

    #[test]
    fn the_delimiter_is_taken_from_the_header_line() {
        assert_eq!(detect_delimiter("a;b;c\n1,2;3;4"), b';');
        assert_eq!(detect_delimiter("a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(detect_delimiter("\"a;b\",c\n"), b',');
        assert_eq!(detect_delimiter("a"), b',');
    }

    #[test]
    fn rows_are_numbered_by_physical_line() -> Result<(), ImportError> {
        for (text, expected) in [
            ("a;b\r\n1;\"x\r\ny\"\r\n\r\n2;z\r\n3;w", [2, 5, 6]),
            ("a;b\n1;\"x\ny\"\n\n2;z\n3;w\n", [2, 5, 6]),
            ("a;b\n\n\n1;x\n2;\"\n\"\n3;w\n", [4, 5, 7]),
        ] {
            let mut lines = LineCounter::new(text);
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .delimiter(b';')
                .from_reader(text.as_bytes());
            let numbers = reader
                .records()
                .skip(1)
                .map(|r| r.map(|r| lines.line_at(r.position())))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| csv_error(&e, &mut lines))?;
            assert_eq!(numbers, expected, "{text:?}");
        }
        Ok(())
    }

    #[test]
    fn case_fields_are_named_as_csv_columns() {
        let columns: ClaimColumns = vec![
            ("principal", Some("principal_description")),
            ("fee", Some("fee_description")),
            ("interest", None),
        ];
        assert_eq!(csv_column(CaseField::ClaimAmount(1), &columns), "fee");
        assert_eq!(
            csv_column(CaseField::ClaimDescription(0), &columns),
            "principal_description"
        );
        assert_eq!(
            csv_column(CaseField::ClaimDescription(2), &columns),
            "interest"
        );
        assert_eq!(csv_column(CaseField::ClaimAmount(7), &columns), "principal");
        assert_eq!(csv_column(CaseField::Claim, &columns), "principal");
        assert_eq!(csv_column(CaseField::DebtorPhone, &columns), "phone");
        assert_eq!(csv_column(CaseField::DebtorName, &columns), "debtor_name");
        assert_eq!(csv_column(CaseField::CreditorId, &columns), "creditor");
        assert_eq!(csv_column(CaseField::DueDate, &columns), "due_date");
    }
}
