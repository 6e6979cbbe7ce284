//! The single-file build: one HTML file holding the app (wasm inlined as base64 and
//! instantiated from bytes, glue as a classic script), the styles and an archive, for opening
//! by double-click (`file://`), where module scripts and `fetch` do not work.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::run;
use crate::setup::Tools;

/// The largest archive bundled: a page much bigger than this is slow to open.
const MAX_ARCHIVE_BYTES: usize = 20 * 1024 * 1024;

pub fn single_file(tools: &Tools, archive: &Path, out: &Path) -> Result<()> {
    let work = Path::new("target/single-file");
    std::fs::create_dir_all(work)?;
    run(tools.command("cargo").args([
        "build",
        "--release",
        "--package",
        "gazette-app",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    run(tools
        .command("wasm-bindgen")
        .args(["--target", "no-modules", "--no-typescript", "--out-dir"])
        .arg(work)
        .arg("target/wasm32-unknown-unknown/release/gazette-app.wasm"))?;
    let wasm = work.join("gazette-app_bg.wasm");
    run(tools
        .command("wasm-opt")
        .args([
            "-Oz",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "-o",
        ])
        .arg(&wasm)
        .arg(&wasm))?;

    let glue = std::fs::read_to_string(work.join("gazette-app.js"))?;
    let wasm = std::fs::read(&wasm)?;
    let css = std::fs::read_to_string("static/style.css")?;
    let guard = std::fs::read_to_string("static/guard.js")?;
    let files = read_archive(archive)?;
    let archive_json = serde_json_string_map(&files);
    if archive_json.len() > MAX_ARCHIVE_BYTES {
        bail!(
            "the archive is {} MB; the single-file build takes at most {} MB",
            archive_json.len() >> 20,
            MAX_ARCHIVE_BYTES >> 20
        );
    }
    // The page's language and title from the archive, so they are right before the app
    // starts (it sets both again from the manifest).
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(archive.join("manifest.json"))?)
            .context("the archive's manifest.json is not JSON")?;
    let site_text = |key: &str| {
        manifest["site"][key]
            .as_str()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(escape_html)
    };
    let lang = site_text("lang").unwrap_or_else(|| "en".into());
    let title = site_text("title").unwrap_or_else(|| "Gazette".into());
    let html = format!(
        r#"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="color-scheme" content="light dark" />
<meta name="referrer" content="no-referrer" />
<title>{title}</title>
<style>{css}</style>
<script>{guard}</script>
<!-- In <head>: the app takes over <body> when it starts. -->
<script type="application/json" id="gazette-archive">{archive}</script>
</head>
<body>
<noscript>Gazette needs JavaScript and WebAssembly to show this archive. · Gazette 需要启用 JavaScript 和 WebAssembly 才能浏览存档。</noscript>
<script>{glue}</script>
<script>
// Instantiated from bytes: file:// pages cannot fetch, and Chromium refuses synchronous
// compilation of large modules on the main thread, so the async form with a buffer is used.
(function () {{
  var base64 = "{wasm}";
  var binary = atob(base64);
  var bytes = new Uint8Array(binary.length);
  for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  wasm_bindgen({{ module_or_path: bytes }}).then(function (wasm) {{
    dispatchEvent(new CustomEvent("TrunkApplicationStarted", {{ detail: {{ wasm: wasm }} }}));
  }}, function (error) {{
    console.error("Gazette could not start:", error);
    window.gazetteShowFatal("Gazette 无法启动 · could not start: " + (error && error.message || error));
  }});
}})();
</script>
</body>
</html>
"#,
        css = css,
        guard = guard.replace("</script", "<\\/script"),
        archive = archive_json.replace("</", "<\\/"),
        glue = glue.replace("</script", "<\\/script"),
        wasm = base64(&wasm),
    );
    if let Some(folder) = out.parent() {
        std::fs::create_dir_all(folder)?;
    }
    std::fs::write(out, html).with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!(
        "xtask: wrote {} ({} KB)",
        out.display(),
        std::fs::metadata(out)?.len() >> 10
    );
    Ok(())
}

/// Text for HTML: `&`, `<`, `>` and `"` escaped.
fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Every file of the archive but the feeds: relative path → its bytes in Base64, as stored
/// (mostly gzip): the app decodes them exactly as it decodes fetched files.
fn read_archive(archive: &Path) -> Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![archive.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)
            .with_context(|| format!("cannot read {}", folder.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let relative = path
                    .strip_prefix(archive)?
                    .to_string_lossy()
                    .replace('\\', "/");
                if relative.ends_with(".xml") {
                    continue;
                }
                files.insert(relative, base64(&std::fs::read(&path)?));
            }
        }
    }
    if !files.contains_key("manifest.json") {
        bail!(
            "{} holds no manifest.json: build an archive with `gazette build` first",
            archive.display()
        );
    }
    Ok(files)
}

/// `{"path": "text", …}` as JSON (the only JSON xtask writes, so no serde dependency).
fn serde_json_string_map(files: &BTreeMap<String, String>) -> String {
    let mut out = String::from("{");
    for (i, (path, text)) in files.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&json_string(path));
        out.push(':');
        out.push_str(&json_string(text));
    }
    out.push('}');
    out
}

fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"\x00\xff\xfe"), "AP/+");
    }

    #[test]
    fn json_strings_escape_what_json_requires() {
        assert_eq!(json_string("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    }
}
