/**
 * «تعديل البيانات» on the beneficiary's file: the registration form filled with the stored data,
 * with the same rules and Arabic messages, saved through the one audited write path. The requests
 * whose signed declaration no longer matches the edited data are flagged (useStaleDeclarations).
 */
import { useEffect, useState } from 'react';
import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Beneficiary, BeneficiaryDocument, Declaration, SupportRequest } from '../../../../shared/schema';
import { isDeclarationStale } from '../../../../shared/casefile';
import { useServices } from '../../services';
import { useBeneficiaries } from '../../data/useBeneficiaries';
import { useActiveProfile } from '../../state/profile';
import { useRecords } from '../requests/useRecords';
import { currentDeclaration } from '../declaration/declarationInput';
import { RegistrationForm } from './RegistrationForm';

export function BeneficiaryEdit({ beneficiary, onClose }: { beneficiary: Beneficiary; onClose(): void }) {
  const { t } = useTranslation();
  const { db } = useServices();
  const rows = useBeneficiaries(db);
  if (rows === null) {
    return (
      <Center py="md">
        <Loader size="sm" aria-label={t('reception.loading')} />
      </Center>
    );
  }
  return <RegistrationForm existing={rows} editing={beneficiary} onDone={onClose} />;
}

/**
 * Ids of the beneficiary's requests whose signed declaration no longer matches the current data
 * (shared/casefile isDeclarationStale, the declaration step's own check), kept current.
 */
export function useStaleDeclarations(beneficiary: Beneficiary, requests: readonly SupportRequest[] | null): ReadonlySet<string> {
  const profile = useActiveProfile();
  const declarations = useRecords<Declaration>('declarations', { beneficiaryId: beneficiary.id });
  const documents = useRecords<BeneficiaryDocument>('documents', { beneficiaryId: beneficiary.id });
  const [stale, setStale] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    if (!requests || !declarations || !documents) return;
    let live = true;
    const signed = requests.filter((r) => r.declarationId !== undefined && r.state !== 'closed');
    void Promise.all(
      signed.map(async (request) => {
        const declaration = currentDeclaration(request, declarations);
        if (!declaration || declaration.id !== request.declarationId) return null;
        const standing = await isDeclarationStale(declaration, { beneficiary, request, documents, profile });
        return standing.stale ? request.id : null;
      }),
    ).then(
      (ids) => live && setStale(new Set(ids.filter((id): id is string => id !== null))),
      (err: unknown) => console.error('declaration standing', err),
    );
    return () => {
      live = false;
    };
  }, [beneficiary, requests, declarations, documents, profile]);
  return stale;
}
