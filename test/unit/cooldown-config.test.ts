import { describe, expect, it } from 'vitest';
import { DEFAULT_COOLDOWNS } from '../../src/abuse/cooldown.js';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('cooldown configuration', () => {
  it('GIVEN nothing set THEN the human-pace defaults; GIVEN values THEN they are used, 0 included', () => {
    expect(loadConfig({}, '/srv').cooldowns).toEqual(DEFAULT_COOLDOWNS);
    const env = { COOLDOWN_USER_BURST: '4', COOLDOWN_USER_PER_MINUTE: '0', COOLDOWN_GUILD_PER_MINUTE: '90', COOLDOWN_AUTOCOMPLETE_PER_MINUTE: '600' };
    expect(loadConfig(env, '/srv').cooldowns).toEqual({ userBurst: 4, userPerMinute: 0, guildPerMinute: 90, autocompletePerMinute: 600 });
  });

  it.each([
    [{ COOLDOWN_USER_BURST: 'ten' }, 'COOLDOWN_USER_BURST: must be a whole number'],
    [{ COOLDOWN_USER_PER_MINUTE: '-1' }, 'COOLDOWN_USER_PER_MINUTE: must be 0 or more'],
    [{ COOLDOWN_GUILD_PER_MINUTE: '1.5' }, 'COOLDOWN_GUILD_PER_MINUTE: must be a whole number'],
    [{ COOLDOWN_AUTOCOMPLETE_PER_MINUTE: '1e9' }, 'COOLDOWN_AUTOCOMPLETE_PER_MINUTE: must be at most 100000'],
    [{ COOLDOWN_USER_SECONDS: '3' }, 'COOLDOWN_USER_SECONDS: replaced by COOLDOWN_USER_BURST and COOLDOWN_USER_PER_MINUTE'],
  ])('GIVEN %o THEN start-up stops with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env, '/srv')).toThrow(ConfigError);
    expect(() => loadConfig(env, '/srv')).toThrow(message);
  });
});
