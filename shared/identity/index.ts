export * from './result';
export * from './digits';
export * from './nationalId';
export * from './phone';
export * from './names';
export * from './duplicates';
