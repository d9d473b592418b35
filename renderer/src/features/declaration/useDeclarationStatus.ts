/**
 * The declaration's standing for a request file: the data it would certify now, what is missing
 * before it can be made, the current declaration and whether the data changed since it was signed.
 */
import { useEffect, useMemo, useState } from 'react';
import {
  declarationGaps,
  declarationSnapshotFromRecords,
  isDeclarationStale,
  type DeclarationGap,
  type DeclarationRecords,
  type DeclarationStaleness,
} from '../../../../shared/casefile';
import type { DeclaredData } from '../../../../shared/declaration';
import type { Declaration } from '../../../../shared/schema';
import type { RequestFile } from '../requests/contract';
import { currentDeclaration } from './declarationInput';

export interface DeclarationStatus {
  records: DeclarationRecords;
  data: DeclaredData;
  gaps: DeclarationGap[];
  declaration: Declaration | undefined;
  /** Undefined while it is being computed or when there is no declaration. */
  staleness: DeclarationStaleness | undefined;
}

export function useDeclarationStatus(file: RequestFile): DeclarationStatus {
  const records = useMemo<DeclarationRecords>(
    () => ({ beneficiary: file.beneficiary, request: file.request, documents: file.documents, profile: file.profile }),
    [file.beneficiary, file.request, file.documents, file.profile],
  );
  const data = useMemo(() => declarationSnapshotFromRecords(records), [records]);
  const gaps = useMemo(() => declarationGaps(records), [records]);
  const declaration = useMemo(() => currentDeclaration(file.request, file.declarations), [file.request, file.declarations]);
  const [computed, setComputed] = useState<{ declaration: Declaration; records: DeclarationRecords; value: DeclarationStaleness } | null>(null);
  const staleness = computed && computed.declaration === declaration && computed.records === records ? computed.value : undefined;

  useEffect(() => {
    let live = true;
    if (!declaration) return;
    isDeclarationStale(declaration, records).then(
      (value) => {
        if (live) setComputed({ declaration, records, value });
      },
      (error: unknown) => console.error('declaration staleness', error),
    );
    return () => {
      live = false;
    };
  }, [declaration, records]);

  return { records, data, gaps, declaration, staleness };
}
