import { describe, expect, it } from 'vitest';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { IotEndpoint } from '../../../../infra/constructs/iot-endpoint';
import { SYNTH_TIMEOUT_MS, bareStack, templateOf } from './bare-stack';

describe('the IotEndpoint construct', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('takes a given endpoint as is and looks nothing up', () => {
    let host = '';
    const template = templateOf((stack) => {
      host = new IotEndpoint(stack, 'Iot', {
        endpoint: 'abc123-ats.iot.us-west-2.amazonaws.com',
        logRetention: RetentionDays.ONE_WEEK,
      }).host;
    });
    expect(host).toBe('abc123-ats.iot.us-west-2.amazonaws.com');
    template.resourceCountIs('Custom::AWS', 0);
  });

  it('looks the endpoint up at deploy time when none is given', () => {
    const template = templateOf(
      (stack) => new IotEndpoint(stack, 'Iot', { logRetention: RetentionDays.ONE_WEEK }),
    );
    template.resourceCountIs('Custom::AWS', 1);
    expect(JSON.stringify(template.findResources('Custom::AWS'))).toContain('iot:Data-ATS');
  });

  it('refuses an endpoint that is not an IoT data host', () => {
    expect(
      () =>
        new IotEndpoint(bareStack(), 'Iot', {
          endpoint: 'https://example.com',
          logRetention: RetentionDays.ONE_WEEK,
        }),
    ).toThrow(/T\/Iot: prop "endpoint" must be the account's iot:Data-ATS host/);
  });

  it('refuses a log retention of 0 days', () => {
    expect(() => new IotEndpoint(bareStack(), 'Iot', { logRetention: 0 as RetentionDays })).toThrow(
      /T\/Iot: prop "logRetention" must be a RetentionDays value/,
    );
  });
});
