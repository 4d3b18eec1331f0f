import { describe, expect, it } from 'vitest';
import { Activity, ClockRangeError, RealClock, VirtualClock } from './clock.js';

describe('VirtualClock', () => {
  it('stands still until advanced; fires due timers in due order (ties in set order), each after the engines went idle', async () => {
    const clock = new VirtualClock(new Date('2026-01-01T00:00:00Z'));
    const work = new Activity();
    clock.addProbe(work);
    const log: string[] = [];
    clock.setTimeout(() => log.push('b@20'), 20);
    clock.setTimeout(() => {
      // Busy until a real timer ends: the next virtual timer must wait for it.
      work.enter();
      setTimeout(() => {
        log.push('a@10 done');
        work.leave();
      }, 30);
      log.push('a@10');
    }, 10);
    clock.setTimeout(() => log.push('c@20'), 20);
    const dropped = clock.setTimeout(() => log.push('never'), 15);
    clock.clearTimeout(dropped);
    clock.setTimeout(() => log.push('late'), 1000);

    await new Promise((r) => setTimeout(r, 20));
    expect(log).toEqual([]);
    const result = await clock.advance(500);
    expect(result).toEqual({ now: new Date('2026-01-01T00:00:00.500Z'), fired: 3 });
    expect(log).toEqual(['a@10', 'a@10 done', 'b@20', 'c@20']);
    expect(clock.pending()).toBe(1);
    await clock.advanceTo(new Date('2026-01-01T00:00:01Z'));
    expect(log.at(-1)).toBe('late');
    await expect(clock.advanceTo(new Date('2026-01-01T00:00:00Z'))).rejects.toBeInstanceOf(ClockRangeError);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:01.000Z');
  });

  it('timers set while firing run in the same advance when due; delay() is cut short by its signal', async () => {
    const clock = new VirtualClock(new Date(0));
    const log: number[] = [];
    clock.setTimeout(() => {
      log.push(clock.now().getTime());
      clock.setTimeout(() => log.push(clock.now().getTime()), 100);
    }, 100);
    await clock.advance(250);
    expect(log).toEqual([100, 200]);

    const abort = new AbortController();
    const waiting = clock.delay(1000, abort.signal);
    abort.abort();
    expect(await waiting).toBe(false);
    expect(clock.pending()).toBe(0);
    const passing = clock.delay(10);
    await clock.advance(10);
    expect(await passing).toBe(true);
  });
});

describe('RealClock', () => {
  it('uses the given wall time and real timers', async () => {
    const clock = new RealClock(() => new Date('2030-01-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(await clock.delay(5)).toBe(true);
    let fired = false;
    clock.clearTimeout(clock.setTimeout(() => { fired = true; }, 1));
    await new Promise((r) => setTimeout(r, 10));
    expect(fired).toBe(false);
  });
});
