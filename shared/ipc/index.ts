export * from './channels';
export * from './contract';
export * from './envelope';
export type { SilaBridge } from './bridge';
export { silaBridgeKeys } from './bridge';
