//! The debtor's pages as maud markup: one layout, small and readable on any phone, no JavaScript.

use maud::{DOCTYPE, Markup, html};

use crate::domain::case::{Case, CaseStatus, ClaimKind};
use crate::domain::creditor::{Agency, Creditor};
use crate::domain::locale::Locale;
use crate::i18n::Texts;

/// Bumped whenever `templates/static/app.css` changes, so browsers may cache it for a year.
pub const CSS_PATH: &str = "/static/app.v1.css";

pub fn layout(
    texts: &Texts,
    locale: Locale,
    title: &str,
    switch_to: Option<&str>,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(locale.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) }
                link rel="stylesheet" href=(CSS_PATH);
            }
            body {
                main {
                    @if let Some(href) = switch_to {
                        nav { a.lang href=(href) { (texts.get(locale, "switch-language")) } }
                    }
                    (body)
                }
            }
        }
    }
}

pub struct CasePage<'a> {
    pub texts: &'a Texts,
    pub locale: Locale,
    pub case: &'a Case,
    pub creditor: &'a Creditor,
    pub agency: &'a Agency,
}

impl CasePage<'_> {
    pub fn render(&self) -> Markup {
        let (t, l, case) = (self.texts, self.locale, self.case);
        let creditor = self.creditor.name.as_str();
        let agency = self.agency.name.as_str();
        let title = t.format(l, "page-title", &[("creditor", creditor)]);
        let other = match l {
            Locale::Nb => "en",
            Locale::En => "nb",
        };
        let switch = format!("/case?lang={other}");
        let amount = case.amount_due().format(l);
        let body = html! {
            h1 { (title) }
            @match case.status {
                CaseStatus::Paid => p.status { (t.get(l, "status-paid")) },
                CaseStatus::Closed => p.status { (t.get(l, "status-closed")) },
                CaseStatus::Open => {
                    section.summary {
                        p.label { (t.get(l, "amount-due-label")) }
                        p.amount { (amount) }
                        dl {
                            dt { (t.get(l, "due-date-label")) } dd { (t.date(l, case.due_date)) }
                            dt { (t.get(l, "reference-label")) } dd { (case.external_ref.as_str()) }
                            dt { (t.get(l, "creditor-label")) } dd { (creditor) }
                        }
                    }
                    section {
                        h2 { (t.get(l, "breakdown-heading")) }
                        table {
                            @for line in &case.claim {
                                tr {
                                    th scope="row" {
                                        (t.get(l, claim_text(line.kind)))
                                        @if !line.description.is_empty() { br; small { (line.description) } }
                                    }
                                    td { (line.amount.format(l)) }
                                }
                            }
                            tr.total { th scope="row" { (t.get(l, "total-label")) } td { (amount) } }
                        }
                    }
                    section {
                        h2 { (t.get(l, "pay-bank-heading")) }
                        dl.pay {
                            dt { (t.get(l, "pay-bank-account")) } dd.copy { (self.creditor.bank_account.formatted()) }
                            dt { (t.get(l, "pay-bank-kid")) } dd.copy { (case.kid.as_str()) }
                            dt { (t.get(l, "pay-bank-amount")) } dd.copy { (amount) }
                        }
                        p { (t.get(l, "pay-bank-help")) }
                    }
                    section {
                        h2 { (t.get(l, "help-heading")) }
                        p { (t.format(l, "help-body", &[("agency", agency)])) }
                    }
                }
            }
            footer {
                p { (t.format(l, "collected-by", &[("agency", agency), ("creditor", creditor)])) }
                p { (t.get(l, "footer-secure")) }
            }
        };
        layout(t, l, &title, Some(&switch), body)
    }
}

fn claim_text(kind: ClaimKind) -> &'static str {
    match kind {
        ClaimKind::Principal => "claim-principal",
        ClaimKind::Interest => "claim-interest",
        ClaimKind::Fee => "claim-fee",
    }
}

/// The one page every unusable link gets, whatever the reason: it reveals nothing.
pub fn notice(texts: &Texts, locale: Locale, title_id: &str, body_id: &str) -> Markup {
    let title = texts.get(locale, title_id);
    layout(
        texts,
        locale,
        &title,
        None,
        html! { h1 { (title) } p { (texts.get(locale, body_id)) } },
    )
}
