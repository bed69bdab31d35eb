// Resource locators for the ids a user picks (From List, By ID, and By Email for people), and the
// version split that keeps version 1's plain text ids for workflows saved before them.
import type { INodeProperties } from 'n8n-workflow';
import { idField } from './common';

/** The node versions: 1 took ids as text; 2 picks them with resource locators. */
export type NodeVersion = 1 | 2;

/** The objects a locator can pick: the id prefix (server/src/core/ids.ts), the list search, and how it reads. */
export const LOCATABLE = {
  employee: { prefix: 'emp', search: 'searchEmployees', noun: 'employee' },
  group: { prefix: 'grp', search: 'searchGroups', noun: 'group' },
  role: { prefix: 'rol', search: 'searchRoles', noun: 'role' },
  program: { prefix: 'prg', search: 'searchPrograms', noun: 'recognition program' },
  webhook: { prefix: 'wh', search: 'searchWebhooks', noun: 'webhook' },
  user: { prefix: 'usr', search: 'searchUsers', noun: 'user' },
  survey: { prefix: 'srv', search: 'searchSurveys', noun: 'survey' },
  import: { prefix: 'run', search: 'searchImportRuns', noun: 'import run' },
  hibobRun: { prefix: 'run', search: 'searchHibobRuns', noun: 'HiBob sync run' },
} as const;

export type Locatable = keyof typeof LOCATABLE;

/** An id is its prefix, an underscore and 26 Crockford base32 characters; n8n anchors the pattern itself. */
export function idPattern(kind: Locatable): string {
  return `${LOCATABLE[kind].prefix}_[0-9A-HJKMNP-TV-Z]{26}`;
}

/** Loose on purpose: the server checks the address; this only catches a name typed in the wrong mode. */
const EMAIL_PATTERN = '[^\\s@]+@[^\\s@]+\\.[^\\s@]+';

/** A description an AI agent can act on: what the value is and what it looks like. */
function locatorDescription(kind: Locatable, byEmail: boolean, description?: string): string {
  const { prefix, noun } = LOCATABLE[kind];
  const how = byEmail
    ? `ID of the ${noun}, like ${prefix}_01J…, or their email address`
    : `ID of the ${noun}, like ${prefix}_01J…`;
  return description === undefined ? how : `${description}. ${how}`;
}

export interface LocatorOptions {
  /** What the id points at, when neither the name (`groupId` → group) nor the resource says it. */
  kind?: Locatable;
  /** Offer By Email (employees only; the node looks the person up). */
  byEmail?: boolean;
  required?: boolean;
  description?: string;
}

/** Locator parameters whose name does not say what they pick. */
const KIND_BY_NAME: Record<string, Locatable> = { giverId: 'employee', runId: 'hibobRun' };

/** What a top-level locator parameter picks, by its name (`groupId` → group), if the name says. */
export function parameterKind(name: string): Locatable | undefined {
  if (name in KIND_BY_NAME) return KIND_BY_NAME[name];
  const fromName = name.replace(/Id$/, '');
  return fromName in LOCATABLE ? (fromName as Locatable) : undefined;
}

function kindOf(resource: string, name: string, options: LocatorOptions): Locatable {
  if (options.kind !== undefined) return options.kind;
  const fromName = parameterKind(name);
  if (fromName !== undefined) return fromName;
  if (resource in LOCATABLE) return resource as Locatable;
  throw new Error(`No locator for ${resource}.${name}: pass options.kind`);
}

/**
 * A resource locator without display options, for use inside a collection or as the base of a
 * top-level parameter.
 */
export function locatorOption(
  kind: Locatable,
  name: string,
  displayName: string,
  options: Omit<LocatorOptions, 'kind'> = {},
): INodeProperties {
  const byEmail = options.byEmail ?? false;
  const { prefix, search, noun } = LOCATABLE[kind];
  const property: INodeProperties = {
    displayName,
    name,
    type: 'resourceLocator',
    default: { mode: 'list', value: '' },
    required: options.required,
    description: locatorDescription(kind, byEmail, options.description),
    modes: [
      {
        displayName: 'From List',
        name: 'list',
        type: 'list',
        placeholder: `Select a ${noun}...`,
        typeOptions: { searchListMethod: search, searchable: true },
      },
      {
        displayName: 'By ID',
        name: 'id',
        type: 'string',
        placeholder: `e.g. ${prefix}_01J0000000000000000000000A`,
        validation: [
          {
            type: 'regex',
            properties: {
              regex: idPattern(kind),
              errorMessage: `Not a ${noun} ID: it starts with ${prefix}_ followed by 26 letters and digits`,
            },
          },
        ],
      },
      {
        displayName: 'By Email',
        name: 'email',
        type: 'string',
        placeholder: 'e.g. ada.lovelace@example.com',
        validation: [{ type: 'regex', properties: { regex: EMAIL_PATTERN, errorMessage: 'Not an email address' } }],
      },
    ],
  };
  if (!byEmail) property.modes = property.modes?.filter((mode) => mode.name !== 'email');
  return property;
}

/** "Manager ID" reads "Manager" once it is picked rather than typed. */
const pickedName = (displayName: string) => displayName.replace(/ IDs?$/, '');

/**
 * An id field inside a collection: version 1's text field as it was, or from version 2 a locator
 * with the same name (By Email included for people when asked).
 */
export function idOption(
  version: NodeVersion,
  kind: Locatable,
  textField: INodeProperties,
  options: { byEmail?: boolean } = {},
): INodeProperties {
  if (version === 1) return textField;
  return locatorOption(kind, textField.name, pickedName(textField.displayName), {
    byEmail: options.byEmail,
    description: textField.description,
  });
}

/** The display condition for one node version, as `displayOptions.show['@version']` takes it. */
export function versionCondition(version: NodeVersion) {
  return version === 1 ? [1] : [{ _cnd: { gte: 2 } }];
}

/**
 * One parameter defined once per node version, version 2 first (an n8n core that takes the first
 * definition of a name then sees the current one). Each copy is shown only for its version, so a
 * workflow saved with version 1 keeps the value it was saved with.
 */
export function perVersion(build: (version: NodeVersion) => INodeProperties): INodeProperties[] {
  return ([2, 1] as const).map((version) => {
    const property = build(version);
    const show = { ...(property.displayOptions?.show ?? {}), '@version': versionCondition(version) };
    return { ...property, displayOptions: { ...property.displayOptions, show } };
  });
}

/**
 * The `<resource>Id` parameter of the operations that act on one object: text in version 1, a
 * resource locator from version 2. A drop-in for `idField` with the same arguments:
 * `...idLocator('survey', 'surveyId', 'Survey ID', ['get'])`.
 */
export function idLocator(
  resource: string,
  name: string,
  displayName: string,
  operations: string[],
  options: LocatorOptions = {},
): INodeProperties[] {
  const kind = kindOf(resource, name, options);
  const show = { resource: [resource], operation: operations };
  return perVersion((version) => {
    if (version === 1) {
      const field = idField(resource, name, displayName, operations);
      return options.description === undefined ? field : { ...field, description: options.description };
    }
    return {
      ...locatorOption(kind, name, pickedName(displayName), { ...options, required: options.required ?? true }),
      displayOptions: { show },
    };
  });
}

/** What version 2's Update Fields say: what is empty is not sent. */
export const UNCHANGED_WHEN_EMPTY =
  'Fields left out or empty, or given by an expression as null, are not changed; Fields to Clear empties a field';

/**
 * Version 2's "Fields to Clear": Update sends only the fields filled in, so emptying a value is said
 * on purpose here. Only fields the server lets be null are offered.
 */
export function fieldsToClear(
  resource: string,
  operations: string[],
  options: { name: string; value: string }[],
): INodeProperties {
  return {
    displayName: 'Fields to Clear',
    name: 'fieldsToClear',
    type: 'multiOptions',
    default: [],
    description: 'Fields to empty on purpose; fields left empty above are not changed',
    displayOptions: { show: { resource: [resource], operation: operations, '@version': versionCondition(2) } },
    options,
  };
}
