// Recall of Gazette's search on the benchmark queries, checked by the same ground truth as the
// peers' (tests/bench/peers/recall.mjs): the hits come from `gazette search`, which runs the
// viewer's own query engine (gazette-archive) on the archive files. Prints one JSON object.
//
// usage: node tests/bench/gazette-recall.mjs ARCHIVE_DIR GAZETTE_BINARY
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { recall } from './peers/recall.mjs';
import { isChineseQuery } from './peers/common.mjs';

const [archive, gazette] = process.argv.slice(2);
if (!archive || !gazette) {
  console.error('usage: node tests/bench/gazette-recall.mjs ARCHIVE_DIR GAZETTE_BINARY');
  process.exit(2);
}
const { queries } = JSON.parse(await readFile(new URL('./queries.json', import.meta.url), 'utf8'));
const hits = {};
for (const query of queries) {
  const out = execFileSync(gazette, ['search', archive, query, '--json', '--limit', '0'], { maxBuffer: 1 << 28 });
  hits[query] = JSON.parse(out).hits.map((h) => h.id);
}
const chinese = Object.fromEntries(Object.entries(hits).filter(([q]) => isChineseQuery(q)));
const byQuery = await recall(archive, chinese);
const withTruth = Object.values(byQuery).filter((r) => r.truth > 0);
const sum = (values) => values.reduce((a, b) => a + b, 0);
const round = (v) => Math.round(v * 1000) / 1000;
for (const r of Object.values(byQuery)) r.recall = r.recall === null ? null : round(r.recall);
console.log(JSON.stringify({
  hits: Object.fromEntries(Object.entries(hits).map(([q, ids]) => [q, ids.length])),
  recall: byQuery,
  recall_mean: round(sum(withTruth.map((r) => r.recall)) / withTruth.length),
  recall_total: round(sum(withTruth.map((r) => r.containing)) / sum(withTruth.map((r) => r.truth))),
}, null, 2));
