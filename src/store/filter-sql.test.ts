import { describe, expect, it } from 'vitest';
import { likeOnEnumsAsIn } from './filter-sql.js';
import type { ConditionGroup } from './types.js';

const ENUMS = new Map([['status', ['Success', 'Warning', 'Error', 'Running']]]);
const like = (key: string, value: string) => ({ condition: { key, operator: 'like', values: [value] } });

describe('likeOnEnumsAsIn', () => {
  it('turns "contains" on an enumerated property into `in` over the values that contain it, ASCII case-insensitively, nested groups too', () => {
    const group: ConditionGroup = { type: 'and', nodes: [like('status', 'ING'), { group: { type: 'or', nodes: [like('status', 'err')] } }, like('id', 'ing')] };
    expect(likeOnEnumsAsIn(group, ENUMS)).toEqual({
      type: 'and',
      nodes: [
        { condition: { key: 'status', operator: 'in', values: ['Warning', 'Running'] } },
        { group: { type: 'or', nodes: [{ condition: { key: 'status', operator: 'in', values: ['Error'] } }] } },
        like('id', 'ing'), // not enumerated: as it was
      ],
    });
  });

  it('matches no value: `in` the value itself (equal to none); % and _ stay literal; other operators and malformed nodes are left to groupToSql', () => {
    const out = likeOnEnumsAsIn({ type: 'and', nodes: [like('status', 'x%'), like('status', '_'), { condition: { key: 'status', operator: 'notLike', values: ['err'] } }] }, ENUMS);
    expect(out.nodes.map((n) => n.condition)).toEqual([
      { key: 'status', operator: 'in', values: ['x%'] },
      { key: 'status', operator: 'in', values: ['_'] },
      { key: 'status', operator: 'notLike', values: ['err'] },
    ]);
    const malformed = { type: 'and', nodes: [{ condition: { key: 'status', operator: 'like', values: [1] } }, { condition: like('status', 'a').condition, group: { type: 'and', nodes: [] } }] } as unknown as ConditionGroup;
    expect(likeOnEnumsAsIn(malformed, ENUMS)).toEqual(malformed);
  });

  it('folds ASCII letters only, as SQLite\'s LIKE does (the Kelvin sign is not a k)', () => {
    const out = likeOnEnumsAsIn({ type: 'and', nodes: [like('status', '\u212Aing')] }, new Map([['status', ['Working']]]));
    expect(out.nodes[0].condition).toEqual({ key: 'status', operator: 'in', values: ['\u212Aing'] });
  });
});
