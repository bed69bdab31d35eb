// The PeopleHub action node run against a real server, for a describe block of node tests: one
// SQLite server and an app holding every permission, started before the block and closed after it.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { PeopleHub } from '../../nodes/PeopleHub/PeopleHub.node';
import { type TestServer, startTestServer } from './harness';
import { ALL_PERMISSIONS, appCredentials, n8nContext } from './n8n-context';

/** What n8n stores for a resource locator. */
export const rl = (mode: string, value: string) => ({ __rl: true, mode, value });

export interface NodeUnderTest {
  /** The running server (set once the block's beforeAll has run). */
  server(): TestServer;
  /** Runs the node once with these parameters (version 2 unless given) and returns its output items. */
  run(parameters: Record<string, unknown>, typeVersion?: number): Promise<INodeExecutionData[]>;
}

/** Registers the block's server start and stop; call it inside `describe`. */
export function peopleHubNode(): NodeUnderTest {
  let server: TestServer | undefined;
  let credentials: IDataObject;
  const node = new PeopleHub();
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    credentials = await appCredentials(server, ALL_PERMISSIONS);
  });
  afterAll(() => server?.close());
  return {
    server: () => {
      if (server === undefined) throw new Error('the server starts in beforeAll');
      return server;
    },
    async run(parameters, typeVersion = 2) {
      const context = n8nContext({ credentials, parameters, typeVersion });
      const [output] = await node.execute.call(context.self);
      return output;
    },
  };
}
