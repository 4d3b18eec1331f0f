/**
 * Roles and permissions. Smart Flows permission names are the vendor's scopes; PhixFlow
 * privileges are the product's names. flowmock users hold both, so one user can call both APIs.
 */
import type { RoleRecord } from '../store/types.js';

export const SMART_FLOWS_PERMISSIONS = [
  'execute:flows', 'read:flows', 'write:flows', 'delete:flows',
  'read:flowExecutions', 'read:ownFlowExecutions', 'delete:flowExecutions',
  'read:documents', 'delete:documents',
  'read:printers', 'write:printers', 'delete:printers',
  'read:users', 'write:users',
  'read:data', 'write:data', 'delete:data',
  // The administration areas of issue 13 (the vendor's scopes "and similar for templates, datasets,
  // languages, tags, connectors, assets"; datasources are only read; settings and the system's
  // administration operations are flowmock's names). Only administrators hold them.
  'delete:users',
  'read:templates', 'write:templates', 'delete:templates',
  'read:datasets', 'write:datasets', 'delete:datasets',
  'read:datasources',
  'read:connectors', 'write:connectors', 'delete:connectors',
  'read:languages', 'write:languages', 'delete:languages',
  'read:tags', 'write:tags', 'delete:tags',
  'read:assets', 'write:assets', 'delete:assets',
  'read:settings', 'write:settings',
  'write:system',
] as const;

/** "View Table Actions" is needed up to PhixFlow 11.2 only (see src/auth/phixflow-version.ts). */
export const PHIXFLOW_PRIVILEGES = ['Use API Key', 'Run Actions', 'View Table Actions'] as const;

const USER_PERMISSIONS = ['execute:flows', 'read:flows', 'read:ownFlowExecutions', 'read:documents', 'read:printers', 'read:data'];

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
