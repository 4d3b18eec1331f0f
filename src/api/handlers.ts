/**
 * Every operationId of the spec bound to its handler. The `Handlers` type requires all of them:
 * an operation added to the spec without a handler here is a compile error.
 */
import type { BodyChecks, Handlers } from '../handler-contract/handler-types.js';
import { checkStartBody, executionHandlers } from './executions/executions.js';
import { flowHandlers } from './flows/flows.js';
import { dataHandlers } from './data/data.js';
import { documentHandlers } from './documents/documents.js';
import { printerHandlers } from './printers/printers.js';
import { userHandlers } from './users/users.js';
import { userAdminHandlers } from './users/admin.js';
import { externalUserHandlers } from './users/external.js';
import { authenticationHandlers } from './auth/authentication.js';
import { phixflowHandlers } from './phixflow/actionflows.js';
import { flowmockHandlers } from './flowmock/flowmock.js';
import { clockHandlers } from './flowmock/clock.js';
import { journalHandlers } from './flowmock/journal.js';
import { dashboardHandlers } from './flowmock/dashboard.js';
import { headHandlers } from './head.js';
import { handleResource } from './resources/resources.js';
import { systemHandlers } from './system/system.js';
import { backupHandlers } from './system/backup.js';
import { settingsHandlers } from './system/settings.js';
import { licenseHandlers } from './system/license.js';
import { cleanupHandlers } from './system/cleanup.js';
import { exportImportHandlers } from './system/export-import.js';
import { systemPrinterHandlers } from './system/system-printers.js';
import { expressionHandlers } from './system/expressions.js';
import { templateSchemaHandlers } from './templates/template-schema.js';
import { pseudoFieldHandlers } from './system/pseudo-fields.js';
import { portalHandlers } from './portal/portal.js';
import { connectorHandlers } from './connectors/connectors.js';
import { datasetHandlers, datasetLayoutHandlers } from './datasets/datasets.js';
import { datasourceHandlers } from './datasources/datasources.js';
import { pluginHandlers } from './plugins/plugins.js';
import { RESOURCE_OPERATIONS, type ResourceOperationId } from '../../generated/resource-operations.js';

/** Every operation the spec binds to the resource engine (x-flowmock-resource): the one generic handler. */
const resourceHandlers = Object.fromEntries(RESOURCE_OPERATIONS.map((id) => [id, handleResource])) as unknown as Pick<Handlers, ResourceOperationId>;

export const handlers: Handlers = {
  ...resourceHandlers,
  ...systemHandlers,
  ...backupHandlers,
  ...settingsHandlers,
  ...licenseHandlers,
  ...cleanupHandlers,
  ...exportImportHandlers,
  ...systemPrinterHandlers,
  ...expressionHandlers,
  ...templateSchemaHandlers,
  ...pseudoFieldHandlers,
  ...portalHandlers,
  ...connectorHandlers,
  ...datasetHandlers,
  ...datasetLayoutHandlers,
  ...datasourceHandlers,
  ...pluginHandlers,
  ...executionHandlers,
  ...flowHandlers,
  ...dataHandlers,
  ...documentHandlers,
  ...printerHandlers,
  ...userHandlers,
  ...userAdminHandlers,
  ...externalUserHandlers,
  ...authenticationHandlers,
  ...phixflowHandlers,
  ...flowmockHandlers,
  ...clockHandlers,
  ...journalHandlers,
  ...dashboardHandlers,
  ...headHandlers,
};

/** Rules on a body that depend on state, run by the dispatcher before the body's schema (see `BodyCheck`). */
export const bodyChecks: BodyChecks = {
  ExecuteFlow: checkStartBody,
  StartFlow: checkStartBody,
};
