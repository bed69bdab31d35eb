import type { INodeProperties } from 'n8n-workflow';
import { SURVEY_CADENCE_OPTIONS, SURVEY_STATUS_OPTIONS } from '../catalog';
import { listFields } from './common';
import { idLocator } from './locators';

export const surveyOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['survey'] } },
    options: [
      { name: 'Close', value: 'close', action: 'Close a survey', description: 'Close an open survey round now' },
      {
        name: 'Create',
        value: 'create',
        action: 'Create a survey',
        description: 'Schedule a survey round; it opens by itself at its opening time',
      },
      { name: 'Get', value: 'get', action: 'Get a survey', description: 'Get one survey round by ID' },
      {
        name: 'Get Many',
        value: 'getAll',
        action: 'Get many surveys',
        description: 'List survey rounds, newest first',
      },
      {
        name: 'Get Participation',
        value: 'getParticipation',
        action: 'Get the participation in a survey',
        description:
          'Invited, responded and the rate, for the round and each audience segment (counts only, never who)',
      },
      {
        name: 'Open',
        value: 'open',
        action: 'Open a survey',
        description: 'Open a scheduled round now: everyone in its audience who can be surveyed today is invited',
      },
    ],
    default: 'create',
  },
];

const create = { show: { resource: ['survey'], operation: ['create'] } };

export const surveyFields: INodeProperties[] = [
  ...idLocator('survey', 'surveyId', 'Survey ID', ['close', 'get', 'getParticipation', 'open']),
  {
    displayName: 'Name',
    name: 'name',
    type: 'string',
    required: true,
    default: '',
    placeholder: 'Q4 pulse',
    displayOptions: create,
  },
  {
    displayName: 'Opens At',
    name: 'opensAt',
    type: 'dateTime',
    required: true,
    default: '',
    description: 'When the round opens and invites its audience (at once when this has passed)',
    displayOptions: create,
  },
  {
    displayName: 'Closes At',
    name: 'closesAt',
    type: 'dateTime',
    required: true,
    default: '',
    displayOptions: create,
  },
  {
    displayName: 'Questions',
    name: 'questions',
    type: 'fixedCollection',
    typeOptions: { multipleValues: true },
    placeholder: 'Add Question',
    default: {},
    description:
      'The engagement question ("How likely is it that you would recommend … as a place to work?") is always asked first; add drivers here',
    displayOptions: create,
    options: [
      {
        displayName: 'Question',
        name: 'question',
        values: [
          {
            displayName: 'Key',
            name: 'key',
            type: 'string',
            default: '',
            placeholder: 'Growth',
            description: 'The name of a driver, or engagement to give the engagement question your own text',
          },
          {
            displayName: 'Text',
            name: 'text',
            type: 'string',
            default: '',
            placeholder: 'I have good opportunities to learn and grow here.',
            description: "What people read; empty for the question's default text",
          },
        ],
      },
    ],
  },
  {
    displayName: 'Additional Fields',
    name: 'additionalFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: create,
    options: [
      {
        displayName: 'Audience',
        name: 'audience',
        type: 'string',
        typeOptions: { rows: 2 },
        default: '',
        placeholder: 'department:Sales',
        description:
          'Who is invited, one segment per line (department:NAME, group:GROUP_ID, tenure:BAND, attribute:NAME:VALUE); empty: the whole organization',
      },
      {
        displayName: 'Cadence',
        name: 'cadence',
        type: 'options',
        options: SURVEY_CADENCE_OPTIONS,
        default: 'none',
        description:
          'With a cadence, closing the round schedules the next one a month or a quarter after this one opened',
      },
      {
        displayName: 'Reminders',
        name: 'reminders',
        type: 'string',
        default: '',
        placeholder: '3, 7',
        description: 'Days after opening on which those who have not answered are reminded, separated by commas',
      },
    ],
  },
  ...listFields('survey'),
  {
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['survey'], operation: ['getAll'] } },
    options: [
      {
        displayName: 'Search',
        name: 'q',
        type: 'string',
        default: '',
        description: 'Matches the name, ignoring case',
      },
      { displayName: 'Status', name: 'status', type: 'options', options: SURVEY_STATUS_OPTIONS, default: 'open' },
    ],
  },
];
