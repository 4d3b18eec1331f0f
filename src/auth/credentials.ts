/**
 * Checking credentials: Smart Flows API keys and login JWTs, PhixFlow tokens. Used by the HTTP
 * auth middleware and by the CLI. Failures are `CredentialError`s with the status they mean
 * (401 bad or missing credentials, 403 valid credentials without the rights).
 */
import { randomBytes, createHash, hash as digestOf, webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Store, UserRecord, ApiKeyRecord } from '../store/types.js';
import { generateApiKey, parseApiKey, hashApiKey, safeEqualHex, verifyPassword } from '../store/secrets.js';
import type { Principal } from './principal.js';
import { PHIXFLOW_LATEST, requiredPhixflowPrivileges } from './phixflow-version.js';

export class CredentialError extends Error {
  constructor(readonly status: 401 | 403 | 404, message: string) {
    super(message);
    this.name = 'CredentialError';
  }
}

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

  /** A random 32-byte secret kept in the store's meta table, made on first use. */
  private secret(name: string): string {
    let v = this.store.meta.get(name);
    if (!v) {
      v = randomBytes(32).toString('hex');
      this.store.meta.set(name, v);
    }
    return v;
  }

  principalOf(user: UserRecord, via: Principal['via'], apiKeyId?: string): Principal {
    const roles = this.store.users.listRoles().filter((r) => user.roleIds.includes(r.id));
    return {
      user,
      permissions: new Set(roles.flatMap((r) => r.permissions)),
      privileges: new Set(roles.flatMap((r) => r.privileges)),
      via,
      apiKeyId,
    };
  }

  // ---------------------------------------------------------------- API keys

  createApiKey(userId: string, name: string, fixedKey?: string, extra?: { description?: string | null; createdBy?: string }): { record: ApiKeyRecord; key: string } {
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
    this.store.apiKeys.create(record);
    return { record, key };
  }

  /** Makes sure `key` is an active key of `userId` (a configured admin key). */
  ensureApiKey(userId: string, key: string, name: string): void {
    const existing = this.store.apiKeys.byId(keyIdFor(key));
    if (existing && !existing.revokedAt && existing.userId === userId) return;
    if (existing) throw new Error('The configured admin key collides with another key; choose another one.');
    this.createApiKey(userId, name, key);
  }

  verifyApiKey(key: string): Principal {
    if (key.length < 16 || key.length > 512 || /[\s,]/.test(key)) {
      throw new CredentialError(401, 'The X-API-Key header does not hold one well-formed API key.');
    }
    // A key verified before, with no user, role or key changed since: no HMAC (its SHA-256 costs
    // a third of one), no store reads.
    const digest = digestOf('sha256', key);
    const version = this.store.credentialsVersion();
    const known = this.verifiedKeys.get(digest, version);
    if (known) {
      this.touchIfDue(known.rec);
      return known.principal;
    }
    const hash = hashApiKey(key, this.pepper);
    const rec = this.store.apiKeys.byId(keyIdFor(key));
    // Always one constant-time comparison, whether or not the id exists.
    const match = safeEqualHex(hash, rec?.hash ?? this.dummyHash) && rec !== null;
    if (!rec || !match) throw new CredentialError(401, 'Unknown API key.');
    if (rec.revokedAt) throw new CredentialError(401, 'This API key was revoked.');
    const user = this.store.users.byId(rec.userId);
    if (!user) throw new CredentialError(401, 'Unknown API key.');
    if (!user.enabled) throw new CredentialError(403, `User ${user.username} is disabled.`);
    this.touchIfDue(rec);
    const principal = this.principalOf(user, 'apiKey', rec.id);
    this.verifiedKeys.set(digest, version, { rec, principal });
    return principal;
  }

  /** lastUsedAt, written at most once a minute per key. */
  private touchIfDue(rec: ApiKeyRecord): void {
    const now = this.now();
    if (!rec.lastUsedAt || now.getTime() - Date.parse(rec.lastUsedAt) >= LAST_USED_PRECISION_MS) {
      rec.lastUsedAt = now.toISOString();
      this.store.apiKeys.touch(rec.id, rec.lastUsedAt);
    }
  }

  // ---------------------------------------------------------------- Smart Flows login JWT

  /** `scope` (the vendor's Login.scope) is carried in the token's `scope` claim. */
  async login(username: string, password: string, scope = 'api'): Promise<{ token: string; expiresAt: string; user: UserRecord }> {
    const user = this.store.users.byUsername(username);
    // Verify against something even for unknown users, so timing does not reveal which names exist.
    const ok = verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH) && !!user?.passwordHash;
    if (!user || !ok) throw new CredentialError(401, 'Wrong user name or password.');
    if (!user.enabled) throw new CredentialError(401, `User ${user.username} is disabled.`);
    const exp = Math.floor(this.now().getTime() / 1000) + this.jwtTtlSeconds;
    const token = await new SignJWT({ typ: 'smartflows', scope })
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
    try {
      const { payload } = await jwtVerify(token, await this.verifyKey(this.jwtSecret), {
        algorithms: ['HS256'], issuer: 'flowmock', audience: 'smartflows', currentDate: this.now(),
      });
      const user = payload.sub ? this.store.users.byId(payload.sub) : null;
      if (!user) throw new CredentialError(401, 'The token names no known user.');
      if (!user.enabled) throw new CredentialError(403, `User ${user.username} is disabled.`);
      return this.principalOf(user, 'jwt');
    } catch (err) {
      throw asCredentialError(err, 'bearer token');
    }
  }

  // ---------------------------------------------------------------- PhixFlow tokens

  async issuePhixflowToken(username: string, expiresInSeconds?: number): Promise<{ token: string; expiresAt: string | null }> {
    const user = this.store.users.byUsername(username);
    if (!user) throw new CredentialError(404, `No user ${username}.`);
    const iat = Math.floor(this.now().getTime() / 1000);
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
    try {
      const { payload } = await jwtVerify(token, await this.verifyKey(this.phixflowSecret), { algorithms: ['HS256'], currentDate: this.now() });
      sub = payload.sub;
      claims = { exp: payload.exp, nbf: payload.nbf };
    } catch (err) {
      throw asCredentialError(err, 'PhixFlow token');
    }
    const user = sub ? this.store.users.byUsername(sub) : null;
    if (!user) throw new CredentialError(401, 'The token names no known user.');
    if (!user.enabled) throw new CredentialError(403, `User ${user.username} is disabled.`);
    const principal = this.principalOf(user, 'phixflowToken');
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

function asCredentialError(err: unknown, what: string): CredentialError {
  if (err instanceof CredentialError) return err;
  if (err instanceof joseErrors.JWTExpired) return new CredentialError(401, `The ${what} has expired.`);
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return new CredentialError(401, `The ${what} is not signed with HS256.`);
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new CredentialError(401, `The ${what}'s signature does not verify.`);
  if (err instanceof joseErrors.JWTClaimValidationFailed) return new CredentialError(401, `The ${what} is not valid: ${err.message}.`);
  return new CredentialError(401, `The ${what} is malformed.`);
}

// scrypt hash of a random string: verifying against it costs what verifying a real password costs.
const DUMMY_PASSWORD_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
