/** Replication with HQ: wire protocol, per-collection replication, merge and the sync manager. */
export * from './protocol';
export * from './client';
export * from './merge';
export * from './manager';
export * from './attachments';
export * from './stream-hub';
