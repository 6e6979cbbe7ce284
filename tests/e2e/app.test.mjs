// End-to-end tests of the built app (`dist/`, made by `trunk build --release --offline` from
// the fixture archive) in real headless Chromium or Firefox (`GAZETTE_BROWSER`, see browser.mjs),
// served under a GitHub-Pages-like sub-path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { serve } from './server.mjs';
import { BROWSER, launch } from './browser.mjs';

const DIST = resolve(process.env.GAZETTE_DIST ?? 'dist');
// Chromium's screenshots here, Firefox's in a folder of their own.
const ARTIFACTS = resolve(BROWSER === 'chromium' ? 'tests/e2e/artifacts' : `tests/e2e/artifacts/${BROWSER}`);
const SEED_ID = '2022-02-24-202202242288124890';
const GAZETTE = resolve(process.env.GAZETTE_BIN ?? 'target/debug/gazette');
let server;
let mounts;
/** The archive path of the seed post's body chunk. */
let seedChunk;
let browser;
let base;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const wasmFiles = (await readdir(DIST)).filter((file) => file.endsWith('.wasm'));
  // The seed post's body edited by hand, as issue 16 found it: a form whose named controls
  // shadow `namespaceURI` and `localName`, which used to kill the wasm instance.
  // Its body chunk: the one whose bodies include it (files are cut by post number, oldest
  // first, so the newest post is in the last chunk).
  let chunk;
  for (const file of (await readdir(join(DIST, 'archive/bodies'))).sort()) {
    const path = `archive/bodies/${file}`;
    const bodies = JSON.parse(gunzipSync(await readFile(join(DIST, path))).toString('utf8'));
    if (bodies.bodies.some((body) => body.id === SEED_ID)) [chunk, seedChunk] = [bodies, path];
  }
  const seed = chunk.bodies.find((body) => body.id === SEED_ID);
  seed.html = `<form><input name=namespaceURI><input name=localName></form><p>表单之后的段落</p>${seed.html}`;
  mounts = {
    '/gazette/': { dir: DIST, notFound: '404.html' },
    '/rebuilt/': { dir: DIST },
    '/truncated/': { dir: DIST, overrides: { 'archive/manifest.json': '{"schema_version": 1, "generator": "gaz' } },
    '/missing/': { dir: DIST, overrides: { 'archive/manifest.json': null } },
    '/future/': { dir: DIST, overrides: { 'archive/manifest.json': '{"schema_version": 99}' } },
    // A host that answers a missing file with its own page, status 200.
    '/nodays/': { dir: DIST, overrides: { 'archive/days.json.gz': null } },
    '/webpage/': { dir: DIST, overrides: { 'archive/manifest.json': '<!DOCTYPE html><html><body>Page not found</body></html>' } },
    '/nobody/': { dir: DIST, overrides: { [seedChunk]: null } },
    // A damaged body chunk (status 200, not HTML: the worker keeps it), until a test heals it.
    '/healed/': { dir: DIST, overrides: { [seedChunk]: 'damaged bytes, not gzip' } },
    '/slow/': { dir: DIST, delays: { [seedChunk]: 1500 } },
    '/nowasm/': { dir: DIST, overrides: Object.fromEntries(wasmFiles.map((file) => [file, 'not wasm'])) },
    '/clobbered/': { dir: DIST, overrides: { [seedChunk]: JSON.stringify(chunk) } },
  };
  server = await serve(mounts);
  base = `${server.url}/gazette/`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page that fails the test on any uncaught error or console error. `language` is the
 * reader's (`navigator.language`), which the app speaks until a manifest names the archive's. */
async function openPage(t, url, viewport = { width: 1280, height: 900 }, { language } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  t.after(async () => {
    await context.close();
  });
  if (language) {
    await page.addInitScript(`Object.defineProperty(navigator, 'language', { get: () => ${JSON.stringify(language)} });`);
  }
  await page.goto(url);
  return { page, errors };
}

/** The titles of the listed posts, once every visible row has its summary (rows show a
 * placeholder while their summary group is being fetched). */
async function listTitles(page) {
  await page.waitForFunction(() => !document.querySelector('main .post-item.placeholder'));
  return page.locator('main .post-item .post-title').allInnerTexts();
}

/** Two animation frames: what the app measures in a frame after a draw (a virtual list's
 *  row height) is measured and drawn again. */
async function twoFrames(page) {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** Waits until a row of the list marks one of `parts` (whole mark, any case): only the rows
 *  of that search show it, where a count or a first hit may be the previous search's too. */
async function waitForMark(page, parts) {
  const escaped = parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  await page.locator('main .post-item mark', { hasText: new RegExp(`^(${escaped.join('|')})$`, 'i') }).first().waitFor();
}

test('home lists the newest posts and the sources under a sub-path', async (t) => {
  const seen = server.requests.length;
  const { page, errors } = await openPage(t, base);
  await page.locator('.newest .post-item').first().waitFor();
  await page.locator('.newest .post-source').first().waitFor();
  const fetched = server.requests.slice(seen).filter((p) => p.includes('/archive/'));
  assert.deepEqual(fetched, ['/gazette/archive/manifest.json'], 'the home page needs the manifest only');
  const newest = await page.locator('.newest .post-title').allInnerTexts();
  assert.equal(newest.length, 20);
  assert.equal(newest[0], '博罗县委人才工作会议：全力推进“六大工程” 加快建设人才强县');
  const sources = await page.locator('.source-card h3 a').allInnerTexts();
  assert.deepEqual(sources, ['东财滚动新闻', '南方Plus新闻', '站长消息']);
  assert.match(await page.locator('.stats').innerText(), /104 篇文章 · 3 个来源/);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.screenshot({ path: `${ARTIFACTS}/home-desktop.png`, fullPage: false });
  assert.deepEqual(errors, []);
});

test('the source index lists every category and filters them by name or id', async (t) => {
  const { page, errors } = await openPage(t, `${base}#/categories`);
  await page.locator('.category-index li').first().waitFor();
  assert.deepEqual(await page.locator('.category-index li a').allInnerTexts(), ['东财滚动新闻', '南方Plus新闻', '站长消息'], 'by size, then id');
  await page.fill('.categories input', 'nanfang');
  await page.locator('.result-count', { hasText: '1 / 3 个来源' }).waitFor();
  await page.locator('.category-index li a').click();
  await page.locator('#posts-title', { hasText: '来源：南方Plus新闻' }).waitFor();
  assert.deepEqual(errors, []);
});

test('a category route shows only that category, newest first', async (t) => {
  const { page } = await openPage(t, `${base}#/category/nanfangPlus`);
  await page.locator('main .post-item').first().waitFor();
  assert.deepEqual(await listTitles(page), ['博罗县委人才工作会议：全力推进“六大工程” 加快建设人才强县']);
  assert.equal(await page.locator('#posts-title').innerText(), '来源：南方Plus新闻');

  await page.goto(`${base}#/category/emnews`);
  await page.locator('.result-count', { hasText: '共 102 篇' }).waitFor();
  await listTitles(page);
  const metas = await page.locator('main .post-item .post-source').allInnerTexts();
  assert.ok(metas.length >= 6, `a screenful of posts is drawn, got ${metas.length}`);
  assert.ok(metas.every((m) => m === '东财滚动新闻'), 'every listed post is from emnews');
  const dates = await page.locator('main .post-item time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')).filter(Boolean));
  const instants = dates.map((d) => Date.parse(d));
  assert.deepEqual(instants, [...instants].sort((a, b) => b - a), 'newest first');
  await page.screenshot({ path: `${ARTIFACTS}/category-desktop.png` });
});

test('typing in the search box narrows the list and updates the URL', async (t) => {
  const { page } = await openPage(t, base);
  await page.locator('.newest .post-item').first().waitFor();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-input');
  await page.keyboard.type('博罗');
  await page.locator('.result-count', { hasText: '共 1 篇' }).waitFor();
  assert.deepEqual(await listTitles(page), ['博罗县委人才工作会议：全力推进“六大工程” 加快建设人才强县']);
  // The address bar follows once typing pauses (about 300 ms), without a history entry per
  // letter.
  await page.waitForFunction(() => decodeURIComponent(location.hash) === '#/search?q=博罗');
  assert.equal(await page.locator('main .post-item mark').first().innerText(), '博罗');

  await page.fill('#search-input', '人民币');
  await page.locator('.result-count', { hasText: /共 \d+ 篇/ }).waitFor();
  await waitForMark(page, ['人民币']);
  const titles = await listTitles(page);
  assert.ok(titles.length > 1 && titles.length < 104, `人民币 narrows the list (got ${titles.length})`);
  await page.screenshot({ path: `${ARTIFACTS}/search-desktop.png` });

  // The filtered view survives a reload (once the address bar has followed the typing).
  await page.waitForFunction(() => decodeURIComponent(location.hash) === '#/search?q=人民币');
  await page.reload();
  await page.locator('.result-count', { hasText: `共 ${titles.length} 篇` }).waitFor();
  assert.equal(await page.inputValue('#search-input'), '人民币');
});

test('leaving the search view right after typing is not undone by the late URL update', async (t) => {
  const { page } = await openPage(t, `${base}#/search?q=人`);
  await page.locator('.result-count').waitFor();
  await page.locator('#search-input').focus();
  await page.keyboard.press('End');
  await page.keyboard.insertText('民币');
  await page.locator('#posts-title', { hasText: '人民币' }).waitFor();
  // At once, before the address bar has followed the typing: go to the home page.
  await page.evaluate(() => { location.hash = '#/'; });
  await page.locator('.newest .post-item').first().waitFor();
  await page.waitForTimeout(600);
  assert.equal(new URL(page.url()).hash, '#/', 'the pending search URL must not overwrite the home page');
  // Back returns to the search entry (typing did not add entries of its own).
  await page.goBack();
  await page.locator('#posts-title', { hasText: '人' }).waitFor();
  assert.match(decodeURIComponent(new URL(page.url()).hash), /^#\/search\?q=人/);
});

test('category and date filters combine with words', async (t) => {
  const { page } = await openPage(t, `${base}#/category/emnews?q=美元&from=2021-12-08&to=2021-12-08`);
  await page.locator('.result-count', { hasText: /共 \d+ 篇/ }).waitFor();
  const titles = await listTitles(page);
  assert.ok(titles.length > 0);
  const texts = await page.locator('main .post-item').allInnerTexts();
  assert.ok(texts.every((t) => t.includes('美元')), 'every result mentions 美元');
  const { page: none } = await openPage(t, `${base}#/category/emnews?q=博罗`);
  await none.locator('.result-count', { hasText: '共 0 篇' }).waitFor();
});

test('the seed post renders its sanitized body, and a reload on its deep link works', async (t) => {
  const { page, errors } = await openPage(t, `${base}#/post/${SEED_ID}`);
  await page.locator('.article-body p').first().waitFor();
  assert.equal(await page.locator('#post-title').innerText(), '博罗县委人才工作会议：全力推进“六大工程” 加快建设人才强县');
  assert.match(await page.locator('.post-header time').innerText(), /^2022-02-24 17:03:45 \(UTC\+08:00\)$/);
  const bold = await page.locator('.article-body strong').allInnerTexts();
  assert.equal(bold.length, 6);
  assert.equal(bold[0], '一是大力实施乡村振兴人才壮大工程。');
  assert.equal(bold[5], '六是大力实施高端领军人才汇智工程。');
  assert.equal(await page.locator('.source-link a').getAttribute('href'), 'http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202202242288124890');
  const back = page.locator('.article-body a', { hasText: '返回南方Plus新闻' });
  assert.equal(await back.getAttribute('rel'), 'noopener noreferrer');
  assert.equal(await back.getAttribute('href'), '#/category/nanfangPlus', 'the old site link leads into the archive');
  assert.equal(await back.getAttribute('target'), null, 'in-app links stay in this tab');
  assert.equal(await page.locator('.source-link a').getAttribute('target'), '_blank');
  assert.equal(await page.locator('.article-body [style], .article-body [class], .article-body script').count(), 0);
  await page.screenshot({ path: `${ARTIFACTS}/post-desktop.png`, fullPage: false });

  await page.reload();
  await page.locator('.article-body strong').first().waitFor();
  assert.equal(await page.locator('.article-body strong').count(), 6);
  assert.deepEqual(errors, []);
});

test('an HTML-heavy post loses its styles and keeps its images, lazily and without referrer', async (t) => {
  const { page } = await openPage(t, `${base}#/post/-202205262391921712`);
  await page.locator('.article-body img').first().waitFor({ state: 'attached' });
  const images = await page.locator('.article-body img').evaluateAll((imgs) =>
    imgs.map((i) => [i.getAttribute('loading'), i.getAttribute('referrerpolicy'), i.hasAttribute('style')]));
  assert.ok(images.length >= 2);
  assert.ok(images.every(([loading, referrer, style]) => loading === 'lazy' && referrer === 'no-referrer' && !style));
  assert.match(await page.locator('.post-header time').innerText(), /日期不详/);
});

test('back and forward keep the view', async (t) => {
  const { page } = await openPage(t, base);
  await page.locator('.source-card h3 a', { hasText: '南方Plus新闻' }).click();
  await page.locator('#posts-title', { hasText: '来源：南方Plus新闻' }).waitFor();
  await page.locator('main .post-item a').first().click();
  await page.locator('.article-body p').first().waitFor();
  await page.goBack();
  await page.locator('#posts-title', { hasText: '来源：南方Plus新闻' }).waitFor();
  await page.goForward();
  await page.locator('#post-title').waitFor();
});

test('a long list draws only the rows on screen, keeps its full height and scrolls to its end', async (t) => {
  const { page, errors } = await openPage(t, `${base}#/category/emnews`);
  await page.locator('.result-count', { hasText: '共 102 篇' }).waitFor();
  await listTitles(page);
  // The list measures its rows in a frame after its first draw (it assumes a height before).
  await twoFrames(page);
  const drawn = () => page.locator('main .post-list .post-item').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('aria-posinset'))));
  const first = await drawn();
  assert.ok(first.length >= 6 && first.length < 40, `only about a screenful is drawn (${first.length} of 102)`);
  assert.deepEqual(first, first.map((_, i) => i + 1), 'the first rows, in order');
  assert.equal(await page.locator('main .post-item').first().getAttribute('aria-setsize'), '102');
  // The list keeps the height of all its rows, so the scroll bar means the whole list.
  const rowHeight = await page.locator('main .post-item').first().evaluate((r) => r.getBoundingClientRect().height);
  const listHeight = await page.locator('main .post-list').evaluate((l) => l.getBoundingClientRect().height);
  assert.ok(Math.abs(listHeight - 102 * rowHeight) < rowHeight, `list height ${listHeight} ≈ 102 × ${rowHeight}`);
  // Scrolling to the end draws the last rows (their summaries fetched on the way).
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForFunction(() => document.querySelector('main .post-item[aria-posinset="102"]'));
  await listTitles(page);
  const last = await drawn();
  assert.ok(!last.includes(1) && last.at(-1) === 102, `the last rows are drawn instead (${last})`);
  const lastRow = await page.locator('main .post-item[aria-posinset="102"]').boundingBox();
  assert.ok(lastRow.y + lastRow.height <= 900 + 1, 'the last row is on screen');
  assert.deepEqual(errors, []);
});

test('j/k walk past the drawn rows of a long list', async (t) => {
  const { page } = await openPage(t, `${base}#/category/emnews`);
  await page.locator('.result-count', { hasText: '共 102 篇' }).waitFor();
  await listTitles(page);
  for (let i = 0; i < 30; i++) await page.keyboard.press('j');
  await page.waitForFunction(() => document.activeElement?.closest('.post-item')?.getAttribute('aria-posinset') === '30');
  const box = await page.evaluate(() => document.activeElement.closest('.post-item').getBoundingClientRect().toJSON());
  assert.ok(box.top >= 0 && box.bottom <= 900 + 1, `the focused row is on screen (${JSON.stringify(box)})`);
  for (let i = 0; i < 5; i++) await page.keyboard.press('k');
  await page.waitForFunction(() => document.activeElement?.closest('.post-item')?.getAttribute('aria-posinset') === '25');
});

test('j pressed faster than the screen redraws still walks the list: no press is lost', async (t) => {
  const { page, errors } = await openPage(t, `${base}#/category/emnews`);
  await page.locator('.result-count', { hasText: '共 102 篇' }).waitFor();
  await listTitles(page);
  // A held key on a busy machine: keys arrive with no frame (and no scroll event) between
  // them, only the app's own pending work.
  await page.evaluate(async () => {
    for (let i = 0; i < 40; i++) {
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true, cancelable: true }));
      await null;
      await null;
    }
  });
  // Every press counts: the 40th row takes the focus once it is drawn (its summaries may
  // still be on their way), on screen.
  await page.waitForFunction(() => document.activeElement?.closest('.post-item')?.getAttribute('aria-posinset') === '40');
  const box = await page.evaluate(() => document.activeElement.closest('.post-item').getBoundingClientRect().toJSON());
  assert.ok(box.top >= 0 && box.bottom <= 900 + 1, `the focused row is on screen (${JSON.stringify(box)})`);
  assert.deepEqual(errors, []);
});

test('j/k move through a list and Enter opens the post', async (t) => {
  const { page } = await openPage(t, `${base}#/category/emnews`);
  await page.locator('main .post-item').first().waitFor();
  await listTitles(page);
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  const second = (await listTitles(page))[1];
  assert.equal(await page.evaluate(() => document.activeElement?.innerText), second);
  await page.keyboard.press('Enter');
  await page.locator('#post-title', { hasText: second }).waitFor();
});

test('a post links to the next newer and older post of its source, as its list orders them', async (t) => {
  // No file of a post names its neighbours (a newer post would change it): the post page
  // reads them from its source's list.
  const { page, errors } = await openPage(t, `${base}#/category/emnews`);
  await page.locator('.result-count', { hasText: '共 102 篇' }).waitFor();
  const titles = await listTitles(page);
  await page.locator('main .post-item > a').nth(1).click();
  await page.locator('#post-title', { hasText: titles[1] }).waitFor();
  await page.locator('.post-nav .newer .title').waitFor();
  assert.equal(await page.locator('.post-nav .newer .title').innerText(), titles[0]);
  assert.equal(await page.locator('.post-nav .older .title').innerText(), titles[2]);
  await page.locator('.post-nav .older').click();
  await page.locator('#post-title', { hasText: titles[2] }).waitFor();
  await page.locator('.post-nav .newer .title', { hasText: titles[1] }).waitFor();
  assert.equal(await page.locator('.post-nav .older .title').innerText(), titles[3]);
  // The newest post of its source has no newer one.
  await page.goto(`${base}#/category/emnews`);
  await listTitles(page);
  await page.locator('main .post-item > a').first().click();
  await page.locator('.post-nav .older .title', { hasText: titles[1] }).waitFor();
  assert.equal(await page.locator('.post-nav a.newer').count(), 0);
  assert.deepEqual(errors, []);
});

for (const [prefix, expected] of [
  ['truncated', /manifest\.json is not valid JSON/],
  ['missing', /服务器返回 404/],
  ['future', /schema_version 99/],
  ['webpage', /manifest\.json 是一个网页/],
]) {
  test(`a ${prefix} archive shows an error panel with a retry, not a blank page`, async (t) => {
    // No manifest to name the archive's language: the panel speaks the reader's, Chinese here.
    const { page } = await openPage(t, `${server.url}/${prefix}/#/category/emnews`, undefined, { language: 'zh-CN' });
    const panel = page.locator('.error-panel');
    await panel.waitFor();
    assert.match(await panel.innerText(), expected);
    assert.equal(await panel.locator('button', { hasText: '重试' }).count(), 1);
  });
}

test('without days.json.gz a source and a search still list their posts, without a timeline', async (t) => {
  const { page } = await openPage(t, `${server.url}/nodays/#/category/emnews`);
  await page.locator('main .post-item').first().waitFor();
  await page.goto(`${server.url}/nodays/#/search?q=${encodeURIComponent('人民币')}`);
  await page.locator('main .post-item mark').first().waitFor();
  assert.equal(await page.locator('.timeline').count(), 0);
  assert.equal(await page.locator('.error-panel').count(), 0);
  // A date range needs the days: that view says what failed.
  await page.goto(`${server.url}/nodays/#/date/2021/12`);
  await page.locator('.error-panel', { hasText: 'days.json.gz' }).waitFor();
});

test('unknown posts and routes explain themselves', async (t) => {
  const { page } = await openPage(t, `${base}#/post/no-such-post`);
  await page.locator('.error-panel', { hasText: '找不到这篇文章' }).waitFor();
  await page.goto(`${base}#/nowhere/%E4%BA`);
  await page.locator('.error-panel', { hasText: '找不到这个页面' }).waitFor();
});

test('phone-width screenshots render without horizontal scrolling', async (t) => {
  const phone = { width: 390, height: 844 };
  for (const [name, hash, ready] of [
    ['home', '', '.newest .post-item'],
    ['category', '#/category/emnews', 'main .post-item'],
    ['search', '#/search?q=人民币', 'main .post-item'],
    ['post', `#/post/${SEED_ID}`, '.article-body p'],
  ]) {
    const { page } = await openPage(t, `${base}${hash}`, phone);
    await page.locator(ready).first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} overflows by ${overflow}px at phone width`);
    await page.screenshot({ path: `${ARTIFACTS}/${name}-phone.png` });
  }
});

test('the date browser and the timeline narrow a list by date', async (t) => {
  const { page } = await openPage(t, base);
  await page.locator('.date-browser a.chip', { hasText: '12 月' }).click();
  await page.locator('#posts-title', { hasText: '2021-12-01 至 2021-12-31' }).waitFor();
  await page.locator('.result-count', { hasText: '共 102 篇' }).waitFor();
  assert.equal(decodeURIComponent(new URL(page.url()).hash), '#/date/2021/12');

  await page.goto(`${base}#/search`);
  await page.locator('.result-count', { hasText: '共 104 篇' }).waitFor();
  const bars = page.locator('.timeline rect.bar');
  assert.equal(await bars.count(), 2, 'two years: 2021 and 2022');
  assert.match(await bars.nth(1).locator('title').textContent(), /^2022：1 篇$/);
  await bars.nth(1).click();
  await page.locator('.result-count', { hasText: '共 1 篇' }).waitFor();
  assert.equal(decodeURIComponent(new URL(page.url()).hash), '#/date/2022');
  assert.deepEqual(await listTitles(page), ['博罗县委人才工作会议：全力推进“六大工程” 加快建设人才强县']);
});

test('full-text search reaches bodies and tickers and fetches only its own shards', async (t) => {
  const { page } = await openPage(t, base);
  await page.locator('.newest .post-item').first().waitFor();
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.fill('#search-input', '巨化股份');
  await page.locator('.result-count', { hasText: '共 1 篇' }).waitFor();
  assert.match((await listTitles(page))[0], /^据霍尼韦尔官网消息/);
  // Four units, three pairs: at most one search shard and one position shard per pair (the
  // demo archive has one index segment).
  const shards = fetched.filter((p) => p.includes('/archive/search/') && !p.includes('/positions/'));
  const positions = fetched.filter((p) => /\/archive\/search\/[0-9]+\/positions\//.test(p));
  assert.ok(shards.length >= 1 && shards.length <= 3, `巨化股份 needs at most 3 shards, fetched ${shards}`);
  assert.ok(positions.length >= 1 && positions.length <= 3, `巨化股份 needs at most 3 position shards, fetched ${positions}`);
  // The hit is deep in the body (not in the title or stored excerpt): the row shows the text
  // around it, from that post's body chunk — the only body fetched.
  await page.locator('main .post-item .post-excerpt mark', { hasText: '巨化股份' }).waitFor();
  const excerpt = await page.locator('main .post-item .post-excerpt').first().innerText();
  assert.match(excerpt, /^…/, `the excerpt starts at the hit, not at the top of the body: ${excerpt}`);
  assert.equal(fetched.filter((p) => p.includes('/archive/bodies/')).length, 1, 'one body chunk, for the excerpt');

  for (const [query, id] of [['HFO-1234yf', '-202205262391921712'], ['ET7', '-202205262391921712'], ['博罗 人才', '2022-02-24-202202242288124890']]) {
    await page.fill('#search-input', query);
    // Two of these queries have the same hit: the marks say the rows are this query's.
    await waitForMark(page, query.toLowerCase().split(/\s+/));
    await page.locator(`main .post-item a[href="#/post/${id}"]`).waitFor();
  }
  await page.fill('#search-input', '没有这样的词语');
  await page.locator('.result-count', { hasText: '共 0 篇' }).waitFor();
});

test('the app finds exactly what gazette search finds, and marks only what was typed', async (t) => {
  // One engine: the viewer and `gazette search` on the same archive give the same hits for
  // numbers, dates, mixed tokens and phrases (issue 19), words where letters meet digits
  // (`ET` and `1234` in `ET7` and `HFO-1234yf`), and every mark is the query itself.
  const { page } = await openPage(t, base);
  await page.locator('.newest .post-item').first().waitFor();
  const queries = ['2月', '12月', '8日', '3倍', '1.00%', '71.32美元', '人民币', '"根据公司"', 'A股', '人民币 汇率', '30', '"FF 91"', '"FF 91完成"', 'ET', '1234'];
  let withHits = 0;
  for (const query of queries) {
    const cli = JSON.parse(execFileSync(GAZETTE, ['search', join(DIST, 'archive'), query, '--json', '--limit', '0']));
    await page.fill('#search-input', query);
    await page.locator('.result-count', { hasText: `共 ${cli.count} 篇` }).waitFor();
    if (cli.count === 0) continue;
    withHits += 1;
    const first = cli.hits[0].id;
    // A quoted query is one part, white space and all (a phrase).
    const quoted = query.match(/^"(.*)"$/);
    const parts = (quoted ? [quoted[1]] : query.split(/\s+/)).map((part) => part.toLowerCase());
    // Successive queries may have the same count and first hit: wait for this one's marks.
    await waitForMark(page, parts);
    await page.locator(`main .post-item a[href="#/post/${first}"]`).waitFor();
    const marks = await page.locator('main .post-item mark').allInnerTexts();
    assert.ok(marks.length > 0, `${query}: the hits show marks`);
    for (const mark of marks) assert.ok(parts.includes(mark.toLowerCase()), `${query}: marked ${JSON.stringify(mark)}`);
  }
  assert.ok(withHits >= 8, `most queries have hits in the fixture archive (${withHits})`);
});

test('search results sort by relevance or by date', async (t) => {
  const { page } = await openPage(t, `${base}#/search?q=人民币`);
  await page.locator('.result-count .sort').waitFor();
  await page.locator('main .post-item .post-source').first().waitFor();
  const relevance = await listTitles(page);
  assert.ok(relevance[0].includes('人民币'), `a title match ranks first: ${relevance[0]}`);
  await page.locator('.sort a', { hasText: '按时间' }).click();
  await page.waitForFunction(() => location.hash.includes('sort=date'));
  // The address changes before the app draws the new order: wait for the drawn link state
  // (drawn with the list, in one render), not the address, or the old order is read.
  await page.locator('.sort a[aria-current="true"]', { hasText: '按时间' }).waitFor();
  await page.locator('main .post-item time').first().waitFor();
  const dates = await page.locator('main .post-item time').evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime'))).filter((d) => !Number.isNaN(d)));
  assert.deepEqual(dates, [...dates].sort((a, b) => b - a), 'newest first');
});

test('the app runs under its strict Content-Security-Policy, which blocks inline script', async (t) => {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${base}#/post/${SEED_ID}`);
  await page.locator('.article-body strong').first().waitFor();
  await page.fill('#search-input', '人民币');
  await page.locator('.result-count', { hasText: /共 \d+ 篇/ }).waitFor();
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  for (const directive of ["script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'", "base-uri 'none'", 'img-src \'self\' https:']) {
    assert.ok(csp.includes(directive), `CSP has ${directive}`);
  }
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script in the page');
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'the app itself violates nothing');
  const ran = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inline = 1';
    document.body.append(script);
    return window.__inline ?? null;
  });
  assert.equal(ran, null, 'an injected inline script does not run');
});

test('old Jekyll links reach the same view through 404.html under a sub-path', async (t) => {
  for (const [path, check] of [
    ['category/nanfangPlus.html', async (page) => page.locator('#posts-title', { hasText: '来源：南方Plus新闻' }).waitFor()],
    ['emnews/', async (page) => page.locator('.result-count', { hasText: '共 102 篇' }).waitFor()],
    ['nanfangPlus/2022/02/24/202202242288124890.html', async (page) => page.locator('.article-body strong').first().waitFor()],
    ['tags/%E5%8D%97%E6%96%B9Plus%E6%96%B0%E9%97%BB/', async (page) => page.locator('#posts-title', { hasText: '标签：南方Plus新闻' }).waitFor()],
  ]) {
    const { page } = await openPage(t, `${base}${path}`);
    await check(page);
    assert.ok(new URL(page.url()).pathname === '/gazette/', `${path} lands on the app: ${page.url()}`);
    assert.ok(!page.url().includes('legacy'), `the address shows the real route: ${page.url()}`);
  }
  // An old link's anchor is passed on: the post's route names it (as the builder names a
  // post's own ids), and the post is shown.
  const { page } = await openPage(t, `${base}nanfangPlus/2022/02/24/202202242288124890.html#stock_1.600160`);
  await page.locator('.article-body strong').first().waitFor();
  assert.equal(new URL(page.url()).hash, '#/post/2022-02-24-202202242288124890?at=gz-stock_1.600160');
});

test('a body chunk that 404s shows an error with a retry, and the rest of the app keeps working', async (t) => {
  const { page, errors } = await openPage(t, `${server.url}/nobody/#/post/${SEED_ID}`);
  const panel = page.locator('.error-panel');
  await panel.waitFor();
  const chunkName = seedChunk.replace('archive/', '').replace('.gz', '').replaceAll('.', '\\.');
  assert.match(await panel.innerText(), new RegExp(`无法载入这篇文章[\\s\\S]*${chunkName}[\\s\\S]*404`));
  assert.equal(await panel.locator('button', { hasText: '重试' }).count(), 1);
  await page.locator('.site-nav a', { hasText: '首页' }).click();
  await page.locator('.newest .post-item').first().waitFor();
  await page.fill('#search-input', '博罗');
  await page.locator('.result-count', { hasText: '共 1 篇' }).waitFor();
  assert.deepEqual(errors, []);
});

test('a DOM-clobbering form in a tampered body is dropped, the post shows, and the app keeps working', async (t) => {
  const { page, errors } = await openPage(t, `${server.url}/clobbered/#/post/${SEED_ID}`);
  await page.locator('.article-body p', { hasText: '表单之后的段落' }).waitFor();
  assert.equal(await page.locator('.article-body strong').count(), 6, 'the rest of the body is there');
  assert.equal(await page.locator('.article-body form, .article-body input').count(), 0);
  assert.equal(await page.locator('.error-panel, .article-refused').count(), 0);
  // Links, back and search still work: the wasm instance is alive.
  await page.locator('.site-nav a', { hasText: '首页' }).click();
  await page.locator('.newest .post-item').first().waitFor();
  await page.goBack();
  await page.locator('.article-body p', { hasText: '表单之后的段落' }).waitFor();
  await page.fill('#search-input', '博罗');
  await page.locator('.result-count', { hasText: '共 1 篇' }).waitFor();
  assert.deepEqual(errors, []);
});

test('a trap of the wasm instance shows the error panel with a reload, and the reload recovers', async (t) => {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  // Keep the instance's exports (boot.js hands them to the page in this event).
  await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__gazetteWasm = e.detail.wasm; }));
  await page.goto(`${base}#/category/emnews`);
  await page.locator('main .post-item .post-title').first().waitFor();
  // A real trap of Gazette's own instance, no panic before it: freeing a pointer at the top of
  // the 4 GiB address space makes the allocator read its header out of bounds. Thrown from a
  // task, it reaches the page uncaught, as a trap inside an event handler would.
  const message = await page.evaluate(() => new Promise((resolve) => {
    addEventListener('error', (e) => resolve(`${e.error?.name}: ${e.error?.message}`), { once: true });
    setTimeout(() => window.__gazetteWasm.__wbindgen_free(0xfffffff0, 16, 1));
  }));
  assert.match(message, /^RuntimeError: /);
  const panel = page.locator('.error-panel.fatal');
  await panel.waitFor();
  assert.equal(await page.getAttribute('.error-panel.fatal', 'role'), 'alert');
  assert.match(await panel.innerText(), /RuntimeError/);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), '重新加载 Reload', 'the reload button has the focus');
  await page.locator('.error-panel.fatal button', { hasText: '重新加载' }).click();
  await page.locator('main .post-item .post-title').first().waitFor();
  assert.equal(await page.locator('.error-panel').count(), 0);
  // The next navigation works.
  await page.locator('main .post-item a').first().click();
  await page.locator('#post-title').waitFor();
});

test('a wasm file that cannot start shows the error panel, not a blank page', async (t) => {
  const { page } = await openPage(t, `${server.url}/nowasm/`);
  const panel = page.locator('.error-panel.fatal');
  await panel.waitFor();
  assert.match(await panel.innerText(), /无法启动 · could not start/);
});

test('a slow body chunk shows a loading state, then the post', async (t) => {
  const { page } = await openPage(t, `${server.url}/slow/#/post/${SEED_ID}`);
  await page.locator('.loading', { hasText: '正在载入正文' }).waitFor();
  await page.locator('.article-body strong').first().waitFor({ timeout: 10000 });
  assert.equal(await page.locator('.loading').count(), 0);
});

test('a hostile fragment is shown as text, never run', async (t) => {
  const { page, errors } = await openPage(t, `${base}#/post/%3Cimg%20src=x%20onerror=alert(1)%3E`);
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs += 1; d.dismiss(); });
  const panel = page.locator('.error-panel', { hasText: '找不到这篇文章' });
  await panel.waitFor();
  assert.ok((await panel.innerText()).includes('<img src=x onerror=alert(1)>'), 'the id is shown as text');
  assert.equal(await panel.locator('img').count(), 0);
  await page.goto(`${base}#/search?q=%3Cscript%3Ealert(1)%3C/script%3E&from=9999-99-99&category=%22%3E%3Csvg`);
  await page.locator('#posts-title').waitFor();
  assert.equal(await page.locator('main svg script, main script').count(), 0);
  assert.equal(dialogs, 0);
  assert.deepEqual(errors, []);
});

test('a visited archive keeps working offline after a reload (service worker)', async (t) => {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(`${base}#/post/${SEED_ID}`);
  await page.locator('.article-body strong').first().waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready.then(() => true));
  // Reload once online so every file of this view goes through the worker's cache.
  await page.reload();
  await page.locator('.article-body strong').first().waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the page is controlled by the worker');
  // Offline: the page's own requests fail (emulation), and so do the worker's (the server
  // drops every connection — emulation does not reach a service worker's requests).
  await context.setOffline(true);
  server.refuse(true);
  t.after(() => server.refuse(false));
  await page.reload();
  await page.locator('.article-body strong').first().waitFor();
  assert.equal(await page.locator('.article-body strong').count(), 6);
  await page.locator('.site-nav a', { hasText: '首页' }).click();
  await page.locator('.newest .post-item').first().waitFor();
});

test('Retry after a damaged file is fixed on the host gets the fixed file, past the service worker', async (t) => {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(`${server.url}/healed/#/post/${SEED_ID}`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Reload once so the damaged chunk goes through the worker, which keeps it.
  await page.reload();
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the page is controlled by the worker');
  const panel = page.locator('.error-panel');
  await panel.waitFor();
  assert.match(await panel.innerText(), /损坏/);
  // The host is fixed: Retry shows the post (the worker would answer with the kept bytes).
  delete mounts['/healed/'].overrides[seedChunk];
  await panel.locator('button', { hasText: '重试' }).click();
  await page.locator('.article-body p').first().waitFor();
  assert.equal(await page.locator('.error-panel').count(), 0);
  // And what the worker keeps now is the fixed file: a reload shows the post at once.
  await page.reload();
  await page.locator('.article-body p').first().waitFor();
});

test('a rebuilt archive is never mixed with cached files of the old build (service worker)', async (t) => {
  // The same site plus one post newer than all the others: it takes the next post number,
  // so the open summary group, its source's list, the shards of its words and the head
  // files of the new build differ from the old one's (a cache that mixed builds would show
  // the old group, without the new post).
  const work = await mkdtemp(join(tmpdir(), 'gazette-rebuilt-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  const site = join(work, 'site');
  await cp('tests/fixtures/finews', site, { recursive: true });
  await writeFile(join(site, '_posts', '2025-01-01-rebuilt.md'),
    '---\ntitle: 重建之后的新文章\ndate: 2025-01-01 08:00:00 +0800\ncategories: nanfangPlus\n---\n重建之后的正文。\n');
  const rebuilt = join(work, 'dist');
  await cp(DIST, rebuilt, { recursive: true });
  await rm(join(rebuilt, 'archive'), { recursive: true });
  execFileSync(GAZETTE, ['build', site, join(site, 'old_post'), '--out', join(rebuilt, 'archive'), '--quiet']);

  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const all = `${server.url}/rebuilt/#/search`;
  await page.goto(all);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Reload once so the list's files go through the worker's cache.
  await page.reload();
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the page is controlled by the worker');
  await page.locator('.result-count', { hasText: '共 104 篇' }).waitFor();
  const before = await listTitles(page);
  assert.ok(before.length > 5);

  mounts['/rebuilt/'].dir = rebuilt;
  await page.reload();
  await page.locator('.result-count', { hasText: '共 105 篇' }).waitFor();
  const after = await listTitles(page);
  assert.equal(after[0], '重建之后的新文章', 'the list shows the new build, not cached summaries of the old one');
  assert.deepEqual(after.slice(1, 6), before.slice(0, 5));
  await page.goto(`${server.url}/rebuilt/#/post/2025-01-01-rebuilt`);
  await page.locator('.article-body', { hasText: '重建之后的正文' }).waitFor();
  assert.deepEqual(errors, []);
});

test('a source\'s list joins its own file and the newest segments\' shared list files', async (t) => {
  // An archive past the first merged segment of 32,768 posts: a category's posts below the
  // list split are in its own list file, the newer ones in the shared list files of the
  // segments after it (docs/archive-format.md). Its whole list must be there, once.
  const work = await mkdtemp(join(tmpdir(), 'gazette-lists-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  const site = join(work, 'site');
  execFileSync(GAZETTE, ['gen', '--posts', '37000', '--seed', '5', '--categories', '12', '--anomaly-rate', '0', '--out', site]);
  const dist = join(work, 'dist');
  await cp(DIST, dist, { recursive: true });
  await rm(join(dist, 'archive'), { recursive: true });
  execFileSync(GAZETTE, ['build', site, '--out', join(dist, 'archive'), '--quiet']);
  const manifest = JSON.parse(await readFile(join(dist, 'archive/manifest.json'), 'utf8'));
  const segments = manifest.layout.segments.map((s) => [s.first, s.end, s.list_shards > 0]);
  assert.deepEqual(segments, [[0, 32768, false], [32768, 36864, true], [36864, 37000, true]]);

  // The truth, from the posts themselves: each category's posts and the newest one's title.
  const counts = new Map();
  const newest = new Map();
  for (const file of await readdir(join(site, '_posts'))) {
    const text = await readFile(join(site, '_posts', file), 'utf8');
    const category = /^categories: (.+)$/m.exec(text)[1];
    const date = /^date: (.+)$/m.exec(text)[1];
    const title = JSON.parse(/^title: (.+)$/m.exec(text)[1]);
    counts.set(category, (counts.get(category) ?? 0) + 1);
    if (!newest.has(category) || newest.get(category).date < date) newest.set(category, { date, title });
  }
  mounts['/lists/'] = { dir: dist };
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const [busiest, quietest] = [...counts].sort((a, b) => b[1] - a[1]).filter((_, i, all) => i === 0 || i === all.length - 1);
  for (const [category, count] of [busiest, quietest]) {
    await page.goto(`${server.url}/lists/#/category/${category}`);
    await page.locator('.result-count', { hasText: `共 ${count.toLocaleString('en-US')} 篇` }).waitFor();
    const titles = await listTitles(page);
    assert.equal(titles[0], newest.get(category).title, `${category}: its newest post first`);
  }
  assert.deepEqual(errors, []);
});
