//! SMS segment counting (3GPP TS 23.038): a text is GSM-7 when every character is in the basic
//! table or its extension (which costs two septets), else UCS-2. One segment holds 160 septets
//! or 70 UTF-16 units; a concatenated message loses 7 septets / 3 units per part to its header,
//! and a part never splits an escape sequence or a surrogate pair.

/// The GSM 03.38 basic character set, in table order.
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table, each sent as ESC + the character (two septets).
const EXTENSION: &str = "\u{c}^{}\\[~]|€";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encoding {
    Gsm7,
    /// With the characters that forced it, each once, in order of appearance.
    Ucs2 {
        forced_by: Vec<char>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentCount {
    pub encoding: Encoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    pub segments: usize,
}

fn gsm_septets(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Parts needed when each part holds `capacity` units and no item may be split between parts.
fn parts(items: impl Iterator<Item = usize>, single: usize, capacity: usize) -> (usize, usize) {
    let sizes: Vec<usize> = items.collect();
    let total: usize = sizes.iter().sum();
    if total <= single {
        return (total, 1);
    }
    let (mut count, mut used) = (1, 0);
    for size in sizes {
        if used + size > capacity {
            count += 1;
            used = 0;
        }
        used += size;
    }
    (total, count)
}

pub fn count(text: &str) -> SegmentCount {
    let forced_by: Vec<char> =
        text.chars()
            .filter(|c| gsm_septets(*c).is_none())
            .fold(Vec::new(), |mut seen, c| {
                if !seen.contains(&c) {
                    seen.push(c);
                }
                seen
            });
    if forced_by.is_empty() {
        let (units, segments) = parts(text.chars().map(|c| gsm_septets(c).unwrap_or(1)), 160, 153);
        SegmentCount {
            encoding: Encoding::Gsm7,
            units,
            segments,
        }
    } else {
        let (units, segments) = parts(text.chars().map(char::len_utf16), 70, 67);
        SegmentCount {
            encoding: Encoding::Ucs2 { forced_by },
            units,
            segments,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_have_their_sizes() {
        assert_eq!(BASIC.chars().count(), 128);
        assert_eq!(EXTENSION.chars().count(), 10);
    }

    #[test]
    fn gsm_7_fits_160_then_153_per_part() {
        assert_eq!(count("").segments, 1);
        assert_eq!(count(&"a".repeat(160)).segments, 1);
        assert_eq!(count(&"a".repeat(161)).segments, 2);
        assert_eq!(count(&"a".repeat(306)).segments, 2);
        assert_eq!(count(&"a".repeat(307)).segments, 3);
        let norwegian = count("Hei! Du har en ubetalt regning på 1 249,50 kr. Æ Ø Å æ ø å");
        assert_eq!(norwegian.encoding, Encoding::Gsm7);
    }

    #[test]
    fn extension_characters_cost_two_and_are_never_split() {
        assert_eq!(count("€").units, 2);
        assert_eq!(count(&"€".repeat(80)).segments, 1);
        assert_eq!(count(&"€".repeat(81)).segments, 2);
        // 152 septets, then an escape pair that does not fit in the first part's 153.
        let text = format!("{}{}", "a".repeat(152), "€".repeat(5));
        assert_eq!(count(&text).units, 162);
        assert_eq!(count(&text).segments, 2);
    }

    #[test]
    fn one_curly_quote_or_emoji_forces_ucs2_at_70_then_67() {
        let quoted = count("Du skylder \u{201c}1 000 kr\u{201d} \u{2013} takk");
        assert_eq!(
            quoted.encoding,
            Encoding::Ucs2 {
                forced_by: vec!['\u{201c}', '\u{201d}', '\u{2013}']
            }
        );
        assert_eq!(count(&"ç".repeat(70)).segments, 1);
        assert_eq!(count(&format!("{}\u{201c}", "a".repeat(69))).segments, 1);
        assert_eq!(count(&format!("{}\u{201c}", "a".repeat(70))).segments, 2);
        // An emoji is two UTF-16 units and is not split across parts.
        let emoji = count(&format!("{}😀", "a".repeat(66)));
        assert_eq!(emoji.units, 68);
        assert_eq!(emoji.segments, 1);
        let emoji = count(&format!("{}😀", "a".repeat(69)));
        assert_eq!(emoji.units, 71);
        assert_eq!(emoji.segments, 2);
    }

    #[test]
    fn cyrillic_always_goes_as_ucs2_and_is_counted_in_utf16_units() {
        let text = "Nordlys Energi AS: рахунок 12 345,67 kr не сплачено.";
        let count = count(text);
        assert!(
            matches!(&count.encoding, Encoding::Ucs2 { forced_by } if forced_by.contains(&'р'))
        );
        assert_eq!(count.units, text.chars().count());
        assert_eq!(count.segments, 1);
        // 70 Cyrillic letters are one part, 71 are two, 134 two, 135 three.
        assert_eq!(super::count(&"ж".repeat(70)).segments, 1);
        assert_eq!(super::count(&"ж".repeat(71)).segments, 2);
        assert_eq!(super::count(&"ж".repeat(134)).segments, 2);
        assert_eq!(super::count(&"ж".repeat(135)).segments, 3);
    }

    #[test]
    fn polish_letters_outside_gsm7_force_ucs2_but_plain_polish_does_not() {
        let plain = count("Rata 3/6: 1 252,00 kr do 1 marca 2027");
        assert_eq!(plain.encoding, Encoding::Gsm7);
        let polish = count("Zapłać 1 252,00 kr do 30 października 2026");
        assert_eq!(
            polish.encoding,
            Encoding::Ucs2 {
                forced_by: vec!['ł', 'ć', 'ź']
            }
        );
        // ó is not GSM-7 either (ö is), nor are ą, ę, ś, ż, ć, ń.
        for c in ['ó', 'ą', 'ę', 'ś', 'ż', 'ć', 'ń', 'Ł'] {
            assert!(
                matches!(count(&c.to_string()).encoding, Encoding::Ucs2 { .. }),
                "{c}"
            );
        }
        assert_eq!(count("ö").encoding, Encoding::Gsm7);
    }

    #[test]
    fn a_surrogate_pair_in_a_ukrainian_text_counts_two_and_stays_whole() {
        // 66 Cyrillic letters and an emoji: 68 units in one part.
        let one = count(&format!("{}🙂", "ї".repeat(66)));
        assert_eq!((one.units, one.segments), (68, 1));
        // 66 letters fill a concatenated part to 66 of 67: the pair moves whole to the next.
        let two = count(&format!("{}🙂{}", "ї".repeat(66), "ї".repeat(3)));
        assert_eq!((two.units, two.segments), (71, 2));
    }
}
