// One event of every type that carries user text, with each piece of that text taken from a slot:
// for golden files with hostile text and for the property that such text stays inert.
import type { EventType, PeopleEvent } from '../../server/src/core/events';

/** Every place an event puts user text into a chat message. */
export const TEXT_SLOTS = [
  'actorName',
  'actorEmail',
  'appName',
  'displayName',
  'email',
  'title',
  'department',
  'groupName',
  'purpose',
  'roleName',
  'label',
  'oldValue',
  'newValue',
  'added',
  'removed',
  'attributeName',
  'giver',
  'recipient',
  'program',
  'note',
  'orgName',
  'userName',
  'error',
  'webhookName',
  'reason',
  'surveyName',
  'inviteeFirstName',
] as const;

export type TextSlot = (typeof TEXT_SLOTS)[number];

/** The event types whose messages hold user text; sync.completed holds only counts. survey.invited never goes to a chat webhook, and is here to show it renders inert (and without its link) all the same. */
export const TEXT_EVENT_TYPES: EventType[] = [
  'employee.created',
  'employee.updated',
  'employee.deleted',
  'group.created',
  'group.updated',
  'group.deleted',
  'role.created',
  'role.updated',
  'role.deleted',
  'recognition.completed',
  'organization.updated',
  'user.updated',
  'user.deleted',
  'sync.failed',
  'webhook.disabled',
  'survey.opened',
  'survey.closed',
  'survey.invited',
];

export function eventsWithText(text: (slot: TextSlot) => string): Record<string, PeopleEvent> {
  const user = { type: 'user' as const, id: 'usr_1', name: text('actorName'), email: text('actorEmail') };
  const app = { type: 'app' as const, id: 'app_1', name: text('appName') };
  const event = (
    type: EventType,
    object: Record<string, unknown>,
    changes?: PeopleEvent['data']['changes'],
    actor: PeopleEvent['actor'] = user,
  ): PeopleEvent => ({
    id: 'evt_1',
    type,
    timestamp: '2026-11-22T10:00:00.000Z',
    organizationId: 'org_1',
    actor,
    data: changes ? { object, changes } : { object },
  });
  const employee = {
    id: 'emp_1',
    displayName: text('displayName'),
    email: text('email'),
    title: text('title'),
    department: text('department'),
  };
  const group = { id: 'grp_1', name: text('groupName'), purpose: text('purpose') };
  const role = { id: 'rol_1', name: text('roleName'), groupId: 'grp_1', groupName: text('groupName') };
  const survey = {
    id: 'sur_1',
    name: text('surveyName'),
    opensAt: '2026-11-22T10:00:00.000Z',
    closesAt: '2026-12-20T17:00:00.000Z',
    participation: { invited: 143, responded: 0, rate: 0 },
  };
  const changes = (): PeopleEvent['data']['changes'] => [
    { field: 'title', label: text('label'), old: text('oldValue'), new: text('newValue') },
    {
      field: `attributes.${text('attributeName')}`,
      label: text('attributeName'),
      added: [text('added'), 'Go'],
      removed: [text('removed')],
    },
  ];
  return {
    'employee.created': event('employee.created', employee),
    'employee.updated': event('employee.updated', employee, changes()),
    'employee.deleted': event('employee.deleted', employee, undefined, app),
    'group.created': event('group.created', group),
    'group.updated': event('group.updated', group, changes(), app),
    'group.deleted': event('group.deleted', group, undefined, null),
    'role.created': event('role.created', role),
    'role.updated': event('role.updated', role, changes()),
    'role.deleted': event('role.deleted', role),
    'recognition.completed': event('recognition.completed', {
      id: 'rec_1',
      giver: { id: 'emp_2', name: text('giver') },
      recipients: [
        { id: 'emp_1', name: text('recipient') },
        { id: 'emp_3', name: 'Ada Lovelace' },
      ],
      points: 50,
      note: text('note'),
      program: { id: 'prg_1', name: text('program') },
    }),
    'organization.updated': event('organization.updated', { id: 'org_1', name: text('orgName') }, [
      { field: 'name', label: 'Name', old: text('oldValue'), new: text('orgName') },
    ]),
    'user.updated': event(
      'user.updated',
      { id: 'usr_2', name: text('userName'), email: text('email') },
      changes(),
      app,
    ),
    'user.deleted': event('user.deleted', { id: 'usr_2', name: text('userName'), email: text('email') }),
    'sync.failed': event('sync.failed', { id: 'run_2', status: 'failed', error: text('error') }, undefined, null),
    'webhook.disabled': event(
      'webhook.disabled',
      { id: 'wh_1', name: text('webhookName'), url: 'https://hooks.example.com/x', reason: text('reason') },
      undefined,
      null,
    ),
    'survey.opened': event('survey.opened', { ...survey, status: 'open' }, undefined, null),
    'survey.closed': event(
      'survey.closed',
      {
        ...survey,
        status: 'closed',
        participation: { invited: 143, responded: 112, rate: 0.783 },
        results: { score: 7.9, enps: 12, change: 0.3, hidden: false },
      },
      undefined,
      null,
    ),
    'survey.invited': event(
      'survey.invited',
      {
        survey: { id: survey.id, name: survey.name },
        employee: { id: 'emp_1', email: text('email'), firstName: text('inviteeFirstName'), lastName: 'Roe' },
        answerUrl: 'https://hub.example.com/s/inv_secret',
        closesAt: survey.closesAt,
        reminder: false,
      },
      undefined,
      null,
    ),
  };
}
