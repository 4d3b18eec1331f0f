/**
 * Roles and permissions. Smart Flows permission names are the vendor's scopes; PhixFlow
 * privileges are the product's names. flowmock users hold both, so one user can call both APIs.
 */
import type { RoleRecord } from '../store/types.js';

/** The vendor's scope nouns of the regular collections: read:<noun>, write:<noun>, delete:<noun>. */
export const RESOURCE_SCOPES = ['assets', 'connectors', 'datasets', 'datasources', 'languages', 'tags', 'templates'] as const;

export const SMART_FLOWS_PERMISSIONS = [
  'execute:flows', 'read:flows', 'write:flows', 'delete:flows',
  'read:flowExecutions', 'read:ownFlowExecutions', 'delete:flowExecutions',
  'read:documents', 'delete:documents',
  'read:printers', 'write:printers', 'delete:printers',
  'read:users', 'write:users',
  'read:data', 'write:data', 'delete:data',
  // The regular collections (x-flowmock-resources in the spec names each one's).
  ...RESOURCE_SCOPES.flatMap((r) => [`read:${r}`, `write:${r}`, `delete:${r}`] as const),
] as const;

/** "View Table Actions" is needed up to PhixFlow 11.2 only (see src/auth/phixflow-version.ts). */
export const PHIXFLOW_PRIVILEGES = ['Use API Key', 'Run Actions', 'View Table Actions'] as const;

const USER_PERMISSIONS = ['execute:flows', 'read:flows', 'read:ownFlowExecutions', 'read:documents', 'read:printers', 'read:data', ...RESOURCE_SCOPES.map((r) => `read:${r}`)];

export const ROLES: RoleRecord[] = [
  {
    id: 'administrator', name: 'Administrator', displayName: 'Administrator',
    description: 'Every permission.',
    permissions: [...SMART_FLOWS_PERMISSIONS], privileges: [...PHIXFLOW_PRIVILEGES],
  },
  {
    id: 'super-user', name: 'Super User', displayName: 'Super User',
    description: 'Runs flows and reads every execution; the role the vendor recommends for API keys. Holds the PhixFlow API privileges.',
    permissions: [...USER_PERMISSIONS, 'read:flowExecutions'], privileges: [...PHIXFLOW_PRIVILEGES],
  },
  {
    id: 'user', name: 'User', displayName: 'User',
    description: 'Runs flows and sees its own executions.',
    permissions: USER_PERMISSIONS, privileges: [],
  },
];

export interface SeedUser { username: string; displayName: string; roleId: string; printKey: boolean }

/** Users of a fresh database. */
export const SEED_USERS: SeedUser[] = [
  { username: 'admin', displayName: 'Administrator', roleId: 'administrator', printKey: true },
  { username: 'integrator', displayName: 'Integrator', roleId: 'user', printKey: true },
  { username: 'api-user', displayName: 'API user', roleId: 'super-user', printKey: false },
];
