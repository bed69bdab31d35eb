// Under test every run of a query template builds it again and fails if the SQL or its constants
// differ from the kept ones: a value built in where a slot belongs shows up at once.
import { templateChecks } from '../../server/src/store/prepared';

templateChecks.enabled = true;
