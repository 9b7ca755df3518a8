//! `[retention]`: how long data is kept and how often the erasure runs.

use super::Issues;
use crate::config::Settings;
use crate::domain::retention::valid_days;

pub(super) fn check(settings: &Settings, issues: &mut Issues<'_>) {
    let r = &settings.retention;
    for (field, days) in [
        ("retention.erase_after_days", r.erase_after_days),
        ("retention.events_days", r.events_days),
    ] {
        if !valid_days(days) {
            issues.add(field, "must be between 1 and 3650 days");
        }
    }
    if r.run_every_minutes == 0 || r.run_every_minutes > 24 * 60 {
        issues.add("retention.run_every_minutes", "must be between 1 and 1440");
    }
}
