// E-mails through SMTP (nodemailer): webhook error notices and survey invitations. Without SMTP_URL
// nothing is sent; the caller keeps what it may keep.
// nodemailer is loaded with the first mail, so a server without SMTP does not carry it in memory.
import type { Transporter } from 'nodemailer';

export interface MailOutcome {
  sentAt: Date | null;
  error: string | null;
}

export class Mailer {
  private transport: Transporter | null = null;

  constructor(
    private readonly smtpUrl: string | null,
    private readonly from: string,
  ) {}

  get configured(): boolean {
    return this.smtpUrl !== null;
  }

  async send(to: string[], subject: string, text: string, now: () => Date, html?: string): Promise<MailOutcome> {
    if (this.smtpUrl === null || to.length === 0) return { sentAt: null, error: null };
    try {
      if (this.transport === null) {
        const nodemailer = await import('nodemailer');
        this.transport ??= nodemailer.createTransport(this.smtpUrl);
      }
      await this.transport.sendMail({ from: this.from, to, subject, text, ...(html === undefined ? {} : { html }) });
      return { sentAt: now(), error: null };
    } catch (error) {
      return { sentAt: null, error: (error as Error).message };
    }
  }

  close(): void {
    this.transport?.close();
  }
}
