/**
 * "Did you mean …?" for misspelt keys, component types and input ids
 * (architecture.md §6: every error with a suggestion where a name is close).
 */

/**
 * Optimal-string-alignment distance (Damerau–Levenshtein where each substring
 * is edited at most once): insertions, deletions, substitutions and swaps of
 * two adjacent characters each cost 1, so `sorces`→`sources` and
 * `inptus`→`inputs` are both 1 away.
 *
 * @example editDistance('sorces', 'sources') // 1
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let i = 0; i < rows; i++) d[i][0] = i;
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** Most edits a suggestion may be away from what was written. */
const MAX_DISTANCE = 2;
/** A prefix shorter than this matches too much to be a useful hint. */
const MIN_PREFIX = 3;

/**
 * The closest candidate (case-insensitive): within 2 edits, or one being a
 * prefix of the other (`sour` → `sources`). Ties go to the earlier candidate.
 *
 * @example didYouMean('sorces', ['sources', 'sinks']) // 'sources'
 */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const hay = candidate.toLowerCase();
    let score = editDistance(needle, hay);
    // Very short words are all within 2 edits of each other; demand more similarity there.
    const limit = Math.min(MAX_DISTANCE, Math.max(1, Math.floor(Math.min(needle.length, hay.length) / 2)));
    if (score > limit) {
      const prefix = needle.length >= MIN_PREFIX && (hay.startsWith(needle) || (hay.length >= MIN_PREFIX && needle.startsWith(hay)));
      if (!prefix) continue;
      score = MAX_DISTANCE + 0.5;
    }
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** `; did you mean 'x'?` or the empty string, to append to a message. */
export function didYouMeanSuffix(input: string, candidates: Iterable<string>): string {
  const hit = didYouMean(input, candidates);
  return hit === undefined ? '' : `; did you mean '${hit}'?`;
}
