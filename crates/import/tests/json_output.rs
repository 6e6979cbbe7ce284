//! The archive's files are written by `sonic_rs` for speed, and must be byte for byte what
//! `serde_json::to_vec` writes: the app parses them with serde_json, and archives must stay
//! reproducible across builder versions. Checked on every file of an archive built from the
//! fixture posts, the XSS vectors as post bodies, and a post whose title, category, tag and
//! body hold every character JSON escapes, as does the site's title in the manifest.

use std::path::{Path, PathBuf};

use gazette_archive::model::SiteInfo;
use gazette_import::build::{build_archive, BuildInput};
use gazette_import::import::{import_file, ImportSettings, Outcome, SourceFile};
use gazette_import::store::ArchiveFile;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable fixture folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn serde_json_bytes(file: &ArchiveFile<'_>) -> Vec<u8> {
    let mut bytes = match file {
        ArchiveFile::Manifest(v) => serde_json::to_vec(v),
        ArchiveFile::Categories(v) => serde_json::to_vec(v),
        ArchiveFile::Tags(v) => serde_json::to_vec(v),
        ArchiveFile::Days(v) => serde_json::to_vec(v),
        ArchiveFile::List(v) => serde_json::to_vec(v),
        ArchiveFile::SegmentLists(v) => serde_json::to_vec(v),
        ArchiveFile::Summaries(v) => serde_json::to_vec(v),
        ArchiveFile::Ids(v) => serde_json::to_vec(v),
        // Binary, not JSON: its own round trip is tested in `archive`.
        ArchiveFile::Search(v) => {
            let mut bytes = Vec::new();
            v.write(&mut bytes);
            return bytes;
        }
        ArchiveFile::Positions(v) => {
            let mut bytes = Vec::new();
            v.write(&mut bytes);
            return bytes;
        }
        ArchiveFile::Index(bytes) => return bytes.to_vec(),
        ArchiveFile::Bodies(v) => serde_json::to_vec(v),
        ArchiveFile::Text(text) => return text.as_bytes().to_vec(),
    }
    .expect("archive types serialize");
    bytes.push(b'\n');
    bytes
}

/// Every character JSON writes escaped (C0 controls, `"`, `\`), DEL, the line separators
/// JavaScript once choked on, a lone surrogate's replacement, and text around them.
fn every_escape() -> String {
    let mut text: String = (0u8..0x20).map(char::from).collect();
    text.push_str("\"\\/\u{7f}\u{2028}\u{2029}\u{fffd}\u{feff}人民币 A股 <b>&amp;</b>");
    text
}

/// `text` as a YAML double-quoted scalar, with every character YAML does not allow raw in
/// its stream written as an escape.
fn yaml_quoted(text: &str) -> String {
    let mut quoted = String::from('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                quoted.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

fn posts() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
    let mut paths = Vec::new();
    files_under(&root.join("fixtures"), &mut paths);
    let mut posts: Vec<(String, Vec<u8>)> = paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("a readable fixture");
            (path.display().to_string(), bytes)
        })
        .collect();

    let vectors: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("xss/vectors.json")).expect("the XSS vectors"),
    )
    .expect("valid JSON");
    for (index, vector) in vectors["vectors"]
        .as_array()
        .expect("a vectors array")
        .iter()
        .enumerate()
    {
        let html = vector["html"].as_str().expect("a vector's HTML");
        posts.push((
            format!("_posts/2024-01-01-xss-{index}.html"),
            format!("---\ntitle: xss {index}\ncategories: [xss]\n---\n{html}\n").into_bytes(),
        ));
    }

    let escapes = every_escape();
    let quoted = yaml_quoted(&escapes);
    posts.push((
        "_posts/2024-01-02-escapes.md".into(),
        format!(
            "---\ntitle: {quoted}\ncategories: [{quoted}]\ntags: [{quoted}]\n---\n{}\n",
            escapes.replace(['\r', '\n', '\0'], " ")
        )
        .into_bytes(),
    ));
    posts
}

#[test]
fn sonic_rs_writes_what_serde_json_writes() {
    let settings = ImportSettings {
        zone: "Asia/Shanghai".parse().expect("a known zone"),
        url: "https://example.org".into(),
        baseurl: "/archive".into(),
        title: every_escape(),
        excerpt_separator: None,
        markdown: Default::default(),
        ..ImportSettings::default()
    };
    let outcomes: Vec<Outcome> = posts()
        .iter()
        .map(|(path, bytes)| import_file(SourceFile { path, bytes }, &settings))
        .collect();
    let imported = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Post(_)))
        .count();
    assert!(imported > 100, "only {imported} posts imported");
    let (archive, _) = build_archive(BuildInput::of_outcomes(
        SiteInfo {
            title: every_escape(),
            url: "https://example.org".into(),
            baseurl: "/archive".into(),
            ..SiteInfo::default()
        },
        outcomes,
    ));
    assert!(
        archive.manifest.site.title.contains('\u{1f}') && !archive.documents.is_empty(),
        "the manifest and the feeds carry the title with every escape"
    );
    let escaped = archive
        .files()
        .iter()
        .filter(|(_, file)| {
            matches!(file, ArchiveFile::Summaries(group)
                if group.posts.iter().any(|p| p.title.contains('\u{1f}')))
        })
        .count();
    assert_eq!(escaped, 1, "the post with every escape is in the archive");
    for (path, file) in archive.files() {
        let mut ours = Vec::new();
        file.write(&mut ours);
        let reference = serde_json_bytes(&file);
        assert!(
            ours == reference,
            "{path} differs from serde_json's output:\n{}\n{}",
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&reference)
        );
    }
}
