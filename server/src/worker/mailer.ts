// Error e-mails through SMTP (nodemailer). Without SMTP_URL nothing is sent; the notification is kept.
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailOutcome {
  sentAt: Date | null;
  error: string | null;
}

export class Mailer {
  private readonly transport: Transporter | null;

  constructor(
    smtpUrl: string | null,
    private readonly from: string,
  ) {
    this.transport = smtpUrl === null ? null : nodemailer.createTransport(smtpUrl);
  }

  get configured(): boolean {
    return this.transport !== null;
  }

  async send(to: string[], subject: string, text: string, now: () => Date): Promise<MailOutcome> {
    if (this.transport === null || to.length === 0) return { sentAt: null, error: null };
    try {
      await this.transport.sendMail({ from: this.from, to, subject, text });
      return { sentAt: now(), error: null };
    } catch (error) {
      return { sentAt: null, error: (error as Error).message };
    }
  }

  close(): void {
    this.transport?.close();
  }
}
