/**
 * flowmock's built-in plugins (GetPlugins; a documented catalogue, flowmock's choice: the vendor
 * publishes the Plugin model, not its plugins): what each brings (its flow steps, the connector
 * type and input data set it works with) and the tag groups it provides (GetPluginTagGroups,
 * written into the tag groups collection by SyncPluginTagGroups, `definedBy: system`). The data
 * sets a plugin provides are those of the data sets collection whose `plugin` names it
 * (GetPluginDatasets; with `purpose` output: GetPluginOutputDatasets).
 */

export interface PluginTagGroup { id: string; displayName: string; description: string; tags: string[] }

export interface PluginDef {
  id: string;
  displayName: string;
  description: string;
  connectorType?: { id: string; displayName: string; type: 'connectorType' };
  inputDataset?: { id: string; displayName: string; type: 'dataset' };
  /** The step types of flowmock's flow language the plugin brings (GetFlowSteps describes them). */
  flowSteps: Array<{ id: string; displayName: string }>;
  tagGroups: PluginTagGroup[];
}

export const PLUGINS: readonly PluginDef[] = [
  {
    id: 'crm',
    displayName: 'CRM',
    description: 'Reads records of a CRM over its REST API and hands them to the flows that print for them (the CRM letter flow).',
    connectorType: { id: 'rest', displayName: 'REST', type: 'connectorType' },
    inputDataset: { id: 'crm-records', displayName: 'CRM records', type: 'dataset' },
    flowSteps: [],
    tagGroups: [
      { id: 'crm-record-type', displayName: 'CRM record type', description: 'The kind of CRM record a template or data set is for (provided by the CRM plugin).', tags: ['Account', 'Contact', 'Lead'] },
    ],
  },
  {
    id: 'documents',
    displayName: 'Documents',
    description: 'Renders templates to PDF and DOCX documents in flows.',
    flowSteps: [{ id: 'document', displayName: 'Document' }],
    tagGroups: [
      { id: 'document-kind', displayName: 'Document kind', description: 'What a template produces (provided by the Documents plugin).', tags: ['Letter', 'Invoice', 'Contract', 'Confirmation'] },
    ],
  },
  {
    id: 'interaction',
    displayName: 'User interaction',
    description: 'Asks the user for input and waits for callbacks of other systems.',
    flowSteps: [{ id: 'userInput', displayName: 'User input' }, { id: 'waitForCallback', displayName: 'Wait for callback' }],
    tagGroups: [],
  },
  {
    id: 'flow-control',
    displayName: 'Flow control',
    description: 'Conditions, branches, loops, error handling and progress reports in flows.',
    flowSteps: [
      { id: 'if', displayName: 'If' }, { id: 'switch', displayName: 'Switch' }, { id: 'iterate', displayName: 'Iterate' },
      { id: 'try', displayName: 'Try' }, { id: 'fail', displayName: 'Fail' }, { id: 'progress', displayName: 'Progress' },
    ],
    tagGroups: [],
  },
];

/** The tag groups the plugins provide, as SyncPluginTagGroups writes them. */
export function pluginTagGroups(): Array<{ id: string; body: Record<string, unknown> }> {
  return PLUGINS.flatMap((p) => p.tagGroups.map((g) => ({
    id: g.id,
    body: { displayName: g.displayName, description: g.description, definedBy: 'system', tags: [...g.tags] },
  })));
}
