/** The window's services, created once at start-up and handed to screens through context. */
import { createContext, useContext } from 'react';
import type { Platform } from './platform';
import type { SilaDatabase } from './data/database';
import type { DataKey } from '../../shared/security';
import type { ChangePasswordResult } from './security/account';

/** The signed-in user's own account (the header's user menu). */
export interface AccountServices {
  user: { userId: string; username: string; displayName: string };
  /** HQ first, then this laptop's key is re-wrapped (security/account.ts changePasswordOnline). */
  changePassword(input: { currentPassword: string; newPassword: string; confirmation: string }): Promise<ChangePasswordResult>;
  /** Lock now (the start screen asks for the password again). */
  lock(): void;
}

export interface Services {
  platform: Platform;
  db: SilaDatabase;
  /** The unlocked data key (for lookup hashes and sealed files in later screens). */
  dataKey: DataKey;
  /** Restart replication now (e.g. after the user fixed the HQ address). */
  retrySync(): void;
  /** The signed-in user's account actions (absent in tests that mount screens alone). */
  account?: AccountServices;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesContext');
  return services;
}
