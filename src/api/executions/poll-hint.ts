/**
 * `Retry-After` on progress answers (flowmock choice): the suggested seconds before the next
 * progress request. Sent while the execution is Running or Queued, where it changes by itself;
 * absent when it is stable or waits for a client (UserInput, Waiting), where polling is useless.
 */
import type { ExecutionStatus } from '../../store/types.js';

export const POLL_INTERVAL_SECONDS = 1;

export function pollHint(status: ExecutionStatus): Record<string, string> {
  return status === 'Running' || status === 'Queued' ? { 'Retry-After': String(POLL_INTERVAL_SECONDS) } : {};
}
