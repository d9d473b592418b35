/**
 * HQ revoked this laptop (DEVICE_REVOKED, wipe: true): delete every local database of this
 * profile and the wrapped keys, then leave a notice for the start screen.
 */
import { forgetAllUsers } from './account';
import { forgetDeviceSigningKey } from './deviceSigningKey';

const noticeKey = 'sila.wipedNotice';

function deleteDatabase(idb: IDBFactory, name: string): Promise<void> {
  return new Promise((ok) => {
    const req = idb.deleteDatabase(name);
    req.onsuccess = () => ok();
    req.onerror = () => ok();
    req.onblocked = () => ok(); // deleted once the other windows close (they reload on the notice)
  });
}

export async function wipeLocalData(options: { idb?: IDBFactory; storage?: Storage; closeDatabases?: () => Promise<void> } = {}): Promise<void> {
  const idb = options.idb ?? indexedDB;
  const storage = options.storage ?? localStorage;
  await options.closeDatabases?.().catch(() => {});
  const names = (await idb.databases()).map((d) => d.name).filter((n): n is string => typeof n === 'string');
  await Promise.all(names.map((n) => deleteDatabase(idb, n)));
  forgetAllUsers(storage);
  forgetDeviceSigningKey();
  storage.removeItem('sila.lockout');
  storage.removeItem('sila.keyring');
  storage.setItem(noticeKey, new Date().toISOString());
}

export function wipedNotice(storage: Storage = localStorage): string | null {
  return storage.getItem(noticeKey);
}

export function dismissWipedNotice(storage: Storage = localStorage): void {
  storage.removeItem(noticeKey);
}
