/**
 * The app's places and the feature that fills each one. Each feature lives in its own folder
 * under features/ with its screens, its data hooks and its message catalogue
 * (locales/ar.json and locales/en.json, merged under the folder's name by i18n/index.ts).
 */
import type { ReactElement } from 'react';
import type { Section } from '../navigation';
import { BeneficiariesScreen } from '../screens/BeneficiariesScreen';
import { PlaceholderScreen } from '../screens/PlaceholderScreen';
import { SyncScreen } from '../screens/SyncScreen';
import { SettingsScreen } from '../screens/SettingsScreen';

export interface FeatureScreenProps {
  /** The path inside the section, e.g. ['abc123', 'documents'] for #/requests/abc123/documents. */
  params: string[];
}

export const featureScreens: Record<Section, (props: FeatureScreenProps) => ReactElement> = {
  beneficiaries: () => <BeneficiariesScreen />,
  requests: () => <PlaceholderScreen section="requests" />,
  committee: () => <PlaceholderScreen section="committee" />,
  reports: () => <PlaceholderScreen section="reports" />,
  library: () => <PlaceholderScreen section="library" />,
  sync: () => <SyncScreen />,
  settings: () => <SettingsScreen />,
};
