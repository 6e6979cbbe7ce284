// MiniSearch 7.2.0 in the browser: fetch the serialized index, MiniSearch.loadJSON it with the
// same options as the build (tokenize.js), query it.
import MiniSearch from './lib/minisearch.mjs';
import { minisearchOptions } from './tokenize.js';

performance.setResourceTimingBufferSize(100000);
let index;

window.bench = {
  async load() {
    const response = await fetch('minisearch/index.json');
    if (!response.ok) throw new Error(`minisearch/index.json: HTTP ${response.status}`);
    index = MiniSearch.loadJSON(await response.text(), minisearchOptions);
  },
  /** One search; every hit. Ids are post ids. */
  async query(query) {
    const start = performance.now();
    const ids = index.search(query).map((result) => result.id);
    return { ms: performance.now() - start, ids };
  },
};
