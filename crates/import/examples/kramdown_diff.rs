//! The Gazette side of `tests/kramdown-diff/run.sh`, which renders random markups with
//! kramdown (Jekyll's Markdown) and with Gazette and counts where they differ.
//!
//!     kramdown_diff gen SET COUNT SEED > docs     random markups, separated by "\n\0\n"
//!     kramdown_diff render docs > gazette.html     Gazette's HTML of each, each then "\0"
//!     kramdown_diff compare docs kramdown.html [SHOWN [BEFORE]]
//!
//! `compare` renders each markup as a post body (`gazette_import::markdown::render`, which
//! sanitizes), sanitizes kramdown's HTML of it with the same policy, and compares the two
//! without their white space; it prints the first SHOWN differences (default 10) and the
//! count. With BEFORE (what `render` wrote at another commit), it counts the markups a
//! change made the same and those it made differ, and shows the latter instead. SET picks the pieces: `quotes` (typography next to markup and references),
//! `html` (lines that start with tags, in paragraphs, lists and quotes) or `blocks` (lists,
//! quotes, code, headings, tables, emphasis).

use gazette_import::markdown::{render, MarkdownOptions};
use gazette_sanitize::sanitize_html;

const QUOTES: &[&str] = &[
    "\"", "'", "\"", "'", "a", "word", " ", " ", "**", "*", "_", "[a](u)", "[", "](u)", "<b>x</b>",
    ".", ",", "(", ")", "-", "--", "...", "s", "90s", "\\\"", "&quot;", "&#39;", "`c`", "\n", "x",
    "?", ":", "!", "\\.", "&#46;",
];

const HTML: &[&str] = &[
    "word",
    "x",
    " ",
    " ",
    "\n",
    "\n",
    "\n\n",
    "*a*",
    "\"q\"",
    "[l](u)",
    "\n<div>d</div>",
    "\n<video src=\"v\"></video>",
    "\n</div>",
    "\n<notextile>n--n</notextile>",
    "\n<SPAN>s</SPAN>",
    "\n<ab>",
    "\n<a-b>t",
    "\n<span>y</span>",
    "\n  <p>z</p>",
    "\n    <div>i</div>",
    "\n<blockquote class=\"c\">b</blockquote>",
    "\n</span>",
    "\n<custom-el a=\"1\">c</custom-el>",
    "\n<iframe src=\"f\"></iframe>",
    "\n<br>",
    "\n<img src=\"i\">",
    "\n- item",
    "\n> quote",
    "\n# h",
    "<b>x</b>",
    "<div>",
    "</div>",
    "\n<table><tr><td>c</td></tr></table>",
    "\n<!-- c -->",
    "\n<p>",
    "\n</p>",
    "\n<kbd>k...</kbd>",
    "\n<u>*u*</u>",
];

const BLOCKS: &[&str] = &[
    "word",
    "x",
    " ",
    "\n",
    "\n",
    "\n\n",
    "- ",
    "* ",
    "1. ",
    "2) ",
    "> ",
    "# ",
    "    ",
    "  ",
    "```\n",
    "~~~\n",
    "`",
    "*",
    "**",
    "_",
    "__",
    "|",
    "|---|",
    "\\",
    "[a](u)",
    "![i](u)",
    "<http://a.b>",
    "$$",
    "{: .c}",
    ": ",
    "^",
    "上海",
    "，",
    "**免责：**",
    "~~s~~",
    "---\n",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen") => generate(&args[1..]),
        Some("render") => {
            let docs = std::fs::read_to_string(&args[1]).expect("a readable file");
            for doc in docs.split("\n\0\n") {
                print!("{}\0", render(doc, &MarkdownOptions::default()).html);
            }
        }
        Some("compare") => compare(&args[1..]),
        _ => {
            eprintln!(
                "usage: kramdown_diff gen SET COUNT SEED | render DOCS \
                 | compare DOCS KRAMDOWN_HTML [SHOWN [BEFORE]]"
            );
            std::process::exit(2);
        }
    }
}

fn generate(args: &[String]) {
    let pieces = match args.first().map(String::as_str) {
        Some("quotes") => QUOTES,
        Some("html") => HTML,
        Some("blocks") => BLOCKS,
        _ => panic!("SET is quotes, html or blocks"),
    };
    let count: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1000);
    let mut state: u64 = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1) | 1;
    let mut below = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let docs: Vec<String> = (0..count)
        .map(|_| {
            let len = 2 + below(11);
            (0..len).map(|_| pieces[below(pieces.len())]).collect()
        })
        .collect();
    print!("{}", docs.join("\n\0\n"));
}

fn compare(args: &[String]) {
    let read = |path: &String| std::fs::read_to_string(path).expect("a readable file");
    let docs = read(&args[0]);
    let kramdown = read(&args[1]);
    let shown: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10);
    let squeeze = |html: &str| html.split_whitespace().collect::<String>();
    let docs: Vec<&str> = docs.split("\n\0\n").collect();
    let kramdown: Vec<&str> = kramdown.split('\0').collect();
    assert!(
        kramdown.len() > docs.len() - 1,
        "kramdown rendered fewer markups than given"
    );
    let before: Option<Vec<String>> = args
        .get(3)
        .map(|path| read(path).split('\0').map(String::from).collect());
    let (mut differ, mut fixed, mut broken) = (0, 0, 0);
    for (i, (doc, theirs)) in docs.iter().zip(&kramdown).enumerate() {
        let ours = squeeze(&render(doc, &MarkdownOptions::default()).html);
        let theirs = squeeze(&sanitize_html(theirs));
        let same = ours == theirs;
        let same_before = before.as_ref().map(|before| squeeze(&before[i]) == theirs);
        differ += usize::from(!same);
        match same_before {
            Some(true) if !same => broken += 1,
            Some(false) if same => fixed += 1,
            _ => {}
        }
        let show = match same_before {
            Some(same_before) => same_before && !same && broken <= shown,
            None => !same && differ <= shown,
        };
        if show {
            println!("{doc:?}\n  kramdown: {theirs}\n  gazette:  {ours}");
        }
    }
    println!("{differ} of {} markups differ", docs.len());
    if before.is_some() {
        println!("against BEFORE: {fixed} made the same, {broken} made to differ");
    }
}
