import type { INodeProperties } from 'n8n-workflow';
import { listFields } from './common';

export const programOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['program'] } },
    options: [
      { name: 'Create', value: 'create', action: 'Create a program', description: 'Create a recognition program' },
      { name: 'Get Many', value: 'getAll', action: 'Get many programs', description: 'List recognition programs' },
    ],
    default: 'create',
  },
];

export const programFields: INodeProperties[] = [
  {
    displayName: 'Name',
    name: 'name',
    type: 'string',
    required: true,
    default: '',
    displayOptions: { show: { resource: ['program'], operation: ['create'] } },
  },
  {
    displayName: 'Additional Fields',
    name: 'additionalFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['program'], operation: ['create'] } },
    options: [{ displayName: 'Description', name: 'description', type: 'string', default: '' }],
  },
  ...listFields('program'),
  {
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['program'], operation: ['getAll'] } },
    options: [
      { displayName: 'Search', name: 'q', type: 'string', default: '', description: 'Matches the name, ignoring case' },
    ],
  },
];
