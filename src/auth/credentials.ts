/**
 * Checking credentials: Smart Flows API keys and login JWTs, PhixFlow tokens. Used by the HTTP
 * auth middleware and by the CLI. Failures are `CredentialError`s with the status they mean
 * (401 bad or missing credentials, 403 valid credentials without the rights).
 */
import { randomBytes, createHash, hash as digestOf, webcrypto } from 'node:crypto';
import type { Store, StoreTransaction, UserRecord, ApiKeyRecord } from '../store/types.js';
import { createHmac } from 'node:crypto';
import { generateApiKey, parseApiKey, hashApiKey, safeEqualHex, verifyPasswordAsync } from './secrets.js';
import { LoginThrottle } from './login-throttle.js';
import type { Principal } from './principal.js';
import { isStoreUnavailable } from '../store/store-health.js';
import { PHIXFLOW_LATEST, requiredPhixflowPrivileges } from './phixflow-version.js';

export class CredentialError extends Error {
  constructor(readonly status: 401 | 403 | 404, message: string) {
    super(message);
    this.name = 'CredentialError';
  }
}

/** Active API keys one user may hold (documented in the spec's input limits). */
export const MAX_ACTIVE_KEYS_PER_USER = 100;

/** A new key would pass MAX_ACTIVE_KEYS_PER_USER: the caller's to fix (a 400 naming the rule). */
export class KeyLimitError extends Error {
  readonly rule = 'maxKeysPerUser';
  constructor(message: string) {
    super(message);
    this.name = 'KeyLimitError';
  }
}

/**
 * jose (JWT signing and checking) is loaded by the first request that needs it (a login, a bearer
 * token, a PhixFlow token), not at start-up: a server answered with API keys only never loads it
 * (issue 17: ~50 ms and a few MB of the start). Node keeps the module once loaded.
 */
const loadJose = (): Promise<typeof import('jose')> => import('jose');

const LAST_USED_PRECISION_MS = 60_000; // lastUsedAt is written at most once a minute per key: no write per request

/**
 * Credentials verified while the store's credentials were at `version`, by SHA-256 of the
 * credential: the lookup's timing says nothing about how much of a wrong one matches, and none is
 * held in clear. An entry counts only under the version it was verified at; at most 1,024 are
 * kept (all dropped when full).
 */
class VerifiedCredentials<T> {
  private readonly byDigest = new Map<string, { version: string; value: T }>();

  get(digest: string, version: string): T | undefined {
    const entry = this.byDigest.get(digest);
    return entry && entry.version === version ? entry.value : undefined;
  }

  set(digest: string, version: string, value: T): void {
    if (this.byDigest.size >= 1024) this.byDigest.clear();
    this.byDigest.set(digest, { version, value });
  }
}

/** Keys in flowmock's own format carry their id; any other key (a configured admin key) gets an id from its digest. */
export function keyIdFor(key: string): string {
  return parseApiKey(key)?.id ?? `cfg${createHash('sha256').update(key).digest('hex').slice(0, 29)}`;
}

export class Credentials {
  private readonly pepper: Buffer;
  private readonly jwtSecret: Uint8Array;
  private readonly phixflowSecret: Uint8Array;
  private readonly dummyHash: string;

  constructor(private readonly store: Store, opts: { phixflowApiKey?: string; jwtTtlSeconds: number; now?: () => Date; phixflowVersion?: string }) {
    this.phixflowPrivileges = requiredPhixflowPrivileges(opts.phixflowVersion ?? PHIXFLOW_LATEST);
    this.pepper = Buffer.from(this.secret('api-key-pepper'), 'hex');
    this.jwtSecret = Buffer.from(this.secret('jwt-secret'), 'hex');
    this.phixflowSecret = opts.phixflowApiKey !== undefined
      ? Buffer.from(opts.phixflowApiKey, 'utf8')
      : Buffer.from(this.secret('phixflow-api-key'), 'hex');
    this.jwtTtlSeconds = opts.jwtTtlSeconds;
    this.now = opts.now ?? (() => new Date());
    this.dummyHash = hashApiKey('dummy-key-for-constant-work', this.pepper);
    this.store.onChange((change) => {
      if (change.kind === 'credentials' || change.kind === 'external') this.credentialsChanged();
    });
  }

  private readonly jwtTtlSeconds: number;
  private readonly now: () => Date;
  /** The privileges a PhixFlow token's user needs under the emulated PhixFlow version. */
  private readonly phixflowPrivileges: string[];
  /**
   * The HMAC secrets imported once as CryptoKeys for verifying: given raw bytes, jose imports
   * the key again on every call, which doubled the cost of checking a token.
   */
  private readonly verifyKeys = new Map<Uint8Array, Promise<webcrypto.CryptoKey>>();
  private readonly verifiedKeys = new VerifiedCredentials<{ rec: ApiKeyRecord; principal: Principal }>();
  /** With their time claims, checked on every use. */
  private readonly verifiedTokens = new VerifiedCredentials<TimeClaims & { principal: Principal }>();

  private verifyKey(secret: Uint8Array): Promise<webcrypto.CryptoKey> {
    let key = this.verifyKeys.get(secret);
    if (!key) {
      key = webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
      key.catch(() => this.verifyKeys.delete(secret)); // try again next time rather than fail for good
      this.verifyKeys.set(secret, key);
    }
    return key;
  }

  /** A random 32-byte secret kept in the server's key file (never in the database), made on first use. */
  private secret(name: string): string {
    return this.store.secrets.ensure(name, () => randomBytes(32).toString('hex'));
  }

  async principalOf(user: UserRecord, via: Principal['via'], apiKeyId?: string): Promise<Principal> {
    const roles = (await this.store.users.listRoles()).filter((r) => user.roleIds.includes(r.id));
    return {
      user,
      permissions: new Set(roles.flatMap((r) => r.permissions)),
      privileges: new Set(roles.flatMap((r) => r.privileges)),
      via,
      apiKeyId,
    };
  }

  // ---------------------------------------------------------------- API keys

  /** `store`: the transaction to create it in (seeding), else the store. */
  async createApiKey(
    userId: string, name: string, fixedKey?: string, extra?: { description?: string | null; createdBy?: string },
    store: Store | StoreTransaction = this.store,
  ): Promise<{ record: ApiKeyRecord; key: string }> {
    const generated = generateApiKey();
    const key = fixedKey ?? generated.key;
    const id = fixedKey ? keyIdFor(fixedKey) : generated.id;
    const record: ApiKeyRecord = {
      id, userId, name,
      hash: hashApiKey(key, this.pepper),
      last4: key.slice(-4),
      createdAt: this.now().toISOString(),
      lastUsedAt: null,
      revokedAt: null,
      description: extra?.description ?? null,
      createdBy: extra?.createdBy ?? userId,
    };
    // Counted and created in one transaction: two creations at once never pass the limit together.
    await store.transaction(async (tx) => {
      // A configured admin key is never refused; every other key counts against the limit.
      if (fixedKey === undefined && (await tx.apiKeys.listActive(userId)).length >= MAX_ACTIVE_KEYS_PER_USER) {
        throw new KeyLimitError(`A user may hold at most ${MAX_ACTIVE_KEYS_PER_USER} active API keys; revoke one first.`);
      }
      await tx.apiKeys.create(record);
    });
    return { record, key };
  }

  /** Makes sure `key` is an active key of `userId` (a configured admin key). */
  async ensureApiKey(userId: string, key: string, name: string, store: Store | StoreTransaction = this.store): Promise<void> {
    const existing = await store.apiKeys.byId(keyIdFor(key));
    if (existing && !existing.revokedAt && existing.userId === userId) return;
    if (existing) throw new Error('The configured admin key collides with another key; choose another one.');
    await this.createApiKey(userId, name, key, undefined, store);
  }

  async verifyApiKey(key: string): Promise<Principal> {
    if (key.length < 16 || key.length > 512 || /[\s,]/.test(key)) {
      throw new CredentialError(401, 'The X-API-Key header does not hold one well-formed API key.');
    }
    // A key verified before, with no user, role or key changed since: no HMAC (its SHA-256 costs
    // a third of one), no store reads.
    const digest = digestOf('sha256', key);
    const version = this.store.credentialsVersion();
    const known = this.verifiedKeys.get(digest, version);
    if (known) {
      if (this.touchDue(known.rec)) await this.touch(known.rec);
      return known.principal;
    }
    const hash = hashApiKey(key, this.pepper);
    const rec = await this.store.apiKeys.byId(keyIdFor(key));
    // Always one constant-time comparison, whether or not the id exists.
    const match = safeEqualHex(hash, rec?.hash ?? this.dummyHash) && rec !== null;
    if (!rec || !match) throw new CredentialError(401, 'Unknown API key.');
    if (rec.revokedAt) throw new CredentialError(401, 'This API key was revoked.');
    const user = await this.store.users.byId(rec.userId);
    if (!user) throw new CredentialError(401, 'Unknown API key.');
    if (!user.enabled) throw new CredentialError(403, `User ${user.username} is disabled.`);
    if (this.touchDue(rec)) await this.touch(rec);
    const principal = await this.principalOf(user, 'apiKey', rec.id);
    this.verifiedKeys.set(digest, version, { rec, principal });
    return principal;
  }

  /** lastUsedAt is written at most once a minute per key (no write, and no await, on most requests). */
  private touchDue(rec: ApiKeyRecord): boolean {
    return !rec.lastUsedAt || this.now().getTime() - Date.parse(rec.lastUsedAt) >= LAST_USED_PRECISION_MS;
  }

  private async touch(rec: ApiKeyRecord): Promise<void> {
    rec.lastUsedAt = this.now().toISOString();
    try {
      await this.store.apiKeys.touch(rec.id, rec.lastUsedAt);
    } catch (err) {
      // lastUsedAt is a hint: a database locked by another process must not refuse the key.
      if (!isStoreUnavailable(err)) throw err;
    }
  }

  // ---------------------------------------------------------------- Smart Flows login JWT

  /** Failed logins per user name and client address (src/auth/login-throttle.ts); real time. */
  readonly loginThrottle = new LoginThrottle();

  /**
   * Checks the password off the event loop, after the throttle (LoginThrottledError: 429).
   * `scope` (the vendor's Login.scope) is carried in the token's `scope` claim; `clientAddress`
   * is the caller's address as the server sees it.
   */
  async login(username: string, password: string, opts: { scope?: string; clientAddress?: string } = {}): Promise<{ token: string; expiresAt: string; user: UserRecord }> {
    const scope = opts.scope ?? 'api';
    const clientAddress = opts.clientAddress ?? 'unknown';
    this.loginThrottle.check(username, clientAddress);
    const user = await this.store.users.byUsername(username);
    // Verify against something even for unknown users, so timing does not reveal which names exist.
    const ok = await this.loginThrottle.checking(() => verifyPasswordAsync(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH)) && !!user?.passwordHash;
    if (!user || !ok) {
      this.loginThrottle.failed(username, clientAddress);
      throw new CredentialError(401, 'Wrong user name or password.');
    }
    if (!user.enabled) throw new CredentialError(401, `User ${user.username} is disabled.`);
    this.loginThrottle.succeeded(username);
    const exp = Math.floor(this.now().getTime() / 1000) + this.jwtTtlSeconds;
    // `pwv` ties the token to the password it was issued for: a password change ends it.
    const { SignJWT } = await loadJose();
    const token = await new SignJWT({ typ: 'smartflows', scope, pwv: this.passwordVersion(user) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuedAt(Math.floor(this.now().getTime() / 1000))
      .setExpirationTime(exp)
      .setIssuer('flowmock')
      .setAudience('smartflows')
      .sign(this.jwtSecret);
    return { token, expiresAt: new Date(exp * 1000).toISOString(), user };
  }

  async verifyLoginJwt(token: string): Promise<Principal> {
    const jose = await loadJose();
    try {
      const { payload } = await jose.jwtVerify(token, await this.verifyKey(this.jwtSecret), {
        algorithms: ['HS256'], issuer: 'flowmock', audience: 'smartflows', currentDate: this.now(),
      });
      const user = payload.sub ? await this.store.users.byId(payload.sub) : null;
      if (!user) throw new CredentialError(401, 'The token names no known user.');
      if (payload.pwv !== this.passwordVersion(user)) throw new CredentialError(401, 'The bearer token was issued before the password last changed; log in again.');
      if (!user.enabled) throw new CredentialError(403, `User ${user.username} is disabled.`);
      return await this.principalOf(user, 'jwt');
    } catch (err) {
      throw asCredentialError(err, 'bearer token', jose.errors);
    }
  }

  /** A short MAC of the user's password hash: changes with every password change, says nothing of the hash. */
  private passwordVersion(user: UserRecord): string {
    return createHmac('sha256', this.jwtSecret).update(`pwv:${user.id}:${user.passwordHash ?? ''}`).digest('base64url').slice(0, 22);
  }

  // ---------------------------------------------------------------- open requests of a credential

  private readonly watched = new Set<{ principal: Principal; pwv: string; onRevoked: (reason: string) => void }>();
  private watchTimer: NodeJS.Timeout | null = null;
  private watchedVersion = '';

  /**
   * Calls `onRevoked` (once) when the credentials a request was accepted with stop being valid
   * while it is still open (an event stream, a long-poll): the key revoked, the user disabled or
   * removed, or (login token) the password changed. Credential changes made by this server are
   * seen at once (`credentialsChanged`); those of another process (a CLI command) within 250 ms.
   * The credentials are also checked once as the watch starts: a request starts watching some time
   * after it was authenticated (when it begins to wait). Returns the function that stops watching.
   */
  watch(principal: Principal, onRevoked: (reason: string) => void): () => void {
    const entry = { principal, pwv: principal.via === 'jwt' ? this.passwordVersion(principal.user) : '', onRevoked };
    this.watched.add(entry);
    void this.recheckEntry(entry);
    if (!this.watchTimer) {
      this.watchedVersion = this.store.credentialsVersion();
      this.watchTimer = setInterval(() => void this.recheckIfChanged(), 250);
      this.watchTimer.unref();
    }
    return () => {
      this.watched.delete(entry);
      if (this.watched.size === 0 && this.watchTimer) {
        clearInterval(this.watchTimer);
        this.watchTimer = null;
      }
    };
  }

  /** Re-checks every watched request now (the store calls it after a credential write). */
  credentialsChanged(): void {
    if (this.watched.size) void this.recheck();
  }

  private async recheckIfChanged(): Promise<void> {
    let version: string;
    try {
      version = this.store.credentialsVersion();
    } catch {
      return; // the store is closing
    }
    if (version === this.watchedVersion) return;
    this.watchedVersion = version;
    await this.recheck();
  }

  private async recheck(): Promise<void> {
    for (const entry of [...this.watched]) await this.recheckEntry(entry);
  }

  private async recheckEntry(entry: { principal: Principal; pwv: string; onRevoked: (reason: string) => void }): Promise<void> {
    let reason: string | null;
    try {
      reason = await this.revocationOf(entry.principal, entry.pwv);
    } catch {
      return; // unreadable now (locked, closing): next time
    }
    if (reason && this.watched.has(entry)) { // a recheck running meanwhile may have told it already
      this.watched.delete(entry);
      entry.onRevoked(reason);
    }
  }

  /** Why a principal's credentials are no longer valid, or null. */
  private async revocationOf(p: Principal, pwv: string): Promise<string | null> {
    const user = await this.store.users.byId(p.user.id);
    if (!user) return 'The user no longer exists.';
    if (!user.enabled) return `User ${user.username} was disabled.`;
    if (p.via === 'apiKey' && p.apiKeyId) {
      const key = await this.store.apiKeys.byId(p.apiKeyId);
      if (!key || key.revokedAt) return 'This API key was revoked.';
    }
    if (p.via === 'jwt' && this.passwordVersion(user) !== pwv) return 'The password changed; log in again.';
    return null;
  }

  // ---------------------------------------------------------------- PhixFlow tokens

  async issuePhixflowToken(username: string, expiresInSeconds?: number): Promise<{ token: string; expiresAt: string | null }> {
    const user = await this.store.users.byUsername(username);
    if (!user) throw new CredentialError(404, `No user ${username}.`);
    const iat = Math.floor(this.now().getTime() / 1000);
    const { SignJWT } = await loadJose();
    let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(user.username).setIssuedAt(iat);
    let expiresAt: string | null = null;
    if (expiresInSeconds !== undefined) {
      jwt = jwt.setExpirationTime(iat + expiresInSeconds);
      expiresAt = new Date((iat + expiresInSeconds) * 1000).toISOString();
    }
    return { token: await jwt.sign(this.phixflowSecret), expiresAt };
  }

  /** A PhixFlow token: HS256 only, signature, expiry, user enabled, both API privileges. */
  async verifyPhixflowToken(token: string): Promise<Principal> {
    // As for API keys: a token verified before is not verified again while no user, role or key
    // has changed, but its time claims are checked on every use, against the engine's clock.
    const digest = digestOf('sha256', token);
    const version = this.store.credentialsVersion();
    const known = this.verifiedTokens.get(digest, version);
    if (known && withinTimeClaims(known, Math.floor(this.now().getTime() / 1000))) return known.principal;

    let sub: string | undefined;
    let claims: TimeClaims;
    const jose = await loadJose();
    try {
      const { payload } = await jose.jwtVerify(token, await this.verifyKey(this.phixflowSecret), { algorithms: ['HS256'], currentDate: this.now() });
      sub = payload.sub;
      claims = { exp: payload.exp, nbf: payload.nbf };
    } catch (err) {
      throw asCredentialError(err, 'PhixFlow token', jose.errors);
    }
    const user = sub ? await this.store.users.byUsername(sub) : null;
    if (!user) throw new CredentialError(401, 'The token names no known user.');
    if (!user.enabled) throw new CredentialError(403, `User ${user.username} is disabled.`);
    const principal = await this.principalOf(user, 'phixflowToken');
    const missing = this.phixflowPrivileges.filter((p) => !principal.privileges.has(p));
    if (missing.length) throw new CredentialError(403, `User ${user.username} lacks the privilege${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(' and ')}.`);
    this.verifiedTokens.set(digest, version, { ...claims, principal });
    return principal;
  }
}

interface TimeClaims { exp?: number; nbf?: number }

/** jose's rule with no clock tolerance: expired from `exp` on, valid from `nbf` on (seconds). */
function withinTimeClaims(c: TimeClaims, nowSeconds: number): boolean {
  return !(c.exp !== undefined && c.exp <= nowSeconds) && !(c.nbf !== undefined && c.nbf > nowSeconds);
}

function asCredentialError(err: unknown, what: string, joseErrors: typeof import('jose').errors): CredentialError {
  if (err instanceof CredentialError) return err;
  if (err instanceof joseErrors.JWTExpired) return new CredentialError(401, `The ${what} has expired.`);
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return new CredentialError(401, `The ${what} is not signed with HS256.`);
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new CredentialError(401, `The ${what}'s signature does not verify.`);
  if (err instanceof joseErrors.JWTClaimValidationFailed) return new CredentialError(401, `The ${what} is not valid: ${err.message}.`);
  return new CredentialError(401, `The ${what} is malformed.`);
}

// scrypt hash of a random string: verifying against it costs what verifying a real password costs.
const DUMMY_PASSWORD_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
