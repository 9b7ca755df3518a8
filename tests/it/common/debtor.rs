//! A debtor on a phone: a case opened through its link, with the session and the CSRF token
//! its forms need, and the debtor's view of the case.

use super::{Backend, KEY_A, TestApp, case_body, spawn_app};

/// A debtor on a phone: an open case of `principal` (plus 14.50 interest and a 35 fee) due in
/// ten days, opened through its link, with the session cookie and the forms' CSRF token.
pub struct Debtor {
    pub app: TestApp,
    pub case_id: innfri::domain::ids::CaseId,
    pub cookie: String,
    pub csrf: String,
}

pub async fn debtor(backend: Backend, principal: &str) -> Debtor {
    debtor_in(spawn_app(backend).await, principal).await
}

/// As [`debtor`], in an app built by the test (`TestApp::builder()…start()`).
pub async fn debtor_in(app: TestApp, principal: &str) -> Debtor {
    let due = innfri::domain::jurisdiction::no::business_day_on_or_after(
        chrono::Utc::now().date_naive() + chrono::Duration::days(10),
    );
    debtor_due_on(app, principal, due).await
}

/// As [`debtor_in`], with the due date the agency sends (any day, closed or not).
pub async fn debtor_due_on(app: TestApp, principal: &str, due: chrono::NaiveDate) -> Debtor {
    let body = case_body("S-1", principal).replace("2026-12-01", &due.to_string());
    let response = app.post_json("/api/v1/cases", Some(KEY_A), &body).await;
    assert_eq!(response.status().as_u16(), 201);
    let case: serde_json::Value = response.json().await.expect("json");
    let case_id =
        innfri::domain::ids::CaseId::parse(case["id"].as_str().expect("id")).expect("case id");
    let (cookie, csrf) = app.open_case(&case_id).await;
    Debtor {
        app,
        case_id,
        cookie,
        csrf,
    }
}

impl Debtor {
    /// Submits a form as the debtor's browser would (same origin, with the CSRF token).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        self.app
            .post_form(path, &self.cookie, &self.csrf, fields)
            .await
    }

    pub async fn case(&self) -> innfri::domain::case::Case {
        self.app
            .ctx
            .store
            .case(&self.case_id)
            .await
            .expect("store")
            .expect("case")
    }

    pub async fn event_kinds(&self) -> Vec<innfri::domain::event::EventKind> {
        self.app.event_kinds().await
    }

    /// Every message of the case, oldest first.
    pub async fn messages(&self) -> Vec<innfri::domain::message::Message> {
        self.app
            .ctx
            .store
            .case_messages(&self.case_id)
            .await
            .expect("messages")
    }

    /// The templates of every message of the case, oldest first.
    pub async fn templates(&self) -> Vec<innfri::domain::message::Template> {
        self.messages()
            .await
            .into_iter()
            .map(|m| m.template)
            .collect()
    }

    /// The HTML of one of the debtor's pages.
    pub async fn get(&self, path: &str) -> String {
        self.app.page_html(path, &self.cookie).await
    }

    pub async fn page(&self) -> String {
        self.app
            .case_page(&self.cookie, "")
            .await
            .text()
            .await
            .expect("html")
    }
}
