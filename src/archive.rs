//! The only module that touches the network: fetching and decoding the archive files
//! (`archive/manifest.json`, `archive/index.json`, `archive/bodies/NNNN.json`). URLs are
//! relative to the page, so the app works at a site root and under any sub-path.

use std::collections::HashMap;

use gazette_core::archive::{self, BodyChunk, Manifest, PostIndex, INDEX_FILE, MANIFEST_FILE};
use gloo::net::http::Request;

/// Folder of the archive, relative to `index.html`.
pub const ARCHIVE_FOLDER: &str = "archive/";

/// Fetches a file of the archive as text, turning every failure into a sentence.
async fn fetch_text(file: &str) -> Result<String, String> {
    let url = format!("{ARCHIVE_FOLDER}{file}");
    let response = Request::get(&url)
        .send()
        .await
        .map_err(|e| format!("无法下载 {url}：{e}"))?;
    if !response.ok() {
        return Err(format!(
            "无法下载 {url}：服务器返回 {} {}",
            response.status(),
            response.status_text()
        ));
    }
    response
        .text()
        .await
        .map_err(|e| format!("读取 {url} 时中断：{e}"))
}

fn decode<T: for<'de> serde::Deserialize<'de>>(file: &str, text: &str) -> Result<T, String> {
    archive::decode(file, text).map_err(|e| format!("存档文件损坏：{e}"))
}

pub async fn fetch_manifest() -> Result<Manifest, String> {
    decode(MANIFEST_FILE, &fetch_text(MANIFEST_FILE).await?)
}

pub async fn fetch_index() -> Result<PostIndex, String> {
    decode(INDEX_FILE, &fetch_text(INDEX_FILE).await?)
}

/// Fetches body chunk `number` as a map from post id to its HTML (not yet trusted: the
/// article view sanitizes it again before it reaches the page).
pub async fn fetch_chunk(number: u32) -> Result<HashMap<String, String>, String> {
    let path = archive::chunk_path(number);
    let chunk: BodyChunk = decode(&path, &fetch_text(&path).await?)?;
    Ok(chunk.bodies.into_iter().map(|b| (b.id, b.html)).collect())
}
