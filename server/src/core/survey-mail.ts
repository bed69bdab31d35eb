// The survey e-mails, as text and HTML: the organization, the round, when it closes and the personal
// link. Pure: made when the mail is sent, so the link never rests in the store.

export interface SurveyMailInput {
  organization: string;
  survey: string;
  firstName: string;
  closesAt: string;
  link: string;
  reminder: boolean;
  /** The anonymity threshold, for the promise the mail repeats. */
  threshold: number;
}

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (value: string) =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** `20 Dec 2026, 17:00 UTC`: unambiguous for every reader, whatever their locale. */
export function closingText(closesAt: string): string {
  const d = new Date(closesAt);
  const month = d.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
  const time = d.toISOString().slice(11, 16);
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()}, ${time} UTC`;
}

export function surveyMail(m: SurveyMailInput): ComposedMail {
  const closes = closingText(m.closesAt);
  const subject = m.reminder
    ? `Reminder: ${m.survey} closes ${closes}`
    : `${m.organization} would like to hear from you: ${m.survey}`;
  const opening = m.reminder
    ? `You have not answered ${m.survey} yet. It takes about a minute, and it is open until ${closes}.`
    : `${m.organization} invites you to answer ${m.survey}. It takes about a minute, and it is open until ${closes}.`;
  const promise = `Your answers are anonymous: results are only shown for groups of at least ${m.threshold} people, and ${m.organization} never sees one person's answers.`;
  const text = [
    `Hello ${m.firstName},`,
    '',
    opening,
    '',
    `Answer here: ${m.link}`,
    '',
    promise,
    '',
    'This link is personal: please do not forward it.',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">',
    `<p>Hello ${escapeHtml(m.firstName)},</p>`,
    `<p>${escapeHtml(opening)}</p>`,
    `<p><a href="${escapeHtml(m.link)}">Answer ${escapeHtml(m.survey)}</a></p>`,
    `<p>${escapeHtml(promise)}</p>`,
    '<p>This link is personal: please do not forward it.</p>',
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
