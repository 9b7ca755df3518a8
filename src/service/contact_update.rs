//! The debtor updates how they are reached, from the case page: a postal address is saved at
//! once; a new phone number or e-mail address gets a code sent to it through the message queue
//! and takes effect when the code is typed back. Each change is an audit line and a
//! `contact.updated` event naming what changed, never the value.

use chrono::{DateTime, Utc};

use super::retry::{self, Attempt, written};
use crate::context::AppContext;
use crate::domain::case::Case;
use crate::domain::contact::{ContactError, EmailAddress, PhoneNumber};
use crate::domain::contact_change::{
    AddressError, ConfirmError, NewContact, PostalAddress, RequestError,
};
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::CaseId;
use crate::domain::message::{Channel, Message, Template};
use crate::links::LinkKeys;
use crate::store::StoreError;

/// Why a change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ContactUpdateError {
    /// Gone, closed or erased: the debtor's pages do not open for it.
    #[error("no case the debtor can change")]
    NotOpen,
    #[error("{field}: {0}", field = .0.field())]
    Address(AddressError),
    #[error("contact: {0}")]
    Contact(ContactError),
    /// A number that cannot take SMS (a landline).
    #[error("contact: the number cannot receive SMS")]
    NotMobile,
    #[error("contact: {0}")]
    Request(RequestError),
    #[error("code: {0}")]
    Confirm(ConfirmError),
    #[error("the case kept changing")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The case `id` as the debtor may change it.
fn changeable(case: Option<Case>) -> Result<Case, ContactUpdateError> {
    case.filter(|c| c.debtor_pages_open())
        .ok_or(ContactUpdateError::NotOpen)
}

fn updated_event(case: &Case, changed: &str, now: DateTime<Utc>) -> Event {
    Event::new(
        case.agency_id.clone(),
        Some(case.id.clone()),
        EventKind::ContactUpdated,
        serde_json::json!({
            "case_id": case.id,
            "external_ref": case.external_ref,
            "changed": changed,
            "by": "debtor",
        }),
        now,
    )
}

/// Saves the postal address the debtor typed.
pub async fn save_address(
    ctx: &AppContext,
    case_id: &CaseId,
    typed: [&str; 4],
    now: DateTime<Utc>,
) -> Result<Case, ContactUpdateError> {
    let [street, postcode, city, country] = typed;
    let address = PostalAddress::parse(street, postcode, city, country)
        .map_err(ContactUpdateError::Address)?;
    let address = &address;
    let done = retry::on_conflict::<Case, ContactUpdateError, _, _>(|| async move {
        let mut case = changeable(ctx.store.case(case_id).await?)?;
        if case.contact_changes.postal_address.as_ref() == Some(address) {
            return Ok(Attempt::Done(case));
        }
        case.take_postal_address(address.clone(), now);
        let event = updated_event(&case, "postal_address", now);
        Ok(written(
            ctx.store.update_case_with_events(&case, &[event]).await,
        )?)
    })
    .await?;
    let case = done.ok_or(ContactUpdateError::Conflict)?;
    tracing::info!(case = %case.id, "the debtor saved a postal address");
    Ok(case)
}

/// What the debtor typed as a new way to be reached on `channel`.
pub fn parse_new_contact(channel: Channel, raw: &str) -> Result<NewContact, ContactUpdateError> {
    match channel {
        Channel::Sms => {
            let phone = PhoneNumber::parse(raw).map_err(ContactUpdateError::Contact)?;
            if !phone.is_mobile() {
                return Err(ContactUpdateError::NotMobile);
            }
            Ok(NewContact::Phone(phone))
        }
        Channel::Email => EmailAddress::parse(raw)
            .map(NewContact::Email)
            .map_err(ContactUpdateError::Contact),
    }
}

/// Starts a change to `new`: the change waits on the case and the code is queued to the new
/// address (after the case is written, so the worker finds what it proves). Returns the
/// message that carries the code.
pub async fn request_change(
    ctx: &AppContext,
    case_id: &CaseId,
    new: NewContact,
    now: DateTime<Utc>,
) -> Result<Message, ContactUpdateError> {
    let new = &new;
    let done = retry::on_conflict::<(Case, Message), ContactUpdateError, _, _>(|| async move {
        let mut case = changeable(ctx.store.case(case_id).await?)?;
        let to = new.recipient();
        let message = Message::schedule(
            case.id.clone(),
            case.agency_id.clone(),
            to.clone(),
            Template::ContactCode,
            now,
            now,
        );
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let (key_id, _) = ctx
            .config
            .link_keys
            .contact_code(&new.signed_text(case.id.as_str(), &nonce));
        let current = case.contact_on(to.channel());
        case.contact_changes
            .request(
                new.clone(),
                current.as_ref(),
                nonce,
                key_id,
                message.id.clone(),
                now,
            )
            .map_err(ContactUpdateError::Request)?;
        case.updated_at = now;
        case.record(
            crate::domain::event::Actor::Debtor,
            "contact.code_requested",
            new.field(),
            now,
        );
        Ok(match written(ctx.store.update_case(&case).await)? {
            Attempt::Done(case) => Attempt::Done((case, message)),
            Attempt::Conflicted => Attempt::Conflicted,
        })
    })
    .await?;
    let (case, message) = done.ok_or(ContactUpdateError::Conflict)?;
    ctx.store.schedule_message(&message).await?;
    tracing::info!(case = %case.id, message_id = %message.id, to = %message.recipient.masked(), "contact code queued");
    Ok(message)
}

/// The code of the change waiting on `case`, as the message to the new address carries it;
/// `None` when none waits or its key is gone.
pub fn code_for(keys: &LinkKeys, case: &Case) -> Option<String> {
    let pending = case.contact_changes.pending.as_ref()?;
    keys.contact_code_with(
        pending.key_id,
        &pending.new.signed_text(case.id.as_str(), &pending.nonce),
    )
}

/// The debtor types the code back: a right one makes the new number or address the case's, a
/// wrong one counts toward the limit (written too, so retyping cannot get round it).
pub async fn confirm(
    ctx: &AppContext,
    case_id: &CaseId,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Case, ContactUpdateError> {
    let keys = &ctx.config.link_keys;
    let done = retry::on_conflict::<
        Result<(Case, Option<Message>), ConfirmError>,
        ContactUpdateError,
        _,
        _,
    >(|| async move {
        let mut case = changeable(ctx.store.case(case_id).await?)?;
        let id = case.id.as_str().to_owned();
        let outcome = case.contact_changes.confirm(
            typed,
            |p| keys.contact_code_with(p.key_id, &p.new.signed_text(&id, &p.nonce)),
            now,
        );
        let mut notice = None;
        let events = match &outcome {
            Ok(new) => {
                let field = new.field();
                // The address given up hears of the change: a change the debtor did
                // not make (someone else holding the link) does not go unnoticed.
                notice = case.take_contact(new.clone(), now).map(|old| {
                    Message::schedule(
                        case.id.clone(),
                        case.agency_id.clone(),
                        old,
                        Template::ContactChanged,
                        now,
                        now,
                    )
                });
                if let Some(notice) = &notice {
                    // Queued before the change is written, so a crash after the write cannot
                    // lose it; the worker sends it only once the case names it (a write that
                    // lost or failed leaves a notice that is cancelled).
                    ctx.store.schedule_message(notice).await?;
                    case.contact_changes.change_notices.push(notice.id.clone());
                }
                vec![updated_event(&case, field, now)]
            }
            // A wrong code is counted; nothing else is written.
            Err(ConfirmError::Wrong { .. }) | Err(ConfirmError::Expired)
                if case.contact_changes.pending.is_some() =>
            {
                case.updated_at = now;
                Vec::new()
            }
            Err(e) => return Ok(Attempt::Done(Err(*e))),
        };
        Ok(
            match written(ctx.store.update_case_with_events(&case, &events).await)? {
                Attempt::Done(case) => Attempt::Done(outcome.map(|_| (case, notice))),
                Attempt::Conflicted => Attempt::Conflicted,
            },
        )
    })
    .await?;
    let (case, notice) = done
        .ok_or(ContactUpdateError::Conflict)?
        .map_err(ContactUpdateError::Confirm)?;
    tracing::info!(case = %case.id, "the debtor confirmed a new contact");
    // The debtor's other cases are found by the new address, no longer by the one given up.
    super::debtor_cases::follow_contact(ctx, None, &case).await;
    if let Some(old) = notice.as_ref().map(|n| &n.recipient)
        && !super::debtor_cases::addresses(&case.debtor).contains(old)
    {
        super::debtor_cases::forget(ctx, &case.agency_id, old, &case.id).await;
    }
    if let Some(notice) = notice {
        tracing::info!(case = %case.id, message_id = %notice.id, to = %notice.recipient.masked(), "the replaced contact is told of the change");
    }
    Ok(case)
}
