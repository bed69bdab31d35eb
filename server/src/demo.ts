// Sample data for the demo organization: departments, managers, attributes, groups, roles,
// recognitions and six months of engagement answers, generated deterministically; and an open survey round.
import type { Kysely } from 'kysely';
import type { Clock } from './clock';
import { SYSTEM_ACTOR } from './core/actor';
import type { AttributeType } from './core/attributes';
import { addDays } from './core/engagement';
import { calendarDate, isSurveyable } from './core/employee-status';
import { newId } from './core/ids';
import { saveEmployeeChange } from './domain/employees';
import { addGroup } from './domain/groups';
import type { OrganizationInput } from './domain/organization';
import { addRecognition } from './domain/recognitions';
import { addRole } from './domain/roles';
import { type Attribute, attributesByName, insertAttribute } from './store/attributes';
import type { Store } from './store/database';
import type { Employee } from './store/employees';
import { insertAnswers } from './store/engagement';
import type { Group } from './store/groups';
import { insertProgram } from './store/recognitions';
import type { Role } from './store/roles';
import type { Database, EngagementAnswersTable } from './store/schema';
import { withDefaultTexts } from './core/surveys';
import type { SurveyContext } from './domain/surveys/context';
import { openRound } from './domain/surveys/lifecycle';
import { answerUrl } from './domain/surveys/links';
import { scheduledRound } from './domain/surveys/rounds';
import { invitationsOf } from './store/survey-invitations';
import { insertSurvey } from './store/surveys';

/** The demo organization a fresh server creates: an owner, an admin and a member, each with a key. */
export const DEMO_ORGANIZATION: OrganizationInput = {
  name: 'Acme Demo',
  ownerEmail: 'olivia.owner@acme.example',
  ownerName: 'Olivia Owner',
  users: [
    { name: 'Adam Admin', email: 'adam.admin@acme.example', accessRight: 'admin' },
    { name: 'Mia Member', email: 'mia.member@acme.example', accessRight: 'member' },
  ],
  keysForAll: true,
};

/** mulberry32: a tiny seeded generator, so every demo looks the same. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Ava',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kira',
  'Liam',
  'Maya',
  'Noah',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tara',
  'Umar',
  'Vera',
  'Wei',
  'Xenia',
  'Yusuf',
];
const LAST = [
  'Adler',
  'Baptiste',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Hansen',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Larsen',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quist',
  'Rossi',
  'Schmidt',
  'Tanaka',
];
const DEPARTMENTS: [string, string[]][] = [
  ['Engineering', ['Engineer', 'Senior Engineer', 'Staff Engineer', 'Engineering Manager']],
  ['Sales', ['Account Executive', 'Sales Development Rep', 'Sales Manager']],
  ['Marketing', ['Marketing Specialist', 'Content Lead', 'Marketing Manager']],
  ['Operations', ['Operations Analyst', 'Office Manager', 'Head of Operations']],
  ['People', ['People Partner', 'Recruiter', 'Head of People']],
  ['Finance', ['Accountant', 'Financial Analyst', 'Finance Manager']],
];
const ATTRIBUTES: { name: string; type: AttributeType; options?: string[] }[] = [
  {
    name: 'Skills',
    type: 'multi_option',
    options: ['TypeScript', 'Go', 'SQL', 'Negotiation', 'Design', 'Excel', 'Public speaking'],
  },
  { name: 'Level', type: 'option', options: ['L1', 'L2', 'L3', 'L4', 'L5'] },
  { name: 'Remote', type: 'boolean' },
  { name: 'Mentor', type: 'employee' },
  { name: 'Office', type: 'text' },
  { name: 'Certification date', type: 'date' },
  { name: 'Shirt size', type: 'number' },
];
const DRIVERS = ['Growth', 'Autonomy', 'Recognition', 'Workload', 'Management', 'Purpose'];

export async function seedDemoData(
  store: Store,
  clock: Clock,
  organizationId: string,
): Promise<{ employees: number; answers: number }> {
  const rand = random(20261122);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const now = clock.now();
  const at = now.toISOString();
  const today = calendarDate(now);
  return store.db.transaction().execute(async (trx: Kysely<Database>) => {
    for (const a of ATTRIBUTES) {
      await insertAttribute(trx, {
        id: newId('att', now),
        organizationId,
        name: a.name,
        type: a.type,
        options: a.options ?? [],
        createdAt: at,
        updatedAt: at,
      } satisfies Attribute);
    }
    const definitions = await attributesByName(trx, organizationId);

    const employees: Employee[] = [];
    const heads = new Map<string, Employee>();
    for (let i = 0; i < 50; i += 1) {
      const [department, titles] = DEPARTMENTS[i % DEPARTMENTS.length];
      const first = FIRST[i % FIRST.length];
      const last = LAST[(i * 7) % LAST.length];
      const head = heads.get(department);
      const startOffset = i === 48 ? 30 : -(60 + Math.floor(rand() * 1500));
      const e: Employee = {
        id: newId('emp', now),
        organizationId,
        externalId: null,
        email: `${first}.${last}${i}@acme.example`.toLowerCase(),
        firstName: first,
        lastName: last,
        displayName: `${first} ${last}`,
        title: head ? pick(titles.slice(0, -1)) : titles[titles.length - 1],
        department,
        managerId: head?.id ?? null,
        phone: null,
        startDate: addDays(today, startOffset),
        separationDate: i === 49 ? addDays(today, 21) : null,
        separationReason: i === 49 ? 'Relocation' : null,
        attributes: {
          Skills: [...new Set([pick(ATTRIBUTES[0].options ?? []), pick(ATTRIBUTES[0].options ?? [])])],
          Level: pick(ATTRIBUTES[1].options ?? []),
          Remote: rand() < 0.4,
          Office: pick(['Berlin', 'Lisbon', 'Toronto']),
        },
        source: 'api',
        syncHash: null,
        createdAt: at,
        updatedAt: at,
      };
      if (head && rand() < 0.5) e.attributes.Mentor = head.id;
      await saveEmployeeChange(trx, SYSTEM_ACTOR, null, e, definitions, now);
      if (!head) heads.set(department, e);
      employees.push(e);
    }

    const company: Group = {
      id: newId('grp', now),
      organizationId,
      name: 'Acme',
      purpose: 'Make work better',
      parentId: null,
      fields: {},
      createdAt: at,
      updatedAt: at,
    };
    const groups = [company];
    for (const [department] of DEPARTMENTS) {
      groups.push({
        ...company,
        id: newId('grp', now),
        name: department,
        purpose: `The ${department} circle`,
        parentId: company.id,
      });
    }
    for (const g of groups) await addGroup(trx, SYSTEM_ACTOR, g, now);
    for (const [index, [department, titles]] of DEPARTMENTS.entries()) {
      const group = groups[index + 1];
      const members = employees.filter((e) => e.department === department);
      for (const title of titles) {
        const role: Role = {
          id: newId('rol', now),
          organizationId,
          name: title,
          purpose: null,
          accountabilities: [`Own ${department.toLowerCase()} outcomes`, 'Share what you learn'],
          groupId: group.id,
          assignments: [],
          createdAt: at,
          updatedAt: at,
        };
        const holders = members.filter((m) => m.title === title);
        await addRole(
          trx,
          SYSTEM_ACTOR,
          {
            ...role,
            assignments: holders.map((h) => ({
              employeeId: h.id,
              employeeName: h.displayName,
              focus: null,
              percentage: 100,
            })),
          },
          now,
        );
      }
    }

    const programs = ['Peer Awards', 'Values Champions'].map((name) => ({
      id: newId('prg', now),
      organizationId,
      name,
      description: null,
      createdAt: at,
    }));
    for (const p of programs) await insertProgram(trx, p);
    const notes = [
      'Thanks for the late-night fix!',
      'Great demo to the customer.',
      'You made onboarding a breeze.',
      'Brilliant quarter close.',
      'Always there to help.',
    ];
    for (let i = 0; i < 20; i += 1) {
      const giver = pick(employees);
      const recipient = pick(employees.filter((e) => e.id !== giver.id));
      const r = {
        id: newId('rec', now),
        organizationId,
        giverId: giver.id,
        recipientIds: [recipient.id],
        points: pick([10, 25, 50, 100]),
        note: pick(notes),
        programId: pick(programs).id,
        createdAt: at,
      };
      await addRecognition(trx, SYSTEM_ACTOR, r, now);
    }

    const answers: EngagementAnswersTable[] = [];
    for (let month = 5; month >= 0; month -= 1) {
      const day = addDays(today, -month * 30 - 3);
      for (const e of employees) {
        if (!isSurveyable(e, day) || rand() < 0.2) continue;
        const base = e.department === 'Sales' ? 6 : 7.5;
        const score = Math.max(0, Math.min(10, Math.round(base + (rand() - 0.4) * 5 + (5 - month) * 0.1)));
        const answeredAt = `${day}T${String(8 + Math.floor(rand() * 9)).padStart(2, '0')}:00:00.000Z`;
        if (answeredAt > at) continue;
        answers.push({
          id: newId('ans', now),
          organization_id: organizationId,
          employee_id: e.id,
          question: 'engagement',
          score,
          answered_at: answeredAt,
          created_at: at,
          invitation_id: null,
        });
        for (const driver of DRIVERS) {
          answers.push({
            id: newId('ans', now),
            organization_id: organizationId,
            employee_id: e.id,
            question: driver,
            score: Math.max(0, Math.min(10, score + Math.round((rand() - 0.5) * 4))),
            answered_at: answeredAt,
            created_at: at,
            invitation_id: null,
          });
        }
      }
    }
    await insertAnswers(trx, answers);
    return { employees: employees.length, answers: answers.length };
  });
}

/** The demo's open round: a two-week pulse with one driver, opened now, so a newcomer can answer it at once. */
export const DEMO_SURVEY = {
  name: 'Demo pulse',
  questions: withDefaultTexts([
    { key: 'engagement' },
    { key: 'Growth', text: 'I have good opportunities to learn and grow at {organization}.' },
  ]),
  reminders: [3, 7],
  audience: [] as string[],
  cadence: 'quarterly' as const,
};

/**
 * Opens the demo's round (after the server listens: links point at its address) and returns one
 * surveyable demo employee's answer link, which the start-up output prints as it prints demo keys.
 */
export async function openDemoSurvey(ctx: SurveyContext, organizationId: string): Promise<string | null> {
  const now = ctx.clock.now();
  const survey = scheduledRound(
    ctx.masterKey,
    organizationId,
    { ...DEMO_SURVEY, opensAt: now.toISOString(), closesAt: new Date(now.getTime() + 14 * 86_400_000).toISOString() },
    now,
  );
  await insertSurvey(ctx.store.db, survey);
  await openRound(ctx, survey);
  const first = (await invitationsOf(ctx.store.db, survey.id)).sort((a, b) => a.id.localeCompare(b.id))[0];
  return first === undefined ? null : answerUrl(ctx, survey, first.id);
}
