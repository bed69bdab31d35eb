// A real HTTP receiver on loopback for webhook tests: records every request and every connection.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  port: number;
  requests: Received[];
  connections: number;
  /** What to answer; by default 200 "ok". */
  respond: (req: Received, res: http.ServerResponse) => void;
  close(): Promise<void>;
}

/** What a receiver answers unless a test says otherwise. */
export function answerOk(_req: Received, res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
}

export async function startReceiver(host = '127.0.0.1'): Promise<Receiver> {
  const receiver = { requests: [] as Received[], connections: 0, respond: answerOk } as Receiver;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      receiver.requests.push(received);
      receiver.respond(received, res);
    });
  });
  server.on('connection', () => {
    receiver.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://${host}:${receiver.port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** Waits (on real I/O, bounded) until `check` holds; for deliveries that happen in the background. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * One receiver for a test file: started before its tests, closed after them. A test that changes
 * its answer has it put back afterwards, also when it fails, so the next test gets the default.
 */
export function useReceiver(): () => Receiver {
  let receiver: Receiver | null = null;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => {
    if (receiver !== null) receiver.respond = answerOk;
  });
  afterAll(async () => {
    await receiver?.close();
  });
  return () => {
    if (receiver === null) throw new Error('the receiver is not running');
    return receiver;
  };
}
