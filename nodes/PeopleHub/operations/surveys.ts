// Survey rounds: scheduling one, opening and closing it by hand, and reading its participation.
import type { IDataObject } from 'n8n-workflow';
import { splitList, toQuery, toTimestamp } from '../params';
import { type OperationTable, id, many, one } from './shared';

/** The question every round asks; the server gives it its default text. */
const ENGAGEMENT = 'engagement';

export const surveyOperations: OperationTable = {
  survey: {
    async create(i) {
      const entered = (this.getNodeParameter('questions', i, {}) as { question?: IDataObject[] }).question ?? [];
      const questions = entered
        .map((q) => ({ key: String(q.key ?? '').trim(), text: String(q.text ?? '').trim() }))
        .filter((q) => q.key !== '')
        .map((q) => (q.text === '' ? { key: q.key } : q));
      if (!questions.some((q) => q.key === ENGAGEMENT)) questions.unshift({ key: ENGAGEMENT });
      const fields = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
      const body: IDataObject = {
        name: this.getNodeParameter('name', i) as string,
        questions,
        opensAt: toTimestamp(this, 'Opens At', this.getNodeParameter('opensAt', i), i),
        closesAt: toTimestamp(this, 'Closes At', this.getNodeParameter('closesAt', i), i),
      };
      if (fields.audience !== undefined)
        body.audience = String(fields.audience)
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== '');
      if (fields.reminders !== undefined) body.reminders = splitList(fields.reminders).map(Number);
      if (fields.cadence !== undefined) body.cadence = fields.cadence;
      return one(this, i, 'POST', '/v1/surveys', body);
    },
    async get(i) {
      return one(this, i, 'GET', `/v1/surveys/${id(this, 'surveyId', i)}`);
    },
    async getAll(i) {
      return many(this, i, '/v1/surveys', toQuery(this.getNodeParameter('filters', i, {}) as IDataObject));
    },
    async getParticipation(i) {
      const survey = await one(this, i, 'GET', `/v1/surveys/${id(this, 'surveyId', i)}`);
      return {
        surveyId: survey.id,
        name: survey.name,
        status: survey.status,
        ...(survey.participation as IDataObject),
      };
    },
    async open(i) {
      return one(this, i, 'POST', `/v1/surveys/${id(this, 'surveyId', i)}/open`);
    },
    async close(i) {
      return one(this, i, 'POST', `/v1/surveys/${id(this, 'surveyId', i)}/close`);
    },
  },
};
