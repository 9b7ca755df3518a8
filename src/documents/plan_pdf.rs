//! An agreed instalment plan as a PDF for the debtor to keep: every instalment with its amount,
//! due date and KID, the account to pay to, and who the creditor and agency are, in the
//! debtor's language (all five: the text is set in the built-in Unicode font of [`pdf_font`],
//! with a `ToUnicode` map so readers can search, copy and read it aloud).

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

use super::pdf_font::{DocumentFont, FontError, Weight};
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
/// Where the amount column ends (amounts are right-aligned, so the digits line up).
const AMOUNT_RIGHT: f32 = MARGIN + 300.0;

/// The document's two faces and its pages as they are written.
struct Sheet {
    regular: DocumentFont,
    bold: DocumentFont,
    pages: Vec<Content>,
    content: Content,
    y: f32,
}

impl Sheet {
    fn new() -> Result<Sheet, FontError> {
        Ok(Sheet {
            regular: DocumentFont::new(Weight::Regular)?,
            bold: DocumentFont::new(Weight::Bold)?,
            pages: Vec::new(),
            content: Content::new(),
            y: PAGE_HEIGHT - MARGIN,
        })
    }

    fn font(&mut self, weight: Weight) -> (&mut DocumentFont, &'static [u8]) {
        match weight {
            Weight::Regular => (&mut self.regular, b"F1"),
            Weight::Bold => (&mut self.bold, b"F2"),
        }
    }

    fn text(&mut self, weight: Weight, size: f32, x: f32, text: &str) {
        let y = self.y;
        let (font, name) = self.font(weight);
        let codes = font.encode(text);
        self.content.begin_text();
        self.content.set_font(Name(name), size);
        self.content.next_line(x, y);
        self.content.show(Str(&codes));
        self.content.end_text();
    }

    fn text_ending_at(&mut self, weight: Weight, size: f32, right: f32, text: &str) {
        let (font, _) = self.font(weight);
        let width = font.width(text, size);
        self.text(weight, size, right - width, text);
    }

    /// `text` from the left margin, wrapped at spaces to the page's width.
    fn line(&mut self, weight: Weight, size: f32, text: &str) {
        let room = PAGE_WIDTH - 2.0 * MARGIN;
        let mut current = String::new();
        for word in text.split(' ') {
            let candidate = if current.is_empty() {
                word.to_owned()
            } else {
                format!("{current} {word}")
            };
            if !current.is_empty() && self.font(weight).0.width(&candidate, size) > room {
                self.text(weight, size, MARGIN, &current);
                self.y -= size * 1.3;
                current = word.to_owned();
            } else {
                current = candidate;
            }
        }
        self.text(weight, size, MARGIN, &current);
        self.y -= size * 1.5;
    }

    fn next_page(&mut self) {
        self.pages
            .push(std::mem::replace(&mut self.content, Content::new()));
        self.y = PAGE_HEIGHT - MARGIN;
    }
}

/// The PDF's bytes (starting `%PDF-`).
pub fn render(texts: &Texts, locale: Locale, sheet: &PlanSheet<'_>) -> Result<Vec<u8>, FontError> {
    let t = |id: &str, args: &[(&str, &str)]| texts.format(locale, id, args);
    let plan = sheet.plan;
    let columns = [MARGIN, MARGIN + 40.0, AMOUNT_RIGHT, MARGIN + 320.0];

    let mut page = Sheet::new()?;
    page.line(Weight::Bold, 18.0, &t("plan-pdf-title", &[]));
    page.y -= 6.0;
    for line in [
        t("plan-pdf-creditor", &[("creditor", sheet.creditor)]),
        t("plan-pdf-agency", &[("agency", sheet.agency)]),
        t(
            "plan-pdf-agreed",
            &[("date", &texts.date(locale, plan.agreed_on))],
        ),
        t("plan-pdf-account", &[("account", sheet.account)]),
        t("plan-pdf-case-kid", &[("kid", sheet.case_kid)]),
        t("plan-pdf-how", &[]),
    ] {
        page.line(Weight::Regular, 11.0, &line);
    }
    page.y -= 10.0;

    let header = |page: &mut Sheet| {
        page.text(Weight::Bold, 10.0, columns[0], &t("plan-col-number", &[]));
        page.text(Weight::Bold, 10.0, columns[1], &t("plan-col-date", &[]));
        page.text_ending_at(Weight::Bold, 10.0, columns[2], &t("plan-col-amount", &[]));
        page.text(Weight::Bold, 10.0, columns[3], &t("plan-pdf-col-kid", &[]));
        page.y -= ROW;
    };
    header(&mut page);
    for (i, instalment) in plan.instalments.iter().enumerate() {
        if i > 0 && i % ROWS_PER_PAGE == 0 {
            page.next_page();
            header(&mut page);
        }
        let kid = instalment
            .kid
            .as_ref()
            .map_or_else(|| sheet.case_kid.to_owned(), ToString::to_string);
        page.text(
            Weight::Regular,
            10.0,
            columns[0],
            &instalment.number.to_string(),
        );
        page.text(
            Weight::Regular,
            10.0,
            columns[1],
            &texts.date(locale, instalment.due_date),
        );
        page.text_ending_at(
            Weight::Regular,
            10.0,
            columns[2],
            &instalment.amount.format(locale),
        );
        page.text(Weight::Regular, 10.0, columns[3], &kid);
        page.y -= ROW;
    }
    page.y -= 10.0;
    page.line(
        Weight::Bold,
        11.0,
        &t("plan-pdf-total", &[("total", &plan.total.format(locale))]),
    );
    page.next_page();
    let Sheet {
        regular,
        bold,
        pages,
        ..
    } = page;

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    // Each font takes five objects (see `DocumentFont::write`).
    let regular_id = Ref::new(3);
    let bold_id = Ref::new(8);
    let first_page = 13;
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(first_page + 2 * i as i32))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);
    regular.write(&mut pdf, regular_id)?;
    bold.write(&mut pdf, bold_id)?;
    for (page_id, content) in page_ids.iter().zip(pages) {
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F1"), regular_id);
        fonts.pair(Name(b"F2"), bold_id);
        fonts.finish();
        resources.finish();
        page.finish();
        let content = miniz_oxide::deflate::compress_to_vec_zlib(&content.finish(), 6);
        pdf.stream(content_id, &content).filter(Filter::FlateDecode);
    }
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_wraps_inside_the_margins_and_a_short_one_does_not() {
        let mut sheet = Sheet::new().expect("fonts");
        let top = sheet.y;
        sheet.line(Weight::Regular, 11.0, "Kort linje.");
        assert_eq!(sheet.y, top - 11.0 * 1.5);
        let long = "Сплачуйте кожен внесок на номер рахунку з KID, указаним біля цього внеску, \
                    а якщо щось незрозуміло, зверніться до агентства.";
        let before = sheet.y;
        sheet.line(Weight::Regular, 11.0, long);
        assert_eq!(sheet.y, before - 11.0 * 1.3 - 11.0 * 1.5, "two lines");
    }
}
