import { RemovalPolicy } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import {
  BASIC_EXECUTION_ROLE_FINDING,
  acknowledgeOnStackSingleton,
  acknowledgeWildcardResources,
} from '../nag';
import { InvalidConstructPropsError, checkRetention } from './props';

export interface IotEndpointProps {
  /**
   * The account's `iot:Data-ATS` endpoint host, when known (context `iotEndpoint`).
   * @default looked up at deploy time with iot:DescribeEndpoint through a custom resource
   */
  readonly endpoint?: string;
  /** Retention of the lookup function's logs (only when the endpoint is looked up). */
  readonly logRetention: RetentionDays;
}

/**
 * The IoT data endpoint host (`xxxx-ats.iot.<region>.amazonaws.com`) that the
 * API publishes config to and devices connect to. It differs per account and
 * cannot be derived offline, so synth never needs it: it is either given as
 * context or read at deploy time.
 */
export class IotEndpoint extends Construct {
  /** The host, a deploy-time token unless given. */
  readonly host: string;

  constructor(scope: Construct, id: string, props: IotEndpointProps) {
    super(scope, id);
    checkRetention(this, 'logRetention', props.logRetention);
    if (
      props.endpoint !== undefined &&
      !/^[a-z0-9]+(-ats)?\.iot\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(props.endpoint)
    ) {
      throw new InvalidConstructPropsError(
        this,
        'endpoint',
        `must be the account's iot:Data-ATS host, e.g. "abc123-ats.iot.us-west-2.amazonaws.com"; got "${props.endpoint}".`,
      );
    }
    if (props.endpoint) {
      this.host = props.endpoint;
      return;
    }
    const logGroup = new LogGroup(this, 'LookupLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const lookup = new AwsCustomResource(this, 'Lookup', {
      onUpdate: {
        service: 'Iot',
        action: 'describeEndpoint',
        parameters: { endpointType: 'iot:Data-ATS' },
        physicalResourceId: PhysicalResourceId.of('iot-data-ats-endpoint'),
      },
      // DescribeEndpoint has no resource type: IAM accepts only "*" for it.
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: AwsCustomResourcePolicy.ANY_RESOURCE }),
      logGroup,
      installLatestAwsSdk: false,
    });
    this.host = lookup.getResponseField('endpointAddress');
    acknowledgeWildcardResources(
      lookup,
      ['*'],
      'iot:DescribeEndpoint has no resource type; IAM accepts only "*" for it.',
    );
    // The provider is a stack-wide singleton that AwsCustomResource creates next to the stack's root.
    const providerId = `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;
    acknowledgeOnStackSingleton(this, (c) => c.node.id === providerId, [
      {
        id: BASIC_EXECUTION_ROLE_FINDING,
        reason:
          'The CDK-provided AwsCustomResource handler (one call to iot:DescribeEndpoint at deploy time) ' +
          'uses the basic execution role for its own logs; its role is not configurable.',
      },
    ]);
  }
}
