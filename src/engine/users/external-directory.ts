/**
 * The sandbox user directory: the "external identity provider" GetExternalUsers lists and
 * SyncExternalUsers applies to the local users. flowmock contacts no provider: the directory is the
 * built-in list below, or the JSON or YAML file `--external-users` names (read on each call, so a
 * test or a person edits it between syncs as a provider's administrator would). Each entry:
 * `userName` (the local user's name; unique), `firstName`, `lastName`, optional `emailAddress`,
 * `description` and `active` (default true: an inactive entry is an account the provider has
 * disabled).
 */
import { readFile } from 'node:fs/promises';
import { EMAIL_PATTERN, USER_NAME_PATTERN, USER_NAME_RULE } from '../../auth/user-rules.js';

export interface ExternalUser {
  userName: string;
  firstName: string;
  lastName: string;
  emailAddress: string;
  description: string;
  active: boolean;
}

/** Entries a directory file may hold at most. */
export const MAX_DIRECTORY_USERS = 10000;

/** The directory cannot be read or an entry breaks a rule; the message names the entry and field. */
export class ExternalDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExternalDirectoryError';
  }
}

/** The built-in sandbox directory (when no file is configured). */
export const SANDBOX_DIRECTORY: readonly ExternalUser[] = Object.freeze([
  { userName: 'ext.alice', firstName: 'Alice', lastName: 'Jansen', emailAddress: 'alice.jansen@directory.example', description: 'Sales, Amsterdam', active: true },
  { userName: 'ext.bob', firstName: 'Bob', lastName: 'Meyer', emailAddress: 'bob.meyer@directory.example', description: 'Finance, Berlin', active: true },
  { userName: 'ext.carol', firstName: 'Carol', lastName: 'Smith', emailAddress: 'carol.smith@directory.example', description: 'Legal, London', active: true },
  { userName: 'ext.dave', firstName: 'Dave', lastName: 'Peeters', emailAddress: 'dave.peeters@directory.example', description: 'Left the company (disabled in the directory)', active: false },
].map((u) => Object.freeze(u)));

/** The entries of a parsed directory file, checked: every broken rule names its entry and field. */
export function checkDirectory(data: unknown): ExternalUser[] {
  if (!Array.isArray(data)) throw new ExternalDirectoryError('the directory must be a list of users');
  if (data.length > MAX_DIRECTORY_USERS) throw new ExternalDirectoryError(`the directory holds at most ${MAX_DIRECTORY_USERS} users`);
  const seen = new Set<string>();
  return data.map((raw, i) => {
    const at = `/${i}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ExternalDirectoryError(`${at}: each user is an object`);
    const u = raw as Record<string, unknown>;
    const textOf = (k: string, required: boolean): string => {
      const v = u[k];
      if (v === undefined && !required) return '';
      if (typeof v !== 'string') throw new ExternalDirectoryError(`${at}/${k}: ${required ? 'required text' : 'must be text'}`);
      return v.trim();
    };
    const userName = textOf('userName', true);
    if (!USER_NAME_PATTERN.test(userName)) throw new ExternalDirectoryError(`${at}/userName: takes ${USER_NAME_RULE}`);
    if (seen.has(userName.toLowerCase())) throw new ExternalDirectoryError(`${at}/userName: ${userName} is in the directory twice`);
    seen.add(userName.toLowerCase());
    const emailAddress = textOf('emailAddress', false);
    if (emailAddress !== '' && !EMAIL_PATTERN.test(emailAddress)) throw new ExternalDirectoryError(`${at}/emailAddress: must be an email address`);
    if (u.active !== undefined && typeof u.active !== 'boolean') throw new ExternalDirectoryError(`${at}/active: must be true or false`);
    return {
      userName, firstName: textOf('firstName', true), lastName: textOf('lastName', true), emailAddress,
      description: textOf('description', false), active: u.active !== false,
    };
  });
}

/** The directory now: the file's users (JSON, or YAML by its extension), else the built-in list. */
export async function readDirectory(file: string | undefined): Promise<ExternalUser[]> {
  if (file === undefined) return SANDBOX_DIRECTORY.map((u) => ({ ...u }));
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ExternalDirectoryError(`the directory file cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(file) ? (await import('yaml')).parse(text) : JSON.parse(text);
  } catch (err) {
    throw new ExternalDirectoryError(`the directory file is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message.split('\n')[0]}`);
  }
  return checkDirectory(data);
}
