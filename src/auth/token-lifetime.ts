/**
 * Token lifetimes as people write them (`90s`, `30m`, `1h`, `7d`), shared by the tokens API and
 * `flowmock token --expires`. The same rule is the spec's pattern for `expiresIn`.
 */
const LIFETIME = /^([1-9][0-9]{0,6})([smhd])$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds, or null when the text is not such a duration. */
export function parseTokenLifetime(text: string): number | null {
  const m = LIFETIME.exec(text);
  return m ? Number(m[1]) * UNIT_SECONDS[m[2]] : null;
}
