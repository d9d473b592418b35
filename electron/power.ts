/**
 * Tells the page to lock itself when the OS screen locks or the machine suspends
 * (`power:lock` event; the page drops its keys and shows the unlock screen).
 */
import { powerMonitor } from 'electron';
import type { WebContents } from 'electron';
import { eventChannels } from '../shared/ipc/channels';
import type { LockEvent } from '../shared/ipc/contract';
import { isAppUrl } from './origin';

export function forwardLockEvents(targets: () => readonly WebContents[]): void {
  const send = (reason: LockEvent['reason']) => {
    const payload: LockEvent = { reason };
    for (const contents of targets()) {
      // Only the app's own page hears it.
      if (!contents.isDestroyed() && isAppUrl(contents.getURL()))
        contents.send(eventChannels.powerLock, payload);
    }
  };
  powerMonitor.on('lock-screen', () => send('lock-screen'));
  powerMonitor.on('suspend', () => send('suspend'));
}
