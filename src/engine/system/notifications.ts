/**
 * GetNotifications answers one Notification (the vendor's model is a single object): the most
 * severe notice the installation's state gives now, derived at each call, never stored:
 *   critical  license.expired           the installed licence has expired
 *   critical  license.documents         the documents of the licence's interval reached its limit
 *   warning   license.users             more users than the licence allows
 *   warning   license.expiring          the licence expires within 30 days
 *   warning   executions.failed         executions ended in Error within the last 24 hours
 *   info      system.ok                 none of these
 * The first that applies in this order wins. Its id is the key with the moment it arose
 * (stable while the cause lasts); targetRoles name the roles that can act on it.
 */
import { createHash } from 'node:crypto';
import type { StoreCollections } from '../../store/types.js';
import { licenseInformation } from './license.js';
import { failedSince } from './usage.js';

export interface NotificationValue {
  severity: 'info' | 'warning' | 'critical' | 'fatal';
  id: string;
  message: string;
  key: string;
  targetRoles: string[];
  createdAt: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const EXPIRING_DAYS = 30;

function notice(severity: NotificationValue['severity'], key: string, createdAt: string, message: string, targetRoles: string[]): NotificationValue {
  const h = createHash('sha256').update(`${key} ${createdAt}`).digest('hex');
  const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return { severity, id, message, key, targetRoles, createdAt };
}

export async function currentNotification(store: StoreCollections, now: Date): Promise<NotificationValue> {
  const license = await licenseInformation(store, now) as {
    id: string; displayName: string; expiry?: string; expired: boolean;
    limits: { users: { used: number; max?: number }; documents: { used: number; max?: number; since: string; interval: string } };
  };
  const admins = ['administrator'];
  if (license.expired && license.expiry) {
    return notice('critical', 'license.expired', license.expiry, `The licence ${license.displayName} (${license.id}) expired at ${license.expiry}; install a valid licence (POST /api/v1/system/license).`, admins);
  }
  const docs = license.limits.documents;
  if (docs.max !== undefined && docs.used >= docs.max) {
    return notice('critical', 'license.documents', docs.since, `${docs.used} documents this ${docs.interval} reached the licence's limit of ${docs.max}.`, admins);
  }
  const users = license.limits.users;
  if (users.max !== undefined && users.used > users.max) {
    return notice('warning', 'license.users', license.expiry ?? now.toISOString(), `${users.used} users exceed the licence's limit of ${users.max}.`, admins);
  }
  if (license.expiry && Date.parse(license.expiry) - now.getTime() <= EXPIRING_DAYS * DAY_MS) {
    const days = Math.ceil((Date.parse(license.expiry) - now.getTime()) / DAY_MS);
    return notice('warning', 'license.expiring', new Date(Date.parse(license.expiry) - EXPIRING_DAYS * DAY_MS).toISOString(),
      `The licence ${license.displayName} expires at ${license.expiry} (in ${days} day${days === 1 ? '' : 's'}).`, admins);
  }
  const failed = await failedSince(store, new Date(now.getTime() - DAY_MS).toISOString());
  if (failed.latest) {
    return notice('warning', 'executions.failed', failed.latest.modifiedAt,
      `${failed.count} flow execution${failed.count === 1 ? '' : 's'} ended in Error in the last 24 hours; the latest: ${failed.latest.id} (${failed.latest.flowName}).`,
      ['administrator', 'super-user']);
  }
  return notice('info', 'system.ok', now.toISOString().slice(0, 10) + 'T00:00:00.000Z', 'No notices: the licence is valid and no flow execution failed in the last 24 hours.', ['administrator']);
}
