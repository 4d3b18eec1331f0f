/** Every scenario, in the order they run (the vitest suite and `flowmock contract` share this list). */
import type { Scenario } from '../context.js';
import type { SpecIndex } from '../spec-index.js';
import { anonymousScenario, catalogScenario } from './catalog.js';
import { flowsCrudScenario } from './flows-crud.js';
import { flowToPdfScenario } from './flow-to-pdf.js';
import { flowInputsScenario } from './flow-inputs.js';
import { userInputScenario } from './user-input.js';
import { callbackScenario } from './callback.js';
import { cancelScenario } from './cancel.js';
import { outcomesScenario } from './outcomes.js';
import { queueScenario } from './queue.js';
import { filtersScenario } from './filters.js';
import { dataObjectsScenario } from './data-objects.js';
import { printersScenario } from './printers.js';
import { usersAdminScenario } from './users-admin.js';
import { backupScenario } from './backup.js';
import { resourcesScenario } from './resources.js';
import { systemScenario } from './system.js';
import { connectorSetupScenario } from './connector-setup.js';
import { datasetsPluginsScenario } from './datasets-plugins.js';
import { systemAdminScenario } from './system-admin.js';
import { documentsScenario } from './documents.js';
import { apiKeysScenario } from './user-tokens.js';
import { loginScenario } from './login.js';
import { ownershipScenario } from './ownership.js';
import { smartflowsAuthScenario, phixflowAuthScenario } from './auth-sweep.js';
import { phixflowSyncScenario } from './phixflow-sync.js';
import { phixflowAsyncScenario } from './phixflow-async.js';
import { phixflowTimeoutScenario, phixflowFailuresScenario } from './phixflow-outcomes.js';
import { phixflowTokensScenario } from './phixflow-tokens.js';
import { negativeScenarios, oversizedBodiesScenario } from './negative.js';
import { journalDashboardScenario } from './journal-dashboard.js';
import { clockScenario } from './clock.js';

export function allScenarios(spec: SpecIndex): Scenario[] {
  return [
    anonymousScenario,
    catalogScenario,
    flowsCrudScenario,
    flowToPdfScenario,
    flowInputsScenario,
    userInputScenario,
    callbackScenario,
    cancelScenario,
    outcomesScenario,
    queueScenario,
    filtersScenario,
    dataObjectsScenario,
    printersScenario,
    usersAdminScenario,
    backupScenario,
    resourcesScenario,
    systemScenario,
    connectorSetupScenario,
    datasetsPluginsScenario,
    systemAdminScenario,
    documentsScenario,
    apiKeysScenario,
    loginScenario,
    ownershipScenario,
    smartflowsAuthScenario,
    phixflowSyncScenario,
    phixflowAsyncScenario,
    phixflowTimeoutScenario,
    phixflowFailuresScenario,
    phixflowTokensScenario,
    phixflowAuthScenario,
    journalDashboardScenario,
    clockScenario,
    ...negativeScenarios(spec),
    oversizedBodiesScenario('smartflows'),
    oversizedBodiesScenario('phixflow'),
  ];
}
