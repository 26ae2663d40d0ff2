import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { LocalMode } from '../../local/start-local';
import { FLOW_STEPS, type FlowStep } from '../helpers/amplify-flow';
import { ADMIN, startTestLocal, tempDir } from '../helpers/local-mode';

// Issue 11 item 5: the real aws-amplify package in Node against the local mode, unchanged.

const data = tempDir('yvr-amplify-node-');
let local: LocalMode;
let steps: FlowStep[] = [];
let childLog = '';

beforeAll(async () => {
  local = await startTestLocal({ dataDir: data.dir });
  steps = await runChild(local);
  // The closing note of issue 11 quotes these lines.
  console.log(steps.map((s) => `${s.ok ? 'PASS' : 'FAIL'} ${s.step}: ${s.detail}`).join('\n'));
}, 120_000);

afterAll(async () => {
  await local?.stop();
  data.remove();
});

/** Runs the flow in a child process that trusts the local CA the way docs/LOCAL.md says: NODE_EXTRA_CA_CERTS. */
function runChild(mode: LocalMode): Promise<FlowStep[]> {
  const input = {
    outputs: mode.outputs,
    email: ADMIN.email,
    password: ADMIN.password,
    deviceId: 'amplify-node-1',
    mqttUrl: mode.outputs.MqttUrl,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/amplify-node-child.ts'], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: mode.outputs.CaCertificateFile,
        AMPLIFY_FLOW_INPUT: JSON.stringify(input),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.stdout.on('data', (chunk: Buffer) => (childLog += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (childLog += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const line = childLog.split('\n').find((l) => l.startsWith('AMPLIFY_FLOW_RESULT '));
      if (!line) return reject(new Error(`the Amplify child printed no result:\n${childLog}`));
      resolve(JSON.parse(line.slice('AMPLIFY_FLOW_RESULT '.length)) as FlowStep[]);
    });
  });
}

describe('aws-amplify 6 in Node against the local mode', () => {
  it('writes the CA it trusts to outputs.json', () => {
    expect(local.outputs.CaCertificateFile.startsWith(data.dir)).toBe(true);
    expect(local.outputs.GraphQLHttpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
  });

  it('runs every step of the flow', () => {
    expect(steps.map((s) => s.step)).toEqual([...FLOW_STEPS]);
  });

  it.each(FLOW_STEPS.map((s) => [s]))('passes the step "%s"', (name) => {
    const step = steps.find((s) => s.step === name);
    expect(step, childLog).toBeDefined();
    expect(step!.ok, `${step!.detail}\n${childLog}`).toBe(true);
  });
});
