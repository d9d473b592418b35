export * from './beneficiary-index';
