//! Debtor self-service through the real app on both stores: more time, instalment plans and
//! disputes, each with the outcomes granted / sent to review / refused with an offer, exactly at
//! the mandate's limits and one over, and forms that cannot be forged.

use crate::common::{self, Backend, KEY_A};
use chrono::{Duration, NaiveDate, Utc};
use innfri::domain::case::CaseStatus;
use innfri::domain::event::EventKind;
use innfri::domain::jurisdiction::no;
use innfri::domain::kid::{Kid, KidAlgorithm};
use innfri::domain::self_service::deferral_options;

use crate::common::{Debtor, debtor};

trait DeferralDates {
    async fn deferral_dates(&self) -> (NaiveDate, NaiveDate);
}

impl DeferralDates for Debtor {
    /// The first date granted at once and the first that goes to review, per the creditor's mandate.
    async fn deferral_dates(&self) -> (NaiveDate, NaiveDate) {
        let case = self.case().await;
        let creditor = &self.app.ctx.config.creditors[&case.creditor_id];
        let options = deferral_options(
            &case.facts(&creditor.owed_on(Utc::now().date_naive())),
            &creditor.mandate,
            Utc::now().date_naive(),
        );
        let instant = options
            .iter()
            .rev()
            .find(|(_, now)| *now)
            .expect("an instant date")
            .0;
        let review = options
            .iter()
            .find(|(_, now)| !*now)
            .expect("a reviewed date")
            .0;
        (instant, review)
    }
}

async fn more_time_inside_the_mandate_is_granted_at_once_with_a_receipt(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    let form = d.app.get_with_cookie("/case/more-time", &d.cookie).await;
    assert!(form.text().await.expect("html").contains("type=\"radio\""));
    let (latest_instant, _) = d.deferral_dates().await;
    let (status, html) = d
        .post("/case/more-time", &[("date", &latest_instant.to_string())])
        .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Du har fått mer tid"));
    let case = d.case().await;
    assert_eq!(case.due_date, latest_instant);
    assert_eq!(case.deferrals_granted, 1);
    assert!(case.audit.iter().any(|a| a.action == "deferral.granted"));
    assert!(d.event_kinds().await.contains(&EventKind::DeferralGranted));
    let messages = d.messages().await;
    assert_eq!(messages.len(), 1, "a receipt is queued");
}

async fn more_time_one_day_past_the_auto_grant_limit_goes_to_review(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    let before = d.case().await;
    let (_, first_review) = d.deferral_dates().await;
    let (status, html) = d
        .post("/case/more-time", &[("date", &first_review.to_string())])
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Vi har fått forespørselen din"), "{html}");
    let case = d.case().await;
    assert_eq!(
        case.due_date, before.due_date,
        "nothing is granted before review"
    );
    assert_eq!(case.pending.len(), 1);
    assert!(
        d.event_kinds()
            .await
            .contains(&EventKind::DeferralRequested)
    );
    let page = d
        .app
        .case_page(&d.cookie, "")
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("svarer deg innen en uke"));
}

async fn more_time_beyond_the_mandate_is_refused_with_the_latest_date_to_accept(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    let case = d.case().await;
    let too_late = case.due_date + Duration::days(45);
    let (status, html) = d
        .post("/case/more-time", &[("date", &too_late.to_string())])
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("Vi kan gi deg utsettelse til"), "{html}");
    assert!(html.contains("Ja takk, det vil jeg"));
    assert_eq!(
        d.case().await.version,
        case.version,
        "a refusal changes nothing"
    );
    let offered = html
        .split("name=\"date\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("offered date")
        .to_owned();
    let (status, html) = d.post("/case/more-time", &[("date", &offered)]).await;
    assert_eq!(status, 200, "the offer is accepted in one tap: {html}");
}

async fn a_plan_inside_the_mandate_shows_its_cost_then_is_agreed_with_a_kid_per_instalment(
    backend: Backend,
) {
    let d = debtor(backend, "6000.00").await;
    let (status, preview) = d.post("/case/plan/preview", &[("months", "6")]).await;
    assert_eq!(status, 200, "{preview}");
    assert!(
        preview.contains("Planen koster ingenting ekstra"),
        "the extra cost is shown before agreeing"
    );
    assert!(preview.contains("Godta planen"));
    assert_eq!(d.case().await.plan, None, "a preview changes nothing");
    let (status, html) = d.post("/case/plan/confirm", &[("months", "6")]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Avtalen er klar"));
    let case = d.case().await;
    let plan = case.plan.clone().expect("plan agreed");
    assert_eq!(plan.months(), 6);
    let total: i64 = plan
        .instalments
        .iter()
        .map(|i| i.amount.minor_units())
        .sum();
    assert_eq!(total, case.amount_due().minor_units());
    let kids: Vec<&Kid> = plan
        .instalments
        .iter()
        .filter_map(|i| i.kid.as_ref())
        .collect();
    assert_eq!(kids.len(), 6);
    assert!(
        kids.iter()
            .all(|k| Kid::parse(k.as_str(), KidAlgorithm::Mod10).is_ok()
                && k.as_str() != case.kid.as_str())
    );
    assert!(
        plan.instalments
            .iter()
            .all(|i| no::is_business_day(i.due_date))
    );
    assert!(d.event_kinds().await.contains(&EventKind::PlanGranted));
    let page = d
        .app
        .case_page(&d.cookie, "")
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("Din nedbetalingsavtale") && page.contains(kids[0].as_str()));
}

async fn a_plan_one_month_over_the_auto_grant_limit_goes_to_review(backend: Backend) {
    let d = debtor(backend, "6000.00").await;
    let (status, html) = d.post("/case/plan/confirm", &[("months", "7")]).await;
    assert_eq!(status, 200);
    assert!(html.contains("Vi har fått forespørselen din"), "{html}");
    let case = d.case().await;
    assert!(case.plan.is_none());
    assert_eq!(case.pending.len(), 1);
    assert!(d.event_kinds().await.contains(&EventKind::PlanRequested));
}

async fn a_plan_longer_than_the_mandate_is_refused_with_the_longest_plan_on_offer(
    backend: Backend,
) {
    let d = debtor(backend, "6000.00").await;
    let (status, html) = d.post("/case/plan/confirm", &[("months", "13")]).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Den lengste planen vi kan gi med en gang, er 6 måneder"),
        "{html}"
    );
    assert!(d.case().await.plan.is_none());
    // Accepting the offer agrees exactly that plan.
    let (status, html) = d.post("/case/plan/confirm", &[("months", "6")]).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(d.case().await.plan.map(|p| p.months()), Some(6));
}

async fn a_monthly_amount_below_the_minimum_is_refused_with_a_plan_that_meets_it(backend: Backend) {
    // 2 049,50 kr at 250 kr a month would be 9 months: within 12, but below the 300 kr minimum.
    let d = debtor(backend, "2000.00").await;
    let (status, html) = d
        .post("/case/plan/preview", &[("months", "2"), ("monthly", "250")])
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("minstebeløpet på 300,00\u{a0}kr"), "{html}");
    assert!(
        html.contains("Den lengste planen vi kan gi med en gang, er 6 måneder"),
        "the nearest plan is offered"
    );
    let (status, html) = d
        .post(
            "/case/plan/preview",
            &[("months", "2"), ("monthly", "1 500,00")],
        )
        .await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("name=\"monthly\" value=\"1500.00\""),
        "the confirm form keeps the monthly shape: {html}"
    );
    let (status, html) = d
        .post(
            "/case/plan/preview",
            &[("months", "2"), ("monthly", "lots")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("Skriv et beløp"));
}

async fn a_dispute_pauses_collection_and_holds_reminders(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    let path = format!("/api/v1/cases/{}/messages", d.case_id);
    let reminder = d
        .app
        .post_json(&path, Some(KEY_A), r#"{"channel":"sms"}"#)
        .await;
    assert_eq!(reminder.status().as_u16(), 202);
    let reminder_id: serde_json::Value = reminder.json().await.expect("json");
    let reminder_id =
        innfri::domain::ids::MessageId::parse(reminder_id["id"].as_str().expect("id")).expect("id");
    let (status, html) = d
        .post(
            "/case/dispute",
            &[
                ("text", "Jeg har betalt denne."),
                ("paid_on", "2026-11-01"),
                ("paid_amount", "1249,50"),
                ("paid_reference", "12345"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Vi har stanset innkrevingen"));
    let case = d.case().await;
    assert_eq!(case.status, CaseStatus::Disputed);
    assert!(d.event_kinds().await.contains(&EventKind::DisputeOpened));
    let page = d
        .app
        .case_page(&d.cookie, "")
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("stanset innkrevingen") && !page.contains("/case/plan"));
    // The reminder queued before the dispute is held, not sent and not dropped.
    let worker = d.app.worker();
    assert_eq!(
        worker
            .run_once_at(common::oslo_working_day_at(12))
            .await
            .expect("store"),
        1
    );
    let held = d.app.stored_message(&reminder_id).await;
    assert_eq!(
        held.status,
        innfri::domain::message::MessageStatus::Scheduled
    );
    assert_eq!(held.attempts, 0);
    assert!(held.not_before > Utc::now() + Duration::hours(23));
    // The agency cannot queue reminders while the dispute is open.
    let response = d
        .app
        .post_json(&path, Some(KEY_A), r#"{"channel":"sms"}"#)
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let (status, _) = d.post("/case/more-time", &[("date", "2030-01-01")]).await;
    assert_eq!(status, 303, "no requests on a disputed case");
}

async fn a_dispute_without_text_or_with_a_bad_date_changes_nothing(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    let before = d.case().await.version;
    let (status, html) = d.post("/case/dispute", &[("text", "  ")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("Skriv kort hva som er feil"));
    let (status, html) = d
        .post(
            "/case/dispute",
            &[("text", "Feil"), ("paid_on", "31.02.2026")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("dd.mm.åååå"));
    assert_eq!(d.case().await.version, before);
}

async fn a_missing_forged_or_cross_site_form_changes_nothing(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    let before = d.case().await;
    let (instant, _) = d.deferral_dates().await;
    let date = instant.to_string();
    for (csrf, origin) in [
        ("", d.app.base.as_str()),
        ("forged-token-000000000", d.app.base.as_str()),
        (d.csrf.as_str(), "https://evil.example"),
    ] {
        let mut fields = vec![("date", date.as_str())];
        if !csrf.is_empty() {
            fields.push(("csrf", csrf));
        }
        let response = d
            .app
            .http
            .post(d.app.url("/case/more-time"))
            .header("Cookie", &d.cookie)
            .header("Origin", origin)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(&fields).expect("form"))
            .send()
            .await
            .expect("post");
        assert_eq!(
            response.status().as_u16(),
            403,
            "csrf={csrf:?} origin={origin}"
        );
    }
    let response = d
        .app
        .http
        .post(d.app.url("/case/more-time"))
        .header("Cookie", &d.cookie)
        .header("Sec-Fetch-Site", "cross-site")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(
            serde_urlencoded::to_string([("date", date.as_str()), ("csrf", d.csrf.as_str())])
                .expect("form"),
        )
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(d.case().await, before);
    // Without a session, the form is the neutral 404.
    let response = d
        .app
        .http
        .post(d.app.url("/case/more-time"))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 404);
}

async fn the_landing_page_offers_only_what_the_mandate_allows(backend: Backend) {
    let d = debtor(backend, "100.00").await;
    let page = d
        .app
        .case_page(&d.cookie, "")
        .await
        .text()
        .await
        .expect("html");
    // 149,50 kr cannot be split into instalments of at least 300 kr; more time is still offered.
    assert!(
        !page.contains("href=\"/case/plan\""),
        "no plan button when no plan is possible"
    );
    assert!(page.contains("href=\"/case/more-time\""));
    assert!(
        page.contains("minst 200,00\u{a0}kr"),
        "partial payments and their minimum"
    );
    let (status, html) = d.post("/case/plan/confirm", &[("months", "2")]).await;
    assert_eq!(
        status, 422,
        "the server re-checks what the page did not offer: {html}"
    );
}

async fn pages_in_english_and_under_20_kb(backend: Backend) {
    let d = debtor(backend, "6000.00").await;
    let page = d.app.get_with_cookie("/case/plan?lang=en", &d.cookie).await;
    let set_cookie = page
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap_or_default().to_owned());
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Pay in instalments") && html.contains("Number of months"),
        "{html}"
    );
    assert!(
        set_cookie.is_none()
            || set_cookie
                .as_deref()
                .is_some_and(|c| c.starts_with("lang="))
    );
    for path in ["/case", "/case/more-time", "/case/plan", "/case/dispute"] {
        let body = d.get(path).await;
        assert!(body.len() < 20 * 1024, "{path} is {} bytes", body.len());
    }
    let (_, preview) = d.post("/case/plan/preview", &[("months", "12")]).await;
    assert!(preview.len() < 20 * 1024);
}

async fn an_already_paid_date_or_amount_that_cannot_be_right_is_refused_and_kept(backend: Backend) {
    let d = debtor(backend, "1202.50").await;
    let before = d.case().await;
    let too_early = (before.due_date - Duration::days(367)).to_string();
    for (paid_on, paid_amount, field, message) in [
        (
            "2030-01-01",
            "",
            "paid_on",
            "Dato du betalte: Datoen kan ikke være etter i dag.",
        ),
        (
            too_early.as_str(),
            "",
            "paid_on",
            "Dato du betalte: Datoen kan ikke være før",
        ),
        (
            "",
            "1000000",
            "paid_amount",
            "Beløp du betalte: Beløpet kan ikke være mer enn hele kravet, 1",
        ),
    ] {
        let (status, html) = d
            .post(
                "/case/dispute",
                &[
                    ("text", "Jeg har betalt"),
                    ("paid_on", paid_on),
                    ("paid_amount", paid_amount),
                    ("paid_reference", "Nettbank 42"),
                ],
            )
            .await;
        assert_eq!(status, 422, "{paid_on} {paid_amount}: {html}");
        assert!(html.contains(message), "{message}: {html}");
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{html}");
        assert!(
            html.contains(&format!("aria-describedby=\"{field}-error\"")),
            "{html}"
        );
        assert!(
            html.contains("Jeg har betalt</textarea>"),
            "the text is kept: {html}"
        );
        assert!(html.contains(&format!("value=\"{paid_on}\"")), "{html}");
        assert!(html.contains(&format!("value=\"{paid_amount}\"")), "{html}");
        assert!(html.contains("value=\"Nettbank 42\""), "{html}");
        assert_eq!(d.case().await.version, before.version, "nothing is written");
    }
    // The whole claim, paid today, is a dispute the agency reads.
    let today = Utc::now().date_naive().to_string();
    let (status, html) = d
        .post(
            "/case/dispute",
            &[
                ("text", "Jeg har betalt"),
                ("paid_on", &today),
                ("paid_amount", "1252"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(d.case().await.status, CaseStatus::Disputed);
}

async fn an_already_paid_date_counts_from_the_due_date_the_agency_sent_not_a_deferral(
    backend: Backend,
) {
    let d = debtor(backend, "1200.00").await;
    let sent = d.case().await.due_date;
    let (latest_instant, _) = d.deferral_dates().await;
    let (status, _) = d
        .post("/case/more-time", &[("date", &latest_instant.to_string())])
        .await;
    assert_eq!(status, 200);
    assert!(d.case().await.due_date > sent);
    // The earliest day a payment for this claim can have been made, counted from the claim.
    let earliest = (sent - Duration::days(366)).to_string();
    let (status, html) = d
        .post(
            "/case/dispute",
            &[("text", "Jeg har betalt"), ("paid_on", &earliest)],
        )
        .await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(d.case().await.status, CaseStatus::Disputed);
}

/// The first weekday at least `from` days ahead on which banks are closed (a public holiday,
/// 24 or 31 December).
fn next_closed_weekday(from: i64) -> NaiveDate {
    use chrono::Datelike;
    let mut day = Utc::now().date_naive() + Duration::days(from);
    while no::is_business_day(day)
        || matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun)
    {
        day += Duration::days(1);
    }
    day
}

async fn a_due_date_on_a_closed_day_is_shown_as_the_next_business_day(backend: Backend) {
    let closed = next_closed_weekday(5);
    let d = common::debtor_due_on(common::spawn_app(backend).await, "1200.00", closed).await;
    let texts = &d.app.ctx.texts;
    let shown = texts.date(
        innfri::domain::locale::Locale::Nb,
        no::business_day_on_or_after(closed),
    );
    let agency_date = texts.date(innfri::domain::locale::Locale::Nb, closed);
    let page = d.page().await;
    assert!(page.contains(&shown), "{closed}: {page}");
    assert!(
        !page.contains(&agency_date),
        "{closed} is shown as is: {page}"
    );
    let form = d.get("/case/more-time").await;
    assert!(form.contains(&shown), "{form}");
    assert!(!form.contains(&agency_date), "{form}");
}

async fn christmas_eve_and_new_years_eve_are_not_offered_as_new_due_dates(backend: Backend) {
    use chrono::Datelike;
    // A due date a few days before Christmas, this year or next: both eves lie within reach.
    let today = Utc::now().date_naive();
    let year = if today + Duration::days(3)
        < NaiveDate::from_ymd_opt(today.year(), 12, 20).expect("date")
    {
        today.year()
    } else {
        today.year() + 1
    };
    let due = NaiveDate::from_ymd_opt(year, 12, 18).expect("date");
    let due = no::business_day_on_or_after(due);
    let d = common::debtor_due_on(common::spawn_app(backend).await, "1200.00", due).await;
    let form = d.get("/case/more-time").await;
    assert!(
        form.contains(&format!("value=\"{year}-12-23\""))
            || form.contains(&format!("value=\"{year}-12-22\"")),
        "{form}"
    );
    for eve in [format!("{year}-12-24"), format!("{year}-12-31")] {
        assert!(
            !form.contains(&format!("value=\"{eve}\"")),
            "{eve} offered: {form}"
        );
    }
    // Asked for anyway, Christmas Eve moves to the next business day.
    let eve = NaiveDate::from_ymd_opt(year, 12, 24).expect("date");
    let (status, html) = d
        .post("/case/more-time", &[("date", &eve.to_string())])
        .await;
    assert_eq!(status, 200, "{html}");
    let case = d.case().await;
    assert_eq!(case.deferrals_granted, 1, "{html}");
    assert_eq!(
        case.due_date,
        no::business_day_on_or_after(eve + Duration::days(1))
    );
    assert_ne!(case.due_date, eve);
}

on_both_stores!(
    an_already_paid_date_or_amount_that_cannot_be_right_is_refused_and_kept,
    an_already_paid_date_counts_from_the_due_date_the_agency_sent_not_a_deferral,
    a_due_date_on_a_closed_day_is_shown_as_the_next_business_day,
    christmas_eve_and_new_years_eve_are_not_offered_as_new_due_dates,
    more_time_inside_the_mandate_is_granted_at_once_with_a_receipt,
    more_time_one_day_past_the_auto_grant_limit_goes_to_review,
    more_time_beyond_the_mandate_is_refused_with_the_latest_date_to_accept,
    a_plan_inside_the_mandate_shows_its_cost_then_is_agreed_with_a_kid_per_instalment,
    a_plan_one_month_over_the_auto_grant_limit_goes_to_review,
    a_plan_longer_than_the_mandate_is_refused_with_the_longest_plan_on_offer,
    a_monthly_amount_below_the_minimum_is_refused_with_a_plan_that_meets_it,
    a_dispute_pauses_collection_and_holds_reminders,
    a_dispute_without_text_or_with_a_bad_date_changes_nothing,
    a_missing_forged_or_cross_site_form_changes_nothing,
    the_landing_page_offers_only_what_the_mandate_allows,
    pages_in_english_and_under_20_kb,
);
