/**
 * The system operations with real behaviour: what the system is (GetSystemInfo), what it serves
 * (GetSupportedFeatures: the flow surface and each regular collection), the time zones and
 * currencies the runtime knows, and values formatted by a pattern (GetFormattedValue). The
 * values come from src/engine/system (the languages: the locales Intl formats in, with patterns
 * derived from its styles). The administration of the installation (settings, licence, cleanup,
 * export and import, system printers) is in the modules beside this one.
 */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { invalidField } from '../../handler-contract/problem.js';
import { SystemValueError, currencySymbols, flowmockVersion, formatValue, timeZones } from '../../engine/system/system-values.js';
import { listPage } from '../lists/object-list.js';
import { UI_LANGUAGES, defaultSystemLanguage, languageDefinition, setDefaultSystemLanguage, systemLocales } from '../../engine/system/system-languages.js';

const CURRENCY_PROPERTIES = ['symbol', 'displayName', 'isSystem'] as const;
const LANGUAGE_PROPERTIES = ['id', 'displayName', 'displayCountry', 'displayLanguage', 'isSystem'] as const;

/** The flow surface every flowmock serves; the regular collections are added from the spec. */
const FEATURES = [
  { id: 'flows', displayName: 'Flows', description: 'Flow definitions (files and created over the API) and their executions, progress, user input and callbacks.', context: 'flows' },
  { id: 'documents', displayName: 'Documents', description: 'Documents the flows generate (PDF, DOCX), and CreateDocument.', context: 'documents' },
  { id: 'printers', displayName: 'Printers', description: 'Printers and the default printer (flowmock prints nothing).', context: 'printers' },
  { id: 'personalAccessTokens', displayName: 'Personal access tokens', description: 'API keys per user (X-API-Key), shown once.', context: 'users' },
  { id: 'login', displayName: 'Login', description: 'User name and password login answering a JWT.', context: 'authentication' },
];

export const systemHandlers: Pick<Handlers, 'GetSystemInfo' | 'GetSupportedFeatures' | 'GetSystemTimeZones' | 'GetSystemCurrencySymbols' | 'GetFormattedValue'
  | 'GetSystemLanguages' | 'GetSystemDefaultLanguage' | 'SetSystemDefaultLanguage' | 'GetUiLanguages'> = {
  GetSystemInfo: (ctx) => ({
    status: 200,
    body: {
      role: 'sandbox',
      version: flowmockVersion(),
      displayName: 'flowmock',
      projectId: 'flowmock',
      description: 'flowmock: the reference server of the Smart Flows and PhixFlow APIs, one spec.',
      defaults: { esignProvider: 'DocuSign' },
      supportUrl: 'https://github.com/flowmock/flowmock',
      assetsUrl: `${ctx.origin}/api/v1/assets`,
    },
  }),

  GetSupportedFeatures: (ctx) => ({
    status: 200,
    body: [
      ...FEATURES,
      ...ctx.services.resources.collections().map((c) => ({
        id: c.name, displayName: c.model, description: `${c.model} objects at ${c.path} (${c.permissions.read}, ${c.permissions.write}).`, context: c.objectType,
      })),
    ],
  }),

  GetSystemTimeZones: () => ({ status: 200, body: timeZones() }),

  GetSystemCurrencySymbols: (ctx) => ({
    status: 200,
    body: listPage(currencySymbols(), CURRENCY_PROPERTIES, ctx.query, 'displayName,asc'),
  }),

  GetSystemLanguages(ctx) {
    const { formats, ...query } = ctx.query;
    const rows = systemLocales().map((l) => languageDefinition(l, formats === true));
    return { status: 200, body: listPage(rows, LANGUAGE_PROPERTIES, query, 'id,asc') };
  },

  async GetSystemDefaultLanguage(ctx) {
    return { status: 200, body: languageDefinition(await defaultSystemLanguage(ctx.services.store), true) };
  },

  async SetSystemDefaultLanguage(ctx) {
    try {
      const locale = await setDefaultSystemLanguage(ctx.services.store, ctx.body!.id);
      return { status: 200, body: languageDefinition(locale, true) };
    } catch (err) {
      if (err instanceof SystemValueError) throw invalidField('body', `/${err.parameter}`, err.rule, err.message);
      throw err;
    }
  },

  GetUiLanguages: () => ({ status: 200, body: UI_LANGUAGES }),

  GetFormattedValue(ctx) {
    const { value, pattern, type, locale } = ctx.query;
    try {
      const result = formatValue(value, pattern, type, locale);
      return { status: 200, body: { type: type as 'number' | 'date' | 'time' | 'dateTime', value, pattern, result } };
    } catch (err) {
      if (err instanceof SystemValueError) throw invalidField('query', `/${err.parameter}`, err.rule, err.message);
      throw err;
    }
  },
};
