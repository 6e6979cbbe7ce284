// Runs the peer side of the search benchmark (issue 6) in the same headless Chromium as
// tests/bench/gazette.mjs, on what prepare.mjs wrote, and prints one JSON object.
//
//   node tests/bench/peers/run.mjs ARCHIVE WORKDIR [--peers pagefind,flexsearch,minisearch]
//
// For each peer and each of the 30 queries of tests/bench/queries.json, in a fresh browser
// context (empty cache):
//   navigation done  page.goto(<peer>.html) resolved: the load event, the page's module and
//                    the library's code (FlexSearch, MiniSearch) fetched and run; no index yet.
//   cold load        bench.load(): fetch + load the index. Pagefind: import pagefind.js,
//                    init() (wasm + zh-cn metadata). FlexSearch: fetch the exported files and
//                    import them. MiniSearch: fetch the JSON and loadJSON it.
//   cold query       bench.query(q) on the just-loaded index, until the result ids are in hand
//                    (Pagefind fetches the index chunks of the query's words here).
//   cold             cold load + cold query, each timed in the page with performance.now().
//   warm             the same query again on the same page, WARM_REPEATS times, median:
//                    performance.now() around the search call only (Pagefind:
//                    pagefind.search(), result ids, no fragments).
// Bytes come from the Resource Timing API (encodedBodySize) of the page and of its workers
// (Pagefind searches in a Web Worker), split by start time into the load and query phases.
// Hits are the number of result ids; recall compares them with ground truth (recall.mjs).
// Memory: one more fresh page loads the index, runs all 30 queries, collects garbage and reads
// the JS heap (CDP Runtime.getHeapUsage) and the wasm memories it created; Pagefind runs with
// noWorker there so that its heap is in the page.
//
//   node tests/bench/peers/run.mjs ARCHIVE WORKDIR --queries FILE [--peers …]
//
// answers another query set instead (a JSON list of strings, or an object whose `queries` are
// strings or { query } objects, as tests/bench/precision.mjs --write-queries writes it), without
// timing: one page per peer loads the index once and runs every query; prints
// { archive, posts, queries, peers: { <peer>: { version, hits: { query: [post id, …] } } } }.
// tests/bench/precision.mjs uses the same code (`peerHits`) for its precision and recall.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../e2e/server.mjs';
import { launch } from '../../e2e/browser.mjs';
import { ALL_PEERS, isChineseQuery, median, peerArgs, percentile, WARM_REPEATS } from './common.mjs';
import { recall } from './recall.mjs';

const LOAD_TIMEOUT_MS = Number(process.env.PEERS_LOAD_TIMEOUT_MS ?? 300_000);
const QUERY_TIMEOUT_MS = 120_000;


const log = (...args) => console.error('peers:', ...args);

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms / 1000} s`)), ms); }),
  ]);
}

/** Resource Timing entries of the page and of its workers, with absolute start times. */
async function resources(page) {
  const read = () => performance.getEntriesByType('resource').map((e) => ({
    name: e.name,
    start: performance.timeOrigin + e.startTime,
    bytes: e.encodedBodySize || e.transferSize || 0,
  }));
  const all = await page.evaluate(read);
  for (const worker of page.workers()) all.push(...await worker.evaluate(read).catch(() => []));
  return all;
}

const sum = (values) => values.reduce((a, b) => a + b, 0);
const mean = (values) => (values.length ? sum(values) / values.length : null);
const round = (value, digits = 1) => (value === null || value === undefined ? null : Number(value.toFixed(digits)));

/** One query on a fresh page: cold load, cold query, warm query. */
async function coldAndWarm(browser, url, query) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    const load = await withTimeout(page.evaluate(async () => {
      const start = performance.now();
      await window.bench.load();
      const end = performance.now();
      return { start: performance.timeOrigin + start, end: performance.timeOrigin + end, ms: end - start };
    }), LOAD_TIMEOUT_MS, 'loading the index');
    const cold = await withTimeout(page.evaluate(async (query) => {
      const start = performance.now();
      const { ids } = await window.bench.query(query);
      const end = performance.now();
      return { start: performance.timeOrigin + start, ms: end - start, hits: ids.length };
    }, query), QUERY_TIMEOUT_MS, 'cold query');
    const entries = await resources(page);
    const loadBytes = sum(entries.filter((e) => e.start >= load.start && e.start < cold.start).map((e) => e.bytes));
    const queryBytes = sum(entries.filter((e) => e.start >= cold.start).map((e) => e.bytes));
    const warmRuns = [];
    for (let i = 0; i < WARM_REPEATS; i++) {
      warmRuns.push(await withTimeout(page.evaluate((query) => window.bench.query(query), query), QUERY_TIMEOUT_MS, 'warm query'));
    }
    const warmMs = median(warmRuns.map((run) => run.ms));
    return { loadMs: load.ms, coldQueryMs: cold.ms, coldMs: load.ms + cold.ms, warmMs, loadBytes, queryBytes, coldHits: cold.hits, ids: warmRuns[0].ids };
  } finally {
    await context.close().catch(() => {});
  }
}

// Records the wasm memories a page creates (Pagefind's search runs in wasm).
function hookWasmMemory() {
  const memories = [];
  window.__wasmMemories = memories;
  const keep = (result) => {
    const instance = result?.instance ?? result;
    for (const value of Object.values(instance?.exports ?? {})) if (value instanceof WebAssembly.Memory) memories.push(value);
    return result;
  };
  const { instantiate, instantiateStreaming } = WebAssembly;
  WebAssembly.instantiate = function (...args) { return instantiate.apply(this, args).then(keep); };
  if (instantiateStreaming) WebAssembly.instantiateStreaming = function (...args) { return instantiateStreaming.apply(this, args).then(keep); };
}

/** Tab memory after loading the index and running every query once. */
async function memory(browser, url, queries) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(hookWasmMemory);
    await page.goto(url);
    await withTimeout(page.evaluate(() => window.bench.load()), LOAD_TIMEOUT_MS, 'loading the index');
    for (const query of queries) await withTimeout(page.evaluate(async (q) => { await window.bench.query(q); }, query), QUERY_TIMEOUT_MS, 'query');
    const client = await context.newCDPSession(page);
    await client.send('HeapProfiler.collectGarbage');
    const { usedSize } = await client.send('Runtime.getHeapUsage');
    const wasm = await page.evaluate(() => window.__wasmMemories.reduce((s, m) => s + m.buffer.byteLength, 0));
    return { js_heap_bytes: usedSize, wasm_memory_bytes: wasm || null };
  } finally {
    await context.close().catch(() => {});
  }
}

async function runPeer(browser, base, peer, queries, prepared, toPostId, archiveDir) {
  const out = { version: prepared?.version ?? null };
  if (!prepared || prepared.error) {
    // The index could not be built: say so, with what the attempt cost.
    out.error = `no index: ${prepared?.error ?? 'run prepare.mjs first'}`;
    for (const [key, value] of Object.entries(prepared ?? {})) {
      if (!['version', 'error'].includes(key)) out[key === 'peak_rss_bytes' ? 'index_build_peak_rss_bytes' : key] = value;
    }
    return out;
  }
  for (const key of ['build_s', 'index_bytes_total', 'index_files', 'index_bytes_breakdown', 'peak_rss_bytes']) {
    if (key in prepared) out[key === 'build_s' ? 'index_build_s' : key === 'peak_rss_bytes' ? 'index_build_peak_rss_bytes' : key] = prepared[key];
  }
  const url = `${base}/${peer}.html`;
  const runs = {};
  for (const query of queries) {
    try {
      runs[query] = await coldAndWarm(browser, url, query);
      log(peer, JSON.stringify(query), `load ${runs[query].loadMs.toFixed(0)} ms, query ${runs[query].coldQueryMs.toFixed(1)} ms, warm ${runs[query].warmMs.toFixed(1)} ms, ${runs[query].ids.length} hits`);
    } catch (error) {
      // A page that cannot load the index (out of memory: the tab crashes; or too slow) fails
      // the same way for every query: report it once, with the size it tried, and stop.
      out.error = `${String(error.message ?? error).split('\n')[0]} (query ${JSON.stringify(query)}; index ${prepared.index_bytes_total} bytes in ${prepared.index_files} files)`;
      log(peer, 'failed:', out.error);
      break;
    }
  }
  const done = Object.values(runs);
  out.queries_run = done.length;
  if (!done.length) return out;
  const pick = (key) => done.map((r) => r[key]);
  Object.assign(out, {
    cold_p50_ms: round(percentile(pick('coldMs'), 50)),
    cold_p95_ms: round(percentile(pick('coldMs'), 95)),
    cold_load_p50_ms: round(percentile(pick('loadMs'), 50)),
    cold_load_p95_ms: round(percentile(pick('loadMs'), 95)),
    cold_query_p50_ms: round(percentile(pick('coldQueryMs'), 50)),
    cold_query_p95_ms: round(percentile(pick('coldQueryMs'), 95)),
    warm_p50_ms: round(percentile(pick('warmMs'), 50), 2),
    warm_p95_ms: round(percentile(pick('warmMs'), 95), 2),
    bytes_per_cold_query_p50: percentile(pick('queryBytes'), 50),
    bytes_per_cold_query_mean: Math.round(mean(pick('queryBytes'))),
    index_load_bytes_p50: percentile(pick('loadBytes'), 50),
    index_load_bytes_mean: Math.round(mean(pick('loadBytes'))),
  });
  out.hits = Object.fromEntries(Object.entries(runs).map(([q, r]) => [q, r.ids.length]));
  const mismatched = Object.entries(runs).filter(([, r]) => r.coldHits !== r.ids.length).map(([q]) => q);
  if (mismatched.length) out.cold_warm_hit_mismatch = mismatched;
  if (done.length === queries.length) {
    try {
      Object.assign(out, await memory(browser, peer === 'pagefind' ? `${url}?noworker` : url, queries));
    } catch (error) {
      out.memory_error = String(error.message ?? error).split('\n')[0];
    }
  }
  // Recall for the Chinese queries, against the posts that really contain them.
  const chinese = Object.keys(runs).filter(isChineseQuery);
  const unknown = new Set();
  const hitsByQuery = Object.fromEntries(chinese.map((q) => [q, runs[q].ids.map((id) => {
    const postId = toPostId(id);
    if (postId === undefined) unknown.add(String(id));
    return postId ?? `?${id}`;
  })]));
  if (unknown.size) out.unknown_result_ids = [...unknown].slice(0, 5);
  out.recall = await recall(archiveDir, hitsByQuery);
  const withTruth = Object.values(out.recall).filter((r) => r.truth > 0);
  out.recall_mean = round(mean(withTruth.map((r) => r.recall)), 3);
  out.recall_total = round(sum(withTruth.map((r) => r.containing)) / sum(withTruth.map((r) => r.truth)), 3);
  for (const r of Object.values(out.recall)) r.recall = round(r.recall, 3);
  return out;
}

/** What prepare.mjs wrote in WORKDIR, and how each peer's result ids map to post ids. */
async function readPrepared(archiveDir, workdir) {
  const report = JSON.parse(await readFile(join(workdir, 'prepare.json'), 'utf8'));
  if (report.archive !== archiveDir) throw new Error(`${workdir} was prepared from ${report.archive}, not ${archiveDir}`);
  const ordinalToId = JSON.parse(await readFile(join(workdir, 'ids.json'), 'utf8'));
  const fragmentToId = JSON.parse(await readFile(join(workdir, 'pagefind-ids.json'), 'utf8').catch(() => '{}'));
  const toPostId = {
    pagefind: (id) => fragmentToId[id],
    flexsearch: (id) => ordinalToId[id],
    minisearch: (id) => id,
  };
  return { report, toPostId };
}

/**
 * Every query of `queries` on each peer, untimed: one fresh page per peer loads the index
 * once and runs them all. Resolves with { <peer>: { version, hits: { query: [post id, …] },
 * unknown_result_ids?, error? } }; a peer without an index, or whose page fails, says so in
 * `error` (with the hits of the queries it answered before).
 */
export async function peerHits({ archiveDir, workdir, peers = ALL_PEERS, queries }) {
  const { report, toPostId } = await readPrepared(archiveDir, workdir);
  const server = await serve({ '/': { dir: join(workdir, 'site') } });
  const browser = await launch({ browser: 'chromium' });
  const out = {};
  try {
    for (const peer of peers) {
      const prep = report.peers[peer];
      const answer = { version: prep?.version ?? null, hits: {} };
      out[peer] = answer;
      if (!prep || prep.error) {
        answer.error = `no index: ${prep?.error ?? 'run prepare.mjs first'}`;
        continue;
      }
      log(`${peer}: ${queries.length} queries…`);
      const context = await browser.newContext();
      const unknown = new Set();
      try {
        const page = await context.newPage();
        await page.goto(`${server.url}/${peer}.html`);
        await withTimeout(page.evaluate(() => window.bench.load()), LOAD_TIMEOUT_MS, 'loading the index');
        for (const query of queries) {
          const { ids } = await withTimeout(page.evaluate((q) => window.bench.query(q), query), QUERY_TIMEOUT_MS, `query ${JSON.stringify(query)}`);
          answer.hits[query] = ids.map((id) => {
            const postId = toPostId[peer](id);
            if (postId === undefined) unknown.add(String(id));
            return postId ?? `?${id}`;
          });
        }
      } catch (error) {
        answer.error = `${String(error.message ?? error).split('\n')[0]} (after ${Object.keys(answer.hits).length} of ${queries.length} queries)`;
        log(peer, 'failed:', answer.error);
      } finally {
        await context.close().catch(() => {});
      }
      if (unknown.size) answer.unknown_result_ids = [...unknown].slice(0, 5);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return out;
}

/** The queries of a --queries file: a JSON list of strings, or { queries: [string | { query }] }. */
async function readQueries(file) {
  const data = JSON.parse(await readFile(file, 'utf8'));
  const list = Array.isArray(data) ? data : data.queries;
  if (!Array.isArray(list)) throw new Error(`${file}: expected a JSON list of queries, or an object with one in \`queries\``);
  return list.map((q) => (typeof q === 'string' ? q : q.query));
}

async function main() {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--queries');
  const queriesFile = at >= 0 ? argv.splice(at, 2)[1] : null;
  if (at >= 0 && !queriesFile) {
    console.error('usage: node run.mjs ARCHIVE WORKDIR [--peers …] [--queries FILE]');
    process.exit(2);
  }
  const { archiveDir, workdir, peers } = peerArgs(argv, 'run.mjs');
  if (queriesFile) {
    const queries = await readQueries(resolve(queriesFile));
    const { report } = await readPrepared(archiveDir, workdir);
    const answers = await peerHits({ archiveDir, workdir, peers, queries });
    console.log(JSON.stringify({ archive: archiveDir, posts: report.posts, queries: queries.length, peers: answers }));
    return;
  }
  const { report: preparedReport, toPostId } = await readPrepared(archiveDir, workdir);
  const { queries } = JSON.parse(await readFile(new URL('../queries.json', import.meta.url), 'utf8'));

  const server = await serve({ '/': { dir: join(workdir, 'site') } });
  // Chromium, whatever GAZETTE_BROWSER says: the memory figures come from its DevTools protocol.
  const browser = await launch({ browser: 'chromium' });
  const result = {
    archive: archiveDir,
    posts: preparedReport.posts,
    browser: `Chromium ${await browser.version()}`,
    queries: queries.length,
    definitions: {
      cold_ms: 'fresh browser context per query; from navigation done (load event: page and library code run, no index) until the result ids are in hand = cold_load + cold_query, timed in the page',
      cold_load_ms: 'fetching and loading the index (Pagefind: import pagefind.js + init: wasm and metadata)',
      cold_query_ms: 'the first query on the just-loaded index, fetches included (Pagefind: its index chunks); comparable with Gazette\'s cold search, which starts after the app and manifest are loaded (Gazette\'s also includes rendering the list)',
      warm_ms: 'the same query again on the loaded index, median of WARM_REPEATS runs: performance.now() around the search call (Pagefind: pagefind.search(), ids only, no fragments)',
      bytes_per_cold_query: 'Resource Timing encodedBodySize of what the cold query fetched after the index was loaded (page and workers)',
      index_load_bytes: 'Resource Timing encodedBodySize of what loading the index fetched',
      hits: 'result ids returned for the query',
      recall: 'per Chinese query: hits = result ids, containing = hits whose title + article text contains the query (both terms of a two-term query; a quoted phrase without quotes), truth = posts of the archive that contain it, recall = containing / truth',
      js_heap_bytes: 'after loading the index and running all queries once, after GC (CDP Runtime.getHeapUsage); Pagefind with noWorker so its work is in the page; wasm_memory_bytes apart',
    },
    peers: {},
  };
  try {
    for (const peer of peers) {
      log(`${peer}…`);
      result.peers[peer] = await runPeer(browser, server.url, peer, queries, preparedReport.peers[peer], toPostId[peer], archiveDir);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(format(result));
}

/** JSON with two-space indents, small flat objects (a query's recall) on one line. */
function format(value) {
  return JSON.stringify(value, null, 2).replace(/\{\n\s+([^{}[\]]*?)\n\s+\}/g, (whole, inner) => {
    const fields = inner.split(/,\n\s+/);
    return fields.length <= 4 ? `{ ${fields.join(', ')} }` : whole;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
