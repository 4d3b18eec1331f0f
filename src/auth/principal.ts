import type { UserRecord } from '../store/types.js';

/** Who a request acts as, and what it may do. */
export interface Principal {
  user: UserRecord;
  permissions: ReadonlySet<string>;
  privileges: ReadonlySet<string>;
  via: 'apiKey' | 'jwt' | 'phixflowToken';
  apiKeyId?: string;
}

/** The PhixFlow system user that anonymous actionflow runs are recorded as. */
export const SYSTEM_USER_ID = 'system';
