import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../../infra/create-app';
import type { YvrStack } from '../../../infra/stack';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The context cdk.json gives the CLI (feature flags included), so tests synthesize what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(`${repoRoot}cdk.json`, 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export interface Built {
  app: App;
  stack: YvrStack;
  template: Template;
}

/**
 * Builds one stage. `bundle: false` skips esbuild for this stage through CDK's own
 * `aws:cdk:bundling-stacks` context (the asset is then hashed from its source):
 * the template is identical except for asset hashes, and the suite stays fast.
 */
export function buildStage(
  stage: string,
  options: { bundle: boolean; nag?: boolean; context?: Record<string, unknown> },
): Built {
  const { app, stack } = createApp(
    {
      context: {
        ...cdkJsonContext(),
        stage,
        'aws:cdk:bundling-stacks': options.bundle ? [`yvr-${stage}`] : [],
        ...options.context,
      },
    },
    { nag: options.nag ?? false },
  );
  return { app, stack, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown };

/** The resources of a type, keyed by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** The one resource of `type` whose `property` equals `value`: its logical id and body. */
export function findOne(
  template: Template,
  type: string,
  property: string,
  value: unknown,
): [string, Resource] {
  const matches = Object.entries(resourcesOf(template, type)).filter(
    ([, r]) => JSON.stringify(r.Properties?.[property]) === JSON.stringify(value),
  );
  if (matches.length !== 1) {
    throw new Error(
      `Expected one ${type} with ${property}=${JSON.stringify(value)}, found ${matches.length}`,
    );
  }
  return matches[0]!;
}

/** Every IAM statement attached (inline default policy) to the role of the function named `functionName`. */
export function statementsOfFunction(template: Template, functionName: string): unknown[] {
  const [, fn] = findOne(template, 'AWS::Lambda::Function', 'FunctionName', functionName);
  const roleRef = (fn.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return statementsOfRole(template, roleRef);
}

export function statementsOfRole(template: Template, roleLogicalId: string): unknown[] {
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) =>
    (p.Properties?.Roles as unknown[]).some(
      (r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId }),
    ),
  );
  return policies.flatMap((p) => (p.Properties?.PolicyDocument as { Statement: unknown[] }).Statement);
}

export const logicalIdOf = (template: Template, type: string, idContains = ''): string => {
  const ids = Object.keys(resourcesOf(template, type)).filter((id) => id.includes(idContains));
  if (ids.length !== 1) throw new Error(`Expected one ${type} ${idContains}, found ${ids.length}`);
  return ids[0]!;
};

/** `arn:<partition>:<service>:<region>:<account>:<rest>` as the template writes it with pseudo parameters. */
export const pseudoArn = (service: string, rest: string): unknown => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      `:${service}:`,
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:${rest}`,
    ],
  ],
});
