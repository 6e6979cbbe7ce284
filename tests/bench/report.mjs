// The tables of BENCHMARKS.md, from one run's target/bench/results.json (written by
// `cargo xtask bench`). Prints Markdown.
//
// usage: node tests/bench/report.mjs target/bench/results.json
import { readFile } from 'node:fs/promises';
import { WARM_REPEATS } from './peers/common.mjs';

const results = JSON.parse(await readFile(process.argv[2] ?? 'target/bench/results.json', 'utf8'));
const sizes = Object.entries(results.sizes ?? {}).sort(([a], [b]) => Number(a) - Number(b));
const out = [];
const line = (text = '') => out.push(text);
const n = (v, digits = 0) => (v === null || v === undefined || Number.isNaN(v) ? '–' : Number(v).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const kb = (bytes) => (bytes === null || bytes === undefined ? '–' : `${n(bytes / 1024, bytes < 10240 ? 1 : 0)} KB`);
const mb = (bytes) => (bytes === null || bytes === undefined ? '–' : `${n(bytes / 1048576, 1)} MB`);
const ms = (v) => (v === null || v === undefined ? '–' : `${n(v, v < 10 ? 2 : 0)} ms`);
const table = (header, rows) => {
  line(`| ${header.join(' | ')} |`);
  line(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) line(`| ${row.join(' | ')} |`);
  line();
};

const m = results.machine ?? {};
line(`Machine: ${m.cpu ?? '?'}, ${m.cores ?? '?'} cores, ${m.memory ?? '?'} RAM; ${m.rustc ?? ''}; ${m.chromium ?? ''}; Node ${m.node ?? ''}; ${m.date ?? ''}.`);
line('Command: `cargo xtask bench` (one run; corpus `gazette gen --seed 1` at each size).');
line();

line('### Builder');
line();
line('Each size is built three times, each into a fresh folder after `sync`; the table shows the median run (all three wall times in the last column).');
line();
const runs = (b) => (b.runs_wall_s ?? [b.wall_s]).map((w) => n(w, 2)).join(' / ') + ' s';
const cpu = (b) => (b.user_s === undefined ? '–' : `${n(b.user_s, 2)} + ${n(b.kernel_s, 2)} s`);
table(['posts', 'files read', 'wall time', 'posts/s', 'CPU (user + kernel)', 'peak memory', 'phases (discover / import / assemble + index, the rest written meanwhile / index written)', 'runs (wall)'],
  sizes.map(([posts, s]) => {
    const b = s.builder ?? {};
    const p = b.phases_s ?? {};
    return [n(Number(posts)), n(b.files_read), `${n(b.wall_s, 2)} s`, n(b.posts_per_s), cpu(b), `${n(b.peak_mb)} MB`,
      ['discover', 'import', 'assemble', 'write'].map((k) => `${n(p[k], 2)} s`).join(' / '), runs(b)];
  }));

if (results.jekyll) {
  const j = results.jekyll;
  line(`### Against Jekyll, the same ${n(j.posts)} posts`);
  line();
  table(['builder', 'wall time', 'peak memory', 'output'], [
    ['`gazette build` (median of three)', `${n(j.gazette.wall_s, 2)} s`, `${n(j.gazette.peak_mb)} MB`, `${n(j.gazette.posts_written)} posts`],
    [`\`jekyll build\` (${j.jekyll.version || 'Jekyll'})`, `${n(j.jekyll.wall_s, 1)} s`, `${n(j.jekyll.peak_mb)} MB`, `${n(j.jekyll.html_pages)} HTML pages`],
  ]);
  line(`Gazette is **${n(j.jekyll.wall_s / j.gazette.wall_s)}×** faster.`);
  line();
}

line('### Home: time to the first list and bytes before it');
line();
table(['posts', 'time to first list (median of 3 fresh tabs)', 'bytes (raw)', 'bytes (gzip)', 'manifest (raw)'],
  sizes.map(([posts, s]) => [n(Number(posts)), ms(s.app?.home_ms), kb(s.app?.home_bytes), kb(s.app?.home_bytes_gzip),
    kb(s.app?.home_manifest_bytes)]));

for (const [posts, s] of sizes) {
  if (!s.peers && !s.app?.search) continue;
  const g = s.app?.search ?? {};
  const peers = s.peers?.peers ?? {};
  line(`### Search, ${n(Number(posts))} posts, ${s.peers?.queries ?? 30} queries, same browser`);
  line();
  const gRecall = s.recall_gazette ?? {};
  // Precision of the Chinese queries: hits that contain the query / all hits.
  const precision = (byQuery) => {
    const rows = Object.values(byQuery ?? {}).filter((r) => typeof r === 'object' && r.hits > 0);
    const hits = rows.reduce((a, r) => a + r.hits, 0);
    return hits ? rows.reduce((a, r) => a + r.containing, 0) / hits : null;
  };
  const rows = [[
    '**Gazette**',
    `${ms(g.cold_p50_ms)} / ${ms(g.cold_p95_ms)}`,
    `${ms(g.cold_p50_ms)} / ${ms(g.cold_p95_ms)}`,
    `${ms(g.warm_query_p50_ms)} / ${ms(g.warm_query_p95_ms)}`,
    `${kb(g.bytes_per_cold_query_p50)} / ${kb(g.bytes_per_cold_query_mean)}`,
    `${kb(s.app?.home_manifest_bytes)} (manifest)`,
    n(gRecall.recall_total, 3),
    n(precision(gRecall.recall), 3),
    s.app?.js_heap_bytes ? `${mb(s.app.js_heap_bytes)} + ${mb(s.app.wasm_memory_bytes)}` : '–',
  ]];
  for (const [name, p] of Object.entries(peers)) {
    rows.push([
      `${name} ${p.version ?? ''}`,
      p.error ? `failed: ${p.error}` : `${ms(p.cold_p50_ms)} / ${ms(p.cold_p95_ms)}`,
      p.error ? '–' : `${ms(p.cold_query_p50_ms)} / ${ms(p.cold_query_p95_ms)}`,
      `${ms(p.warm_p50_ms)} / ${ms(p.warm_p95_ms)}`,
      `${kb(p.bytes_per_cold_query_p50)} / ${kb(p.bytes_per_cold_query_mean)}`,
      kb(p.index_load_bytes_p50),
      n(p.recall_total, 3),
      n(precision(p.recall), 3),
      p.js_heap_bytes ? `${mb(p.js_heap_bytes)}${p.wasm_memory_bytes ? ` + ${mb(p.wasm_memory_bytes)}` : ''}` : '–',
    ]);
  }
  table(['engine', 'cold: index load + first query, p50 / p95', 'cold: first query on the loaded index, p50 / p95', 'warm query p50 / p95', 'bytes per cold query, median / mean', 'loaded before the first query', 'recall (Chinese queries)', 'precision (Chinese queries)', 'memory (JS heap + wasm)'], rows);
  line('Gazette\'s cold time runs from typing the query (app and manifest loaded) until the result list is in the page, '
    + 'shard fetches included; its index needs no loading beyond the manifest, so both cold columns hold the same number. '
    + `The peers' times end when the result ids are in hand (no list is drawn). Warm: the query call alone, the median of ${WARM_REPEATS} repeats (Gazette: User Timing around the query engine).`);
  line();
  if (g.warm_render_p50_ms !== undefined) {
    line(`Gazette, warm, until the list is in the DOM: p50 ${ms(g.warm_render_p50_ms)}, p95 ${ms(g.warm_render_p95_ms)}. `
      + `Filter keystroke to updated, laid-out list: p50 ${ms(s.app.keystroke_p50_ms)}, p95 ${ms(s.app.keystroke_p95_ms)} (${s.app.keystroke_samples} keystrokes). `
      + `Tab memory after browsing and searching: JS heap ${mb(s.app.js_heap_bytes)} + wasm ${mb(s.app.wasm_memory_bytes)}.`);
    line();
  }
  const queries = Object.keys(g.hits ?? gRecall.hits ?? {});
  if (queries.length && Object.keys(peers).length) {
    line('<details><summary>Hits per query (recall for Chinese queries: hits that contain the query / posts that contain it)</summary>');
    line();
    const cell = (hits, r) => (r ? `${n(hits)} (${n(r.containing)}/${n(r.truth)})` : n(hits));
    table(['query', 'Gazette', ...Object.keys(peers)], queries.map((q) => [
      `\`${q.replaceAll('|', '\\|')}\``,
      cell(gRecall.hits?.[q] ?? g.hits?.[q], gRecall.recall?.[q]),
      ...Object.values(peers).map((p) => cell(p.hits?.[q], p.recall?.[q])),
    ]));
    line('</details>');
    line();
  }
}

// Precision and recall per query class (tests/bench/precision.mjs), every engine on one query
// set per size: Gazette at every size, the peers where they ran.
const withPrecision = sizes.filter(([, s]) => s.precision?.engines);
if (withPrecision.length) {
  line('### Search precision and recall per query class');
  line();
  line('A post matches a query when every space-separated part of it (quotes only group) occurs in its title or article text, '
    + 'full-width folded and lower-cased, and not inside a longer run of letters/digits: `2月` is not in `12月`, `30` not in `2030`, '
    + '`3.6%` not in `13.6%` (ideographs are not letters here: `a股` is in `港a股`). Classes: `cjk` 2–6 ideographs; `latin` letters/digits '
    + 'with `.` `%` `-` `,` `/` inside or at the end (`3.5%`, `hfo-1234yf`); `mixed` digits/letters against ideographs (`2月`, `a股`, `9%至`); '
    + '`quoted` a cjk or mixed sample in `"…"`; `multi` two samples of one post. The query set is the 30 fixed queries, the issue\'s examples '
    + 'and samples of the posts\' own text (seed 1), the same for every engine (`tests/bench/precision.mjs`). '
    + 'Precision = correct hits / hits, recall = correct hits / matching posts, pooled over the class\'s queries; '
    + 'the last column counts the queries whose own precision / recall is below 1.');
  line();
  const CLASS_ORDER = ['cjk', 'latin', 'mixed', 'quoted', 'multi', 'all'];
  const engineName = (name, e) => (name === 'gazette' ? 'Gazette' : `${name} ${e.version ?? ''}`.trim());
  for (const [posts, s] of withPrecision) {
    const p = s.precision;
    const counts = Object.entries(p.classes ?? {}).map(([c, k]) => `${c} ${k}`).join(', ');
    line(`${n(Number(posts))} posts, ${n(p.queries)} queries (${counts}):`);
    line();
    const rows = [];
    for (const [name, e] of Object.entries(p.engines)) {
      if (!e.classes) {
        rows.push([engineName(name, e), '–', '–', `failed: ${e.error ?? 'no answer'}`, '–', '–']);
        continue;
      }
      for (const cls of CLASS_ORDER) {
        const r = e.classes[cls];
        if (!r) continue;
        const bold = (v) => (cls === 'all' ? `**${v}**` : v);
        rows.push([cls === 'cjk' ? engineName(name, e) : '', bold(cls), n(r.queries), bold(n(r.precision, 3)), bold(n(r.recall, 3)),
          `${n(r.precision_below_1)} / ${n(r.recall_below_1)}`]);
      }
      if (e.error) rows.push(['', '', '', `stopped: ${e.error}`, '', '']);
    }
    table(['engine', 'class', 'queries', 'precision', 'recall', 'queries below 1.0 (precision / recall)'], rows);
    line('<details><summary>Failing queries, the worst three per engine and class: hits (correct) / matching posts</summary>');
    line();
    const failures = [];
    for (const [name, e] of Object.entries(p.engines)) {
      for (const cls of CLASS_ORDER.slice(0, -1)) {
        const list = e.classes?.[cls]?.failures ?? [];
        if (list.length) failures.push([engineName(name, e), cls, list.slice(0, 3).map((f) => `\`${f.query.replaceAll('|', '\\|')}\` ${n(f.hits)} (${n(f.correct)}) / ${n(f.truth)}`).join('; ')]);
      }
    }
    table(['engine', 'class', 'queries'], failures);
    line('</details>');
    line();
  }
}

// What a one-day update rewrites (xtask's update_churn, tests/bench/churn.mjs; issue 18).
const withUpdate = sizes.filter(([, s]) => s.update?.total);
if (withUpdate.length) {
  line('### A one-day update: files and bytes written anew');
  line();
  line('The archive of each size without its newest day\'s posts, then with them: the files the '
    + 'full build writes anew (changed or new), by family, as a share of the full archive\'s files and bytes '
    + '(`tests/bench/churn.mjs`).');
  line();
  const pct = (a, b) => (b ? `${n(100 * a / b, 2)}%` : '–');
  const families = [...new Set(withUpdate.flatMap(([, s]) => Object.keys(s.update.families)))].sort();
  const rows = [];
  for (const [posts, s] of withUpdate) {
    const u = s.update;
    const cell = (r) => `${n(r.written)} of ${n(r.files)} (${pct(r.written, r.files)}); ${mb(r.writtenBytes)} (${pct(r.writtenBytes, r.bytes)})`;
    const refetched = u.total.refetched === undefined ? '–'
      : `${n(u.total.refetched)} files, ${mb(u.total.refetchedBytes)} (${pct(u.total.refetchedBytes, u.total.bytes)})`;
    rows.push([n(Number(posts)), `${u.day}: ${n(u.posts_added)}`, `**${cell(u.total)}**`, refetched, ...families.map((f) => (u.families[f] ? cell(u.families[f]) : '–'))]);
  }
  table(['posts', 'day: posts added', 'all files', 'a returning reader downloads again', ...families], rows);

  const inPlace = withUpdate.filter(([, s]) => s.update.in_place);
  if (inPlace.length) {
    line();
    line('The same day added by `gazette build --state` (an update in place of the archive built '
      + 'without the day, with its state): wall time and peak memory, post files imported, archive '
      + 'files written, made again with the same bytes, kept without being made, removed; the '
      + 'updated archive is checked byte for byte against the full build (the harness fails otherwise).');
    line();
    table(['posts', 'wall', 'peak memory', 'post files imported', 'files written', 'made again, unchanged', 'kept', 'removed', 'same as the full build'],
      inPlace.map(([posts, s]) => {
        const u = s.update.in_place;
        return [n(Number(posts)), `${n(u.wall_s, 2)} s`, `${n(u.peak_mb)} MB`, `${n(u.imported)} (and ${n(u.read_again)} read again)`,
          `${n(u.written)} (${n(u.written_mb, 1)} MB)`, n(u.unchanged), n(u.kept), n(u.removed), u.identical ? 'yes' : 'no'];
      }));
  }
}

console.log(out.join('\n'));
