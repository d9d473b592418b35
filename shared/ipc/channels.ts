/**
 * IPC channel names, free of any schema library so the sandboxed preload stays tiny.
 * The schemas for each channel live in `contract.ts`; the two are kept in step by a
 * type-level check there.
 */
export const invokeChannels = {
  appInfo: 'app:info',
  fileSaveAs: 'file:saveAs',
  printPdf: 'print:pdf',
  secureEncrypt: 'secure:encrypt',
  secureDecrypt: 'secure:decrypt',
  shellOpenExternal: 'shell:openExternal',
} as const;
export type InvokeChannel = (typeof invokeChannels)[keyof typeof invokeChannels];

/** Events pushed from the main process to the page. */
export const eventChannels = {
  powerLock: 'power:lock',
} as const;
export type EventChannel = (typeof eventChannels)[keyof typeof eventChannels];
