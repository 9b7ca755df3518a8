//! Creditors and the agencies (tenants) that collect for them.

use serde::{Deserialize, Deserializer, Serialize};

use super::bank_account::BankAccountNumber;
use super::ids::{AgencyId, CreditorId};
use super::journey::Journey;
use super::kid::KidAlgorithm;
use super::mandate::Mandate;
use super::message::{EmailProviderKind, SmsProviderKind};
use super::money::Currency;

/// Norwegian organisation number: 9 digits, MOD11 with weights 3,2,7,6,5,4,3,2.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct OrgNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgNumberError {
    #[error("must be 9 digits")]
    Format,
    #[error("has a wrong check digit")]
    CheckDigit,
}

impl OrgNumber {
    pub fn parse(text: &str) -> Result<OrgNumber, OrgNumberError> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OrgNumberError::Format);
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = [3, 2, 7, 6, 5, 4, 3, 2]
            .iter()
            .zip(&d)
            .map(|(w, x)| w * x)
            .sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => return Err(OrgNumberError::CheckDigit),
            r => r,
        };
        if check != d[8] {
            return Err(OrgNumberError::CheckDigit);
        }
        Ok(OrgNumber(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for OrgNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        OrgNumber::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// The legal system whose rule pack applies to a creditor's cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Jurisdiction {
    #[serde(rename = "NO")]
    Norway,
}

impl Jurisdiction {
    /// Every jurisdiction innfri has a law pack for.
    pub const ALL: [Jurisdiction; 1] = [Jurisdiction::Norway];

    /// The code creditor files use (`jurisdiction = "NO"`).
    pub fn code(self) -> &'static str {
        match self {
            Jurisdiction::Norway => "NO",
        }
    }

    /// The section of the configuration with additions to its law pack (`[law.no]`).
    pub fn config_section(self) -> &'static str {
        match self {
            Jurisdiction::Norway => "law.no",
        }
    }

    pub fn time_zone(self) -> chrono_tz::Tz {
        match self {
            Jurisdiction::Norway => chrono_tz::Europe::Oslo,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Creditor {
    pub id: CreditorId,
    pub name: String,
    pub org_number: OrgNumber,
    pub bank_account: BankAccountNumber,
    pub kid_algorithm: KidAlgorithm,
    pub currency: Currency,
    pub jurisdiction: Jurisdiction,
    /// Digits of the running number inside each KID (the check digit comes on top).
    pub kid_length: usize,
    pub mandate: Mandate,
    /// Online ways to pay the creditor offers besides bank transfer (each needs its provider
    /// configured under `[payments]`).
    pub online_payments: Vec<OnlineMethod>,
    #[serde(default)]
    pub messaging: CreditorMessaging,
    /// Days after a case was paid or closed before its personal data is erased; `None`: the
    /// installation's `retention.erase_after_days`.
    #[serde(default)]
    pub erase_after_days: Option<u32>,
    /// The notices innfri sends by itself after the due date; empty: none.
    #[serde(default)]
    pub journey: Journey,
    /// Who computes late-payment interest: the agency sends interest lines (as before), or
    /// innfri accrues it on the principal from the original due date.
    #[serde(default)]
    pub interest: InterestAccrual,
    /// Late-payment interest rates the configuration adds to its law pack's table
    /// (`[law.no] late_interest`), filled in when the configuration is loaded.
    #[serde(skip)]
    pub late_interest: Vec<super::interest::RatePeriod>,
    /// Who besides the creditor's own users may change its mandate and journey.
    #[serde(default)]
    pub changes_by: super::setting_history::ChangePolicy,
    /// The number of the mandate version in force (1: the configuration's); decisions on
    /// debtors' requests record it.
    #[serde(default = "first_version")]
    pub mandate_version: u32,
}

fn first_version() -> u32 {
    1
}

impl Creditor {
    /// The late-payment interest rates of the creditor's law: the built-in table with the
    /// configured additions.
    pub fn late_interest_rates(&self) -> super::interest::RateTable {
        super::jurisdiction::law(self.jurisdiction).late_interest_rates(&self.late_interest)
    }

    /// The creditor's calendar day at `now` (its jurisdiction's time zone).
    pub fn today(&self, now: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
        now.with_timezone(&self.jurisdiction.time_zone())
            .date_naive()
    }

    /// How a balance of this creditor's is counted on `day`: with the interest innfri accrues
    /// when the creditor has it do so, otherwise the claim less the payments.
    pub fn owed_on(&self, day: chrono::NaiveDate) -> super::ledger::OwedOn {
        super::ledger::OwedOn {
            day,
            rates: (self.interest == InterestAccrual::Innfri).then(|| self.late_interest_rates()),
        }
    }
}
/// Who computes a creditor's late-payment interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterestAccrual {
    /// The agency sends interest as claim lines; innfri adds none.
    #[default]
    Agency,
    /// innfri accrues simple interest at the statutory rate (`domain::interest`).
    Innfri,
}

/// How this creditor's debtors are reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditorMessaging {
    /// Overrides the installation's SMS provider for this creditor.
    pub sms_provider: Option<SmsProviderKind>,
    /// Overrides the installation's e-mail provider for this creditor.
    pub email_provider: Option<EmailProviderKind>,
    /// When a number is undeliverable (or an address bounces) and the debtor has the other
    /// kind of contact, the same message goes there instead.
    pub channel_fallback: bool,
}

impl Default for CreditorMessaging {
    fn default() -> CreditorMessaging {
        CreditorMessaging {
            sms_provider: None,
            email_provider: None,
            channel_fallback: true,
        }
    }
}

/// An online way to pay on the case page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineMethod {
    /// Vipps MobilePay: how most Norwegians pay a person or a bill from the phone.
    Vipps,
    /// Card, through a hosted checkout page.
    Card,
}

impl OnlineMethod {
    pub fn parse(text: &str) -> Option<OnlineMethod> {
        match text {
            "vipps" => Some(OnlineMethod::Vipps),
            "card" => Some(OnlineMethod::Card),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OnlineMethod::Vipps => "vipps",
            OnlineMethod::Card => "card",
        }
    }
}

/// A tenant: a collection agency, or a creditor collecting its own claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub id: AgencyId,
    pub name: String,
    pub creditors: Vec<CreditorId>,
}

/// An agency's phone, e-mail and opening hours as its debtors read them (`[agencies.contact]`,
/// checked when the configuration is loaded).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyContact {
    /// As it is written for people, e.g. "22 00 00 00".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// e.g. "Hverdager 08–16" / "Weekdays 8–16".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_hours: Option<String>,
}

impl AgencyContact {
    pub fn is_empty(&self) -> bool {
        self.phone.is_none() && self.email.is_none() && self.opening_hours.is_none()
    }
}

impl Agency {
    pub fn acts_for(&self, creditor: &CreditorId) -> bool {
        self.creditors.contains(creditor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_organisation_number_passes_and_a_changed_digit_fails() {
        // 974760673 is Brønnøysundregistrene's own number.
        assert!(OrgNumber::parse("974 760 673").is_ok());
        assert_eq!(
            OrgNumber::parse("974760674"),
            Err(OrgNumberError::CheckDigit)
        );
        assert_eq!(OrgNumber::parse("97476067"), Err(OrgNumberError::Format));
    }

    #[test]
    fn norway_uses_oslo_time() {
        assert_eq!(Jurisdiction::Norway.time_zone(), chrono_tz::Europe::Oslo);
    }
}
