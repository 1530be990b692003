import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('ingest configuration', () => {
  it('GIVEN nothing set THEN 10 MB, private addresses refused, no analyst role', () => {
    const config = loadConfig({}, '/srv');
    expect(config.ingest).toEqual({ maxBytes: 10 * 1024 * 1024, allowPrivateUrls: false });
    expect(config.analystRoleId).toBeUndefined();
  });

  it('GIVEN valid values THEN they are used', () => {
    const config = loadConfig({ INGEST_MAX_BYTES: '2048', INGEST_ALLOW_PRIVATE_URLS: 'true', ANALYST_ROLE_ID: '123456789012345678' }, '/srv');
    expect(config.ingest).toEqual({ maxBytes: 2048, allowPrivateUrls: true });
    expect(config.analystRoleId).toBe('123456789012345678');
  });

  it.each([
    [{ INGEST_MAX_BYTES: 'ten megabytes' }, 'INGEST_MAX_BYTES: must be a number of bytes'],
    [{ INGEST_MAX_BYTES: '10' }, 'INGEST_MAX_BYTES: must be at least 1024'],
    [{ INGEST_ALLOW_PRIVATE_URLS: 'yes' }, 'INGEST_ALLOW_PRIVATE_URLS: must be true or false'],
    [{ ANALYST_ROLE_ID: 'analysts' }, 'ANALYST_ROLE_ID: must be a Discord ID'],
    [{ FEED_ITEM_RETENTION_DAYS: '0' }, 'FEED_ITEM_RETENTION_DAYS: must be at least 1 (day)'],
    [{ FEED_ITEM_RETENTION_DAYS: 'a month' }, 'FEED_ITEM_RETENTION_DAYS: must be a number of days'],
    [{ FEED_ITEMS_KEPT: '5' }, 'FEED_ITEMS_KEPT: must be at least 10'],
  ])('GIVEN %o THEN start-up stops with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env, '/srv')).toThrow(ConfigError);
    expect(() => loadConfig(env, '/srv')).toThrow(message);
  });
});
