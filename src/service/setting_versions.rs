//! Who is changing a creditor's mandate or journey and whether the creditor's policy lets
//! them, and reading the versions: the part the mandate and journey use cases share.

use crate::context::AppContext;
use crate::domain::creditor::Creditor;
use crate::domain::ids::{AgencyId, CreditorId};
use crate::domain::setting_history::{ChangedBy, Version};
use crate::domain::staff::StaffUser;
use crate::store::StoreError;
use crate::tenants::Setting;

/// Who asks for a change.
#[derive(Debug, Clone)]
pub enum Changer {
    /// An agency acting for the creditor, through the API with the key of this public id.
    Agency {
        agency: AgencyId,
        key_id: Option<String>,
    },
    /// A staff user in the console.
    Staff(Box<StaffUser>),
}

impl Changer {
    /// How the version records who made it.
    pub fn changed_by(&self) -> ChangedBy {
        match self {
            Changer::Agency { agency, key_id } => ChangedBy::Agency {
                agency: agency.clone(),
                key_id: key_id.clone(),
            },
            Changer::Staff(user) => ChangedBy::Staff {
                user: user.id.clone(),
            },
        }
    }

    /// For the log: never an address.
    pub fn describe(&self) -> String {
        match self {
            Changer::Agency { agency, .. } => format!("agency {agency}"),
            Changer::Staff(user) => format!("staff user {}", user.id),
        }
    }
}

/// Whether `who` may change `creditor`'s mandate and journey: by the creditor's
/// `changes_by` (its own users always; agencies and their admins only when named).
pub async fn may_change(
    ctx: &AppContext,
    who: &Changer,
    creditor: &Creditor,
) -> Result<bool, StoreError> {
    match who {
        Changer::Agency { agency, .. } => Ok(creditor.changes_by.allows_agency(agency)),
        Changer::Staff(user) => {
            let acts_for = match &user.scope {
                crate::domain::staff::StaffScope::Agency { agency, .. } => ctx
                    .agency(agency)
                    .await?
                    .is_some_and(|a| a.acts_for(&creditor.id)),
                crate::domain::staff::StaffScope::Creditor { .. } => false,
            };
            Ok(!user.disabled
                && creditor
                    .changes_by
                    .allows_staff(&user.scope, &creditor.id, acts_for))
        }
    }
}

/// Every version of `creditor`'s `T` (mandate or journey), oldest first; the last is in force.
pub async fn versions<T: Setting>(
    ctx: &AppContext,
    creditor: &CreditorId,
) -> Result<Vec<Version<T>>, StoreError> {
    ctx.tenants.history::<T>(&ctx.config, creditor).await
}

/// Version `number` of `creditor`'s `T`, if there is one.
pub async fn version<T: Setting>(
    ctx: &AppContext,
    creditor: &CreditorId,
    number: u32,
) -> Result<Option<Version<T>>, StoreError> {
    Ok(versions::<T>(ctx, creditor)
        .await?
        .into_iter()
        .find(|v| v.number == number))
}

/// Records on a decision about a debtor's request the mandate version it was made under:
/// in the audit lines the decision added to `case` (those after the first `audit_before`)
/// and as `mandate_version` in its event's data (evidence if the decision is questioned).
pub fn note_mandate_version(
    case: &mut crate::domain::case::Case,
    audit_before: usize,
    version: u32,
    data: &mut serde_json::Value,
) {
    for entry in case.audit.iter_mut().skip(audit_before) {
        entry.detail = format!("{} (mandate version {version})", entry.detail);
    }
    if let Some(map) = data.as_object_mut() {
        map.insert("mandate_version".into(), serde_json::json!(version));
    }
}
