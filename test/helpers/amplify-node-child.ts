import mqtt from 'mqtt';
import WebSocket from 'ws';
import { runAmplifyFlow, type AmplifyFlowInput } from './amplify-flow';

// Child process of test/e2e/amplify-node.test.ts: Amplify in Node with Node's own client setup.
// The parent sets NODE_EXTRA_CA_CERTS to the local CA (outputs.json's CaCertificateFile), so the
// wss:// connection Amplify opens is verified against it like any other certificate.
// Node 20 has no global WebSocket (Node 22 has); Amplify's documented setup for Node provides one.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const input = JSON.parse(process.env.AMPLIFY_FLOW_INPUT ?? '{}') as Omit<AmplifyFlowInput, 'publishAck'> & {
  mqttUrl: string;
};

const steps = await runAmplifyFlow({
  ...input,
  publishAck: async (deviceId, version) => {
    const device = await mqtt.connectAsync(input.mqttUrl, { clientId: deviceId, reconnectPeriod: 0 });
    try {
      await device.publishAsync(
        `devices/${deviceId}/config/ack`,
        JSON.stringify({ version, status: 'applied' }),
        {
          qos: 1,
        },
      );
    } finally {
      await device.endAsync();
    }
  },
});
process.stdout.write(`AMPLIFY_FLOW_RESULT ${JSON.stringify(steps)}\n`);
process.exit(0);
