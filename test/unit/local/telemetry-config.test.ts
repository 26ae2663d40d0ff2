import { describe, expect, it } from 'vitest';
import { loadLocalConfig } from '../../../local/config';

describe('LOCAL_TELEMETRY', () => {
  it('runs DuckDB unless told otherwise, and the DynamoDB store when told', () => {
    expect(loadLocalConfig({}, []).telemetry).toBe('duckdb');
    expect(loadLocalConfig({ LOCAL_TELEMETRY: '' }, []).telemetry).toBe('duckdb');
    expect(loadLocalConfig({ LOCAL_TELEMETRY: 'dynamodb' }, []).telemetry).toBe('dynamodb');
  });

  it('refuses an unknown store, naming the variable and the choices', () => {
    expect(() => loadLocalConfig({ LOCAL_TELEMETRY: 'timestream' }, [])).toThrow(
      'LOCAL_TELEMETRY=timestream is not valid: use duckdb or dynamodb.',
    );
  });
});
