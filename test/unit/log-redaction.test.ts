import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/bot.js';

const run = promisify(execFile);
const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.secret-part.never-log-this-token-value';

async function logOutput(...flags: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/fixtures/log-secrets.ts'), ...flags], {
    cwd: REPO,
    env: { PATH: process.env.PATH, DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: '123456789012345678' },
  });
  return stdout;
}

describe('token redaction', () => {
  it('GIVEN the config, token fields, authorization headers and env logged as structured fields THEN the token never appears', async () => {
    const out = await logOutput();
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.msg)).toEqual(['config', 'fields', 'headers', 'nested headers', 'env']);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain('secret-part');
    expect(lines[0].config.discordToken).toBe('[redacted]');
    expect(lines[0].config.applicationId).toBe('123456789012345678');
  });

  it('GIVEN the token inside an error message or free text THEN the scrubber removes it from JSON and pretty logs alike', async () => {
    for (const flags of [['--scrub'], ['--scrub', '--pretty']]) {
      const out = await logOutput(...flags);
      expect(out).toContain('free text [redacted]');
      expect(out).toContain('401 for https://example.invalid/?t=[redacted]');
      expect(out).not.toContain(TOKEN);
      expect(out).not.toContain('secret-part');
    }
  });
});
