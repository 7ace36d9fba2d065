/** "Did you mean …?" for commands, flags and values a person mistyped, as git and gh do. Pure. */

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between `a` and `b`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array<number>(b.length).fill(0),
  ]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/**
 * The candidates closest to `word`: those within an edit distance of about a third of its length (at
 * least 1, at most 3), nearest first, or those it is a prefix of. [] when nothing is close.
 */
export function closest(word: string, candidates: Iterable<string>): string[] {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  const scored: [string, number][] = [];
  for (const c of candidates) {
    const dist = editDistance(word.toLowerCase(), c.toLowerCase());
    if (dist <= limit || (word.length >= 2 && c.startsWith(word))) scored.push([c, dist]);
  }
  return scored.sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1)).map(([c]) => c);
}

/** ` Did you mean "ls"?` (or `"a" or "b"`), or "" when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const near = closest(word, candidates).slice(0, 3);
  if (near.length === 0) return "";
  return ` Did you mean ${near.map((c) => JSON.stringify(c)).join(" or ")}?`;
}
