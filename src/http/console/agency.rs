//! The agency settings screen for its admins: API keys, users, the webhook endpoint (address,
//! secret rotation, delivery state, replay) and a CSV import by upload. Handlers parse the form and call one use case in
//! `service::agency_settings`; a new key or invitation link is shown once, on the answer page.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use futures::StreamExt;
use maud::{Markup, html};

use super::cases::load;
use super::layout::{notice, page, page_response};
use super::{field, fields, genuine, see_other, unavailable};
use crate::context::AppContext;
use crate::domain::staff::{StaffSession, StaffUser};
use crate::domain::webhook_secret::WebhookSecret;
use crate::service::agency_settings::{self, AgencySettings, SettingsError};
use crate::service::import::ImportReport;
use crate::service::webhook_settings;

/// The largest CSV file the upload takes. The command line takes larger files
/// (`import::MAX_BYTES`); a browser upload is held in memory while it is read.
const MAX_UPLOAD: usize = 32 * 1024 * 1024;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/console/agency", web::get().to(show))
        .route("/console/agency/keys", web::post().to(issue_key))
        .route(
            "/console/agency/keys/{id}/revoke",
            web::post().to(revoke_key),
        )
        .route("/console/agency/users", web::post().to(invite))
        .route(
            "/console/agency/users/{id}/invite",
            web::post().to(reinvite),
        )
        .route(
            "/console/agency/users/{id}/disable",
            web::post().to(disable),
        )
        .route("/console/agency/webhook", web::post().to(set_webhook))
        .route(
            "/console/agency/webhook/rotate",
            web::post().to(rotate_secret),
        )
        .route(
            "/console/agency/webhook/retire",
            web::post().to(retire_secret),
        )
        .route("/console/agency/webhook/stop", web::post().to(stop_webhook))
        .route("/console/agency/webhook/replay", web::post().to(replay))
        .route("/console/agency/import", web::post().to(import));
}

fn forbidden(user: &StaffUser, session: &StaffSession) -> HttpResponse {
    page_response(
        StatusCode::FORBIDDEN,
        page(
            "Not allowed",
            Some((user, &session.csrf_token)),
            html! { h1 { "Not allowed" } p { "Only an agency's admins change its settings." } },
        ),
    )
}

fn expired() -> HttpResponse {
    page_response(
        StatusCode::FORBIDDEN,
        notice(
            "Refused",
            "The form had expired; nothing was changed. Open the settings again.",
        ),
    )
}

fn body(settings: &AgencySettings, csrf: &str, error: Option<&str>) -> Markup {
    html! {
        h1 { "Settings of " (settings.agency.name) }
        @if let Some(error) = error { p.error role="alert" { (error) } }
        section {
            h2 { "API keys" }
            p { "Your case system calls the API with one of these. A new key is shown once; keep it in your case system's secrets. A revoked key stops working at once." }
            table {
                thead { tr { th { "Key" } th { "Issued" } th { "State" } th { span.visually-hidden { "Action" } } } }
                tbody {
                    @for key in &settings.keys {
                        tr {
                            td { code { (key.key_id) } }
                            td { (key.created_at.format("%Y-%m-%d %H:%M")) }
                            td {
                                @match key.revoked_at {
                                    Some(at) => { "revoked " (at.format("%Y-%m-%d %H:%M")) }
                                    None => { @if key.from_config { "active (from the configuration)" } @else { "active" } }
                                }
                            }
                            td {
                                @if key.revoked_at.is_none() {
                                    form method="post" action=(format!("/console/agency/keys/{}/revoke", key.key_id)) {
                                        input type="hidden" name="csrf" value=(csrf);
                                        button type="submit" aria-label=(format!("Revoke key {}", key.key_id)) { "Revoke" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form method="post" action="/console/agency/keys" {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { "Issue a new key" }
            }
        }
        section {
            h2 { "Users" }
            table {
                thead { tr { th { "E-mail" } th { "Role" } th { "State" } th { span.visually-hidden { "Actions" } } } }
                tbody {
                    @for u in &settings.users {
                        tr {
                            td { (u.email.as_str()) }
                            td { (u.scope.describe()) }
                            td { @if u.disabled { "disabled" } @else if u.enrolled { "active" } @else { "invited" } }
                            td {
                                form method="post" action=(format!("/console/agency/users/{}/invite", u.id)) {
                                    input type="hidden" name="csrf" value=(csrf);
                                    button type="submit" aria-label=(format!("New invitation for {}", u.email.as_str())) { "New invitation" }
                                }
                                @if !u.disabled {
                                    form method="post" action=(format!("/console/agency/users/{}/disable", u.id)) {
                                        input type="hidden" name="csrf" value=(csrf);
                                        button type="submit" aria-label=(format!("Disable {}", u.email.as_str())) { "Disable" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h3 { "Invite a user" }
            form method="post" action="/console/agency/users" {
                input type="hidden" name="csrf" value=(csrf);
                label for="invite-email" { "E-mail" }
                input id="invite-email" name="email" type="email" required autocomplete="off";
                fieldset {
                    legend { "Role" }
                    label { input type="radio" name="role" value="handler" checked; " handler: cases, reviews, replies" }
                    label { input type="radio" name="role" value="viewer"; " viewer: reads only" }
                    label { input type="radio" name="role" value="admin"; " admin: also users, keys, webhooks and settings" }
                }
                p { button type="submit" { "Invite" } }
            }
        }
        section {
            h2 { "Webhook" }
            @match &settings.webhook {
                None => p { "Events are not pushed to you: your case system reads them from GET /api/v1/events. Give an address below to have each event pushed to it, signed." }
                Some(webhook) => {
                    p { "Events go to " code { (webhook.url) } " signed as Standard Webhooks." }
                    p {
                        @if webhook.state.disabled { strong { "Delivery is stopped" } " (the endpoint answered 410 Gone or kept failing). A replay starts it again." }
                        @else if webhook.state.failures > 0 {
                            "The next event has failed " (webhook.state.failures) " time(s)"
                            @if let Some(at) = webhook.state.next_attempt_at { "; next try " (at.format("%Y-%m-%d %H:%M")) " UTC" }
                            "."
                        }
                        @else { "Delivery is up to date." }
                    }
                    p { "Last event delivered: " code { (webhook.state.cursor.as_deref().unwrap_or("none yet")) } }
                    h3 { "Signing secrets" }
                    table {
                        thead { tr { th { "Made" } th { "Signs" } } }
                        tbody {
                            @for (made, retires) in &webhook.secrets {
                                tr {
                                    td { @if *made == chrono::DateTime::UNIX_EPOCH { "in the configuration" } @else { (made.format("%Y-%m-%d %H:%M")) " UTC" } }
                                    td { @match retires { Some(at) => { "beside the new one until " (at.format("%Y-%m-%d %H:%M")) " UTC" } None => { "every delivery (current)" } } }
                                }
                            }
                        }
                    }
                    p { "A new secret is shown once. The one before keeps signing beside it for 24 hours, so your receiver accepts every delivery while you switch it over." }
                    form method="post" action="/console/agency/webhook/rotate" {
                        input type="hidden" name="csrf" value=(csrf);
                        button type="submit" { "Make a new secret" }
                    }
                    @if webhook.secrets.len() > 1 {
                        form method="post" action="/console/agency/webhook/retire" {
                            input type="hidden" name="csrf" value=(csrf);
                            button type="submit" { "The receiver has the new secret: stop the old ones now" }
                        }
                    }
                    h3 { "Deliver again" }
                    form method="post" action="/console/agency/webhook/replay" {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="replay-after" { "Deliver again every event after this cursor (empty: from the oldest kept)" }
                        input id="replay-after" name="after" autocomplete="off";
                        p { button type="submit" { "Replay" } }
                    }
                }
            }
            h3 { "Address" }
            form method="post" action="/console/agency/webhook" {
                input type="hidden" name="csrf" value=(csrf);
                label for="webhook-url" { "Your receiver's address (https://)" }
                input id="webhook-url" name="url" type="url" required autocomplete="off" value=[settings.webhook.as_ref().map(|w| w.url.as_str())];
                p { button type="submit" { "Save the address" } }
            }
            @if settings.webhook.is_some() {
                form method="post" action="/console/agency/webhook/stop" {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { "Stop pushing events (your case system reads them instead)" }
                }
            }
        }
        section {
            h2 { "Import cases from a CSV file" }
            p { "The same columns and row report as " code { "innfri import" } "; up to 32 MB. Rows that are fine are imported even when others are rejected." }
            form method="post" action="/console/agency/import" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(csrf);
                label for="import-creditor" { "Creditor" }
                select id="import-creditor" name="creditor" {
                    @for c in &settings.agency.creditors { option value=(c) { (c) } }
                }
                label for="import-file" { "File" }
                input id="import-file" name="file" type="file" accept=".csv,text/csv" required;
                p { button type="submit" { "Import" } }
            }
        }
    }
}

/// The settings page, with `error` from a refused form.
async fn render(
    ctx: &AppContext,
    user: &StaffUser,
    session: &StaffSession,
    status: StatusCode,
    error: Option<&str>,
) -> HttpResponse {
    match agency_settings::settings(ctx, user).await {
        Ok(settings) => page_response(
            status,
            page(
                "Agency settings",
                Some((user, &session.csrf_token)),
                body(&settings, &session.csrf_token, error),
            ),
        ),
        Err(SettingsError::Forbidden) => forbidden(user, session),
        Err(e) => unavailable(&e),
    }
}

async fn show(req: HttpRequest, ctx: web::Data<AppContext>) -> HttpResponse {
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    render(&ctx, &user, &session, StatusCode::OK, None).await
}

/// What a change answers: `Ok(Some(page))` shows a one-time page (a key, a link), `Ok(None)`
/// goes back to the settings.
type Answer = Result<Option<Markup>, SettingsError>;

async fn answer(
    ctx: &AppContext,
    user: &StaffUser,
    session: &StaffSession,
    result: Answer,
) -> HttpResponse {
    match result {
        Ok(None) => see_other("/console/agency"),
        Ok(Some(markup)) => {
            let mut res = page_response(
                StatusCode::OK,
                page("Agency settings", Some((user, &session.csrf_token)), markup),
            );
            // A key or a link shown once must not stay in a cache.
            res.headers_mut().insert(
                actix_web::http::header::CACHE_CONTROL,
                actix_web::http::header::HeaderValue::from_static("no-store"),
            );
            res
        }
        Err(SettingsError::Forbidden) => forbidden(user, session),
        Err(SettingsError::Store(e)) => unavailable(&e),
        Err(e) => {
            render(
                ctx,
                user,
                session,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&e.to_string()),
            )
            .await
        }
    }
}

/// Runs a change from a url-encoded settings form: session, anti-forgery check, `change`.
async fn change<F, Fut>(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
    change: F,
) -> HttpResponse
where
    F: FnOnce(StaffUser, Vec<(String, String)>) -> Fut,
    Fut: std::future::Future<Output = Answer>,
{
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let form = fields(&body);
    if !genuine(&req, &ctx, &session.csrf_token, field(&form, "csrf")) {
        return expired();
    }
    let result = change(user.clone(), form).await;
    answer(&ctx, &user, &session, result).await
}

fn once(title: &str, what: &str, value: &str, note: &str) -> Markup {
    html! {
        h1 { (title) }
        p { (what) }
        p { code.once { (value) } }
        p { (note) }
        p { a href="/console/agency" { "Back to the settings" } }
    }
}

async fn issue_key(req: HttpRequest, ctx: web::Data<AppContext>, body: web::Bytes) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, body, |user, _| async move {
        let key = agency_settings::issue_key(&c, &user, c.clock.now()).await?;
        Ok(Some(once(
            "A new API key",
            "Your new key:",
            &key,
            "It is shown only now: innfri keeps only its hash. Put it in your case system's secrets.",
        )))
    })
    .await
}

async fn revoke_key(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, body, |user, _| async move {
        agency_settings::revoke_key(&c, &user, &path, c.clock.now()).await?;
        Ok(None)
    })
    .await
}

fn invited_page(link: &str) -> Markup {
    once(
        "Invitation",
        "Send this link to the user (it works once, for 7 days):",
        link,
        "They choose a password and enrol an authenticator app with it.",
    )
}

async fn invite(req: HttpRequest, ctx: web::Data<AppContext>, body: web::Bytes) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, body, |user, form| async move {
        let role = agency_settings::role(field(&form, "role").unwrap_or_default())?;
        let email = field(&form, "email").unwrap_or_default();
        let invited = agency_settings::invite(&c, &user, email, role, c.clock.now()).await?;
        Ok(Some(invited_page(&invited.link)))
    })
    .await
}

async fn reinvite(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, body, |user, _| async move {
        let invited = agency_settings::reinvite(&c, &user, &path, c.clock.now()).await?;
        Ok(Some(invited_page(&invited.link)))
    })
    .await
}

async fn disable(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, body, |user, _| async move {
        agency_settings::disable(&c, &user, &path, c.clock.now()).await?;
        Ok(None)
    })
    .await
}

fn secret_page(
    secret: &WebhookSecret,
    previous_until: Option<chrono::DateTime<chrono::Utc>>,
) -> Markup {
    let note = match previous_until {
        Some(at) => format!(
            "It is shown only now. The previous secret keeps signing beside it until {} UTC: put this one in your receiver before then.",
            at.format("%Y-%m-%d %H:%M")
        ),
        None => "It is shown only now. Put it in your receiver: each delivery's webhook-signature is made with it.".to_owned(),
    };
    once(
        "A new signing secret",
        "Your endpoint's new secret:",
        &secret.reveal(),
        &note,
    )
}

async fn set_webhook(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, body, |user, form| async move {
        let url = field(&form, "url").unwrap_or_default();
        let secret = webhook_settings::point_to(&c, &user, url, c.clock.now()).await?;
        Ok(secret.map(|secret| secret_page(&secret, None)))
    })
    .await
}

async fn rotate_secret(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, body, |user, _| async move {
        let rotated = webhook_settings::rotate(&c, &user, c.clock.now()).await?;
        Ok(Some(secret_page(
            &rotated.secret,
            rotated.previous_retires_at,
        )))
    })
    .await
}

async fn retire_secret(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, body, |user, _| async move {
        webhook_settings::retire_previous(&c, &user, c.clock.now()).await?;
        Ok(None)
    })
    .await
}

async fn stop_webhook(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, body, |user, _| async move {
        webhook_settings::stop(&c, &user, c.clock.now()).await?;
        Ok(None)
    })
    .await
}

async fn replay(req: HttpRequest, ctx: web::Data<AppContext>, body: web::Bytes) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, body, |user, form| async move {
        let after = field(&form, "after").unwrap_or_default();
        agency_settings::replay(&c, &user, after, c.clock.now()).await?;
        Ok(None)
    })
    .await
}

/// The parts of the upload form; `None` for a file part larger than [`MAX_UPLOAD`].
struct Upload {
    csrf: Option<String>,
    creditor: Option<String>,
    file: Option<Vec<u8>>,
    too_large: bool,
}

async fn read_upload(mut parts: Multipart) -> Result<Upload, String> {
    let mut upload = Upload {
        csrf: None,
        creditor: None,
        file: None,
        too_large: false,
    };
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(|e| e.to_string())?;
        let name = part.name().unwrap_or_default().to_owned();
        let limit = if name == "file" { MAX_UPLOAD } else { 256 };
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|e| e.to_string())?;
            if bytes.len() + chunk.len() > limit {
                upload.too_large = true;
                // The rest is read and dropped so the answer reaches the browser.
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf" => upload.csrf = String::from_utf8(bytes).ok(),
            "creditor" => upload.creditor = String::from_utf8(bytes).ok(),
            "file" => upload.file = Some(bytes),
            _ => {}
        }
    }
    Ok(upload)
}

fn report_page(report: &ImportReport) -> Markup {
    html! {
        h1 { "Import" }
        p { (report.summary()) }
        @if !report.rejected.is_empty() {
            table {
                thead { tr { th { "Line" } th { "Field" } th { "Why" } } }
                tbody { @for r in &report.rejected { tr { td { (r.line) } td { (r.field) } td { (r.reason) } } } }
            }
        }
        p { a href="/console/cases" { "To the cases" } " · " a href="/console/agency" { "Back to the settings" } }
    }
}

async fn import(req: HttpRequest, ctx: web::Data<AppContext>, parts: Multipart) -> HttpResponse {
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let upload = match read_upload(parts).await {
        Ok(upload) => upload,
        Err(error) => {
            return render(
                &ctx,
                &user,
                &session,
                StatusCode::BAD_REQUEST,
                Some(&format!("file: the upload could not be read ({error})")),
            )
            .await;
        }
    };
    if !genuine(&req, &ctx, &session.csrf_token, upload.csrf.as_deref()) {
        return expired();
    }
    let result = if upload.too_large {
        Err("file: larger than 32 MB; split it or use innfri import".to_owned())
    } else {
        match upload.file {
            Some(file) if !file.is_empty() => Ok(file),
            _ => Err("file: choose a CSV file".to_owned()),
        }
    };
    let file = match result {
        Ok(file) => file,
        Err(error) => {
            return render(
                &ctx,
                &user,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&error),
            )
            .await;
        }
    };
    let creditor = upload.creditor.unwrap_or_default();
    let result = agency_settings::import(&ctx, &user, &creditor, &file, ctx.clock.now())
        .await
        .map(|report| Some(report_page(&report)));
    answer(&ctx, &user, &session, result).await
}
