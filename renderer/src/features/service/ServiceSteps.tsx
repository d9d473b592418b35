import type { StepPanelProps } from '../requests/contract';
import { PlaceholderScreen } from '../../screens/PlaceholderScreen';

/** Registration of an accepted beneficiary (features/service). */
export function RegistrationStep(_props: StepPanelProps) {
  return <PlaceholderScreen section="requests" />;
}

/** Service delivery records (features/service). */
export function DeliveryStep(_props: StepPanelProps) {
  return <PlaceholderScreen section="requests" />;
}

/** Satisfaction evaluation (features/service). */
export function EvaluationStep(_props: StepPanelProps) {
  return <PlaceholderScreen section="requests" />;
}
