import { runAmplifyFlow, type AmplifyFlowInput, type FlowStep } from '../helpers/amplify-flow';

// The page script of test/browser/amplify.browser.test.ts, bundled by esbuild with the real aws-amplify.
// `publishAck` is the test's own function (Playwright's exposeFunction): the device is an MQTT client
// outside the browser, as in the field.
const page = globalThis as unknown as {
  publishAck(deviceId: string, version: number): Promise<void>;
  runFlow(input: Omit<AmplifyFlowInput, 'publishAck'>): Promise<FlowStep[]>;
};

page.runFlow = (input) =>
  runAmplifyFlow({ ...input, publishAck: (deviceId, version) => page.publishAck(deviceId, version) });
