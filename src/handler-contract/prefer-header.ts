/**
 * The `Prefer` request header (RFC 7240), parsed once for every feature that reads it. Each
 * feature takes the tokens it owns and ignores the rest: `code`, `example`, `dynamic`, `seed`
 * (Prism parity, src/mock/prefer.ts), `latency`, `fault`, `retry-after` (src/mock/faults.ts), `scenario` (engine
 * scenarios). No imports, so anything may use it.
 */

export interface Preference {
  /** Lower-case token. */
  name: string;
  /** Unquoted value; '' when the preference has none (`Prefer: respond-async`). */
  value: string;
  /** `;`-separated parameters of this preference, lower-case names. */
  params: Map<string, string>;
}

/** Splits on `sep` outside double quotes. */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let quote = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quote) i++;
    else if (c === '"') quote = !quote;
    else if (c === sep && !quote) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

function nameValue(part: string): [string, string] | null {
  const eq = part.indexOf('=');
  const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
  if (!name) return null;
  let value = eq < 0 ? '' : part.slice(eq + 1).trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
  return [name, value];
}

/**
 * Every preference of one or more `Prefer` headers, in order (several headers count as one
 * comma-separated list, as HTTP says).
 */
export function parsePreferences(header: string | string[] | undefined): Preference[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(',') : header;
  const out: Preference[] = [];
  for (const item of splitOutsideQuotes(text, ',')) {
    const [head, ...rest] = splitOutsideQuotes(item, ';');
    const nv = nameValue(head);
    if (!nv) continue;
    const params = new Map<string, string>();
    for (const p of rest) {
      const pv = nameValue(p);
      if (pv && !params.has(pv[0])) params.set(pv[0], pv[1]);
    }
    out.push({ name: nv[0], value: nv[1], params });
  }
  return out;
}

/** Token → value ('' for none). A token given twice counts once, the first time (RFC 7240 §2). */
export function parsePrefer(header: string | string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of parsePreferences(header)) if (!out.has(p.name)) out.set(p.name, p.value);
  return out;
}
