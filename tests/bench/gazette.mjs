// Gazette in headless Chromium: time to the first list and bytes before it (home), search
// latency cold and warm for the fixed queries with bytes fetched per query, filter-keystroke
// latency, and tab memory. Prints one JSON object. Run by `cargo xtask bench`.
//
// usage: node tests/bench/gazette.mjs DIST_DIR [--home-only]
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { resolve, join } from 'node:path';
import { serve } from '../e2e/server.mjs';
import { launch } from '../e2e/browser.mjs';
import { median, WARM_REPEATS } from './peers/common.mjs';

const dist = resolve(process.argv[2] ?? 'dist');
const homeOnly = process.argv.includes('--home-only');
const { queries } = JSON.parse(await readFile(new URL('./queries.json', import.meta.url)));
const server = await serve({ '/gazette/': { dir: dist } });
const base = `${server.url}/gazette/`;
// Chromium, whatever GAZETTE_BROWSER says: the memory figures come from its DevTools protocol.
const browser = await launch({ browser: 'chromium' });

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Navigates to a search and resolves with [milliseconds until its results render, bytes fetched]. */
async function timedSearch(page, query) {
  return page.evaluate((query) => new Promise((done) => {
    const start = performance.now();
    const hash = '#/search?q=' + encodeURIComponent(query);
    if (location.hash === hash) throw new Error(`already showing ${query}`);
    const finished = () => {
      const title = document.querySelector('#posts-title')?.textContent ?? '';
      const count = document.querySelector('.result-count');
      return title.includes(query.trim()) && count && location.hash === hash;
    };
    const settle = () => {
      const bytes = performance.getEntriesByType('resource')
        .filter((e) => e.startTime >= start)
        .reduce((sum, e) => sum + (e.encodedBodySize || e.transferSize || 0), 0);
      const query = performance.getEntriesByName('gazette-query').filter((e) => e.startTime >= start).pop();
      done([performance.now() - start, bytes, query ? query.duration : null]);
    };
    const observer = new MutationObserver(() => {
      if (finished()) {
        observer.disconnect();
        // Let the summary fetches of the first rows start, so their bytes count too.
        setTimeout(settle, 0);
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    location.hash = hash;
  }), query);
}

const result = {};

// Home: time to first list, and the bytes fetched before it — as served here (no
// compression) and gzipped (as GitHub Pages serves them), file by file. Three fresh tabs;
// the median time is kept.
{
  const times = [];
  for (let i = 0; i < 3; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(base);
    await page.locator('.newest .post-item').first().waitFor();
    times.push(Date.now() - start);
    const urls = await page.evaluate(() => [location.href.split('#')[0],
      ...performance.getEntriesByType('resource').map((e) => e.name)]);
    if (i === 0) {
      let raw = 0, gzip = 0;
      const files = [];
      for (const url of new Set(urls)) {
        let path = decodeURIComponent(new URL(url).pathname).replace(/^\/gazette\//, '');
        if (path === '' || path.endsWith('/')) path += 'index.html';
        const bytes = await readFile(join(dist, path));
        raw += bytes.length;
        // A stored .gz is served as it is (no second compression).
        gzip += path.endsWith('.gz') ? bytes.length : gzipSync(bytes).length;
        files.push(path);
        if (path === 'archive/manifest.json') result.home_manifest_bytes = bytes.length;
      }
      Object.assign(result, { home_bytes: raw, home_bytes_gzip: gzip, home_files: files });
    }
    await context.close();
  }
  result.home_ms = percentile(times, 50);
  result.home_ms_all = times;
}

if (homeOnly) {
  await browser.close();
  await server.close();
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}

// Search: cold (fresh page per query: shards fetched over localhost HTTP, results on screen)
// and warm (the same query again, WARM_REPEATS times, median: the query engine's own time,
// from the app's User Timing measure, and the time until the list is in the DOM).
{
  const cold = [], warm = [], warmQuery = [], bytes = [], hits = {};
  for (const query of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(base);
    await page.locator('.newest .post-item').first().waitFor();
    const [coldMs, coldBytes] = await timedSearch(page, query);
    const warmRuns = [];
    for (let i = 0; i < WARM_REPEATS; i++) {
      await page.evaluate(() => { location.hash = '#/'; });
      await page.locator('.newest .post-item').first().waitFor();
      warmRuns.push(await timedSearch(page, query));
    }
    const warmMs = median(warmRuns.map((run) => run[0]));
    warmQuery.push(median(warmRuns.map((run) => run[2] ?? 0)));
    hits[query] = Number((await page.locator('.result-count').innerText()).match(/共 (\d+) 篇/)?.[1] ?? 0);
    cold.push(coldMs); warm.push(warmMs); bytes.push(coldBytes);
    await context.close();
  }
  result.search = {
    cold_p50_ms: percentile(cold, 50), cold_p95_ms: percentile(cold, 95),
    warm_query_p50_ms: percentile(warmQuery, 50), warm_query_p95_ms: percentile(warmQuery, 95),
    warm_render_p50_ms: percentile(warm, 50), warm_render_p95_ms: percentile(warm, 95),
    bytes_per_cold_query_p50: percentile(bytes, 50), bytes_per_cold_query_mean: Math.round(bytes.reduce((a, b) => a + b, 0) / bytes.length),
    hits,
  };
}

// Filter keystrokes: typing into the search box of a search view, one key at a time.
{
  const context = await browser.newContext();
  const page = await context.newPage();
  // Trunk announces the instantiated wasm module; keep it to read its memory size.
  await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__gazetteWasm = e.detail.wasm; }));
  await page.goto(`${base}#/search?q=人`);
  await page.locator('.result-count').waitFor();
  await page.locator('#search-input').focus();
  await page.keyboard.press('End');
  // Real key presses in the search box: Chinese characters arrive as text input (as from an
  // IME commit), spaces as text, deletions as Backspace. Steps that leave the trimmed query
  // unchanged (a trailing space) have nothing new to show and are not timed.
  const steps = [...'民币', ' ', ...'汇率', ...Array(5).fill('Backspace')];
  const press = async (step) => {
    await page.evaluate(() => {
      // From the keystroke's input event (its timestamp is when the key arrived) until the
      // heading and list show the new query and the page is laid out again: the main-thread
      // work one keystroke costs before the browser can paint it.
      window.__keystroke = new Promise((done) => addEventListener('input', (event) => {
        const start = event.timeStamp;
        const query = event.target.value.trim();
        const before = document.querySelector('#posts-title')?.textContent ?? '';
        if (before.includes(`“${query}”`)) { done(null); return; }
        const observer = new MutationObserver(() => {
          if (!(document.querySelector('#posts-title')?.textContent ?? '').includes(`“${query}”`)) return;
          observer.disconnect();
          document.body.getBoundingClientRect();
          done(performance.now() - start);
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      }, { once: true, capture: true }));
    });
    if (step === 'Backspace') await page.keyboard.press('Backspace');
    else await page.keyboard.insertText(step);
    return page.evaluate(() => window.__keystroke);
  };
  // The first pass fetches the shards; the next ones time each keystroke against a warm cache.
  for (const step of steps) await press(step);
  const times = [];
  for (let round = 0; round < 3; round++) {
    for (const step of steps) {
      const ms = await press(step);
      if (ms !== null) times.push(ms);
    }
  }
  result.keystroke_samples = times.length;
  result.keystroke_all_ms = times.map((t) => Math.round(t * 10) / 10);
  result.keystroke_p50_ms = percentile(times, 50);
  result.keystroke_p95_ms = percentile(times, 95);
  // Memory after browsing and searching: JS heap (after GC) plus the wasm linear memory.
  const client = await context.newCDPSession(page);
  await client.send('HeapProfiler.collectGarbage');
  const { usedSize } = await client.send('Runtime.getHeapUsage');
  result.js_heap_bytes = usedSize;
  result.wasm_memory_bytes = await page.evaluate(() => window.__gazetteWasm?.memory?.buffer?.byteLength ?? null);
  await context.close();
}

await browser.close();
await server.close();
console.log(JSON.stringify(result, null, 2));
