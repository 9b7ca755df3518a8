//! Creditor files (`config/mandates/*.toml`, one creditor each): reading them and turning
//! each into a [`Creditor`], every problem reported with the file and the field.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use figment::Figment;
use figment::providers::{Format, Toml};
use serde::Deserialize;

use super::journey::JourneyFile;
use super::settings::{EmailProviderKind, Settings, SmsProviderKind};
use super::{ConfigIssue, figment_issues};
use crate::domain::bank_account::BankAccountNumber;
use crate::domain::creditor::{
    Creditor, CreditorMessaging, InterestAccrual, Jurisdiction, OnlineMethod, OrgNumber,
};
use crate::domain::ids::CreditorId;
use crate::domain::journey::Journey;
use crate::domain::kid::KidAlgorithm;
use crate::domain::mandate::Mandate;
use crate::domain::money::Currency;
use crate::domain::setting_history::ChangePolicy;
use crate::i18n::Texts;

/// One creditor file: `[creditor]` with its identity and payment details.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreditorFile {
    creditor: CreditorSection,
    /// What may be granted without a person; every part defaults to "not allowed".
    #[serde(default)]
    mandate: Mandate,
    #[serde(default)]
    retention: CreditorRetention,
    /// The notices innfri sends by itself; none when left out.
    #[serde(default)]
    journey: JourneyFile,
}

/// A creditor's own retention, instead of the installation's `[retention]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreditorRetention {
    #[serde(default)]
    erase_after_days: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreditorSection {
    id: String,
    name: String,
    org_number: String,
    bank_account: String,
    kid_algorithm: KidAlgorithm,
    kid_length: usize,
    currency: String,
    jurisdiction: Jurisdiction,
    /// Online ways to pay offered on the case page: "vipps", "card".
    #[serde(default)]
    online_payments: Vec<OnlineMethod>,
    /// This creditor's SMS provider instead of messaging.sms_provider.
    #[serde(default)]
    sms_provider: Option<SmsProviderKind>,
    /// This creditor's e-mail provider instead of messaging.email_provider.
    #[serde(default)]
    email_provider: Option<EmailProviderKind>,
    /// Send by e-mail when the number is undeliverable, and by SMS when the address bounces.
    #[serde(default = "yes")]
    channel_fallback: bool,
    /// Who computes late-payment interest: "agency" (interest lines, the default) or "innfri".
    #[serde(default)]
    interest: InterestAccrual,
    /// Who besides the creditor's own users may change its mandate and journey: "creditor"
    /// (the default) or a list of agency ids.
    #[serde(default)]
    changes_by: ChangePolicy,
}

fn yes() -> bool {
    true
}

/// Every creditor file in `dir`, judged against the law as it stands on `today`, its journey
/// against the law and the shipped `texts` with the installation's `settings`.
pub(super) fn load_creditors(
    dir: &Path,
    today: NaiveDate,
    settings: &Settings,
    texts: Option<&Texts>,
    issues: &mut Vec<ConfigIssue>,
) -> HashMap<CreditorId, Creditor> {
    let mut creditors = HashMap::new();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) => {
            issues.push(ConfigIssue {
                origin: dir.display().to_string(),
                field: "creditors_dir".into(),
                message: format!("cannot read the folder: {e}"),
            });
            return creditors;
        }
    };
    files.sort();
    for path in files {
        let origin = path.display().to_string();
        let figment = Figment::from(Toml::file_exact(&path));
        let file: CreditorFile = match figment.extract() {
            Ok(f) => f,
            Err(e) => {
                for mut issue in figment_issues(e) {
                    issue.origin = origin.clone();
                    issues.push(issue);
                }
                continue;
            }
        };
        let jurisdiction = file.creditor.jurisdiction;
        let rates = crate::domain::jurisdiction::law(jurisdiction)
            .late_interest_rates(settings.late_interest(jurisdiction));
        let law_issues = file.mandate.check_with_rates(jurisdiction, today, &rates);
        if !law_issues.is_empty() {
            issues.extend(law_issues.into_iter().map(|i| ConfigIssue {
                origin: origin.clone(),
                field: format!("mandate.{}", i.field),
                message: i.message,
            }));
            continue;
        }
        if let Some(days) = file.retention.erase_after_days
            && !crate::domain::retention::valid_days(days)
        {
            issues.push(ConfigIssue {
                origin,
                field: "retention.erase_after_days".into(),
                message: "must be between 1 and 3650 days".into(),
            });
            continue;
        }
        let journey = match file.journey.into_journey() {
            Ok(journey) => journey,
            Err(found) => {
                issues.extend(found.into_iter().map(|(field, message)| ConfigIssue {
                    origin: origin.clone(),
                    field,
                    message,
                }));
                continue;
            }
        };
        match build_creditor(file.creditor, file.mandate, file.retention, journey) {
            Ok(mut creditor) => {
                creditor.late_interest = settings.late_interest(jurisdiction).to_vec();
                issues.extend(
                    super::validate::journeys::check(&creditor, settings, texts)
                        .into_iter()
                        .map(|(field, message)| ConfigIssue {
                            origin: origin.clone(),
                            field,
                            message,
                        }),
                );
                if creditors.contains_key(&creditor.id) {
                    issues.push(ConfigIssue {
                        origin,
                        field: "creditor.id".into(),
                        message: format!(
                            "creditor '{}' is defined in another file too",
                            creditor.id
                        ),
                    });
                } else {
                    creditors.insert(creditor.id.clone(), creditor);
                }
            }
            Err(found) => issues.extend(found.into_iter().map(|(field, message)| ConfigIssue {
                origin: origin.clone(),
                field: format!("creditor.{field}"),
                message,
            })),
        }
    }
    creditors
}

fn build_creditor(
    c: CreditorSection,
    mandate: Mandate,
    retention: CreditorRetention,
    journey: Journey,
) -> Result<Creditor, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let id = CreditorId::parse(&c.id)
        .map_err(|e| errors.push(("id", e.to_string())))
        .ok();
    let org = OrgNumber::parse(&c.org_number)
        .map_err(|e| errors.push(("org_number", e.to_string())))
        .ok();
    let account = BankAccountNumber::parse(&c.bank_account)
        .map_err(|e| errors.push(("bank_account", e.to_string())))
        .ok();
    let currency = Currency::parse(&c.currency)
        .map_err(|e| errors.push(("currency", e.to_string())))
        .ok();
    if c.name.trim().is_empty() {
        errors.push(("name", "must not be empty".into()));
    }
    if !(4..=20).contains(&c.kid_length) {
        errors.push(("kid_length", "must be between 4 and 20 digits".into()));
    }
    match (id, org, account, currency, errors.is_empty()) {
        (Some(id), Some(org_number), Some(bank_account), Some(currency), true) => Ok(Creditor {
            id,
            name: c.name,
            org_number,
            bank_account,
            kid_algorithm: c.kid_algorithm,
            currency,
            jurisdiction: c.jurisdiction,
            kid_length: c.kid_length,
            mandate,
            online_payments: c.online_payments,
            messaging: CreditorMessaging {
                sms_provider: c.sms_provider,
                email_provider: c.email_provider,
                channel_fallback: c.channel_fallback,
            },
            erase_after_days: retention.erase_after_days,
            journey,
            interest: c.interest,
            // Filled in by the caller from `[law.*]`.
            late_interest: Vec::new(),
            changes_by: c.changes_by,
            mandate_version: 1,
        }),
        _ => Err(errors),
    }
}
