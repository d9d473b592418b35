export * from './calendar';
export * from './hijri';
export * from './format';
export * from './expiry';
export * from './parse';
