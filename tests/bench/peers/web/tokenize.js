// Tokenizers and peer configurations shared by the Node side (index builds, ground truth) and
// the browser pages (queries). Plain ES module, no dependencies: served to the browser as is.

/** Full-width ASCII folded to ASCII, then lower-cased (as Gazette's search does). */
export function fold(text) {
  return text.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).toLowerCase();
}

// Ideographs, kana and hangul: the characters Gazette indexes as unigrams + bigrams.
const IDEOGRAPH_CLASS = '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{2fa1f}]';
const IDEOGRAPH = new RegExp(IDEOGRAPH_CLASS, 'u');
const WORD = /[\p{L}\p{N}]/u;

/**
 * Index tokenizer (MiniSearch `tokenize`): every ideograph, every pair of adjacent
 * ideographs, every run of letters/digits as one word; repeats kept (they count as term
 * frequency). The same terms Gazette's builder writes.
 */
export function indexTokens(text) {
  const terms = [];
  let word = '';
  let previous = null;
  for (const c of fold(text)) {
    if (IDEOGRAPH.test(c)) {
      if (word) { terms.push(word); word = ''; }
      terms.push(c);
      if (previous) terms.push(previous + c);
      previous = c;
    } else if (WORD.test(c)) {
      previous = null;
      word += c;
    } else {
      previous = null;
      if (word) { terms.push(word); word = ''; }
    }
  }
  if (word) terms.push(word);
  return terms;
}

/**
 * Query tokenizer (MiniSearch `searchOptions.tokenize`): the bigrams of each ideograph run
 * (the character itself for a one-character run) and each word, without repeats — the terms
 * Gazette's query engine requires.
 */
export function queryTokens(query) {
  const terms = [];
  const push = (t) => { if (!terms.includes(t)) terms.push(t); };
  let run = [];
  let word = '';
  const flushRun = () => {
    if (run.length === 1) push(run[0]);
    for (let i = 1; i < run.length; i++) push(run[i - 1] + run[i]);
    run = [];
  };
  for (const c of fold(query)) {
    if (IDEOGRAPH.test(c)) {
      if (word) { push(word); word = ''; }
      run.push(c);
    } else if (WORD.test(c)) {
      flushRun();
      word += c;
    } else {
      flushRun();
      if (word) { push(word); word = ''; }
    }
  }
  flushRun();
  if (word) push(word);
  return terms;
}

/** Does the query contain an ideograph (a "Chinese query" for the recall figures)? */
export function isChineseQuery(query) {
  return IDEOGRAPH.test(query);
}

/**
 * FlexSearch 0.8 index options for Chinese. FlexSearch's own CJK preset (`Charset.CJK`) makes
 * every character a term — Latin words and digits too, spaces and punctuation included — so
 * this encoder keeps its idea for ideographs (one term per character) but leaves runs of
 * letters/digits whole, drops separators, folds full-width ASCII and lower-cases, with no
 * letter de-duplication or digit-triplet splitting. Context search (depth 1, one direction)
 * stores which term follows which, so a query's characters must be adjacent and in order:
 * `人民币` needs 人→民→币, not just the three characters anywhere in the post.
 */
export function flexsearchOptions(Encoder) {
  const spaced = new RegExp(`(${IDEOGRAPH_CLASS})`, 'gu');
  return {
    tokenize: 'strict',
    encoder: new Encoder({
      normalize: fold,
      prepare: (text) => text.replace(spaced, ' $1 '),
      dedupe: false,
      numeric: false,
    }),
    context: { depth: 1, bidirectional: false, resolution: 3 },
  };
}

/**
 * Runs a query on a FlexSearch Index: a query made of several space-separated parts
 * (`人民币 汇率`) needs every part, anywhere (an AND of the parts with FlexSearch's Resolver);
 * one part (quotes are dropped by the encoder) is one context search. All hits, up to `limit`.
 */
export function flexsearchQuery(index, query, limit) {
  const parts = query.replace(/"/g, ' ').trim().split(/\s+/u).filter(Boolean);
  if (parts.length <= 1) return index.search(parts[0] ?? '', { limit });
  let raw = index.search(parts[0], { resolve: false });
  for (const part of parts.slice(1)) raw = raw.and({ index, query: part });
  return raw.resolve({ limit });
}

/**
 * MiniSearch 7 options for Chinese: the same terms Gazette indexes (ideograph unigrams +
 * bigrams, letter/digit runs as words, full-width folded, lower-cased), title and text as
 * fields; queries need all their terms (each run's bigrams, or the single character), exact
 * terms only (no prefix or fuzzy matching, which would only add false hits with bigrams).
 */
export const minisearchOptions = {
  idField: 'id',
  fields: ['title', 'text'],
  storeFields: [],
  tokenize: (text) => indexTokens(text),
  processTerm: (term) => term,
  searchOptions: {
    tokenize: (query) => queryTokens(query),
    processTerm: (term) => term,
    combineWith: 'AND',
    prefix: false,
    fuzzy: false,
    boost: { title: 2 },
  },
};
