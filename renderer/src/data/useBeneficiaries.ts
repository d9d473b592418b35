import { useEffect, useState } from 'react';
import type { Beneficiary } from '../../../shared/schema';
import type { SilaDatabase } from './database';

/** The branch's beneficiaries, newest first, kept current by RxDB's query observable
 *  (also across windows: the database is multi-instance). `null` until the first result. */
export function useBeneficiaries(db: SilaDatabase): Beneficiary[] | null {
  const [rows, setRows] = useState<Beneficiary[] | null>(null);
  useEffect(() => {
    const subscription = db.beneficiaries
      .find({ sort: [{ updatedAt: 'desc' }] })
      .$.subscribe((docs) => setRows(docs.map((d) => d.toJSON() as Beneficiary)));
    return () => subscription.unsubscribe();
  }, [db]);
  return rows;
}
