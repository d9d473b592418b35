/** A scan's bytes opened from the sealed store, as an object URL for display (revoked on change). */
import { useEffect, useState } from 'react';
import type { BeneficiaryDocument } from '../../../../shared/schema';
import { useServices } from '../../services';
import { readScan } from './scanStore';

type ScanType = NonNullable<BeneficiaryDocument['attachment']>['mimeType'];

export type ScanView =
  | { state: 'none' }
  | { state: 'loading' }
  | { state: 'missing' }
  | { state: 'ready'; url: string; bytes: Uint8Array<ArrayBuffer>; mimeType: ScanType };

export function useScanUrl(
  documentId: string,
  attachment: BeneficiaryDocument['attachment'],
): ScanView {
  const { db } = useServices();
  const attachmentId = attachment?.attachmentId;
  const mimeType = attachment?.mimeType;
  const sha256 = attachment?.sha256;
  const key = attachmentId ? `${documentId}/${attachmentId}` : '';
  const [loaded, setLoaded] = useState<{ key: string; view: ScanView } | null>(null);
  useEffect(() => {
    if (!attachmentId || !mimeType || !sha256) return;
    let url: string | null = null;
    let cancelled = false;
    readScan(db, documentId, attachmentId, sha256).then(
      (bytes) => {
        if (cancelled) return;
        if (!bytes) {
          setLoaded({ key, view: { state: 'missing' } });
          return;
        }
        url = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
        setLoaded({ key, view: { state: 'ready', url, bytes, mimeType } });
      },
      () => {
        if (!cancelled) setLoaded({ key, view: { state: 'missing' } });
      },
    );
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [db, documentId, attachmentId, mimeType, sha256, key]);
  if (!key) return { state: 'none' };
  return loaded?.key === key ? loaded.view : { state: 'loading' };
}
