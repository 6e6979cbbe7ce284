// Builds one JavaScript peer's index in its own process (so its heap and time are its own):
//   node --max-old-space-size=16384 build-index.mjs flexsearch|minisearch ARCHIVE OUTDIR
// Reading the Gazette archive and extracting the plain text is not timed; adding every post,
// serializing the index and writing it to OUTDIR is. Prints one JSON object.
import { mkdir, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readArchive, articleText } from './common.mjs';
import { flexsearchOptions, minisearchOptions } from './web/tokenize.js';

const [peer, archiveDir, outDir] = process.argv.slice(2);
if (!['flexsearch', 'minisearch'].includes(peer) || !archiveDir || !outDir) {
  console.error('usage: node build-index.mjs flexsearch|minisearch ARCHIVE OUTDIR');
  process.exit(2);
}
const posts = (await readArchive(archiveDir)).map((p) => ({ ordinal: p.ordinal, id: p.id, title: p.title, text: articleText(p.html) }));
await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

const t0 = performance.now();
let tAdded, tSerialized, bytes = 0, files = 0;
if (peer === 'flexsearch') {
  const { Index, Encoder } = await import('flexsearch');
  const index = new Index(flexsearchOptions(Encoder));
  // Numeric ids (the post's ordinal; ids.json maps them back) are what FlexSearch is fastest
  // with; title and text go in one field so that a query's parts may match either.
  for (const post of posts) index.add(post.ordinal, `${post.title}\n${post.text}`);
  tAdded = performance.now();
  const chunks = [];
  await index.export((key, data) => { chunks.push([key, data]); });
  tSerialized = performance.now();
  const keys = [];
  for (const [i, [key, data]] of chunks.entries()) {
    const file = `${String(i).padStart(4, '0')}.json`;
    await writeFile(join(outDir, file), data);
    keys.push({ key, file });
    bytes += Buffer.byteLength(data);
    files++;
  }
  const list = JSON.stringify({ posts: posts.length, keys });
  await writeFile(join(outDir, 'keys.json'), list);
  bytes += Buffer.byteLength(list);
  files++;
} else {
  const { default: MiniSearch } = await import('minisearch');
  const index = new MiniSearch(minisearchOptions);
  index.addAll(posts.map((p) => ({ id: p.id, title: p.title, text: p.text })));
  tAdded = performance.now();
  const json = JSON.stringify(index);
  tSerialized = performance.now();
  await writeFile(join(outDir, 'index.json'), json);
  bytes = Buffer.byteLength(json);
  files = 1;
}
const tWritten = performance.now();
console.log(JSON.stringify({
  peer,
  posts: posts.length,
  build_s: (tWritten - t0) / 1000,
  add_s: (tAdded - t0) / 1000,
  serialize_s: (tSerialized - tAdded) / 1000,
  write_s: (tWritten - tSerialized) / 1000,
  index_bytes_total: bytes,
  index_files: files,
  peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
}));
