import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/**
 * A bare stack for one construct under test: no other construct of the app,
 * and CDK's own `aws:cdk:bundling-stacks` context empty so that a Lambda asset
 * is hashed from its source instead of bundled by esbuild.
 */
export function bareStack(): Stack {
  return new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'T');
}

/** The template of a bare stack once `build` has added the construct under test. */
export function templateOf(build: (stack: Stack) => void): Template {
  const stack = bareStack();
  build(stack);
  return Template.fromStack(stack);
}

/** The first synthesis in a file loads much of aws-cdk-lib: slow on a busy machine, well within this. */
export const SYNTH_TIMEOUT_MS = 120_000;
