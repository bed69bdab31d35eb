import type { INodeProperties } from 'n8n-workflow';
import { INTERVAL_OPTIONS } from '../catalog';
import { locatorOption, perVersion } from './locators';

const ENGAGEMENT_OPERATIONS = ['getOverview', 'getDrivers', 'getHeatmap'];

export const engagementOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['engagement'] } },
    options: [
      {
        name: 'Get Drivers',
        value: 'getDrivers',
        action: 'Get the engagement drivers',
        description: 'Every driver question with its score, respondents, change and trend; one item per driver',
      },
      {
        name: 'Get Heatmap',
        value: 'getHeatmap',
        action: 'Get the engagement heatmap',
        description: 'Engagement and every driver for each department, title, tenure band, manager or attribute value',
      },
      {
        name: 'Get Overview',
        value: 'getOverview',
        action: 'Get the engagement overview',
        description: 'Score, eNPS, participation, trend and change for a period; small groups are withheld',
      },
      {
        name: 'Submit Answers',
        value: 'submitAnswers',
        action: 'Submit engagement answers',
        description: 'Record one survey answer (a score from 0 to 10) per input item',
      },
    ],
    default: 'getOverview',
  },
];

/** Window and segments, the same for every engagement operation. */
const fromOption: INodeProperties = {
  displayName: 'From',
  name: 'from',
  type: 'dateTime',
  default: '',
  description: 'Where the window starts (default: 12 months, 8 quarters or 5 years back)',
};
const segmentsOption: INodeProperties = {
  displayName: 'Segments',
  name: 'segment',
  type: 'string',
  typeOptions: { rows: 2 },
  default: '',
  placeholder: 'department:Sales',
  description:
    'Who to count, one segment per line; several lines must all match. Kinds: department:NAME, title:NAME, manager:EMPLOYEE_ID, group:GROUP_ID, tenure:BAND (e.g. 1-2y), attribute:NAME:VALUE.',
};
const toOption: INodeProperties = {
  displayName: 'To',
  name: 'to',
  type: 'dateTime',
  default: '',
  description: 'The period holding this date is reported (default: today)',
};

const submit = { show: { resource: ['engagement'], operation: ['submitAnswers'] } };

export const engagementFields: INodeProperties[] = [
  // Version 1 took the id as text; version 2 picks the person like every other employee field.
  ...perVersion((version) =>
    version === 1
      ? {
          displayName: 'Employee ID',
          name: 'employeeId',
          type: 'string',
          required: true,
          default: '',
          description: 'Who answered: the ID of the employee, like emp_…',
          displayOptions: submit,
        }
      : {
          ...locatorOption('employee', 'employeeId', 'Employee', {
            byEmail: true,
            required: true,
            description: 'Who answered',
          }),
          displayOptions: submit,
        },
  ),
  {
    displayName: 'Question',
    name: 'question',
    type: 'string',
    required: true,
    default: 'engagement',
    description: 'Engagement (0–10: how likely they would recommend working here), or the name of a driver',
    displayOptions: submit,
  },
  {
    displayName: 'Score',
    name: 'score',
    type: 'number',
    typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
    required: true,
    default: 8,
    displayOptions: submit,
  },
  {
    displayName: 'Answered At',
    name: 'answeredAt',
    type: 'dateTime',
    default: '',
    description: 'When they answered (default: now); not in the future',
    displayOptions: submit,
  },
  {
    displayName: 'Interval',
    name: 'interval',
    type: 'options',
    options: INTERVAL_OPTIONS,
    default: 'month',
    description: 'The length of each period',
    displayOptions: { show: { resource: ['engagement'], operation: ENGAGEMENT_OPERATIONS } },
  },
  {
    displayName: 'Rows By',
    name: 'by',
    type: 'options',
    options: [
      { name: 'Attribute', value: 'attribute' },
      { name: 'Department', value: 'department' },
      { name: 'Manager', value: 'manager' },
      { name: 'Tenure', value: 'tenure' },
      { name: 'Title', value: 'title' },
    ],
    default: 'department',
    description: 'One row for each value of this',
    displayOptions: { show: { resource: ['engagement'], operation: ['getHeatmap'] } },
  },
  {
    displayName: 'Attribute Name',
    name: 'attributeName',
    type: 'string',
    default: '',
    required: true,
    placeholder: 'Office',
    description: 'The custom attribute whose values make the rows',
    displayOptions: { show: { resource: ['engagement'], operation: ['getHeatmap'], by: ['attribute'] } },
  },
  {
    displayName: 'Options',
    name: 'overviewOptions',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    displayOptions: { show: { resource: ['engagement'], operation: ['getOverview'] } },
    options: [
      fromOption,
      {
        displayName: 'Question',
        name: 'question',
        type: 'string',
        default: 'engagement',
        description: 'Engagement, or the name of a driver',
      },
      segmentsOption,
      toOption,
    ],
  },
  {
    displayName: 'Options',
    name: 'analyticsOptions',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    displayOptions: { show: { resource: ['engagement'], operation: ['getDrivers', 'getHeatmap'] } },
    options: [fromOption, segmentsOption, toOption],
  },
];
