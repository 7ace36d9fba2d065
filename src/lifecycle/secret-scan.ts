/**
 * Finding the daemon's secrets in what an agent produced, before any of it is committed: the exact
 * values of the daemon's secret-looking variables (see `secretValues` in src/agents/redact.ts), in
 * files (research, plan, acceptance, question, review) and in the added lines of a diff. Pure.
 */

/** Where a secret's value was found: the file, the 1-based line, and the variable whose value it is. */
export interface SecretHit {
  file: string;
  line: number;
  name: string;
}

/** Hits of `values` (`[name, value]` pairs) in each of `files`, first hit per file and variable. */
export function findSecrets(
  files: readonly { file: string; text: string }[],
  values: readonly (readonly [string, string])[],
): SecretHit[] {
  const hits: SecretHit[] = [];
  if (values.length === 0) return hits;
  for (const { file, text } of files) {
    for (const [name, value] of values) {
      const at = text.indexOf(value);
      if (at < 0) continue;
      hits.push({ file, line: lineOf(text, at), name });
    }
  }
  return hits;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Hits of `values` in the lines a unified diff adds (`git diff -U0` output), with the line numbers of
 * the new file. Lines the diff removes or keeps are not the change's, and are not searched.
 */
export function findSecretsInDiff(diff: string, values: readonly (readonly [string, string])[]): SecretHit[] {
  const hits: SecretHit[] = [];
  if (values.length === 0) return hits;
  let file = "";
  let line = 0;
  for (const text of diff.split("\n")) {
    if (text.startsWith("+++ ")) {
      file = text.startsWith("+++ b/") ? text.slice(6) : text.slice(4);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (hunk) {
      line = Number(hunk[1]);
      continue;
    }
    if (text.startsWith("+")) {
      for (const [name, value] of values) {
        if (text.includes(value) && !hits.some((h) => h.file === file && h.name === name))
          hits.push({ file, line, name });
      }
      line++;
    }
  }
  return hits;
}

/** One sentence for a person: where each secret was found, without the value. */
export function describeSecretHits(hits: readonly SecretHit[]): string {
  const where = hits.map((h) => `${h.file} line ${h.line} holds the value of $${h.name}`).join("; ");
  return `${where} — a secret of the daemon's environment; nothing of it was committed. Remove it from the agent's reach (or rotate it) and \`fleet retry\` the task`;
}
