//! The debtor's session on the pages behind a link: loading it with its case, the language
//! choice, and the anti-forgery checks every form goes through.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::DebtorState;
use super::pages::notice;
use crate::context::AppContext;
use crate::domain::case::Case;
use crate::domain::creditor::{Agency, AgencyContact, Creditor};
use crate::domain::identity::step_up_required;
use crate::domain::link::DebtorSession;
use crate::domain::locale::Locale;
use crate::links::constant_time_eq;
use crate::service::sessions;
use crate::store::SessionRef;

/// Everything a debtor page needs, loaded from the session cookie.
pub struct DebtorView {
    pub session: DebtorSession,
    pub case: Case,
    pub creditor: Creditor,
    pub agency: Agency,
    /// How to reach a person at the agency (its `[agencies.contact]`; empty when not set).
    pub contact: AgencyContact,
    pub locale: Locale,
    /// How the case's balance is counted on the creditor's today (`service::owed`).
    pub owed: crate::domain::ledger::OwedOn,
}

impl DebtorView {
    /// What the debtor owes today, with the interest innfri accrues when it does.
    pub fn balance(&self) -> crate::domain::money::Money {
        self.case.balance(&self.owed)
    }

    /// What the request rules need to know, as of today.
    pub fn facts(&self) -> crate::domain::self_service::CaseFacts {
        self.case.facts(&self.owed)
    }
}

pub const LANG_COOKIE: &str = "lang";

pub fn html(status: StatusCode, markup: maud::Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

pub fn not_found(ctx: &AppContext, locale: Locale) -> HttpResponse {
    html(
        StatusCode::NOT_FOUND,
        notice(&ctx.texts, locale, "not-found-title", "not-found-body"),
    )
}

pub fn unavailable(ctx: &AppContext, error: &dyn std::fmt::Display) -> HttpResponse {
    tracing::error!(%error, "store unavailable on a debtor page");
    crate::http::metrics::store_error("debtor", "unavailable");
    html(
        StatusCode::SERVICE_UNAVAILABLE,
        notice(&ctx.texts, Locale::default(), "error-title", "error-body"),
    )
}

/// The language asked for in the query (`?lang=`), else the cookie, else none.
pub fn chosen_locale(req: &HttpRequest) -> Option<Locale> {
    let from_query = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .ok()
        .and_then(|q| {
            q.iter()
                .find(|(k, _)| k == "lang")
                .and_then(|(_, v)| Locale::parse(v))
        });
    from_query.or_else(|| {
        req.cookie(LANG_COOKIE)
            .and_then(|c| Locale::parse(c.value()))
    })
}

/// The language of a page that has no case to take it from (the 404, a refused link): the
/// choice made (`?lang=`, the cookie), else the browser's `Accept-Language`, else bokmål.
pub fn requested_locale(req: &HttpRequest) -> Locale {
    chosen_locale(req)
        .or_else(|| {
            req.headers()
                .get(actix_web::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(accepted_locale)
        })
        .unwrap_or_default()
}

/// The supported locale an `Accept-Language` value ranks highest ("en-GB,nb;q=0.8"); a
/// language with `q=0` is refused, unknown ones are skipped.
fn accepted_locale(header: &str) -> Option<Locale> {
    let mut ranked: Vec<(u16, Locale)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let locale = Locale::parse(pieces.next()?)?;
            let quality =
                pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1000), |q| {
                        q.trim()
                            .parse::<f32>()
                            .ok()
                            .filter(|q| (0.0..=1.0).contains(q))
                            .map(|q| (q * 1000.0).round() as u16)
                    })?;
            (quality > 0).then_some((quality, locale))
        })
        .collect();
    // Stable: among equal weights the first named wins.
    ranked.sort_by_key(|(quality, _)| std::cmp::Reverse(*quality));
    ranked.first().map(|(_, locale)| *locale)
}

/// Makes a language picked with `?lang=` (the language link, on any page) hold for every later
/// page and form answer of the session: the answer carries the `lang` cookie, which
/// [`chosen_locale`] reads before the case's own language. A middleware, so no page can forget
/// it; the API and the provider callbacks have no language to remember.
pub async fn remember_language(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let path = req.path();
    let pages = !(path.starts_with("/api/") || path.starts_with("/callbacks/"));
    let cookie = pages
        .then(|| {
            let state = req.app_data::<web::Data<DebtorState>>()?;
            lang_cookie(req.request(), state)
        })
        .flatten();
    let mut res = next.call(req).await?;
    if let Some(cookie) = cookie {
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res)
}

/// The cookie that remembers a language picked with `?lang=` for the following pages.
pub fn lang_cookie(req: &HttpRequest, state: &DebtorState) -> Option<Cookie<'static>> {
    let query = web::Query::<Vec<(String, String)>>::from_query(req.query_string()).ok()?;
    let locale = query
        .iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Locale::parse(v))?;
    Some(
        Cookie::build(LANG_COOKIE, locale.code())
            .path("/")
            .secure(state.cookie.secure)
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::days(365))
            .finish(),
    )
}

/// Loads the session, its case, creditor and agency; anything missing is the neutral 404. When
/// the mandate requires an identity step-up the session has not passed, the debtor is sent there.
pub async fn load(
    req: &HttpRequest,
    ctx: &AppContext,
    state: &DebtorState,
) -> Result<DebtorView, HttpResponse> {
    let view = load_unverified(req, ctx, state).await?;
    if needs_step_up(&view) {
        return Err(HttpResponse::SeeOther()
            .insert_header(("Location", "/case/verify"))
            .finish());
    }
    Ok(view)
}

pub fn needs_step_up(view: &DebtorView) -> bool {
    !view.session.verified
        && step_up_required(view.creditor.mandate.identity.check, &view.case.identity)
}

/// As [`load`], without the identity step-up: only for the step-up page itself.
pub async fn load_unverified(
    req: &HttpRequest,
    ctx: &AppContext,
    state: &DebtorState,
) -> Result<DebtorView, HttpResponse> {
    let asked = chosen_locale(req);
    let Some(cookie) = req.cookie(state.cookie.name) else {
        return Err(not_found(ctx, asked.unwrap_or_default()));
    };
    // A cookie that names its case is one round trip to the store; an older one, two.
    let at = SessionRef::of_cookie(cookie.value());
    let (session, case) = match ctx.store.session_with_case(&at, state.session_idle).await {
        Ok(Some(found)) => found,
        Ok(None) => return Err(not_found(ctx, asked.unwrap_or_default())),
        Err(e) => return Err(unavailable(ctx, &e)),
    };
    if !case.debtor_pages_open() {
        // Closed or erased since the link was opened: the session ends now, not when it
        // would have timed out, and the page tells nothing about the case.
        sessions::end(ctx, &at).await;
        return Err(not_found(ctx, asked.unwrap_or_default()));
    }
    let locale = asked.unwrap_or(case.debtor.locale);
    let (creditor, agency) = match (
        ctx.creditor(&case.creditor_id).await,
        ctx.agency(&case.agency_id).await,
    ) {
        (Ok(Some(creditor)), Ok(Some(agency))) => (creditor, agency),
        (Err(e), _) | (_, Err(e)) => return Err(unavailable(ctx, &e)),
        _ => return Err(not_found(ctx, locale)),
    };
    let contact = ctx
        .config
        .settings
        .agencies
        .iter()
        .find(|a| a.id == agency.id.as_str())
        .map(|a| a.contact.clone())
        .unwrap_or_default();
    Ok(DebtorView {
        owed: crate::service::owed::owed_on(&creditor, ctx.clock.now()),
        creditor,
        agency,
        contact,
        session,
        case,
        locale,
    })
}

/// A form post is ours only if it carries the session's token and did not come from another site.
pub fn form_is_genuine(
    req: &HttpRequest,
    ctx: &AppContext,
    session: &DebtorSession,
    csrf: Option<&str>,
) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    if let Some(origin) = headers.get("origin").and_then(|v| v.to_str().ok())
        && origin != ctx.config.settings.server.public_base_url
    {
        return false;
    }
    csrf.is_some_and(|token| constant_time_eq(token.as_bytes(), session.csrf_token.as_bytes()))
}

/// What every refused form post gets: nothing changed, open the case again.
pub fn form_expired(ctx: &AppContext, locale: Locale) -> HttpResponse {
    html(
        StatusCode::FORBIDDEN,
        notice(
            &ctx.texts,
            locale,
            "form-expired-title",
            "form-expired-body",
        ),
    )
}

/// Form fields by name (first value wins); malformed bodies give no fields.
pub fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
