import { describe, expect, it } from 'vitest';
import { PartStack, type Part } from '../../../local/start/parts';

/** A part that records its stop in `stopped`. */
const part = (name: string, stopped: string[]): Part<string> => ({
  handle: name,
  stop: async () => {
    stopped.push(name);
  },
});

describe('PartStack', () => {
  it('gives back each part’s handle and stops the parts in reverse order, once', async () => {
    const stopped: string[] = [];
    const parts = new PartStack(() => undefined);
    expect(await parts.start('a', () => part('a', stopped))).toBe('a');
    expect(await parts.start('b', async () => part('b', stopped))).toBe('b');
    expect(await parts.run('check', () => 42)).toBe(42);
    expect(await parts.start('c', () => part('c', stopped))).toBe('c');
    await Promise.all([parts.stop(), parts.stop()]);
    await parts.stop();
    expect(stopped).toEqual(['c', 'b', 'a']);
  });

  it('stops the parts already started when one fails, names it, and rethrows its own error', async () => {
    const stopped: string[] = [];
    const lines: string[] = [];
    const parts = new PartStack((line) => lines.push(line));
    await parts.start('dynamodb', () => part('dynamodb', stopped));
    await parts.start('cognito', () => part('cognito', stopped));
    class PortTaken extends Error {}
    const failure = new PortTaken('Port 1883 is already in use (MQTT_PORT)');
    const started = parts.start('mqtt', async (): Promise<Part<string>> => {
      throw failure;
    });
    await expect(started).rejects.toBe(failure);
    expect(stopped).toEqual(['cognito', 'dynamodb']);
    expect(lines).toEqual([
      '[local] mqtt did not start: Port 1883 is already in use (MQTT_PORT) (stopping cognito, dynamodb)',
    ]);
  });

  it('stops the parts when a step with nothing to stop fails', async () => {
    const stopped: string[] = [];
    const lines: string[] = [];
    const parts = new PartStack((line) => lines.push(line));
    await parts.start('graphql', () => part('graphql', stopped));
    await expect(
      parts.run('admin', () => {
        throw new Error('the password does not meet the policy');
      }),
    ).rejects.toThrow('the password does not meet the policy');
    expect(stopped).toEqual(['graphql']);
    expect(lines[0]).toMatch(/^\[local\] admin did not start: the password does not meet the policy/);
  });

  it('goes on stopping the other parts when one fails to stop, and names it', async () => {
    const stopped: string[] = [];
    const lines: string[] = [];
    const parts = new PartStack((line) => lines.push(line));
    await parts.start('dynamodb', () => part('dynamodb', stopped));
    await parts.start('mqtt', () => ({
      handle: 'mqtt',
      stop: () => Promise.reject(new Error('socket already closed')),
    }));
    await parts.start('graphql', () => part('graphql', stopped));
    await parts.stop();
    expect(stopped).toEqual(['graphql', 'dynamodb']);
    expect(lines).toEqual(['[local] stopping mqtt failed: socket already closed']);
  });
});
