/** Smart Flows system operations with real behaviour: info, features, time zones, currencies, formatting, languages, expressions, pseudo fields. */
import type { Scenario } from '../context.js';
import { apiKey, asAdmin, ensure, expectStatus, needsAdminKey } from '../scenario-kit.js';

export const systemScenario: Scenario = {
  name: 'smartflows: system info, features, time zones, currencies, formatted values, languages, expressions, pseudo fields',
  api: 'smartflows',
  skip: needsAdminKey,
  async run(ctx) {
    const api = asAdmin(ctx);
    const info = await api.GET('/api/v1/system/info');
    if (expectStatus(ctx, info.response, 200, 'GetSystemInfo')) ensure(ctx, 'behaves_as_documented', typeof info.data?.version === 'string', 'GetSystemInfo names a version', 'GetSystemInfo');
    const features = await api.GET('/api/v1/system/features');
    if (expectStatus(ctx, features.response, 200, 'GetSupportedFeatures')) ensure(ctx, 'behaves_as_documented', (features.data ?? []).some((f) => f.id === 'templates'), 'GetSupportedFeatures lists the templates', 'GetSupportedFeatures');
    const zones = await api.GET('/api/v1/system/timeZones');
    if (expectStatus(ctx, zones.response, 200, 'GetSystemTimeZones')) ensure(ctx, 'behaves_as_documented', (zones.data ?? []).includes('Europe/Amsterdam'), 'GetSystemTimeZones lists Europe/Amsterdam', 'GetSystemTimeZones');
    const eur = await api.GET('/api/v1/system/currencies', { params: { query: { filter: 'displayName:euro', size: 5 } } });
    if (expectStatus(ctx, eur.response, 200, 'GetSystemCurrencySymbols')) ensure(ctx, 'behaves_as_documented', eur.data?.[0]?.symbol === '€', 'the euro is €', 'GetSystemCurrencySymbols');
    expectStatus(ctx, (await api.GET('/api/v1/system/currencies', { params: { query: { sort: 'nope,asc' } } })).response, 400, 'GetSystemCurrencySymbols sorted by an unknown property');
    const formatted = await api.GET('/api/v1/system/format', { params: { query: { value: '1234.5', pattern: '#,##0.00', type: 'number' } } });
    if (expectStatus(ctx, formatted.response, 200, 'GetFormattedValue')) ensure(ctx, 'behaves_as_documented', formatted.data?.result === '1,234.50', 'GetFormattedValue formats 1234.5 by #,##0.00 as 1,234.50', 'GetFormattedValue');
    expectStatus(ctx, (await api.GET('/api/v1/system/format', { params: { query: { value: 'abc', pattern: '0', type: 'number' } } })).response, 400, 'GetFormattedValue of a value that is not a number');
    const langs = await api.GET('/api/v1/system/languages', { params: { query: { filter: 'id:nl-NL', formats: true } } });
    if (expectStatus(ctx, langs.response, 200, 'GetSystemLanguages')) ensure(ctx, 'behaves_as_documented', langs.data?.[0]?.numberFormat?.decimalSeparator === ',', 'nl-NL writes decimals with a comma', 'GetSystemLanguages');
    expectStatus(ctx, (await api.GET('/api/v1/system/languages', { params: { query: { sort: 'nope,asc' } } })).response, 400, 'GetSystemLanguages sorted by an unknown property');
    const def = await api.GET('/api/v1/system/languages/default');
    if (expectStatus(ctx, def.response, 200, 'GetSystemDefaultLanguage') && def.data) {
      expectStatus(ctx, (await api.PUT('/api/v1/system/languages/default', { body: def.data })).response, 200, 'SetSystemDefaultLanguage of the current default');
    }
    expectStatus(ctx, (await api.PUT('/api/v1/system/languages/default', { body: { id: 'xx-YY', displayName: 'nowhere' } })).response, 400, 'SetSystemDefaultLanguage of a language the system does not offer');
    expectStatus(ctx, (await api.GET('/api/v1/system/languages/ui')).response, 200, 'GetUiLanguages');
    const parsed = await api.PUT('/api/v1/system/expression', { body: { value: 'round(amount*1.21,2)' } });
    if (expectStatus(ctx, parsed.response, 200, 'ParseExpression')) ensure(ctx, 'behaves_as_documented', parsed.data?.value === 'round(amount * 1.21, 2)' && parsed.data?.errors?.length === 0, 'ParseExpression answers the canonical text', 'ParseExpression');
    const broken = await api.PUT('/api/v1/system/expression', { body: { value: 'upper(\n  name' } });
    if (expectStatus(ctx, broken.response, 200, 'ParseExpression of an expression with an error')) {
      const e = broken.data?.errors?.[0];
      ensure(ctx, 'behaves_as_documented', e?.line === 2 && e?.posInLine === 6 && e?.offset === 13, 'ParseExpression places the missing ) at line 2, position 6', 'ParseExpression');
    }
    expectStatus(ctx, (await api.PUT('/api/v1/system/expression', { body: { indent: true } })).response, 400, 'ParseExpression without a value');
    const fns = await api.GET('/api/v1/system/expression/functions', { params: { query: { filter: 'categories:text', sort: 'name,asc', size: 50 } } });
    if (expectStatus(ctx, fns.response, 200, 'GetExpressionFunctions')) ensure(ctx, 'behaves_as_documented', (fns.data ?? []).some((f) => f.name === 'upper') && (fns.data ?? []).every((f) => f.categories?.includes('text')), 'GetExpressionFunctions filters by category', 'GetExpressionFunctions');
    expectStatus(ctx, (await api.GET('/api/v1/system/expression/functions', { params: { query: { sort: 'nope,asc' } } })).response, 400, 'GetExpressionFunctions sorted by an unknown property');
    const xsd = '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="order"><xs:complexType><xs:sequence>'
      + '<xs:element name="number" type="xs:string"/><xs:element name="customer"><xs:complexType><xs:sequence><xs:element name="name" type="xs:string"/></xs:sequence></xs:complexType></xs:element>'
      + '<xs:element name="date" type="xs:date"/></xs:sequence></xs:complexType></xs:element></xs:schema>';
    const pseudo = await api.PUT('/api/v1/system/pseudo/sort', { body: { schemas: [{ name: 'order', content: xsd }] } });
    if (expectStatus(ctx, pseudo.response, 200, 'SortPseudoFields')) {
      const ids = (pseudo.data ?? []).map((e) => e.id).join(' ');
      ensure(ctx, 'behaves_as_documented', ids === 'order/order order/order/date order/order/number order/order/customer order/order/customer/name', `SortPseudoFields walks fields before relations by name (got ${ids})`, 'SortPseudoFields');
    }
    expectStatus(ctx, (await api.PUT('/api/v1/system/pseudo/sort', { body: { datasets: ['no such data set'] } })).response, 400, 'SortPseudoFields naming an unknown data set');
  },
};
