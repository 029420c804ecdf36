export { createApp } from './app';
export type { AppDependencies } from './app';
