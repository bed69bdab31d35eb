// What survey tests share: a real SMTP sink that keeps every mail, the personal link read out of a
// received mail, and the answer page driven as a browser without script would (GET, then a posted form).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { TestServer } from './harness';
import { type Response, call } from './http';
import { post } from './people';

export interface ReceivedMail {
  to: string[];
  raw: string;
  /** The raw message with quoted-printable soft breaks and escapes undone. */
  text: string;
}

export interface MailSink {
  url: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

function unQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export async function startMailSink(): Promise<MailSink> {
  const mails: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, text: unQuotedPrintable(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

/** The personal link in a mail (its text part). */
export function linkIn(mail: ReceivedMail): string {
  const match = /Answer here: (\S+)/.exec(mail.text);
  if (!match) throw new Error(`no link in the mail to ${mail.to.join(', ')}`);
  return match[1];
}

/** The path of a link (`/s/…`), for calling it on the test server. */
export const pathOf = (link: string) => new URL(link).pathname;

/** A round opening at the test clock's now and closing in 14 days, asking engagement and one driver. */
export async function createRound(server: TestServer, extra: Record<string, unknown> = {}): Promise<Response> {
  const now = server.clock.now().getTime();
  return post(server, '/v1/surveys', {
    name: 'Q4 pulse',
    questions: [{ key: 'engagement' }, { key: 'Growth', text: 'I can learn and grow here.' }],
    opensAt: new Date(now + 3_600_000).toISOString(),
    closesAt: new Date(now + 14 * 86_400_000).toISOString(),
    reminders: [3, 7],
    ...extra,
  });
}

/** The hidden invitation id the page's form carries. */
export function invitationOf(page: string): string {
  const match = /name="invitation" value="([^"]+)"/.exec(page);
  if (!match) throw new Error('the page has no form');
  return match[1];
}

/** Posts the page's form as a browser would: each question's radio value, in order. */
export async function answer(server: TestServer, path: string, scores: (number | string)[], invitation?: string) {
  const page = await call(server.url, path);
  const form = new URLSearchParams({ invitation: invitation ?? invitationOf(page.text) });
  scores.forEach((score, i) => form.set(`q${i}`, String(score)));
  return call(server.url, path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
}
