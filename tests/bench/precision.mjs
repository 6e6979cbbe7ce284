// Precision and recall of search, per query class (issue 19: "search finds exactly what was
// typed"), for Gazette (`gazette search`, the viewer's own query engine) and for the peers
// (Pagefind, FlexSearch, MiniSearch, through tests/bench/peers/run.mjs), against the exact
// meaning of a query in the posts' text. Prints one JSON object.
//
//   node tests/bench/precision.mjs ARCHIVE [--gazette BINARY] [--peers-dir WORKDIR]
//        [--peers pagefind,flexsearch,minisearch] [--queries FILE] [--write-queries FILE] [--seed N]
//
//   ARCHIVE            a folder written by `gazette build`
//   --gazette BINARY   measure Gazette: `BINARY search ARCHIVE QUERY --json --limit 0` per query
//   --peers-dir DIR    measure the peers prepared in DIR by `peers/prepare.mjs ARCHIVE DIR`
//                      (one headless Chromium page per peer, the index loaded once, every query)
//   --peers LIST       only these peers (default: all three)
//   --queries FILE     use this query set (as --write-queries writes it, or a JSON list of
//                      strings, classified by their shape) instead of sampling one
//   --write-queries F  write the query set, with classes and the post each sample came from
//   --seed N           the sampler's seed (default 1)
//
// With neither --gazette nor --peers-dir it only makes (and writes) the query set and prints
// its per-class counts. Examples:
//
//   node tests/bench/precision.mjs /tmp/archive --gazette target/release/gazette > precision.json
//   node tests/bench/peers/prepare.mjs /tmp/archive /tmp/peers
//   node tests/bench/precision.mjs /tmp/archive --gazette target/release/gazette --peers-dir /tmp/peers
//
// The meaning of a query (the ground truth). Text and query are folded (full-width ASCII to
// ASCII, then lower case: `fold` in peers/web/tokenize.js). Quote characters (" “ ”) are
// dropped from the query — quotes only group — and the rest is split on whitespace into
// parts. A post matches when every part occurs in its title or article text (peers/common.mjs
// `postText`: the text every peer indexes) at a word boundary: when a part begins with a word
// character, the character before the occurrence is not one of the same kind (or the text
// starts there); when it ends with one, the character after is not one of the same kind. A
// word character is a letter or digit (Unicode Alphabetic or Numeric, Rust's
// `char::is_alphanumeric`) that is not an ideograph (U+3040–30FF, 3400–4DBF, 4E00–9FFF,
// AC00–D7AF, F900–FAFF, 20000–2FA1F); its kind is digit (Unicode Numeric, Rust's
// `char::is_numeric`) or letter (format 11: where letters meet digits a word ends). So `30`
// is not in `2030`, `2月` is not in `12月` but is in `今年2月`, `3.6%` is not in `13.6%` or
// `3.65%`, `a股` is in `港a股`, `6%` is in `3.6%`, and `2024` is in `2024q1`.
//
// The query set: the 30 fixed benchmark queries (queries.json), the issue's examples, and
// samples drawn from the posts' own folded text with a fixed seed (mulberry32), deduplicated,
// SAMPLES_PER_CLASS per class:
//   cjk     2–6 consecutive ideographs
//   latin   letters/digits, possibly with punctuation inside or one punctuation character at
//           the end (`3.5%`, `hfo-1234yf`, `2023-05`, `600160`)
//   mixed   2–8 characters where a word character touches an ideograph (`2月`, `a股`, `9%至`)
//   quoted  a cjk (3–6) or mixed (3–8) sample in "…"
//   multi   two samples of one post joined by a space (both needed)
// Samples hold no whitespace, quote or bracket. Every sample starts and ends at a word
// boundary of the post it came from, so that post is in its ground truth (checked). Fixed
// queries get the class their shape says.
//
// Figures, per engine and class (and "all"): queries, hits (result ids, summed), correct (hits
// that match), truth (posts that match), precision = correct / hits and recall = correct /
// truth (micro: pooled over the class), how many queries have precision < 1 or recall < 1, and
// up to FAILURES_SHOWN failing queries (the worst first) with their numbers and an example
// wrong hit and missed post. Benchmarks measure: nothing here fails because a figure is low.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ALL_PEERS, fold, postText, readArchive } from './peers/common.mjs';

export const CLASSES = ['cjk', 'latin', 'mixed', 'quoted', 'multi'];
/** Sampled queries per class (the fixed queries come on top). */
export const SAMPLES_PER_CLASS = 64;
const FAILURES_SHOWN = 10;
/** The issue's examples, measured with the 30 fixed queries. */
export const ISSUE_QUERIES = ['3.6%', '11%', '7%', '2月', '5月', '8日', '12月', '"根据公司"', '医药股走强'];

// ---- characters ------------------------------------------------------------------------

export function isIdeographCode(cp) {
  return (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff)
    || (cp >= 0xac00 && cp <= 0xd7af) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x2fa1f);
}
const ALNUM = /^[\p{Alphabetic}\p{N}]$/u;
// Punctuation and symbols, brackets and quote marks aside (`lp(`, `hk)` are not queries).
const PUNCT = /^(?![\p{Ps}\p{Pe}\p{Pi}\p{Pf}])[\p{P}\p{S}]$/u;
const QUOTES = /["“”]/gu;

/** One character (a code point, as a string) is an ideograph. */
const isIdeograph = (c) => c !== undefined && isIdeographCode(c.codePointAt(0));
/** A word character: a letter or digit that is not an ideograph. */
export const isWord = (c) => c !== undefined && ALNUM.test(c) && !isIdeograph(c);
const NUMERIC = /^\p{N}$/u;
/** Two word characters of one word: both digits or both letters (format 11). */
const sameWord = (a, b) => isWord(a) && isWord(b) && NUMERIC.test(a) === NUMERIC.test(b);
/** Punctuation or a symbol a sample may hold (not a bracket, not a quote, which only groups). */
const isPunct = (c) => c !== undefined && PUNCT.test(c) && !'"“”'.includes(c);

/** The character (code point) that ends just before UTF-16 index i, or undefined at 0. */
function charBefore(s, i) {
  if (i <= 0) return undefined;
  const low = s.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = s.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return s.slice(i - 2, i);
  }
  return s[i - 1];
}
/** The character (code point) that starts at UTF-16 index i, or undefined at the end. */
const charAt = (s, i) => (i < s.length ? String.fromCodePoint(s.codePointAt(i)) : undefined);

// ---- the meaning of a query --------------------------------------------------------------

/** The parts a post must hold: the folded query without quotes, split on whitespace. */
export function queryParts(query) {
  return fold(query).replace(QUOTES, ' ').split(/\s+/u).filter(Boolean);
}

/** Does `part` occur in `text` at UTF-16 index i with the word-boundary rule kept? */
export function boundaryAt(text, i, part) {
  if (sameWord(charAt(part, 0), charBefore(text, i))) return false;
  if (sameWord(charBefore(part, part.length), charAt(text, i + part.length))) return false;
  return true;
}

/** Does one (folded) text hold `part` at a word boundary? */
export function holds(text, part) {
  for (let i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) if (boundaryAt(text, i, part)) return true;
  return false;
}

/** Does a (folded) text match a query? */
export function matches(text, query) {
  const parts = queryParts(query);
  return parts.length > 0 && parts.every((part) => holds(text, part));
}

/**
 * The folded texts of an archive's posts, for ground truth over all of them at once: the
 * texts joined by "\n" (no part holds whitespace, so none spans two posts, and "\n" is no
 * word character) in chunks of about 8 M UTF-16 units, each with its posts' start offsets.
 */
class Corpus {
  constructor(posts) {
    this.ids = posts.map((p) => p.id);
    this.texts = posts.map((p) => fold(postText(p)));
    this.chunks = [];
    let chunk = null;
    this.texts.forEach((text, n) => {
      if (!chunk || chunk.length > 8 << 20) {
        chunk = { parts: [], starts: [], first: n, length: 0 };
        this.chunks.push(chunk);
      }
      chunk.starts.push(chunk.length);
      chunk.parts.push(text);
      chunk.length += text.length + 1;
    });
    for (const c of this.chunks) {
      c.text = c.parts.join('\n');
      delete c.parts;
    }
    this.partCache = new Map();
  }

  /** The post numbers (ordinals in archive order) whose text holds `part`, as a Set. */
  postsHolding(part) {
    let found = this.partCache.get(part);
    if (found) return found;
    found = new Set();
    for (const c of this.chunks) {
      let i = c.text.indexOf(part);
      while (i >= 0) {
        // The post that holds index i: the last start <= i.
        let lo = 0, hi = c.starts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (c.starts[mid] <= i) lo = mid; else hi = mid - 1;
        }
        if (boundaryAt(c.text, i, part)) {
          found.add(c.first + lo);
          // One occurrence is enough: go on from the next post.
          if (lo + 1 >= c.starts.length) break;
          i = c.text.indexOf(part, c.starts[lo + 1]);
        } else {
          i = c.text.indexOf(part, i + 1);
        }
      }
    }
    this.partCache.set(part, found);
    return found;
  }

  /** The ids of the posts that match `query`. */
  truth(query) {
    const parts = queryParts(query);
    if (!parts.length) return new Set();
    const sets = parts.map((p) => this.postsHolding(p)).sort((a, b) => a.size - b.size);
    const ids = new Set();
    for (const n of sets[0]) if (sets.every((s) => s.has(n))) ids.add(this.ids[n]);
    return ids;
  }
}

// ---- the query set -----------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The class a query's shape gives it (for the fixed queries and plain lists of strings). */
export function classify(query) {
  const t = query.trim();
  if (/^["“].*["”]$/su.test(t) && !/\s/u.test(t)) return 'quoted';
  const parts = queryParts(t);
  if (parts.length > 1) return 'multi';
  const chars = Array.from(parts[0] ?? '');
  if (chars.every(isIdeograph)) return 'cjk';
  if (!chars.some(isIdeograph)) return 'latin';
  return 'mixed';
}

/**
 * Samplers. Each takes the post's folded characters (code points) and a random source and
 * returns a query string from them, or null when this try found none.
 */
const startsWordBoundary = (cs, s) => !isWord(cs[s]) || !isWord(cs[s - 1]);
const endsWordBoundary = (cs, e) => !isWord(cs[e - 1]) || !isWord(cs[e]);
const pick = (rand, list) => list[Math.floor(rand() * list.length)];
const between = (rand, lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

/** Index positions i (in cs) where pred(cs[i]) holds. */
const positions = (cs, pred) => cs.reduce((out, c, i) => (pred(c, i) ? (out.push(i), out) : out), []);

function sampleCjk(cs, rand, min = 2, max = 6) {
  const starts = positions(cs, (c) => isIdeograph(c));
  if (!starts.length) return null;
  const s = pick(rand, starts);
  const length = between(rand, min, max);
  if (s + length > cs.length) return null;
  for (let i = s; i < s + length; i++) if (!isIdeograph(cs[i])) return null;
  return cs.slice(s, s + length).join('');
}

function sampleLatin(cs, rand) {
  // A word start (a word character after a non-word one)…
  const starts = positions(cs, (c, i) => isWord(c) && !isWord(cs[i - 1]));
  if (!starts.length) return null;
  const s = pick(rand, starts);
  // …then the run of word characters and punctuation it begins (no whitespace, ideograph or quote).
  let b = s;
  while (b < cs.length && (isWord(cs[b]) || isPunct(cs[b])) && b - s < 24) b++;
  // Ends: after a word character at a word boundary, or after one punctuation character
  // that follows a word character.
  const ends = [];
  for (let e = s + 2; e <= b; e++) {
    if (isWord(cs[e - 1]) ? !isWord(cs[e]) : isWord(cs[e - 2])) ends.push(e);
  }
  if (!ends.length) return null;
  // Half the time the longest: tokens with punctuation inside (`hfo-1234yf`, `3.5%`).
  const e = rand() < 0.5 ? ends[ends.length - 1] : pick(rand, ends);
  return cs.slice(s, e).join('');
}

function sampleMixed(cs, rand, min = 2, max = 8) {
  // Where a word character touches an ideograph.
  const touches = positions(cs, (c, i) => (isWord(c) && isIdeograph(cs[i + 1])) || (isIdeograph(c) && isWord(cs[i + 1])));
  if (!touches.length) return null;
  const t = pick(rand, touches);
  for (let attempt = 0; attempt < 8; attempt++) {
    const length = between(rand, min, max);
    const s = t - Math.floor(rand() * (length - 1)); // [s, s + length) covers t and t + 1
    const e = s + length;
    if (s < 0 || e > cs.length) continue;
    const inside = cs.slice(s, e);
    if (!inside.every((c) => isWord(c) || isIdeograph(c) || isPunct(c))) continue;
    // Starts with a word character or an ideograph; punctuation only inside or as the last
    // character right after a word character (`9%至`, `涨5%`).
    if (isPunct(cs[s]) || (isPunct(cs[e - 1]) && !isWord(cs[e - 2]))) continue;
    if (!startsWordBoundary(cs, s) || !endsWordBoundary(cs, e)) continue;
    return inside.join('');
  }
  return null;
}

function sampleQuoted(cs, rand) {
  const inner = rand() < 0.5 ? sampleCjk(cs, rand, 3, 6) : sampleMixed(cs, rand, 3, 8);
  return inner && `"${inner}"`;
}

function sampleMulti(cs, rand) {
  const one = () => pick(rand, [() => sampleCjk(cs, rand, 2, 4), () => sampleLatin(cs, rand), () => sampleMixed(cs, rand)])();
  const a = one();
  const b = one();
  if (!a || !b || a === b) return null;
  return `${a} ${b}`;
}

const SAMPLERS = { cjk: sampleCjk, latin: sampleLatin, mixed: sampleMixed, quoted: sampleQuoted, multi: sampleMulti };

/**
 * The query set of an archive: fixed queries (the bench's 30 and the issue's), then
 * SAMPLES_PER_CLASS samples per class from random posts. [{ query, class, source, post? }]
 */
export async function makeQuerySet(posts, corpus, { seed = 1, perClass = SAMPLES_PER_CLASS } = {}) {
  const { queries: bench } = JSON.parse(await readFile(new URL('./queries.json', import.meta.url), 'utf8'));
  const set = [];
  const seen = new Set();
  for (const query of [...bench, ...ISSUE_QUERIES]) {
    if (seen.has(query)) continue;
    seen.add(query);
    set.push({ query, class: classify(query), source: ISSUE_QUERIES.includes(query) && !bench.includes(query) ? 'issue' : 'bench' });
  }
  const rand = mulberry32(seed);
  const sampled = Object.fromEntries(CLASSES.map((c) => [c, 0]));
  const maxTries = perClass * CLASSES.length * 200;
  for (let tries = 0; tries < maxTries && CLASSES.some((c) => sampled[c] < perClass); tries++) {
    for (const cls of CLASSES) {
      if (sampled[cls] >= perClass) continue;
      const n = Math.floor(rand() * posts.length);
      const query = SAMPLERS[cls](Array.from(corpus.texts[n]), rand);
      if (!query || seen.has(query)) continue;
      // The sample's own post must be in its ground truth: the sampler kept to the rule.
      if (!corpus.truth(query).has(posts[n].id)) {
        throw new Error(`sampler bug: ${JSON.stringify(query)} (${cls}) does not match its own post ${posts[n].id}`);
      }
      seen.add(query);
      sampled[cls]++;
      set.push({ query, class: cls, source: 'sampled', post: posts[n].id });
    }
  }
  return set;
}

/** A query set from a file: as --write-queries writes it, or a JSON list of strings. */
async function readQuerySet(file) {
  const data = JSON.parse(await readFile(file, 'utf8'));
  const list = Array.isArray(data) ? data : data.queries;
  return list.map((q) => (typeof q === 'string' ? { query: q, class: classify(q), source: 'file' } : q));
}

// ---- scoring -----------------------------------------------------------------------------

const round = (v) => (v === null ? null : Math.round(v * 10000) / 10000);

/**
 * Per class and "all": the figures of one engine from its hit ids per query.
 * `hitsByQuery`: { query: [post id, …] }; a query the engine did not answer is left out.
 */
export function score(set, corpus, hitsByQuery) {
  const empty = () => ({ queries: 0, hits: 0, correct: 0, truth: 0, precision_below_1: 0, recall_below_1: 0, failing: [] });
  const rows = Object.fromEntries([...CLASSES, 'all'].map((c) => [c, empty()]));
  for (const entry of set) {
    const ids = hitsByQuery[entry.query];
    if (!ids) continue;
    const hits = [...new Set(ids)];
    const truth = corpus.truth(entry.query);
    const correct = hits.filter((id) => truth.has(id)).length;
    const wrong = hits.find((id) => !truth.has(id));
    const hitSet = new Set(hits);
    let missed;
    for (const id of truth) if (!hitSet.has(id)) { missed = id; break; }
    const q = {
      query: entry.query, hits: hits.length, correct, truth: truth.size,
      precision: hits.length ? round(correct / hits.length) : null,
      recall: truth.size ? round(correct / truth.size) : null,
    };
    if (wrong !== undefined) q.wrong_hit = wrong;
    if (missed !== undefined) q.missed = missed;
    for (const row of [rows[entry.class] ?? (rows[entry.class] = empty()), rows.all]) {
      row.queries++;
      row.hits += hits.length;
      row.correct += correct;
      row.truth += truth.size;
      if (hits.length && correct < hits.length) row.precision_below_1++;
      if (truth.size && correct < truth.size) row.recall_below_1++;
      if (correct < hits.length || correct < truth.size) row.failing.push(q);
    }
  }
  for (const row of Object.values(rows)) {
    row.precision = row.hits ? round(row.correct / row.hits) : null;
    row.recall = row.truth ? round(row.correct / row.truth) : null;
    // The worst first: most wrong hits plus missed posts, relative to the query's size.
    const badness = (q) => (q.hits - q.correct) + (q.truth - q.correct);
    row.failures = row.failing.sort((a, b) => badness(b) - badness(a)).slice(0, FAILURES_SHOWN);
    delete row.failing;
  }
  return rows;
}

// ---- engines -----------------------------------------------------------------------------

const execFileAsync = promisify(execFile);

/**
 * Gazette's hit ids per query: `gazette search ARCHIVE QUERY --json --limit 0`. A query the
 * binary fails on counts as no hits (as the viewer would show none) and is listed in `errors`.
 */
export async function gazetteHits(gazette, archiveDir, queries) {
  const hits = {};
  const errors = [];
  for (const query of queries) {
    try {
      const { stdout } = await execFileAsync(gazette, ['search', archiveDir, query, '--json', '--limit', '0'], { maxBuffer: 1 << 30 });
      hits[query] = JSON.parse(stdout).hits.map((h) => h.id);
    } catch (error) {
      hits[query] = [];
      errors.push({ query, error: String(error.stderr || error.message || error).trim().split('\n').slice(-1)[0] });
    }
  }
  return { hits, errors };
}

// ---- command line ------------------------------------------------------------------------

function parseArgs(argv) {
  const usage = () => {
    console.error('usage: node tests/bench/precision.mjs ARCHIVE [--gazette BINARY] [--peers-dir WORKDIR] '
      + `[--peers ${ALL_PEERS.join(',')}] [--queries FILE] [--write-queries FILE] [--seed N]`);
    process.exit(2);
  };
  const options = { peers: ALL_PEERS, seed: 1 };
  const positional = [];
  const valued = { '--gazette': 'gazette', '--peers-dir': 'peersDir', '--peers': 'peers', '--queries': 'queries', '--write-queries': 'writeQueries', '--seed': 'seed' };
  for (let i = 0; i < argv.length; i++) {
    const key = valued[argv[i]];
    if (key) {
      const value = argv[++i];
      if (value === undefined) usage();
      options[key] = value;
    } else if (argv[i].startsWith('--')) usage();
    else positional.push(argv[i]);
  }
  if (positional.length !== 1) usage();
  if (typeof options.peers === 'string') {
    options.peers = options.peers.split(',');
    if (!options.peers.length || options.peers.some((p) => !ALL_PEERS.includes(p))) usage();
  }
  options.seed = Number(options.seed);
  if (!Number.isInteger(options.seed)) usage();
  options.archiveDir = resolve(positional[0]);
  return options;
}

const log = (...args) => console.error('precision:', ...args);

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const posts = await readArchive(options.archiveDir);
  const corpus = new Corpus(posts);
  for (const post of posts) post.html = null; // the folded texts are all that is needed now
  const set = options.queries ? await readQuerySet(options.queries) : await makeQuerySet(posts, corpus, { seed: options.seed });
  const counts = Object.fromEntries(CLASSES.map((c) => [c, set.filter((q) => q.class === c).length]));
  log(`${posts.length} posts, ${set.length} queries (${CLASSES.map((c) => `${c} ${counts[c]}`).join(', ')}), ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (options.writeQueries) {
    await writeFile(options.writeQueries, `${JSON.stringify({
      about: 'Query set of tests/bench/precision.mjs: fixed queries (bench, issue) and samples of the archive\'s own text, with their classes',
      archive: options.archiveDir, posts: posts.length, seed: options.seed, counts, queries: set,
    }, null, 1)}\n`);
  }
  const queries = set.map((q) => q.query);
  const result = {
    archive: options.archiveDir,
    posts: posts.length,
    seed: options.queries ? null : options.seed,
    queries: set.length,
    classes: counts,
    definitions: {
      match: 'text and query folded (full-width ASCII to ASCII, lower case); quotes dropped; every whitespace-separated part occurs in the title or article text, not inside a longer run of letters/digits (ideographs are not letters here)',
      precision: 'correct hits / hits, pooled over the class\'s queries',
      recall: 'correct hits / posts that match, pooled over the class\'s queries',
      precision_below_1: 'queries with hits, some of them wrong',
      recall_below_1: 'queries with matching posts, some of them not found',
    },
    engines: {},
  };
  if (options.gazette) {
    const start = Date.now();
    const { hits, errors } = await gazetteHits(resolve(options.gazette), options.archiveDir, queries);
    result.engines.gazette = { classes: score(set, corpus, hits) };
    if (errors.length) {
      result.engines.gazette.errors = errors.slice(0, FAILURES_SHOWN);
      result.engines.gazette.error = `gazette search failed on ${errors.length} queries (counted as no hits)`;
      log(result.engines.gazette.error, JSON.stringify(errors.slice(0, 3)));
    }
    log(`gazette: ${queries.length} queries in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
  if (options.peersDir) {
    const { peerHits } = await import('./peers/run.mjs');
    const peers = await peerHits({ archiveDir: options.archiveDir, workdir: resolve(options.peersDir), peers: options.peers, queries });
    for (const [peer, answer] of Object.entries(peers)) {
      const engine = { version: answer.version };
      if (answer.error) engine.error = answer.error;
      if (answer.unknown_result_ids) engine.unknown_result_ids = answer.unknown_result_ids;
      if (answer.hits && Object.keys(answer.hits).length) {
        engine.queries_answered = Object.keys(answer.hits).length;
        engine.classes = score(set, corpus, answer.hits);
      }
      result.engines[peer] = engine;
    }
  }
  for (const [name, engine] of Object.entries(result.engines)) {
    for (const [cls, row] of Object.entries(engine.classes ?? {})) {
      log(`${name.padEnd(10)} ${cls.padEnd(6)} ${String(row.queries).padStart(4)} queries  precision ${row.precision ?? '–'}  recall ${row.recall ?? '–'}  below 1: ${row.precision_below_1} / ${row.recall_below_1}`);
    }
  }
  console.log(JSON.stringify(result, null, 1));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
