// Access tokens: short-lived JWTs (HS256) naming the account; the key is the instance's own.
import { jwtVerify, SignJWT } from 'jose';
import { createSecretKey, KeyObject } from 'node:crypto';
import { Role } from './accounts';

export interface TokenClaims {
  readonly username: string;
  readonly role: Role;
}

export class Tokens {
  /** Imported once: given raw bytes, jose would import the key again on every request. */
  private readonly key: KeyObject;

  constructor(
    key: Uint8Array,
    private readonly ttlSeconds: number,
    private readonly issuer: string,
  ) {
    this.key = createSecretKey(key);
  }

  async issue(claims: TokenClaims): Promise<{ token: string; expiresAt: string }> {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ role: claims.role })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.username)
      .setIssuer(this.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlSeconds)
      .sign(this.key);
    return { token, expiresAt: new Date((now + this.ttlSeconds) * 1000).toISOString() };
  }

  /** The claims of a valid, unexpired token of this instance; undefined otherwise. */
  async verify(token: string): Promise<TokenClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: this.issuer, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.role !== 'string') return undefined;
      return { username: payload.sub, role: payload.role as Role };
    } catch {
      return undefined;
    }
  }
}
