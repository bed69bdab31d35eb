// Survey rounds: what a round is, the rules a definition must follow, and when the next round of a
// cadence falls. Pure, so the rules can be checked without a server.
import { reservedNameProblem } from './map-keys';
import type { FieldError } from './problem';

export const SURVEY_STATUSES = ['scheduled', 'open', 'closed'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

export const CADENCES = ['none', 'monthly', 'quarterly'] as const;
export type Cadence = (typeof CADENCES)[number];

export const ENGAGEMENT_QUESTION = 'engagement';
export const MAX_QUESTIONS = 30;
export const MAX_REMINDERS = 10;

/** The engagement question's wording when a round gives none; `{organization}` is the organization's name. */
export const DEFAULT_ENGAGEMENT_TEXT = 'How likely is it that you would recommend {organization} as a place to work?';

export interface Question {
  /** "engagement", or the name of a driver. */
  key: string;
  text: string;
}

export interface SurveyDefinition {
  name: string;
  questions: Question[];
  opensAt: string;
  closesAt: string;
  /** Days after opening on which those who have not answered are reminded. */
  reminders: number[];
  /** Segment strings (`department:Sales`); empty: the whole organization. */
  audience: string[];
  cadence: Cadence;
}

/** Instants as UTC ISO text, so that they compare as text (the store and the worker compare them so). */
export function inUtc<T extends Partial<Pick<SurveyDefinition, 'opensAt' | 'closesAt'>>>(d: T): T {
  const utc = (v: string | undefined) => (v === undefined ? undefined : new Date(v).toISOString());
  return {
    ...d,
    ...(d.opensAt !== undefined ? { opensAt: utc(d.opensAt) } : {}),
    ...(d.closesAt !== undefined ? { closesAt: utc(d.closesAt) } : {}),
  };
}

/** A question as asked: `{organization}` filled in. */
export function questionText(question: Question, organization: string): string {
  return question.text.split('{organization}').join(organization);
}

/** Fills in the engagement question's default wording where a question came without text. */
export function withDefaultTexts(questions: { key: string; text?: string }[]): Question[] {
  return questions.map((q) => ({
    key: q.key,
    text: q.text ?? (q.key === ENGAGEMENT_QUESTION ? DEFAULT_ENGAGEMENT_TEXT : q.key),
  }));
}

const DAY_MS = 86_400_000;

/** When reminder `index` is due: that many days after the round opened. */
export function reminderDue(openedAt: string, days: number): Date {
  return new Date(Date.parse(openedAt) + days * DAY_MS);
}

/**
 * What is wrong with a definition, as field errors: the engagement question missing, a question
 * twice, closing before opening, reminders that would fall after closing or repeat.
 */
export function definitionErrors(d: SurveyDefinition): FieldError[] {
  const errors: FieldError[] = [];
  const at = (path: string, message: string) => errors.push({ location: 'body', path, message });
  if (!d.questions.some((q) => q.key === ENGAGEMENT_QUESTION))
    at('/questions', `must include the "${ENGAGEMENT_QUESTION}" question`);
  const seen = new Set<string>();
  d.questions.forEach((q, i) => {
    const key = q.key.toLowerCase();
    const reserved = reservedNameProblem(q.key);
    if (reserved !== null) at(`/questions/${i}/key`, reserved);
    else if (seen.has(key)) at(`/questions/${i}/key`, `"${q.key}" is asked twice`);
    seen.add(key);
  });
  const opens = Date.parse(d.opensAt);
  const closes = Date.parse(d.closesAt);
  if (!(closes > opens)) at('/closesAt', `must be after opensAt (${d.opensAt})`);
  const days = new Set<number>();
  d.reminders.forEach((day, i) => {
    if (days.has(day)) at(`/reminders/${i}`, `day ${day} is listed twice`);
    days.add(day);
    if (closes > opens && opens + day * DAY_MS >= closes)
      at(`/reminders/${i}`, `day ${day} falls on or after closesAt (${d.closesAt})`);
  });
  return errors;
}

/** The same instant `months` calendar months later (the last day of a shorter month when needed). */
export function addMonths(instant: string, months: number): string {
  const date = new Date(instant);
  const day = date.getUTCDate();
  const moved = new Date(date.getTime());
  moved.setUTCDate(1);
  moved.setUTCMonth(moved.getUTCMonth() + months);
  const last = new Date(Date.UTC(moved.getUTCFullYear(), moved.getUTCMonth() + 1, 0)).getUTCDate();
  moved.setUTCDate(Math.min(day, last));
  return moved.toISOString();
}

/**
 * The next round of a cadence: the same questions, audience and reminders, opening a month or a
 * quarter after this one opened and open for as long. Null without a cadence.
 */
export function nextRound(d: SurveyDefinition): Pick<SurveyDefinition, 'opensAt' | 'closesAt'> | null {
  if (d.cadence === 'none') return null;
  const months = d.cadence === 'monthly' ? 1 : 3;
  const opensAt = addMonths(d.opensAt, months);
  const length = Date.parse(d.closesAt) - Date.parse(d.opensAt);
  return { opensAt, closesAt: new Date(Date.parse(opensAt) + length).toISOString() };
}
