// Every environment variable the server reads, parsed and validated once, with its default.
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { VARIABLES } from './core/variables';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type StoreLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema: string };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  store: StoreLocation;
  /** Base for links in payloads and docs; null means "the address the server is bound to". */
  publicUrl: string | null;
  /** 32-byte key that encrypts secrets at rest; null means "use or create DATA_DIR/master.key". */
  masterKey: Buffer | null;
  smtpUrl: string | null;
  logLevel: LogLevel;
  /** Development mode: http:// webhooks and loopback/private destinations, said at start. */
  dev: boolean;
  allowHttpWebhooks: boolean;
  webhookAllowCidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][];
  demo: boolean;
  bodyLimitBytes: number;
  jwtTtlSeconds: number;
  shutdownTimeoutMs: number;
  /** Engagement results with fewer respondents than this are withheld. */
  anonymityThreshold: number;
  /** Token bucket per credential: sustained requests per second (0 turns limiting off) and burst. */
  rateLimitPerSecond: number;
  rateLimitBurst: number;
  /** Token requests (exchange, OAuth) per minute per client address and per app; 0 turns it off. */
  authRateLimitPerMinute: number;
  /** Take the client address from X-Forwarded-For (set by a reverse proxy in front). */
  trustProxy: boolean;
  /** How long a webhook receiver has to answer. */
  webhookTimeoutMs: number;
  /** Run the delivery dispatcher in this process. */
  worker: boolean;
  /** How often an idle dispatcher looks for work (writes in this process wake it at once). */
  workerPollMs: number;
  /** How long a claimed message stays with its worker; longer than a send can take. */
  workerLeaseMs: number;
  /** A webhook failing without a success for this long is disabled. */
  webhookDisableAfterDays: number;
  /** Delivery history and delivered events are kept this long. */
  historyRetentionDays: number;
  /** Sender address of error mails. */
  mailFrom: string;
  /** How long HiBob has to answer (per request; a long answer must keep arriving). */
  hibobTimeoutMs: number;
  /**
   * A running sync or import whose heartbeat is older than this was cut off (its process died) and
   * is marked failed; a run refreshes its heartbeat at every batch.
   */
  runStaleMs: number;
  /** Where HiBob's API is when a connection does not say. */
  hibobBaseUrl: string;
  /** When set, GET /metrics needs `Authorization: Bearer <this>`. */
  metricsToken: string | null;
  /** When set, /metrics is served on this port only (and not on PORT). */
  metricsPort: number | null;
}

/** Variables that messages name (kept in core/, whose address policy names one too). */
export { VARIABLES };

/** A configuration value that cannot be used; its message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

function masterKey(env: Env): Buffer | null {
  const raw = read(env, 'PEOPLEHUB_MASTER_KEY');
  if (raw === undefined) return null;
  const hex = /^[0-9a-fA-F]{64}$/.test(raw);
  const key = Buffer.from(raw, hex ? 'hex' : 'base64');
  if (key.length !== 32 || (!hex && !/^[A-Za-z0-9+/]{43}=?$/.test(raw))) {
    throw new ConfigError('PEOPLEHUB_MASTER_KEY', 'must be 32 bytes, written as 64 hex digits or as base64');
  }
  return key;
}

function store(env: Env, dataDir: string): StoreLocation {
  const raw = read(env, 'DATABASE_URL');
  const schema = read(env, 'DATABASE_SCHEMA') ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError('DATABASE_SCHEMA', `must be a lower-case SQL identifier (got "${schema}")`);
  }
  if (raw === undefined) return { kind: 'sqlite', file: path.join(dataDir, 'peoplehub.db') };
  if (/^postgres(ql)?:\/\//.test(raw)) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid postgres:// URL');
    }
    return { kind: 'postgres', url: raw, schema };
  }
  if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length).replace(/^\/\//, '');
    if (file === '') throw new ConfigError('DATABASE_URL', 'must name a file after sqlite:');
    return { kind: 'sqlite', file: path.resolve(file) };
  }
  throw new ConfigError('DATABASE_URL', 'must start with postgres://, postgresql:// or sqlite:');
}

function httpUrl(env: Env, name: string): string | null {
  const raw = read(env, name);
  if (raw === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a URL (got "${raw}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, 'must be an http:// or https:// URL');
  }
  return raw.replace(/\/+$/, '');
}

/** What PEOPLEHUB_DEV lets webhooks reach: this machine and the private networks around it (Docker, LAN). */
const DEV_CIDRS = ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'];

function cidrs(env: Env, dev: boolean): [ipaddr.IPv4 | ipaddr.IPv6, number][] {
  const raw = [read(env, VARIABLES.webhookAllowCidrs) ?? '', ...(dev ? DEV_CIDRS : [])].join(',');
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      try {
        return ipaddr.parseCIDR(part);
      } catch {
        throw new ConfigError(
          VARIABLES.webhookAllowCidrs,
          `holds "${part}", which is not a CIDR range like 10.0.0.0/8`,
        );
      }
    });
}

function metricsToken(env: Env): string | null {
  const raw = read(env, 'PEOPLEHUB_METRICS_TOKEN');
  if (raw === undefined) return null;
  if (!/^[\x21-\x7e]{16,256}$/.test(raw))
    throw new ConfigError('PEOPLEHUB_METRICS_TOKEN', 'must be 16 to 256 visible ASCII characters');
  return raw;
}

/** Reads the configuration from an environment; throws ConfigError on the first bad value. */
export function loadConfig(env: Env = process.env): Config {
  const config = readConfig(env);
  if (config.metricsPort !== null && config.metricsPort !== 0 && config.metricsPort === config.port) {
    throw new ConfigError('PEOPLEHUB_METRICS_PORT', `must differ from PORT (${config.port})`);
  }
  if (config.workerLeaseMs <= config.webhookTimeoutMs) {
    throw new ConfigError(
      'PEOPLEHUB_WORKER_LEASE_MS',
      `must be longer than PEOPLEHUB_WEBHOOK_TIMEOUT_MS (${config.webhookTimeoutMs} ms), or a slow send could be sent twice at once`,
    );
  }
  return config;
}

function readConfig(env: Env): Config {
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const host = read(env, 'HOST') ?? '127.0.0.1';
  if (ipaddr.isValid(host) === false && !/^[a-zA-Z0-9.-]+$/.test(host)) {
    throw new ConfigError('HOST', `must be an IP address or host name (got "${host}")`);
  }
  const dataDir = path.resolve(read(env, 'DATA_DIR') ?? 'data');
  const logLevel = (read(env, 'LOG_LEVEL') ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  const dev = boolean(env, VARIABLES.dev, false);
  const smtpUrl = read(env, 'SMTP_URL') ?? null;
  if (smtpUrl !== null && !/^smtps?:\/\//.test(smtpUrl)) {
    throw new ConfigError('SMTP_URL', 'must start with smtp:// or smtps://');
  }
  return {
    port,
    host,
    dataDir,
    store: store(env, dataDir),
    publicUrl: httpUrl(env, 'PUBLIC_URL'),
    masterKey: masterKey(env),
    smtpUrl,
    logLevel,
    dev,
    allowHttpWebhooks: boolean(env, VARIABLES.allowHttpWebhooks, dev),
    webhookAllowCidrs: cidrs(env, dev),
    demo: boolean(env, 'PEOPLEHUB_DEMO', true),
    bodyLimitBytes: integer(env, 'PEOPLEHUB_BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024),
    jwtTtlSeconds: integer(env, 'PEOPLEHUB_JWT_TTL', 3600, 60, 86400),
    shutdownTimeoutMs: integer(env, 'PEOPLEHUB_SHUTDOWN_TIMEOUT_MS', 10000, 0, 600000),
    anonymityThreshold: integer(env, 'PEOPLEHUB_ANONYMITY_THRESHOLD', 5, 1, 1000),
    rateLimitPerSecond: integer(env, 'PEOPLEHUB_RATE_LIMIT', 100, 0, 1_000_000),
    rateLimitBurst: integer(env, 'PEOPLEHUB_RATE_LIMIT_BURST', 200, 1, 1_000_000),
    authRateLimitPerMinute: integer(env, 'PEOPLEHUB_AUTH_RATE_LIMIT', 60, 0, 1_000_000),
    trustProxy: boolean(env, 'PEOPLEHUB_TRUST_PROXY', false),
    webhookTimeoutMs: integer(env, 'PEOPLEHUB_WEBHOOK_TIMEOUT_MS', 15_000, 100, 120_000),
    worker: boolean(env, 'PEOPLEHUB_WORKER', true),
    workerPollMs: integer(env, 'PEOPLEHUB_WORKER_POLL_MS', 100, 1, 60_000),
    workerLeaseMs: integer(env, 'PEOPLEHUB_WORKER_LEASE_MS', 60_000, 1_000, 3_600_000),
    webhookDisableAfterDays: integer(env, 'PEOPLEHUB_WEBHOOK_DISABLE_AFTER_DAYS', 5, 1, 365),
    historyRetentionDays: integer(env, 'PEOPLEHUB_HISTORY_RETENTION_DAYS', 30, 1, 3650),
    mailFrom: read(env, 'PEOPLEHUB_MAIL_FROM') ?? 'PeopleHub <no-reply@peoplehub.invalid>',
    hibobTimeoutMs: integer(env, 'PEOPLEHUB_HIBOB_TIMEOUT_MS', 30_000, 100, 600_000),
    runStaleMs: integer(env, 'PEOPLEHUB_RUN_STALE_MS', 120_000, 1_000, 86_400_000),
    hibobBaseUrl: httpUrl(env, 'PEOPLEHUB_HIBOB_BASE_URL') ?? 'https://api.hibob.com',
    metricsToken: metricsToken(env),
    metricsPort:
      read(env, 'PEOPLEHUB_METRICS_PORT') === undefined ? null : integer(env, 'PEOPLEHUB_METRICS_PORT', 0, 0, 65535),
  };
}
