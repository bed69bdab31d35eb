// Attributes, users and the organization.
import type { IDataObject } from 'n8n-workflow';
import { toBody, toQuery } from '../params';
import { apiRequest } from '../transport';
import { type OperationTable, id, many, one, remove, updateBody } from './shared';

export const peopleOperations: OperationTable = {
  attribute: {
    async create(i) {
      const type = this.getNodeParameter('type', i) as string;
      const body: IDataObject = { name: this.getNodeParameter('name', i) as string, type };
      if (type === 'option' || type === 'multi_option')
        body.options = this.getNodeParameter('options', i, []) as string[];
      return one(this, i, 'POST', '/v1/attributes', body);
    },
    async getAll(i) {
      // The attribute list is short and not paged: Limit is applied here.
      const answer = (await apiRequest.call(this, 'GET', '/v1/attributes', {}, i)) as { data: IDataObject[] };
      const returnAll = this.getNodeParameter('returnAll', i) as boolean;
      return returnAll ? answer.data : answer.data.slice(0, this.getNodeParameter('limit', i) as number);
    },
    async update(i) {
      return one(
        this,
        i,
        'PATCH',
        `/v1/attributes/${id(this, 'attributeId', i)}`,
        this.getNodeParameter('updateFields', i, {}) as IDataObject,
      );
    },
    async delete(i) {
      return remove(this, i, `/v1/attributes/${id(this, 'attributeId', i)}`);
    },
  },
  user: {
    async create(i) {
      const body = {
        email: this.getNodeParameter('email', i) as string,
        accessRight: this.getNodeParameter('accessRight', i) as string,
        ...toBody(this, this.getNodeParameter('additionalFields', i, {}) as IDataObject, i, 'create'),
      };
      return one(this, i, 'POST', '/v1/users', body);
    },
    async get(i) {
      return one(this, i, 'GET', `/v1/users/${id(this, 'userId', i)}`);
    },
    async getAll(i) {
      return many(this, i, '/v1/users', toQuery(this.getNodeParameter('filters', i, {}) as IDataObject));
    },
    async update(i) {
      return one(this, i, 'PATCH', `/v1/users/${id(this, 'userId', i)}`, updateBody(this, i));
    },
    async delete(i) {
      return remove(this, i, `/v1/users/${id(this, 'userId', i)}`);
    },
  },
  organization: {
    async get(i) {
      return one(this, i, 'GET', '/v1/organization');
    },
    async update(i) {
      return one(this, i, 'PATCH', '/v1/organization', { name: this.getNodeParameter('name', i) as string });
    },
  },
};
