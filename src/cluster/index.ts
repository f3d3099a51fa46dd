// sluice/cluster: the session cluster (JobManager with REST API, web UI and its TaskManager threads, and standalone
// TaskManager processes that join it) for embedding;
// kept out of the main entry point so jobs do not load the HTTP server.

export { startJobManager, type RunningJobManager, type StartJobManagerOptions } from './job-manager-process.ts';
export { startTaskManager, type RunningTaskManager, type StartTaskManagerOptions } from './task-manager-process.ts';
