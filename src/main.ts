/**
 * The service's entry point (`npm start`). It imports nothing heavy before deciding whether to
 * start again with allocator settings (see app/allocator-tuning.ts): the rest loads after.
 */
import { allocatorRestart } from './app/allocator-tuning.js';

const restartEnv = allocatorRestart(process.env, process.platform);
const execve = (process as unknown as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never }).execve;
if (restartEnv !== null && typeof execve === 'function') {
  execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], restartEnv);
}
const { serve } = await import('./app/serve.js');
await serve();
