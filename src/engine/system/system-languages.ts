/**
 * The system's languages (the vendor's LanguageDefinition): the locales the runtime formats in
 * (Intl), with their names in English, their date, time and date-time formats as Java-style
 * patterns (derived from Intl's short, medium, long and full styles, each with a sample) and
 * their number separators. The system default is kept in the store's meta (SetSystemDefaultLanguage).
 */
import type { StoreCollections } from '../../store/types.js';
import { SystemValueError, formatValue } from './system-values.js';

/** Locales offered, kept to those the runtime supports. */
const CANDIDATES = [
  'ar-SA', 'cs-CZ', 'da-DK', 'de-AT', 'de-CH', 'de-DE', 'el-GR', 'en-AU', 'en-CA', 'en-GB', 'en-IE', 'en-US', 'es-ES', 'es-MX',
  'fi-FI', 'fr-BE', 'fr-CA', 'fr-CH', 'fr-FR', 'he-IL', 'hu-HU', 'it-IT', 'ja-JP', 'ko-KR', 'nb-NO', 'nl-BE', 'nl-NL', 'pl-PL',
  'pt-BR', 'pt-PT', 'ro-RO', 'ru-RU', 'sk-SK', 'sv-SE', 'tr-TR', 'uk-UA', 'zh-CN', 'zh-TW',
];
export const DEFAULT_SYSTEM_LANGUAGE = 'en-US';
const DEFAULT_KEY = 'system.defaultLanguage';
const STYLES = ['short', 'medium', 'long', 'full'] as const;
type Style = (typeof STYLES)[number];

export interface FormatDefinitionValue { format: string; sample: string; isDefault: boolean; dateStyle?: Style | 'unspecified'; timeStyle?: Style | 'unspecified' }
export interface LanguageDefinitionValue {
  id: string;
  displayName: string;
  displayCountry: string;
  displayLanguage: string;
  isSystem: boolean;
  dateTimeFormats?: { date: FormatDefinitionValue[]; time: FormatDefinitionValue[]; dateTime: FormatDefinitionValue[] };
  periodFormats?: FormatDefinitionValue[];
  numberFormat?: { groupingSeparator: string; decimalSeparator: string; sample: string };
}

export function systemLocales(): string[] {
  return Intl.DateTimeFormat.supportedLocalesOf(CANDIDATES);
}

/** A sample instant whose fields are single digits where they can be, so widths show in the output. */
const SAMPLE = new Date(Date.UTC(2026, 2, 5, 9, 7, 3));

/** A Java-style pattern for one Intl style, read off the parts of the sample. */
function patternOf(locale: string, opts: Intl.DateTimeFormatOptions): string | null {
  const parts = new Intl.DateTimeFormat(locale, { ...opts, timeZone: 'UTC', calendar: 'gregory', numberingSystem: 'latn' }).formatToParts(SAMPLE);
  const long = (o: Intl.DateTimeFormatOptions, type: string) => new Intl.DateTimeFormat(locale, { ...o, timeZone: 'UTC' }).formatToParts(SAMPLE).find((p) => p.type === type)?.value;
  let out = '';
  for (const p of parts) {
    const v = p.value;
    switch (p.type) {
      case 'year': out += v.length === 2 ? 'yy' : 'yyyy'; break;
      case 'month':
        if (/^\d+$/.test(v)) out += v.length === 2 ? 'MM' : 'M';
        else out += v === long({ month: 'long' }, 'month') ? 'MMMM' : 'MMM';
        break;
      case 'day': out += v.length === 2 ? 'dd' : 'd'; break;
      case 'weekday': out += v === long({ weekday: 'long' }, 'weekday') ? 'EEEE' : 'EEE'; break;
      case 'hour': out += (opts.hour12 ?? hour12(locale)) ? (v.length === 2 ? 'hh' : 'h') : (v.length === 2 ? 'HH' : 'H'); break;
      case 'minute': out += 'mm'; break;
      case 'second': out += 'ss'; break;
      case 'dayPeriod': out += 'a'; break;
      case 'literal': out += /[A-Za-z']/.test(v) ? `'${v.replace(/'/g, "''")}'` : v; break;
      default: return null; // era, time zone name, ...: not expressible here
    }
  }
  return out;
}

const hour12 = (locale: string): boolean => new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hour12 === true;

function formats(locale: string, kind: 'date' | 'time' | 'dateTime'): FormatDefinitionValue[] {
  const out: FormatDefinitionValue[] = [];
  for (const style of STYLES) {
    const opts: Intl.DateTimeFormatOptions = kind === 'date' ? { dateStyle: style } : kind === 'time' ? { timeStyle: style === 'full' || style === 'long' ? 'medium' : style } : { dateStyle: style, timeStyle: 'short' };
    const format = patternOf(locale, opts);
    if (!format || out.some((f) => f.format === format)) continue;
    let sample: string;
    try {
      sample = formatValue(SAMPLE.toISOString(), format, kind, locale);
    } catch (err) {
      if (err instanceof SystemValueError) continue;
      throw err;
    }
    out.push({
      format, sample, isDefault: style === 'medium',
      ...(kind !== 'time' ? { dateStyle: style } : {}), ...(kind !== 'date' ? { timeStyle: (opts.timeStyle ?? 'unspecified') as Style } : {}),
    });
  }
  if (out.length && !out.some((f) => f.isDefault)) out[0].isDefault = true;
  return out;
}

export function languageDefinition(locale: string, withFormats: boolean): LanguageDefinitionValue {
  const [language, region] = locale.split('-');
  const languages = new Intl.DisplayNames(['en'], { type: 'language' });
  const regions = new Intl.DisplayNames(['en'], { type: 'region' });
  const def: LanguageDefinitionValue = {
    id: locale, displayName: languages.of(locale) ?? locale, displayCountry: region ? regions.of(region) ?? region : '',
    displayLanguage: languages.of(language) ?? language, isSystem: true,
  };
  if (!withFormats) return def;
  const parts = new Intl.NumberFormat(locale, { numberingSystem: 'latn' }).formatToParts(1234567.89);
  return {
    ...def,
    dateTimeFormats: { date: formats(locale, 'date'), time: formats(locale, 'time'), dateTime: formats(locale, 'dateTime') },
    periodFormats: [],
    numberFormat: {
      groupingSeparator: parts.find((p) => p.type === 'group')?.value ?? '',
      decimalSeparator: parts.find((p) => p.type === 'decimal')?.value ?? '.',
      sample: parts.map((p) => p.value).join(''),
    },
  };
}

export async function defaultSystemLanguage(store: StoreCollections): Promise<string> {
  const stored = await store.meta.get(DEFAULT_KEY);
  return stored && systemLocales().includes(stored) ? stored : DEFAULT_SYSTEM_LANGUAGE;
}

/** Makes `id` the default; a locale the system does not offer is a SystemValueError on `/id`. */
export async function setDefaultSystemLanguage(store: StoreCollections, id: string): Promise<string> {
  const locale = systemLocales().find((l) => l.toLowerCase() === id.replace(/_/g, '-').toLowerCase());
  if (!locale) throw new SystemValueError('id', 'enum', `id must be one of the system languages (GetSystemLanguages), such as en-US; got ${id}`);
  await store.meta.set(DEFAULT_KEY, locale);
  return locale;
}

/** The languages flowmock's own pages (the dashboard) are written in. */
export const UI_LANGUAGES = [{ code: 'en', displayName: 'English' }];
