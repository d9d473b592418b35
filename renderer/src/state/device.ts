/** A random id for this browser profile / installation, used as `updatedBy` until sign-in exists. */
const key = 'sila.deviceId';

export function deviceUserId(storage: Storage = localStorage): string {
  let id = storage.getItem(key);
  if (!id || !/^device-[a-f0-9]{32}$/.test(id)) {
    id = `device-${crypto.randomUUID().replaceAll('-', '')}`;
    storage.setItem(key, id);
  }
  return id;
}
