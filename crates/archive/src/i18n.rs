//! The interface's languages: the catalogues of `crates/archive/locales/` (compiled in by
//! `build.rs`), the choice of one for an archive's language, and filling in their strings.
//! Pure: the plural category and number formatting come from the caller (the app asks the
//! browser's `Intl`), so everything here is tested natively.

include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));

/// One catalogue: an interface language.
#[derive(Debug)]
pub struct Locale {
    /// Its BCP 47 tag (the file name): `en`, `zh-CN`.
    pub tag: &'static str,
    /// Its name in itself: `English`, `简体中文`.
    pub name: &'static str,
    date: &'static str,
    date_time: &'static str,
    year: &'static str,
    month_in_year: &'static str,
    months: [&'static str; 12],
    /// Per [`Text`], in order: its forms as `(plural category, template)`.
    texts: &'static [&'static [(&'static str, &'static str)]],
}

/// A piece of a filled-in template: literal text, or a named placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    Literal(&'a str),
    Placeholder(&'a str),
}

impl Locale {
    /// The catalogue for an archive's language: the one with this tag (case-insensitive),
    /// else the first with its primary language (`zh-TW` → `zh-CN`, `en-GB` → `en`), else
    /// English.
    pub fn for_language(lang: &str) -> &'static Locale {
        let lang = lang.trim().replace('_', "-");
        LOCALES
            .iter()
            .find(|l| l.tag.eq_ignore_ascii_case(&lang))
            .or_else(|| LOCALES.iter().find(|l| same_language(l.tag, &lang)))
            .unwrap_or(&LOCALES[0])
    }

    /// The text's only form (or its `other` form).
    pub fn text(&self, text: Text) -> &'static str {
        self.form(text, "other")
    }

    /// The text's form for a CLDR plural category, `other` when it has none for it.
    pub fn form(&self, text: Text, category: &str) -> &'static str {
        let forms = self.texts[text as usize];
        forms
            .iter()
            .find(|(c, _)| *c == category)
            .or_else(|| forms.iter().find(|(c, _)| *c == "other"))
            .map(|(_, template)| *template)
            .expect("build.rs checks that every text has an `other` form")
    }

    /// A date (`2022-02-24`, or the date part of an RFC 3339 date) as the catalogue writes
    /// dates; the input as it is when it is not such a date.
    pub fn date(&self, ymd: &str) -> String {
        let Some((year, month, day)) = split_date(ymd) else {
            return ymd.to_string();
        };
        let month_name = self.months[month as usize - 1];
        fill(
            self.date,
            &[
                ("year", year),
                ("month", month_name),
                ("month_number", &month.to_string()),
                ("month2", &format!("{month:02}")),
                ("day", &day.to_string()),
                ("day2", &format!("{day:02}")),
            ],
        )
    }

    /// A date and a time of day (`17:03`).
    pub fn date_time(&self, ymd: &str, time: &str) -> String {
        fill(self.date_time, &[("date", &self.date(ymd)), ("time", time)])
    }

    /// A year in the date browser (`2022`, `2022 年`).
    pub fn year(&self, year: &str) -> String {
        fill(self.year, &[("year", year)])
    }

    /// A month (1–12) of a year in the date browser (`Feb`, `2 月`).
    pub fn month_in_year(&self, month: u32) -> String {
        let name = self.months[(month.clamp(1, 12) - 1) as usize];
        fill(self.month_in_year, &[("month", name)])
    }
}

/// Whether two language tags name the same language (their primary subtags, `zh` of
/// `zh-TW` and `zh_CN`, agree); an empty tag names none.
pub fn same_language(a: &str, b: &str) -> bool {
    let primary = |tag: &str| {
        tag.trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    !primary(a).is_empty() && primary(a) == primary(b)
}

/// `(year, month, day)` of `YYYY-MM-DD…`, when it is a date.
fn split_date(date: &str) -> Option<(&str, u32, u32)> {
    let year = date
        .get(..4)
        .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))?;
    let month: u32 = date
        .get(5..7)?
        .parse()
        .ok()
        .filter(|m| (1..=12).contains(m))?;
    let day: u32 = date
        .get(8..10)?
        .parse()
        .ok()
        .filter(|d| (1..=31).contains(d))?;
    (date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-').then_some((year, month, day))
}

/// `template` cut into literal text and `{name}` placeholders, in order (a `{` without a
/// closing `}` is literal).
pub fn parts(template: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            parts.push(Part::Literal(&rest[..open]));
        }
        parts.push(Part::Placeholder(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Literal(rest));
    }
    parts
}

/// `template` with its placeholders replaced by `args` (a placeholder without an argument
/// stays as it is, visibly).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    for part in parts(template) {
        match part {
            Part::Literal(text) => out.push_str(text),
            Part::Placeholder(name) => match args.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => out.push_str(value),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

/// The language of a text, guessed from its letters, for an archive whose config names
/// none: `zh` when most letters are Han characters, `ja` or `ko` when kana or Hangul are,
/// else `en` (Latin-script languages are not told apart; set `lang` for them).
pub fn guess_language<'a>(texts: impl IntoIterator<Item = &'a str>) -> &'static str {
    let mut letters = LetterCounts::default();
    for text in texts {
        letters.add(text);
    }
    letters.language()
}

/// Letters counted by script, text after text, for [`guess_language`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LetterCounts {
    han: u64,
    kana: u64,
    hangul: u64,
    other: u64,
}

impl LetterCounts {
    /// The counts as numbers (Han, kana, Hangul, other letters), to be kept between builds.
    pub fn to_counts(self) -> [u64; 4] {
        [self.han, self.kana, self.hangul, self.other]
    }

    /// The counts [`LetterCounts::to_counts`] gave.
    pub fn from_counts([han, kana, hangul, other]: [u64; 4]) -> LetterCounts {
        LetterCounts {
            han,
            kana,
            hangul,
            other,
        }
    }

    pub fn add(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '\u{3040}'..='\u{30FF}' => self.kana += 1,
                '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' => self.hangul += 1,
                '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' => {
                    self.han += 1
                }
                c if c.is_alphabetic() => self.other += 1,
                _ => {}
            }
        }
    }

    /// The language the letters counted so far suggest.
    pub fn language(&self) -> &'static str {
        let cjk = self.han + self.kana + self.hangul;
        // A Chinese character stands for a word or syllable, a Latin letter for a sound:
        // count characters against words' worth of letters.
        if cjk == 0 || cjk * 4 < self.other {
            "en"
        } else if self.kana * 5 >= cjk {
            "ja"
        } else if self.hangul * 2 >= cjk {
            "ko"
        } else {
            "zh"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_pick_their_catalogue_and_others_fall_back_to_english() {
        assert_eq!(Locale::for_language("zh-CN").tag, "zh-CN");
        assert_eq!(Locale::for_language("zh_cn").tag, "zh-CN");
        assert_eq!(Locale::for_language("zh").tag, "zh-CN");
        assert_eq!(Locale::for_language("zh-TW").tag, "zh-CN");
        assert_eq!(Locale::for_language("en-GB").tag, "en");
        assert_eq!(Locale::for_language("fr").tag, "en");
        assert_eq!(Locale::for_language("").tag, "en");
        assert_eq!(LOCALES[0].tag, "en");
    }

    #[test]
    fn every_text_of_every_catalogue_has_an_other_form() {
        for locale in LOCALES {
            for text in Text::ALL {
                assert!(
                    !locale.text(text).is_empty(),
                    "{} {}",
                    locale.tag,
                    text.key()
                );
            }
        }
    }

    #[test]
    fn english_counts_have_plural_forms_and_chinese_ones_do_not() {
        let en = Locale::for_language("en");
        assert_eq!(
            fill(en.form(Text::PostCount, "one"), &[("count", "1")]),
            "1 post"
        );
        assert_eq!(
            fill(en.form(Text::PostCount, "other"), &[("count", "16")]),
            "16 posts"
        );
        let zh = Locale::for_language("zh-CN");
        assert_eq!(
            fill(zh.form(Text::PostCount, "one"), &[("count", "1")]),
            "1 篇文章"
        );
        assert_eq!(zh.text(Text::NavHome), "首页");
        assert_eq!(en.text(Text::NavHome), "Home");
    }

    #[test]
    fn dates_follow_the_catalogue() {
        let en = Locale::for_language("en");
        let zh = Locale::for_language("zh-CN");
        assert_eq!(en.date("2022-02-04T17:03:45+08:00"), "Feb 4, 2022");
        assert_eq!(zh.date("2022-02-04"), "2022-02-04");
        assert_eq!(en.date_time("2022-02-04", "17:03"), "Feb 4, 2022, 17:03");
        assert_eq!(zh.date_time("2022-02-04", "17:03"), "2022-02-04 17:03");
        assert_eq!(en.date("not a date"), "not a date");
        assert_eq!(en.year("2021"), "2021");
        assert_eq!(zh.year("2021"), "2021 年");
        assert_eq!(en.month_in_year(12), "Dec");
        assert_eq!(zh.month_in_year(3), "3 月");
    }

    #[test]
    fn templates_fill_and_split() {
        assert_eq!(fill("{a} and {b}", &[("b", "2"), ("a", "1")]), "1 and 2");
        assert_eq!(fill("{missing} {", &[]), "{missing} {");
        assert_eq!(
            parts("Press {slash} to search"),
            [
                Part::Literal("Press "),
                Part::Placeholder("slash"),
                Part::Literal(" to search")
            ]
        );
    }

    #[test]
    fn the_language_of_posts_is_guessed_from_their_letters() {
        assert_eq!(guess_language(["博罗县委人才工作会议", "A股 ETF"]), "zh");
        assert_eq!(
            guess_language(["Jekyll 4.3 released", "We are happy to"]),
            "en"
        );
        assert_eq!(guess_language(["こんにちは、世界"]), "ja");
        assert_eq!(guess_language(["안녕하세요"]), "ko");
        assert_eq!(guess_language([""]), "en");
        // A Chinese post that quotes English names is still Chinese.
        assert_eq!(
            guess_language(["美联储主席鲍威尔表示 Federal Reserve"]),
            "zh"
        );
    }
}
