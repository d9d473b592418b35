import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));

const { FakeBrowserWindow, dialog, ipcMain, safeStorage, shell } =
  await import('./electron-double');
const { registerIpcHandlers } = await import('../../../electron/handlers');
const { printPdf, removeStalePrintFolders, PRINT_FOLDER_PREFIX } =
  await import('../../../electron/print');
const { invokeChannels } = await import('../../../shared/ipc/channels');

const pdf = new Uint8Array([...Buffer.from('%PDF-1.7\n% صلة\n%%EOF\n')]);
let work: string;
let pageWindow: InstanceType<typeof FakeBrowserWindow>;

const call = async (channel: string, payload?: unknown, frameUrl = 'app://sila/index.html') => {
  const fn = ipcMain.handlers.get(channel);
  if (!fn) throw new Error(`no handler for ${channel}`);
  const event = { senderFrame: { url: frameUrl }, sender: pageWindow.webContents };
  return (payload === undefined ? fn(event) : fn(event, payload)) as Promise<{
    ok: boolean;
    value?: unknown;
    error?: { code: string };
  }>;
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sila-handlers-test-'));
  registerIpcHandlers({ hqOrigins: ['http://127.0.0.1:8787'], platform: 'linux' });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});
beforeEach(() => {
  pageWindow = new FakeBrowserWindow({});
  safeStorage.available = true;
  safeStorage.backend = 'gnome_libsecret';
  FakeBrowserWindow.nextPrintOutcome = null;
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

it('registers exactly the channels of the contract', () => {
  expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(invokeChannels).sort());
});

describe('app:info', () => {
  it('reports version, platform, locale and the HQ origins', async () => {
    expect(await call('app:info')).toEqual({
      ok: true,
      value: {
        name: 'sila',
        version: '0.1.0',
        platform: 'linux',
        arch: process.arch,
        locale: 'ar-SA',
        hqOrigins: ['http://127.0.0.1:8787'],
        packaged: false,
      },
    });
  });
});

describe('secure:encrypt / secure:decrypt', () => {
  it('round-trips a wrapped key through safeStorage as base64', async () => {
    const enc = await call('secure:encrypt', { plaintext: 'wrapped-key-مفتاح' });
    expect(enc.ok).toBe(true);
    const ciphertext = (enc.value as { ciphertext: string }).ciphertext;
    expect(Buffer.from(ciphertext, 'base64').subarray(0, 3).toString()).toBe('v10');
    expect(await call('secure:decrypt', { ciphertext })).toEqual({
      ok: true,
      value: { plaintext: 'wrapped-key-مفتاح' },
    });
  });

  it('fails with secure_storage_unavailable when safeStorage is unavailable', async () => {
    safeStorage.available = false;
    expect((await call('secure:encrypt', { plaintext: 'k' })).error?.code).toBe(
      'secure_storage_unavailable',
    );
    expect((await call('secure:decrypt', { ciphertext: 'djEwaw==' })).error?.code).toBe(
      'secure_storage_unavailable',
    );
  });

  it("treats Linux's basic_text fallback (a hard-coded password) as unavailable", async () => {
    safeStorage.backend = 'basic_text';
    expect((await call('secure:encrypt', { plaintext: 'k' })).error?.code).toBe(
      'secure_storage_unavailable',
    );
  });

  it('reports decrypt_failed for a value this machine cannot decrypt', async () => {
    expect(
      (
        await call('secure:decrypt', {
          ciphertext: Buffer.from('xyz-other-machine').toString('base64'),
        })
      ).error?.code,
    ).toBe('decrypt_failed');
  });
});

describe('file:saveAs', () => {
  const request = () => ({
    suggestedName: 'إقرار-123.pdf',
    bytes: pdf,
    filters: [{ name: 'مستند PDF', extensions: ['pdf'] }],
  });

  it('writes the bytes to the chosen file', async () => {
    const target = join(work, 'saved.pdf');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target });
    expect(await call('file:saveAs', request())).toEqual({
      ok: true,
      value: { status: 'saved', path: target },
    });
    expect(new Uint8Array(await readFile(target))).toEqual(pdf);
    const [parent, options] = dialog.showSaveDialog.mock.calls.at(-1) as [
      unknown,
      { defaultPath: string; filters: unknown },
    ];
    expect(parent).toBe(pageWindow);
    expect(options.defaultPath.endsWith('إقرار-123.pdf')).toBe(true);
    expect(options.filters).toEqual([{ name: 'مستند PDF', extensions: ['pdf'] }]);
    expect((await readdir(work)).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  it('reports a cancelled dialog', async () => {
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    expect(await call('file:saveAs', request())).toEqual({
      ok: true,
      value: { status: 'cancelled' },
    });
  });

  it('reports save_failed when the folder cannot be written', async () => {
    dialog.showSaveDialog.mockResolvedValueOnce({
      canceled: false,
      filePath: join(work, 'no-such-folder', 'x.pdf'),
    });
    expect((await call('file:saveAs', request())).error?.code).toBe('save_failed');
  });
});

describe('shell:openExternal', () => {
  it('opens https and refuses other schemes with url_not_allowed', async () => {
    shell.openExternal.mockClear();
    expect(await call('shell:openExternal', { url: 'https://example.org/' })).toEqual({
      ok: true,
      value: { opened: true },
    });
    expect(shell.openExternal).toHaveBeenCalledExactlyOnceWith('https://example.org/');
    expect((await call('shell:openExternal', { url: 'file:///etc/passwd' })).error?.code).toBe(
      'url_not_allowed',
    );
    expect((await call('shell:openExternal', { url: 'javascript:alert(1)' })).error?.code).toBe(
      'url_not_allowed',
    );
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });
});

describe('print:pdf', () => {
  const printWindows = () =>
    FakeBrowserWindow.all.filter(
      (w) => (w.options.webPreferences as { plugins?: boolean } | undefined)?.plugins === true,
    );

  it('prints the PDF from a hidden print window and removes the temporary file', async () => {
    const before = printWindows().length;
    const printed = await printPdf(pdf, 3, { tempRoot: work, settleMs: 0, platform: 'linux' });
    expect(printed).toBe(true);
    const w = printWindows().at(-1);
    expect(printWindows().length).toBe(before + 1);
    expect(w?.loadedFile?.startsWith(join(work, PRINT_FOLDER_PREFIX))).toBe(true);
    expect(new Uint8Array(w?.loadedFileBytes ?? [])).toEqual(pdf);
    expect(w?.webContents.printCalls).toEqual([
      { options: { silent: false, printBackground: true, copies: 3 } },
    ]);
    expect(w?.visible).toBe(false);
    expect(w?.destroyed).toBe(true);
    expect((await readdir(work)).filter((n) => n.startsWith(PRINT_FOLDER_PREFIX))).toEqual([]);
  });

  it('returns false when the user cancels, and cleans up', async () => {
    FakeBrowserWindow.nextPrintOutcome = { success: false, failureReason: 'cancelled' };
    expect(await printPdf(pdf, 1, { tempRoot: work, settleMs: 0 })).toBe(false);
    expect(printWindows().at(-1)?.destroyed).toBe(true);
    expect((await readdir(work)).filter((n) => n.startsWith(PRINT_FOLDER_PREFIX))).toEqual([]);
  });

  it('fails with print_failed when printing fails, and cleans up', async () => {
    FakeBrowserWindow.nextPrintOutcome = { success: false, failureReason: 'failed' };
    await expect(printPdf(pdf, 1, { tempRoot: work, settleMs: 0 })).rejects.toMatchObject({
      code: 'print_failed',
    });
    expect(printWindows().at(-1)?.destroyed).toBe(true);
    expect((await readdir(work)).filter((n) => n.startsWith(PRINT_FOLDER_PREFIX))).toEqual([]);
  });

  it('shows the print window on macOS, where the dialog is a sheet of it', async () => {
    await printPdf(pdf, 1, { tempRoot: work, settleMs: 0, platform: 'darwin' });
    expect(printWindows().at(-1)?.visible).toBe(true);
  });

  it('is reachable over IPC and returns the envelope', async () => {
    FakeBrowserWindow.nextPrintOutcome = { success: false, failureReason: 'failed' };
    expect(await call('print:pdf', { pdf, copies: 1 })).toMatchObject({
      ok: false,
      error: { code: 'print_failed' },
    });
    expect(
      (await call('print:pdf', { pdf: new Uint8Array([1, 2, 3, 4, 5, 6]), copies: 1 })).error?.code,
    ).toBe('invalid_request');
  });

  it('removes print folders left by a crash, but not one in use', async () => {
    const stale = await mkdtemp(join(work, PRINT_FOLDER_PREFIX));
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(stale, hourAgo, hourAgo);
    const fresh = await mkdtemp(join(work, PRINT_FOLDER_PREFIX));
    const other = await mkdtemp(join(work, 'keep-me-'));
    await utimes(other, hourAgo, hourAgo);
    expect(await removeStalePrintFolders(work)).toBe(1);
    const names = await readdir(work);
    expect(names).not.toContain(basename(stale));
    expect(names).toContain(basename(fresh));
    expect(names).toContain(basename(other));
    await rm(fresh, { recursive: true });
  });
});

describe('sender check applies to every channel', () => {
  it.each(Object.values(invokeChannels))('%s refuses a foreign page', async (channel) => {
    expect((await call(channel, undefined, 'https://evil.example/')).error?.code).toBe(
      'forbidden_sender',
    );
  });
});
