import { describe, expect, it } from 'vitest';
import { GatedKeyedLock, WriteGate } from '../../../src/migration/write-gate.js';

/** A promise with its resolver, to hold a task open until the test lets it go. */
function held() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('WriteGate', () => {
  it('lets the exclusive holder in only after every shared holder has finished, and holds new ones until it is done', async () => {
    const gate = new WriteGate();
    const log: string[] = [];
    const writer = held();
    const first = gate.shared(async () => {
      log.push('writer 1 in');
      await writer.promise;
      log.push('writer 1 out');
    });
    await Promise.resolve();
    const switching = held();
    const exclusive = gate.exclusive(async () => {
      log.push('switch in');
      await switching.promise;
      log.push('switch out');
    });
    const second = gate.shared(async () => {
      log.push('writer 2 in');
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(['writer 1 in']);
    writer.release();
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(['writer 1 in', 'writer 1 out', 'switch in']);
    switching.release();
    await Promise.all([first, exclusive, second]);
    expect(log).toEqual(['writer 1 in', 'writer 1 out', 'switch in', 'switch out', 'writer 2 in']);
  });

  it('does not wait on itself when record locks nest (erasure holds user and item locks)', async () => {
    const gate = new WriteGate();
    const users = new GatedKeyedLock(gate);
    const items = new GatedKeyedLock(gate);
    const entered = held();
    const inner = held();
    const nested = users.runAll(['u'], async () => {
      entered.release();
      await inner.promise;
      return items.runAll(['i'], async () => 'done');
    });
    await entered.promise;
    // An exclusive request arriving while the outer lock is held must not deadlock the inner one.
    const exclusive = gate.exclusive(async () => 'switched');
    inner.release();
    await expect(nested).resolves.toBe('done');
    await expect(exclusive).resolves.toBe('switched');
  });
});
