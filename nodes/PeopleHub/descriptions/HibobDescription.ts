import type { INodeProperties } from 'n8n-workflow';
import { listFields } from './common';
import { idLocator } from './locators';

export const hibobOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['hibob'] } },
    options: [
      {
        name: 'Get Many Runs',
        value: 'getAllRuns',
        action: 'Get many sync runs',
        description: 'List sync runs, newest first',
      },
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
  ...idLocator('hibob', 'runId', 'Run ID', ['getRun'], { kind: 'hibobRun' }),
  {
    displayName: 'Wait for Completion',
    name: 'waitForCompletion',
    type: 'boolean',
    default: false,
    description:
      'Whether to wait until the run has finished and return its result, instead of returning as soon as it starts',
    displayOptions: { show: { resource: ['hibob'], operation: ['syncNow'] } },
  },
  {
    displayName: 'Timeout',
    name: 'timeout',
    type: 'number',
    typeOptions: { minValue: 1 },
    default: 600,
    description:
      'Seconds to wait at most. If the run is still going then, the node fails with an error naming the run, which goes on in PeopleHub (Get Run reads its result later).',
    displayOptions: {
      show: {
        resource: ['hibob'],
        operation: ['syncNow'],
        waitForCompletion: [true],
        '@version': [{ _cnd: { gte: 2 } }],
      },
    },
  },
  ...listFields('hibob', 'getAllRuns'),
];
