/**
 * The key that signs this laptop's declarations is the device key HQ registered at sign-in
 * (renderer/src/security/deviceSigningKey.ts): HQ publishes its public key to every laptop as an
 * hq_config `device` entry, so the committee and other offices can verify the declaration.
 */
import type { DeviceSigningKey } from '../../../shared/declaration';
import { getDeviceSigningKey } from '../security/deviceSigningKey';

export function deviceSigningKey(): Promise<DeviceSigningKey> {
  return getDeviceSigningKey();
}
