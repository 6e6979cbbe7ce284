// Starts Gazette from a file instead of an inline script, so the page's Content-Security-Policy
// can forbid inline code entirely (script-src 'self'). Trunk writes the hashed names of the
// wasm-bindgen module and the wasm binary into this tag's data attributes (Trunk.toml,
// pattern_script); both resolve relative to this file, so any sub-path works. A failure to
// start (a missing or damaged app file) shows guard.js's panel instead of a blank page.
const tag = document.querySelector('script[data-gazette-js]');
try {
  const bindings = await import(tag.dataset.gazetteJs);
  const wasm = await bindings.default({ module_or_path: tag.dataset.gazetteWasm });
  window.wasmBindings = bindings;
  dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
} catch (error) {
  console.error('Gazette could not start:', error);
  window.gazetteShowFatal?.(`Gazette 无法启动 · could not start: ${error?.message ?? error}`);
}

// Offline reading: cache the app and what the reader opens (static/sw.js). Only over http(s);
// a page opened from disk has nothing to cache.
if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
  navigator.serviceWorker.register('./sw.js').catch((error) => console.warn('Gazette: no offline cache:', error));
}
