//! The console's page frame, notices and stylesheet.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use maud::{DOCTYPE, Markup, html};

use crate::domain::staff::{Role, StaffScope, StaffUser};

pub const CSS_PATH: &str = "/console/console.css";
const CSS: &str = include_str!("../../../templates/static/console.css");

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(CSS)
}

/// A console page: header with the user (and the logout form) when logged in.
pub fn page(title: &str, user: Option<(&StaffUser, &str)>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) " · innfri console" }
                link rel="stylesheet" href=(CSS_PATH);
            }
            body {
                header {
                    a href="/console/cases" { strong { "innfri console" } }
                    @if let Some((user, csrf)) = user {
                        nav aria-label="Console" {
                            a href="/console/overview" { "Overview" }
                            " "
                            a href="/console/cases" { "Cases" }
                            " "
                            a href="/console/reviews" { "Review queue" }
                            " " a href="/console/settings" { "Creditor settings" }
                            " " a href="/console/inbox" { "Inbox" }
                            @if matches!(user.scope, StaffScope::Agency { role: Role::Admin, .. }) {
                                " "
                                a href="/console/access" { "Access log" }
                                " "
                                a href="/console/agency" { "Settings" }
                            }
                        }
                        form method="post" action="/console/logout" class="logout" {
                            span { (user.email.as_str()) " (" (user.scope.describe()) ")" }
                            " "
                            input type="hidden" name="csrf" value=(csrf);
                            button type="submit" { "Log out" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

pub fn notice(title: &str, text: &str) -> Markup {
    page(
        title,
        None,
        html! { h1 { (title) } p { (text) } p { a href="/console/login" { "To the login" } } },
    )
}

pub fn page_response(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}
