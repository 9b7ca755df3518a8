//! `[law.*]`: the operator's additions to the law packs' date-effective tables.

use super::Issues;
use crate::config::Settings;
use crate::domain::jurisdiction::check_configured_law;

pub(super) fn check(settings: &Settings, issues: &mut Issues<'_>) {
    for (key, message) in check_configured_law(|j| settings.late_interest(j)) {
        issues.add(&key, message);
    }
}
