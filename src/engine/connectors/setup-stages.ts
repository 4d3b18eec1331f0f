/**
 * The documented stages of the connector setup wizard, per connector type (flowmock's choice: the
 * vendor publishes the wizard's operations and its ConnectorStage model, not its stages). Every
 * type walks connection -> authentication -> options -> review; the fields of each stage are the
 * type's. The review stage has no fields: it shows what finish will apply. spec/smartflows/connectors.yaml
 * documents the same table; test/smartflows/connector-setup.test.ts walks each type.
 */

export type SetupFieldType = 'string' | 'integer' | 'boolean';

export interface SetupField {
  name: string;
  title: string;
  description: string;
  type: SetupFieldType;
  /** Needed before `next` leaves the stage (always, or only while another field has one of the values). */
  required?: boolean | { field: string; values: string[] };
  format?: 'uri' | 'uuid';
  enum?: string[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  default?: string | number | boolean;
  /** Never shown in a stage's model once given: leave it out of a later body to keep it. */
  secret?: boolean;
}

export interface SetupStageDef {
  id: 'connection' | 'authentication' | 'options' | 'review';
  title: string;
  description: string;
  fields: SetupField[];
}

/** What the longest text field takes: a URL, a secret, a header name. */
const TEXT_MAX = 2000;

const OPTIONS: SetupStageDef = {
  id: 'options',
  title: 'Options',
  description: 'Whether flows may use the connector, and how long a call to the system may take.',
  fields: [
    { name: 'active', title: 'Active', description: 'Flows may use the connector (TestConnector fails for an inactive one).', type: 'boolean', default: true },
    { name: 'timeoutSeconds', title: 'Timeout (seconds)', description: 'How long one call to the system may take.', type: 'integer', minimum: 1, maximum: 600, default: 30 },
  ],
};

const REVIEW: SetupStageDef = {
  id: 'review',
  title: 'Review',
  description: 'The settings finish applies to the connector (secrets are not shown). Finish to apply them, previous to change them, cancel to discard them.',
  fields: [],
};

/** The wizard of each connector type flowmock seeds (spec/smartflows/resource-collections.yaml connectorTypes). */
export const SETUP_STAGES: Readonly<Record<string, readonly SetupStageDef[]>> = {
  rest: [
    {
      id: 'connection',
      title: 'Connection',
      description: 'Where the REST API is.',
      fields: [
        { name: 'baseUrl', title: 'Base URL', description: 'The http(s) URL every call starts with.', type: 'string', format: 'uri', required: true, maxLength: TEXT_MAX },
      ],
    },
    {
      id: 'authentication',
      title: 'Authentication',
      description: 'How flowmock would sign in to the API: none, basic (user name and password), bearer (a token) or apiKey (a header and its value).',
      fields: [
        { name: 'authType', title: 'Authentication', description: 'none, basic, bearer or apiKey.', type: 'string', enum: ['none', 'basic', 'bearer', 'apiKey'], required: true, default: 'none' },
        { name: 'username', title: 'User name', description: 'For basic.', type: 'string', required: { field: 'authType', values: ['basic'] }, maxLength: TEXT_MAX },
        { name: 'password', title: 'Password', description: 'For basic.', type: 'string', required: { field: 'authType', values: ['basic'] }, maxLength: TEXT_MAX, secret: true },
        { name: 'token', title: 'Token', description: 'For bearer.', type: 'string', required: { field: 'authType', values: ['bearer'] }, maxLength: TEXT_MAX, secret: true },
        { name: 'apiKeyHeader', title: 'API key header', description: 'For apiKey: the header that carries the key.', type: 'string', pattern: '^[A-Za-z0-9-]{1,100}$', required: { field: 'authType', values: ['apiKey'] }, default: 'X-API-Key' },
        { name: 'apiKey', title: 'API key', description: 'For apiKey.', type: 'string', required: { field: 'authType', values: ['apiKey'] }, maxLength: TEXT_MAX, secret: true },
      ],
    },
    OPTIONS,
    REVIEW,
  ],
  dynamics: [
    {
      id: 'connection',
      title: 'Connection',
      description: 'The Dynamics 365 organization and the Web API version.',
      fields: [
        { name: 'organizationUrl', title: 'Organization URL', description: 'https://<org>.crm.dynamics.com', type: 'string', format: 'uri', required: true, maxLength: TEXT_MAX },
        { name: 'apiVersion', title: 'Web API version', description: '9.0, 9.1 or 9.2.', type: 'string', enum: ['9.0', '9.1', '9.2'], required: true, default: '9.2' },
      ],
    },
    {
      id: 'authentication',
      title: 'Authentication',
      description: 'The Microsoft Entra application flowmock would sign in as (users then sign in with their Microsoft account).',
      fields: [
        { name: 'tenantId', title: 'Tenant id', description: 'The directory (tenant) id, a GUID.', type: 'string', format: 'uuid', required: true },
        { name: 'clientId', title: 'Client id', description: 'The application (client) id, a GUID.', type: 'string', format: 'uuid', required: true },
        { name: 'clientSecret', title: 'Client secret', description: 'The application\'s secret.', type: 'string', required: true, maxLength: TEXT_MAX, secret: true },
      ],
    },
    OPTIONS,
    REVIEW,
  ],
  salesforce: [
    {
      id: 'connection',
      title: 'Connection',
      description: 'The Salesforce instance and the REST API version.',
      fields: [
        { name: 'instanceUrl', title: 'Instance URL', description: 'https://<domain>.my.salesforce.com', type: 'string', format: 'uri', required: true, maxLength: TEXT_MAX },
        { name: 'apiVersion', title: 'API version', description: 'A REST API version such as 60.0.', type: 'string', pattern: '^[0-9]{2}\\.0$', required: true, default: '60.0' },
      ],
    },
    {
      id: 'authentication',
      title: 'Authentication',
      description: 'The connected app flowmock would sign in as (users then sign in with their Salesforce account).',
      fields: [
        { name: 'loginUrl', title: 'Login URL', description: 'Production or sandbox login.', type: 'string', enum: ['https://login.salesforce.com', 'https://test.salesforce.com'], required: true, default: 'https://login.salesforce.com' },
        { name: 'clientId', title: 'Consumer key', description: 'The connected app\'s consumer key.', type: 'string', required: true, maxLength: TEXT_MAX },
        { name: 'clientSecret', title: 'Consumer secret', description: 'The connected app\'s consumer secret.', type: 'string', required: true, maxLength: TEXT_MAX, secret: true },
      ],
    },
    OPTIONS,
    REVIEW,
  ],
};
