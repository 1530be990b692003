import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const CuratedSchema = z.record(
  z.string().trim().min(1, 'a topic name is empty'),
  z
    .array(z.string().trim().min(1, 'a keyword is empty'), { error: 'keywords must be a list of strings' })
    .min(1, 'needs at least one keyword'),
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? 'expected an object mapping topic names to keyword lists, e.g. { "Energy deal": ["energy", "oil"] }'
        : issue.code === 'invalid_key'
          ? 'a topic name is empty'
          : undefined,
  },
);

/**
 * Curated topics from `topics.json` (`{ "Energy deal": ["energy", "oil", "gas"] }`).
 * A missing file means none; a malformed one is an error naming the file and the
 * problem, so a typo fails loudly at startup and in CI rather than silently
 * dropping the team's topics.
 */
export async function loadCuratedTopics(path: string): Promise<Record<string, string[]> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${path}: cannot read curated topics: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: curated topics are not valid JSON: ${(err as Error).message}`);
  }
  const parsed = CuratedSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [topic, keyword] = issue.path;
    const where =
      topic === undefined ? '' : ` in topic ${JSON.stringify(String(topic))}${typeof keyword === 'number' ? `, keyword ${keyword + 1}` : ''}`;
    throw new Error(`${path}: invalid curated topics${where}: ${issue.message}`);
  }
  const out: Record<string, string[]> = {};
  const seen = new Map<string, string>();
  for (const [name, keywords] of Object.entries(parsed.data)) {
    const lower = name.trim().toLowerCase();
    const clash = seen.get(lower);
    if (clash !== undefined) throw new Error(`${path}: invalid curated topics: "${clash}" and "${name}" differ only in case`);
    seen.set(lower, name);
    out[name.trim()] = keywords;
  }
  return out;
}
