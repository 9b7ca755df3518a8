//! The debtor's forms and pages as a phone and a screen reader meet them, on both stores:
//! errors tied to their fields, radio groups under a legend, amounts that never wrap, the
//! instalment plan as a list, and the links that lead where they say.

use crate::common::{Backend, TestApp, debtor, debtor_in};

/// Whether some `tag_start…>` opening tag on the page carries `attr`.
fn has_attr(html: &str, tag_start: &str, attr: &str) -> bool {
    html.split(tag_start)
        .skip(1)
        .any(|rest| rest.split('>').next().is_some_and(|tag| tag.contains(attr)))
}

async fn errors_are_tied_to_their_fields_and_radios_have_a_legend(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    let form = d.get("/case/more-time").await;
    assert!(
        form.contains("<fieldset") && form.contains("<legend>Ny forfallsdato</legend>"),
        "{form}"
    );
    assert!(
        !form.contains("aria-invalid"),
        "no error before one is made"
    );

    let (status, html) = d.post("/case/more-time", &[]).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("id=\"date-error\""), "{html}");
    assert!(
        has_attr(&html, "<fieldset", "aria-describedby=\"date-error\""),
        "{html}"
    );
    assert!(
        has_attr(&html, "<input type=\"radio\"", "aria-invalid=\"true\""),
        "{html}"
    );

    let (status, html) = d
        .post(
            "/case/plan/preview",
            &[("months", "6"), ("monthly", "mange")],
        )
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("id=\"monthly-error\""), "{html}");
    assert!(
        has_attr(&html, "<input id=\"monthly\"", "aria-invalid=\"true\"")
            && has_attr(
                &html,
                "<input id=\"monthly\"",
                "aria-describedby=\"monthly-error\""
            ),
        "{html}"
    );
}

async fn amounts_never_wrap_and_the_plan_is_a_list(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    let page = d.page().await;
    assert!(page.contains("1\u{a0}249,50\u{a0}kr"), "{page}");
    assert!(
        !page.contains("1 249,50 kr"),
        "no breakable space in an amount"
    );
    assert!(
        has_attr(&page, "<a class=\"lang\"", "lang=\"en\"")
            && has_attr(&page, "<a class=\"lang\"", "hreflang=\"en\""),
        "the language link says its language: {page}"
    );
    let (status, preview) = d.post("/case/plan/preview", &[("months", "4")]).await;
    assert_eq!(status, 200, "{preview}");
    assert!(preview.contains("<ol class=\"plan\">"), "{preview}");
    assert!(
        !preview.contains("<table"),
        "no table to overflow: {preview}"
    );
    // Counted in the plan's own list: the language chooser is a list too.
    let plan = preview
        .split("<ol class=\"plan\">")
        .nth(1)
        .and_then(|rest| rest.split("</ol>").next())
        .unwrap_or("");
    assert_eq!(plan.matches("<li>").count(), 4, "{preview}");
    assert!(!preview.contains(" kr<"), "{preview}");
}

async fn paying_the_whole_amount_leads_to_the_online_buttons_when_there_are_some(backend: Backend) {
    let plain = debtor(backend, "1200.00").await;
    let page = plain.page().await;
    assert!(page.contains("href=\"#pay\""), "{page}");

    let app = TestApp::builder()
        .store(backend)
        .fake_payments()
        .start()
        .await;
    let online = debtor_in(app, "1200.00").await;
    let page = online.page().await;
    assert!(
        page.contains("href=\"#pay-online\"") && page.contains("id=\"pay-online\""),
        "{page}"
    );
    assert!(!page.contains("href=\"#pay\""), "{page}");
}

async fn every_typed_value_is_kept_after_an_error(backend: Backend) {
    let app = TestApp::builder()
        .store(backend)
        .fake_payments()
        .start()
        .await;
    let d = debtor_in(app, "1200.00").await;
    // Below the creditor's smallest part payment (200 kr): refused, and 199,99 stays typed.
    let (status, html) = d
        .post("/case/pay", &[("method", "vipps"), ("amount", "199,99")])
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        has_attr(&html, "<input id=\"amount\"", "value=\"199,99\""),
        "{html}"
    );
    assert!(
        !html.contains("value=\"1249,50\""),
        "never the whole balance instead: {html}"
    );

    let (status, html) = d
        .post(
            "/case/plan/preview",
            &[("months", "3"), ("monthly", "mange")],
        )
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        has_attr(&html, "<input id=\"monthly\"", "value=\"mange\""),
        "{html}"
    );
    assert!(html.contains("<option value=\"3\" selected>"), "{html}");

    // Choosing another plan from a preview starts from what was chosen.
    let (_, preview) = d.post("/case/plan/preview", &[("months", "3")]).await;
    assert!(
        preview.contains("href=\"/case/plan?months=3&amp;monthly=\""),
        "{preview}"
    );
    let again = d.get("/case/plan?months=3&monthly=").await;
    assert!(again.contains("<option value=\"3\" selected>"), "{again}");
}

async fn a_language_chosen_on_any_page_holds_for_every_later_page_and_form(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    let form = d.app.get_with_cookie("/case/plan?lang=en", &d.cookie).await;
    let lang = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("lang="))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .expect("the choice is remembered on the form page itself");
    assert_eq!(lang, "lang=en");
    assert!(form.text().await.expect("html").contains("lang=\"en\""));

    let browser = format!("{}; {lang}", d.cookie);
    let (status, preview) = d
        .app
        .post_form("/case/plan/preview", &browser, &d.csrf, &[("months", "4")])
        .await;
    assert_eq!(status, 200, "{preview}");
    assert!(
        preview.contains("<html lang=\"en\"") && preview.contains("Instalment 1"),
        "the form's answer is in English: {preview}"
    );
    let (status, refused) = d
        .app
        .post_form("/case/plan/preview", &browser, &d.csrf, &[("monthly", "1")])
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused.contains("<html lang=\"en\""), "{refused}");
    for path in ["/case", "/case/more-time", "/case/dispute"] {
        let page = d.app.page_html(path, &browser).await;
        assert!(page.contains("<html lang=\"en\""), "{path}: {page}");
    }
    // The API takes no part: only pages remember a language.
    let api = d
        .app
        .get_api("/api/v1/cases?lang=en", crate::common::KEY_A)
        .await;
    assert!(api.headers().get("set-cookie").is_none());
}

async fn every_page_links_the_accessibility_statement(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    let link = "<a href=\"/accessibility\">Tilgjengelighet</a>";
    for path in ["/case", "/case/more-time", "/case/plan", "/case/dispute"] {
        let page = d.get(path).await;
        assert!(page.contains(link), "{path}: {page}");
    }
    let lost = d
        .app
        .http
        .get(d.app.url("/k/nothing"))
        .send()
        .await
        .expect("get");
    assert!(lost.text().await.expect("html").contains(link));
    let statement = d
        .app
        .http
        .get(d.app.url("/accessibility"))
        .send()
        .await
        .expect("get");
    assert_eq!(statement.status().as_u16(), 200);
    let statement = statement.text().await.expect("html");
    assert!(
        statement.contains("WCAG 2.1 nivå AA") && statement.contains("320 piksler"),
        "what was tested and how: {statement}"
    );
    assert!(
        statement.contains("Dette er ikke godt nok ennå"),
        "known limits"
    );
    let english = d
        .app
        .http
        .get(d.app.url("/accessibility?lang=en"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(english.contains("<html lang=\"en\"") && english.contains("How we test"));
}

fn agencies_with_contact(phone: &str) -> serde_json::Value {
    let mut agencies = crate::common::app::default_agencies();
    agencies[0]["contact"] = serde_json::json!({
        "phone": phone, "email": "hjelp@a-inkasso.example", "opening_hours": "Hverdager 08–16"
    });
    agencies
}

async fn every_page_of_a_case_says_how_to_reach_the_agency(backend: Backend) {
    let app = TestApp::builder()
        .store(backend)
        .agencies(agencies_with_contact("22 00 00 00"))
        .start()
        .await;
    let d = debtor_in(app, "1200.00").await;
    let (_, refused) = d.post("/case/plan/preview", &[("monthly", "1")]).await;
    for (path, page) in [
        ("/case", d.page().await),
        ("/case/more-time", d.get("/case/more-time").await),
        ("/case/dispute", d.get("/case/dispute").await),
        ("refused", refused),
    ] {
        assert!(
            page.contains("Kontakt A Inkasso AS")
                && page.contains("href=\"tel:22000000\"")
                && page.contains("href=\"mailto:hjelp@a-inkasso.example\"")
                && page.contains("Hverdager 08–16"),
            "{path}: {page}"
        );
    }
    let (status, _) = d
        .post("/case/dispute", &[("text", "Ikke min regning")])
        .await;
    assert_eq!(status, 200);
    assert!(
        d.page().await.contains("href=\"tel:22000000\""),
        "a disputed case too"
    );
}

async fn an_agency_phone_that_is_no_phone_number_is_refused_by_name(backend: Backend) {
    let source = TestApp::builder()
        .store(backend)
        .agencies(agencies_with_contact("ring oss"))
        .source();
    let errors = match source.load() {
        Ok(_) => panic!("a phone that is no number is refused"),
        Err(errors) => errors.to_string(),
    };
    assert!(errors.contains("agencies[0].contact.phone"), "{errors}");
}

on_both_stores!(
    every_page_of_a_case_says_how_to_reach_the_agency,
    an_agency_phone_that_is_no_phone_number_is_refused_by_name,
    every_page_links_the_accessibility_statement,
    a_language_chosen_on_any_page_holds_for_every_later_page_and_form,
    every_typed_value_is_kept_after_an_error,
    errors_are_tied_to_their_fields_and_radios_have_a_legend,
    amounts_never_wrap_and_the_plan_is_a_list,
    paying_the_whole_amount_leads_to_the_online_buttons_when_there_are_some,
);
