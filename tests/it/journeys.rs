//! Journeys in creditor files through the real loader: the demo journey passes, and each legal
//! rule, missing text, missing variable and too long SMS is refused with the file, the step's
//! setting and the rule named.

use std::path::PathBuf;

use innfri::config::ConfigSource;
use innfri::domain::journey::{StepKind, StepTiming};

use crate::common;
use crate::config::config_dir_with;

const FILE: &str = "mandates/nordlys-energi.toml";

/// The demo creditor with its `[journey]` replaced by `journey`.
fn with_journey(journey: &str) -> PathBuf {
    let journey = journey.to_owned();
    config_dir_with(move |creditor| {
        let head = creditor
            .split("\n# The notices innfri sends by itself")
            .next()
            .unwrap_or_default()
            .to_owned();
        format!("{head}\n{journey}\n")
    })
}

/// One `[[journey.steps]]`: `when` is `days_after_due = N` or `days_after_previous_deadline = N`.
fn step(id: &str, kind: &str, when: &str, text: &str, fee: bool, deadline: Option<u32>) -> String {
    let deadline = deadline.map_or(String::new(), |d| format!("deadline_days = {d}\n"));
    format!(
        "[[journey.steps]]\nid = \"{id}\"\nkind = \"{kind}\"\n{when}\nchannels = \"both\"\ntext = \"{text}\"\nfee = {fee}\n{deadline}\n"
    )
}

fn nudge() -> String {
    step(
        "nudge",
        "nudge",
        "days_after_due = 3",
        "journey-nudge",
        false,
        None,
    )
}

fn purring() -> String {
    step(
        "purring",
        "purring",
        "days_after_due = 14",
        "journey-purring",
        true,
        Some(14),
    )
}

fn varsel() -> String {
    step(
        "varsel",
        "inkassovarsel",
        "days_after_previous_deadline = 1",
        "journey-inkassovarsel",
        true,
        Some(14),
    )
}

fn oppfordring() -> String {
    step(
        "oppfordring",
        "betalingsoppfordring",
        "days_after_previous_deadline = 1",
        "journey-betalingsoppfordring",
        true,
        Some(14),
    )
}

fn load(dir: &PathBuf) -> Result<innfri::config::AppConfig, String> {
    ConfigSource::new(dir, Some("demo"))
        .load()
        .map_err(|e| e.to_string())
}

/// The errors of a journey, which must be refused.
fn refused(steps: &[String]) -> String {
    load(&with_journey(&steps.concat())).expect_err("refused")
}

/// Asserts one line names the file, the setting and the rule.
fn assert_names(errors: &str, field: &str, rule: &str) {
    let line = errors
        .lines()
        .find(|l| l.contains(&format!("{FILE}: {field}: ")) && l.ends_with(&format!("({rule})")));
    assert!(line.is_some(), "no {field} … ({rule}) in:\n{errors}");
}

#[test]
fn the_demo_journey_is_read_and_passes_every_check() {
    let config = load(&PathBuf::from(common::CONFIG_DIR)).expect("valid");
    let creditor = config
        .creditors
        .values()
        .find(|c| c.id.as_str() == "nordlys-energi")
        .expect("demo creditor");
    let kinds: Vec<StepKind> = creditor.journey.steps.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        vec![
            StepKind::Nudge,
            StepKind::Purring,
            StepKind::Inkassovarsel,
            StepKind::Betalingsoppfordring
        ]
    );
    assert_eq!(creditor.journey.steps[1].when, StepTiming::AfterDueDate(14));
    assert!(creditor.journey.steps[1].fee && !creditor.journey.steps[0].fee);
    // Its SMS texts fit one part with a production-length link.
    let strict = ConfigSource::new(common::CONFIG_DIR, Some("demo"))
        .with("messaging.max_sms_segments", 1)
        .with("server.public_base_url", "https://pay.innkreving-as.no")
        .load();
    assert!(
        strict.is_ok(),
        "{}",
        strict.err().map_or(String::new(), |e| e.to_string())
    );
    // Every kind's default texts pass too, a final notice included.
    let all = [
        nudge(),
        purring(),
        varsel(),
        oppfordring(),
        step(
            "siste",
            "final_notice",
            "days_after_previous_deadline = 1",
            "journey-final-notice",
            false,
            Some(14),
        ),
    ];
    let dir = with_journey(&all.concat());
    let config = ConfigSource::new(&dir, Some("demo"))
        .with("messaging.max_sms_segments", 1)
        .load();
    assert!(
        config.is_ok(),
        "{}",
        config.err().map_or(String::new(), |e| e.to_string())
    );
}

#[test]
fn check_config_refuses_a_journey_naming_file_step_and_rule() {
    let short = purring().replace("deadline_days = 14", "deadline_days = 10");
    let dir = with_journey(&[nudge(), short].concat());
    let output = common::innfri_demo(&dir, "check-config")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        errors.contains(&format!(
            "{FILE}: journey.steps[1].deadline_days: step \"purring\": sets a deadline of 10 days; the law requires at least 14 (deadline_too_short)"
        )),
        "{errors}"
    );
}

#[test]
fn a_fee_earlier_than_14_days_after_the_due_date_is_refused() {
    let early = purring().replace("days_after_due = 14", "days_after_due = 13");
    let errors = refused(&[nudge(), early]);
    assert_names(&errors, "journey.steps[1].fee", "fee_too_early");
}

#[test]
fn a_fee_on_a_nudge_is_refused() {
    let errors = refused(&[nudge().replace("fee = false", "fee = true"), purring()]);
    assert_names(&errors, "journey.steps[0].fee", "fee_on_non_notice");
}

#[test]
fn fees_beyond_the_combinations_of_section_1_3_are_refused() {
    let second = step(
        "purring-2",
        "purring",
        "days_after_previous_deadline = 1",
        "journey-purring",
        true,
        Some(14),
    );
    // Two purringer and an inkassovarsel, each with its fee.
    let errors = refused(&[purring(), second, varsel()]);
    assert_names(&errors, "journey.steps[2].fee", "fee_count");
    // Two purringer and a betalingsoppfordring (after a varsel without fee) are allowed.
    let free_varsel = varsel().replace("fee = true", "fee = false");
    let second = step(
        "purring-2",
        "purring",
        "days_after_previous_deadline = 1",
        "journey-purring",
        true,
        Some(14),
    );
    let dir = with_journey(&[purring(), second, free_varsel, oppfordring()].concat());
    assert!(load(&dir).is_ok(), "{:?}", load(&dir).err());
}

#[test]
fn a_second_fee_before_the_first_deadline_has_passed_is_refused() {
    let early = varsel().replace("days_after_previous_deadline = 1", "days_after_due = 20");
    let errors = refused(&[purring(), early]);
    assert_names(
        &errors,
        "journey.steps[1].fee",
        "second_fee_before_deadline",
    );
    // The first deadline is under 14 days: a second fee is refused even after it.
    let short = purring().replace("deadline_days = 14", "deadline_days = 7");
    let errors = refused(&[short, varsel()]);
    assert_names(
        &errors,
        "journey.steps[1].fee",
        "second_fee_before_deadline",
    );
}

#[test]
fn an_inkassovarsel_on_the_due_date_is_refused() {
    let on_due = varsel()
        .replace("days_after_previous_deadline = 1", "days_after_due = 0")
        .replace("fee = true", "fee = false");
    let errors = refused(&[on_due]);
    assert_names(
        &errors,
        "journey.steps[0].days_after_due",
        "varsel_before_due",
    );
}

#[test]
fn notice_deadlines_under_14_days_or_missing_are_refused() {
    let errors = refused(&[
        nudge(),
        purring(),
        varsel().replace("deadline_days = 14", "deadline_days = 13"),
    ]);
    assert_names(
        &errors,
        "journey.steps[2].deadline_days",
        "deadline_too_short",
    );
    let oppfordring_short = oppfordring().replace("deadline_days = 14", "deadline_days = 10");
    let errors = refused(&[purring(), varsel(), oppfordring_short]);
    assert_names(
        &errors,
        "journey.steps[2].deadline_days",
        "deadline_too_short",
    );
    let errors = refused(&[purring().replace("deadline_days = 14\n", "")]);
    assert_names(
        &errors,
        "journey.steps[0].deadline_days",
        "deadline_missing",
    );
}

#[test]
fn a_betalingsoppfordring_before_the_varsel_deadline_or_without_a_varsel_is_refused() {
    let early = oppfordring().replace("days_after_previous_deadline = 1", "days_after_due = 35");
    let errors = refused(&[purring(), varsel(), early]);
    assert_names(
        &errors,
        "journey.steps[2].days_after_due",
        "oppfordring_before_varsel_deadline",
    );
    let errors = refused(&[purring(), oppfordring()]);
    assert_names(
        &errors,
        "journey.steps[1].kind",
        "oppfordring_without_varsel",
    );
}

#[test]
fn a_text_missing_in_a_locale_or_channel_is_refused() {
    let errors = refused(&[nudge().replace("journey-nudge", "journey-nosuch")]);
    for locale in ["nb", "nn", "en", "pl", "uk"] {
        assert!(
            errors.contains(&format!(
                "{FILE}: journey.steps[0].text: step \"nudge\": templates/locales/{locale}/main.ftl has no message journey-nosuch-sms (text_missing)"
            )),
            "{errors}"
        );
    }
    // The nudge's family has no written notice, which a purring needs.
    let errors = refused(&[purring().replace("journey-purring", "journey-nudge")]);
    assert!(
        errors.contains("has no message journey-nudge-notice (text_missing)"),
        "{errors}"
    );
    // An A/B variant is named by its place.
    let ab = nudge().replace(
        "text = \"journey-nudge\"",
        "variants = [{ text = \"journey-nudge\", weight = 3 }, { text = \"journey-nosuch\" }]",
    );
    let errors = refused(&[ab]);
    assert_names(&errors, "journey.steps[0].variants[1].text", "text_missing");
    assert!(!errors.contains("variants[0]"), "{errors}");
}

#[test]
fn a_notice_text_without_a_variable_the_law_requires_is_refused() {
    // The final notice's texts say neither what the claim is for nor the interest.
    let wrong = oppfordring().replace("journey-betalingsoppfordring", "journey-final-notice");
    let errors = refused(&[purring(), varsel(), wrong]);
    for variable in [
        "claim_for",
        "principal",
        "additional",
        "interest_rate",
        "interest_from",
    ] {
        assert!(
            errors.contains(&format!(
                "templates/locales/nb/main.ftl: journey-final-notice-notice does not show {{${variable}}}, which a betalingsoppfordring must state (text_required_variable)"
            )),
            "{variable}: {errors}"
        );
    }
    assert_names(&errors, "journey.steps[2].text", "text_required_variable");
    // The e-mail body is the written notice too.
    assert!(
        errors.contains("journey-final-notice-email-body does not show {$principal}"),
        "{errors}"
    );
    assert!(
        !errors.contains("{$deadline}"),
        "it shows the deadline: {errors}"
    );
}

#[test]
fn an_sms_text_that_needs_more_parts_than_allowed_is_refused() {
    // The general reminder text is two parts with a full link; a nudge may use it when two are
    // allowed, not when one is.
    let dir = with_journey(&nudge().replace("journey-nudge", "reminder"));
    let two = ConfigSource::new(&dir, Some("demo")).load();
    assert!(two.is_ok(), "{:?}", two.err().map(|e| e.to_string()));
    let errors = ConfigSource::new(&dir, Some("demo"))
        .with("messaging.max_sms_segments", 1)
        .load()
        .expect_err("refused")
        .to_string();
    assert_names(&errors, "journey.steps[0].text", "sms_segments");
    assert!(
        errors.contains("templates/locales/nb/main.ftl: reminder-sms needs 2 SMS parts"),
        "{errors}"
    );
    assert!(errors.contains("with a 56-character link"), "{errors}");
    // A long creditor name pushes even the default nudge over one part.
    let long = config_dir_with(|c| {
        c.replace(
            "name = \"Nordlys Energi AS\"",
            "name = \"Nordlys Energi og Fjernvarme Nord-Norge AS\"",
        )
    });
    let errors = ConfigSource::new(&long, Some("demo"))
        .with("messaging.max_sms_segments", 1)
        .load()
        .expect_err("refused")
        .to_string();
    assert!(
        errors.contains("journey-nudge-sms needs 2 SMS parts"),
        "{errors}"
    );
}

#[test]
fn a_step_with_both_timings_or_an_unknown_setting_is_refused() {
    let both = nudge().replace(
        "days_after_due = 3",
        "days_after_due = 3\ndays_after_previous_deadline = 1",
    );
    let errors = refused(&[both]);
    assert!(
        errors.contains(&format!(
            "{FILE}: journey.steps[0].days_after_due: set either days_after_due or days_after_previous_deadline, not both"
        )),
        "{errors}"
    );
    let typo = nudge().replace("fee = false", "fees = false");
    let errors = refused(&[typo]);
    assert!(
        errors.contains(&format!(
            "{FILE}: journey.steps.0.fees: unknown field: found `fees`"
        )),
        "{errors}"
    );
}

#[test]
fn a_text_without_the_link_or_with_a_variable_no_journey_gives_is_refused() {
    // The payment receipt has no link in its SMS and speaks of {$paid}.
    let errors = refused(&[nudge().replace("journey-nudge", "receipt-paid")]);
    assert!(
        errors.contains(
            "templates/locales/nb/main.ftl: receipt-paid-sms does not show {$link}, the way to the case and the notice (text_link)"
        ),
        "{errors}"
    );
    assert!(
        errors.contains(
            "templates/locales/en/main.ftl: receipt-paid-email-body uses {$paid}, which a journey text is not given (text_unknown_variable)"
        ),
        "{errors}"
    );
}

#[test]
fn with_channel_fallback_an_e_mail_step_needs_its_sms_text_too() {
    // With channel fallback an e-mail step can go out by SMS, so its SMS text is checked too;
    // without fallback it is not.
    let email_only = nudge()
        .replace("channels = \"both\"", "channels = \"email\"")
        .replace("journey-nudge", "receipt-paid");
    let with_fallback = refused(std::slice::from_ref(&email_only));
    assert!(
        with_fallback.contains("receipt-paid-sms"),
        "{with_fallback}"
    );
    let dir = with_journey(&email_only);
    let creditor = std::fs::read_to_string(dir.join(FILE)).expect("read");
    std::fs::write(
        dir.join(FILE),
        creditor.replace("channel_fallback = true", "channel_fallback = false"),
    )
    .expect("write");
    let without = load(&dir).expect_err("still refused for {$paid}");
    assert!(!without.contains("receipt-paid-sms"), "{without}");
}
