// Prepares the peer side of the search benchmark (issue 6): from a Gazette archive, writes into
// WORKDIR/site/ everything the browser needs to run each peer, and WORKDIR/prepare.json with
// each peer's index build time and size on disk.
//
//   node tests/bench/peers/prepare.mjs ARCHIVE WORKDIR [--peers pagefind,flexsearch,minisearch]
//
// - Pagefind 1.6.0: one HTML page per post (site/p/NNN/<id>.html, `<html lang="zh-CN">`, the
//   title in `<h1>`, the body in `<main data-pagefind-body>`), indexed by the npm package's
//   extended binary (the only build that segments Chinese) into site/pagefind/.
// - FlexSearch 0.8.212 and MiniSearch 7.2.0: built in Node from title + plain text
//   (build-index.mjs, one process each), exported/serialized to site/flexsearch/ and
//   site/minisearch/.
// - The small pages that run each peer in the browser (web/) and the libraries' browser builds.
//
// Every peer indexes the same text Gazette does: the title and the article text, without the
// navigation blocks (finews' "返回…" footers and the bare source link).
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { ALL_PEERS, articleHtml, peerArgs, readArchive } from './common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, 'node_modules');
if (!existsSync(join(modules, 'pagefind'))) {
  console.error(`${modules} is missing: run \`npm ci\` in ${here} first.`);
  process.exit(2);
}
export const VERSIONS = Object.fromEntries(await Promise.all(ALL_PEERS.map(async (p) => [p, JSON.parse(await readFile(join(modules, p, 'package.json'), 'utf8')).version])));


function escapeHtml(text) {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** Total size and count of the files under dir, grouped by classify(relative path). */
async function sizes(dir, classify = () => 'all') {
  const groups = {};
  let total = 0, files = 0;
  async function walk(d, rel) {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path, relPath);
      else {
        const { size } = await stat(path);
        const group = classify(relPath);
        groups[group] = (groups[group] ?? 0) + size;
        total += size; files++;
      }
    }
  }
  await walk(dir, '');
  return { total, files, groups };
}

// A build that needs more memory than this is stopped and reported (the machine is shared;
// the kernel's OOM killer would pick a process of its own choosing).
const MAX_RSS_BYTES = Number(process.env.PEERS_MAX_RSS_GB ?? 16) * 2 ** 30;

/** Resident and peak resident memory of a running process, from /proc (Linux). */
async function memoryOf(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * Runs a command, watching its memory every 200 ms. Resolves with its output, its peak
 * resident memory (`peakBytes`, the last VmHWM seen) and `killed` when it passed MAX_RSS_BYTES.
 */
function run(command, args) {
  return new Promise((done) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', peakBytes = null, killed = null;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const watch = setInterval(async () => {
      const memory = await memoryOf(child.pid);
      if (!memory) return;
      peakBytes = Math.max(peakBytes ?? 0, memory.peak);
      if (memory.rss > MAX_RSS_BYTES && !killed) {
        killed = `stopped at ${(memory.rss / 2 ** 30).toFixed(1)} GiB resident (limit PEERS_MAX_RSS_GB=${MAX_RSS_BYTES / 2 ** 30})`;
        child.kill('SIGKILL');
      }
    }, 200);
    child.on('close', (code, signal) => {
      clearInterval(watch);
      done({ code, signal, stdout, stderr, peakBytes, killed });
    });
  });
}

/** A failed index build, with what is known of the attempt (size, time, memory). */
class BuildError extends Error {
  constructor(message, result, details) {
    const stderr = result.stderr.trim();
    super(stderr ? `${message}: ${stderr.slice(-1500)}` : message);
    this.details = details;
  }
}

/** Reads a gzipped Pagefind file (fragment) and returns its JSON after the `pagefind_dcd` mark. */
async function readPagefindFile(path) {
  const chunks = [];
  for await (const chunk of createReadStream(path).pipe(createGunzip())) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return JSON.parse(text.slice(text.indexOf('{')));
}

async function preparePagefind(posts, site, workdir) {
  // One page per post, 1000 to a folder.
  const pagesDir = join(site, 'p');
  await rm(pagesDir, { recursive: true, force: true });
  const urlToId = new Map();
  for (const post of posts) {
    const folder = String(Math.floor(post.ordinal / 1000)).padStart(3, '0');
    const rel = `p/${folder}/${post.id}.html`;
    if (post.ordinal % 1000 === 0) await mkdir(join(site, 'p', folder), { recursive: true });
    const title = escapeHtml(post.title);
    await writeFile(join(site, rel), `<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head>\n`
      + `<body><main data-pagefind-body><h1>${title}</h1>\n${articleHtml(post.html)}</main></body></html>\n`);
    urlToId.set(`/${rel}`, post.id);
  }
  // The extended binary from the npm platform package (`@pagefind/linux-x64`): Pagefind's
  // release for Chinese/Japanese segmentation. The plain `pagefind` binary would not segment.
  const { resolveBinaryPath } = await import(join(modules, 'pagefind', 'lib', 'resolveBinary.js'));
  const binary = resolveBinaryPath(['pagefind_extended']);
  if (!binary.endsWith('pagefind_extended')) throw new Error(`Pagefind's extended binary not found (got ${binary})`);
  await rm(join(site, 'pagefind'), { recursive: true, force: true });
  const start = performance.now();
  const result = await run(binary, ['--site', site, '--output-subdir', 'pagefind', '--quiet']);
  const seconds = (performance.now() - start) / 1000;
  if (result.code !== 0) {
    throw new BuildError(`pagefind_extended failed on ${posts.length} pages: ${result.killed ?? `exit ${result.code ?? result.signal}`}`, result, {
      pages: posts.length, build_s_until_failure: seconds, peak_rss_bytes: result.peakBytes,
    });
  }
  const entry = JSON.parse(await readFile(join(site, 'pagefind', 'pagefind-entry.json'), 'utf8'));
  // Result ids in the browser are fragment names; map them to post ids once, here, so the
  // benchmark never has to fetch fragments to know which posts a search found.
  const fragmentIds = {};
  for (const name of await readdir(join(site, 'pagefind', 'fragment'))) {
    const fragment = await readPagefindFile(join(site, 'pagefind', 'fragment', name));
    const id = urlToId.get(decodeURI(fragment.url));
    if (id === undefined) throw new Error(`pagefind fragment ${name}: unknown url ${fragment.url}`);
    fragmentIds[name.replace(/\.pf_fragment$/, '')] = id;
  }
  await writeFile(join(workdir, 'pagefind-ids.json'), JSON.stringify(fragmentIds));
  const UI = /^pagefind-(component-ui|modular-ui|ui|highlight)\.|^playground\//;
  const size = await sizes(join(site, 'pagefind'), (rel) => {
    if (rel.startsWith('index/')) return 'index_chunks';
    if (rel.startsWith('fragment/')) return 'fragments';
    if (rel.endsWith('.pf_meta') || rel.endsWith('.pf_filter') || rel === 'pagefind-entry.json') return 'meta';
    if (UI.test(rel)) return 'ui_not_counted';
    return 'runtime'; // pagefind.js, pagefind-worker.js, wasm.*.pagefind
  });
  const ui = size.groups.ui_not_counted ?? 0;
  delete size.groups.ui_not_counted;
  return {
    version: VERSIONS.pagefind,
    binary: binary.split('/').pop(),
    languages: Object.fromEntries(Object.entries(entry.languages).map(([lang, l]) => [lang, l.page_count])),
    fragments: Object.keys(fragmentIds).length,
    build_s: seconds,
    peak_rss_bytes: result.peakBytes,
    // Everything the JS API needs (runtime, meta, index chunks, fragments); the bundled UI
    // files, which the benchmark does not use, are reported apart.
    index_bytes_total: size.total - ui,
    index_files: size.files,
    index_bytes_breakdown: size.groups,
    ui_bytes_not_counted: ui,
  };
}

async function prepareJsPeer(peer, archiveDir, site) {
  const script = join(here, 'build-index.mjs');
  const result = await run(process.execPath, ['--max-old-space-size=16384', script, peer, archiveDir, join(site, peer)]);
  const json = result.stdout.trim().split('\n').pop();
  if (result.code !== 0 || !json?.startsWith('{')) {
    throw new BuildError(`${peer} index build failed: ${result.killed ?? `exit ${result.code ?? result.signal}`}`, result, {
      peak_rss_bytes: result.peakBytes,
    });
  }
  const stats = JSON.parse(json);
  delete stats.peer;
  stats.peak_rss_bytes = Math.max(result.peakBytes ?? 0, stats.peak_rss_bytes);
  return { version: VERSIONS[peer], ...stats };
}

/** The benchmark pages and the libraries' browser builds. */
async function copyWeb(site) {
  await mkdir(join(site, 'lib'), { recursive: true });
  for (const name of await readdir(join(here, 'web'))) await copyFile(join(here, 'web', name), join(site, name));
  await copyFile(join(modules, 'flexsearch', 'dist', 'flexsearch.bundle.module.min.mjs'), join(site, 'lib', 'flexsearch.mjs'));
  await copyFile(join(modules, 'minisearch', 'dist', 'es', 'index.js'), join(site, 'lib', 'minisearch.mjs'));
}

async function main() {
  const { archiveDir, workdir, peers } = peerArgs(process.argv.slice(2), 'prepare.mjs');
  const site = join(workdir, 'site');
  await mkdir(site, { recursive: true });
  const previous = JSON.parse(await readFile(join(workdir, 'prepare.json'), 'utf8').catch(() => '{}'));

  const posts = await readArchive(archiveDir);
  await writeFile(join(workdir, 'ids.json'), JSON.stringify(posts.map((p) => p.id))); // ordinal → post id
  const report = { archive: archiveDir, posts: posts.length, peers: { ...(previous.archive === archiveDir ? previous.peers : {}) } };
  for (const peer of peers) {
    console.error(`prepare: ${peer}…`);
    try {
      report.peers[peer] = peer === 'pagefind' ? await preparePagefind(posts, site, workdir) : await prepareJsPeer(peer, archiveDir, site);
    } catch (error) {
      report.peers[peer] = { version: VERSIONS[peer], error: String(error.message ?? error), ...error.details };
    }
    console.error(`prepare: ${peer}: ${JSON.stringify(report.peers[peer])}`);
  }
  await copyWeb(site);
  await writeFile(join(workdir, 'prepare.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
