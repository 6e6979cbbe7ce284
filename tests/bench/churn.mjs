// What an update changes: compares two archive folders (the one before an update and the one
// after) file by file and prints how many files, and how many bytes, the update wrote anew
// (changed or added) and removed, against the new archive's totals — issue 18's "changes
// at most 1% of the archive's files, by count and by bytes".
//
//   node tests/bench/churn.mjs BEFORE AFTER [--json]
//
// A file counts as unchanged only when its path and bytes are the same in both. The bytes of
// a changed or added file are its size after the update (what a host uploads and a returning
// reader may download again). The result is grouped by the archive's top-level families
// (summaries, bodies, search, ids, lists, feeds, the head files).
//
// "Refetched" is what a returning reader whose cache held every file of BEFORE downloads
// again to read the same files of AFTER: a file whose URL changed (feeds apart: the app does
// not read them). The app asks for a file
// under its path and a version (`?v=…`): the version of the segment whose posts the file
// holds (its index and list files, summary groups, body chunks; in the open segment each
// group and chunk has its own), an id shard its month's, a category's or tag's list the
// lists' version, else the build (`Manifest::version_of`, crates/archive/src/archive.rs,
// restated below).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

async function walk(root, dir = root, out = new Map()) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(root, path, out);
    else out.set(relative(root, path), path);
  }
  return out;
}

/** The family of an archive path: its first folder (search/positions apart), or "head". */
function family(path) {
  if (path.startsWith('search/') && path.includes('/positions/')) return 'positions';
  const slash = path.indexOf('/');
  return slash < 0 ? 'head' : path.slice(0, slash);
}

async function sameBytes(a, b) {
  const [sa, sb] = await Promise.all([stat(a), stat(b)]);
  if (sa.size !== sb.size) return false;
  const [ba, bb] = await Promise.all([readFile(a), readFile(b)]);
  return ba.equals(bb);
}

/** The version a reader puts in `path`'s URL, as `Layout::segment_holding` finds it. */
function versionOf(manifest, path) {
  const layout = manifest.layout ?? {};
  const segments = layout.segments ?? [];
  const number = (name) => Number.parseInt(name.split('.')[0], 10);
  let segment;
  let m;
  if ((m = /^ids\/([^/]+)\//.exec(path))) return layout.id_versions?.[m[1]] || manifest.build;
  if (/^lists\/(categories|tags)\//.test(path) && layout.list_version) return layout.list_version;
  if ((m = /^(?:search|lists\/segments)\/(\d+)\//.exec(path))) {
    segment = segments.find((s) => s.first === Number(m[1]));
  } else if (path.startsWith('summaries/')) {
    const group = number(path.slice('summaries/'.length));
    const first = group * layout.summary_group_size;
    segment = segments.find((s) => s.first <= first && first < s.end);
    const own = segment?.group_versions?.[group - segment.first / layout.summary_group_size];
    if (own) return own;
  } else if (path.startsWith('bodies/')) {
    const chunk = number(path.slice('bodies/'.length));
    segment = segments.find((s) => s.first_chunk <= chunk && chunk < s.end_chunk);
    const own = segment?.chunk_versions?.[chunk - segment.first_chunk];
    if (own) return own;
  }
  return segment?.version || manifest.build;
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const [beforeDir, afterDir] = args.filter((a) => a !== '--json');
if (!beforeDir || !afterDir) {
  console.error('usage: node tests/bench/churn.mjs BEFORE AFTER [--json]');
  process.exit(2);
}
const [before, after] = await Promise.all([walk(beforeDir), walk(afterDir)]);
const manifestOf = async (dir) => JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
const [beforeManifest, afterManifest] = await Promise.all([manifestOf(beforeDir), manifestOf(afterDir)]);
const families = new Map();
const empty = () => ({ files: 0, bytes: 0, written: 0, writtenBytes: 0, removed: 0, refetched: 0, refetchedBytes: 0 });
const row = (name) => {
  if (!families.has(name)) families.set(name, empty());
  return families.get(name);
};
const total = empty();
for (const [path, full] of after) {
  const size = (await stat(full)).size;
  const r = row(family(path));
  r.files += 1; r.bytes += size; total.files += 1; total.bytes += size;
  const old = before.get(path);
  if (!old || !(await sameBytes(old, full))) {
    r.written += 1; r.writtenBytes += size; total.written += 1; total.writtenBytes += size;
  }
  // The app never fetches the manifest with a version, nor the feeds (for feed readers).
  if (path !== 'manifest.json' && !path.endsWith('.xml')
    && (!old || versionOf(beforeManifest, path) !== versionOf(afterManifest, path))) {
    r.refetched += 1; r.refetchedBytes += size; total.refetched += 1; total.refetchedBytes += size;
  }
}
for (const path of before.keys()) {
  if (!after.has(path)) { row(family(path)).removed += 1; total.removed += 1; }
}
const result = { total, families: Object.fromEntries([...families].sort()) };
if (json) {
  console.log(JSON.stringify(result));
} else {
  const pct = (a, b) => (b ? (100 * a / b).toFixed(2) : '0.00');
  const mb = (n) => (n / 1e6).toFixed(2);
  console.log('| family | files after | written (changed or new) | bytes written | removed | a returning reader refetches |');
  console.log('|---|---|---|---|---|---|');
  const line = (name, r) => `| ${name} | ${r.files} | ${r.written} (${pct(r.written, r.files)}%) | ${mb(r.writtenBytes)} MB of ${mb(r.bytes)} (${pct(r.writtenBytes, r.bytes)}%) | ${r.removed} | ${r.refetched} files, ${mb(r.refetchedBytes)} MB (${pct(r.refetchedBytes, r.bytes)}%) |`;
  for (const [name, r] of Object.entries(result.families)) console.log(line(name, r));
  console.log(line('**all**', total));
}
