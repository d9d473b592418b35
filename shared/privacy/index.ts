export * from './destruction';
