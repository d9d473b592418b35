/**
 * A test double for the `electron` module, used as
 *   vi.mock('electron', () => import('./electron-double'));
 * Only what the shell uses is implemented; everything records what it was asked to do.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';

type Listener = (...args: never[]) => unknown;

/** An Electron-style event: `preventDefault()` and a `url` field (will-navigate & co). */
export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly url = '') {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface PrintCall {
  options: Record<string, unknown>;
}

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  url = '';
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly sent: Array<[string, unknown]> = [];
  readonly printCalls: PrintCall[] = [];
  /** What the next print() reports. */
  printOutcome: { success: boolean; failureReason: string } = { success: true, failureReason: '' };
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  print(
    options: Record<string, unknown>,
    callback: (success: boolean, failureReason: string) => void,
  ): void {
    this.printCalls.push({ options });
    const { success, failureReason } = this.printOutcome;
    queueMicrotask(() => callback(success, failureReason));
  }
  /** Emits a cancellable event; returns true when a listener prevented it. */
  attempt(event: string, url = ''): boolean {
    const e = new FakeEvent(url);
    this.emit(event, e, url);
    return e.defaultPrevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  /** Print outcome given to the next window's webContents. */
  static nextPrintOutcome: { success: boolean; failureReason: string } | null = null;
  readonly webContents = new FakeWebContents();
  visible = false;
  minimized = false;
  focused = false;
  destroyed = false;
  loadedFile: string | null = null;
  loadedFileBytes: Buffer | null = null;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.all.push(this);
    if (FakeBrowserWindow.nextPrintOutcome)
      this.webContents.printOutcome = FakeBrowserWindow.nextPrintOutcome;
  }
  static fromWebContents(contents: unknown): FakeBrowserWindow | null {
    return FakeBrowserWindow.all.find((w) => w.webContents === contents) ?? null;
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.all.filter((w) => !w.destroyed);
  }
  loadURL(url: string): Promise<void> {
    this.webContents.url = url;
    return Promise.resolve();
  }
  loadFile(path: string): Promise<void> {
    this.loadedFile = path;
    this.loadedFileBytes = readFileSync(path);
    this.webContents.url = pathToFileURL(path).href;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  focus(): void {
    this.focused = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export class FakeSession {
  requestHandler: Listener | null = null;
  checkHandler: Listener | null = null;
  deviceHandler: Listener | null = null;
  setPermissionRequestHandler(handler: Listener | null): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: Listener | null): void {
    this.checkHandler = handler;
  }
  setDevicePermissionHandler(handler: Listener | null): void {
    this.deviceHandler = handler;
  }
}

let resolveReady: () => void = () => undefined;
const readyPromise = new Promise<void>((r) => (resolveReady = r));

class FakeApp extends EventEmitter {
  isPackaged = false;
  ready = false;
  appPath = '/nonexistent/sila';
  readonly requestSingleInstanceLock = vi.fn(() => true);
  readonly quit = vi.fn();
  readonly setAppUserModelId = vi.fn();
  readonly enableSandbox = vi.fn();
  readonly getPath = vi.fn((name: string) => `/nonexistent/sila-${name}`);
  getAppPath(): string {
    return this.appPath;
  }
  getName(): string {
    return 'sila';
  }
  getVersion(): string {
    return '0.1.0';
  }
  getLocale(): string {
    return 'ar-SA';
  }
  isReady(): boolean {
    return this.ready;
  }
  whenReady(): Promise<void> {
    return readyPromise;
  }
  /** Test control: fire `ready`. */
  becomeReady(): void {
    this.ready = true;
    resolveReady();
  }
}

export const app = new FakeApp();
export const BrowserWindow = FakeBrowserWindow;

export const protocol = {
  registerSchemesAsPrivileged: vi.fn(),
  handle: vi.fn(),
};

const invokeHandlers = new Map<string, (...args: unknown[]) => unknown>();
export const ipcMain = {
  handlers: invokeHandlers,
  handle: vi.fn((channel: string, fn: (...args: unknown[]) => unknown) => {
    if (invokeHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
    invokeHandlers.set(channel, fn);
  }),
};

class FakeIpcRenderer extends EventEmitter {
  readonly invoke = vi.fn((..._args: unknown[]): Promise<unknown> =>
    Promise.resolve({ ok: true, value: null }),
  );
  readonly send = vi.fn();
}
export const ipcRenderer = new FakeIpcRenderer();

export const contextBridge = { exposeInMainWorld: vi.fn() };

export const shell = { openExternal: vi.fn((_url: string) => Promise.resolve()) };

export const dialog = {
  showSaveDialog: vi.fn((..._args: unknown[]) => Promise.resolve({ canceled: true, filePath: '' })),
  showErrorBox: vi.fn(),
};

export const safeStorage = {
  available: true,
  backend: 'gnome_libsecret' as string,
  isEncryptionAvailable(): boolean {
    return this.available;
  },
  getSelectedStorageBackend(): string {
    return this.backend;
  },
  // A reversible stand-in for the OS key store: a fixed prefix and the bytes reversed.
  encryptString(plaintext: string): Buffer {
    return Buffer.concat([Buffer.from('v10'), Buffer.from(plaintext, 'utf8').reverse()]);
  },
  decryptString(ciphertext: Buffer): string {
    if (ciphertext.subarray(0, 3).toString() !== 'v10')
      throw new Error(
        'Error while decrypting the ciphertext provided to safeStorage.decryptString.',
      );
    return Buffer.from(ciphertext.subarray(3)).reverse().toString('utf8');
  },
};

export const powerMonitor = new EventEmitter();

export const Menu = {
  buildFromTemplate: vi.fn((template: unknown) => ({ template })),
  setApplicationMenu: vi.fn(),
};

export const session = { defaultSession: new FakeSession() };

export default {
  app,
  BrowserWindow,
  protocol,
  ipcMain,
  ipcRenderer,
  contextBridge,
  shell,
  dialog,
  safeStorage,
  powerMonitor,
  Menu,
  session,
};
