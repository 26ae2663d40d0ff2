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
  Validations.of(scope).acknowledge(
    ...resources.map((resource) => ({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason })),
  );
}
