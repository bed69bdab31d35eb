// Secrets inside events: a survey.invited event carries a personal answer link. It rests sealed in
// the outbox, is opened only to be sent to the webhooks that asked for it, and reads as redacted
// everywhere else (the events API, delivery history, the console).
import type { PeopleEvent } from './events';
import { openSecret, sealSecret } from './secret-box';

export const REDACTED = '[redacted]';
const SEALED = 'sealed:';

interface InvitedObject {
  survey: { id: string };
  employee: { id: string };
  answerUrl: string;
}

const purposeOf = (surveyId: string, employeeId: string) => `survey-answer-url:${surveyId}:${employeeId}`;

/** The answer link as it rests in a survey.invited event. */
export function sealAnswerUrl(masterKey: Buffer, url: string, surveyId: string, employeeId: string): string {
  return SEALED + sealSecret(masterKey, url, purposeOf(surveyId, employeeId));
}

function invitedObject(event: PeopleEvent): InvitedObject | null {
  if (event.type !== 'survey.invited') return null;
  const object = event.data.object as Partial<InvitedObject>;
  return typeof object.answerUrl === 'string' ? (object as InvitedObject) : null;
}

function withAnswerUrl(event: PeopleEvent, answerUrl: string): PeopleEvent {
  return { ...event, data: { ...event.data, object: { ...event.data.object, answerUrl } } };
}

/** Whether the event carries a secret that history and the API must not show. */
export function holdsSecret(event: PeopleEvent): boolean {
  return invitedObject(event) !== null;
}

/** The event as anyone reading it sees it: the link redacted. */
export function redactEvent(event: PeopleEvent): PeopleEvent {
  return holdsSecret(event) ? withAnswerUrl(event, REDACTED) : event;
}

/** The event as its subscriber receives it: the link opened (redacted when it cannot be opened). */
export function openEvent(event: PeopleEvent, masterKey: Buffer): PeopleEvent {
  const object = invitedObject(event);
  if (object === null || !object.answerUrl.startsWith(SEALED)) return event;
  try {
    const url = openSecret(
      masterKey,
      object.answerUrl.slice(SEALED.length),
      purposeOf(object.survey.id, object.employee.id),
    );
    return withAnswerUrl(event, url);
  } catch {
    return withAnswerUrl(event, REDACTED);
  }
}
