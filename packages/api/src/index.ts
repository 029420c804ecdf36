export { createApp, PUBLIC_DIR } from './app';
export type { AppDependencies } from './app';
export { loadConfig } from './config';
export type { Config } from './config';
export { startApi } from './main';
export type { RunningApi } from './main';
export { STATUS_BY_CODE, problemOf } from './problems';
export { Tokens } from './tokens';
