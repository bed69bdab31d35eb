// Option lists that mirror the server: event types, payload formats, access rights, attribute
// types, statuses and intervals. The package never imports the server; a test compares each list
// with the server's OpenAPI document and event catalog, so the two cannot drift apart.
import type { INodePropertyOptions } from 'n8n-workflow';

/** Every webhook event type, as the server's catalog (`GET /v1/webhook-event-types`) lists them. */
export const EVENT_TYPE_OPTIONS: INodePropertyOptions[] = [
  { name: 'Employee Created', value: 'employee.created', description: 'An employee was added' },
  { name: 'Employee Deleted', value: 'employee.deleted', description: 'An employee was removed' },
  {
    name: 'Employee Updated',
    value: 'employee.updated',
    description: 'An employee changed: any field, custom attribute, manager or dates',
  },
  { name: 'Group Created', value: 'group.created', description: 'A group (circle) was created' },
  { name: 'Group Deleted', value: 'group.deleted', description: 'A group (circle) was deleted' },
  { name: 'Group Updated', value: 'group.updated', description: 'A group (circle) changed' },
  { name: 'HiBob Sync Completed', value: 'sync.completed', description: 'A HiBob synchronization run finished' },
  { name: 'HiBob Sync Failed', value: 'sync.failed', description: 'A HiBob synchronization run failed' },
  {
    name: 'Organization Updated',
    value: 'organization.updated',
    description: 'An organization was created, or its name changed',
  },
  {
    name: 'Recognition Completed',
    value: 'recognition.completed',
    description: 'Someone recognized one or more colleagues',
  },
  { name: 'Role Created', value: 'role.created', description: 'A role was created' },
  { name: 'Role Deleted', value: 'role.deleted', description: 'A role was deleted' },
  { name: 'Role Updated', value: 'role.updated', description: 'A role changed, including who is assigned to it' },
  {
    name: 'Survey Closed',
    value: 'survey.closed',
    description: 'A survey round closed, with its participation and, where anonymity allows, its results',
  },
  {
    name: 'Survey Invited (Opt-In)',
    value: 'survey.invited',
    description:
      'A person was invited to a survey round, or reminded, with their personal answer link (JSON webhooks only, never part of *)',
  },
  {
    name: 'Survey Opened',
    value: 'survey.opened',
    description: 'A survey round opened and invited its audience',
  },
  { name: 'User Deleted', value: 'user.deleted', description: 'A user was removed from the organization' },
  {
    name: 'User Updated',
    value: 'user.updated',
    description: 'A user was added, or their details or access right changed',
  },
  {
    name: 'Webhook Disabled',
    value: 'webhook.disabled',
    description: 'A webhook was disabled after failing, or because its endpoint answered 410',
  },
];

/**
 * The server's `*`: every event type, also those added later, except the opt-in ones, which a
 * webhook receives only when it lists them by name. Only a webhook takes it, so it is kept apart.
 */
export const ALL_EVENTS_OPTION: INodePropertyOptions = {
  name: 'All Events',
  value: '*',
  description:
    'Every event type, also those added later, except the opt-in ones (Survey Invited), which must be picked by name',
};

export const FORMAT_OPTIONS: INodePropertyOptions[] = [
  { name: 'Chat (Markdown Text)', value: 'chat' },
  { name: 'JSON', value: 'json' },
  { name: 'Slack', value: 'slack' },
  { name: 'Teams', value: 'teams' },
];

export const ACCESS_RIGHT_OPTIONS: INodePropertyOptions[] = [
  { name: 'Admin', value: 'admin' },
  { name: 'Member', value: 'member' },
  { name: 'Owner', value: 'owner' },
];

export const ATTRIBUTE_TYPE_OPTIONS: INodePropertyOptions[] = [
  { name: 'Boolean', value: 'boolean' },
  { name: 'Date', value: 'date' },
  { name: 'Employee', value: 'employee' },
  { name: 'Multiple Options', value: 'multi_option' },
  { name: 'Number', value: 'number' },
  { name: 'Option', value: 'option' },
  { name: 'Text', value: 'text' },
];

export const EMPLOYEE_STATUS_OPTIONS: INodePropertyOptions[] = [
  { name: 'Active', value: 'active' },
  { name: 'Leaving', value: 'leaving' },
  { name: 'Left', value: 'left' },
  { name: 'Pending', value: 'pending' },
];

export const INTERVAL_OPTIONS: INodePropertyOptions[] = [
  { name: 'All Time (Whole Months)', value: 'all' },
  { name: 'Month', value: 'month' },
  { name: 'Quarter', value: 'quarter' },
  { name: 'Year', value: 'year' },
];

export const WEBHOOK_STATUS_OPTIONS: INodePropertyOptions[] = [
  { name: 'Active', value: 'active' },
  { name: 'Disabled', value: 'disabled' },
  { name: 'Inactive', value: 'inactive' },
];

/** An import or sync run's status (`GET /v1/imports?status=`). */
export const IMPORT_RUN_STATUS_OPTIONS: INodePropertyOptions[] = [
  { name: 'Completed', value: 'completed' },
  { name: 'Failed', value: 'failed' },
  { name: 'Needs Confirmation', value: 'needs_confirmation' },
  { name: 'Previewed (Dry Run)', value: 'previewed' },
  { name: 'Running', value: 'running' },
];

/** What a person in a snapshot may hold besides `attributes` (the members of `POST /v1/imports`'s people). */
export const SNAPSHOT_PERSON_FIELDS = [
  'department',
  'displayName',
  'email',
  'externalId',
  'firstName',
  'lastName',
  'managerEmail',
  'managerExternalId',
  'phone',
  'separationDate',
  'separationReason',
  'startDate',
  'title',
];

export const SURVEY_STATUS_OPTIONS: INodePropertyOptions[] = [
  { name: 'Closed', value: 'closed' },
  { name: 'Open', value: 'open' },
  { name: 'Scheduled', value: 'scheduled' },
];

export const SURVEY_CADENCE_OPTIONS: INodePropertyOptions[] = [
  { name: 'Monthly', value: 'monthly' },
  { name: 'None', value: 'none' },
  { name: 'Quarterly', value: 'quarterly' },
];
