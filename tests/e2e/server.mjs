// A minimal static file server for the browser tests: serves a built site under a sub-path
// (as GitHub Pages serves a project site), with optional overrides to simulate a damaged
// or missing archive. No dependencies beyond Node itself.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.gz': 'application/gzip',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.xml': 'application/xml; charset=utf-8',
};

/**
 * Starts a server. `mounts` maps a URL prefix ("/gazette/") to
 * { dir, overrides: { "archive/manifest.json": string | null }, notFound: "404.html",
 *   delays: { "archive/bodies/0000.json": 1500 } } — a string replaces the file's content, null
 * makes it a 404; `notFound` is served (with status 404) for missing files, as GitHub Pages
 * does; `delays` holds a file back for that many milliseconds.
 * Resolves to { url, close, requests, refuse } where requests lists every path asked for, and
 * `refuse(true)` cuts the network: every connection is dropped unanswered, as when the
 * machine is offline (browsers' offline emulation does not reach a service worker's requests).
 */
export async function serve(mounts) {
  const requests = [];
  let refusing = false;
  const server = createServer(async (req, res) => {
    if (refusing) {
      req.socket.destroy();
      return;
    }
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const isHead = req.method === 'HEAD';
    requests.push(path);
    for (const [prefix, mount] of Object.entries(mounts)) {
      if (!path.startsWith(prefix)) continue;
      let rel = path.slice(prefix.length) || 'index.html';
      if (rel.endsWith('/')) rel += 'index.html';
      if (mount.delays?.[rel]) await new Promise((resolve) => setTimeout(resolve, mount.delays[rel]));
      if (mount.overrides && rel in mount.overrides) {
        const body = mount.overrides[rel];
        if (body === null) break;
        res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' });
        res.end(body);
        return;
      }
      const file = normalize(join(mount.dir, rel));
      if (!file.startsWith(normalize(mount.dir))) break;
      try {
        if ((await stat(file)).isFile()) {
          res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
          res.end(isHead ? undefined : await readFile(file));
          return;
        }
      } catch {
        // fall through to 404
      }
      if (mount.notFound) {
        res.writeHead(404, { 'content-type': TYPES['.html'] });
        res.end(await readFile(join(mount.dir, mount.notFound)));
        return;
      }
      break;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    refuse: (refuse) => {
      refusing = refuse;
      if (refuse) server.closeAllConnections();
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
