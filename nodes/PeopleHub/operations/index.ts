// Every operation of the PeopleHub node, by resource and operation: the node's execute() looks the
// pair up here instead of walking nested ifs.
import { employeeOperations } from './employees';
import { integrationOperations } from './integrations';
import { peopleOperations } from './people';
import type { OperationTable } from './shared';
import { structureOperations } from './structure';

export const operations: OperationTable = {
  ...employeeOperations,
  ...peopleOperations,
  ...structureOperations,
  ...integrationOperations,
};
