/** The window's services, created once at start-up and handed to screens through context. */
import { createContext, useContext } from 'react';
import type { Platform } from './platform';
import type { SilaDatabase } from './data/database';
import type { DataKey } from '../../shared/security';

export interface Services {
  platform: Platform;
  db: SilaDatabase;
  /** The unlocked data key (for lookup hashes and sealed files in later screens). */
  dataKey: DataKey;
  /** Restart replication now (e.g. after the user fixed the HQ address). */
  retrySync(): void;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesContext');
  return services;
}
