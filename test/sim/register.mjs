// Lets plain `node --import ./test/sim/register.mjs test/sim/cli.ts` run the TypeScript sources (the `npm run sim` script).
import { register } from 'tsx/esm/api';

register();
