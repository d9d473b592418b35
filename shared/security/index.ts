/**
 * Platform-free security building blocks (browser, Web Worker, Node 20; Web Crypto only):
 * password → Argon2id KEK → wrapped data key (DEK), lockout policy, keyed lookup hashes,
 * the RxDB encryption password, sealed blobs, canonical JSON.
 */
export * from './bytes';
export * from './canonical-json';
export * from './kdf';
export * from './data-key';
export * from './keyring';
export * from './lockout';
export * from './lookup-hash';
export * from './sealed-bytes';
