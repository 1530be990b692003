import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDF_UNSAFE, pdfToText } from '../../src/documents/pdf.js';
import { IngestRefusal } from '../../src/ingest/errors.js';
import { LibraryManager } from '../../src/ingest/manager.js';
import { IngestService } from '../../src/ingest/service.js';
import { Library } from '../../src/library.js';
import { makeDoc } from '../helpers/docs.js';
import { makePdf, makeStreamBombPdf } from '../helpers/pdf.js';

const ordinary = makePdf([['Port report', '', 'The quay at Gwadar was dredged to fourteen metres.']]);

describe('GIVEN a PDF stream bomb (a few hundred KB that inflate to tens of MB of text drawing)', () => {
  it('THEN the read is stopped at its time limit with "could not be read safely", while this thread keeps answering searches', async () => {
    const library = new Library([makeDoc('memo', 'Wheat exports grew through the corridor.')]);
    let searches = 0;
    const serving = setInterval(() => {
      if (library.search('wheat exports', { limit: 1 }).hits.length > 0) searches++;
    }, 20);
    try {
      await expect(pdfToText(makeStreamBombPdf(40), { timeoutMs: 4_000 })).rejects.toThrow(PDF_UNSAFE);
    } finally {
      clearInterval(serving);
    }
    // pdf.js ran in a worker: the searches went on meanwhile.
    expect(searches).toBeGreaterThan(10);
    // The worker that was stopped is replaced: the next PDF reads normally.
    expect((await pdfToText(ordinary)).text).toContain('dredged to fourteen metres');
  }, 60_000);

  it('THEN extraction stops once the text passes the limit, and says so', async () => {
    await expect(pdfToText(makeStreamBombPdf(2), { maxTextBytes: 50_000 })).rejects.toThrow(/more text than a document may \(50,000 characters\)/);
    expect((await pdfToText(ordinary, { maxTextBytes: 50_000 })).text).toContain('Gwadar');
  }, 60_000);
});

describe('GIVEN the ingest service', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-pdf-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('THEN a PDF whose text passes INGEST_MAX_BYTES is refused politely and nothing is written or added', async () => {
    const dataDir = path.join(dir, 'data');
    const manager = new LibraryManager(new Library([]));
    const service = new IngestService(manager, { dataDir, maxBytes: 8192, allowPrivateUrls: false });
    // Under 8 KB as a file (compressed), far over it as text.
    const file = path.join(dir, 'bomb.pdf');
    const bomb = makeStreamBombPdf(1);
    expect(bomb.length).toBeLessThan(8192);
    await writeFile(file, bomb);
    const attempt = service.ingest({ source: { kind: 'file', path: file }, addedBy: { id: '1', name: 'ana' } });
    await expect(attempt).rejects.toBeInstanceOf(IngestRefusal);
    await expect(attempt).rejects.toThrow(/more text than a document may/);
    expect(manager.current().docs).toHaveLength(0);
  }, 60_000);
});
