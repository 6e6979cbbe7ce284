// Ground truth and recall for the search benchmark: which posts of a Gazette archive really
// contain a query, and how many of a search's hits do.
//
//   import { recall, groundTruth } from './recall.mjs';
//   const truth = await groundTruth(archiveDir, queries);        // computed once, memoized
//   const r = await recall(archiveDir, { '人民币': [postId, …] }); // { '人民币': { hits, containing, truth } }
//
// "Contains" is a plain substring test on the post's title + article text (navigation
// links left out, as Gazette indexes it), after folding full-width ASCII to ASCII and
// lower-casing both sides: a two-term query (`人民币 汇率`) needs both terms, a quoted one
// (`"离岸人民币"`) the phrase without quotes.
import { readArchive, postText, fold } from './common.mjs';
import { resolve } from 'node:path';

/** The strings a post must contain to match `query`. */
export function requiredStrings(query) {
  const trimmed = query.trim();
  const quoted = trimmed.match(/^"(.*)"$/s);
  if (quoted) return [fold(quoted[1])].filter(Boolean);
  return trimmed.split(/\s+/u).filter(Boolean).map(fold);
}

export function contains(foldedText, query) {
  const needed = requiredStrings(query);
  return needed.length > 0 && needed.every((s) => foldedText.includes(s));
}

const texts = new Map(); // archive dir → Promise<Map<post id, folded text>>

/** Folded title + article text of every post, by id; read once per archive. */
export function postTexts(archiveDir) {
  const dir = resolve(archiveDir);
  if (!texts.has(dir)) {
    texts.set(dir, readArchive(dir).then((posts) => new Map(posts.map((p) => [p.id, fold(postText(p))]))));
  }
  return texts.get(dir);
}

const truths = new Map(); // archive dir → Map<query, Set<post id>>

/** For each query, the set of post ids whose text contains it. Memoized per archive and query. */
export async function groundTruth(archiveDir, queries) {
  const dir = resolve(archiveDir);
  if (!truths.has(dir)) truths.set(dir, new Map());
  const known = truths.get(dir);
  const missing = queries.filter((q) => !known.has(q));
  if (missing.length) {
    const byId = await postTexts(dir);
    for (const query of missing) {
      const ids = new Set();
      for (const [id, text] of byId) if (contains(text, query)) ids.add(id);
      known.set(query, ids);
    }
  }
  return Object.fromEntries(queries.map((q) => [q, known.get(q)]));
}

/**
 * Recall of a search's hits: for each query, { hits: number of hit ids, containing: how many
 * of them really contain the query, truth: how many posts of the archive contain it,
 * recall: containing / truth (null when truth is 0) }. Unknown ids count as not containing.
 */
export async function recall(archiveDir, hitsByQuery) {
  const queries = Object.keys(hitsByQuery);
  const truth = await groundTruth(archiveDir, queries);
  const out = {};
  for (const query of queries) {
    const ids = [...new Set(hitsByQuery[query])];
    const containing = ids.filter((id) => truth[query].has(id)).length;
    const total = truth[query].size;
    out[query] = { hits: ids.length, containing, truth: total, recall: total ? containing / total : null };
  }
  return out;
}
