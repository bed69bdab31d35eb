import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { type TestServer, startTestServer, storeKinds } from '../../helpers/harness';
import { eventually } from '../../helpers/receiver';

describe.each(storeKinds())('an upload the client abandons [%s]', (kind) => {
  let server: TestServer;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n'))
          if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    server = await startTestServer(kind, {}, { logger: pino({ level: 'info' }, sink) });
  });
  afterAll(async () => {
    await server.close();
  });

  test('is logged as a client that closed the request (499), not as an unhandled error', async () => {
    const { port } = new URL(server.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /v1/users HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${server.org.ownerKey}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email": "half`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    const logged = await eventually(() =>
      lines.find((line) => line.msg === 'request' && line.url === '/v1/users' && line.method === 'POST'),
    );
    expect(logged).toMatchObject({
      status: 499,
      note: 'the client closed the connection before sending the whole request',
    });
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('unhandled error');
  });
});
