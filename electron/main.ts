/** Electron main-process entry (bundled to dist-electron/main.cjs). */
import { startSila } from './app';

startSila();
