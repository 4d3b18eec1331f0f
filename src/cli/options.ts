/** The settings table (src/settings.ts) as commander options, and the merge of file, env and flags. */
import { InvalidArgumentError, Option } from 'commander';
import { ConfigError, DEFAULT_CONFIG, configFromEnv, type FlowmockConfig } from '../config.js';
import { SETTINGS, SettingValueError, settingsFromFile, type Setting } from '../settings.js';

/** `(env X; config key y; default z)` for a setting's help line. */
function settingHelp(s: Setting): string {
  const def = s.defaultText ?? (() => {
    const v = DEFAULT_CONFIG[s.key];
    return v === undefined ? 'none' : Array.isArray(v) ? v.join(', ') || 'none' : String(v);
  })();
  return `${s.help} (env ${s.env.join(' or ')}; config ${s.name}; default: ${def})`;
}

/** A commander option of the settings table; its parser is the setting's, its errors one line. */
export function settingOption(s: Setting): Option {
  const o = new Option(s.arg ? `${s.flag} <${s.arg}>` : s.flag, settingHelp(s));
  if (!s.arg) return o;
  return o.argParser((raw: string, prev: unknown) => {
    try {
      const v = s.parse(raw);
      return s.list ? [...((prev as unknown[] | undefined) ?? []), v] : v;
    } catch (err) {
      if (err instanceof SettingValueError) throw new InvalidArgumentError(`${s.flag} ${err.message}.`);
      throw err;
    }
  });
}

/** The config the flags ask for (only those given). */
function settingsFromFlags(o: Record<string, unknown>): Partial<FlowmockConfig> {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const attr = s.negatable ? s.name : s.flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const v = o[attr];
    if (s.negatable) {
      if (v === false) out[s.key] = false;
    } else if (v !== undefined) {
      out[s.key] = v;
    }
  }
  return out as Partial<FlowmockConfig>;
}

/** defaults < config file < environment < flags. */
export function loadSettings(flags: Record<string, unknown>, configFile?: string): { config: Partial<FlowmockConfig>; file: string | null } {
  const mkErr = (msg: string) => new ConfigError(msg);
  const file = settingsFromFile(configFile ?? process.env.FLOWMOCK_CONFIG, mkErr);
  return { config: { ...file.values, ...configFromEnv(), ...settingsFromFlags(flags) }, file: file.file };
}

