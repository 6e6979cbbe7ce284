// The XSS vector suite (tests/xss/vectors.json) in real headless Chromium or Firefox
// (`GAZETTE_BROWSER`, see browser.mjs). Every vector is rendered by the app twice: (a) as the
// builder's sanitized output (a post of an archive built from the vectors), and (b) raw, as if
// the archive had been tampered with, so only the browser's sanitizer stands between it and the
// page. The page is instrumented: any call to
// alert/confirm/prompt/print, any CSP violation, any write to a global, any request to a host other than
// the test server, any navigation away from the app, any frame, any uncaught error (a vector
// that crashes the app is as bad as one that runs), an article the sanitizer refused instead of
// cleaning, and an `id` or `name` left to clobber the page's globals, fails the test. The one
// request allowed is an image the sanitized article still shows as an `<img src>`: the policy
// allows https images, because real articles have them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';

const DIST = resolve(process.env.GAZETTE_DIST ?? 'dist');
const GAZETTE = resolve(process.env.GAZETTE_BIN ?? 'target/debug/gazette');
const { vectors } = JSON.parse(await readFile(resolve(process.env.GAZETTE_XSS_VECTORS ?? 'tests/xss/vectors.json'), 'utf8'));
let work;
let server;
let browser;
/** URLs the browser requests for its own default styles, whatever the page (see below). */
let browserOwn;

/**
 * A site folder with the app and `archive` instead of the demo archive. `withoutCsp` removes
 * the page's Content-Security-Policy, so that the browser sanitizer is tested alone, with no
 * second line of defence behind it.
 */
async function siteWith(name, archive, { withoutCsp = false } = {}) {
  const dir = join(work, name);
  await cp(DIST, dir, { recursive: true, filter: (src) => !src.startsWith(join(DIST, 'archive')) });
  await cp(archive, join(dir, 'archive'), { recursive: true });
  if (withoutCsp) {
    const index = join(dir, 'index.html');
    const html = (await readFile(index, 'utf8')).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    assert.ok(!html.includes('Content-Security-Policy'));
    await writeFile(index, html);
  }
  return dir;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-xss-'));
  const posts = join(work, 'posts');
  await mkdir(posts);
  for (const [i, vector] of vectors.entries()) {
    const front = `---\ntitle: "vector ${i}"\ndate: 2024-01-01 00:00:00 +0800\ncategories: xss\n---\n`;
    await writeFile(join(posts, `2024-01-01-v${String(i).padStart(3, '0')}.md`), `${front}<div>\n\n${vector.html}\n\n</div>\n\n正文结束 v${i}\n`);
  }
  const built = join(work, 'archive-built');
  execFileSync(GAZETTE, ['build', posts, '--out', built, '--quiet']);
  // The tampered copy: every body replaced by the raw vector.
  const raw = join(work, 'archive-raw');
  await cp(built, raw, { recursive: true });
  for (const file of await readdir(join(raw, 'bodies'))) {
    const path = join(raw, 'bodies', file);
    const chunk = JSON.parse(gunzipSync(await readFile(path)).toString('utf8'));
    for (const body of chunk.bodies) {
      const i = Number(body.id.slice('2024-01-01-v'.length));
      body.html = `${vectors[i].html}<p>正文结束 v${i}</p>`;
    }
    await writeFile(path, gzipSync(JSON.stringify(chunk)));
  }
  const plain = join(work, 'plain');
  await mkdir(plain);
  await writeFile(join(plain, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>plain</title><ul><li>a</li></ul><details open><summary>b</summary>c</details>');
  server = await serve({
    '/built/': { dir: await siteWith('built', built) },
    '/raw/': { dir: await siteWith('raw', raw, { withoutCsp: true }) },
    '/plain/': { dir: plain },
  });
  browser = await launch();
  browserOwn = await browserOwnRequests();
});

/**
 * Firefox draws list bullets and the triangle of an open `<details>` with a font from its own
 * stylesheet (`-moz-bullet-font` in html.css, a `data:` URL), and reports loading it like any
 * page font. Such a request is the browser's, not the vector's: learn those URLs from a page
 * of our own that holds nothing but a list and a `<details>` (Chromium makes none), so that
 * every other request still counts.
 */
async function browserOwnRequests() {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const own = new Set();
    const origin = new URL(server.url).host;
    page.on('request', (request) => {
      if (new URL(request.url()).host !== origin) own.add(request.url());
    });
    await page.goto(`${server.url}/plain/`);
    await page.evaluate(() => document.fonts.ready.then(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))));
    assert.ok([...own].every((url) => url.startsWith('data:font/')), `the browser's own requests are fonts: ${[...own]}`);
    return own;
  } finally {
    await context.close();
  }
}

after(async () => {
  await browser?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function runSuite(t, prefix) {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const incidents = [];
  await page.addInitScript(() => {
    window.__incidents = [];
    const report = (what) => window.__incidents.push(what);
    for (const name of ['alert', 'confirm', 'prompt', 'print']) window[name] = () => report(name);
    // With the CSP on, a violation means markup got past the builder's sanitizer and was
    // stopped only by the policy: that counts as a failure too.
    document.addEventListener('securitypolicyviolation', (e) => report(`CSP violation ${e.violatedDirective} ${e.blockedURI}`));
    Object.defineProperty(window, '__pwned', { configurable: false, set: () => report('global write __pwned'), get: () => undefined });
  });
  const origin = new URL(server.url).host;
  const foreign = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.host !== origin && !browserOwn.has(request.url())) foreign.push({ url: request.url(), type: request.resourceType() });
  });
  page.on('frameattached', (frame) => incidents.push(`frame ${frame.url()}`));
  page.on('dialog', (dialog) => { incidents.push(`dialog ${dialog.message()}`); dialog.dismiss(); });
  page.on('pageerror', (error) => incidents.push(`uncaught ${error.message}`));
  await page.goto(`${server.url}/${prefix}/`);
  await page.locator('.newest .post-item').first().waitFor();
  const appPath = `/${prefix}/`;
  for (const [i, vector] of vectors.entries()) {
    const id = `2024-01-01-v${String(i).padStart(3, '0')}`;
    await page.evaluate((id) => { location.hash = `#/post/${id}`; }, id);
    // The marker may be swallowed by a vector's unclosed markup: wait for the post itself.
    await page.locator('#post-title', { hasText: new RegExp(`^vector ${i}$`) }).waitFor({ timeout: 5000 });
    await page.locator('.article-body').waitFor({ state: 'attached', timeout: 5000 });
    // Posts of one chunk reuse the body element, filled by an effect after the title's
    // render: wait for this post's marker (or a refusal), else (a vector swallowed it) two
    // frames, before reading.
    await page.waitForFunction((i) => document.querySelector('.article-refused') || document.querySelector('.article-body')?.textContent.includes(`正文结束 v${i}`), i, { timeout: 1000 }).catch(() => {});
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const state = await page.evaluate(() => ({
      incidents: window.__incidents.splice(0),
      path: location.pathname,
      refused: document.querySelector('.article-refused')?.textContent,
      fatal: document.querySelector('.error-panel.fatal')?.textContent,
    }));
    for (const incident of state.incidents) incidents.push(`${incident}`);
    if (state.path !== appPath) incidents.push(`navigated to ${state.path}`);
    if (state.refused) incidents.push(`article refused: ${state.refused}`);
    if (state.fatal) incidents.push(`app stopped: ${state.fatal}`);
    const shownImages = await page.locator('.article-body img').evaluateAll((imgs) => imgs.map((img) => img.src));
    for (const request of foreign.splice(0)) {
      if (!(request.type === 'image' && shownImages.includes(request.url))) incidents.push(`${request.type} request ${request.url}`);
    }
    const found = incidents.splice(0);
    assert.deepEqual(found, [], `vector ${vector.id} (${vector.category}): ${vector.html}`);
    // What is left of the vector holds nothing executable.
    const leftovers = await page.locator('.article-body').evaluate((body) => {
      const bad = [];
      for (const el of body.querySelectorAll('*')) {
        for (const attr of el.attributes) {
          if (/^on/i.test(attr.name) || ['style', 'srcdoc', 'formaction', 'action', 'xlink:href', 'name', 'form'].includes(attr.name)) bad.push(`${el.localName}[${attr.name}]`);
          // An id only as an article's anchor, which names nothing of the app's page.
          if (attr.name === 'id' && !/^gz-\S/.test(attr.value)) bad.push(`${el.localName}[id=${attr.value}]`);
          if (['href', 'src'].includes(attr.name) && /^\s*(javascript|data|vbscript):/i.test(attr.value)) bad.push(`${el.localName}[${attr.name}=${attr.value}]`);
        }
        if (['script', 'iframe', 'object', 'embed', 'svg', 'math', 'style', 'base', 'meta', 'link', 'form', 'input', 'template', 'noscript'].includes(el.localName)) bad.push(el.localName);
      }
      return bad;
    });
    assert.deepEqual(leftovers, [], `vector ${vector.id} left ${leftovers}`);
  }
  // After the last vector the app still answers: back home, a list, a search.
  await page.evaluate(() => { location.hash = '#/'; });
  await page.locator('.newest .post-item').first().waitFor({ timeout: 5000 });
  await page.evaluate(() => { location.hash = '#/search?q=vector'; });
  // The home page's rows are in <main> too: wait for the search's heading and its own list.
  await page.locator('#posts-title', { hasText: 'vector' }).waitFor({ timeout: 5000 });
  await page.locator('main ol.post-list.virtual .post-item .post-title').first().waitFor({ timeout: 5000 });
  assert.deepEqual(incidents, []);
}

test(`${vectors.length} XSS vectors, sanitized by the builder, run nothing in the app`, async (t) => {
  if (!process.env.GAZETTE_XSS_VECTORS) assert.ok(vectors.length >= 150, `the suite has ${vectors.length} vectors`);
  await runSuite(t, 'built');
});

test(`${vectors.length} XSS vectors, raw in a tampered archive and with no CSP, run nothing: the browser sanitizer alone stops them`, async (t) => {
  await runSuite(t, 'raw');
});
