/**
 * The app's places and the feature that fills each one. Each feature lives in its own folder
 * under features/ with its screens, its data hooks and its message catalogue
 * (locales/ar.json and locales/en.json, merged under the folder's name by i18n/index.ts).
 */
import type { ReactElement } from 'react';
import type { Section } from '../navigation';
import { ReceptionScreen } from './reception/ReceptionScreen';
import { RequestsScreen } from './requests/RequestsScreen';
import { SyncStatusScreen } from './syncStatus/SyncStatusScreen';
import { SettingsScreen } from '../screens/SettingsScreen';
import { LibraryScreen } from './library/LibraryScreen';
import { ReportsScreen } from './reports/ReportsScreen';
import { CommitteeScreen } from './committee/CommitteeScreen';

export interface FeatureScreenProps {
  /** The path inside the section, e.g. ['abc123', 'documents'] for #/requests/abc123/documents. */
  params: string[];
}

export const featureScreens: Record<Section, (props: FeatureScreenProps) => ReactElement> = {
  beneficiaries: ({ params }) => <ReceptionScreen params={params} />,
  requests: ({ params }) => <RequestsScreen params={params} />,
  committee: (props) => <CommitteeScreen {...props} />,
  reports: () => <ReportsScreen />,
  library: () => <LibraryScreen />,
  sync: ({ params }) => <SyncStatusScreen params={params} />,
  settings: () => <SettingsScreen />,
};
