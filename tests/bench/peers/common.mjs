// Shared by prepare.mjs, run.mjs and recall.mjs: reading a Gazette archive, the article text
// every peer indexes (the same text Gazette's builder indexes), and the CJK tokenizers.
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** An archive file as JSON (the stored `.json.gz` files decoded). */
export async function readArchiveJson(path) {
  const bytes = await readFile(path);
  return JSON.parse((path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
}

/** The archive format this checkout writes: `SCHEMA_VERSION` in crates/archive/src/archive.rs. */
async function schemaVersion() {
  const source = await readFile(new URL('../../../crates/archive/src/archive.rs', import.meta.url), 'utf8');
  const found = source.match(/pub const SCHEMA_VERSION: u32 = (\d+);/);
  if (!found) throw new Error('SCHEMA_VERSION not found in crates/archive/src/archive.rs');
  return Number(found[1]);
}

/**
 * Every post of a Gazette archive folder, in ordinal order (newest first):
 * [{ ordinal, id, title, html }]. `html` is the sanitized body HTML from bodies/NNNN.json.gz.
 */
export async function readArchive(archiveDir) {
  const manifest = JSON.parse(await readFile(join(archiveDir, 'manifest.json'), 'utf8'));
  const expected = await schemaVersion();
  if (manifest.schema_version !== expected) throw new Error(`${archiveDir}: archive schema_version ${manifest.schema_version}, expected ${expected}`);
  const posts = [];
  for (const name of (await readdir(join(archiveDir, 'summaries'))).filter((n) => n.endsWith('.json.gz')).sort()) {
    const group = await readArchiveJson(join(archiveDir, 'summaries', name));
    // Files hold posts by number (oldest first); the ordinal is the position newest first.
    group.posts.forEach((post, i) => posts.push({ ordinal: manifest.post_count - 1 - (group.first_number + i), id: post.id, title: post.title, html: null }));
  }
  posts.sort((a, b) => a.ordinal - b.ordinal);
  const byId = new Map(posts.map((post) => [post.id, post]));
  for (const name of (await readdir(join(archiveDir, 'bodies'))).filter((n) => n.endsWith('.json.gz')).sort()) {
    const chunk = await readArchiveJson(join(archiveDir, 'bodies', name));
    for (const body of chunk.bodies) {
      const post = byId.get(body.id);
      if (post) post.html = body.html;
    }
  }
  for (const post of posts) post.html ??= '';
  if (posts.length !== manifest.post_count) throw new Error(`${archiveDir}: ${posts.length} posts read, manifest says ${manifest.post_count}`);
  return posts;
}

// Elements that end a line of text when HTML is read as plain text (as in Gazette's
// `article_text` in crates/archive).
const BLOCK_ELEMENTS = new Set(['p', 'div', 'br', 'li', 'tr', 'td', 'th', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'center',
  'blockquote', 'pre', 'table', 'ul', 'ol', 'dl', 'dt', 'dd', 'hr', 'figure', 'figcaption']);

function unescapeText(text) {
  if (!text.includes('&')) return text;
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'")
    .replaceAll('&nbsp;', '\u00a0').replaceAll('&amp;', '&');
}

/**
 * Splits sanitized body HTML into blocks the way Gazette's builder reads article text: a
 * block ends at every block element's tag; a block whose only meaningful text is inside links
 * (finews' "返回…" footers, the bare source link) is navigation, not article text.
 * Returns [{ markup, text, navigation }] plus the block tags between them as { tag }.
 */
function blocks(html) {
  const out = [];
  let block = { markup: '', text: '', plain: false, link: false };
  let linkDepth = 0;
  const finish = () => {
    const text = block.text.split(/\s+/u).filter(Boolean).join(' ');
    out.push({ markup: block.markup, text, navigation: block.link && !block.plain });
    block = { markup: '', text: '', plain: false, link: false };
  };
  let rest = html;
  while (rest.length) {
    const lt = rest.indexOf('<');
    if (lt === 0) {
      const gt = rest.indexOf('>');
      const end = gt < 0 ? rest.length : gt + 1;
      const tag = rest.slice(1, Math.max(1, end - 1));
      const closing = tag.startsWith('/');
      const name = (tag.replace(/^\//, '').match(/^[A-Za-z0-9]*/)?.[0] ?? '').toLowerCase();
      if (name === 'a') linkDepth = closing ? Math.max(0, linkDepth - 1) : linkDepth + 1;
      if (BLOCK_ELEMENTS.has(name)) {
        finish();
        out.push({ tag: rest.slice(0, end) });
      } else {
        block.markup += rest.slice(0, end);
      }
      rest = rest.slice(end);
    } else {
      const end = lt < 0 ? rest.length : lt;
      const raw = rest.slice(0, end);
      const text = unescapeText(raw);
      if (/[\p{L}\p{N}]/u.test(text)) {
        if (linkDepth > 0) block.link = true;
        else block.plain = true;
      }
      block.text += text;
      block.markup += raw;
      rest = rest.slice(end);
    }
  }
  finish();
  return out;
}

/** The readable text of a body (navigation blocks left out), one line per block. */
export function articleText(html) {
  return blocks(html).filter((b) => b.text && !b.navigation).map((b) => b.text).join('\n');
}

/** The body HTML without its navigation blocks: what the Pagefind pages carry. */
export function articleHtml(html) {
  return blocks(html).map((b) => (b.tag ?? (b.navigation ? '' : b.markup))).join('');
}

/** The text every peer indexes and the ground truth searches: title, then article text. */
export function postText(post) {
  return `${post.title}\n${articleText(post.html)}`;
}

export { fold, indexTokens, queryTokens, isChineseQuery } from './web/tokenize.js';

export const ALL_PEERS = ['pagefind', 'flexsearch', 'minisearch'];

/** Warm figures are the median of this many repeats of the same query (Gazette's too): one
 * sample per query let a single garbage collection decide a p95 over 30 queries. */
export const WARM_REPEATS = 5;

/** The median of `values`. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * The command line of prepare.mjs and run.mjs: `ARCHIVE WORKDIR [--peers a,b]`, as
 * { archiveDir, workdir, peers } with absolute paths; prints the usage and exits 2 when
 * it is not that.
 */
export function peerArgs(argv, script) {
  const usage = () => {
    console.error(`usage: node ${script} ARCHIVE WORKDIR [--peers ${ALL_PEERS.join(',')}]`);
    process.exit(2);
  };
  const args = [...argv];
  let peers = ALL_PEERS;
  const at = args.indexOf('--peers');
  if (at >= 0) {
    peers = args[at + 1]?.split(',') ?? [];
    args.splice(at, 2);
    if (!peers.length || peers.some((p) => !ALL_PEERS.includes(p))) usage();
  }
  if (args.length !== 2) usage();
  const [archiveDir, workdir] = args.map((a) => resolve(a));
  return { archiveDir, workdir, peers };
}

export function percentile(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
