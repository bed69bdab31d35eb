import type { INodeProperties } from 'n8n-workflow';
import { INTERVAL_OPTIONS } from '../catalog';

export const engagementOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['engagement'] } },
		options: [
			{
				name: 'Get Overview',
				value: 'getOverview',
				action: 'Get the engagement overview',
				description: 'Score, eNPS, participation, trend and change for a period; small groups are withheld',
			},
		],
		default: 'getOverview',
	},
];

export const engagementFields: INodeProperties[] = [
	{
		displayName: 'Interval',
		name: 'interval',
		type: 'options',
		options: INTERVAL_OPTIONS,
		default: 'month',
		description: 'The length of each period',
		displayOptions: { show: { resource: ['engagement'], operation: ['getOverview'] } },
	},
	{
		displayName: 'Options',
		name: 'overviewOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['engagement'], operation: ['getOverview'] } },
		options: [
			{ displayName: 'From', name: 'from', type: 'dateTime', default: '', description: 'Where the trend starts (default: 12 months, 8 quarters or 5 years back)' },
			{ displayName: 'Question', name: 'question', type: 'string', default: 'engagement', description: 'Engagement, or the name of a driver' },
			{ displayName: 'Segment', name: 'segment', type: 'string', default: '', placeholder: 'department:Sales', description: 'Only one department, as department:NAME' },
			{ displayName: 'To', name: 'to', type: 'dateTime', default: '', description: 'The period holding this date is reported (default: today)' },
		],
	},
];
