//! The only module that touches the network: fetching and decoding the archive's files
//! (layout in `docs/archive-format.md`). URLs are relative to the page, so the app works at
//! a site root and under any sub-path.

use gazette_archive::i18n::Text;

use crate::i18n::tf;
use gazette_archive::archive::{
    self, ArchiveError, Manifest, PositionShard, SearchShard, MANIFEST_FILE,
};
use gloo::net::http::Request;
use serde::de::DeserializeOwned;

/// Folder of the archive, relative to `index.html`.
pub const ARCHIVE_FOLDER: &str = "archive/";

/// The archive bundled into the page itself (the single-file build, which must work from
/// `file://` where nothing can be fetched): `<script type="application/json"
/// id="gazette-archive">` holding `{"<path>": "<the file's bytes in Base64>", …}`, the files
/// as stored (gzip), so they take the same decoding path as fetched ones. Read once.
fn bundled_file(file: &str) -> Option<Result<Vec<u8>, String>> {
    use base64::Engine as _;
    thread_local! {
        static BUNDLE: Option<std::collections::HashMap<String, String>> = gloo::utils::document()
            .get_element_by_id("gazette-archive")
            .and_then(|element| element.text_content())
            .and_then(|text| serde_json::from_str(&text).ok());
    }
    BUNDLE.with(|bundle| {
        let bundle = bundle.as_ref()?;
        Some(match bundle.get(file) {
            None => Err(tf(Text::ErrorNotBundled, &[("file", file)])),
            Some(text) => base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|e| damaged(format!("{file}: {e}"))),
        })
    })
}

thread_local! {
    /// The manifest in use, once it has arrived (without its home page, which no URL needs).
    static VERSIONS: std::cell::RefCell<Option<Manifest>> = const { std::cell::RefCell::new(None) };
    /// The files whose last download could not be used. The next download of one (a Retry)
    /// asks the server itself, past the browser's cache and the service worker's, which
    /// would otherwise give the same damaged bytes again after the host is fixed.
    static FAILED: std::cell::RefCell<std::collections::HashSet<String>> =
        std::cell::RefCell::new(std::collections::HashSet::new());
}

/// The URL of an archive file. Every file but the manifest carries a version (`?v=…`,
/// [`Manifest::version_of`]): its segment's, for the files of one segment of posts, else
/// the manifest's build. So after the archive is rebuilt no cache can pair the new manifest
/// with an old summary group, shard or body chunk (GitHub Pages lets browsers keep files ten
/// minutes; the service worker keeps them until their URL changes), and the files of a
/// segment the update left as it was keep their URL, and stay cached.
fn url_of(file: &str) -> String {
    let mut url = format!("{ARCHIVE_FOLDER}{file}");
    VERSIONS.with_borrow(|manifest| {
        let version = manifest.as_ref().map_or("", |m| m.version_of(file));
        if file != MANIFEST_FILE && !version.is_empty() {
            url.push_str("?v=");
            url.push_str(version);
        }
    });
    url
}

/// Fetches a file of the archive as bytes (as stored: most are gzip), turning every
/// failure into a sentence.
async fn fetch_bytes(file: &str) -> Result<Vec<u8>, String> {
    let url = url_of(file);
    // A server that never answers, or stops halfway, is an error after a while instead of
    // "Loading…" forever: the request is aborted (the timer stops when this returns).
    let controller = web_sys::AbortController::new().ok();
    let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
    let _timer = controller.clone().map(|controller| {
        let timed_out = timed_out.clone();
        gloo::timers::callback::Timeout::new(FETCH_TIMEOUT_MS, move || {
            timed_out.set(true);
            controller.abort();
        })
    });
    let too_late = || {
        tf(
            Text::ErrorTimedOut,
            &[
                ("url", &url),
                ("seconds", &(FETCH_TIMEOUT_MS / 1000).to_string()),
            ],
        )
    };
    let reload = FAILED.with_borrow(|failed| failed.contains(file));
    let response = Request::get(&url)
        .cache(match reload {
            true => web_sys::RequestCache::Reload,
            false => web_sys::RequestCache::Default,
        })
        .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref())
        .send()
        .await
        .map_err(|e| {
            if timed_out.get() {
                return too_late();
            }
            tf(
                Text::ErrorDownload,
                &[("url", &url), ("error", &e.to_string())],
            )
        })?;
    if !response.ok() {
        return Err(tf(
            Text::ErrorStatus,
            &[
                ("url", &url),
                ("status", &response.status().to_string()),
                ("status_text", &response.status_text()),
            ],
        ));
    }
    response.binary().await.map_err(|e| {
        if timed_out.get() {
            return too_late();
        }
        tf(
            Text::ErrorInterrupted,
            &[("url", &url), ("error", &e.to_string())],
        )
    })
}

/// How long a file may take to arrive, in all.
const FETCH_TIMEOUT_MS: u32 = 60_000;

/// The bytes of an archive file, from the page's bundle or the network.
async fn file_bytes(file: &str) -> Result<Vec<u8>, String> {
    match bundled_file(file) {
        Some(bytes) => bytes,
        None => fetch_bytes(file).await,
    }
}

/// The sentence for an archive file that was fetched but cannot be used: `error` says which
/// file and why.
fn damaged(error: impl std::fmt::Display) -> String {
    tf(Text::ErrorDamaged, &[("error", &error.to_string())])
}

/// The sentence for a fetched file that cannot be read: a web page in its place (the host
/// does not have it) is not damage.
fn unreadable(error: ArchiveError) -> String {
    match error {
        ArchiveError::WebPage { file } => tf(Text::ErrorWebPage, &[("file", &file)]),
        other => damaged(other),
    }
}

/// Fetches one archive file and decodes it with `decode`, remembering whether it could be
/// used (see [`FAILED`]).
async fn fetch_with<T>(
    file: &str,
    decode: impl FnOnce(&[u8]) -> Result<T, String>,
) -> Result<T, String> {
    let result = match file_bytes(file).await {
        Ok(bytes) => decode(&bytes),
        Err(message) => Err(message),
    };
    FAILED.with_borrow_mut(|failed| match result.is_ok() {
        true => failed.remove(file),
        false => failed.insert(file.to_string()),
    });
    result
}

/// Fetches and decodes one JSON archive file (gzip or not, checking its `schema_version`).
pub async fn fetch<T: DeserializeOwned>(file: &str) -> Result<T, String> {
    fetch_checked(file, |_: &T| Ok(())).await
}

/// [`fetch`], then `check` on what it says (a table's length against the manifest): a file
/// that fails it could not be used either (see [`FAILED`]).
pub async fn fetch_checked<T: DeserializeOwned>(
    file: &str,
    check: impl FnOnce(&T) -> Result<(), ArchiveError>,
) -> Result<T, String> {
    fetch_with(file, |bytes| {
        let value = archive::decode_bytes(file, bytes).map_err(unreadable)?;
        check(&value).map_err(damaged)?;
        Ok(value)
    })
    .await
}

/// Fetches and decodes one search shard (binary, gzip or not).
pub async fn fetch_search_shard(file: &str) -> Result<SearchShard, String> {
    fetch_with(file, |bytes| {
        archive::decode_search_shard(file, bytes).map_err(unreadable)
    })
    .await
}

/// Fetches and decodes one position shard (binary, gzip or not).
pub async fn fetch_position_shard(file: &str) -> Result<PositionShard, String> {
    fetch_with(file, |bytes| {
        archive::decode_position_shard(file, bytes).map_err(unreadable)
    })
    .await
}

pub async fn fetch_manifest() -> Result<Manifest, String> {
    let manifest = fetch_checked(MANIFEST_FILE, Manifest::check).await?;
    VERSIONS.set(Some(Manifest {
        home: Default::default(),
        ..manifest.clone()
    }));
    Ok(manifest)
}
