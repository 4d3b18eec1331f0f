/**
 * A list answer names the same few users again and again (a page of 20 executions or templates:
 * createdBy and modifiedBy of each, 40 reads of one or two users, each a query and a record; ~8%
 * of such a list's CPU in issue 17's workloads 7 and 10). `withUserMemo` gives the presenters of
 * one answer a view of the store whose `users.byId` reads each user once; everything else is the
 * store itself. Made per answer and dropped with it, so nothing is kept across requests.
 */
import type { StoreCollections, UserRecord } from '../../store/types.js';

export function withUserMemo<S extends StoreCollections>(store: S): S {
  const read = new Map<string, Promise<UserRecord | null>>();
  const users: StoreCollections['users'] = Object.create(store.users) as StoreCollections['users'];
  users.byId = (id) => {
    let user = read.get(id);
    if (!user) read.set(id, user = store.users.byId(id));
    return user;
  };
  return Object.assign(Object.create(store) as S, { users });
}
