import WebSocket from 'ws';
import { runAmplifyAccountFlow, runAmplifyFlow, type AmplifyFlowInput } from './amplify-flow';
import { publishConfigAck } from '../../testkit/local-mode';

// Child process of test/e2e/amplify-node.test.ts: Amplify in Node with Node's own client setup.
// The parent sets NODE_EXTRA_CA_CERTS to the local CA (outputs.json's CaCertificateFile), so the
// wss:// connection Amplify opens is verified against it like any other certificate.
// Node 20 has no global WebSocket (Node 22 has); Amplify's documented setup for Node provides one.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const input = JSON.parse(process.env.AMPLIFY_FLOW_INPUT ?? '{}') as Omit<AmplifyFlowInput, 'publishAck'> & {
  mqttUrl: string;
  account: { email: string; temporaryPassword: string };
};

const steps = await runAmplifyFlow({
  ...input,
  publishAck: (deviceId, version) => publishConfigAck(input.mqttUrl, deviceId, version),
});
process.stdout.write(`AMPLIFY_FLOW_RESULT ${JSON.stringify(steps)}\n`);

// The codes the pool "emails" are in the parent's local mode; asked for over the IPC channel.
const codeFor = (email: string) =>
  new Promise<string>((resolve) => {
    process.once('message', (m: { code: string }) => resolve(m.code));
    process.send!({ codeFor: email });
  });
const accountSteps = await runAmplifyAccountFlow({ outputs: input.outputs, ...input.account, codeFor });
process.stdout.write(`AMPLIFY_ACCOUNT_RESULT ${JSON.stringify(accountSteps)}\n`);
process.exit(0);
