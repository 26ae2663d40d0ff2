import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { LocalMode } from '../../local/start-local';
import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ACCOUNT_FLOW_STEPS, FLOW_STEPS, type FlowStep } from '../helpers/amplify-flow';
import { ADMIN, startTestLocal, tempDir } from '../../testkit/local-mode';

// Issue 11 item 5: the real aws-amplify package in Node against the local mode, unchanged.

const data = tempDir('yvr-amplify-node-');
let local: LocalMode;
let steps: FlowStep[] = [];
let accountSteps: FlowStep[] = [];
let childLog = '';
const NEWCOMER = { email: 'newcomer@example.com', temporaryPassword: 'Temporary1!' };

beforeAll(async () => {
  local = await startTestLocal({ dataDir: data.dir });
  // An account as an admin makes it: a temporary password, changed at the first sign-in.
  await local.cognito.client.send(
    new AdminCreateUserCommand({
      UserPoolId: local.outputs.UserPoolId,
      Username: NEWCOMER.email,
      TemporaryPassword: NEWCOMER.temporaryPassword,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: NEWCOMER.email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  [steps, accountSteps] = await runChild(local);
  // The closing note of issue 11 quotes these lines.
  console.log(
    [...steps, ...accountSteps].map((s) => `${s.ok ? 'PASS' : 'FAIL'} ${s.step}: ${s.detail}`).join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await local?.stop();
  data.remove();
});

/** Runs the flow in a child process that trusts the local CA the way docs/LOCAL.md says: NODE_EXTRA_CA_CERTS. */
function runChild(mode: LocalMode): Promise<[FlowStep[], FlowStep[]]> {
  const input = {
    outputs: mode.outputs,
    email: ADMIN.email,
    password: ADMIN.password,
    deviceId: 'amplify-node-1',
    mqttUrl: mode.outputs.MqttUrl,
    account: NEWCOMER,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/amplify-node-child.ts'], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: mode.outputs.CaCertificateFile,
        AMPLIFY_FLOW_INPUT: JSON.stringify(input),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.on('message', (m: { codeFor?: string }) => {
      const code = mode.cognito.sentCodes().findLast((c) => c.destination === m.codeFor)?.code ?? '';
      child.send({ code });
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.stdout!.on('data', (chunk: Buffer) => (childLog += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (childLog += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const result = (prefix: string) => {
        const line = childLog.split('\n').find((l) => l.startsWith(`${prefix} `));
        return line ? (JSON.parse(line.slice(prefix.length + 1)) as FlowStep[]) : undefined;
      };
      const flow = result('AMPLIFY_FLOW_RESULT');
      if (!flow) return reject(new Error(`the Amplify child printed no result:\n${childLog}`));
      resolve([flow, result('AMPLIFY_ACCOUNT_RESULT') ?? []]);
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

describe("aws-amplify 6 in Node: the account calls of issue 11's item 2", () => {
  it.each(ACCOUNT_FLOW_STEPS.map((s) => [s]))('passes the step "%s"', (name) => {
    const step = accountSteps.find((s) => s.step === name);
    expect(step, childLog).toBeDefined();
    expect(step!.ok, `${step!.detail}\n${childLog}`).toBe(true);
  });
});
