// The server's JWT signing keys: generated on first start, private halves sealed with the master key.
import { type JWK, type KeyLike, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { Kysely } from 'kysely';
import { newId } from '../core/ids';
import {
  JWT_ALGORITHM,
  type SigningKey,
  type VerifiedClaims,
  type VerifyOutcome,
  verifyAccessToken,
} from '../core/jwt';
import { openSecret, sealSecret } from '../core/secret-box';
import type { Database } from './schema';

const purpose = (kid: string): string => `signing-key:${kid}`;

/** How many verified access tokens are remembered; an Ed25519 check costs more than the rest of a request. */
const VERIFIED_CACHE_SIZE = 10_000;

/** Every known signing key; the newest signs, all of them verify (so rotation never breaks sessions). */
export class Keyring {
  private publicKeys = new Map<string, KeyLike>();
  private publicJwks: JWK[] = [];
  private signing: SigningKey | null = null;
  private readonly verified = new Map<string, VerifiedClaims>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly masterKey: Buffer,
  ) {}

  /** Loads the keys, creating the first one when there is none. */
  async load(now: Date): Promise<void> {
    let rows = await this.rows();
    if (rows.length === 0) {
      await this.generate(now);
      // Another process may have generated one at the same moment; both stay valid.
      rows = await this.rows();
    }
    const publicKeys = new Map<string, KeyLike>();
    const jwks: JWK[] = [];
    for (const row of rows) {
      const jwk = JSON.parse(row.public_jwk) as JWK;
      publicKeys.set(row.id, (await importJWK(jwk, JWT_ALGORITHM)) as KeyLike);
      jwks.push(jwk);
    }
    const newest = rows[rows.length - 1];
    const privateJwk = JSON.parse(openSecret(this.masterKey, newest.private_jwk, purpose(newest.id))) as JWK;
    this.signing = { kid: newest.id, privateKey: (await importJWK(privateJwk, JWT_ALGORITHM)) as KeyLike };
    this.publicKeys = publicKeys;
    this.publicJwks = jwks;
  }

  get current(): SigningKey {
    if (this.signing === null) throw new Error('the keyring is not loaded');
    return this.signing;
  }

  publicKey(kid: string): KeyLike | undefined {
    return this.publicKeys.get(kid);
  }

  /**
   * Verifies an access token. A token whose signature was checked before is only checked for
   * expiry against `now`; an unknown key id reloads the keys once, since another server process
   * may have created one.
   */
  async verify(token: string, now: Date): Promise<VerifyOutcome> {
    const known = this.verified.get(token);
    if (known !== undefined) {
      return now.getTime() < known.exp * 1000 ? { ok: true, claims: known } : { ok: false, reason: 'expired' };
    }
    let outcome = await verifyAccessToken(token, (kid) => this.publicKey(kid), now);
    if (!outcome.ok && outcome.reason === 'unknown-key') {
      await this.load(now);
      outcome = await verifyAccessToken(token, (kid) => this.publicKey(kid), now);
    }
    if (outcome.ok) {
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, outcome.claims);
    }
    return outcome;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.publicJwks };
  }

  private rows() {
    return this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('id').execute();
  }

  private async generate(now: Date): Promise<void> {
    const kid = newId('key', now);
    const { publicKey, privateKey } = await generateKeyPair(JWT_ALGORITHM, { crv: 'Ed25519', extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: JWT_ALGORITHM, use: 'sig' };
    const privateJwk = await exportJWK(privateKey);
    await this.db
      .insertInto('signing_keys')
      .values({
        id: kid,
        algorithm: JWT_ALGORITHM,
        public_jwk: JSON.stringify(publicJwk),
        private_jwk: sealSecret(this.masterKey, JSON.stringify(privateJwk), purpose(kid)),
        created_at: now.toISOString(),
      })
      .execute();
  }
}
