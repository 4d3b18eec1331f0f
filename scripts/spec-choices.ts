/**
 * Every flowmock choice of the spec in one list: each element marked `x-flowmock-choice: <reason>`
 * (where the vendors publish nothing and flowmock decided), with its JSON pointer. `npm run
 * generate` writes them as the README's choices table (between the `choices:start`/`choices:end`
 * markers) and `npm run generate:check` fails when that table is stale or a value is not a
 * non-empty string.
 */
export const CHOICE_KEY = 'x-flowmock-choice';
export const CHOICES_START = '<!-- choices:start -->';
export const CHOICES_END = '<!-- choices:end -->';

export interface SpecChoice {
  /** JSON pointer (RFC 6901) of the element that carries the choice. */
  pointer: string;
  reason: string;
}

const escapeToken = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapeToken = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** The choices of a (bundled) spec in document order, and what is wrong with any of them. */
export function collectChoices(doc: unknown): { choices: SpecChoice[]; problems: string[] } {
  const choices: SpecChoice[] = [];
  const problems: string[] = [];
  const walk = (node: unknown, pointer: string): void => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, `${pointer}/${i}`));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === CHOICE_KEY) {
        if (typeof value === 'string' && value.trim()) choices.push({ pointer: pointer || '/', reason: value.trim() });
        else problems.push(`${pointer || '/'}: ${CHOICE_KEY} must be a non-empty string (the reason), got ${JSON.stringify(value)}`);
        continue;
      }
      walk(value, `${pointer}/${escapeToken(key)}`);
    }
  };
  walk(doc, '');
  return { choices, problems };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'head', 'patch', 'options']);

/** `GET /api/v1/flows › responses › 404` for a path element, `schema Flow › properties › type` for a component. */
export function describePointer(pointer: string): string {
  const parts = pointer.split('/').slice(1).map(unescapeToken);
  if (parts[0] === 'paths' && parts.length >= 2) {
    const rest = parts.slice(2);
    const head = rest.length && METHODS.has(rest[0]) ? `${rest.shift()!.toUpperCase()} ${parts[1]}` : parts[1];
    return [head, ...rest].join(' › ');
  }
  if (parts[0] === 'components' && parts.length >= 3) {
    const kind = parts[1].replace(/s$/, '').replace(/ie$/, 'y');
    return [`${kind} ${parts[2]}`, ...parts.slice(3)].join(' › ');
  }
  return parts.join(' › ') || '(document)';
}

const cell = (s: string) => s.replace(/\s+/g, ' ').replace(/\|/g, '\\|');

/** The markdown table of the choices (a stated placeholder row when there is none). */
export function choicesTable(choices: SpecChoice[]): string {
  const rows = choices.map((c) => `| ${cell(describePointer(c.pointer))} | ${cell(c.reason)} | \`${cell(c.pointer)}\` |`);
  return [
    '| where | flowmock choice | JSON pointer |',
    '|---|---|---|',
    ...(rows.length ? rows : ['| (none yet) | | |']),
  ].join('\n');
}

/** The README with the table between the markers replaced; throws when the markers are missing. */
export function readmeWithChoices(readme: string, choices: SpecChoice[]): string {
  const start = readme.indexOf(CHOICES_START);
  const end = readme.indexOf(CHOICES_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${CHOICES_START} … ${CHOICES_END} markers of the choices table`);
  const note = `\n<!-- written by \`npm run generate\` from every ${CHOICE_KEY} of the spec; do not edit -->\n`;
  return `${readme.slice(0, start + CHOICES_START.length)}${note}${choicesTable(choices)}\n${readme.slice(end)}`;
}
