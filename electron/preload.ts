/**
 * The preload (bundled to dist-electron/preload.cjs as CommonJS: sandboxed preloads cannot be
 * ES modules and may only require 'electron'). It exposes `window.sila` — one narrow function
 * per IPC channel and `onLock` — and never `ipcRenderer` itself. The main process validates
 * everything; the preload only forwards.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { SilaBridge } from '../shared/ipc/bridge';
import { eventChannels, invokeChannels } from '../shared/ipc/channels';
import type { InvokeChannel } from '../shared/ipc/channels';
import type { IpcRequest, IpcResponse, LockEvent } from '../shared/ipc/contract';
import type { IpcResult } from '../shared/ipc/envelope';

function invoke<C extends InvokeChannel>(
  channel: C,
  request?: IpcRequest<C>,
): Promise<IpcResult<IpcResponse<C>>> {
  const call =
    request === undefined ? ipcRenderer.invoke(channel) : ipcRenderer.invoke(channel, request);
  return call as Promise<IpcResult<IpcResponse<C>>>;
}

export const silaBridge: SilaBridge = {
  getAppInfo: () => invoke(invokeChannels.appInfo),
  saveFileAs: (request) => invoke(invokeChannels.fileSaveAs, request),
  printPdf: (request) => invoke(invokeChannels.printPdf, request),
  encryptSecret: (request) => invoke(invokeChannels.secureEncrypt, request),
  decryptSecret: (request) => invoke(invokeChannels.secureDecrypt, request),
  openExternal: (request) => invoke(invokeChannels.shellOpenExternal, request),
  onLock: (callback) => {
    if (typeof callback !== 'function') throw new TypeError('onLock needs a function');
    // The page's callback never sees the IPC event (which would give it the sender).
    const listener = (_event: IpcRendererEvent, payload: LockEvent) => {
      const reason = payload?.reason === 'suspend' ? 'suspend' : 'lock-screen';
      callback({ reason });
    };
    ipcRenderer.on(eventChannels.powerLock, listener);
    return () => {
      ipcRenderer.removeListener(eventChannels.powerLock, listener);
    };
  },
};

contextBridge.exposeInMainWorld('sila', silaBridge);
