// Short-lived access tokens (JWT, EdDSA) issued for app sessions; signing and verification only.
import { SignJWT, errors, jwtVerify, type JWTPayload, type KeyLike } from 'jose';
import { type Scope, isScope } from './permissions';

export const JWT_ALGORITHM = 'EdDSA';
export const JWT_ISSUER = 'peoplehub';
export const JWT_AUDIENCE = 'peoplehub-api';
const JWT_TYPE = 'at+jwt';

export interface AccessClaims {
  organizationId: string;
  appId: string;
  sessionId: string;
  scopes: Scope[];
}

export interface SigningKey {
  kid: string;
  privateKey: KeyLike;
}

export async function signAccessToken(
  key: SigningKey,
  claims: AccessClaims,
  issuedAt: Date,
  ttlSeconds: number,
): Promise<string> {
  const iat = Math.floor(issuedAt.getTime() / 1000);
  return new SignJWT({ org: claims.organizationId, sid: claims.sessionId, scope: claims.scopes.join(' ') })
    .setProtectedHeader({ alg: JWT_ALGORITHM, kid: key.kid, typ: JWT_TYPE })
    .setSubject(claims.appId)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(key.privateKey);
}

export interface VerifiedClaims extends AccessClaims {
  /** Expiry, in seconds since the epoch. */
  exp: number;
}

export type VerifyOutcome =
  { ok: true; claims: VerifiedClaims } | { ok: false; reason: 'expired' | 'unknown-key' | 'invalid' };

function readClaims(payload: JWTPayload): VerifiedClaims | null {
  const { org, sid, scope, sub, exp } = payload as JWTPayload & { org?: unknown; sid?: unknown; scope?: unknown };
  if (
    typeof org !== 'string' ||
    typeof sid !== 'string' ||
    typeof scope !== 'string' ||
    typeof sub !== 'string' ||
    typeof exp !== 'number'
  )
    return null;
  const scopes = scope === '' ? [] : scope.split(' ');
  if (!scopes.every(isScope)) return null;
  return { organizationId: org, sessionId: sid, appId: sub, scopes: scopes as Scope[], exp };
}

/**
 * Verifies signature, algorithm (EdDSA only, so `alg: none` and HMAC confusion fail), type,
 * issuer, audience and expiry against `now`, which comes from the injectable clock.
 */
export async function verifyAccessToken(
  token: string,
  publicKey: (kid: string) => KeyLike | undefined,
  now: Date,
): Promise<VerifyOutcome> {
  let unknownKey = false;
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid === undefined ? undefined : publicKey(header.kid);
        if (key === undefined) {
          unknownKey = true;
          throw new errors.JWKSNoMatchingKey();
        }
        return key;
      },
      {
        algorithms: [JWT_ALGORITHM],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        typ: JWT_TYPE,
        currentDate: now,
        requiredClaims: ['exp', 'iat', 'sub'],
      },
    );
    const claims = readClaims(payload);
    return claims ? { ok: true, claims } : { ok: false, reason: 'invalid' };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
    if (unknownKey) return { ok: false, reason: 'unknown-key' };
    return { ok: false, reason: 'invalid' };
  }
}
