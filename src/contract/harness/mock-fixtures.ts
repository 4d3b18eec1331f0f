/**
 * Fixtures for `--target prism-mock`, taken from the spec's own examples: Prism's mock answers
 * every call with the first example of the documented answer, and accepts any credential that is
 * present, any id or name that fits its schema. Where each value comes from:
 *
 * | fixture                          | source                                                        |
 * |----------------------------------|---------------------------------------------------------------|
 * | keys.admin/user/otherUser/disabledUser | `apiKey` of CreateUserToken's 201 example (one key for all: the mock cannot tell users apart) |
 * | usernames.user                   | `username` of GetCurrentUser's 200 example                    |
 * | login                            | Login's request-body example                                  |
 * | flows.* (every behaviour)        | `id` of GetFlow's 200 example (the one flow the examples know) |
 * | phixflow.tokens.* / users.privileged | `token` / `user` of CreatePhixFlowToken's 201 example     |
 * | phixflow.syncOutput              | the output name under `data` in TriggerActionflow's 200 example |
 * | everything else                  | the defaults (fixtures.ts): request values the mock only checks against their schemas |
 */
import { defaultFixtures, type ContractFixtures } from '../fixtures.js';
import type { SpecIndex } from '../spec-index.js';

type Obj = Record<string, unknown>;

function example(spec: SpecIndex, operationId: string, status: number): Obj {
  const ex = spec.responseExample(operationId, status);
  if (typeof ex !== 'object' || ex === null) throw new Error(`the spec has no JSON example for ${operationId} ${status}, which the prism-mock fixtures need`);
  return ex as Obj;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || !value) throw new Error(`the prism-mock fixtures need a string at ${where} in the spec's examples`);
  return value;
}

export function mockFixtures(spec: SpecIndex): ContractFixtures {
  const fx = defaultFixtures();
  const key = text(example(spec, 'CreateUserToken', 201).apiKey, 'CreateUserToken 201 apiKey');
  fx.keys = { admin: key, user: key, otherUser: key, disabledUser: key };
  fx.usernames.user = text(example(spec, 'GetCurrentUser', 200).userName, 'GetCurrentUser 200 userName');
  const login = spec.requestExample(spec.op('AuthenticateLoginPost')) as Obj | undefined;
  fx.login = { username: text(login?.username, 'AuthenticateLoginPost request username'), password: text(login?.password, 'AuthenticateLoginPost request password') };
  const flow = text(example(spec, 'GetFlow', 200).id, 'GetFlow 200 id');
  for (const k of Object.keys(fx.flows) as Array<keyof ContractFixtures['flows']>) fx.flows[k] = flow;
  const token = example(spec, 'CreatePhixFlowToken', 201);
  const t = text(token.token, 'CreatePhixFlowToken 201 token');
  fx.phixflow.tokens = { privileged: t, unprivileged: t, admin: t };
  fx.phixflow.users.privileged = text(token.user, 'CreatePhixFlowToken 201 user');
  const outputs = Object.keys((example(spec, 'TriggerActionflow', 200).data ?? {}) as Obj);
  fx.phixflow.syncOutput = text(outputs[0], 'TriggerActionflow 200 data');
  return fx;
}
