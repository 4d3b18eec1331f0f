/**
 * Password resets as a sandbox can do them: the vendor mails a reset link; flowmock sends no mail,
 * so the "mail" goes to an in-memory outbox an administrator reads (GET /__flowmock/outbox). The
 * store keeps only the SHA-256 of the token; a token is single-use and valid for one hour.
 */
import { randomBytes, createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/types.js';
import { hashPassword } from './secrets.js';

export const RESET_TOKEN_TTL_MS = 3_600_000;
const OUTBOX_LIMIT = 100;

export interface SandboxMail {
  id: string;
  kind: 'passwordReset';
  to: string;
  userId: string;
  resetToken: string;
  link: string;
  createdAt: string;
  expiresAt: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export class PasswordResets {
  private readonly mails: SandboxMail[] = [];

  constructor(private readonly store: Store, private readonly now: () => Date) {}

  /** Newest first. */
  outbox(): SandboxMail[] {
    return [...this.mails];
  }

  /** Makes a reset token for an active user and "mails" it; unknown or disabled users get nothing (silently). */
  async request(username: string, path: string | undefined): Promise<void> {
    const user = await this.store.users.byUsername(username);
    if (!user || !user.enabled) return;
    const token = randomBytes(32).toString('base64url');
    const created = this.now();
    const expiresAt = new Date(created.getTime() + RESET_TOKEN_TTL_MS).toISOString();
    await this.store.passwordResets.put({ userId: user.id, tokenHash: sha256(token).toString('hex'), createdAt: created.toISOString(), expiresAt });
    const base = path && path.length ? path : '/reset-password';
    const sep = base.includes('?') ? '&' : '?';
    this.mails.unshift({
      id: randomUUID(), kind: 'passwordReset', to: user.email ?? '', userId: user.id, resetToken: token,
      link: `${base}${sep}userId=${encodeURIComponent(user.id)}&resetToken=${encodeURIComponent(token)}`,
      createdAt: created.toISOString(), expiresAt,
    });
    this.mails.length = Math.min(this.mails.length, OUTBOX_LIMIT);
  }

  /** Sets the password when the token is the user's pending, unexpired one; false otherwise (nothing changes). */
  authorize(userId: string, token: string, password: string): Promise<boolean> {
    // Checked and spent in one transaction: a token is used once, also by two requests at once.
    return this.store.transaction(async (tx) => {
      const pending = await tx.passwordResets.byUser(userId);
      if (!pending) return false;
      const expected = Buffer.from(pending.tokenHash, 'hex');
      const given = sha256(token);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
      if (Date.parse(pending.expiresAt) <= this.now().getTime()) {
        await tx.passwordResets.delete(userId);
        return false;
      }
      await tx.users.setPassword(userId, hashPassword(password));
      await tx.passwordResets.delete(userId);
      return true;
    });
  }
}
