// Table shapes as Kysely sees them. Timestamps are ISO-8601 UTC text in both dialects: one query
// layer, and text order equals time order because toISOString() always has the same width.

export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  organization_id: string;
  name: string | null;
  email: string;
  email_lower: string;
  phone: string | null;
  access_right: string;
  created_at: string;
  updated_at: string;
}

export interface UserKeysTable {
  id: string;
  organization_id: string;
  user_id: string;
  key_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AppsTable {
  id: string;
  organization_id: string;
  name: string;
  name_lower: string;
  /** JSON array of scopes. */
  permissions: string;
  token_hash: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AppSessionsTable {
  id: string;
  organization_id: string;
  app_id: string;
  grant_type: string;
  user_agent: string | null;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SigningKeysTable {
  id: string;
  algorithm: string;
  public_jwk: string;
  /** Sealed with the master key (core/secret-box). */
  private_jwk: string;
  created_at: string;
}

export interface AuditLogTable {
  id: string;
  organization_id: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string;
  target_id: string;
  /** JSON object, or null. */
  details: string | null;
  created_at: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  organizations: OrganizationsTable;
  users: UsersTable;
  user_keys: UserKeysTable;
  apps: AppsTable;
  app_sessions: AppSessionsTable;
  signing_keys: SigningKeysTable;
  audit_log: AuditLogTable;
  meta: MetaTable;
}
