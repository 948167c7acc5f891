/** `bin/netc.js` on the sources (run with `node --import tsx`), for tests that need a process. */
import { main } from '../../cli/main.js';

process.exitCode = await main(process.argv.slice(2));
