// Every operation of the PeopleHub node, by resource and operation: the node's execute() looks the
// pair up here instead of walking nested ifs. Batch operations run once for all input items.
import { activityOperations } from './activity';
import { employeeOperations } from './employees';
import { importBatchOperations, importOperations } from './imports';
import { integrationOperations } from './integrations';
import { peopleOperations } from './people';
import type { BatchOperationTable, OperationTable } from './shared';
import { structureOperations } from './structure';
import { surveyOperations } from './surveys';

export const operations: OperationTable = {
  ...employeeOperations,
  ...peopleOperations,
  ...structureOperations,
  ...integrationOperations,
  ...importOperations,
  ...surveyOperations,
  ...activityOperations,
};

export const batchOperations: BatchOperationTable = { ...importBatchOperations };
