//! The demo's data: one creditor and agency from `config/demo.toml`, one open case, one SMS,
//! taken in through the same use cases as the agency API; the case's journey timeline. (No
//! reminder fee on the claim: the case is not due yet, and its journey charges the fee.)

use chrono::Duration;

use super::AppContext;
use crate::domain::case::ClaimKind;
use crate::domain::ids::ExternalRef;
use crate::domain::message::{Channel, Template};
use crate::domain::staff::{Role, StaffScope};
use crate::service::cases::{self, CaseIntake, ClaimLineIntake, DebtorIntake, Upserted};
use crate::service::journey::{self, PlannedStep};
use crate::service::{messages, staff};

/// The demo agency's API key; public on purpose, and only accepted by the demo profile.
pub const API_KEY: &str = "ik_demo_innfri_public_key";

/// The demo's staff logins: an agency handler and the demo creditor's user.
const HANDLER_EMAIL: &str = "handler@demo.innfri.no";
const CREDITOR_EMAIL: &str = "creditor@demo.innfri.no";

/// A demo staff login to print: e-mail, password, TOTP secret and what it is.
pub struct DemoLogin {
    pub email: String,
    pub password: String,
    pub totp_secret: String,
    pub role: String,
}

/// The demo case's reference.
const EXTERNAL_REF: &str = "DEMO-2026-0001";

/// The demo case as the demo shows it: a fresh link to its page and its journey's timeline.
pub struct DemoCase {
    pub link: String,
    /// One line per notice, sent and planned (empty when the creditor has no journey).
    pub timeline: Vec<String>,
}

/// Creates the demo case (if the store does not have it yet), queues its reminder SMS and
/// returns a fresh link to its page with its journey's timeline.
pub async fn seed(ctx: &AppContext) -> anyhow::Result<DemoCase> {
    let link = seed_case(ctx).await?;
    let now = ctx.clock.now();
    let case = match ctx.store.case(&link.1).await? {
        Some(case) => case,
        None => anyhow::bail!("the demo case went missing"),
    };
    let timeline = match ctx.creditor(&case.creditor_id).await? {
        Some(creditor) => timeline_lines(&journey::timeline(&creditor, &case, now)),
        None => Vec::new(),
    };
    Ok(DemoCase {
        link: link.0,
        timeline,
    })
}

/// The timeline as the demo prints it: day, step, kind, fee and deadline.
pub fn timeline_lines(steps: &[PlannedStep]) -> Vec<String> {
    steps
        .iter()
        .map(|s| {
            let fee = s
                .fee
                .map(|f| format!(", fee {} {}", f.to_plain_string(), f.currency()))
                .unwrap_or_default();
            let deadline = s
                .deadline
                .map(|d| format!(", pay by {d}"))
                .unwrap_or_default();
            format!(
                "{}  {:<8} {} ({}){fee}{deadline}",
                s.day, s.state, s.step, s.kind
            )
        })
        .collect()
}

async fn seed_case(ctx: &AppContext) -> anyhow::Result<(String, crate::domain::ids::CaseId)> {
    let agency = ctx
        .config
        .agencies
        .values()
        .next()
        .ok_or_else(|| anyhow::anyhow!("the demo needs an agency in config/demo.toml"))?;
    let creditor_id = agency
        .creditors
        .first()
        .ok_or_else(|| anyhow::anyhow!("the demo agency needs a creditor"))?;
    if !ctx.config.creditors.contains_key(creditor_id) {
        anyhow::bail!("creditor {creditor_id} is not configured");
    }
    let external_ref = ExternalRef::parse(EXTERNAL_REF)?;
    let now = ctx.clock.now();
    if let Some(case) = ctx.store.case_by_ref(&agency.id, &external_ref).await? {
        return Ok((ctx.issue_case_link(&case.id).await?, case.id));
    }
    let line = |kind, description: &str, amount: &str| ClaimLineIntake {
        kind,
        description: description.into(),
        amount: serde_json::Value::String(amount.into()),
    };
    let intake = CaseIntake {
        external_ref: EXTERNAL_REF.into(),
        creditor_id: creditor_id.to_string(),
        debtor: DebtorIntake {
            name: "Kari Nordmann".into(),
            phone: Some("+47 912 34 567".into()),
            email: Some("kari.nordmann@example.no".into()),
            locale: Some("nb".into()),
            postcode: None,
            birth_date: None,
        },
        claim: vec![
            line(
                ClaimKind::Principal,
                "Strøm oktober, faktura 104233",
                "1890.00",
            ),
            line(ClaimKind::Interest, "Forsinkelsesrente 12 %", "18.65"),
        ],
        due_date: (now + Duration::days(14)).format("%Y-%m-%d").to_string(),
        notices_sent: None,
    };
    let case = match cases::upsert(ctx, &agency.id, intake, now).await? {
        Upserted::Created(case) => {
            messages::schedule(ctx, &case, Channel::Sms, Template::Reminder, None, now).await?;
            case
        }
        Upserted::Updated(case) | Upserted::Unchanged(case) => case,
    };
    Ok((ctx.issue_case_link(&case.id).await?, case.id))
}

/// Makes (or resets) the demo's console logins: a handler of the demo agency and a user of its
/// creditor, each with a new password and TOTP secret.
pub async fn staff_logins(ctx: &AppContext) -> anyhow::Result<Vec<DemoLogin>> {
    let agency = ctx
        .config
        .agencies
        .values()
        .next()
        .ok_or_else(|| anyhow::anyhow!("the demo needs an agency in config/demo.toml"))?;
    let creditor = agency
        .creditors
        .first()
        .ok_or_else(|| anyhow::anyhow!("the demo agency needs a creditor"))?;
    let now = ctx.clock.now();
    let scopes = [
        (
            HANDLER_EMAIL,
            StaffScope::Agency {
                agency: agency.id.clone(),
                role: Role::Handler,
            },
        ),
        (
            CREDITOR_EMAIL,
            StaffScope::Creditor {
                creditor: creditor.clone(),
            },
        ),
    ];
    let mut logins = Vec::new();
    for (email, scope) in scopes {
        let (user, password) = staff::demo_user(ctx, email, scope, now).await?;
        logins.push(DemoLogin {
            email: user.email.to_string(),
            password,
            totp_secret: user.totp_secret.clone(),
            role: user.scope.describe(),
        });
    }
    Ok(logins)
}
