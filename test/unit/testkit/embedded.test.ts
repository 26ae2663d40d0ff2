import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { NotStartedError, freshTables, startedForSuite } from '../../../testkit/embedded';

class Part {
  stopped = false;
  constructor(readonly name: string) {}
  hello(): string {
    return `hello from ${this.name}`;
  }
}

const stopped: Part[] = [];

describe('startedForSuite', () => {
  const part = startedForSuite(
    'the part',
    async () => new Part('p1'),
    (p) => {
      p.stopped = true;
      stopped.push(p);
    },
  );
  // Read while the file is collected, before any beforeAll ran.
  let early: unknown;
  try {
    void part.name;
  } catch (error) {
    early = error;
  }

  it('refuses a read before the start, naming the part', () => {
    expect(early).toBeInstanceOf(NotStartedError);
    expect((early as Error).message).toMatch(/the part is read before its beforeAll started it/);
  });

  it('stands for the started part: its fields, its methods bound to it, its class', () => {
    expect(part.name).toBe('p1');
    const { hello } = part;
    expect(hello()).toBe('hello from p1');
    expect(part).toBeInstanceOf(Part);
    expect('hello' in part).toBe(true);
  });
});

describe('startedForSuite after its suite', () => {
  it('stopped the part once its suite ended', () => {
    expect(stopped.map((p) => [p.name, p.stopped])).toEqual([['p1', true]]);
  });
});

describe('freshTables', () => {
  it('makes a numbered table per call with the given ensure, and drop deletes that one', async () => {
    const sent: unknown[] = [];
    const client = { send: async (command: unknown) => void sent.push(command) } as unknown as DynamoDBClient;
    const ensured: string[] = [];
    const fresh = freshTables({ client }, 'yvr-t', async (c, name) => {
      expect(c).toBe(client);
      ensured.push(name);
    });
    const first = await fresh();
    const second = await fresh();
    expect([first.tableName, second.tableName]).toEqual(['yvr-t-1', 'yvr-t-2']);
    expect(ensured).toEqual(['yvr-t-1', 'yvr-t-2']);
    await first.drop();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(DeleteTableCommand);
    expect((sent[0] as DeleteTableCommand).input).toEqual({ TableName: 'yvr-t-1' });
  });
});
