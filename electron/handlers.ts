/** The main-process side of every channel in the IPC contract. */
import { app, dialog, safeStorage } from 'electron';
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invokeChannels } from '../shared/ipc/channels';
import { handle, IpcFailure } from './ipc';
import { printPdf } from './print';
import { openExternalSafely } from './security';

export interface HandlerDeps {
  hqOrigins: readonly string[];
  platform?: NodeJS.Platform;
}

/**
 * safeStorage must be backed by a real OS key store. On Linux without a keyring Electron falls
 * back to 'basic_text' (a hard-coded password): that protects nothing, so it counts as
 * unavailable and the page falls back to asking for the password.
 */
function assertSecureStorage(platform: NodeJS.Platform): void {
  if (!safeStorage.isEncryptionAvailable()) throw new IpcFailure('secure_storage_unavailable');
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    throw new IpcFailure('secure_storage_unavailable');
  }
}

/** Writes next to the target first and renames, so a failed write never leaves half a file. */
async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.partial`;
  try {
    await writeFile(temp, bytes, { flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

export function registerIpcHandlers(deps: HandlerDeps): void {
  const platform = deps.platform ?? process.platform;

  handle(invokeChannels.appInfo, () => ({
    name: app.getName(),
    version: app.getVersion(),
    platform,
    arch: process.arch,
    locale: app.getLocale(),
    hqOrigins: [...deps.hqOrigins],
    packaged: app.isPackaged,
  }));

  handle(invokeChannels.fileSaveAs, async (request, { window }) => {
    if (window === null) throw new IpcFailure('no_window');
    const result = await dialog.showSaveDialog(window, {
      defaultPath: join(app.getPath('documents'), request.suggestedName),
      filters: request.filters.map((f) => ({ name: f.name, extensions: [...f.extensions] })),
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    });
    if (result.canceled || !result.filePath) return { status: 'cancelled' as const };
    try {
      await writeFileAtomically(result.filePath, request.bytes);
    } catch (error) {
      console.error('Sila: saving a file failed', error);
      throw new IpcFailure('save_failed');
    }
    return { status: 'saved' as const, path: result.filePath };
  });

  handle(invokeChannels.printPdf, async (request, { window }) => {
    if (window === null) throw new IpcFailure('no_window');
    return { printed: await printPdf(request.pdf, request.copies) };
  });

  handle(invokeChannels.secureEncrypt, (request) => {
    assertSecureStorage(platform);
    return { ciphertext: safeStorage.encryptString(request.plaintext).toString('base64') };
  });

  handle(invokeChannels.secureDecrypt, (request) => {
    assertSecureStorage(platform);
    try {
      return { plaintext: safeStorage.decryptString(Buffer.from(request.ciphertext, 'base64')) };
    } catch {
      throw new IpcFailure('decrypt_failed');
    }
  });

  handle(invokeChannels.shellOpenExternal, async (request) => {
    if (!(await openExternalSafely(request.url))) throw new IpcFailure('url_not_allowed');
    return { opened: true as const };
  });
}
