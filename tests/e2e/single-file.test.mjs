// The single-file build (`cargo xtask bundle` → dist-single/gazette.html) opened the way a
// double-click opens it: a file:// URL, with no server and no network.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch } from './browser.mjs';

const PAGE = pathToFileURL(resolve(process.env.GAZETTE_SINGLE_FILE ?? 'dist-single/gazette.html')).href;
const SEED_ID = '2022-02-24-202202242288124890';
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('the single HTML file works from file://, offline: home, search and a post', async (t) => {
  const context = await browser.newContext({ offline: true });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(PAGE);
  await page.locator('.newest .post-item').first().waitFor();
  assert.equal((await page.locator('.newest .post-title').allInnerTexts())[0], '博罗县委人才工作会议：全力推进“六大工程” 加快建设人才强县');

  await page.fill('#search-input', '博罗');
  await page.locator('.result-count', { hasText: '共 1 篇' }).waitFor();
  await page.locator('main .post-item a').first().click();
  await page.locator('.article-body strong').first().waitFor();
  assert.equal(await page.locator('.article-body strong').count(), 6);
  assert.ok(page.url().startsWith('file://') && page.url().endsWith(`#/post/${SEED_ID}`), page.url());

  // A reload on the deep link works too.
  await page.reload();
  await page.locator('.article-body strong').first().waitFor();
  assert.deepEqual(errors, []);
  assert.deepEqual(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:')), [], 'nothing is fetched from a network');
});
