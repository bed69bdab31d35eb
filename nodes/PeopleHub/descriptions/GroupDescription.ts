import type { INodeProperties } from 'n8n-workflow';
import { idField, listFields } from './common';

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

const optionalFields: INodeProperties[] = [
  {
    displayName: 'Custom Fields (JSON)',
    name: 'fields',
    type: 'json',
    default: '{}',
    description: 'Custom group fields by name',
  },
  { displayName: 'Parent Group ID', name: 'parentId', type: 'string', default: '' },
  { displayName: 'Purpose', name: 'purpose', type: 'string', default: '' },
];

export const groupFields: INodeProperties[] = [
  idField('group', 'groupId', 'Group ID', ['delete', 'get', 'update']),
  {
    displayName: 'Name',
    name: 'name',
    type: 'string',
    required: true,
    default: '',
    displayOptions: { show: { resource: ['group'], operation: ['create'] } },
  },
  {
    displayName: 'Additional Fields',
    name: 'additionalFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['group'], operation: ['create'] } },
    options: optionalFields,
  },
  {
    displayName: 'Update Fields',
    name: 'updateFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['group'], operation: ['update'] } },
    options: [
      optionalFields[0],
      { displayName: 'Name', name: 'name', type: 'string', default: '' },
      ...optionalFields.slice(1),
    ],
  },
  ...listFields('group'),
  {
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['group'], operation: ['getAll'] } },
    options: [
      { displayName: 'Parent Group ID', name: 'parentId', type: 'string', default: '' },
      { displayName: 'Search', name: 'q', type: 'string', default: '', description: 'Matches the name, ignoring case' },
    ],
  },
];
