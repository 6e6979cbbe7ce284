// The browser for the end-to-end tests and the benchmark: Debian's Chromium or Firefox ESR,
// driven by puppeteer-core (Chromium over CDP, Firefox over WebDriver BiDi).
// `GAZETTE_BROWSER` picks one for the tests (`chromium`, the default, or `firefox`; not
// `BROWSER`, which many desktops already set to a command); `CHROMIUM` and `FIREFOX`
// override the paths. Never downloads a browser.
//
// The tests were written against Playwright's API, and this file gives them the small part
// of it they use — contexts with a viewport, locators with text filters that wait and are
// strict (an action on a locator that matches two elements fails), `fill`, key presses, page
// events — so that one suite runs unchanged in both browsers. Waiting is polling from Node
// (every 50 ms, up to 30 s): it survives navigations and needs no `eval` in pages whose
// Content-Security-Policy forbids it.
import puppeteer from 'puppeteer-core';
import { existsSync } from 'node:fs';

/** `chromium` or `firefox`, from `GAZETTE_BROWSER`. */
export const BROWSER = process.env.GAZETTE_BROWSER || 'chromium';

const TIMEOUT = 30_000;
const POLL_MS = 50;

function findExecutable(variable, candidates, hint) {
  const found = [process.env[variable], ...candidates].find((p) => p && existsSync(p));
  if (!found) throw new Error(`${hint} not found (set ${variable}): install the Debian package (cargo xtask setup does).`);
  return found;
}

export function chromiumPath() {
  return findExecutable('CHROMIUM', ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'], 'Chromium');
}

export function firefoxPath() {
  return findExecutable('FIREFOX', ['/usr/bin/firefox-esr', '/usr/bin/firefox'], 'Firefox');
}

/** Launches `browser` (`chromium` or `firefox`), by default the one `GAZETTE_BROWSER` names. */
export async function launch({ browser: name = BROWSER } = {}) {
  if (!['chromium', 'firefox'].includes(name)) throw new Error(`GAZETTE_BROWSER=${name}: use chromium or firefox`);
  const browser = name === 'firefox'
    ? await puppeteer.launch({ browser: 'firefox', executablePath: firefoxPath(), headless: true, defaultViewport: null })
    : await puppeteer.launch({
      browser: 'chrome',
      executablePath: chromiumPath(),
      headless: true,
      defaultViewport: null,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  return new Browser(name, browser);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `attempt` until it returns something truthy; errors (a navigation under way) retry. */
async function poll(attempt, what, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const value = await attempt();
      if (value) return value;
    } catch (error) {
      if (error.strict) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${lastError ? ` (last error: ${lastError.message})` : ''}`);
    }
    await sleep(POLL_MS);
  }
}

class Browser {
  constructor(name, browser) {
    /** `chromium` or `firefox`. */
    this.name = name;
    this.puppeteer = browser;
    // Firefox's BiDi requests carry their kind (`destination`) but puppeteer does not expose
    // it: keep it from the protocol's own event, by request id.
    this.destinations = new Map();
    if (name === 'firefox') {
      browser.connection.on('network.beforeRequestSent', (event) => {
        this.destinations.set(event.request.request, event.request.destination ?? '');
      });
    }
  }

  /** The browser's version number (`156.0.8078.114`). */
  async version() {
    return (await this.puppeteer.version()).replace(/^[^/]*\//, '');
  }

  /** A fresh profile (cache, storage, service workers). `viewport` defaults to 1280×720. */
  async newContext({ viewport = { width: 1280, height: 720 }, offline = false } = {}) {
    return new Context(this, await this.puppeteer.createBrowserContext(), { viewport, offline });
  }

  async close() {
    await this.puppeteer.close();
  }
}

class Context {
  constructor(browser, context, { viewport, offline }) {
    this.browser = browser;
    this.puppeteer = context;
    this.viewport = viewport;
    this.offline = offline;
    this.pages = [];
  }

  async newPage() {
    const raw = await this.puppeteer.newPage();
    await raw.setViewport(this.viewport);
    if (this.offline) await raw.setOfflineMode(true);
    const page = new Page(this, raw);
    this.pages.push(page);
    return page;
  }

  /**
   * Offline emulation of this context's pages. It does not reach a service worker's own
   * requests, in either browser: a test of offline use also has its server refuse them.
   */
  async setOffline(offline) {
    this.offline = offline;
    for (const page of this.pages) await page.puppeteer.setOfflineMode(offline);
  }

  /** A DevTools session on `page` (Chromium only). */
  async newCDPSession(page) {
    return page.puppeteer.createCDPSession();
  }

  async close() {
    await this.puppeteer.close();
  }
}

/** A request as the tests see it: its URL and its kind (`image`, `script`, …). */
class Request {
  constructor(browser, request) {
    this.browser = browser;
    this.puppeteer = request;
  }

  url() {
    return this.puppeteer.url();
  }

  resourceType() {
    if (this.browser.name !== 'firefox') return this.puppeteer.resourceType();
    const destination = this.browser.destinations.get(this.puppeteer.id);
    const kinds = { '': 'fetch', style: 'stylesheet', iframe: 'document', frame: 'document', audio: 'media', video: 'media', track: 'media' };
    return destination === undefined ? 'other' : kinds[destination] ?? destination;
  }
}

class Keyboard {
  constructor(page) {
    this.page = page;
  }

  async press(key) {
    await this.page.puppeteer.keyboard.press(key);
  }

  async type(text) {
    await this.page.puppeteer.keyboard.type(text);
  }

  /** Text inserted at the caret as one input, without key events (as an input method does). */
  async insertText(text) {
    if (this.page.context.browser.name === 'firefox') {
      // puppeteer's BiDi keyboard inserts one character at a time, the same way.
      await this.page.puppeteer.evaluate((text) => { document.execCommand('insertText', false, text); }, text);
    } else {
      await this.page.puppeteer.keyboard.sendCharacter(text);
    }
  }
}

class Page {
  constructor(context, page) {
    this.context = context;
    this.puppeteer = page;
    this.keyboard = new Keyboard(this);
  }

  /** `pageerror`, `request`, `frameattached` and `dialog`, as Playwright names them. */
  on(event, handler) {
    if (event === 'request') {
      this.puppeteer.on('request', (request) => handler(new Request(this.context.browser, request)));
    } else if (['pageerror', 'frameattached', 'dialog'].includes(event)) {
      this.puppeteer.on(event, handler);
    } else {
      throw new Error(`browser.mjs: no page event ${event}`);
    }
  }

  async addInitScript(script) {
    await this.puppeteer.evaluateOnNewDocument(script);
  }

  async goto(url) {
    return this.puppeteer.goto(url);
  }

  async reload() {
    return this.puppeteer.reload();
  }

  async goBack() {
    return this.puppeteer.goBack();
  }

  async goForward() {
    return this.puppeteer.goForward();
  }

  url() {
    return this.puppeteer.url();
  }

  async evaluate(fn, arg) {
    return this.puppeteer.evaluate(fn, arg);
  }

  /** Waits until `fn` (run in the page, awaited) returns something truthy (an element, too). */
  async waitForFunction(fn, arg, { timeout = TIMEOUT } = {}) {
    const script = `(async () => Boolean(await (${fn})(${JSON.stringify(arg ?? null)})))()`;
    await poll(() => this.puppeteer.evaluate(script), `${fn}`, timeout);
  }

  async waitForTimeout(ms) {
    await sleep(ms);
  }

  async screenshot(options) {
    return this.puppeteer.screenshot(options);
  }

  workers() {
    return this.puppeteer.workers();
  }

  locator(selector, options) {
    return new Locator(this, [selectStep(selector, options)]);
  }

  async fill(selector, value) {
    return this.locator(selector).fill(value);
  }

  async inputValue(selector) {
    return this.locator(selector).inputValue();
  }

  async getAttribute(selector, name) {
    return this.locator(selector).getAttribute(name);
  }
}

function selectStep(selector, { hasText } = {}) {
  if (hasText === undefined) return { selector };
  if (hasText instanceof RegExp) return { selector, regex: { source: hasText.source, flags: hasText.flags } };
  return { selector, text: String(hasText) };
}

/**
 * Runs in the page: the elements that `steps` select, in document order. A step is a CSS
 * selector (under each element of the step before), optionally with a text filter — a
 * string matches case-insensitively anywhere in the element's text, a regular expression
 * is tested against it, both with white space collapsed, as in Playwright — or `nth`.
 */
function selectElements(steps) {
  const normalize = (text) => text.replace(/\s+/g, ' ').trim();
  let elements = [document];
  for (const step of steps) {
    if ('nth' in step) {
      const element = elements.at(step.nth);
      elements = element ? [element] : [];
      continue;
    }
    const found = new Set();
    for (const root of elements) for (const element of root.querySelectorAll(step.selector)) found.add(element);
    elements = [...found].sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    if (step.text !== undefined) {
      const wanted = normalize(step.text).toLowerCase();
      elements = elements.filter((element) => normalize(element.textContent).toLowerCase().includes(wanted));
    } else if (step.regex) {
      const pattern = new RegExp(step.regex.source, step.regex.flags);
      elements = elements.filter((element) => pattern.test(normalize(element.textContent)));
    }
  }
  return elements;
}

/** Runs in the page: whether an element is visible, as Playwright means it. */
function isVisible(element) {
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden';
}

class Locator {
  constructor(page, steps) {
    this.page = page;
    this.steps = steps;
  }

  locator(selector, options) {
    return new Locator(this.page, [...this.steps, selectStep(selector, options)]);
  }

  nth(index) {
    return new Locator(this.page, [...this.steps, { nth: index }]);
  }

  first() {
    return this.nth(0);
  }

  toString() {
    return this.steps.map((step) => ('nth' in step ? `nth=${step.nth}`
      : `${step.selector}${step.text !== undefined ? ` has "${step.text}"` : ''}${step.regex ? ` has /${step.regex.source}/${step.regex.flags}` : ''}`)).join(' >> ');
  }

  /** Page code that yields the selected elements to `fn` (a function of them and `arg`). */
  #script(fn, arg) {
    return `(async () => (${fn})((${selectElements})(${JSON.stringify(this.steps)}), ${JSON.stringify(arg ?? null)}, ${isVisible}))()`;
  }

  async #evaluateAll(fn, arg) {
    return this.page.puppeteer.evaluate(this.#script(fn, arg));
  }

  /** Waits until exactly one element matches (and is visible, for `visible`); two fail at once. */
  async #waitForOne(state = 'attached', timeout = TIMEOUT) {
    await poll(async () => {
      const [count, visible] = await this.#evaluateAll((elements, _, isVisible) => [elements.length, elements.length === 1 && isVisible(elements[0])]);
      if (count > 1) {
        const error = new Error(`strict mode violation: ${this} matches ${count} elements`);
        error.strict = true;
        throw error;
      }
      return count === 1 && (state !== 'visible' || visible);
    }, `${this} to be ${state}`, timeout);
  }

  /** Runs `fn(element, arg)` in the page on the one matching element, once it exists. */
  async evaluate(fn, arg) {
    await this.#waitForOne();
    return this.#evaluateAll(`(elements, arg) => (${fn})(elements[0], arg)`, arg);
  }

  async evaluateAll(fn, arg) {
    return this.#evaluateAll(fn, arg);
  }

  async waitFor({ state = 'visible', timeout = TIMEOUT } = {}) {
    await this.#waitForOne(state, timeout);
  }

  async count() {
    return this.#evaluateAll((elements) => elements.length);
  }

  async allInnerTexts() {
    return this.#evaluateAll((elements) => elements.map((element) => element.innerText));
  }

  async innerText() {
    return this.evaluate((element) => element.innerText);
  }

  async textContent() {
    return this.evaluate((element) => element.textContent);
  }

  async inputValue() {
    return this.evaluate((element) => element.value);
  }

  async getAttribute(name) {
    return this.evaluate((element, name) => element.getAttribute(name), name);
  }

  async boundingBox() {
    return this.evaluate((element) => {
      const { x, y, width, height } = element.getBoundingClientRect();
      return { x, y, width, height };
    });
  }

  async focus() {
    await this.evaluate((element) => element.focus());
  }

  /** A real mouse click in the middle of the element, once it is visible (scrolled to). */
  async click() {
    await this.#waitForOne('visible');
    const handle = await this.page.puppeteer.evaluateHandle(this.#script((elements) => elements[0]));
    try {
      await handle.asElement().click();
    } finally {
      await handle.dispose();
    }
  }

  /** Replaces the field's text with `value`, as one input (as Playwright's `fill` does). */
  async fill(value) {
    await this.#waitForOne('visible');
    await this.evaluate((element) => {
      element.focus();
      element.select();
    });
    if (value === '') {
      await this.page.puppeteer.evaluate(() => { document.execCommand('delete'); });
    } else {
      await this.page.keyboard.insertText(value);
    }
  }
}
