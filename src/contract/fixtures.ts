/**
 * What the scenarios need to know about the server under test: credentials, flow ids, actionflow
 * names, request bodies that depend on the flows. The defaults are the demo definitions in
 * `flows/` (see flows/README.md); a fixtures file (`flowmock contract --fixtures FILE`) overrides
 * any part of them. A scenario whose fixtures are missing is skipped with the reason.
 */
import { readFileSync } from 'node:fs';

export interface ActionflowRef { application: string; name: string }

export interface ContractFixtures {
  /** Smart Flows API keys: admin (every permission), user (a plain user), otherUser (another plain user), disabledUser (a disabled user). */
  keys: { admin?: string; user?: string; otherUser?: string; disabledUser?: string };
  /** User names behind `keys.admin` and `keys.user` (for /users/{user}/tokens). */
  usernames: { admin: string; user: string };
  /** A user name and password for POST /api/v1/authenticate/login (optional). */
  login?: { username: string; password: string };
  /** Flow ids by behaviour. */
  flows: {
    success: string;      // no input, ends Success with one PDF
    userInput: string;    // stops in UserInput; form field `approver` required (string)
    callback: string;     // produces a PDF, then Waiting for a callback
    xml: string;          // XML input
    plugin: string;       // plug-in JSON input
    warning: string;      // ends Warning
    error: string;        // ends Error
    slow: string;         // runs longer than its maximum duration: Interrupted (needs speed > 0)
  };
  /** Bodies for `flows.xml`: one accepted, one missing a required element. */
  xml: { valid: string; missingElement: string };
  /** Form values for `flows.userInput`: accepted, and one breaking the form schema. */
  form: { valid: Record<string, unknown>; invalid: Record<string, unknown> };
  phixflow: {
    /** PhixFlow tokens: privileged (holds "Use API Key" and "Run Actions"), unprivileged (lacks them), admin (another privileged user). Minted with CreatePhixFlowToken when absent and keys.admin is set. */
    tokens: { privileged?: string; unprivileged?: string; admin?: string };
    /** User names for CreatePhixFlowToken. */
    users: { privileged: string; unprivileged: string; admin: string };
    actionflows: {
      sync: ActionflowRef;        // Wait for result; output `syncOutput`, echoes records
      async: ActionflowRef;       // Poll for result, slow per record
      timeout: ActionflowRef;     // Wait for result, slow per record
      failures: ActionflowRef;    // per-record failures (records without a valid email)
      stop: ActionflowRef;        // stop() on amount > 1000
      anonymous: ActionflowRef;   // Allow Anonymous Connections
      params: ActionflowRef;      // required query parameter `currency`
      created: ActionflowRef;     // answers 201
      alias: string;              // URL alias for the version-10 URL
      v10Unique: string;          // a name unique across applications
      v10Ambiguous: string;       // a name used by two applications (409)
    };
    syncOutput: string;
  };
  /** The server's request body limit in bytes (413 above it). */
  bodyLimitBytes: number;
}

export function defaultFixtures(): ContractFixtures {
  return {
    keys: {},
    usernames: { admin: 'admin', user: 'integrator' },
    flows: {
      success: '11111111-1111-4111-8111-111111111101',
      xml: '11111111-1111-4111-8111-111111111102',
      plugin: '11111111-1111-4111-8111-111111111103',
      userInput: '11111111-1111-4111-8111-111111111104',
      callback: '11111111-1111-4111-8111-111111111105',
      warning: '11111111-1111-4111-8111-111111111106',
      error: '11111111-1111-4111-8111-111111111107',
      slow: '11111111-1111-4111-8111-111111111108',
    },
    xml: {
      valid: '<order><customer>ACME</customer><amount>120.50</amount></order>',
      missingElement: '<order><customer>ACME</customer></order>',
    },
    form: {
      valid: { approver: 'Jane Doe', approved: true, comment: 'contract test' },
      invalid: { approver: 42 },
    },
    phixflow: {
      tokens: {},
      users: { privileged: 'api-user', unprivileged: 'integrator', admin: 'admin' },
      actionflows: {
        sync: { application: 'Demo', name: 'Echo and enrich' },
        async: { application: 'Demo', name: 'Long report' },
        timeout: { application: 'Demo', name: 'Slow import' },
        failures: { application: 'Demo', name: 'Validate customers' },
        stop: { application: 'Demo', name: 'Credit check' },
        anonymous: { application: 'Demo', name: 'Public ping' },
        params: { application: 'Demo', name: 'Regional prices' },
        created: { application: 'Demo', name: 'Customer sync' },
        alias: 'customers',
        v10Unique: 'Legacy lookup',
        v10Ambiguous: 'Echo and enrich',
      },
      syncOutput: 'Customers',
    },
    bodyLimitBytes: 1024 * 1024,
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepMerge<T>(base: T, over: unknown): T {
  if (!isObject(base) || !isObject(over)) return (over === undefined ? base : over) as T;
  const out: Json = { ...(base as Json) };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k], v) : v;
  return out as T;
}

/** Defaults, then the file (if any), then explicit overrides (CLI flags). */
export function loadFixtures(file: string | undefined, overrides: { apiKey?: string; phixflowToken?: string } = {}): ContractFixtures {
  let fx = defaultFixtures();
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`cannot read fixtures ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!isObject(parsed)) throw new Error(`fixtures ${file} must hold a JSON object`);
    fx = deepMerge(fx, parsed);
  }
  if (overrides.apiKey) fx.keys.admin = overrides.apiKey;
  if (overrides.phixflowToken) fx.phixflow.tokens.privileged = overrides.phixflowToken;
  return fx;
}
