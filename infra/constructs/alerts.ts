import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { resourceName } from '../stage';
import { StageConstruct } from './props';

export interface AlertsProps {
  readonly stage: string;
}

/**
 * The stage's alert notifications: one SNS topic, `yvr-<stage>-alerts`. Its
 * subscriptions are not declared here: the API keeps them in step with the
 * user profiles (notifyByEmail, notifyBySms, followedDeviceIds), one per
 * opted-in channel with a filter policy on the `deviceId` attribute.
 */
export class Alerts extends StageConstruct {
  readonly topic: ITopic;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id, props.stage);
    this.topic = new Topic(this, 'AlertTopic', {
      topicName: resourceName(props.stage, 'alerts'),
      displayName: `YVR water quality (${props.stage}) alerts`,
      enforceSSL: true,
      // Station names and readings: encrypted at rest with the AWS-managed SNS key (only our Lambdas publish).
      masterKey: Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
    });
  }
}
