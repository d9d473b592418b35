/** The requests place: the list, a new request for a beneficiary, and a request's file at one of its steps. */
import type { FeatureScreenProps } from '../index';
import { NewRequestPage } from './NewRequest';
import { RequestFilePage } from './RequestFilePage';
import { RequestsList } from './RequestsList';
import { hashQuery } from './routes';

export function RequestsScreen({ params }: FeatureScreenProps) {
  const [first, second] = params;
  if (!first) return <RequestsList />;
  if (first === 'new') return <NewRequestPage beneficiaryId={hashQuery(window.location.hash).get('beneficiary')} />;
  return <RequestFilePage key={first} requestId={first} step={second} />;
}
