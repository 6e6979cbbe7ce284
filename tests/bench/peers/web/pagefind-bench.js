// Pagefind 1.6 through its own JS API (pagefind.js from the generated bundle), as a site uses
// it. The page is `<html lang="zh-CN">`, so Pagefind loads the zh-cn index and segments the
// query with Intl.Segmenter. `?noworker` turns Pagefind's Web Worker off (the memory pass
// uses it so that the search's heap and wasm memory are in this page).
performance.setResourceTimingBufferSize(100000);
const noWorker = new URLSearchParams(location.search).has('noworker');
let pagefind;

window.bench = {
  /** Loads the index: imports pagefind.js, then init() loads the wasm and the site metadata. */
  async load() {
    pagefind = await import('./pagefind/pagefind.js');
    if (noWorker) await pagefind.options({ noWorker: true });
    pagefind.init();
    // init() does not return a promise that waits for loading; filters() waits for init and
    // needs nothing more (this index has no filters).
    await pagefind.filters();
  },
  /** One search: result ids only (no fragment is loaded). */
  async query(query) {
    const start = performance.now();
    const search = await pagefind.search(query);
    const ids = search.results.map((result) => result.id);
    return { ms: performance.now() - start, ids };
  },
};
