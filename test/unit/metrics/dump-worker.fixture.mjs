// Entry of the dumps test's worker thread: registers the TypeScript loader, then runs the TypeScript fixture.
import { register } from 'tsx/esm/api';

register();
await import('./dump-worker.fixture.ts');
