/**
 * The system operations with real behaviour, without HTTP: the time zones and currencies the
 * runtime knows (Intl), and values formatted by the vendor's patterns (Java-style number and
 * date patterns, as the product's templates write them) through Intl. Errors are
 * SystemValueError naming the parameter and the rule.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../package-root.js';

export class SystemValueError extends Error {
  constructor(readonly parameter: string, readonly rule: string, message: string) {
    super(message);
    this.name = 'SystemValueError';
  }
}

/** Every IANA time zone the runtime knows, UTC included, in name order. */
export function timeZones(): string[] {
  const zones = new Set(Intl.supportedValuesOf('timeZone'));
  zones.add('UTC');
  return [...zones].sort();
}

export interface CurrencySymbolValue { symbol: string; displayName: string; names: string[]; isSystem: boolean }

/** Every ISO 4217 currency the runtime knows: its narrow symbol and English name; `names` are the code and the name. */
export function currencySymbols(): CurrencySymbolValue[] {
  const names = new Intl.DisplayNames(['en'], { type: 'currency' });
  return Intl.supportedValuesOf('currency').map((code) => {
    const symbol = new Intl.NumberFormat('en', { style: 'currency', currency: code, currencyDisplay: 'narrowSymbol' })
      .formatToParts(0).find((p) => p.type === 'currency')?.value ?? code;
    const displayName = names.of(code) ?? code;
    return { symbol, displayName, names: [code, displayName], isSystem: true };
  });
}

export const FORMAT_TYPES = ['number', 'date', 'time', 'dateTime'] as const;
export type FormatType = (typeof FORMAT_TYPES)[number];

function checkedLocale(locale: string | undefined): string {
  const tag = locale && locale.trim() ? locale.trim().replace(/_/g, '-') : 'en-US';
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    throw new SystemValueError('locale', 'format', `locale must be a language tag such as en-US or nl_NL, got ${tag}`);
  }
}

/**
 * Formats `value` by a Java-style `pattern`: numbers (`#,##0.00`, `0.###`, `0%`, literal text
 * around it), dates and times (`yyyy-MM-dd`, `dd MMMM yyyy`, `EEE d MMM`, `HH:mm:ss`, `h:mm a`,
 * `'quoted text'`), in `locale` (default en-US), times in UTC.
 */
export function formatValue(value: string, pattern: string, type: string, locale?: string): string {
  if (!(FORMAT_TYPES as readonly string[]).includes(type)) {
    throw new SystemValueError('type', 'enum', `type must be one of: ${FORMAT_TYPES.join(', ')}`);
  }
  const loc = checkedLocale(locale);
  return type === 'number' ? formatNumber(value, pattern, loc) : formatDate(value, pattern, loc, type as FormatType);
}

function formatNumber(value: string, pattern: string, locale: string): string {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n)) throw new SystemValueError('value', 'type', `value must be a number, got "${value.slice(0, 50)}"`);
  const m = /^([^#0,.]*)([#0,]*)(?:\.([#0]*))?([^#0,.]*)$/.exec(pattern);
  if (!m || !/[#0]/.test(m[2])) throw new SystemValueError('pattern', 'pattern', 'a number pattern is digits (#, 0), an optional grouping comma and decimals (.00, .##), with text around it');
  const [, prefix, int, frac = '', suffix] = m;
  const percent = suffix.includes('%') || prefix.includes('%');
  const minFraction = (frac.match(/0/g) ?? []).length;
  const formatted = new Intl.NumberFormat(locale, {
    useGrouping: int.includes(','),
    minimumIntegerDigits: Math.max(1, (int.match(/0/g) ?? []).length),
    minimumFractionDigits: minFraction,
    maximumFractionDigits: Math.max(minFraction, frac.length),
  }).format(percent ? n * 100 : n);
  return `${prefix}${formatted}${suffix}`;
}

const DATE_TOKEN = /'([^']*)'|y+|M+|d+|E+|H+|h+|m+|s+|S+|a/g;

function formatDate(value: string, pattern: string, locale: string, type: FormatType): string {
  const text = type === 'time' && /^\d{2}:\d{2}/.test(value) ? `1970-01-01T${value}` : value;
  const zoned = /T.*(Z|[+-]\d{2}:\d{2})$/.test(text) || /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) {
    throw new SystemValueError('value', 'format', `value must be an ISO-8601 ${type === 'time' ? 'time (HH:mm[:ss]) or date-time' : 'date or date-time'}, got "${value.slice(0, 50)}"`);
  }
  const d = new Date(ms);
  const part = (opts: Intl.DateTimeFormatOptions, kind: Intl.DateTimeFormatPartTypes) =>
    new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...opts }).formatToParts(d).find((p) => p.type === kind)?.value ?? '';
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const letters = pattern.replace(/'[^']*'/g, '');
  // As Java's SimpleDateFormat: an unquoted letter is a pattern letter; one this server does not know is refused, not printed.
  const unknown = /[A-Za-z]/.exec(letters.replace(/[yMdEHhmsSa]/g, ''));
  if (unknown || !/[yMdEHhmsSa]/.test(letters)) {
    throw new SystemValueError('pattern', 'pattern', `a date pattern uses the letters y, M, d, E, H, h, m, s, S, a (other text in single quotes)${unknown ? `; ${unknown[0]} is not one` : ''}`);
  }
  return pattern.replace(DATE_TOKEN, (tok, quoted: string | undefined) => {
    if (quoted !== undefined) return quoted === '' ? "'" : quoted;
    const w = tok.length;
    switch (tok[0]) {
      case 'y': return w === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), w);
      case 'M': return w >= 4 ? part({ month: 'long' }, 'month') : w === 3 ? part({ month: 'short' }, 'month') : pad(d.getUTCMonth() + 1, w);
      case 'd': return pad(d.getUTCDate(), w);
      case 'E': return part({ weekday: w >= 4 ? 'long' : 'short' }, 'weekday');
      case 'H': return pad(d.getUTCHours(), w);
      case 'h': return pad(d.getUTCHours() % 12 || 12, w);
      case 'm': return pad(d.getUTCMinutes(), w);
      case 's': return pad(d.getUTCSeconds(), w);
      case 'S': return pad(d.getUTCMilliseconds(), 3).slice(0, w).padEnd(w, '0');
      default: return part({ hour: 'numeric', hour12: true }, 'dayPeriod') || (d.getUTCHours() < 12 ? 'AM' : 'PM');
    }
  });
}

/** flowmock's own version (its package.json): what GetSystemInfo calls the system's version. */
export function flowmockVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
