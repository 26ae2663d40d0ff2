import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BundledFunction, type BundledFunctionProps } from '../../../../infra/constructs/bundled-function';
import { SOURCE_PATHS } from '../../../../infra/stack';
import { SYNTH_TIMEOUT_MS, bareStack, templateOf } from './bare-stack';

const props: BundledFunctionProps = {
  functionName: 'yvr-dev-fn',
  entry: SOURCE_PATHS.apiEntry,
  description: 'under test',
  environment: { TABLE_NAME: 't' },
  timeout: Duration.seconds(10),
  logRetention: RetentionDays.ONE_WEEK,
  logRemovalPolicy: RemovalPolicy.DESTROY,
};

describe('the BundledFunction construct', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('runs Node.js 22 on arm64 with 1024 MB, source maps on, untraced, and logs in its own group', () => {
    const template = templateOf((stack) => new BundledFunction(stack, 'Fn', props));
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'yvr-dev-fn',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Environment: { Variables: { TABLE_NAME: 't', NODE_OPTIONS: '--enable-source-maps' } },
      TracingConfig: Match.absent(),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/lambda/yvr-dev-fn',
      RetentionInDays: 7,
    });
  });

  it('takes memorySize and tracing from its props', () => {
    const template = templateOf(
      (stack) => new BundledFunction(stack, 'Fn', { ...props, memorySize: 2048, tracing: true }),
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 2048,
      TracingConfig: { Mode: 'Active' },
    });
  });

  it('bundles each entry on its own, though two entries share a folder', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'yvr-bundled-function-'));
    try {
      // Bundling on (the bare stack skips it): CDK would reuse one bundle for both if its key missed the entry.
      const stack = new Stack(new App({ outdir, context: { 'aws:cdk:bundling-stacks': ['**'] } }), 'T');
      new BundledFunction(stack, 'Api', props);
      new BundledFunction(stack, 'Config', {
        ...props,
        functionName: 'yvr-dev-config',
        entry: SOURCE_PATHS.apiEntry.replace(/handler\.ts$/, 'config.ts'),
      });
      const keys = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map(
        (fn) => (fn.Properties as { Code: { S3Key: string } }).Code.S3Key,
      );
      expect(keys).toHaveLength(2);
      expect(new Set(keys).size).toBe(2);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it.each([
    ['functionName', { functionName: 'has space' }, /must be 1-64 letters/],
    ['functionName', { functionName: '' }, /is required/],
    ['entry', { entry: '' }, /is required/],
    ['memorySize', { memorySize: 64 }, /from 128 to 10240/],
    ['logRetention', { logRetention: 0 as RetentionDays }, /RetentionDays value/],
  ])('refuses a bad %s, naming it', (prop, extra, problem) => {
    expect(() => new BundledFunction(bareStack(), 'Fn', { ...props, ...extra })).toThrow(
      new RegExp(`T/Fn: prop "${prop}" .*${problem.source}`),
    );
  });
});
