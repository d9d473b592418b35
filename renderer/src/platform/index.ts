import { createElectronPlatform, findBridge } from './electron-bridge';
import { createWebPlatform } from './web';
import type { Platform } from './types';

export * from './types';

/** Chooses the platform once, at start-up, by feature detection. */
export function detectPlatform(win: Window = window): Platform {
  const bridge = findBridge(win);
  return bridge ? createElectronPlatform(bridge) : createWebPlatform({ window: win });
}
