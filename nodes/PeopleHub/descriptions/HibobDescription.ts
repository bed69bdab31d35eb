import type { INodeProperties } from 'n8n-workflow';
import { idField } from './common';

export const hibobOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['hibob'] } },
    options: [
      { name: 'Get Run', value: 'getRun', action: 'Get a sync run', description: 'Progress of a run, then its result' },
      {
        name: 'Get Status',
        value: 'getStatus',
        action: 'Get the connection status',
        description: 'The connection, its receiver URL and the last run',
      },
      { name: 'Sync Now', value: 'syncNow', action: 'Synchronize employees now', description: 'Start a sync run' },
    ],
    default: 'syncNow',
  },
];

export const hibobFields: INodeProperties[] = [
  idField('hibob', 'runId', 'Run ID', ['getRun']),
  {
    displayName: 'Wait for Completion',
    name: 'waitForCompletion',
    type: 'boolean',
    default: false,
    description:
      'Whether to wait until the run has finished and return its result, instead of returning as soon as it starts',
    displayOptions: { show: { resource: ['hibob'], operation: ['syncNow'] } },
  },
];
