//! The debtor's pages as maud markup: one layout, small and readable on any phone, no JavaScript.

use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, html};

use super::session::DebtorView;
use crate::domain::case::{CaseStatus, ClaimKind};
use crate::domain::locale::Locale;
use crate::domain::plan::InstalmentPlan;
use crate::domain::plan_followup::{
    InstalmentState, InstalmentStatus, instalment_states, next_instalment, paid_toward_plan,
};
use crate::domain::self_service::{can_defer, effective_due_date, plan_month_range};
use crate::i18n::Texts;

/// Bumped whenever `templates/static/app.css` changes, so browsers may cache it for a year.
pub const CSS_PATH: &str = "/static/app.v5.css";

/// The accessibility statement, linked from every page.
pub const ACCESSIBILITY_PATH: &str = "/accessibility";

/// The accessibility statement: what is tested, how, and what is known not to be good enough.
pub fn accessibility_statement(texts: &Texts, locale: Locale) -> Markup {
    let title = texts.get(locale, "a11y-title");
    let body = html! {
        h1 { (title) }
        p { (texts.get(locale, "a11y-intro")) }
        section {
            h2 { (texts.get(locale, "a11y-tested-heading")) }
            p { (texts.get(locale, "a11y-tested-body")) }
        }
        section {
            h2 { (texts.get(locale, "a11y-limits-heading")) }
            p { (texts.get(locale, "a11y-limits-body")) }
        }
        section {
            h2 { (texts.get(locale, "a11y-contact-heading")) }
            p { (texts.get(locale, "a11y-contact-body")) }
        }
    };
    let switch = switch_link(ACCESSIBILITY_PATH, locale);
    layout(texts, locale, &title, Some(&switch), body)
}

/// The page around `body`: `lang` and `dir` from the locale, the language chooser, and the
/// link to the accessibility statement. `chooser_path` is the address the chooser's links lead
/// to (with `?lang=`); without one they reload the address the page was asked for, which is
/// what a 404, a lockout or another notice wants.
pub fn layout(
    texts: &Texts,
    locale: Locale,
    title: &str,
    chooser_path: Option<&str>,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(locale.code()) dir=(locale.direction().code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) }
                link rel="stylesheet" href=(CSS_PATH);
            }
            body {
                main {
                    (language_chooser(texts, locale, chooser_path.unwrap_or("")))
                    (body)
                    p.about { a href=(ACCESSIBILITY_PATH) { (texts.get(locale, "a11y-link")) } }
                }
            }
        }
    }
}

/// Every language as a short list of links, each named in its own language (and marked so,
/// for screen readers); the page's own language is marked `aria-current`.
fn language_chooser(texts: &Texts, locale: Locale, path: &str) -> Markup {
    // Only the path: a query the page was opened with (a form's typed values) is not carried.
    let path = path.split('?').next().unwrap_or("");
    html! {
        nav.langs aria-label=(texts.get(locale, "switch-language")) {
            ul {
                @for other in Locale::ALL {
                    li {
                        a.lang href=(format!("{path}?lang={}", other.code())) lang=(other.code()) hreflang=(other.code())
                            aria-current=[(other == locale).then_some("true")] { (other.own_name()) }
                    }
                }
            }
        }
    }
}

/// The address the language chooser on the page at `path` leads to.
pub fn switch_link(path: &str, _locale: Locale) -> String {
    path.to_owned()
}

/// Money as a debtor page shows it: the locale's format with non-breaking spaces, so
/// "1 252,00 kr" never wraps into "1" and "252,00 kr" on a narrow screen or at large text.
pub trait Shown {
    fn shown(&self, locale: Locale) -> String;
}

impl Shown for crate::domain::money::Money {
    fn shown(&self, locale: Locale) -> String {
        nbsp(self.format(locale))
    }
}

/// A page for one debtor case: title, body, and the language switch.
pub fn debtor_page(
    texts: &Texts,
    view: &DebtorView,
    path: &str,
    title_id: &str,
    body: Markup,
) -> Markup {
    let title = texts.get(view.locale, title_id);
    let full = debtor_page_body(texts, view, title_id, body);
    layout(
        texts,
        view.locale,
        &title,
        Some(&switch_link(path, view.locale)),
        full,
    )
}

/// A case's page without its frame: the title, `body` and how to reach a person (what the
/// console's preview as debtor shows, too).
pub fn debtor_page_body(texts: &Texts, view: &DebtorView, title_id: &str, body: Markup) -> Markup {
    let title = texts.get(view.locale, title_id);
    html! { h1 { (title) } (body) (contact_block(texts, view.locale, view)) }
}

/// How to reach a person at the agency: on every page of a case, whatever state it is in.
pub fn contact_block(texts: &Texts, locale: Locale, view: &DebtorView) -> Markup {
    let (contact, agency) = (&view.contact, &view.agency);
    if contact.is_empty() {
        return html! {};
    }
    let heading = texts.format(locale, "contact-heading", &[("agency", &agency.name)]);
    html! {
        section.contact {
            h2 { (heading) }
            dl {
                @if let Some(phone) = &contact.phone {
                    @let dial: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
                    dt { (texts.get(locale, "contact-phone")) }
                    dd { a href=(format!("tel:{dial}")) { (nbsp(phone.clone())) } }
                }
                @if let Some(email) = &contact.email {
                    dt { (texts.get(locale, "contact-email")) }
                    dd { a href=(format!("mailto:{email}")) { (email) } }
                }
                @if let Some(hours) = &contact.opening_hours {
                    dt { (texts.get(locale, "contact-hours")) }
                    dd { (hours) }
                }
            }
        }
    }
}

pub fn csrf_field(view: &DebtorView) -> Markup {
    html! { input type="hidden" name="csrf" value=(view.session.csrf_token); }
}

pub fn back_link(texts: &Texts, locale: Locale) -> Markup {
    html! { p { a href="/case" { (texts.get(locale, "back")) } } }
}

/// The plan's instalments with their dates, amounts and (once agreed) KIDs: one block per
/// instalment with its facts as a definition list, not a table, so it fits 320 px at any text
/// size.
pub fn plan_table(texts: &Texts, locale: Locale, plan: &InstalmentPlan) -> Markup {
    html! {
        ol.plan {
            @for i in &plan.instalments {
                li {
                    h2 { (texts.format(locale, "instalment-heading", &[("number", &i.number.to_string())])) }
                    dl {
                        dt { (texts.get(locale, "plan-col-date")) } dd { (texts.date(locale, i.due_date)) }
                        dt { (texts.get(locale, "plan-col-amount")) } dd { (i.amount.shown(locale)) }
                        @if let Some(kid) = &i.kid {
                            dt { (texts.get(locale, "pay-bank-kid")) } dd.copy { (kid.as_str()) }
                        }
                    }
                }
            }
        }
    }
}

pub fn plan_cost(texts: &Texts, locale: Locale, plan: &InstalmentPlan) -> Markup {
    let total = plan.total.shown(locale);
    let text = if plan.extra_cost().is_zero() {
        texts.format(locale, "plan-no-extra-cost", &[("total", &total)])
    } else {
        let (cost, fee, interest) = (
            plan.extra_cost().shown(locale),
            plan.fee.shown(locale),
            plan.interest.shown(locale),
        );
        texts.format(
            locale,
            "plan-extra-cost",
            &[
                ("cost", &cost),
                ("fee", &fee),
                ("interest", &interest),
                ("total", &total),
            ],
        )
    };
    html! { p.cost { (text) } }
}

/// For a limited agreement, what it is and what happens after its period; nothing otherwise.
pub fn limited_note(texts: &Texts, locale: Locale, plan: &InstalmentPlan, agency: &str) -> Markup {
    let Some(limited) = plan.limited else {
        return html! {};
    };
    let (months, paid, left) = (
        plan.months().to_string(),
        plan.total.shown(locale),
        limited.left_after.shown(locale),
    );
    let args = [
        ("months", months.as_str()),
        ("paid", paid.as_str()),
        ("left", left.as_str()),
        ("agency", agency),
    ];
    html! { p.limited { (texts.format(locale, "plan-limited-explain", &args)) } }
}

pub struct CasePage<'a> {
    pub texts: &'a Texts,
    pub view: &'a DebtorView,
    pub today: NaiveDate,
    /// The online "pay now" buttons (empty when the creditor offers none).
    pub pay_now: Markup,
    /// Whether `pay_now` holds buttons.
    pub online_offered: bool,
    /// What waits for the agency, if anything (`self_service::waiting_text`).
    pub waiting: Option<Markup>,
    /// The debtor's other cases at the agency (`all_cases::section`; empty when none).
    pub others: Markup,
}

impl CasePage<'_> {
    pub fn render(&self) -> Markup {
        let (t, l) = (self.texts, self.view.locale);
        let title = t.format(
            l,
            "page-title",
            &[("creditor", self.view.creditor.name.as_str())],
        );
        layout(t, l, &title, Some(&switch_link("/case", l)), self.body())
    }

    /// The page without its frame: what the console's preview as debtor shows, too.
    pub fn body(&self) -> Markup {
        let (t, l, v) = (self.texts, self.view.locale, self.view);
        let case = &v.case;
        let creditor = v.creditor.name.as_str();
        let agency = v.agency.name.as_str();
        let title = t.format(l, "page-title", &[("creditor", creditor)]);
        let amount = case.amount_due().shown(l);
        let balance = v.balance();
        let owed = balance.shown(l);
        let mandate = &v.creditor.mandate;
        let facts = v.facts();
        // One open request at a time: nothing new is offered while one waits.
        let free = case.plan.is_none() && self.waiting.is_none();
        let can_defer = free && can_defer(&facts, mandate, self.today);
        let can_plan = free && plan_month_range(&facts, mandate, self.today).is_some();
        let states = case.plan.as_ref().map(|plan| {
            let paid = paid_toward_plan(plan, balance);
            instalment_states(plan, paid, self.today, mandate.follow_up.grace_days)
        });
        // Late-payment interest innfri accrues, as of the creditor's today (never stored).
        let accrued = case
            .interest_owed(&v.owed)
            .filter(|b| b.accrued_interest.is_positive());
        // A plan that broke is told on the page until a new one is agreed.
        let broken = case
            .broken_plans
            .last()
            .filter(|_| case.plan.is_none() && case.status == CaseStatus::Open);
        html! {
            h1 { (title) }
            @if let Some(note) = &case.note_to_debtor {
                section.note {
                    h2 { (t.format(l, "note-heading", &[("agency", agency)])) }
                    p { (note) }
                }
            }
            @match case.status {
                CaseStatus::Paid => p.status { (t.get(l, "status-paid")) },
                CaseStatus::Closed => p.status { (t.get(l, "status-closed")) },
                CaseStatus::Disputed => p.status { (t.format(l, "status-disputed", &[("agency", agency)])) },
                CaseStatus::Open => {
                    @if let Some(waiting) = &self.waiting {
                        section.status { h2 { (t.get(l, "waiting-title")) } (waiting) }
                    }
                    @if let Some(broken) = broken {
                        section.status.plan-broken {
                            h2 { (t.get(l, "plan-broken-heading")) }
                            p { (t.format(l, "plan-broken-text", &[("date", &t.date(l, broken.broken_on))])) }
                        }
                    }
                    @if let Some(states) = &states {
                        (self.next_instalment(states))
                    } @else {
                        section.summary {
                            p.label { (t.get(l, "amount-due-label")) }
                            p.amount { (owed) }
                            dl {
                                dt { (t.get(l, "due-date-label")) } dd { (t.date(l, effective_due_date(case.due_date))) }
                                dt { (t.get(l, "reference-label")) } dd { (case.external_ref.as_str()) }
                                dt { (t.get(l, "creditor-label")) } dd { (creditor) }
                            }
                        }
                    }
                    (self.pay_now)
                    @if let (Some(plan), Some(states)) = (&case.plan, &states) {
                        section {
                            h2 { (t.get(l, "plan-active-heading")) }
                            (instalment_list(t, l, plan, states))
                            (plan_cost(t, l, plan))
                            (limited_note(t, l, plan, agency))
                        }
                    } @else {
                        section.actions {
                            h2 { (t.get(l, "actions-heading")) }
                            // Online buttons, when offered, are above: the link leads there, not past them to the
                            // bank transfer details.
                            a.button href=(if self.online_offered { "#pay-online" } else { "#pay" }) { (t.get(l, "action-pay")) }
                            @if can_defer { a.button href="/case/more-time" { (t.get(l, "action-more-time")) } }
                            @if can_plan { a.button href="/case/plan" { (t.get(l, "action-plan")) } }
                            a.button.quiet href="/case/dispute" { (t.get(l, "action-dispute")) }
                        }
                    }
                    (self.others)
                    section {
                        h2 { (t.get(l, "breakdown-heading")) }
                        table.breakdown {
                            @for line in &case.claim {
                                tr {
                                    th scope="row" {
                                        (t.get(l, claim_text(line.kind)))
                                        @if !line.description.is_empty() { br; small { (line.description) } }
                                    }
                                    td { (line.amount.shown(l)) }
                                }
                            }
                            tr.total { th scope="row" { (t.get(l, "total-label")) } td { (amount) } }
                            @if let Some(b) = &accrued {
                                tr.interest-accrued {
                                    th scope="row" {
                                        (t.get(l, "interest-accrued-label"))
                                        br; small { (t.format(l, "interest-accrued-per-day", &[("amount", &b.per_day.shown(l))])) }
                                    }
                                    td { (b.accrued_interest.shown(l)) }
                                }
                            }
                            // Every payment received is a line, so the breakdown adds up to what is left.
                            @if !case.payments.is_empty() {
                                @for payment in &case.payments {
                                    tr {
                                        th scope="row" { (t.format(l, "breakdown-paid", &[("date", &t.date(l, payment.received_on))])) }
                                        td { "−" (payment.amount.shown(l)) }
                                    }
                                }
                                tr.total { th scope="row" { (t.get(l, "breakdown-left")) } td { (owed) } }
                            }
                        }
                    }
                    section #pay {
                        h2 { (t.get(l, "pay-bank-heading")) }
                        dl.pay {
                            dt { (t.get(l, "pay-bank-account")) } dd.copy { (v.creditor.bank_account.formatted()) }
                            @if case.plan.is_none() {
                                dt { (t.get(l, "pay-bank-kid")) } dd.copy { (case.kid.as_str()) }
                                dt { (t.get(l, "pay-bank-amount")) } dd.copy { (owed) }
                            }
                        }
                        p { (t.get(l, "pay-bank-help")) }
                        @if mandate.partial_payment.allowed && case.plan.is_none() {
                            @let min = crate::domain::money::Money::round_to_minor(mandate.partial_payment.min_amount, case.currency()).shown(l);
                            p { (t.format(l, "partial-payment", &[("min", &min)])) }
                        }
                    }
                    section {
                        h2 { (t.get(l, "help-heading")) }
                        p { (t.format(l, "help-body", &[("agency", agency)])) }
                    }
                }
            }
            @if case.status != CaseStatus::Closed { (super::conversation::section(t, v, "", None, Some(super::conversation::ON_CASE_PAGE))) }
            (super::documents::section(t, l, v))
            p { a href=(super::contact::PATH) { (t.get(l, "details-link")) } }
            (contact_block(t, l, v))
            footer {
                p { (t.format(l, "collected-by", &[("agency", agency), ("creditor", creditor)])) }
                p { (t.get(l, "footer-secure")) }
            }
        }
    }

    /// With an agreed plan the page leads with the instalment to pay next: what is left on it,
    /// when it is due, and where to pay it.
    fn next_instalment(&self, states: &[InstalmentStatus]) -> Markup {
        let (t, l, v) = (self.texts, self.view.locale, self.view);
        let case = &v.case;
        let Some(next) = next_instalment(states) else {
            let limited = case.plan.as_ref().and_then(|p| p.limited);
            return match limited {
                Some(limited) => {
                    let left = limited.left_after.shown(l);
                    let args = [("agency", v.agency.name.as_str()), ("left", left.as_str())];
                    html! { section.summary { p.status { (t.format(l, "plan-limited-review", &args)) } } }
                }
                None => html! { section.summary { p.status { (t.get(l, "plan-all-paid")) } } },
            };
        };
        let kid = case
            .plan
            .as_ref()
            .and_then(|plan| plan.instalments.iter().find(|i| i.number == next.number))
            .and_then(|i| i.kid.as_ref())
            .unwrap_or(&case.kid);
        let (number, count) = (next.number.to_string(), states.len().to_string());
        let due = t.date(l, next.due_date);
        let agency = v.agency.name.as_str();
        html! {
            section.summary {
                p.label { (t.format(l, "plan-next-label", &[("number", &number), ("count", &count)])) }
                p.amount { (next.left().shown(l)) }
                @match next.state {
                    InstalmentState::Late => p.status { (t.format(l, "plan-next-late", &[("date", &due)])) },
                    InstalmentState::Missed => p.status { (t.format(l, "plan-next-missed", &[("date", &due), ("agency", agency)])) },
                    InstalmentState::Paid | InstalmentState::Upcoming => {},
                }
                @if !next.paid.is_zero() {
                    p { (partly_paid(t, l, next)) }
                }
                dl {
                    dt { (t.get(l, "due-date-label")) } dd { (due) }
                    dt { (t.get(l, "pay-bank-kid")) } dd.copy { (kid.as_str()) }
                    dt { (t.get(l, "pay-bank-account")) } dd.copy { (v.creditor.bank_account.formatted()) }
                    dt { (t.get(l, "reference-label")) } dd { (case.external_ref.as_str()) }
                    dt { (t.get(l, "creditor-label")) } dd { (v.creditor.name.as_str()) }
                }
            }
        }
    }
}

/// An amount that never breaks across lines on a narrow screen.
fn nbsp(text: String) -> String {
    text.replace(' ', "\u{a0}")
}

fn partly_paid(t: &Texts, l: Locale, status: &InstalmentStatus) -> String {
    let (paid, left) = (status.paid.shown(l), status.left().shown(l));
    t.format(
        l,
        "instalment-partly-paid",
        &[("paid", &paid), ("left", &left)],
    )
}

/// Each instalment of an agreed plan with where it stands: a list, not a table, so it fits a
/// phone.
fn instalment_list(
    t: &Texts,
    l: Locale,
    plan: &InstalmentPlan,
    states: &[InstalmentStatus],
) -> Markup {
    let next = next_instalment(states).map(|s| s.number);
    html! {
        ol.instalments {
            @for (status, instalment) in states.iter().zip(&plan.instalments) {
                @let state = match status.state {
                    InstalmentState::Paid => "instalment-paid",
                    InstalmentState::Upcoming if Some(status.number) == next => "instalment-next",
                    InstalmentState::Upcoming => "instalment-upcoming",
                    InstalmentState::Late => "instalment-late",
                    InstalmentState::Missed => "instalment-missed",
                };
                li class=(state) {
                    strong { (t.format(l, "instalment-heading", &[("number", &status.number.to_string())])) }
                    " · " (t.date(l, status.due_date)) " · " (status.amount.shown(l))
                    br;
                    span.state { (t.get(l, state)) }
                    @if status.state != InstalmentState::Paid && !status.paid.is_zero() {
                        " · " (partly_paid(t, l, status))
                    }
                    @if let Some(kid) = &instalment.kid {
                        br;
                        small { (t.get(l, "pay-bank-kid")) ": " span.copy { (kid.as_str()) } }
                    }
                }
            }
        }
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
