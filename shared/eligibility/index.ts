export * from './conditions';
export type * from './facts';
export * from './evaluate';
