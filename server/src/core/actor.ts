// Who made a change: a user, an app (with the session it used), or the system itself.

export type Actor =
  | { type: 'user'; id: string; name: string | null; email: string }
  | { type: 'app'; id: string; name: string; sessionId: string | null }
  | { type: 'system' };

export const SYSTEM_ACTOR: Actor = { type: 'system' };

/** The name shown for an actor in audit entries and messages. */
export function actorLabel(actor: Actor): string | null {
  switch (actor.type) {
    case 'user':
      return actor.name ?? actor.email;
    case 'app':
      return actor.name;
    case 'system':
      return null;
  }
}
