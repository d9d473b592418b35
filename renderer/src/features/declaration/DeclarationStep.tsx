import type { StepPanelProps } from '../requests/contract';
import { PlaceholderScreen } from '../../screens/PlaceholderScreen';

/** Declaration review, signature and printing (features/declaration). */
export function DeclarationStep(_props: StepPanelProps) {
  return <PlaceholderScreen section="requests" />;
}

/** Submission to the research committee and the receipt (features/declaration). */
export function SubmissionStep(_props: StepPanelProps) {
  return <PlaceholderScreen section="requests" />;
}
