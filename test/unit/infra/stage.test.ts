import { describe, expect, it } from 'vitest';
import { isProduction, parseStage, resourceName, underscoreName } from '../../../infra/stage';

describe('parseStage', () => {
  it('defaults to "stage"', () => {
    expect(parseStage(undefined)).toBe('stage');
    expect(parseStage('')).toBe('stage');
  });

  it.each(['stage', 'prod', 'dev-alice', 'qa2'])('accepts %s', (stage) => {
    expect(parseStage(stage)).toBe(stage);
  });

  it.each(['Prod', 'prod_1', '-prod', 'prod-', 'a--b', '1prod', 'a'.repeat(21), 'prod stage'])(
    'rejects %s',
    (stage) => {
      expect(() => parseStage(stage)).toThrow(/Context "stage" must be/);
    },
  );

  it('rejects a non-string', () => {
    expect(() => parseStage(42)).toThrow(/must be a string/);
  });
});

describe('names', () => {
  it('prefixes yvr-<stage>- and, where hyphens are not allowed, yvr_<stage>_', () => {
    expect(resourceName('dev-alice', 'api')).toBe('yvr-dev-alice-api');
    expect(underscoreName('dev-alice', 'config_acks')).toBe('yvr_dev_alice_config_acks');
  });

  it('treats only prod as production', () => {
    expect(isProduction('prod')).toBe(true);
    expect(isProduction('stage')).toBe(false);
  });
});

describe('createApp', () => {
  it('refuses an invalid stage from context before building anything', async () => {
    const { createApp } = await import('../../../infra/create-app');
    expect(() => createApp({ context: { stage: 'Prod' } })).toThrow(/Context "stage" must be/);
  });
});
