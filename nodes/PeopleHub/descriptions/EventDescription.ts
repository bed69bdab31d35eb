import type { INodeProperties } from 'n8n-workflow';
import { EVENT_TYPE_OPTIONS } from '../catalog';
import { idField, listFields } from './common';

export const eventOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['event'] } },
    options: [
      { name: 'Get', value: 'get', action: 'Get an event', description: 'Get one event of the last 30 days by ID' },
      {
        name: 'Get Many',
        value: 'getAll',
        action: 'Get many events',
        description: 'List events of the last 30 days, oldest first (needs the audit:read permission)',
      },
    ],
    default: 'getAll',
  },
];

export const eventFields: INodeProperties[] = [
  idField('event', 'eventId', 'Event ID', ['get']),
  ...listFields('event'),
  {
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['event'], operation: ['getAll'] } },
    options: [
      {
        displayName: 'Since',
        name: 'since',
        type: 'dateTime',
        default: '',
        description: 'Only events from this time on',
      },
      {
        displayName: 'Type',
        name: 'type',
        type: 'options',
        options: EVENT_TYPE_OPTIONS,
        default: 'employee.created',
      },
    ],
  },
];
