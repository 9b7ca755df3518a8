//! The five languages through the real app on both stores: every debtor page in each one with
//! the right `lang` and `dir`, no text missing, the language chooser, the choice held for the
//! session, the 404 and lockout pages, and the language a case is sent in.

use crate::common::{self, Backend, KEY_A, TestApp, spawn_app};
use innfri::domain::locale::Locale;

/// The ids every locale defines, to see that none shows through in place of its text.
fn message_ids() -> Vec<String> {
    let nb = include_str!("../../templates/locales/nb/main.ftl");
    nb.lines()
        .filter(|l| !l.starts_with([' ', '#']) && l.contains(" ="))
        .filter_map(|l| l.split(" =").next().map(str::to_owned))
        .collect()
}

/// A case whose debtor has `locale`, opened: the session cookie and the forms' CSRF token.
async fn case_in(app: &TestApp, external_ref: &str, locale: &str) -> (String, String) {
    let due = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    case_in_due(app, external_ref, locale, due).await
}

async fn case_in_due(
    app: &TestApp,
    external_ref: &str,
    locale: &str,
    due: chrono::NaiveDate,
) -> (String, String) {
    let mut body: serde_json::Value =
        serde_json::from_str(&common::case_body(external_ref, "1200.00")).expect("json");
    body["debtor"]["locale"] = serde_json::json!(locale);
    body["due_date"] = serde_json::json!(due.to_string());
    let response = app
        .post_json("/api/v1/cases", Some(KEY_A), &body.to_string())
        .await;
    assert_eq!(response.status().as_u16(), 201, "{locale}");
    let case: serde_json::Value = response.json().await.expect("json");
    let id = innfri::domain::ids::CaseId::parse(case["id"].as_str().expect("id")).expect("id");
    app.open_case(&id).await
}

/// The page is in `locale` all through: `lang` and `dir` on the root, no Fluent id in place of
/// a text, and the chooser with every language, the current one marked.
fn assert_page_in(html: &str, locale: Locale, what: &str) {
    let code = locale.code();
    assert!(
        html.contains(&format!("<html lang=\"{code}\" dir=\"ltr\">")),
        "{what} in {code}: {html}"
    );
    for id in message_ids() {
        assert!(
            !html.contains(&format!(">{id}<")),
            "{what} in {code} shows the id {id}: {html}"
        );
    }
    for other in Locale::ALL {
        let c = other.code();
        let link = html
            .split("<a class=\"lang\"")
            .skip(1)
            .map(|rest| rest.split('>').next().unwrap_or(""))
            .find(|tag| tag.contains(&format!("hreflang=\"{c}\"")))
            .unwrap_or_else(|| panic!("{what} in {code}: no link to {c}: {html}"));
        assert!(link.contains(&format!("lang=\"{c}\"")), "{link}");
        assert!(link.contains(&format!("?lang={c}\"")), "{link}");
        assert_eq!(
            link.contains("aria-current=\"true\""),
            other == locale,
            "{what} in {code}: {link}"
        );
        assert!(
            html.contains(other.own_name()),
            "{what}: {}",
            other.own_name()
        );
    }
}

async fn every_debtor_page_renders_in_each_language(backend: Backend) {
    let app = spawn_app(backend).await;
    // A word of each language's own on the case page, and its amount format.
    let words = [
        (Locale::Nb, "Din sak hos", "1\u{a0}249,50\u{a0}kr"),
        (Locale::Nn, "Saka di hos", "1\u{a0}249,50\u{a0}kr"),
        (Locale::En, "Your case with", "NOK\u{a0}1,249.50"),
        (Locale::Pl, "Twoja sprawa u", "1\u{a0}249,50\u{a0}kr"),
        (Locale::Uk, "Ваша справа від", "1\u{a0}249,50\u{a0}kr"),
    ];
    for (locale, title, amount) in words {
        let code = locale.code();
        let (cookie, csrf) = case_in(&app, &format!("LANG-{code}"), code).await;
        let page = app.page_html("/case", &cookie).await;
        assert_page_in(&page, locale, "/case");
        assert!(
            page.contains(title) && page.contains(amount),
            "{code}: {page}"
        );
        assert!(page.len() < 20 * 1024, "{code}: {} bytes", page.len());
        for path in [
            "/case/more-time",
            "/case/plan",
            "/case/dispute",
            "/accessibility",
        ] {
            let html = app.page_html(path, &cookie).await;
            assert_page_in(&html, locale, path);
        }
        let (status, preview) = app
            .post_form("/case/plan/preview", &cookie, &csrf, &[("months", "4")])
            .await;
        assert_eq!(status, 200, "{preview}");
        assert_page_in(&preview, locale, "the plan preview");
        let (status, refused) = app
            .post_form("/case/plan/preview", &cookie, &csrf, &[("monthly", "1")])
            .await;
        assert_eq!(status, 422, "{refused}");
        assert_page_in(&refused, locale, "a refused plan");
    }
}

async fn dates_and_counts_read_as_the_language_writes_them(backend: Backend) {
    let app = spawn_app(backend).await;
    // A Monday in March: "15 marca 2027", "15 березня 2027 р.".
    let due = chrono::NaiveDate::from_ymd_opt(2027, 3, 15).expect("date");
    for (locale, months) in [
        (
            Locale::Pl,
            [
                "stycznia",
                "lutego",
                "marca",
                "kwietnia",
                "maja",
                "czerwca",
                "lipca",
                "sierpnia",
                "września",
                "października",
                "listopada",
                "grudnia",
            ],
        ),
        (
            Locale::Uk,
            [
                "січня",
                "лютого",
                "березня",
                "квітня",
                "травня",
                "червня",
                "липня",
                "серпня",
                "вересня",
                "жовтня",
                "листопада",
                "грудня",
            ],
        ),
    ] {
        let code = locale.code();
        let (cookie, _) = case_in_due(&app, &format!("DATE-{code}"), code, due).await;
        let page = app.page_html("/case", &cookie).await;
        let month = months[chrono::Datelike::month0(&due) as usize];
        assert!(
            page.contains(&app.ctx.texts.date(locale, due)) && page.contains(month),
            "{code} {month}: {page}"
        );
    }
}

async fn the_chosen_language_holds_for_every_later_page_and_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let (cookie, csrf) = case_in(&app, "HOLD-1", "nb").await;
    for (locale, instalment) in [
        (Locale::Uk, "Внесок 1"),
        (Locale::Pl, "Rata 1"),
        (Locale::Nn, "Avdrag 1"),
    ] {
        let code = locale.code();
        let chosen = app
            .get_with_cookie(&format!("/case?lang={code}"), &cookie)
            .await;
        let lang = chosen
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("lang="))
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
            .expect("the choice is remembered");
        assert_eq!(lang, format!("lang={code}"));
        assert_page_in(&chosen.text().await.expect("html"), locale, "/case");
        let browser = format!("{cookie}; {lang}");
        for path in ["/case", "/case/more-time", "/case/plan", "/case/dispute"] {
            assert_page_in(&app.page_html(path, &browser).await, locale, path);
        }
        let (status, preview) = app
            .post_form("/case/plan/preview", &browser, &csrf, &[("months", "3")])
            .await;
        assert_eq!(status, 200, "{preview}");
        assert!(preview.contains(instalment), "{code}: {preview}");
        assert_page_in(&preview, locale, "the preview");
        // Without the cookie the case's own language comes back.
        assert_page_in(&app.page_html("/case", &cookie).await, Locale::Nb, "/case");
    }
}

async fn the_404_page_speaks_every_language_and_offers_the_others(backend: Backend) {
    let app = spawn_app(backend).await;
    let get = |path: String, accept: Option<&'static str>| {
        let app = &app;
        async move {
            let mut request = app.http.get(app.url(&path));
            if let Some(accept) = accept {
                request = request.header("Accept-Language", accept);
            }
            let response = request.send().await.expect("request");
            assert_eq!(response.status().as_u16(), 404, "{path}");
            response.text().await.expect("body")
        }
    };
    for (locale, accept, text) in [
        (Locale::Nn, "nn-NO,nb;q=0.8", "Lenkja verkar ikkje"),
        (Locale::Pl, "pl-PL,pl;q=0.9,en;q=0.5", "Ten link nie działa"),
        (
            Locale::Uk,
            "uk-UA,uk;q=0.9,ru;q=0.8",
            "Це посилання не працює",
        ),
    ] {
        let code = locale.code();
        for page in [
            get(format!("/k/nothing?lang={code}"), None).await,
            get("/k/nothing".to_owned(), Some(accept)).await,
            get(format!("/no-such-page?lang={code}"), Some("en")).await,
        ] {
            assert_page_in(&page, locale, "the 404");
            assert!(page.contains(text), "{code}: {page}");
        }
    }
}

async fn the_lockout_page_counts_hours_in_the_debtors_language(backend: Backend) {
    let original = common::example_mandate();
    let app = TestApp::builder()
        .store(backend)
        .creditors(&[(
            "nordlys-energi.toml",
            &original.replace("check = \"none\"", "check = \"postcode\""),
        )])
        .start()
        .await;
    for (locale, hours) in [
        (Locale::Pl, "za 24 godziny"),
        (Locale::Uk, "через 24 години"),
        (Locale::Nn, "om 24 timar"),
    ] {
        let code = locale.code();
        let mut body: serde_json::Value =
            serde_json::from_str(&common::case_body(&format!("LOCK-{code}"), "1200.00"))
                .expect("json");
        body["debtor"]["postcode"] = serde_json::json!("0150");
        body["debtor"]["locale"] = serde_json::json!(code);
        let response = app
            .post_json("/api/v1/cases", Some(KEY_A), &body.to_string())
            .await;
        assert_eq!(response.status().as_u16(), 201);
        let case: serde_json::Value = response.json().await.expect("json");
        let id = innfri::domain::ids::CaseId::parse(case["id"].as_str().expect("id")).expect("id");
        let cookie = app
            .open_link(&app.ctx.issue_case_link(&id).await.expect("link"))
            .await
            .expect("session");
        let form = app.page_html("/case/verify", &cookie).await;
        assert_page_in(&form, locale, "the step-up form");
        let csrf = common::csrf_of(&form);
        let mut last = (0, String::new());
        for _ in 0..3 {
            last = app
                .post_form("/case/verify", &cookie, &csrf, &[("answer", "9999")])
                .await;
        }
        assert_eq!(last.0, 429, "{}", last.1);
        let later = app.page_html("/case/verify", &cookie).await;
        for html in [&last.1, &later] {
            assert_page_in(html, locale, "the lockout page");
            assert!(html.contains(hours), "{code}: {html}");
        }
    }
}

async fn the_debtors_language_comes_in_with_the_case_and_bad_tags_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    for (tag, locale) in [
        ("uk-UA", Locale::Uk),
        ("pl", Locale::Pl),
        ("nn-NO", Locale::Nn),
        ("no", Locale::Nb),
    ] {
        let mut body: serde_json::Value =
            serde_json::from_str(&common::case_body(&format!("IN-{tag}"), "1200.00"))
                .expect("json");
        body["debtor"]["locale"] = serde_json::json!(tag);
        let response = app
            .post_json("/api/v1/cases", Some(KEY_A), &body.to_string())
            .await;
        assert_eq!(response.status().as_u16(), 201, "{tag}");
        let case: serde_json::Value = response.json().await.expect("json");
        let id = innfri::domain::ids::CaseId::parse(case["id"].as_str().expect("id")).expect("id");
        let stored = app.ctx.store.case(&id).await.expect("store").expect("case");
        assert_eq!(stored.debtor.locale, locale, "{tag}");
    }
    for tag in ["ua", "ru", "pl-"] {
        let mut body: serde_json::Value =
            serde_json::from_str(&common::case_body("IN-BAD", "1200.00")).expect("json");
        body["debtor"]["locale"] = serde_json::json!(tag);
        let response = app
            .post_json("/api/v1/cases", Some(KEY_A), &body.to_string())
            .await;
        assert_eq!(response.status().as_u16(), 422, "{tag}");
        let error = response.text().await.expect("body");
        let error: serde_json::Value = serde_json::from_str(&error).expect("json");
        assert_eq!(error["field"], "debtor.locale", "{tag}: {error}");
        let message = error["message"].as_str().unwrap_or("");
        assert!(
            message.contains("\"pl\"") && message.contains("\"uk\""),
            "{message}"
        );
    }
}

on_both_stores!(
    every_debtor_page_renders_in_each_language,
    dates_and_counts_read_as_the_language_writes_them,
    the_chosen_language_holds_for_every_later_page_and_form,
    the_404_page_speaks_every_language_and_offers_the_others,
    the_lockout_page_counts_hours_in_the_debtors_language,
    the_debtors_language_comes_in_with_the_case_and_bad_tags_are_refused,
);

#[test]
fn polish_and_ukrainian_sms_are_held_to_their_own_part_limit() {
    // The shipped journey is valid with one GSM-7 part and two UCS-2 parts (the defaults)...
    let one_gsm7 = innfri::config::ConfigSource::new(common::CONFIG_DIR, Some("demo"))
        .with("messaging.max_sms_segments", 1)
        .load();
    assert!(
        one_gsm7.is_ok(),
        "{:?}",
        one_gsm7.err().map(|e| e.to_string())
    );
    // ...and refused, per language and naming the setting, when UCS-2 gets one part.
    let errors = innfri::config::ConfigSource::new(common::CONFIG_DIR, Some("demo"))
        .with("messaging.max_sms_segments_ucs2", 1)
        .load()
        .expect_err("refused")
        .to_string();
    for locale in ["pl", "uk"] {
        assert!(
            errors.contains(&format!(
                "templates/locales/{locale}/main.ftl: journey-nudge-sms needs 2 SMS parts"
            )),
            "{errors}"
        );
    }
    assert!(
        errors.contains("more than messaging.max_sms_segments_ucs2 = 1"),
        "{errors}"
    );
    for locale in ["nb", "nn", "en"] {
        assert!(
            !errors.contains(&format!("templates/locales/{locale}/")),
            "{errors}"
        );
    }
}
