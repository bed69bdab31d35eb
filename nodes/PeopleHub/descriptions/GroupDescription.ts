import type { INodeProperties } from 'n8n-workflow';
import { listFields } from './common';
import { type NodeVersion, UNCHANGED_WHEN_EMPTY, fieldsToClear, idLocator, idOption, perVersion } from './locators';

export const groupOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['group'] } },
    options: [
      { name: 'Create', value: 'create', action: 'Create a group', description: 'Create a group (circle)' },
      {
        name: 'Delete',
        value: 'delete',
        action: 'Delete a group',
        description: 'Delete a group; its roles and child groups move to its parent',
      },
      { name: 'Get', value: 'get', action: 'Get a group', description: 'Get one group by ID' },
      { name: 'Get Many', value: 'getAll', action: 'Get many groups', description: 'List groups' },
      { name: 'Update', value: 'update', action: 'Update a group', description: 'Change a group' },
    ],
    default: 'create',
  },
];

const optionalFields = (version: NodeVersion): INodeProperties[] => [
  {
    displayName: 'Custom Fields (JSON)',
    name: 'fields',
    type: 'json',
    default: '{}',
    description: 'Custom group fields by name',
  },
  idOption(version, 'group', { displayName: 'Parent Group ID', name: 'parentId', type: 'string', default: '' }),
  { displayName: 'Purpose', name: 'purpose', type: 'string', default: '' },
];

export const groupFields: INodeProperties[] = [
  ...idLocator('group', 'groupId', 'Group ID', ['delete', 'get', 'update']),
  {
    displayName: 'Name',
    name: 'name',
    type: 'string',
    required: true,
    default: '',
    displayOptions: { show: { resource: ['group'], operation: ['create'] } },
  },
  ...perVersion((version) => ({
    displayName: 'Additional Fields',
    name: 'additionalFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['group'], operation: ['create'] } },
    options: optionalFields(version),
  })),
  ...perVersion((version) => ({
    displayName: 'Update Fields',
    name: 'updateFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['group'], operation: ['update'] } },
    ...(version === 1 ? {} : { description: UNCHANGED_WHEN_EMPTY }),
    options: [
      optionalFields(version)[0],
      { displayName: 'Name', name: 'name', type: 'string', default: '' },
      ...optionalFields(version).slice(1),
    ],
  })),
  fieldsToClear(
    'group',
    ['update'],
    [
      { name: 'Parent Group', value: 'parentId' },
      { name: 'Purpose', value: 'purpose' },
    ],
  ),
  ...listFields('group'),
  ...perVersion((version) => ({
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['group'], operation: ['getAll'] } },
    options: [
      idOption(version, 'group', { displayName: 'Parent Group ID', name: 'parentId', type: 'string', default: '' }),
      { displayName: 'Search', name: 'q', type: 'string', default: '', description: 'Matches the name, ignoring case' },
    ],
  })),
];
