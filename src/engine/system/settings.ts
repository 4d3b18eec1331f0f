/**
 * The installation's settings (the vendor's Settings, per part: GetSettings, GetSubSettings,
 * UpdateSubSettings, ClearSubSettings): each part the vendor's Settings has is kept in the store's
 * meta as JSON under `settings.<part>`; a part never set (or cleared) answers its defaults.
 * UpdateSubSettings replaces a part as a whole. Two parts are not stored as sent:
 * `project.systemLanguage` is the system default language (SetSystemDefaultLanguage; setting it
 * here sets that), and `counters` is derived from the executions and documents the store holds
 * (read-only). The cleanup part holds the ages RunCleanup (cleanup.ts) works with.
 */
import type { StoreCollections } from '../../store/types.js';
import { SystemValueError, timeZones } from './system-values.js';
import { documentsSince, executionsSince, windowStart } from './usage.js';
import { defaultSystemLanguage, languageDefinition, setDefaultSystemLanguage } from './system-languages.js';

/** The parts of the vendor's Settings, with the model that describes each and its fields. */
export const SETTINGS_PARTS = {
  project: { model: 'ProjectSettings', fields: ['displayName', 'description', 'initialized', 'timeZone', 'systemLanguage', 'defaultPriority'] },
  defaultPlugin: { model: 'DefaultPluginSettings', fields: ['connectorType', 'inputDataset'] },
  cleanup: { model: 'CleanupSettings', fields: ['flowExecutions'] },
  userManagement: { model: 'UserManagementSettings', fields: ['sync'] },
  onCreate: { model: 'OnCreateSettings', fields: ['flows'] },
  counters: { model: 'CounterSettings', fields: ['windowCounters', 'overflowCounter'] },
  frontend: { model: null, fields: null },
} as const;
export type SettingsPart = keyof typeof SETTINGS_PARTS;
export const SETTINGS_PART_NAMES = Object.keys(SETTINGS_PARTS) as SettingsPart[];
export const isSettingsPart = (s: string): s is SettingsPart => Object.hasOwn(SETTINGS_PARTS, s);

type Obj = Record<string, unknown>;
const KEY = (part: SettingsPart) => `settings.${part}`;
const days = (period: number) => ({ age: { timeUnit: 'days', period } });

/** What a part answers before anyone sets it. */
function defaults(part: Exclude<SettingsPart, 'counters'>): Obj {
  switch (part) {
    case 'project':
      return { displayName: 'flowmock', description: 'A flowmock sandbox installation.', initialized: true, timeZone: 'UTC', defaultPriority: 5 };
    case 'defaultPlugin': return {};
    case 'cleanup':
      // Finished runs go after 30 days (errors after 90: kept longer to be looked into); their
      // internal data after 7; runs that wait on somebody are interrupted after 14 days.
      return {
        flowExecutions: {
          completed: {
            success: { internal: days(7), full: days(30) },
            error: { full: days(90) },
            cancelled: { full: days(30) },
            interrupted: { full: days(30) },
          },
          inProgress: { selectFlow: days(1), userInput: days(14), waiting: days(14) },
        },
      };
    case 'userManagement': return { sync: { enabled: false } };
    case 'onCreate': return { flows: { initialTagGroups: [] } };
    case 'frontend': return {};
  }
}

/** A value the server refuses for a part: the pointer into the body and the rule. */
export class SettingsError extends Error {
  constructor(readonly pointer: string, readonly rule: string, message: string) { super(message); }
}

/** The counters of this calendar month and year (UTC), counted from the store. */
async function counters(store: StoreCollections, now: Date): Promise<Obj> {
  const windowCounters = [];
  for (const window of ['month', 'year'] as const) {
    const start = windowStart(window, now).toISOString();
    windowCounters.push({ window, start, documents: await documentsSince(store, start), executions: await executionsSince(store, start) });
  }
  return { windowCounters };
}

async function stored(store: StoreCollections, part: SettingsPart): Promise<Obj | null> {
  const text = await store.meta.get(KEY(part));
  return text ? (JSON.parse(text) as Obj) : null;
}

/** One part as it is in force now. */
export async function subSettings(store: StoreCollections, part: SettingsPart, now: Date): Promise<Obj> {
  if (part === 'counters') return counters(store, now);
  const value = (await stored(store, part)) ?? defaults(part);
  if (part !== 'project') return value;
  const code = await defaultSystemLanguage(store);
  return { ...value, systemLanguage: { code, displayName: languageDefinition(code, false).displayName } };
}

export async function allSettings(store: StoreCollections, now: Date): Promise<Record<SettingsPart, Obj>> {
  const out = {} as Record<SettingsPart, Obj>;
  for (const part of SETTINGS_PART_NAMES) out[part] = await subSettings(store, part, now);
  return out;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Replaces a part (the body already matched its vendor model). Rules the model cannot say: no
 * field the model lacks, counters are read-only, a time zone the runtime knows, a system language
 * it offers, ages of zero or more.
 */
export async function updateSubSettings(store: StoreCollections, part: SettingsPart, body: unknown): Promise<void> {
  if (part === 'counters') throw new SettingsError('', 'readOnly', 'counters are counted by the server from its executions and documents; they cannot be set');
  if (!isObj(body)) throw new SettingsError('', 'type', `the ${part} settings must be a JSON object`);
  const { fields } = SETTINGS_PARTS[part];
  if (fields) {
    const stray = Object.keys(body).find((k) => !(fields as readonly string[]).includes(k));
    if (stray !== undefined) throw new SettingsError(`/${stray}`, 'additionalProperties', `${stray} is not a field of ${SETTINGS_PARTS[part].model} (${fields.join(', ')})`);
  }
  const value: Obj = { ...body };
  if (part === 'project') {
    if (typeof value.timeZone === 'string' && !timeZones().includes(value.timeZone)) {
      throw new SettingsError('/timeZone', 'enum', `timeZone must be an IANA time zone of GetSystemTimeZones, such as Europe/Amsterdam; got ${value.timeZone}`);
    }
    const lang = value.systemLanguage;
    delete value.systemLanguage;
    if (isObj(lang) && typeof lang.code === 'string') {
      try {
        await setDefaultSystemLanguage(store, lang.code);
      } catch (err) {
        if (err instanceof SystemValueError) throw new SettingsError('/systemLanguage/code', err.rule, err.message.replace(/^id/, 'systemLanguage.code'));
        throw err;
      }
    }
  }
  if (part === 'cleanup') checkAges(value, '');
  await store.meta.set(KEY(part), JSON.stringify(value));
}

function checkAges(v: unknown, at: string): void {
  if (!isObj(v)) return;
  for (const [k, child] of Object.entries(v)) {
    if (k === 'period' && typeof child === 'number' && child < 0) throw new SettingsError(`${at}/period`, 'minimum', 'an age period must be 0 or more');
    checkAges(child, `${at}/${k}`);
  }
}

/** Back to the defaults (the system default language stays: it has an operation of its own). */
export async function clearSubSettings(store: StoreCollections, part: SettingsPart): Promise<void> {
  if (part === 'counters') throw new SettingsError('', 'readOnly', 'counters are counted by the server from its executions and documents; they cannot be cleared');
  await store.meta.set(KEY(part), '');
}
