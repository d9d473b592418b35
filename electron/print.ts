/**
 * Printing a PDF (e.g. a signed declaration) through the system print dialog.
 *
 * How: the bytes are written to a private temporary file (a fresh 0700 folder, a 0600 file),
 * loaded with `loadFile` into a hidden window from the window factory ('print': sandboxed,
 * context-isolated, no preload, its own in-memory session, navigation denied, only the PDF
 * plugin enabled), printed with `webContents.print()`, and the window and folder are removed
 * right after — also when printing fails. Stale folders from a crash are removed at start-up.
 *
 * Why not the alternatives:
 * - a data: URL — Chromium caps URLs at 2 MiB and restricts top-level data: navigations, and a
 *   declaration with an embedded Arabic font can exceed that;
 * - app:// — Chromium's PDF viewer cannot read custom-protocol responses (electron#24859), and
 *   serving documents on the app origin would mix personal data into the app's own origin;
 * - blob: — a blob URL belongs to the page that made it and cannot be loaded by another window.
 * The app page's CSP is unaffected: the PDF never enters the app origin.
 */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IpcFailure } from './ipc';
import { createWindow } from './window';

export const PRINT_FOLDER_PREFIX = 'sila-print-';
/** Chromium's PDF viewer renders after `did-finish-load`; give it a moment before printing. */
const VIEWER_SETTLE_MS = 400;

export interface PrintOptions {
  tempRoot?: string;
  settleMs?: number;
  platform?: NodeJS.Platform;
}

/** Resolves true when printed, false when the user cancelled; throws IpcFailure on failure. */
export async function printPdf(
  pdf: Uint8Array,
  copies: number,
  options: PrintOptions = {},
): Promise<boolean> {
  const folder = await mkdtemp(join(options.tempRoot ?? tmpdir(), PRINT_FOLDER_PREFIX));
  const window = createWindow({ kind: 'print' });
  try {
    const file = join(folder, 'document.pdf');
    await writeFile(file, pdf, { mode: 0o600 });
    await window.loadFile(file);
    await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? VIEWER_SETTLE_MS));
    // On macOS the print dialog is a sheet of its window: a hidden window would hide it.
    if ((options.platform ?? process.platform) === 'darwin') window.show();
    return await new Promise<boolean>((resolve, reject) => {
      window.webContents.print(
        { silent: false, printBackground: true, copies },
        (success, failureReason) => {
          if (success) resolve(true);
          else if (failureReason === 'cancelled') resolve(false);
          else reject(new IpcFailure('print_failed'));
        },
      );
    });
  } catch (error) {
    if (error instanceof IpcFailure) throw error;
    console.error('Sila: printing failed', error);
    throw new IpcFailure('print_failed');
  } finally {
    if (!window.isDestroyed()) window.destroy();
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * Removes print folders left behind by a crash. Only folders older than `minAgeMs` are
 * touched, so a print in progress is never pulled from under its window.
 */
export async function removeStalePrintFolders(
  tempRoot: string = tmpdir(),
  minAgeMs = 10 * 60_000,
): Promise<number> {
  let removed = 0;
  const now = Date.now();
  for (const name of await readdir(tempRoot)) {
    if (!name.startsWith(PRINT_FOLDER_PREFIX)) continue;
    const folder = join(tempRoot, name);
    try {
      if (now - (await stat(folder)).mtimeMs < minAgeMs) continue;
      await rm(folder, { recursive: true, force: true });
      removed += 1;
    } catch {
      // another OS user's folder in a shared temp directory: not ours to remove
    }
  }
  return removed;
}
