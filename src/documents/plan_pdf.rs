//! An agreed instalment plan as a PDF for the debtor to keep: every instalment with its amount,
//! due date and KID, the account to pay to, and who the creditor and agency are, in the
//! debtor's language. Written with `pdf-writer` in the standard Helvetica font (no font file
//! to ship); the page text is left uncompressed, so the KIDs can be found in the file.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

use crate::domain::locale::Locale;
use crate::domain::plan::InstalmentPlan;
use crate::i18n::Texts;

/// What the PDF says besides the plan.
pub struct PlanSheet<'a> {
    pub plan: &'a InstalmentPlan,
    pub creditor: &'a str,
    pub agency: &'a str,
    pub account: &'a str,
    /// The case's own KID (shown for reference; each instalment has its own).
    pub case_kid: &'a str,
}

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const ROW: f32 = 18.0;
const ROWS_PER_PAGE: usize = 32;

/// Text in the standard fonts' WinAnsi encoding: Latin-1 as is (æ, ø, å, é, ü, the no-break
/// space), a few typographic marks mapped, anything else as `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '\u{202f}' | '\u{2009}' => 0xa0,
            '–' => 0x96,
            '—' => 0x97,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '€' => 0x80,
            '…' => 0x85,
            _ => b'?',
        })
        .collect()
}

struct Lines {
    content: Content,
    y: f32,
}

impl Lines {
    fn new() -> Lines {
        Lines {
            content: Content::new(),
            y: PAGE_HEIGHT - MARGIN,
        }
    }

    fn text(&mut self, font: &[u8], size: f32, x: f32, text: &str) {
        self.content.begin_text();
        self.content.set_font(Name(font), size);
        self.content.next_line(x, self.y);
        self.content.show(Str(&win_ansi(text)));
        self.content.end_text();
    }

    fn line(&mut self, font: &[u8], size: f32, text: &str) {
        self.text(font, size, MARGIN, text);
        self.y -= size * 1.5;
    }
}

/// The PDF's bytes (starting `%PDF-`).
pub fn render(texts: &Texts, locale: Locale, sheet: &PlanSheet<'_>) -> Vec<u8> {
    // The standard font (WinAnsi) has no Polish or Cyrillic letters: until a Unicode font
    // ships, those plans are in English rather than full of question marks (the link says so).
    let locale = match locale {
        Locale::Pl | Locale::Uk => Locale::En,
        other => other,
    };
    let t = |id: &str, args: &[(&str, &str)]| texts.format(locale, id, args);
    let plan = sheet.plan;
    let columns = [MARGIN, MARGIN + 40.0, MARGIN + 190.0, MARGIN + 320.0];

    let mut pages: Vec<Lines> = Vec::new();
    let mut page = Lines::new();
    page.line(b"F2", 18.0, &t("plan-pdf-title", &[]));
    page.y -= 6.0;
    page.line(
        b"F1",
        11.0,
        &t("plan-pdf-creditor", &[("creditor", sheet.creditor)]),
    );
    page.line(
        b"F1",
        11.0,
        &t("plan-pdf-agency", &[("agency", sheet.agency)]),
    );
    page.line(
        b"F1",
        11.0,
        &t(
            "plan-pdf-agreed",
            &[("date", &texts.date(locale, plan.agreed_on))],
        ),
    );
    page.line(
        b"F1",
        11.0,
        &t("plan-pdf-account", &[("account", sheet.account)]),
    );
    page.line(
        b"F1",
        11.0,
        &t("plan-pdf-case-kid", &[("kid", sheet.case_kid)]),
    );
    page.line(b"F1", 11.0, &t("plan-pdf-how", &[]));
    page.y -= 10.0;

    let header = |page: &mut Lines| {
        for (x, id) in columns.iter().zip([
            "plan-col-number",
            "plan-col-date",
            "plan-col-amount",
            "plan-pdf-col-kid",
        ]) {
            page.text(b"F2", 10.0, *x, &t(id, &[]));
        }
        page.y -= ROW;
    };
    header(&mut page);
    for (i, instalment) in plan.instalments.iter().enumerate() {
        if i > 0 && i % ROWS_PER_PAGE == 0 {
            pages.push(std::mem::replace(&mut page, Lines::new()));
            header(&mut page);
        }
        let kid = instalment
            .kid
            .as_ref()
            .map_or_else(|| sheet.case_kid.to_owned(), ToString::to_string);
        let cells = [
            instalment.number.to_string(),
            texts.date(locale, instalment.due_date),
            instalment.amount.format(locale),
            kid,
        ];
        for (x, cell) in columns.iter().zip(cells.iter()) {
            page.text(b"F1", 10.0, *x, cell);
        }
        page.y -= ROW;
    }
    page.y -= 10.0;
    page.line(
        b"F2",
        11.0,
        &t("plan-pdf-total", &[("total", &plan.total.format(locale))]),
    );
    pages.push(page);

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let first_page = 5;
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(first_page + 2 * i as i32))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    for (page_id, lines) in page_ids.iter().zip(pages) {
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F1"), regular);
        fonts.pair(Name(b"F2"), bold);
        fonts.finish();
        resources.finish();
        page.finish();
        pdf.stream(content_id, &lines.content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_letters_and_spaces_fit_the_standard_font() {
        assert_eq!(
            win_ansi("Å betale 1\u{a0}252,00 kr"),
            b"\xc5 betale 1\xa0252,00 kr"
        );
        assert_eq!(win_ansi("æøå – ok"), b"\xe6\xf8\xe5 \x96 ok");
        assert_eq!(win_ansi("Ї"), b"?");
    }
}
