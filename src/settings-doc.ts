/** The settings table (src/settings.ts) as the README's Markdown table; a test keeps the README in step. */
import { DEFAULT_CONFIG } from './config.js';
import { SETTINGS } from './settings.js';

export function settingsTableMarkdown(): string {
  const rows = SETTINGS.map((s) => {
    const def = s.defaultText ?? (() => {
      const v = DEFAULT_CONFIG[s.key];
      return v === undefined ? 'none' : Array.isArray(v) ? v.join(', ') || 'none' : String(v);
    })();
    const flag = s.arg ? `\`${s.flag} <${s.arg}>\`` : `\`${s.flag}\``;
    return `| ${flag.replace(/\|/g, '\\|')} | ${s.env.map((e) => `\`${e}\``).join(', ')} | \`${s.name}\` | ${def.replace(/\|/g, '\\|')} | ${s.help.replace(/\|/g, '\\|')} |`;
  });
  return ['| flag | env | config key | default | what |', '|---|---|---|---|---|', ...rows].join('\n');
}
