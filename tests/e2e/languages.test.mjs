// The interface speaks the archive's language (issue 20): an English Jekyll site
// (tests/fixtures/english, `lang: en`) gets an English interface with the site's own title and
// description, English plural forms and dates; the finews fixture keeps its Chinese one
// (app.test.mjs); before the manifest says, the page speaks the reader's language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';

const DIST = resolve(process.env.GAZETTE_DIST ?? 'dist');
const GAZETTE = resolve(process.env.GAZETTE_BIN ?? 'target/debug/gazette');
let work;
let server;
let browser;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-english-'));
  const site = join(work, 'site');
  await cp(DIST, site, { recursive: true });
  await rm(join(site, 'archive'), { recursive: true });
  execFileSync(GAZETTE, ['build', 'tests/fixtures/english', '--out', join(site, 'archive'), '--quiet']);
  server = await serve({
    '/harbor/': { dir: site },
    '/missing/': { dir: DIST, overrides: { 'archive/manifest.json': null } },
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function open(t, url, { language } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (language) {
    await page.addInitScript(`Object.defineProperty(navigator, 'language', { get: () => ${JSON.stringify(language)} });`);
  }
  await page.goto(url);
  return { page, errors };
}

test('an English site gets an English interface with its own title, description, plurals and dates', async (t) => {
  const { page, errors } = await open(t, `${server.url}/harbor/`);
  await page.locator('.newest .post-item').first().waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.evaluate(() => document.title), 'Harbor Town Gazette');
  assert.equal(await page.locator('.site-header .brand').innerText(), 'Harbor Town Gazette');
  assert.deepEqual(await page.locator('.site-nav a').allInnerTexts(), ['Home', 'All sources']);
  assert.equal(await page.getAttribute('#search-input', 'placeholder'), 'Search the news (press / to focus)');
  assert.equal(await page.locator('#home-title').innerText(), 'Harbor Town Gazette');
  assert.equal(await page.locator('.intro .description').innerText(), 'Local news from Harbor Town, kept since 2023.');
  assert.match(await page.locator('.stats').innerText(), /^5 posts · 3 sources · 6 tags · Dec 24, 2023 to Apr 1, 2024$/);
  assert.equal(await page.locator('#newest-title').innerText(), 'Latest posts');
  assert.equal(await page.locator('#dates-title').innerText(), 'Browse by date');
  assert.match(await page.locator('.newest .post-item').first().innerText(), /First day of the new ferry timetable\s+Apr 1, 2024, 18:45/);
  assert.match(await page.locator('.site-footer').innerText(), /Press \/ to search/);
  // Not one Chinese character anywhere: the posts are English, and so is every label.
  assert.doesNotMatch(await page.evaluate(() => document.body.innerText), /[\u3400-\u9fff]/);

  // Counts take English plural forms.
  await page.goto(`${server.url}/harbor/#/category/council`);
  await page.locator('.result-count', { hasText: '1 post' }).waitFor();
  assert.equal(await page.locator('.result-count').innerText(), '1 post');
  assert.equal(await page.locator('#posts-title').innerText(), 'Source: council');
  await page.goto(`${server.url}/harbor/#/category/transport`);
  await page.locator('.result-count', { hasText: '2 posts' }).waitFor();
  await page.waitForFunction(() => document.title === 'Source: transport · Harbor Town Gazette');

  // A post: its date the English way, in its own zone, and the way back to its source.
  await page.goto(`${server.url}/harbor/#/post/2024-04-01-ferry-first-day`);
  await page.locator('.article-body p').first().waitFor();
  assert.equal(await page.locator('.post-header time').innerText(), 'Apr 1, 2024, 18:45:00 (UTC+01:00)');
  assert.match(await page.locator('.post-nav').innerText(), /Back to transport/);
  assert.match(await page.locator('.post-nav').innerText(), /Older →/);
  assert.doesNotMatch(await page.evaluate(() => document.body.innerText), /[\u3400-\u9fff]/);

  await page.goto(`${server.url}/harbor/#/no/such/page`);
  await page.locator('.error-panel', { hasText: 'Page not found' }).waitFor();
  assert.deepEqual(errors, []);
});

test('footnotes and links within a post lead to their anchors in place, and back', async (t) => {
  // kramdown's footnotes and header ids (tests/fixtures/english, the council post): the ids
  // survive the browser's sanitizer, and following a link moves the focus to its anchor
  // without changing the route.
  const { page, errors } = await open(t, `${server.url}/harbor/#/post/2024-02-10-council-budget`);
  await page.locator('.article-body sup a').first().waitFor();
  const route = await page.evaluate(() => location.hash);
  const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
  const inView = (id) => page.evaluate((id) => {
    const box = document.getElementById(id).getBoundingClientRect();
    return box.top >= 0 && box.bottom <= innerHeight;
  }, id);
  assert.deepEqual(
    await page.evaluate(() => [...document.querySelectorAll('.article-body [id]')].map((e) => `${e.localName}#${e.id}`)),
    ['sup#gz-fnref:sum', 'h2#gz-the-harbour', 'sup#gz-fnref:pontoon', 'h3#gz-accounts', 'li#gz-fn:sum', 'li#gz-fn:pontoon'],
  );
  // Each link names its anchor in the post's route, for a new tab, a bookmark or a copy.
  assert.equal(
    await page.locator('.article-body sup a', { hasText: '2' }).getAttribute('href'),
    '#/post/2024-02-10-council-budget?at=gz-fn%3Apontoon',
  );
  await page.locator('.article-body sup a', { hasText: '2' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'gz-fn:pontoon');
  assert.ok(await inView('gz-fn:pontoon'), 'the note is in view');
  assert.equal(await page.evaluate(() => location.hash), route, 'the route stays');
  assert.match(await page.locator('li#gz-fn\\:pontoon').innerText(), /ferry ramp in 2022/);
  await page.locator('li#gz-fn\\:pontoon a').click();
  await page.waitForFunction(() => document.activeElement?.id === 'gz-fnref:pontoon');
  assert.ok(await inView('gz-fnref:pontoon'), 'back at the reference');
  await page.locator('.article-body a', { hasText: 'below' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'gz-the-harbour');
  assert.equal(await focused(), 'gz-the-harbour');
  // The post's own raw HTML: its id and the link to it (as Jekyll keeps them) still meet.
  await page.locator('.article-body a', { hasText: 'accounts' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'gz-accounts');
  assert.equal(await page.evaluate(() => location.hash), route, 'the route stays');
  // `#top` is the post's top; a link to an anchor the post lacks leads nowhere (its text stays).
  assert.equal(await page.locator('.article-body a', { hasText: 'Minutes' }).getAttribute('href'), null);
  await page.evaluate(() => { document.body.style.paddingBottom = '3000px'; scrollTo(0, 600); });
  assert.ok(await page.evaluate(() => scrollY > 0), 'scrolled down');
  // The link is brought to the middle of the view before the click, so that the click's own
  // scrolling to it has nothing to do (once, in Firefox within the whole suite on a slow
  // machine, the page did not reach its top after the click; not reproduced alone).
  const backToTop = page.locator('.article-body a', { hasText: 'Back to top' });
  await backToTop.evaluate((link) => link.scrollIntoView({ block: 'center' }));
  assert.ok(await page.evaluate(() => scrollY > 0), 'still scrolled down');
  await backToTop.click();
  await page.waitForFunction(() => scrollY === 0);
  assert.equal(await page.evaluate(() => location.hash), route, 'the route stays');
  // Opened from its address (a new tab, a bookmark), the post shows the anchor.
  const second = await open(t, `${server.url}/harbor/#/post/2024-02-10-council-budget?at=gz-fn%3Apontoon`);
  await second.page.waitForFunction(() => document.activeElement?.id === 'gz-fn:pontoon');
  assert.ok(await second.page.evaluate(() => {
    const box = document.getElementById('gz-fn:pontoon').getBoundingClientRect();
    return box.top >= 0 && box.bottom <= innerHeight;
  }), 'the note is in view in the new tab');
  assert.deepEqual(errors, []);
  assert.deepEqual(second.errors, []);
});

test('before the manifest says, the page speaks the reader\'s language', async (t) => {
  for (const [language, title, retry] of [['en-US', 'Could not load the archive', 'Retry'], ['zh-CN', '无法载入存档', '重试']]) {
    const { page } = await open(t, `${server.url}/missing/`, { language });
    const panel = page.locator('.error-panel');
    await panel.waitFor();
    assert.match(await panel.innerText(), new RegExp(title));
    assert.equal(await panel.locator('button', { hasText: retry }).count(), 1);
    assert.equal(await page.getAttribute('html', 'lang'), language);
  }
});
