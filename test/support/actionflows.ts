/** Actionflows from inline YAML through the real loader, and trigger requests: for the actionflow engine's unit tests (src/engine/actionflows). */
import { loadDefinitionSources, type LoadedActionflow } from '../../src/engine/definitions/load.js';
import type { IncomingRequest } from '../../src/engine/actionflows/types.js';

/** Loads one actionflow definition; `kind: actionflow` is added. */
export function actionflow(yaml: string): LoadedActionflow {
  return actionflows(yaml)[0];
}

/** Loads several definitions, one YAML text each. */
export function actionflows(...yamls: string[]): LoadedActionflow[] {
  const sources = yamls.map((text, i) => ({ file: `test-${i}.yaml`, text: `kind: actionflow\n${text}` }));
  return loadDefinitionSources(sources).actionflows;
}

/** A trigger request; JSON for objects and arrays, text/plain for strings, no body for undefined. */
export function request(body: unknown, extra: Partial<IncomingRequest> = {}): IncomingRequest {
  const isText = typeof body === 'string';
  return {
    body,
    rawBody: body === undefined ? null : isText ? body : JSON.stringify(body),
    contentType: body === undefined ? null : isText ? 'text/plain' : 'application/json',
    headers: {},
    url: '/phixflow/api/1/action/Demo/Test/trigger',
    query: {},
    ...extra,
  };
}
