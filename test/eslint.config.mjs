// Lint rules for the tests, the HiBob simulator and the benchmarks: the server's house rules (see
// server/eslint.config.mjs for why each folder has its own configuration).
import tseslint from 'typescript-eslint';
import { houseRules } from '../server/eslint.config.mjs';

export default tseslint.config(...houseRules);
