/** Helpers for this folder's tests: actionflows from inline YAML through the real loader. */
import { loadDefinitionSources, type LoadedActionflow } from '../definitions/load.js';
import type { IncomingRequest } from './types.js';

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

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
