/**
 * The connector setup wizard (SetupConnector, ...Current, ...Next, ...Previous, ...Finish,
 * ...Cancel) on a REST connector the scenario creates: the documented stages in order, a bad
 * value (400 naming the field), each state error (409: no setup, previous at the first stage,
 * next at the last, finish early), finish writing the values into the connector, cancel leaving
 * it as it was, unknown connectors 404. The connector is deleted at the end.
 */
import type { Scenario } from '../context.js';
import { apiKey, asAdmin, ensure, expectStatus, needsAdminKey, randomId } from '../scenario-kit.js';

/** A stage's values (the spec's body is the vendor's open Object). */
const values = (o: Record<string, unknown>) => o as Record<string, never>;

export const connectorSetupScenario: Scenario = {
  name: 'smartflows: connector setup wizard (stages, next, previous, finish, cancel)',
  api: 'smartflows',
  skip: needsAdminKey,
  async run(ctx) {
    const api = asAdmin(ctx);
    const created = await api.POST('/api/v1/connectors', { body: { displayName: `contract-setup-${randomId()}`, connectorType: { id: 'rest' }, active: true } });
    if (!expectStatus(ctx, created.response, 201, 'CreateConnector for the wizard') || !created.data?.id) return;
    const id = created.data.id;
    const p = { params: { path: { connectorId: id } } };
    try {
      expectStatus(ctx, (await api.GET('/api/v1/connectors/{connectorId}/setup/current', p)).response, 409, 'SetupConnectorCurrent without a setup');
      expectStatus(ctx, (await api.POST('/api/v1/connectors/{connectorId}/setup/next', { ...p, body: {} })).response, 409, 'SetupConnectorNext without a setup');
      expectStatus(ctx, (await api.POST('/api/v1/connectors/{connectorId}/setup/cancel', { ...p, body: {} })).response, 409, 'SetupConnectorCancel without a setup');

      const first = await api.POST('/api/v1/connectors/{connectorId}/setup', p);
      if (expectStatus(ctx, first.response, 200, 'SetupConnector')) {
        ensure(ctx, 'behaves_as_documented', first.data?.id === 'connection' && first.data.hasPrevious === false, 'a REST connector\'s setup starts at connection', 'SetupConnector');
      }
      expectStatus(ctx, (await api.POST('/api/v1/connectors/{connectorId}/setup/previous', { ...p, body: {} })).response, 409, 'SetupConnectorPrevious at the first stage');
      expectStatus(ctx, (await api.POST('/api/v1/connectors/{connectorId}/setup/next', { ...p, body: values({ baseUrl: 'not a url' }) })).response, 400, 'SetupConnectorNext with a bad baseUrl');
      expectStatus(ctx, (await api.POST('/api/v1/connectors/{connectorId}/setup/finish', { ...p, body: {} })).response, 409, 'SetupConnectorFinish before the last stage');
      const auth = await api.POST('/api/v1/connectors/{connectorId}/setup/next', { ...p, body: values({ baseUrl: 'https://contract.example.test' }) });
      if (expectStatus(ctx, auth.response, 200, 'SetupConnectorNext')) ensure(ctx, 'behaves_as_documented', auth.data?.id === 'authentication', 'connection is followed by authentication', 'SetupConnectorNext');
      const back = await api.POST('/api/v1/connectors/{connectorId}/setup/previous', { ...p, body: values({ authType: 'bearer' }) });
      if (expectStatus(ctx, back.response, 200, 'SetupConnectorPrevious')) {
        ensure(ctx, 'behaves_as_documented', (back.data?.model as Record<string, unknown> | undefined)?.baseUrl === 'https://contract.example.test', 'previous keeps the connection values', 'SetupConnectorPrevious');
      }
      await api.POST('/api/v1/connectors/{connectorId}/setup/next', { ...p, body: {} });
      await api.POST('/api/v1/connectors/{connectorId}/setup/next', { ...p, body: values({ token: 'contract-token' }) });
      const review = await api.POST('/api/v1/connectors/{connectorId}/setup/next', { ...p, body: values({ timeoutSeconds: 45 }) });
      if (expectStatus(ctx, review.response, 200, 'SetupConnectorNext to review')) ensure(ctx, 'behaves_as_documented', review.data?.canFinish === true, 'review can finish', 'SetupConnectorNext');
      const current = await api.GET('/api/v1/connectors/{connectorId}/setup/current', p);
      if (expectStatus(ctx, current.response, 200, 'SetupConnectorCurrent')) ensure(ctx, 'behaves_as_documented', current.data?.id === 'review', 'current answers the stage reached', 'SetupConnectorCurrent');
      expectStatus(ctx, (await api.POST('/api/v1/connectors/{connectorId}/setup/next', { ...p, body: {} })).response, 409, 'SetupConnectorNext at the last stage');
      const done = await api.POST('/api/v1/connectors/{connectorId}/setup/finish', { ...p, body: {} });
      if (expectStatus(ctx, done.response, 200, 'SetupConnectorFinish')) {
        const props = (done.data?.properties ?? {}) as Record<string, unknown>;
        ensure(ctx, 'behaves_as_documented', props.baseUrl === 'https://contract.example.test' && props.authType === 'bearer' && props.timeoutSeconds === 45,
          'finish writes the collected values into the connector\'s properties', 'SetupConnectorFinish');
      }

      await api.POST('/api/v1/connectors/{connectorId}/setup', p);
      await api.POST('/api/v1/connectors/{connectorId}/setup/next', { ...p, body: values({ baseUrl: 'https://discarded.example.test' }) });
      const cancelled = await api.POST('/api/v1/connectors/{connectorId}/setup/cancel', { ...p, body: {} });
      if (expectStatus(ctx, cancelled.response, 200, 'SetupConnectorCancel')) {
        ensure(ctx, 'behaves_as_documented', (cancelled.data?.properties as Record<string, unknown> | undefined)?.baseUrl === 'https://contract.example.test',
          'cancel leaves the connector as it was', 'SetupConnectorCancel');
      }
      expectStatus(ctx, (await api.POST('/api/v1/connectors/{connectorId}/setup/finish', { ...p, body: {} })).response, 409, 'SetupConnectorFinish without a setup');

      const ghost = { params: { path: { connectorId: randomId() } } };
      expectStatus(ctx, (await api.POST('/api/v1/connectors/{connectorId}/setup', ghost)).response, 404, 'SetupConnector of an unknown connector');
      expectStatus(ctx, (await api.GET('/api/v1/connectors/{connectorId}/setup/current', ghost)).response, 404, 'SetupConnectorCurrent of an unknown connector');
      for (const step of ['next', 'previous', 'finish', 'cancel'] as const) {
        expectStatus(ctx, (await api.POST(`/api/v1/connectors/{connectorId}/setup/${step}`, { ...ghost, body: {} })).response, 404, `setup ${step} of an unknown connector`);
      }
    } finally {
      await api.DELETE('/api/v1/connectors/{connectorId}', p);
    }
  },
};
