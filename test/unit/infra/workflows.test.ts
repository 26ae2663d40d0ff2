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
  ])("%s assumes its environment's role, diffs, then deploys %s", (jobName, stage) => {
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

  it.each(['deploy-stage', 'deploy-prod'])('%s builds the console before cdk diff and deploy', (jobName) => {
    const job = deploy.jobs[jobName]!;
    const build = indexOfRun(job, /^npm run console:build$/);
    expect(build).toBeGreaterThan(-1);
    expect(build).toBeLessThan(indexOfRun(job, /\bcdk diff\b/));
  });

  it('runs stage on push and prod only by hand, both from main only, prod behind the prod environment', () => {
    expect(deploy.jobs['deploy-stage']!.if).toBe(
      "github.ref == 'refs/heads/main' && (github.event_name == 'push' || inputs.stage == 'stage')",
    );
    expect(deploy.jobs['deploy-prod']!.if).toBe(
      "github.ref == 'refs/heads/main' && github.event_name == 'workflow_dispatch' && inputs.stage == 'prod'",
    );
    expect(deploy.jobs['deploy-prod']!.environment).toBe('prod');
    for (const [name, job] of Object.entries(deploy.jobs)) {
      if (name === 'deploy-prod') continue;
      expect(runs(job).join('\n')).not.toContain('stage=prod');
    }
  });

  it('refuses to deploy a commit that is not on main (a rollback is an earlier main commit)', () => {
    for (const job of Object.values(deploy.jobs)) {
      expect(job.steps[0]!.with?.['fetch-depth']).toBe(0);
      const guard = indexOfRun(job, /^git merge-base --is-ancestor HEAD origin\/main$/);
      expect(guard).toBeGreaterThan(0);
      expect(guard).toBeLessThan(indexOfRun(job, /^npm ci\b/));
    }
  });
});

/** The trust policies docs/DEPLOY.md shows, by the environment each is marked with. */
function documentedTrustPolicies(): Map<string, TrustPolicy> {
  const text = readFileSync(`${repoRoot}docs/DEPLOY.md`, 'utf8');
  const out = new Map<string, TrustPolicy>();
  for (const m of text.matchAll(/<!-- trust-policy: (\w+) -->\s*```json\n([\s\S]*?)```/g))
    out.set(m[1]!, JSON.parse(m[2]!) as TrustPolicy);
  return out;
}

interface TrustPolicy {
  Statement: {
    Effect: string;
    Action: string;
    Principal: { Federated: string };
    Condition: Record<string, Record<string, string | string[]>>;
  }[];
}

describe('deploy roles against the documented trust policies', () => {
  const deploy = load('deploy.yml');
  const policies = documentedTrustPolicies();
  const jobs = Object.values(deploy.jobs);

  it('documents one trust policy per environment the workflow deploys to', () => {
    expect([...policies.keys()].sort()).toEqual(jobs.map((j) => j.environment).sort());
  });

  it.each(['stage', 'prod'])('lets the %s role be assumed only by a job in that environment', (env) => {
    const policy = policies.get(env)!;
    expect(policy.Statement).toHaveLength(1);
    const [statement] = policy.Statement;
    expect(statement!.Effect).toBe('Allow');
    expect(statement!.Action).toBe('sts:AssumeRoleWithWebIdentity');
    // Exact matches only: StringLike or a list of subjects would widen who may assume it.
    expect(Object.keys(statement!.Condition)).toEqual(['StringEquals']);
    const equals = statement!.Condition.StringEquals!;
    expect(equals['token.actions.githubusercontent.com:aud']).toBe('sts.amazonaws.com');
    expect(equals['token.actions.githubusercontent.com:sub']).toBe(`repo:<org>/<repo>:environment:${env}`);
    // The token of a job carries its environment as the subject: only this environment's job gets it.
    const takers = jobs.filter((j) => j.environment === env);
    expect(takers).toHaveLength(1);
    const credentials = takers[0]!.steps.find((s) =>
      s.uses?.startsWith('aws-actions/configure-aws-credentials@'),
    );
    // Environment-scoped: the same name resolves to the ARN set on the job's environment.
    expect(credentials?.with?.['role-to-assume']).toBe('${{ vars.AWS_DEPLOY_ROLE_ARN }}');
  });

  it('keeps the two environments on distinct roles and accounts', () => {
    const principals = [...policies.values()].map((p) => p.Statement[0]!.Principal.Federated);
    expect(principals).toHaveLength(2);
    expect(new Set(principals).size).toBe(2);
  });

  it('never deploys prod from a job outside the prod environment', () => {
    for (const job of jobs) {
      const text = JSON.stringify(job.steps);
      if (job.environment !== 'prod') expect(text).not.toMatch(/stage=prod|yvr-prod/);
    }
  });
});
