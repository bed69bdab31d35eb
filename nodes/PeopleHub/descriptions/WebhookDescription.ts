import type { INodeProperties } from 'n8n-workflow';
import { EVENT_TYPE_OPTIONS, FORMAT_OPTIONS, WEBHOOK_STATUS_OPTIONS } from '../catalog';
import { listFields } from './common';
import { idLocator, perVersion } from './locators';

export const webhookOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['webhook'] } },
    options: [
      { name: 'Create', value: 'create', action: 'Create a webhook', description: 'Subscribe a URL to events' },
      { name: 'Delete', value: 'delete', action: 'Delete a webhook', description: 'Stop sending to a URL' },
      { name: 'Get', value: 'get', action: 'Get a webhook', description: 'Get one webhook by ID' },
      { name: 'Get Many', value: 'getAll', action: 'Get many webhooks', description: 'List webhooks' },
      {
        name: 'Recover',
        value: 'recover',
        action: 'Recover failed webhook messages',
        description: 'Send again every message that failed since a time',
      },
      {
        name: 'Rotate Secret',
        value: 'rotateSecret',
        action: 'Rotate the signing secret of a webhook',
        description: 'Issue a new signing secret; the old one keeps signing for 24 hours',
      },
      {
        name: 'Test',
        value: 'test',
        action: 'Test a webhook',
        description: 'Send a sample event now and see the answer',
      },
      { name: 'Update', value: 'update', action: 'Update a webhook', description: 'Change a webhook' },
    ],
    default: 'create',
  },
];

/** Settings both create (optional ones) and update offer. */
const settings: INodeProperties[] = [
  {
    displayName: 'Error Recipient Emails',
    name: 'errorRecipientEmails',
    type: 'string',
    default: '',
    placeholder: 'ops@example.com, oncall@example.com',
    description: 'Who gets an email when the webhook is disabled or deliveries run out of retries, separated by commas',
  },
  {
    displayName: 'Format',
    name: 'format',
    type: 'options',
    options: FORMAT_OPTIONS,
    default: 'json',
    description: 'The body of each request',
  },
  {
    displayName: 'Max Concurrency',
    name: 'maxConcurrency',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 50 },
    default: 10,
    description:
      'Requests in flight at once. 1 delivers strictly in order (a retry holds back what follows); above 1, order is not kept.',
  },
  {
    displayName: 'Max Events Per Request',
    name: 'maxEventsPerRequest',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 100 },
    default: 1,
    description: 'Above 1, events that come close together are sent as one batch',
  },
  {
    displayName: 'Signing',
    name: 'signing',
    type: 'boolean',
    default: true,
    description: 'Whether to sign each request (Standard Webhooks)',
  },
  {
    displayName: 'Status',
    name: 'status',
    type: 'options',
    options: WEBHOOK_STATUS_OPTIONS.filter((o) => o.value !== 'disabled'),
    default: 'active',
  },
  {
    displayName: 'Verify SSL',
    name: 'verifySsl',
    type: 'boolean',
    default: true,
    description: "Whether to check the receiver's TLS certificate",
  },
];

export const webhookFields: INodeProperties[] = [
  ...idLocator('webhook', 'webhookId', 'Webhook ID', ['delete', 'get', 'recover', 'rotateSecret', 'test', 'update']),
  {
    displayName: 'Since',
    name: 'since',
    type: 'dateTime',
    required: true,
    default: '',
    description: 'Messages that failed from this time on are queued again',
    displayOptions: { show: { resource: ['webhook'], operation: ['recover'] } },
  },
  {
    displayName: 'Name',
    name: 'name',
    type: 'string',
    required: true,
    default: '',
    displayOptions: { show: { resource: ['webhook'], operation: ['create'] } },
  },
  {
    displayName: 'URL',
    name: 'url',
    type: 'string',
    required: true,
    default: '',
    placeholder: 'https://example.com/hooks/peoplehub',
    displayOptions: { show: { resource: ['webhook'], operation: ['create'] } },
  },
  {
    displayName: 'Events',
    name: 'events',
    type: 'multiOptions',
    options: EVENT_TYPE_OPTIONS,
    required: true,
    default: [],
    displayOptions: { show: { resource: ['webhook'], operation: ['create'] } },
  },
  {
    displayName: 'Additional Fields',
    name: 'additionalFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['webhook'], operation: ['create'] } },
    options: settings,
  },
  {
    displayName: 'Update Fields',
    name: 'updateFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['webhook'], operation: ['update'] } },
    options: [
      settings[0],
      { displayName: 'Events', name: 'events', type: 'multiOptions', options: EVENT_TYPE_OPTIONS, default: [] },
      settings[1],
      settings[2],
      { displayName: 'Name', name: 'name', type: 'string', default: '' },
      settings[3],
      settings[4],
      { displayName: 'URL', name: 'url', type: 'string', default: '' },
      settings[5],
    ],
  },
  ...perVersion((version) =>
    version === 1
      ? {
          displayName: 'Event Type',
          name: 'eventType',
          type: 'options',
          options: EVENT_TYPE_OPTIONS,
          default: 'role.updated',
          description: 'The kind of sample event to send',
          displayOptions: { show: { resource: ['webhook'], operation: ['test'] } },
        }
      : {
          // The server's own catalog, so a newer server's event types can be tried too.
          displayName: 'Event Type Name or ID',
          name: 'eventType',
          type: 'options',
          typeOptions: { loadOptionsMethod: 'getEventTypes' },
          default: 'role.updated',
          description:
            'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
          displayOptions: { show: { resource: ['webhook'], operation: ['test'] } },
        },
  ),
  ...listFields('webhook'),
  {
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['webhook'], operation: ['getAll'] } },
    options: [
      {
        displayName: 'Search',
        name: 'q',
        type: 'string',
        default: '',
        description: 'Matches the name and URL, ignoring case',
      },
      { displayName: 'Status', name: 'status', type: 'options', options: WEBHOOK_STATUS_OPTIONS, default: 'active' },
    ],
  },
];
