import type { Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Alerts } from '../../../../infra/constructs/alerts';
import { Auth } from '../../../../infra/constructs/auth';
import { Data } from '../../../../infra/constructs/data';
import { Exports } from '../../../../infra/constructs/exports';
import { Telemetry } from '../../../../infra/constructs/telemetry';
import { SOURCE_PATHS } from '../../../../infra/stack';
import type { ApiProps } from '../../../../infra/constructs/api';

/**
 * The small constructs the API needs, built on the same bare stack (each has
 * its own tests), and the Api's props from them; tests spread over them what
 * the case under test changes.
 */
export function apiProps(stack: Stack): ApiProps {
  return {
    stage: 'dev',
    schemaPath: SOURCE_PATHS.schema,
    entry: SOURCE_PATHS.apiEntry,
    resolversPath: SOURCE_PATHS.appsyncResolvers,
    table: new Data(stack, 'Data', { stage: 'dev' }).table,
    userPool: new Auth(stack, 'Auth', { stage: 'dev' }).userPool,
    telemetry: new Telemetry(stack, 'Telemetry', { stage: 'dev' }),
    exports: new Exports(stack, 'Exports', { stage: 'dev' }),
    iotEndpoint: 'abc123-ats.iot.us-west-2.amazonaws.com',
    alertTopic: new Alerts(stack, 'Alerts', { stage: 'dev' }).topic,
    logRetention: RetentionDays.ONE_WEEK,
  };
}
