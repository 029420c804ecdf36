// Access tokens: short-lived JWTs (HS256) naming the account; the key is the instance's own.
import { jwtVerify, SignJWT } from 'jose';
import { createSecretKey, KeyObject, randomUUID } from 'node:crypto';
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
      .setJti(randomUUID())
      .setSubject(claims.username)
      .setIssuer(this.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlSeconds)
      .sign(this.key);
    return { token, expiresAt: new Date((now + this.ttlSeconds) * 1000).toISOString() };
  }

  /** The claims of a valid, unexpired token of this instance; undefined otherwise. */
  async verify(token: string): Promise<TokenClaims | undefined> {
    return (await this.verifyWithId(token))?.claims;
  }

  /** As verify, with the token's own ID and expiry (seconds since the epoch). */
  async verifyWithId(token: string): Promise<{ claims: TokenClaims; id: string | undefined; expires: number } | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: this.issuer, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.role !== 'string' || typeof payload.exp !== 'number') return undefined;
      // Session tokens issued before tokens had IDs stay valid until they expire; tickets need one (TicketBook).
      return { claims: { username: payload.sub, role: payload.role as Role }, id: payload.jti, expires: payload.exp };
    } catch {
      return undefined;
    }
  }
}

/**
 * Tickets that open the live feed once. A ticket travels in a URL (EventSource cannot send
 * headers), where logs and browser history may keep it: so it is good for seconds, and for one
 * connection only. Used tickets are remembered until they expire. The memory is this process's:
 * behind a load balancer, a ticket is single-use per instance (and still expires in seconds).
 */
export class TicketBook {
  private readonly used = new Map<string, number>();

  constructor(
    private readonly tickets: Tokens,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  issue(claims: TokenClaims): Promise<{ token: string; expiresAt: string }> {
    return this.tickets.issue(claims);
  }

  /** The claims of a valid ticket not used before, which is used up by this call; undefined otherwise. */
  async redeem(ticket: string): Promise<TokenClaims | undefined> {
    const verified = await this.tickets.verifyWithId(ticket);
    this.forgetExpired();
    if (!verified?.id || this.used.has(verified.id)) return undefined;
    this.used.set(verified.id, verified.expires);
    return verified.claims;
  }

  private forgetExpired(): void {
    const now = this.nowSeconds();
    for (const [id, expires] of this.used) if (expires < now) this.used.delete(id);
  }
}
