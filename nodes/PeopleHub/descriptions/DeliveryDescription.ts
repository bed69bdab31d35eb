import type { INodeProperties } from 'n8n-workflow';
import { idField, listFields } from './common';
import { idLocator } from './locators';

export const deliveryOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['delivery'] } },
    options: [
      {
        name: 'Get',
        value: 'get',
        action: 'Get a delivery',
        description: 'Get one delivery attempt, with request and response',
      },
      {
        name: 'Get Many',
        value: 'getAll',
        action: 'Get many deliveries',
        description: "List a webhook's delivery attempts, newest first",
      },
      { name: 'Resend', value: 'resend', action: 'Resend a delivery', description: 'Send the same message again now' },
    ],
    default: 'getAll',
  },
];

export const deliveryFields: INodeProperties[] = [
  idField('delivery', 'deliveryId', 'Delivery ID', ['get', 'resend']),
  ...idLocator('delivery', 'webhookId', 'Webhook ID', ['getAll']),
  ...listFields('delivery'),
  {
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['delivery'], operation: ['getAll'] } },
    options: [
      {
        displayName: 'Succeeded',
        name: 'succeeded',
        type: 'boolean',
        default: false,
        description: 'Whether to list only successful attempts, or only failed ones',
      },
    ],
  },
];
