import type { INodeProperties } from 'n8n-workflow';
import { listFields } from './common';

export const auditOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['audit'] } },
    options: [
      {
        name: 'Get Many',
        value: 'getAll',
        action: 'Get many audit entries',
        description: 'Who changed what, newest first (needs the audit:read permission)',
      },
    ],
    default: 'getAll',
  },
];

export const auditFields: INodeProperties[] = [
  ...listFields('audit'),
  {
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['audit'], operation: ['getAll'] } },
    options: [
      {
        displayName: 'Action',
        name: 'action',
        type: 'string',
        default: '',
        placeholder: 'employee.updated',
        description: 'Only entries of this action',
      },
      {
        displayName: 'Actor ID',
        name: 'actorId',
        type: 'string',
        default: '',
        description: 'Only entries by this user or app, like usr_… or app_…',
      },
      {
        displayName: 'Since',
        name: 'since',
        type: 'dateTime',
        default: '',
        description: 'Only entries from this time on',
      },
      {
        displayName: 'Target ID',
        name: 'targetId',
        type: 'string',
        default: '',
        description: 'Only entries about this object, like emp_…',
      },
      {
        displayName: 'Until',
        name: 'until',
        type: 'dateTime',
        default: '',
        description: 'Only entries before this time',
      },
    ],
  },
];
