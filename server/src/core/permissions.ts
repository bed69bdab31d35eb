// The permission scopes, defined once; OpenAPI, the apps API and the n8n options derive from here.

export const SCOPES = [
  'employees:read',
  'employees:write',
  'org:read',
  'org:write',
  'recognitions:read',
  'recognitions:write',
  'engagement:read',
  'engagement:write',
  'surveys:read',
  'surveys:write',
  'users:read',
  'users:write',
  'webhooks:manage',
  'integrations:manage',
  'audit:read',
] as const;

export type Scope = (typeof SCOPES)[number];

export const ACCESS_RIGHTS = ['owner', 'admin', 'member'] as const;
export type AccessRight = (typeof ACCESS_RIGHTS)[number];

const READ_SCOPES = SCOPES.filter((scope) => scope.endsWith(':read') && scope !== 'audit:read');

/**
 * What a user's own key may do. Owners and admins hold every scope; only owners manage apps,
 * which the apps routes check separately. Members read people data but not the audit trail.
 */
export function scopesForAccessRight(accessRight: AccessRight): ReadonlySet<Scope> {
  return new Set<Scope>(accessRight === 'member' ? READ_SCOPES : SCOPES);
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
