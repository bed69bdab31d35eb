// Groups and roles, recognitions and programs, and the engagement overview.
import type { IDataObject } from 'n8n-workflow';
import { splitList, toBody, toQuery } from '../params';
import { apiRequest } from '../transport';
import { type OperationTable, id, many, one, remove } from './shared';

/** A timestamp filter as the API takes it (RFC 3339 with a zone); n8n's date picker gives local time without one. */
function timestamp(value: unknown): unknown {
	if (typeof value !== 'string' || value === '' || /(?:Z|[+-]\d\d:\d\d)$/.test(value)) return value;
	const parsed = new Date(value);
	return Number.isNaN(parsed.getTime()) ? value : parsed.toISOString();
}

export const structureOperations: OperationTable = {
	group: {
		async create(i) {
			return one(this, i, 'POST', '/v1/groups', { name: this.getNodeParameter('name', i) as string, ...toBody(this, this.getNodeParameter('additionalFields', i, {}) as IDataObject, i, 'create') });
		},
		async get(i) {
			return one(this, i, 'GET', `/v1/groups/${id(this, 'groupId', i)}`);
		},
		async getAll(i) {
			return many(this, i, '/v1/groups', toQuery(this.getNodeParameter('filters', i, {}) as IDataObject));
		},
		async update(i) {
			return one(this, i, 'PATCH', `/v1/groups/${id(this, 'groupId', i)}`, toBody(this, this.getNodeParameter('updateFields', i, {}) as IDataObject, i, 'update'));
		},
		async delete(i) {
			return remove(this, i, `/v1/groups/${id(this, 'groupId', i)}`);
		},
	},
	role: {
		async create(i) {
			const body = {
				name: this.getNodeParameter('name', i) as string,
				groupId: this.getNodeParameter('groupId', i) as string,
				...toBody(this, this.getNodeParameter('additionalFields', i, {}) as IDataObject, i, 'create'),
			};
			return one(this, i, 'POST', '/v1/roles', body);
		},
		async get(i) {
			return one(this, i, 'GET', `/v1/roles/${id(this, 'roleId', i)}`);
		},
		async getAll(i) {
			return many(this, i, '/v1/roles', toQuery(this.getNodeParameter('filters', i, {}) as IDataObject));
		},
		async update(i) {
			return one(this, i, 'PATCH', `/v1/roles/${id(this, 'roleId', i)}`, toBody(this, this.getNodeParameter('updateFields', i, {}) as IDataObject, i, 'update'));
		},
		async delete(i) {
			return remove(this, i, `/v1/roles/${id(this, 'roleId', i)}`);
		},
		async assign(i) {
			const body = { employeeId: this.getNodeParameter('employeeId', i) as string, ...toBody(this, this.getNodeParameter('assignmentFields', i, {}) as IDataObject, i, 'create') };
			return one(this, i, 'POST', `/v1/roles/${id(this, 'roleId', i)}/assignments`, body);
		},
		async unassign(i) {
			const employeeId = this.getNodeParameter('employeeId', i) as string;
			const answer = (await apiRequest.call(this, 'DELETE', `/v1/roles/${id(this, 'roleId', i)}/assignments`, { qs: { employeeId } }, i)) as { data?: IDataObject } | undefined;
			return answer?.data ?? { unassigned: true };
		},
	},
	recognition: {
		async create(i) {
			const body = {
				giverId: this.getNodeParameter('giverId', i) as string,
				recipientIds: splitList(this.getNodeParameter('recipientIds', i)),
				...toBody(this, this.getNodeParameter('additionalFields', i, {}) as IDataObject, i, 'create'),
			};
			return one(this, i, 'POST', '/v1/recognitions', body);
		},
		async get(i) {
			return one(this, i, 'GET', `/v1/recognitions/${id(this, 'recognitionId', i)}`);
		},
		async getAll(i) {
			const qs = toQuery(this.getNodeParameter('filters', i, {}) as IDataObject);
			if (qs.since !== undefined) qs.since = timestamp(qs.since) as string;
			return many(this, i, '/v1/recognitions', qs);
		},
	},
	program: {
		async create(i) {
			return one(this, i, 'POST', '/v1/programs', { name: this.getNodeParameter('name', i) as string, ...toBody(this, this.getNodeParameter('additionalFields', i, {}) as IDataObject, i, 'create') });
		},
		async getAll(i) {
			return many(this, i, '/v1/programs', toQuery(this.getNodeParameter('filters', i, {}) as IDataObject));
		},
	},
	engagement: {
		async getOverview(i) {
			const options = toBody(this, this.getNodeParameter('overviewOptions', i, {}) as IDataObject, i, 'create');
			const answer = (await apiRequest.call(this, 'GET', '/v1/engagement/overview', { qs: { interval: this.getNodeParameter('interval', i) as string, ...options } }, i)) as { data: IDataObject };
			return answer.data;
		},
	},
};
