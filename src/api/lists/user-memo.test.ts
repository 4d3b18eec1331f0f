import { describe, expect, it } from 'vitest';
import { openStore } from '../../store/sqlite-store.js';
import { withUserMemo } from './user-memo.js';
import { user } from '../../../test/support/store-records.js';

describe('withUserMemo', () => {
  it('reads each user once for one answer; the rest is the store itself, and the store is untouched', async () => {
    const store = openStore(':memory:');
    try {
      const id = 'u-memo';
      await store.users.create(user(id));
      let reads = 0;
      const original = store.users.byId;
      store.users.byId = (uid) => { reads++; return original(uid); };
      const named = withUserMemo(store);
      const [a, b, c] = await Promise.all([named.users.byId(id), named.users.byId(id), named.users.byId('unknown')]);
      expect(a?.id).toBe(id);
      expect(a).toEqual(await original(id));
      expect(b).toBe(a);
      expect(c).toBeNull();
      expect(reads).toBe(2); // id once, 'unknown' once
      expect(await named.executions.count()).toBe(await store.executions.count());
      expect(await named.users.byUsername('nobody-at-all')).toBeNull();
      await store.users.byId(id);
      expect(reads).toBe(3); // the store itself keeps reading
    } finally {
      await store.close();
    }
  });
});
