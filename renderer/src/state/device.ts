/**
 * This laptop's id (one per browser profile / installation): the device HQ registers at sign-in
 * (with its ECDSA public key, renderer/src/security/deviceSigningKey.ts) and the audit chain's
 * `deviceId`. Matches HQ's id pattern [A-Za-z0-9_-]{1,64}.
 */
const key = 'sila.deviceId';

export function deviceId(storage: Storage = localStorage): string {
  let id = storage.getItem(key);
  if (!id || !/^device-[a-f0-9]{32}$/.test(id)) {
    id = `device-${crypto.randomUUID().replaceAll('-', '')}`;
    storage.setItem(key, id);
  }
  return id;
}

/** The device's own user id, used as `updatedBy` only when nobody has signed in (tests, legacy data). */
export function deviceUserId(storage: Storage = localStorage): string {
  return deviceId(storage);
}
