import { describe, expect, it } from 'vitest';
import { ModuleLoadError, loadedOnFirstCall, sharedOnFirstUse } from '../../../resolvers/api/on-first-call';

interface Greeter {
  greet(name: string): Promise<string>;
  count(): Promise<number>;
}

/** A Greeter module that counts its loads and calls, and can be made to fail loading. */
function greeterModule(options: { failLoads?: number } = {}) {
  let failLoads = options.failLoads ?? 0;
  const state = { loads: 0, calls: 0 };
  const load = async (): Promise<Greeter> => {
    state.loads += 1;
    await Promise.resolve();
    if (failLoads > 0) {
      failLoads -= 1;
      throw new Error('chunk not found');
    }
    return {
      prefix: 'Hello',
      async greet(this: { prefix: string }, name: string) {
        state.calls += 1;
        return `${this.prefix}, ${name}`;
      },
      async count() {
        return state.calls;
      },
    } as Greeter;
  };
  return { state, load };
}

describe('loadedOnFirstCall', () => {
  it('loads nothing until a method is called, then forwards the arguments and the answer', async () => {
    const { state, load } = greeterModule();
    const greeter = loadedOnFirstCall<Greeter>('The greeter', load, { greet: true, count: true });
    expect(state.loads).toBe(0);
    // The method runs on the loaded object, so `this` is the implementation.
    await expect(greeter.greet('Ada')).resolves.toBe('Hello, Ada');
    await expect(greeter.count()).resolves.toBe(1);
    expect(state.loads).toBe(1);
  });

  it('shares one load between concurrent first calls', async () => {
    const { state, load } = greeterModule();
    const greeter = loadedOnFirstCall<Greeter>('The greeter', load, { greet: true, count: true });
    const answers = await Promise.all(['a', 'b', 'c'].map((name) => greeter.greet(name)));
    expect(answers).toEqual(['Hello, a', 'Hello, b', 'Hello, c']);
    expect(state.loads).toBe(1);
  });

  it('fails the call with a ModuleLoadError naming the part, and loads again on the next call', async () => {
    const { state, load } = greeterModule({ failLoads: 1 });
    const greeter = loadedOnFirstCall<Greeter>('The greeter', load, { greet: true, count: true });
    const failure = await greeter.greet('Ada').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModuleLoadError);
    expect(failure).toMatchObject({
      name: 'ModuleLoadError',
      message: 'The greeter could not be loaded: chunk not found',
      cause: expect.objectContaining({ message: 'chunk not found' }),
    });
    await expect(greeter.greet('Ada')).resolves.toBe('Hello, Ada');
    expect(state.loads).toBe(2);
  });

  it("passes a loaded method's own error through unchanged", async () => {
    const failing = { fail: async () => Promise.reject(new RangeError('out of range')) };
    const port = loadedOnFirstCall<typeof failing>('The failing part', async () => failing, { fail: true });
    await expect(port.fail()).rejects.toThrow(RangeError);
  });

  it('has exactly the methods it was given', () => {
    const greeter = loadedOnFirstCall<Greeter>('The greeter', greeterModule().load, {
      greet: true,
      count: true,
    });
    expect(Object.keys(greeter).sort()).toEqual(['count', 'greet']);
  });
});

describe('sharedOnFirstUse', () => {
  it('builds once for every use, and again only after a failure', async () => {
    let builds = 0;
    const value = sharedOnFirstUse(async () => {
      builds += 1;
      if (builds === 1) throw new Error('first build fails');
      return { built: builds };
    });
    await expect(value()).rejects.toThrow('first build fails');
    const [a, b] = await Promise.all([value(), value()]);
    expect(a).toBe(b);
    expect(a).toEqual({ built: 2 });
    expect(builds).toBe(2);
  });
});
