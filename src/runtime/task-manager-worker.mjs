// Entry of a TaskManager thread: registers the TypeScript loader, then serves the piscina task handler.
import { register } from 'tsx/esm/api';

register();
const { default: runTask } = await import('./task-manager-worker-main.ts');
export default runTask;
