//! Parsing that never loses a body: when the engine refuses a body (an unknown tag or filter,
//! a syntax error), each piece of markup it cannot read on its own is shown as text (wrapped
//! in `{% raw %}`) with a warning, and the rest is parsed again. A body whose blocks still do
//! not parse (an `if` never closed) is not run at all.

use liquid_core::{Language, Template};

use super::first_line;
use super::prepare::{inner, Prepared};

/// A warning: `(0-based body line, message)`.
pub(super) type Warning = (usize, String);

/// Tags that only make sense inside a block; alone they never parse.
pub(super) fn is_block_part(name: &str) -> bool {
    matches!(
        name,
        "else" | "elsif" | "when" | "break" | "continue" | "cycle"
    ) || name.starts_with("end")
}

/// The template, and the warnings about what was shown as text; or the one warning saying
/// why the body does not run.
pub(super) fn parse(
    prepared: &Prepared,
    language: &Language,
) -> Result<(Template, Vec<Warning>), Warning> {
    if let Some(refusal) = &prepared.refusal {
        return Err(refusal.clone());
    }
    let first_error = match parse_guarded(&prepared.text, language) {
        Ok(elements) => return Ok((Template::new(elements), Vec::new())),
        Err(error) => error.to_string(),
    };
    let mut warnings = Vec::new();
    let mut text = String::with_capacity(prepared.text.len() + 64);
    let mut copied = 0;
    for markup in &prepared.markups {
        let source = prepared.source(markup);
        let problem = if !markup.is_tag {
            parse_guarded(source, language).err()
        } else if language.blocks.get(&markup.name).is_some() || is_block_part(&markup.name) {
            None
        } else if language.tags.get(&markup.name).is_some() {
            parse_guarded(source, language).err()
        } else if markup.name.is_empty() {
            Some(liquid_core::Error::with_msg("unclosed or empty tag"))
        } else {
            Some(liquid_core::Error::with_msg(format!(
                "unknown tag `{}`",
                markup.name
            )))
        };
        let Some(problem) = problem else { continue };
        if markup.start < copied {
            continue;
        }
        let written = prepared.written(markup);
        warnings.push((
            markup.line,
            format!(
                "Liquid {{{}}}: {}; shown as text",
                shown(written),
                first_line(&problem.to_string())
            ),
        ));
        text.push_str(&prepared.text[copied..markup.start]);
        text.push_str("{% raw %}");
        text.push_str(written);
        text.push_str("{% endraw %}");
        copied = markup.end;
    }
    text.push_str(&prepared.text[copied..]);
    match parse_guarded(&text, language) {
        Ok(elements) => Ok((Template::new(elements), warnings)),
        Err(error) => {
            let message = if warnings.is_empty() {
                first_error
            } else {
                error.to_string()
            };
            Err((
                error_line(&message).unwrap_or_else(|| prepared.line_of_error(&message)),
                format!(
                    "Liquid cannot be read ({}): the body is shown with its Liquid as text",
                    first_line(&message)
                ),
            ))
        }
    }
}

/// `{{ x | f }}` → `{ x | f }` with the inside trimmed (the warning's own braces).
fn shown(source: &str) -> String {
    let opener = &source[..2.min(source.len())];
    let body = inner(source);
    match opener {
        "{{" => format!("{{ {body} }}"),
        _ => format!("% {body} %"),
    }
}

/// The 0-based line of a parser error that names one (` --> 3:5`).
fn error_line(message: &str) -> Option<usize> {
    let at = message.find("--> ")?;
    let digits: String = message[at + 4..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse::<usize>().ok().map(|l| l.saturating_sub(1))
}

/// The engine's parser, whose panics (an integer literal past 64 bits overflows inside it)
/// are its errors here: the markup that sets one off is shown as text like any other markup
/// it cannot read, instead of the post being lost.
pub(super) fn parse_guarded(
    text: &str,
    language: &Language,
) -> liquid_core::Result<Vec<Box<dyn liquid_core::Renderable>>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        liquid_core::parser::parse(text, language)
    }))
    .unwrap_or_else(|_| {
        Err(liquid_core::Error::with_msg(
            "the Liquid parser failed on it (a number too large?)",
        ))
    })
}
