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
    expect(res.text).toMatch(/peoplehub_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/v1\/users"\}/);
  });
});
