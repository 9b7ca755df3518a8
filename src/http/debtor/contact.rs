//! The debtor's contact details page (`/case/contact`): how the agency reaches them (numbers
//! and addresses masked, as on every page), a new mobile number or e-mail address confirmed by a
//! code sent to it, and a postal address; each form handed to `service::contact_update`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::DebtorState;
use super::pages::{back_link, csrf_field};
use super::self_service::{page, posted, see_case};
use super::session::{DebtorView, field, load, unavailable};
use crate::context::AppContext;
use crate::domain::contact::ContactError;
use crate::domain::contact_change::{
    AddressError, CODE_VALID_FOR_MINUTES, ConfirmError, MAX_CODES_PER_DAY, RequestError,
};
use crate::domain::message::Channel;
use crate::i18n::Texts;
use crate::service::contact_update::{self, ContactUpdateError};

pub const PATH: &str = "/case/contact";
const PHONE_PATH: &str = "/case/contact/phone";
const EMAIL_PATH: &str = "/case/contact/email";
const CODE_PATH: &str = "/case/contact/code";
const ADDRESS_PATH: &str = "/case/contact/address";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route(PHONE_PATH, web::post().to(new_phone))
        .route(EMAIL_PATH, web::post().to(new_email))
        .route(CODE_PATH, web::post().to(code))
        .route(ADDRESS_PATH, web::post().to(address));
}

/// The field an error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Phone,
    Email,
    Code,
    Street,
    Postcode,
    City,
    Country,
}

impl Field {
    fn id(self) -> &'static str {
        match self {
            Field::Phone => "details-phone",
            Field::Email => "details-email",
            Field::Code => "details-code",
            Field::Street => "details-street",
            Field::Postcode => "details-postcode",
            Field::City => "details-city",
            Field::Country => "details-country",
        }
    }
}

/// What the page shows besides the case: values typed before a refusal, the refusal, and what
/// was just done.
#[derive(Default)]
struct Shown<'a> {
    typed: Vec<(Field, &'a str)>,
    error: Option<(Field, String)>,
    done: Option<&'static str>,
}

impl Shown<'_> {
    fn typed(&self, f: Field) -> &str {
        self.typed
            .iter()
            .find(|(k, _)| *k == f)
            .map_or("", |(_, v)| v)
    }

    fn error(&self, f: Field) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(k, _)| *k == f)
            .map(|(_, e)| e.as_str())
    }
}

/// A labelled input with its hint and error tied to it.
struct Input<'a> {
    field: Field,
    name: &'a str,
    label: String,
    hint: Option<String>,
    kind: &'a str,
    autocomplete: &'a str,
}

fn input(i: Input<'_>, shown: &Shown<'_>) -> Markup {
    let id = i.field.id();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let error = shown.error(i.field);
    let described: Vec<&str> = [
        i.hint.as_ref().map(|_| hint_id.as_str()),
        error.map(|_| error_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    let numeric = (i.field == Field::Code).then_some("numeric");
    html! {
        label for=(id) { (i.label) }
        @if let Some(hint) = &i.hint { p.hint id=(hint_id) { (hint) } }
        @if let Some(error) = error { p.error id=(error_id) { (error) } }
        input id=(id) name=(i.name) type=(i.kind) autocomplete=(i.autocomplete)
            inputmode=[numeric] value=(shown.typed(i.field))
            aria-describedby=[described] aria-invalid=[error.map(|_| "true")];
    }
}

fn body(t: &Texts, view: &DebtorView, shown: &Shown<'_>, now: DateTime<Utc>) -> Markup {
    let l = view.locale;
    let case = &view.case;
    let now_pending = case.contact_changes.live(now);
    let none = t.get(l, "details-none");
    let phone = case
        .debtor
        .phone
        .as_ref()
        .map_or(none.clone(), |p| p.masked());
    let email = case
        .debtor
        .email
        .as_ref()
        .map_or(none.clone(), |e| e.masked());
    let address = case
        .contact_changes
        .postal_address
        .as_ref()
        .map_or(none, |a| {
            t.format(
                l,
                "details-address-saved",
                &[("postcode", &a.postcode), ("city", &a.city)],
            )
        });
    let minutes = CODE_VALID_FOR_MINUTES.to_string();
    html! {
        p { (t.format(l, "details-intro", &[("agency", view.agency.name.as_str())])) }
        @if let Some(done) = shown.done { p.status role="status" { (t.get(l, done)) } }
        @if let Some((f, _)) = &shown.error { p.error role="alert" { a href={ "#" (f.id()) } { (shown.error(*f).unwrap_or_default()) } } }
        dl.stacked {
            dt { (t.get(l, "details-phone")) } dd { (phone) }
            dt { (t.get(l, "details-email")) } dd { (email) }
            dt { (t.get(l, "details-address")) } dd { (address) }
        }
        @if let Some(pending) = now_pending {
            section #code {
                h2 { (t.get(l, "details-code-heading")) }
                p { (t.format(l, "details-code-sent", &[("to", &pending.new.recipient().masked()), ("minutes", &minutes)])) }
                form method="post" action=(CODE_PATH) {
                    (csrf_field(view))
                    (input(Input { field: Field::Code, name: "code", label: t.get(l, "details-code"), hint: None, kind: "text", autocomplete: "one-time-code" }, shown))
                    button type="submit" { (t.get(l, "details-confirm")) }
                }
                p { (t.get(l, "details-code-again")) }
            }
        }
        section #phone {
            form method="post" action=(PHONE_PATH) {
                (csrf_field(view))
                (input(Input { field: Field::Phone, name: "phone", label: t.get(l, "details-new-phone"), hint: Some(t.get(l, "details-new-phone-hint")), kind: "tel", autocomplete: "tel" }, shown))
                button type="submit" { (t.get(l, "details-send-code")) }
            }
        }
        section #email {
            form method="post" action=(EMAIL_PATH) {
                (csrf_field(view))
                (input(Input { field: Field::Email, name: "email", label: t.get(l, "details-new-email"), hint: Some(t.get(l, "details-new-email-hint")), kind: "email", autocomplete: "email" }, shown))
                button type="submit" { (t.get(l, "details-send-code")) }
            }
        }
        section #address {
            h2 { (t.get(l, "details-address")) }
            form method="post" action=(ADDRESS_PATH) {
                (csrf_field(view))
                (input(Input { field: Field::Street, name: "street", label: t.get(l, "details-street"), hint: None, kind: "text", autocomplete: "address-line1" }, shown))
                (input(Input { field: Field::Postcode, name: "postcode", label: t.get(l, "details-postcode"), hint: None, kind: "text", autocomplete: "postal-code" }, shown))
                (input(Input { field: Field::City, name: "city", label: t.get(l, "details-city"), hint: None, kind: "text", autocomplete: "address-level2" }, shown))
                (input(Input { field: Field::Country, name: "country", label: t.get(l, "details-country"), hint: Some(t.get(l, "details-country-hint")), kind: "text", autocomplete: "country" }, shown))
                button type="submit" { (t.get(l, "details-save-address")) }
            }
        }
        (back_link(t, l))
    }
}

fn respond(
    ctx: &AppContext,
    view: &DebtorView,
    status: StatusCode,
    shown: &Shown<'_>,
) -> HttpResponse {
    page(
        ctx,
        view,
        PATH,
        "details-title",
        status,
        body(&ctx.texts, view, shown, ctx.clock.now()),
    )
}

/// What was just done, from the address the form redirected to.
fn done_from(req: &HttpRequest) -> Option<&'static str> {
    let query = req.query_string();
    [
        ("done=code", "details-done-code"),
        ("done=phone", "details-done-phone"),
        ("done=email", "details-done-email"),
        ("done=address", "details-done-address"),
    ]
    .into_iter()
    .find(|(q, _)| query == *q)
    .map(|(_, id)| id)
}

async fn show(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
) -> HttpResponse {
    let view = match load(&req, &ctx, &state).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let shown = Shown {
        done: done_from(&req),
        ..Shown::default()
    };
    respond(&ctx, &view, StatusCode::OK, &shown)
}

fn done(what: &str, anchor: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", format!("{PATH}?done={what}#{anchor}")))
        .finish()
}

/// The refusal in the debtor's words, on its field; `None` for what is not the debtor's to fix.
fn refusal(
    ctx: &AppContext,
    view: &DebtorView,
    channel: Option<Channel>,
    error: &ContactUpdateError,
) -> Option<(Field, String)> {
    let (t, l) = (&ctx.texts, view.locale);
    let on_channel = match channel {
        Some(Channel::Email) => Field::Email,
        _ => Field::Phone,
    };
    Some(match error {
        ContactUpdateError::Contact(ContactError::InvalidEmail(_)) => {
            (Field::Email, t.get(l, "error-details-email"))
        }
        ContactUpdateError::Contact(ContactError::InvalidPhone(_))
        | ContactUpdateError::NotMobile => (Field::Phone, t.get(l, "error-details-phone")),
        ContactUpdateError::Request(RequestError::Unchanged) => {
            (on_channel, t.get(l, "error-details-same"))
        }
        ContactUpdateError::Request(RequestError::TooManyCodes { again_at }) => {
            let local = again_at.with_timezone(&view.creditor.jurisdiction.time_zone());
            let time = local
                .format(super::conversation::time_format(l))
                .to_string();
            let when = t.format(
                l,
                "conversation-at",
                &[("date", &t.date(l, local.date_naive())), ("time", &time)],
            );
            let max = MAX_CODES_PER_DAY.to_string();
            (
                on_channel,
                t.format(
                    l,
                    "error-details-too-many",
                    &[("max", &max), ("when", &when)],
                ),
            )
        }
        ContactUpdateError::Confirm(ConfirmError::Wrong { left }) => (
            Field::Code,
            t.format(
                l,
                "error-details-code-wrong",
                &[("left", &left.to_string())],
            ),
        ),
        ContactUpdateError::Confirm(ConfirmError::Malformed) => {
            (Field::Code, t.get(l, "error-details-code-format"))
        }
        ContactUpdateError::Confirm(ConfirmError::Expired | ConfirmError::NothingWaiting) => {
            // No code field once nothing waits: the error leads to where a new code is asked
            // for, on the channel of the change that ended.
            let ended_on = view
                .case
                .contact_changes
                .pending
                .as_ref()
                .map(|p| p.new.recipient().channel());
            let field = if view.case.contact_changes.live(ctx.clock.now()).is_some() {
                Field::Code
            } else if ended_on == Some(Channel::Email) {
                Field::Email
            } else {
                Field::Phone
            };
            (field, t.get(l, "error-details-code-expired"))
        }
        ContactUpdateError::Address(e) => match e {
            AddressError::Street(_) => (Field::Street, t.get(l, "error-details-street")),
            AddressError::Postcode => (Field::Postcode, t.get(l, "error-details-postcode")),
            AddressError::City(_) => (Field::City, t.get(l, "error-details-city")),
            AddressError::Country => (Field::Country, t.get(l, "error-details-country")),
        },
        ContactUpdateError::NotOpen
        | ContactUpdateError::Conflict
        | ContactUpdateError::Store(_) => return None,
    })
}

/// The answer to a refused form: the page again with what was typed and why, or what the
/// refusal means when it is not about the form.
fn refused(
    ctx: &AppContext,
    view: &DebtorView,
    channel: Option<Channel>,
    typed: Vec<(Field, &str)>,
    error: ContactUpdateError,
) -> HttpResponse {
    match refusal(ctx, view, channel, &error) {
        Some(error) => {
            let shown = Shown {
                typed,
                error: Some(error),
                done: None,
            };
            respond(ctx, view, StatusCode::UNPROCESSABLE_ENTITY, &shown)
        }
        None => match error {
            ContactUpdateError::Store(e) => unavailable(ctx, &e),
            ContactUpdateError::Conflict => unavailable(ctx, &"the case kept changing"),
            _ => see_case(),
        },
    }
}

async fn new_contact(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
    channel: Channel,
) -> HttpResponse {
    let (view, fields) =
        match posted(&req, &ctx, &state, &body, |v| v.case.debtor_pages_open()).await {
            Ok(posted) => posted,
            Err(response) => return response,
        };
    let (name, field_kind) = match channel {
        Channel::Sms => ("phone", Field::Phone),
        Channel::Email => ("email", Field::Email),
    };
    let typed = field(&fields, name).unwrap_or_default();
    let requested = match contact_update::parse_new_contact(channel, typed) {
        Ok(new) => contact_update::request_change(&ctx, &view.case.id, new, ctx.clock.now()).await,
        Err(e) => Err(e),
    };
    match requested {
        Ok(_) => done("code", "code"),
        Err(e) => refused(&ctx, &view, Some(channel), vec![(field_kind, typed)], e),
    }
}

async fn new_phone(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
) -> HttpResponse {
    new_contact(req, ctx, state, body, Channel::Sms).await
}

async fn new_email(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
) -> HttpResponse {
    new_contact(req, ctx, state, body, Channel::Email).await
}

async fn code(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
) -> HttpResponse {
    let (view, fields) =
        match posted(&req, &ctx, &state, &body, |v| v.case.debtor_pages_open()).await {
            Ok(posted) => posted,
            Err(response) => return response,
        };
    let typed = field(&fields, "code").unwrap_or_default();
    let waiting = view
        .case
        .contact_changes
        .pending
        .as_ref()
        .map(|p| p.new.field());
    match contact_update::confirm(&ctx, &view.case.id, typed, ctx.clock.now()).await {
        Ok(_) => {
            // Back where the changed contact is shown (its section has the field's name).
            let changed = waiting.unwrap_or("phone");
            done(changed, changed)
        }
        Err(e) => {
            // The page shows the wait as it now is (a wrong code counted, or it ended).
            let view = match load(&req, &ctx, &state).await {
                Ok(v) => v,
                Err(r) => return r,
            };
            refused(&ctx, &view, None, vec![(Field::Code, typed)], e)
        }
    }
}

async fn address(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
) -> HttpResponse {
    let (view, fields) =
        match posted(&req, &ctx, &state, &body, |v| v.case.debtor_pages_open()).await {
            Ok(posted) => posted,
            Err(response) => return response,
        };
    let get = |name| field(&fields, name).unwrap_or_default();
    let typed = [get("street"), get("postcode"), get("city"), get("country")];
    match contact_update::save_address(&ctx, &view.case.id, typed, ctx.clock.now()).await {
        Ok(_) => done("address", "address"),
        Err(e) => {
            let kept = vec![
                (Field::Street, typed[0]),
                (Field::Postcode, typed[1]),
                (Field::City, typed[2]),
                (Field::Country, typed[3]),
            ];
            refused(&ctx, &view, None, kept, e)
        }
    }
}
