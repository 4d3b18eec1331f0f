/**
 * A valid filter body (the vendor's condition group) holding `values` values in all: groups of
 * 50 `in` conditions of at most 100 values each, inside one `or` group. The reliability tests use
 * it to reach the filter's stated value limit without breaking any other rule.
 */
export function filterWithValues(values: number, condition: (count: number, left: number) => unknown): unknown {
  const groups: unknown[] = [];
  let left = values;
  while (left > 0) {
    const conditions: unknown[] = [];
    for (let c = 0; c < 50 && left > 0; c++) {
      const n = Math.min(100, left);
      left -= n;
      conditions.push({ condition: condition(n, left) });
    }
    groups.push({ group: { type: 'or', nodes: conditions } });
  }
  return { group: { type: 'or', nodes: groups } };
}
