/** Addresses inside the requests place: #/requests, #/requests/new?beneficiary=<id>, #/requests/<id>/<step>. */
import { hrefOf } from '../../navigation';

export function newRequestHref(beneficiaryId: string): string {
  return `${hrefOf('requests', 'new')}?beneficiary=${encodeURIComponent(beneficiaryId)}`;
}

/** The query part of a hash address (`#/requests/new?beneficiary=x` → { beneficiary: 'x' }). */
export function hashQuery(hash: string): URLSearchParams {
  const i = hash.indexOf('?');
  return new URLSearchParams(i >= 0 ? hash.slice(i + 1) : '');
}
