// What a returning reader downloads after an update (issue 18): a reader with the service
// worker visits the app on the archive BEFORE (the home page, searches, source lists, posts),
// the archive is replaced by AFTER (the same site after an update), and the reader makes the
// same visit again. Prints the files and bytes the second visit asked of the server (the
// rest came from the worker's cache), beside what the first visit fetched, as JSON.
//
//   node tests/bench/returning.mjs DIST_DIR BEFORE_ARCHIVE AFTER_ARCHIVE
//
// DIST_DIR is a built app (`cargo xtask dist`); its own archive/ is not used. Chromium (the
// service worker's cache behaves alike in Firefox: tests/e2e checks it in both).
import { mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serve } from '../e2e/server.mjs';
import { launch } from '../e2e/browser.mjs';

const [dist, before, after] = process.argv.slice(2).map((p) => p && resolve(p));
if (!dist || !before || !after) {
  console.error('usage: node tests/bench/returning.mjs DIST_DIR BEFORE_ARCHIVE AFTER_ARCHIVE');
  process.exit(2);
}

/** A site folder: the app's files from `dist`, and `archive` as its archive (links). */
async function site(archive) {
  const dir = await mkdtemp(join(tmpdir(), 'gazette-returning-'));
  for (const name of await readdir(dist)) {
    if (name !== 'archive') await symlink(join(dist, name), join(dir, name));
  }
  await symlink(archive, join(dir, 'archive'));
  return dir;
}

const [siteBefore, siteAfter] = await Promise.all([site(before), site(after)]);
const mounts = { '/gazette/': { dir: siteBefore } };
const server = await serve(mounts);
const base = `${server.url}/gazette/`;
const browser = await launch({ browser: 'chromium' });
const context = await browser.newContext();
const page = await context.newPage();

const QUERIES = ['人民币', '汇率', '美联储 加息', 'A股'];

/** The visit: home, searches, the first sources' lists, and the posts they show first. */
async function visit() {
  await page.goto(base);
  await page.locator('.newest .post-item').first().waitFor();
  const posts = await page.evaluate(() => [...document.querySelectorAll('.newest .post-item a')]
    .map((a) => a.getAttribute('href')).filter((h) => h?.startsWith('#/post/')).slice(0, 5));
  const sources = await page.evaluate(() => [...document.querySelectorAll('a')]
    .map((a) => a.getAttribute('href')).filter((h) => h?.startsWith('#/category/')).slice(0, 3));
  for (const query of QUERIES) {
    await page.goto(`${base}#/search?q=${encodeURIComponent(query)}`);
    await page.locator('.result-count').waitFor();
  }
  for (const href of [...sources, ...posts]) {
    await page.goto(`${base}${href}`);
    await page.locator(href.startsWith('#/post/') ? '.article-body' : '.post-item').first().waitFor();
  }
  // Let the last fetches (summaries of the rows on screen) finish.
  await new Promise((done) => setTimeout(done, 500));
}

/** Files and bytes (as stored in `dir`) of the archive files the server was asked for. */
async function fetched(dir) {
  const files = new Set(server.requests
    .filter((p) => p.startsWith('/gazette/archive/'))
    .map((p) => p.slice('/gazette/'.length)));
  let bytes = 0;
  for (const file of files) bytes += (await stat(join(dir, file))).size;
  const manifest = files.has('archive/manifest.json');
  // Bytes by family (the archive's first folder, the index's positions apart).
  const families = {};
  for (const file of files) {
    const rel = file.slice('archive/'.length);
    const family = rel.includes('/positions/') ? 'positions' : rel.includes('/') ? rel.split('/')[0] : 'head';
    families[family] = (families[family] ?? 0) + (await stat(join(dir, file))).size;
  }
  return { files: files.size, bytes, manifest_included: manifest, bytes_by_family: families };
}

try {
  // The first visit installs the worker; the reload puts the page under its control, so the
  // visit after it goes through the worker's cache.
  await page.goto(base);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
    throw new Error('the page is not controlled by the service worker');
  }
  server.requests.length = 0;
  await visit();
  const first = await fetched(siteBefore);
  // The same visit again, nothing changed: everything but the network-first files comes
  // from the worker.
  server.requests.length = 0;
  await visit();
  const again = await fetched(siteBefore);
  // The update.
  mounts['/gazette/'].dir = siteAfter;
  server.requests.length = 0;
  await visit();
  const updated = await fetched(siteAfter);
  console.log(JSON.stringify({
    queries: QUERIES,
    first_visit: first,
    same_archive_again: again,
    after_update: updated,
    after_update_share_of_first: first.bytes ? updated.bytes / first.bytes : null,
  }, null, 2));
} finally {
  await context.close();
  await browser.close();
  await server.close();
  await Promise.all([siteBefore, siteAfter].map((d) => rm(d, { recursive: true, force: true })));
}
