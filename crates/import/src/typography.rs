//! kramdown's typography, which Jekyll applies to every Markdown post: `"` and `'` become
//! curly quotes by kramdown's own rules (not CommonMark's), `---` an em dash, `--` an en
//! dash, `...` an ellipsis, `<<` and `>>` guillemets. Applied to the text events of
//! pulldown-cmark, outside code, so both rendering paths (the plain-HTML fast path and the
//! sanitizer) see the same text.
//!
//! The quote rules are kramdown's `SQ_RULES` (from RubyPants), tried in order at each quote.
//! kramdown's scanner stands on the character before the quote when the same run of text
//! holds one (its start pattern is `[^\\]?["']`), and on the quote itself at the start of a
//! run (after markup such as `**`): which rules can match depends on that, and this module
//! follows it.

use std::borrow::Cow;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// The four quotes kramdown writes (its `smart_quotes` option): left and right single, left
/// and right double.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotes(pub [String; 4]);

impl Default for Quotes {
    fn default() -> Self {
        Quotes(["\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}"].map(String::from))
    }
}

impl Quotes {
    /// kramdown's `smart_quotes` setting: four entity names (`lsquo`, `apos`, `quot`, …) or
    /// decimal code points, comma-separated or as a list; `None` when one is not known.
    pub fn from_setting(names: &[String]) -> Option<Quotes> {
        let quotes: Vec<String> = names
            .iter()
            .map(|name| entity(name.trim()))
            .collect::<Option<_>>()?;
        Some(Quotes(quotes.try_into().ok()?))
    }
}

/// A quote character from its HTML entity name or decimal code point.
fn entity(name: &str) -> Option<String> {
    let c = match name {
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "ldquo" => '\u{201C}',
        "rdquo" => '\u{201D}',
        "sbquo" => '\u{201A}',
        "bdquo" => '\u{201E}',
        "laquo" => '\u{AB}',
        "raquo" => '\u{BB}',
        "lsaquo" => '\u{2039}',
        "rsaquo" => '\u{203A}',
        "apos" => '\'',
        "quot" => '"',
        number => char::from_u32(number.parse().ok()?)?,
    };
    Some(c.to_string())
}

/// kramdown's `SQ_PUNCT`: ASCII punctuation but `&`.
fn is_sq_punct(c: char) -> bool {
    c.is_ascii_punctuation() && c != '&'
}

/// kramdown's `SQ_CLOSE`: any character but a space, `\`, tab, CR, LF, `[`, `{`, `(`, `-`.
fn is_sq_close(c: char) -> bool {
    !matches!(c, ' ' | '\\' | '\t' | '\r' | '\n' | '[' | '{' | '(' | '-')
}

/// Ruby's `\s`.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\x0B' | '\x0C')
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn left(quotes: &Quotes, quote: char) -> &str {
    &quotes.0[if quote == '"' { 2 } else { 0 }]
}

fn right(quotes: &Quotes, quote: char) -> &str {
    &quotes.0[if quote == '"' { 3 } else { 1 }]
}

/// `text` with kramdown's typography; `emphasis_follows` says whether emphasis markup
/// (`*`, `_`) comes right after the text, which kramdown's first rule looks at.
pub fn smarten<'t>(text: &'t str, emphasis_follows: bool, quotes: &Quotes) -> Cow<'t, str> {
    smarten_around(text, emphasis_follows, quotes, &[], None, "")
}

/// How many characters of the source after a run of text kramdown's quote rules look at
/// (`(?=[_*]{1,2}\S)`, `(?=SQ_PUNCT(?!\.\.)\B)`: up to three).
const LOOKAHEAD: usize = 3;

/// [`smarten`], the characters at the byte offsets `escaped` (escaped with a backslash or
/// written as a character reference in the source) left as they are; each comes with the source's
/// character there (`\\`, `&`), which is what kramdown's rules see when they look at it.
/// `before` is the source's character before the text when kramdown's scanner can stand on
/// it (the line break before a line's text: `None` after markup, which its parsers
/// consumed). `after` is the source that follows the text (markup such as `**` or `[`,
/// `](u)`): kramdown's rules look ahead into it, since its scanner reads the paragraph's
/// source, not the text alone.
fn smarten_around<'t>(
    text: &'t str,
    emphasis_follows: bool,
    quotes: &Quotes,
    escaped: &[(usize, char)],
    before: Option<char>,
    after: &str,
) -> Cow<'t, str> {
    // Most text has nothing to change (a decimal point is not an ellipsis): one pass over
    // the bytes decides, without decoding.
    let bytes = text.as_bytes();
    let changes = bytes.iter().enumerate().any(|(i, &b)| match b {
        b'"' | b'\'' => true,
        b'-' | b'.' | b'<' | b'>' => bytes.get(i + 1) == Some(&b),
        _ => false,
    });
    if !changes {
        return Cow::Borrowed(text);
    }
    // The text's characters, which are written; whether each is literal (escaped or a
    // reference's); and what kramdown's rules look at: the source's characters (`\"` for an
    // escaped quote, `&` for a character reference's), then a few of the source after the
    // text, `seen_at[i]` being where the text's character `i` stands in them. (`escaped` is in
    // order of place: one pass.)
    let chars: Vec<char> = text.chars().collect();
    let end = chars.len();
    let mut literal: Vec<bool> = Vec::with_capacity(if escaped.is_empty() { 0 } else { end });
    let mut seen: Vec<char> = Vec::with_capacity(chars.len() + LOOKAHEAD);
    let mut seen_at: Vec<usize> = Vec::with_capacity(chars.len());
    let mut next_escaped = escaped.iter().peekable();
    for (at, c) in text.char_indices() {
        seen_at.push(seen.len());
        while next_escaped.next_if(|&&(e, _)| e < at).is_some() {}
        let source = next_escaped
            .next_if(|&&(e, _)| e == at)
            .map(|&(_, source)| source);
        if !escaped.is_empty() {
            literal.push(source.is_some());
        }
        match source {
            Some('&') => seen.push('&'),
            Some(source) => seen.extend([source, c]),
            None => seen.push(c),
        }
    }
    seen.extend(after.chars().take(LOOKAHEAD));
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    // Where the last quote or symbol kramdown replaced ends: its scanner resumes there, so a
    // quote right after it has no character before it to stand on.
    let mut resumed = before.is_none().then_some(0);
    while i < end {
        let c = chars[i];
        if literal.get(i) == Some(&true) {
            out.push(c);
            i += 1;
            resumed = Some(i);
        } else if c == '"' || c == '\'' {
            // A backslash before the quote: kramdown's start pattern cannot stand on it; a
            // `*`, `_`, `[` or backtick was read by the parser of emphasis, links or code
            // spans, which kept it as text when nothing followed: either way the scanner
            // stands on the quote, as at the start of a run.
            let previous = match i.checked_sub(1) {
                _ if resumed == Some(i) => None,
                Some(k) => Some(chars[k]),
                None => before,
            }
            .filter(|c| !matches!(c, '\\' | '*' | '_' | '[' | '`'));
            i += smart_quote(
                &chars,
                &seen[seen_at[i]..],
                i,
                previous,
                emphasis_follows,
                quotes,
                &mut out,
            );
            resumed = Some(i);
        } else if let Some(&(pattern, symbol)) = SYMBOLS.iter().find(|(pattern, _)| {
            // Read in the source's characters: an escaped or referenced one (`\.`, `&#46;`)
            // is none of a symbol's.
            i + pattern.len() <= end
                && pattern
                    .chars()
                    .eq(seen[seen_at[i]..].iter().copied().take(pattern.len()))
        }) {
            out.push(symbol);
            i += pattern.len();
            resumed = Some(i);
        } else {
            out.push(c);
            i += 1;
        }
    }
    Cow::Owned(out)
}

/// kramdown's typographic symbols, longest first where two share a start (ASCII, so a
/// pattern's length in bytes is its length in characters). Each begins with a doubled
/// character, which is what [`smarten`]'s first pass looks for.
const SYMBOLS: [(&str, char); 5] = [
    ("---", '\u{2014}'),
    ("--", '\u{2013}'),
    ("...", '\u{2026}'),
    ("<<", '\u{AB}'),
    (">>", '\u{BB}'),
];

/// Writes the quote at `chars[i]` (and, for the two-quote rules, the next one) as kramdown
/// would; returns how many characters were consumed. `chars` is the text (what may be
/// consumed), `ahead` the source from the quote on (what the rules look at), `previous` the
/// character kramdown's scanner stands on before the quote (`None`: it stands on the quote,
/// as at the start of a run, or right after a quote or symbol it replaced: `"a""b"` is
/// ”a”“b”).
fn smart_quote(
    chars: &[char],
    ahead: &[char],
    i: usize,
    previous: Option<char>,
    emphasis_follows: bool,
    quotes: &Quotes,
    out: &mut String,
) -> usize {
    let quote = chars[i];
    let at = |k: usize| ahead.get(k - i).copied();
    let next = at(i + 1);
    // A quote the rules may take with this one: in the text.
    let is_quote = |c: Option<char>| i + 1 < chars.len() && matches!(c, Some('"' | '\''));
    match previous {
        // The scanner stands on the character before the quote.
        Some(p) if is_space(p) => {
            if let Some(consumed) = pair_or_decade(chars, ahead, i, quotes, out) {
                return consumed;
            }
            // `(\s)('|")(?=\w)`, else the last rules: an opening quote either way.
            out.push_str(left(quotes, quote));
            1
        }
        Some(p) if is_sq_close(p) => {
            // `(SQ_CLOSE)('|")`: a closing quote.
            out.push_str(right(quotes, quote));
            1
        }
        // `[`, `{`, `(`, `-` before the quote: only `(.?)'` / `(.?)"` match: opening.
        Some(_) => {
            out.push_str(left(quotes, quote));
            1
        }
        // The scanner stands on the quote.
        None => {
            // `("|')(?=[_*]{1,2}\S)`: emphasis follows (`[_*]` then anything but a space,
            // which `*` or `_` is).
            let emphasis = next.is_some_and(|c| c == '_' || c == '*')
                && at(i + 2).is_some_and(|c| !is_space(c));
            if emphasis || (next.is_none() && emphasis_follows) {
                out.push_str(left(quotes, quote));
                return 1;
            }
            // `("|')(?=SQ_PUNCT(?!\.\.)\B)`
            if let Some(p) = next.filter(|&c| is_sq_punct(c)) {
                let dots = at(i + 2) == Some('.') && at(i + 3) == Some('.');
                let boundary = at(i + 2).is_some_and(is_word) != is_word(p);
                if !dots && !boundary {
                    out.push_str(right(quotes, quote));
                    return 1;
                }
            }
            if let Some(consumed) = pair_or_decade(chars, ahead, i, quotes, out) {
                return consumed;
            }
            // `(SQ_CLOSE)('|")`: the quote itself is the "closing" character when another
            // quote follows; it stays straight and the second one closes.
            if is_quote(next) {
                out.push(quote);
                out.push_str(right(quotes, next.expect("a quote")));
                return 2;
            }
            // `("|')(?=\s|s\b|$)`
            let s_word = next == Some('s') && !at(i + 2).is_some_and(is_word);
            if next.is_none_or(is_space) || s_word {
                out.push_str(right(quotes, quote));
                return 1;
            }
            out.push_str(left(quotes, quote));
            1
        }
    }
}

/// The rules that apply wherever kramdown's scanner stands: `(\s?)"'(?=\w)` and
/// `(\s?)'"(?=\w)` (two opening quotes) and `(\s?)'(?=\d\ds)` (a decade: '90s). Returns the
/// characters consumed when one matched.
fn pair_or_decade(
    chars: &[char],
    ahead: &[char],
    i: usize,
    quotes: &Quotes,
    out: &mut String,
) -> Option<usize> {
    let quote = chars[i];
    let at = |k: usize| ahead.get(k - i).copied();
    // The second quote is taken too: it must be the text's, and not a literal one.
    let next = at(i + 1).filter(|&c| i + 1 < chars.len() && (c == '"' || c == '\''));
    if let Some(second) = next.filter(|&c| c != quote && at(i + 2).is_some_and(is_word)) {
        out.push_str(left(quotes, quote));
        out.push_str(left(quotes, second));
        return Some(2);
    }
    let digit = |k: usize| at(k).is_some_and(|c| c.is_ascii_digit());
    if quote == '\'' && digit(i + 1) && digit(i + 2) && at(i + 3) == Some('s') {
        out.push_str(&quotes.0[1]);
        return Some(1);
    }
    None
}

/// What the source says of an event's text, for [`apply`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TextSource<'a> {
    /// The text starts with a character escaped in the source (`\'`, `\.`) or written as a
    /// character reference (`&quot;`, `&#46;`), which kramdown's typography leaves as it is:
    /// the source's first character there (`\\` or `&`).
    pub literal: Option<char>,
    /// The source after the event (kramdown's rules look ahead into it).
    pub after: &'a str,
}

/// Applies [`smarten`] to the text of `events` outside code blocks, merging adjacent text
/// events first (pulldown-cmark splits text at some characters, kramdown's scanner does not).
/// Text that does not change keeps its event as it was (no copy). Each event comes with what
/// its source says ([`TextSource`]).
/// The text of consecutive text events, waiting for the typography.
enum Pending<'a> {
    One(CowStr<'a>),
    Joined(String),
}

impl Pending<'_> {
    fn len(&self) -> usize {
        match self {
            Pending::One(text) => text.len(),
            Pending::Joined(text) => text.len(),
        }
    }
}

pub fn apply<'a>(events: Vec<(Event<'a>, TextSource<'a>)>, quotes: &Quotes) -> Vec<Event<'a>> {
    let mut escaped: Vec<(usize, char)> = Vec::new();
    let mut after = "";
    // The source's character before the pending text, if kramdown's scanner can stand on it.
    let mut before = None;
    let flush = |pending: &mut Option<Pending<'a>>,
                 escaped: &mut Vec<(usize, char)>,
                 before: Option<char>,
                 after: &str,
                 out: &mut Vec<Event<'a>>,
                 emphasis: bool| {
        if let Some(text) = pending.take() {
            let text = match text {
                Pending::One(text) => text,
                Pending::Joined(text) => CowStr::from(text),
            };
            let text = match smarten_around(&text, emphasis, quotes, escaped, before, after) {
                Cow::Borrowed(_) => text,
                Cow::Owned(smart) => CowStr::from(smart),
            };
            out.push(Event::Text(text));
        }
        escaped.clear();
    };
    let mut out: Vec<Event<'a>> = Vec::with_capacity(events.len());
    let mut in_code = 0usize;
    let mut pending: Option<Pending<'a>> = None;
    for (event, source) in events {
        match event {
            Event::Text(text) if in_code == 0 => {
                let at = pending.as_ref().map_or(0, Pending::len);
                if let Some(written) = source.literal {
                    escaped.push((at, written));
                }
                after = source.after;
                // Joined in one growing buffer: a copy of all before at each piece was
                // quadratic (a million `<` are a million text events).
                pending = Some(match pending.take() {
                    None => Pending::One(text),
                    Some(Pending::One(before)) => Pending::Joined(format!("{before}{text}")),
                    Some(Pending::Joined(mut before)) => {
                        before.push_str(&text);
                        Pending::Joined(before)
                    }
                });
                continue;
            }
            Event::Start(Tag::Emphasis | Tag::Strong) => {
                flush(&mut pending, &mut escaped, before, after, &mut out, true)
            }
            _ => flush(&mut pending, &mut escaped, before, after, &mut out, false),
        }
        // A soft break is the paragraph's line break, which kramdown's scanner stands on.
        before = matches!(event, Event::SoftBreak).then_some('\n');
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            _ => {}
        }
        out.push(event);
    }
    flush(&mut pending, &mut escaped, before, after, &mut out, false);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> String {
        smarten(text, false, &Quotes::default()).into_owned()
    }

    /// Each case is what Jekyll 4.3.1 (kramdown 2.4, GFM input) writes for the same text.
    #[test]
    fn quotes_dashes_and_ellipses_follow_kramdown() {
        assert_eq!(
            s("He said \"hello\" and 'bye' -- then --- and ... also it's the '90s, \"quoted 'inner' text\"."),
            "He said “hello” and ‘bye’ – then — and … also it’s the ’90s, “quoted ‘inner’ text”."
        );
        assert_eq!(
            s("A line with <<angle quotes>> and 5--10 pages, and \"multiple\" \"quotes\"."),
            "A line with «angle quotes» and 5–10 pages, and “multiple” “quotes”."
        );
        // After a Chinese character a quote closes, whichever side it is on.
        assert_eq!(
            s("中文里的\"引号\"和'单引号'，还有……省略号。"),
            "中文里的”引号”和’单引号’，还有……省略号。"
        );
        assert_eq!(s("\"Quoted\" at the start"), "“Quoted” at the start");
        // A quote right after a quote (or a symbol) kramdown replaced: its scanner stands on
        // the quote, so `""` between words is a closing then an opening quote.
        assert_eq!(
            s("那些\"三天速效\"\"纯天然\"\"祖传秘方\"字样"),
            "那些”三天速效”“纯天然”“祖传秘方”字样"
        );
        assert_eq!(s("wait...\" he said"), "wait…” he said");
        assert_eq!(s("no quotes at all"), "no quotes at all");
        let quotes = Quotes::default();
        assert!(matches!(
            smarten("纯中文", false, &quotes),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            smarten("升至6.3512，-1", false, &quotes),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_site_can_choose_its_quotes() {
        let names = |text: &str| text.split(',').map(String::from).collect::<Vec<_>>();
        let straight = Quotes::from_setting(&names("apos,apos,quot,quot")).unwrap();
        assert_eq!(smarten("\"a\" 'b'", false, &straight), "\"a\" 'b'");
        let german = Quotes::from_setting(&names("sbquo, lsquo, bdquo, ldquo")).unwrap();
        assert_eq!(smarten("\"a\"", false, &german), "„a“");
        let numbers = Quotes::from_setting(&names("8216,8217,171,187")).unwrap();
        assert_eq!(smarten("\"a\"", false, &numbers), "«a»");
        assert_eq!(Quotes::from_setting(&names("lsquo,rsquo,ldquo")), None);
        assert_eq!(
            Quotes::from_setting(&names("lsquo,rsquo,ldquo,nonsense")),
            None
        );
    }
}
