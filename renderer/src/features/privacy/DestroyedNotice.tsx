/**
 * What the beneficiary's file shows once HQ carried out a destruction requested on this laptop:
 * not "not on this laptop yet" (which would send the employee searching), but that the data was
 * destroyed at the beneficiary's request. Known from this laptop's own audit trail (the request
 * entry holds the record's opaque id only); other laptops show the ordinary "not here" notice.
 */
import { Alert, Anchor, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PDPL_DESTRUCTION_ACTION } from '../../../../shared/privacy';
import { hrefOf } from '../../navigation';
import { useRecords } from '../requests/useRecords';

/** Whether this laptop recorded a destruction request for the beneficiary. */
export function useDestructionRequested(beneficiaryId: string): boolean {
  const entries = useRecords<{ id: string }>('audit_entries', { docId: beneficiaryId, action: PDPL_DESTRUCTION_ACTION }, 'id');
  return (entries?.length ?? 0) > 0;
}

export function DestroyedNotice() {
  const { t } = useTranslation();
  return (
    // The same test id as the "not on this laptop" notice: the record is gone either way.
    <Alert color="gray" title={t('privacy.destroyedTitle')} data-testid="beneficiary-missing" data-reason="destroyed">
      <Stack gap="xs">
        <Text>{t('privacy.destroyedBody')}</Text>
        <Anchor href={hrefOf('beneficiaries')}>{t('privacy.backToReception')}</Anchor>
      </Stack>
    </Alert>
  );
}
