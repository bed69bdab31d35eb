// The survey side of the worker, on the injectable clock: rounds whose time came are opened, open
// ones are refreshed once a day, reminded on their days and closed at their time (each step a
// compare-and-set, so exactly one process takes it), and the queued e-mails are sent.
import { surveyMail } from '../core/survey-mail';
import type { SurveyContext } from '../domain/surveys/context';
import { closeRound, openRound, refreshRound, remind } from '../domain/surveys/lifecycle';
import { answerUrl } from '../domain/surveys/links';
import { reminderDue } from '../core/surveys';
import { findEmployee } from '../store/employees';
import { findOrganization } from '../store/organizations';
import { findInvitation } from '../store/survey-invitations';
import { type SurveyMail, claimMails, finishMail } from '../store/survey-mails';
import { claimReminder, findSurveyById, openSurveys, surveysDueToOpen } from '../store/surveys';
import type { Mailer } from './mailer';
import { PollLoop } from './poll-loop';

export interface SurveyWorkerContext extends SurveyContext {
  mailer: Mailer;
}

/** How long one process keeps a mail to itself while sending it. */
const MAIL_LEASE_MS = 120_000;
/** When to try a mail again after SMTP refused it: 1 min, 5 min, 30 min, 2 h; then it is failed. */
const MAIL_RETRY_MS = [60_000, 300_000, 1_800_000, 7_200_000];
const MAILS_PER_PASS = 100;

export class SurveyWorker {
  private readonly loop: PollLoop;

  constructor(
    private readonly ctx: SurveyWorkerContext,
    pollMs: number,
  ) {
    this.loop = new PollLoop(
      () => this.tick(),
      pollMs,
      (error) => this.ctx.logger.error({ err: error }, 'survey worker pass failed'),
    );
  }

  start(): void {
    this.loop.start();
  }

  nudge(): void {
    this.loop.nudge();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass; true when mails are still waiting (the loop goes on at once). */
  async tick(): Promise<boolean> {
    await this.advanceRounds();
    return (await this.sendMails()) >= MAILS_PER_PASS;
  }

  /** Opening, the day's refresh, reminders and closing, as the clock says. */
  async advanceRounds(): Promise<void> {
    const { store, clock } = this.ctx;
    const now = clock.now();
    for (const survey of await surveysDueToOpen(store.db, now.toISOString())) await openRound(this.ctx, survey);
    for (const survey of await openSurveys(store.db)) {
      if (Date.parse(survey.closesAt) <= now.getTime()) {
        await closeRound(this.ctx, survey);
        continue;
      }
      await refreshRound(this.ctx, survey);
      // Only the latest reminder due goes out: a server that was down over several reminder days sends one.
      let due = -1;
      survey.reminders.forEach((days, i) => {
        if (
          i >= survey.remindersSent &&
          reminderDue(survey.openedAt ?? survey.opensAt, days).getTime() <= now.getTime()
        )
          due = i;
      });
      if (due >= 0) {
        for (let i = survey.remindersSent; i < due; i += 1) await this.skipReminder(survey.id, i);
        await remind(this.ctx, { ...survey, remindersSent: due }, due);
      }
    }
  }

  private async skipReminder(surveyId: string, index: number): Promise<void> {
    await claimReminder(this.ctx.store.db, surveyId, index, this.ctx.clock.now().toISOString());
  }

  /** Sends the due mails this process could claim; returns how many it handled. */
  async sendMails(): Promise<number> {
    const { store, clock } = this.ctx;
    const now = clock.now();
    const mails = await claimMails(
      store.db,
      now.toISOString(),
      new Date(now.getTime() + MAIL_LEASE_MS).toISOString(),
      MAILS_PER_PASS,
    );
    for (const mail of mails) await this.send(mail);
    return mails.length;
  }

  private async send(mail: SurveyMail): Promise<void> {
    const { store, clock, mailer, config, logger } = this.ctx;
    const now = clock.now();
    const at = now.toISOString();
    const cancel = () =>
      finishMail(store.db, mail, { status: 'cancelled', sentAt: null, error: null, nextAttemptAt: at });
    const invitation = await findInvitation(store.db, mail.invitationId);
    const survey = invitation === null ? null : await findSurveyById(store.db, invitation.surveyId);
    if (invitation === null || survey === null || survey.status !== 'open' || invitation.status !== 'active')
      return cancel();
    if (mail.kind === 'reminder' && invitation.respondedAt !== null) return cancel();
    const employee = await findEmployee(store.db, survey.organizationId, invitation.employeeId);
    const organization = await findOrganization(store.db, survey.organizationId);
    if (employee === null || organization === null) return cancel();
    // Without SMTP the mail is kept as a fact (whom, about what, when), never with its text or link.
    if (!mailer.configured)
      return finishMail(store.db, mail, { status: 'kept', sentAt: null, error: null, nextAttemptAt: at });
    const composed = surveyMail({
      organization: organization.name,
      survey: survey.name,
      firstName: employee.firstName,
      closesAt: survey.closesAt,
      link: answerUrl(this.ctx, survey, invitation.id),
      reminder: mail.kind === 'reminder',
      threshold: config.anonymityThreshold,
    });
    const outcome = await mailer.send(
      [employee.email],
      composed.subject,
      composed.text,
      () => clock.now(),
      composed.html,
    );
    if (outcome.error === null) {
      await finishMail(store.db, mail, {
        status: 'sent',
        sentAt: outcome.sentAt?.toISOString() ?? at,
        error: null,
        nextAttemptAt: at,
      });
      return;
    }
    const delay = MAIL_RETRY_MS[mail.attempts];
    // The error names the SMTP problem only: the message, and so the link, is never part of it.
    logger.warn({ surveyId: survey.id, mailId: mail.id, error: outcome.error }, 'survey mail not sent');
    await finishMail(store.db, mail, {
      status: delay === undefined ? 'failed' : 'pending',
      sentAt: null,
      error: outcome.error,
      nextAttemptAt: new Date(now.getTime() + (delay ?? 0)).toISOString(),
    });
  }
}
