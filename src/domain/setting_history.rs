//! Versions of a creditor's mandate and journey (who changed them, when, and what each said),
//! who may change them (the creditor's choice), and a field-by-field comparison of two versions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::ids::AgencyId;
use super::staff::{Role, StaffScope, StaffUserId};

/// Who made a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangedBy {
    /// The creditor's configuration file: version 1.
    Configuration,
    /// Saved before versions were kept: who and when are not known.
    Unrecorded,
    /// An agency through the API, with the public id of the key it used.
    Agency {
        agency: AgencyId,
        key_id: Option<String>,
    },
    /// A staff user in the console, by id.
    Staff { user: StaffUserId },
}

/// One version of a setting (`T`: a mandate or a journey), as in force from `at` on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version<T> {
    /// 1 for what the configuration said, counting up with each change.
    pub number: u32,
    pub by: ChangedBy,
    /// When it was made; `None` for the configuration's (and an unrecorded) version.
    pub at: Option<DateTime<Utc>>,
    pub content: T,
}

/// What to append to `history` (oldest first) so `content` is in force as version N+1: the
/// number of versions the history must still have when it is written (compare-and-set) and
/// the new versions. An empty history first gets `original` (what was in force: the
/// configuration's, or one saved before versions were kept) as version 1, so it can be
/// compared with and restored.
pub fn next_versions<T: Clone>(
    history: &[Version<T>],
    original: (&T, ChangedBy),
    content: &T,
    by: ChangedBy,
    at: DateTime<Utc>,
) -> (u32, Vec<Version<T>>) {
    let after = u32::try_from(history.len()).unwrap_or(u32::MAX);
    let mut new = Vec::new();
    if history.is_empty() {
        new.push(Version {
            number: 1,
            by: original.1,
            at: None,
            content: original.0.clone(),
        });
    }
    let number = history.last().map_or(1, |v| v.number) + 1;
    new.push(Version {
        number,
        by,
        at: Some(at),
        content: content.clone(),
    });
    (after, new)
}

/// Who besides the creditor's own users may change its mandate and journey: `changes_by =
/// "creditor"` (nobody else, the default) or a list of agency ids (`["nordic-inkasso"]`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ChangePolicy {
    pub agencies: Vec<AgencyId>,
}

impl<'de> Deserialize<'de> for ChangePolicy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ChangePolicy, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Word(String),
            Agencies(Vec<String>),
        }
        match Raw::deserialize(d)? {
            Raw::Word(word) if word == "creditor" => Ok(ChangePolicy::default()),
            Raw::Word(other) => Err(serde::de::Error::custom(format!(
                "'{other}' is not \"creditor\" nor a list of agency ids"
            ))),
            Raw::Agencies(ids) => ids
                .iter()
                .map(|id| {
                    AgencyId::parse(id).map_err(|e| {
                        serde::de::Error::custom(format!("'{id}' is not an agency id: {e}"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|agencies| ChangePolicy { agencies }),
        }
    }
}

impl ChangePolicy {
    /// Whether `agency` (one acting for the creditor) may change the settings.
    pub fn allows_agency(&self, agency: &AgencyId) -> bool {
        self.agencies.contains(agency)
    }

    /// Whether a staff user with `scope` may change the settings of the creditor this policy
    /// is of (`acts_for`: whether the user's agency acts for that creditor): the creditor's
    /// own users, and admins of an agency the policy names. Handlers and viewers never.
    pub fn allows_staff(
        &self,
        scope: &StaffScope,
        creditor: &super::ids::CreditorId,
        acts_for: bool,
    ) -> bool {
        match scope {
            StaffScope::Creditor { creditor: own } => own == creditor,
            StaffScope::Agency { agency, role } => {
                *role == Role::Admin && acts_for && self.allows_agency(agency)
            }
        }
    }

    /// The policy as a reader sees it.
    pub fn describe(&self) -> String {
        if self.agencies.is_empty() {
            "the creditor's own users only".into()
        } else {
            let names: Vec<&str> = self.agencies.iter().map(|a| a.as_str()).collect();
            format!(
                "the creditor's own users and the admins of {}",
                names.join(", ")
            )
        }
    }
}

/// One field that differs between two versions: its path (`plan.max_months`,
/// `steps[2].fee`) and its value in each (`None`: not there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Every field whose value differs between `before` and `after` (two versions as JSON), in
/// path order.
pub fn compare(before: &serde_json::Value, after: &serde_json::Value) -> Vec<FieldChange> {
    let mut left = std::collections::BTreeMap::new();
    let mut right = std::collections::BTreeMap::new();
    flatten(before, String::new(), &mut left);
    flatten(after, String::new(), &mut right);
    let fields: std::collections::BTreeSet<&String> = left.keys().chain(right.keys()).collect();
    fields
        .into_iter()
        .filter_map(|field| {
            let (b, a) = (left.get(field), right.get(field));
            (b != a).then(|| FieldChange {
                field: field.clone(),
                before: b.cloned(),
                after: a.cloned(),
            })
        })
        .collect()
}

fn flatten(
    value: &serde_json::Value,
    at: String,
    out: &mut std::collections::BTreeMap<String, String>,
) {
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => {
            for (key, v) in map {
                let path = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                flatten(v, path, out);
            }
        }
        serde_json::Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                flatten(v, format!("{at}[{i}]"), out);
            }
        }
        serde_json::Value::String(s) => {
            out.insert(at, s.clone());
        }
        other => {
            out.insert(at, other.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::CreditorId;
    use serde_json::json;

    fn at(h: u32) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000 + i64::from(h) * 3600, 0).expect("time")
    }

    #[test]
    fn the_first_change_keeps_what_was_in_force_as_version_one() {
        let by = ChangedBy::Staff {
            user: StaffUserId::generate(),
        };
        let (after, new) = next_versions(
            &[],
            (&"file", ChangedBy::Configuration),
            &"new",
            by.clone(),
            at(1),
        );
        assert_eq!(after, 0);
        assert_eq!(new.len(), 2);
        assert_eq!(
            (new[0].number, new[0].content, new[0].at),
            (1, "file", None)
        );
        assert_eq!(new[0].by, ChangedBy::Configuration);
        assert_eq!((new[1].number, new[1].content), (2, "new"));
        assert_eq!((new[1].by.clone(), new[1].at), (by.clone(), Some(at(1))));

        let (after, later) = next_versions(
            &new,
            (&"file", ChangedBy::Configuration),
            &"third",
            by,
            at(2),
        );
        assert_eq!(after, 2);
        assert_eq!(later.len(), 1);
        assert_eq!((later[0].number, later[0].content), (3, "third"));
    }

    #[test]
    fn the_policy_reads_creditor_or_a_list_of_agencies() {
        let creditor: ChangePolicy = serde_json::from_value(json!("creditor")).expect("policy");
        assert_eq!(creditor, ChangePolicy::default());
        let listed: ChangePolicy = serde_json::from_value(json!(["agency-a"])).expect("policy");
        let a = AgencyId::parse("agency-a").expect("id");
        let b = AgencyId::parse("agency-b").expect("id");
        assert!(listed.allows_agency(&a));
        assert!(!listed.allows_agency(&b));
        assert!(!creditor.allows_agency(&a));
        assert!(serde_json::from_value::<ChangePolicy>(json!("everyone")).is_err());
        assert!(serde_json::from_value::<ChangePolicy>(json!(["Not An Id!"])).is_err());
    }

    #[test]
    fn only_the_creditor_s_users_and_allowed_admins_may_change() {
        let policy = ChangePolicy {
            agencies: vec![AgencyId::parse("agency-a").expect("id")],
        };
        let creditor = CreditorId::parse("nordlys-energi").expect("id");
        let other = CreditorId::parse("fjell-kraft").expect("id");
        let staff = |agency: &str, role| StaffScope::Agency {
            agency: AgencyId::parse(agency).expect("id"),
            role,
        };
        assert!(policy.allows_staff(
            &StaffScope::Creditor {
                creditor: creditor.clone()
            },
            &creditor,
            false
        ));
        assert!(!policy.allows_staff(&StaffScope::Creditor { creditor: other }, &creditor, false));
        assert!(policy.allows_staff(&staff("agency-a", Role::Admin), &creditor, true));
        assert!(!policy.allows_staff(&staff("agency-a", Role::Admin), &creditor, false));
        assert!(!policy.allows_staff(&staff("agency-a", Role::Handler), &creditor, true));
        assert!(!policy.allows_staff(&staff("agency-a", Role::Viewer), &creditor, true));
        assert!(!policy.allows_staff(&staff("agency-b", Role::Admin), &creditor, true));
    }

    #[test]
    fn comparing_names_each_changed_field_with_both_values() {
        let before =
            json!({"plan": {"max_months": 12, "allowed": true}, "steps": [{"fee": false}]});
        let after = json!({"plan": {"max_months": 6, "allowed": true}, "steps": [{"fee": false}, {"fee": true}], "x": "new"});
        assert_eq!(
            compare(&before, &after),
            vec![
                FieldChange {
                    field: "plan.max_months".into(),
                    before: Some("12".into()),
                    after: Some("6".into())
                },
                FieldChange {
                    field: "steps[1].fee".into(),
                    before: None,
                    after: Some("true".into())
                },
                FieldChange {
                    field: "x".into(),
                    before: None,
                    after: Some("new".into())
                },
            ]
        );
        assert!(compare(&before, &before).is_empty());
    }
}
