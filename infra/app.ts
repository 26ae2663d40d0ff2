/**
 * The CDK app (cdk.json runs it): `npx cdk synth|diff|deploy --context stage=<stage>`.
 * One stack per stage, named `yvr-<stage>`; see infra/create-app.ts for the context it reads.
 */
import { createApp } from './create-app';

createApp();
