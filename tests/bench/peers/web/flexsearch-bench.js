// FlexSearch 0.8.212 in the browser: fetch the exported index files, import them into an Index
// made with the same options as the build (tokenize.js), query it.
import { Index, Encoder } from './lib/flexsearch.mjs';
import { flexsearchOptions, flexsearchQuery } from './tokenize.js';

performance.setResourceTimingBufferSize(100000);
let index;
let limit;

async function fetchText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

window.bench = {
  async load() {
    const { posts, keys } = JSON.parse(await fetchText('flexsearch/keys.json'));
    limit = posts;
    const data = await Promise.all(keys.map((k) => fetchText(`flexsearch/${k.file}`)));
    index = new Index(flexsearchOptions(Encoder));
    for (const [i, k] of keys.entries()) await index.import(k.key, data[i]);
  },
  /** One search; every hit (limit = the number of posts). Ids are post ordinals. */
  async query(query) {
    const start = performance.now();
    const ids = flexsearchQuery(index, query, limit);
    return { ms: performance.now() - start, ids };
  },
};
