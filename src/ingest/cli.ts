import os from 'node:os';
import { plural } from '../replies/passages.js';
import type { IngestService, IngestSource } from './service.js';

export interface CliIngestOptions {
  title?: string;
  tags?: string;
  json?: boolean;
  write(text: string): void;
}

/**
 * `dossier ingest <file-or-url>`: the same pipeline as /ingest, for the
 * operator at the server (a local path needs no permission check: whoever can
 * run this can already write to DATA_DIR).
 */
export async function ingestFromCli(target: string, ingest: IngestService, opts: CliIngestOptions): Promise<void> {
  const source: IngestSource = /^https?:\/\//i.test(target) ? { kind: 'url', url: target } : { kind: 'file', path: target };
  const tags = opts.tags?.split(',').map((t) => t.trim()).filter(Boolean);
  const r = await ingest.ingest({ source, title: opts.title, tags, addedBy: { id: 'cli', name: os.userInfo().username } });
  const summary = { status: r.status, slug: r.doc.slug, title: r.doc.meta.title, path: r.doc.path, paragraphs: r.paragraphs, points: r.points, topics: r.topics };
  if (opts.json) opts.write(JSON.stringify(summary));
  else if (r.status === 'duplicate') opts.write(`Already in the library as ${r.doc.slug} (${r.doc.meta.title}); nothing added.`);
  else opts.write(`Added ${r.doc.meta.title} as ${r.doc.slug} (${r.doc.path}): ${plural(r.paragraphs, 'paragraph')}, ${plural(r.points, 'point')}${r.topics.length ? `; topics: ${r.topics.join(', ')}` : ''}.`);
}
