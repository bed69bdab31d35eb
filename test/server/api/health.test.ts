import { eachStore } from '../../helpers/harness';
import { call } from '../../helpers/http';

eachStore('health, readiness and metrics', (server) => {
  test('/healthz and /readyz answer without credentials', async () => {
    expect((await call(server().url, '/healthz')).body).toEqual({ status: 'ok' });
    expect((await call(server().url, '/readyz')).body).toEqual({ status: 'ok' });
    const head = await call(server().url, '/healthz', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });

  test('/metrics counts requests by route and status in the Prometheus format', async () => {
    await call(server().url, '/v1/users', { key: server().org.ownerKey });
    await call(server().url, '/v1/users');
    const res = await call(server().url, '/metrics');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/peoplehub_http_requests_total\{method="GET",route="\/v1\/users",status="200"\} [1-9]/);
    expect(res.text).toMatch(/peoplehub_http_requests_total\{method="GET",route="\/v1\/users",status="401"\} [1-9]/);
    expect(res.text).toMatch(
      /peoplehub_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/v1\/users"\}/,
    );
  });
});

eachStore(
  'metrics behind a token',
  (server) => {
    test('/metrics needs the token as a Bearer credential', async () => {
      expect((await call(server().url, '/metrics')).status).toBe(401);
      expect(
        (await call(server().url, '/metrics', { headers: { authorization: 'Bearer not-the-metrics-token' } })).status,
      ).toBe(401);
      const ok = await call(server().url, '/metrics', {
        headers: { authorization: 'Bearer s3cret-metrics-token-0123' },
      });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('peoplehub_http_requests_total');
    });
  },
  { PEOPLEHUB_METRICS_TOKEN: 's3cret-metrics-token-0123' },
);

eachStore(
  'metrics on their own port',
  (server) => {
    test('/metrics is served on PEOPLEHUB_METRICS_PORT and not on the API port', async () => {
      const metricsUrl = server().hub.metricsUrl;
      expect(metricsUrl).not.toBeNull();
      expect((await call(server().url, '/metrics')).status).toBe(404);
      await call(server().url, '/v1/users', { key: server().org.ownerKey });
      const res = await call(metricsUrl as string, '/metrics');
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/peoplehub_http_requests_total\{method="GET",route="\/v1\/users",status="200"\} [1-9]/);
      // Nothing else is reachable there.
      expect((await call(metricsUrl as string, '/v1/users', { key: server().org.ownerKey })).status).toBe(404);
    });
  },
  { PEOPLEHUB_METRICS_PORT: '0' },
);
