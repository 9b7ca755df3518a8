//! The Unicode font the debtor's PDFs are written in: DejaVu Sans, regular and bold, built into
//! the binary (its licence in `assets/fonts/`). It has every letter of the five languages
//! (æøå, ąęłńśźż, Cyrillic with ї, є, ґ); each PDF carries only the glyphs it uses, so a
//! plan stays a few kilobytes.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Which of the two faces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("the built-in font cannot be read: {0}")]
    Unreadable(String),
}

/// One face as one document uses it: text is encoded glyph by glyph into the codes of the
/// document's subset (two bytes each, `Identity-H`), and what each code stands for is kept
/// for the `ToUnicode` map, so the text can be searched, copied and read aloud.
pub struct DocumentFont {
    weight: Weight,
    data: &'static [u8],
    face: Face<'static>,
    remapper: GlyphRemapper,
    unicode: BTreeMap<u16, char>,
    /// The face's own glyph for `?`, for a letter it lacks (none of the five languages has one).
    fallback: GlyphId,
}

impl DocumentFont {
    pub fn new(weight: Weight) -> Result<DocumentFont, FontError> {
        let data = match weight {
            Weight::Regular => REGULAR,
            Weight::Bold => BOLD,
        };
        let face = Face::parse(data, 0).map_err(|e| FontError::Unreadable(e.to_string()))?;
        let fallback = face.glyph_index('?').unwrap_or(GlyphId(0));
        Ok(DocumentFont {
            weight,
            data,
            face,
            remapper: GlyphRemapper::new(),
            unicode: BTreeMap::new(),
            fallback,
        })
    }

    /// `text` as this font's codes in the document.
    pub fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut codes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let glyph = self
                .face
                .glyph_index(c)
                // Thin and narrow no-break spaces print as the no-break space where a face
                // lacks them, so an amount never breaks into a question mark.
                .or_else(|| c.is_whitespace().then(|| self.face.glyph_index('\u{a0}'))?)
                .unwrap_or(self.fallback);
            let code = self.remapper.remap(glyph.0);
            self.unicode.entry(code).or_insert(c);
            codes.extend_from_slice(&code.to_be_bytes());
        }
        codes
    }

    /// The width of `text` in points at `size` (for aligning a column to the right).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                let glyph = self.face.glyph_index(c).unwrap_or(self.fallback);
                u32::from(self.face.glyph_hor_advance(glyph).unwrap_or(0))
            })
            .sum();
        units as f32 * size / f32::from(self.face.units_per_em())
    }

    /// Writes the font's objects: `font` is the one the pages name; the three after it are
    /// taken for the CID font, its descriptor and the font file, and `font + 4` for the
    /// `ToUnicode` map.
    pub fn write(self, pdf: &mut Pdf, font: Ref) -> Result<(), FontError> {
        let cid = Ref::new(font.get() + 1);
        let descriptor = Ref::new(font.get() + 2);
        let file = Ref::new(font.get() + 3);
        let cmap = Ref::new(font.get() + 4);

        let subset = subsetter::subset(self.data, 0, &self.remapper)
            .map_err(|e| FontError::Unreadable(e.to_string()))?;
        // A subset is named with six capital letters and a plus (PDF 32000-1, 9.6.4); the tag
        // only has to differ between the subsets of one document.
        let name: &[u8] = match self.weight {
            Weight::Regular => b"INNFRA+DejaVuSans",
            Weight::Bold => b"INNFRB+DejaVuSans-Bold",
        };
        let per_unit = 1000.0 / f32::from(self.face.units_per_em());
        let scale = |v: i16| f32::from(v) * per_unit;

        pdf.type0_font(font)
            .base_font(Name(name))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);

        let widths: Vec<f32> = self
            .remapper
            .remapped_gids()
            .map(|old| f32::from(self.face.glyph_hor_advance(GlyphId(old)).unwrap_or(0)) * per_unit)
            .collect();
        let system = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(Name(name))
            .system_info(system)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid_font.widths().consecutive(0, widths);
        cid_font.finish();

        let bbox = self.face.global_bounding_box();
        let mut flags = FontFlags::NON_SYMBOLIC;
        if self.weight == Weight::Bold {
            flags |= FontFlags::FORCE_BOLD;
        }
        pdf.font_descriptor(descriptor)
            .name(Name(name))
            .flags(flags)
            .bbox(Rect::new(
                scale(bbox.x_min),
                scale(bbox.y_min),
                scale(bbox.x_max),
                scale(bbox.y_max),
            ))
            .italic_angle(0.0)
            .ascent(scale(self.face.ascender()))
            .descent(scale(self.face.descender()))
            .cap_height(scale(
                self.face.capital_height().unwrap_or(self.face.ascender()),
            ))
            .stem_v(if self.weight == Weight::Bold {
                140.0
            } else {
                80.0
            })
            .font_file2(file);

        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&subset, 6);
        pdf.stream(file, &compressed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), subset.len() as i32);

        let mut map = UnicodeCmap::new(Name(b"Innfri-UTF16"), system);
        for (code, c) in &self.unicode {
            map.pair(*code, *c);
        }
        pdf.cmap(cmap, &map.finish()).system_info(system);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_letter_of_the_five_languages_has_a_glyph_in_both_faces() {
        let letters = "æøåÆØÅ ąćęłńóśźżĄĆĘŁŃÓŚŹŻ абвгґдеєжзиіїйклмнопрстуфхцчшщьюяЄЇІҐ №–’ \u{a0}";
        for weight in [Weight::Regular, Weight::Bold] {
            let font = DocumentFont::new(weight).expect("font");
            for c in letters.chars() {
                assert!(
                    font.face.glyph_index(c).is_some(),
                    "{c:?} ({:04X}) in {weight:?}",
                    c as u32
                );
            }
        }
    }

    #[test]
    fn codes_are_two_bytes_per_letter_and_each_stands_for_its_letter() {
        let mut font = DocumentFont::new(Weight::Regular).expect("font");
        let codes = font.encode("Їжа Ї");
        assert_eq!(codes.len(), 10);
        // .notdef is code 0, so letters start at 1; the same letter twice is the same code.
        assert_eq!(codes[0..2], [0, 1]);
        assert_eq!(codes[6..8], [0, 4]);
        assert_eq!(codes[8..10], codes[0..2]);
        assert_eq!(font.unicode.get(&1), Some(&'Ї'));
        assert_eq!(font.unicode.get(&3), Some(&'а'));
        assert_eq!(font.unicode.get(&4), Some(&' '));
    }

    #[test]
    fn a_letter_the_face_lacks_prints_as_a_question_mark() {
        let mut font = DocumentFont::new(Weight::Regular).expect("font");
        let question = font.encode("?");
        assert_eq!(font.encode("\u{10FFFD}"), question);
    }
}
