//! What a debtor's SMS reply asks for: no more SMS (opt-out), SMS again (opt-in), or neither.
//!
//! The rule is *whole message*: after normalising case, accents, punctuation and whitespace, and
//! trimming courtesy words at either end ("takk", "please", …), the reply must equal one of the
//! phrases. A reply that merely starts with or contains a phrase is not an opt-out: "jeg kan ikke
//! betale, stopp renter" asks about interest, and must reach the agency as a reply instead of
//! silently ending all contact. The cost is that a long free-text "please stop, I'm ill" is not
//! recognised; it is kept on the case as a reply, where a person reads it.

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// What a reply asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyIntent {
    /// No more SMS to this number.
    OptOut,
    /// SMS to this number again, after an opt-out.
    OptIn,
    /// Anything else: kept on the case for the agency.
    Other,
}

/// Opt-out phrases that always apply, whatever the configuration adds (Twilio's own keywords and
/// the Norwegian ones debtors use).
pub const BUILT_IN_OPT_OUT: [&str; 4] = ["stop", "stopp", "avslutt", "unsubscribe"];

/// Opt-in phrases that always apply.
pub const BUILT_IN_OPT_IN: [&str; 1] = ["start"];

/// Words of politeness around a request; they change nothing about what it asks for.
const COURTESY: [&str; 16] = [
    "takk",
    "tusen",
    "mange",
    "hei",
    "hallo",
    "vennligst",
    "venligst",
    "please",
    "pls",
    "plz",
    "thanks",
    "thank",
    "you",
    "thx",
    "hi",
    "hello",
];

/// A reply longer than this is a letter, not a keyword.
const MAX_WORDS: usize = 16;

/// The phrases replies are compared with, normalised once.
#[derive(Debug, Clone, Default)]
pub struct ReplyKeywords {
    opt_out: HashSet<String>,
    opt_in: HashSet<String>,
}

impl ReplyKeywords {
    /// The built-in phrases plus the configured ones. A phrase that normalises to nothing (only
    /// punctuation or courtesy words) is ignored; `check-config` reports it.
    pub fn new<'a>(
        opt_out: impl IntoIterator<Item = &'a str>,
        opt_in: impl IntoIterator<Item = &'a str>,
    ) -> ReplyKeywords {
        let normalised = |phrases: Vec<&str>| -> HashSet<String> {
            phrases
                .into_iter()
                .map(normalise)
                .filter(|p| !p.is_empty())
                .collect()
        };
        let mut out: Vec<&str> = BUILT_IN_OPT_OUT.to_vec();
        out.extend(opt_out);
        let mut inn: Vec<&str> = BUILT_IN_OPT_IN.to_vec();
        inn.extend(opt_in);
        ReplyKeywords {
            opt_out: normalised(out),
            opt_in: normalised(inn),
        }
    }

    /// What `text` asks for. An opt-out phrase wins over an opt-in one (configuration refuses
    /// a phrase in both lists; this is the safe side should one slip through).
    pub fn classify(&self, text: &str) -> ReplyIntent {
        let reply = normalise(text);
        if reply.is_empty() {
            ReplyIntent::Other
        } else if self.opt_out.contains(&reply) {
            ReplyIntent::OptOut
        } else if self.opt_in.contains(&reply) {
            ReplyIntent::OptIn
        } else {
            ReplyIntent::Other
        }
    }
}

/// The comparable form of a reply or phrase: lower case, accents and punctuation gone, words
/// separated by one space, a word repeated in a row kept once ("STOPP STOPP"), and courtesy
/// words trimmed from both ends. Norwegian letters fold to their closest Latin spelling
/// (ø → o, æ → ae, å → a), so a phone without them gives the same result.
pub fn normalise(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        for lower in c.to_lowercase() {
            match lower {
                'ø' => folded.push('o'),
                'æ' => folded.push_str("ae"),
                'œ' => folded.push_str("oe"),
                'ß' => folded.push_str("ss"),
                'đ' => folded.push('d'),
                'ł' => folded.push('l'),
                c if c.is_alphanumeric() => folded.push(c),
                _ => folded.push(' '),
            }
        }
    }
    let mut words: Vec<&str> = Vec::new();
    for word in folded.split_whitespace() {
        if words.len() > MAX_WORDS {
            // A letter, not a keyword: nothing to compare (and a phrase this long is ignored).
            return String::new();
        }
        if words.last() != Some(&word) {
            words.push(word);
        }
    }
    let is_courtesy = |w: &&&str| COURTESY.contains(*w);
    let start = words.iter().take_while(is_courtesy).count();
    let end = words.len() - words.iter().rev().take_while(is_courtesy).count();
    if start >= end {
        return String::new();
    }
    words[start..end].join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn defaults() -> ReplyKeywords {
        ReplyKeywords::new(
            [
                "stopp sms",
                "ikke send meg flere meldinger",
                "ikkje send meg fleire meldingar",
                "avmeld",
                "meld meg av",
            ],
            ["start sms"],
        )
    }

    #[test]
    fn the_keywords_match_in_any_case_with_punctuation_and_spacing() {
        let k = defaults();
        for reply in [
            "STOP",
            "Stopp.",
            "  stopp!!  ",
            "STOPP SMS",
            "stopp  sms",
            "Stopp, SMS!",
            "Unsubscribe",
            "avslutt",
            "AVMELD",
            "Ikke send meg flere meldinger.",
            "ikkje send meg fleire meldingar",
            "Meld meg av!",
            "stopp stopp stopp",
        ] {
            assert_eq!(k.classify(reply), ReplyIntent::OptOut, "{reply:?}");
        }
        assert_eq!(k.classify("START"), ReplyIntent::OptIn);
        assert_eq!(k.classify("Start sms"), ReplyIntent::OptIn);
    }

    #[test]
    fn accents_and_norwegian_letters_fold() {
        let k = ReplyKeywords::new(["slett meg"], ["ja takk send igjen", "fortsett å sende"]);
        assert_eq!(k.classify("STÓPP"), ReplyIntent::OptOut);
        assert_eq!(k.classify("Ståp"), ReplyIntent::Other);
        assert_eq!(k.classify("fortsett a sende"), ReplyIntent::OptIn);
        assert_eq!(k.classify("Fortsett å sende!"), ReplyIntent::OptIn);
        assert_eq!(normalise("Øre og ærlig"), "ore og aerlig");
        assert_eq!(normalise("ＳＴＯＰ"), "stop", "full-width letters (NFKD)");
    }

    #[test]
    fn courtesy_words_around_the_request_do_not_matter() {
        let k = defaults();
        for reply in [
            "Stopp, takk",
            "Hei! Stopp sms takk",
            "Stop please",
            "Unsubscribe, thank you",
            "Ikke send meg flere meldinger, tusen takk",
        ] {
            assert_eq!(k.classify(reply), ReplyIntent::OptOut, "{reply:?}");
        }
    }

    #[test]
    fn a_message_that_only_mentions_a_keyword_is_a_reply() {
        let k = defaults();
        for reply in [
            "jeg kan ikke betale, stopp renter",
            "Stopp renter",
            "kan dere stoppe purringene",
            "I will start paying next month",
            "start betaling neste uke",
            "takk",
            "",
            "!!!",
            "ikke send meg flere meldinger om renter",
        ] {
            assert_eq!(k.classify(reply), ReplyIntent::Other, "{reply:?}");
        }
    }

    #[test]
    fn phrases_of_only_courtesy_or_punctuation_are_ignored() {
        let k = ReplyKeywords::new(["takk", "...", ""], []);
        assert_eq!(k.classify("takk"), ReplyIntent::Other);
        assert_eq!(k.classify("..."), ReplyIntent::Other);
        assert_eq!(k.classify("stopp"), ReplyIntent::OptOut, "built-ins stay");
    }

    #[test]
    fn opt_out_wins_when_a_phrase_is_in_both_lists() {
        let k = ReplyKeywords::new(["pause"], ["pause"]);
        assert_eq!(k.classify("pause"), ReplyIntent::OptOut);
    }

    proptest! {
        #[test]
        fn any_text_is_classified_without_panicking(text in any::<String>()) {
            let _ = defaults().classify(&text);
            let _ = normalise(&text);
        }

        #[test]
        fn case_punctuation_and_spacing_never_change_the_answer(
            upper in any::<bool>(),
            before in "[ .,!?\\-]{0,4}",
            after in "[ .,!?\\-]{0,4}",
            phrase in prop::sample::select(vec!["stopp", "stopp sms", "start", "ikke send meg flere meldinger", "hva skjer"]),
        ) {
            let k = defaults();
            let plain = k.classify(phrase);
            let text = if upper { phrase.to_uppercase() } else { phrase.to_owned() };
            let spaced = text.replace(' ', "  ");
            prop_assert_eq!(k.classify(&format!("{before}{spaced}{after}")), plain);
        }

        #[test]
        fn a_keyword_followed_by_other_words_is_not_an_opt_out(
            phrase in prop::sample::select(vec!["stop", "stopp", "stopp sms", "avslutt", "start"]),
            rest in "[a-z]{3,10}( [a-z]{2,10}){0,3}",
        ) {
            let k = defaults();
            let words: Vec<&str> = rest.split(' ').collect();
            // Trailing courtesy words are allowed by design, and a repeat of the phrase's own
            // last word collapses into it.
            prop_assume!(!words.iter().all(|w| COURTESY.contains(w)));
            prop_assume!(!phrase.split(' ').any(|p| words.contains(&p)));
            // "stopp" + "sms" is a phrase of its own.
            prop_assume!(!words.contains(&"sms"));
            prop_assert_eq!(k.classify(&format!("{phrase} {rest}")), ReplyIntent::Other);
        }
    }
}
