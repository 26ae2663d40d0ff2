import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from './build';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const load = (name: string): Workflow =>
  parse(readFileSync(`${repoRoot}.github/workflows/${name}`, 'utf8'), { strict: true }) as Workflow;

const runs = (job: Job): string[] => job.steps.map((s) => s.run ?? '').filter(Boolean);
const indexOfRun = (job: Job, pattern: RegExp): number =>
  job.steps.findIndex((s) => pattern.test(s.run ?? ''));

describe('ci.yml', () => {
  const ci = load('ci.yml');
  const [job] = Object.values(ci.jobs);

  it('runs on pushes to main and on pull requests', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.on.push).toEqual({ branches: ['main'] });
  });

  it('only reads the repository and never asks for an OIDC token', () => {
    expect(ci.permissions).toEqual({ contents: 'read' });
    for (const j of Object.values(ci.jobs)) expect(j.permissions?.['id-token']).toBeUndefined();
    expect(JSON.stringify(ci)).not.toContain('configure-aws-credentials');
  });

  it('installs, lints, type-checks, tests, checks codegen and synthesizes with cdk-nag, in that order', () => {
    expect(job).toBeDefined();
    const order = [
      /^npm ci\b/,
      /npm run lint/,
      /npm run typecheck/,
      /^npm test$/,
      /npm run codegen/,
      /cdk synth/,
    ].map((p) => indexOfRun(job!, p));
    expect(
      order.every((i) => i >= 0),
      JSON.stringify(order),
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(job!.steps[0]!.uses).toMatch(/^actions\/checkout@/);
    const synth = runs(job!).find((r) => r.includes('cdk synth'))!;
    expect(synth).toContain('--context stage=stage');
    expect(synth).toContain('--context stage=prod');
    expect(synth).toContain('--context stage=stage --context telemetry=dynamodb');
    expect(runs(job!).find((r) => r.includes('codegen'))).toMatch(
      /git status --porcelain -- core\/generated/,
    );
  });
});

describe('deploy.yml', () => {
  const deploy = load('deploy.yml');

  it('deploys on pushes to main and by hand with a stage and a ref', () => {
    expect(Object.keys(deploy.on).sort()).toEqual(['push', 'workflow_dispatch']);
    expect(deploy.on.push).toEqual({ branches: ['main'] });
    const inputs = (
      deploy.on.workflow_dispatch as { inputs: Record<string, { options?: string[]; type: string }> }
    ).inputs;
    expect(inputs.stage).toMatchObject({ type: 'choice', options: ['stage', 'prod'] });
    expect(inputs.ref).toMatchObject({ type: 'string' });
  });

  it('asks for an OIDC token only in the deploy jobs', () => {
    expect(deploy.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(deploy.jobs)) {
      expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    }
  });

  it.each([
    ['deploy-stage', 'stage'],
    ['deploy-prod', 'prod'],
  ])('%s assumes the role from the repository variable, diffs, then deploys %s', (jobName, stage) => {
    const job = deploy.jobs[jobName]!;
    expect(job.concurrency).toEqual({ group: `deploy-${stage}`, 'cancel-in-progress': false });
    expect(job.environment).toBe(stage);
    const credentials = job.steps.findIndex((s) =>
      s.uses?.startsWith('aws-actions/configure-aws-credentials@'),
    );
    expect(credentials).toBeGreaterThan(-1);
    expect(job.steps[credentials]!.with).toMatchObject({
      'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}',
      'aws-region': '${{ vars.AWS_REGION }}',
    });
    const test = indexOfRun(job, /^npm test$/);
    const diff = indexOfRun(job, /\bcdk diff\b/);
    const apply = indexOfRun(job, /\bcdk deploy\b/);
    expect(test).toBeGreaterThan(-1);
    expect(test).toBeLessThan(credentials);
    expect(credentials).toBeLessThan(diff);
    expect(diff).toBeLessThan(apply);
    expect(job.steps[diff]!.run).toContain(`--context stage=${stage}`);
    expect(job.steps[apply]!.run).toContain(`--context stage=${stage}`);
    for (const step of [job.steps[diff]!, job.steps[apply]!]) {
      expect(step.run).toContain('${TELEMETRY_STORE:+--context telemetry=$TELEMETRY_STORE}');
      expect(step.env?.TELEMETRY_STORE).toBe('${{ vars.TELEMETRY_STORE }}');
    }
    expect(job.steps[apply]!.run).toContain('--require-approval never');
    expect(job.steps[0]!.with?.ref).toBe('${{ inputs.ref || github.sha }}');
  });

  it('runs stage on push and prod only by hand, behind the prod environment', () => {
    expect(deploy.jobs['deploy-stage']!.if).toBe("github.event_name == 'push' || inputs.stage == 'stage'");
    expect(deploy.jobs['deploy-prod']!.if).toBe(
      "github.event_name == 'workflow_dispatch' && inputs.stage == 'prod'",
    );
    expect(deploy.jobs['deploy-prod']!.environment).toBe('prod');
    for (const [name, job] of Object.entries(deploy.jobs)) {
      if (name === 'deploy-prod') continue;
      expect(runs(job).join('\n')).not.toContain('stage=prod');
    }
  });
});
