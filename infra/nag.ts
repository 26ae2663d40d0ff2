import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * How cdk-nag renders `{ "Fn::GetAtt": [<logical id>, <attribute>] }` inside a
 * finding id, e.g. `<DataTableFDBAD0F2.Arn>`. Computed rather than pasted so an
 * acknowledgement follows the resource if its logical id changes.
 */
export function nagRef(construct: IConstruct, attribute = 'Arn'): string {
  const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  if (!element || !CfnElement.isCfnElement(element)) {
    throw new Error(`${construct.node.path} has no CloudFormation element to reference.`);
  }
  return `<${Stack.of(element).getLogicalId(element)}.${attribute}>`;
}

/**
 * Acknowledges the AwsSolutions-IAM5 finding on each wildcard resource, one
 * finding at a time (cdk-nag 3 has no prefix matching), with one reason.
 */
export function acknowledgeWildcardResources(scope: IConstruct, resources: string[], reason: string): void {
  Validations.of(scope).acknowledge(...wildcardResourceFindings(resources, reason));
}

/** The AwsSolutions-IAM5 finding of each wildcard resource, with one reason. */
export const wildcardResourceFindings = (resources: string[], reason: string): NagFinding[] =>
  resources.map((resource) => ({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason }));

/** A cdk-nag finding id and why it is acknowledged. */
export interface NagFinding {
  id: string;
  reason: string;
}

/** The finding of CDK's own providers that log with the basic execution role they create. */
export const BASIC_EXECUTION_ROLE_FINDING =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

/**
 * Acknowledges findings on a stack-wide singleton that an aws-cdk-lib construct
 * creates next to the stack's root (BucketDeployment's and AwsCustomResource's
 * providers), if `scope`'s stack has it: cdk-nag reports them there, not on
 * the construct that asked for them.
 */
export function acknowledgeOnStackSingleton(
  scope: IConstruct,
  isSingleton: (child: IConstruct) => boolean,
  findings: NagFinding[],
): void {
  const singleton = Stack.of(scope).node.children.find(isSingleton);
  if (singleton) Validations.of(singleton).acknowledge(...findings);
}
