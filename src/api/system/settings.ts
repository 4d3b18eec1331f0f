/**
 * The settings operations (src/engine/system/settings.ts): the whole Settings, the public part,
 * and one part by its name (the vendor's Settings property: project, defaultPlugin, cleanup,
 * userManagement, onCreate, counters, frontend). A name that is no part is a 404 naming the parts.
 */
import type { Handlers, RequestContext } from '../../handler-contract/handler-types.js';
import { ProblemError, invalidField, notFound } from '../../handler-contract/problem.js';
import {
  SETTINGS_PARTS, SETTINGS_PART_NAMES, SettingsError, allSettings, clearSubSettings, isSettingsPart, subSettings, updateSubSettings,
  type SettingsPart,
} from '../../engine/system/settings.js';
import { defaultSystemLanguage, languageDefinition } from '../../engine/system/system-languages.js';

function partOf(ctx: { path: { settingsType: string } }): SettingsPart {
  const name = ctx.path.settingsType;
  if (!isSettingsPart(name)) throw notFound(`There are no settings of type ${name}; the settings types are ${SETTINGS_PART_NAMES.join(', ')}.`);
  return name;
}

function settingsProblem(err: unknown): unknown {
  if (!(err instanceof SettingsError)) return err;
  if (err.rule === 'readOnly') return new ProblemError(400, err.message, [{ in: 'path', pointer: '/settingsType', rule: 'readOnly', message: err.message }]);
  return invalidField('body', err.pointer, err.rule, err.message);
}

type Ctx<K extends 'UpdateSubSettings'> = RequestContext<K>;

export const settingsHandlers: Pick<Handlers, 'GetSettings' | 'GetPublicSettings' | 'GetSubSettings' | 'UpdateSubSettings' | 'ClearSubSettings'> = {
  async GetSettings(ctx) {
    return { status: 200, body: await allSettings(ctx.services.store, ctx.services.clock.now()) };
  },

  async GetPublicSettings(ctx) {
    const code = await defaultSystemLanguage(ctx.services.store);
    return {
      status: 200,
      body: {
        projectId: 'flowmock',
        systemLanguage: { code, displayName: languageDefinition(code, false).displayName },
        projectConsoleUrl: `${ctx.origin}/__flowmock/`,
        flowExecutionPanelUrl: `${ctx.origin}/__flowmock/`,
      },
    };
  },

  async GetSubSettings(ctx) {
    return { status: 200, body: await subSettings(ctx.services.store, partOf(ctx), ctx.services.clock.now()) };
  },

  async UpdateSubSettings(ctx: Ctx<'UpdateSubSettings'>) {
    const part = partOf(ctx);
    const model = SETTINGS_PARTS[part].model;
    if (model) ctx.validateComponent(model, ctx.body ?? {}, 'body', '');
    const { store } = ctx.services;
    try {
      await store.transaction((tx) => updateSubSettings(tx, part, ctx.body ?? {}));
    } catch (err) {
      throw settingsProblem(err);
    }
    return { status: 200, body: await subSettings(store, part, ctx.services.clock.now()) };
  },

  async ClearSubSettings(ctx) {
    const part = partOf(ctx);
    try {
      await clearSubSettings(ctx.services.store, part);
    } catch (err) {
      throw settingsProblem(err);
    }
    return { status: 200, body: await subSettings(ctx.services.store, part, ctx.services.clock.now()) };
  },
};
