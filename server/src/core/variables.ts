// The names of the configuration variables that refusals name, so a message tells its reader which
// switch would change it. config.ts reads the variables by these names; defined once, here.

export const VARIABLES = {
  dev: 'PEOPLEHUB_DEV',
  allowHttpWebhooks: 'PEOPLEHUB_ALLOW_HTTP_WEBHOOKS',
  webhookAllowCidrs: 'PEOPLEHUB_WEBHOOK_ALLOW_CIDRS',
} as const;
