/**
 * The case file (ملف الحالة): the application layer screens call. Pure functions from stored
 * records to the domain's inputs and answers; every rule stays in its domain module.
 */
export * from './records';
export * from './labels';
export * from './eligibility';
export * from './documents';
export * from './declaration';
export * from './procedure';
export * from './duplicates';
export * from './reports';
export * from './csv';
export * from './evaluation';
