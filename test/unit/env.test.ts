import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/env.js';

const NAMES = ['SHARD_COUNT', 'SHARD_IDS', 'LOG_LEVEL', 'INGEST_MAX_BYTES'];
const saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));

afterEach(() => {
  for (const n of NAMES) {
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
  }
});

describe('loadEnv', () => {
  it('GIVEN .env.example copied as it is (blank SHARD_COUNT=) THEN blank variables are unset, so discord.js does not read 0 shards, and set ones load', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-env-'));
    try {
      for (const n of NAMES) delete process.env[n];
      const file = path.join(dir, '.env');
      await writeFile(file, 'SHARD_COUNT=\nSHARD_IDS=  \nLOG_LEVEL=\nINGEST_MAX_BYTES=2048\n');
      loadEnv(file);
      expect('SHARD_COUNT' in process.env).toBe(false);
      expect('SHARD_IDS' in process.env).toBe(false);
      expect('LOG_LEVEL' in process.env).toBe(false);
      expect(process.env.INGEST_MAX_BYTES).toBe('2048');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
