import { useState } from 'react';
import { Alert, Button, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useServices } from '../../services';
import { verifyLocalAuditChains, type DeviceChainReport } from '../../data/audit';

/** Verify every device's audit chain held on this laptop and show where a chain breaks. */
export function AuditChainPanel() {
  const { t, i18n } = useTranslation();
  const { db } = useServices();
  const [reports, setReports] = useState<DeviceChainReport[] | null>(null);
  const [working, setWorking] = useState(false);
  const [failed, setFailed] = useState(false);

  async function verify() {
    setWorking(true);
    setFailed(false);
    try {
      setReports(await verifyLocalAuditChains(db));
    } catch (err) {
      console.error('audit verification failed', err);
      setFailed(true);
    } finally {
      setWorking(false);
    }
  }

  return (
    <Paper withBorder radius="md" p="lg" data-testid="audit-chain-panel">
      <Stack gap="sm">
        <Title order={3}>{t('audit.title')}</Title>
        <Text c="dimmed">{t('audit.body')}</Text>
        <Button onClick={() => void verify()} loading={working} data-testid="audit-verify" w="fit-content">
          {t('audit.verify')}
        </Button>
        {failed && (
          <Alert color="red" role="alert">
            {t('audit.failed')}
          </Alert>
        )}
        {reports && reports.length === 0 && <Text data-testid="audit-empty">{t('audit.empty')}</Text>}
        {reports && reports.length > 0 && (
          <Table data-testid="audit-results">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('audit.device')}</Table.Th>
                <Table.Th>{t('audit.entries')}</Table.Th>
                <Table.Th>{t('audit.result')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {reports.map((r) => (
                <Table.Tr key={r.deviceId} data-testid="audit-result" data-ok={String(r.result.ok)}>
                  <Table.Td dir="ltr">{r.deviceId}</Table.Td>
                  <Table.Td>{r.entries}</Table.Td>
                  <Table.Td>
                    {r.result.ok ? (
                      <Text c="teal.8">{t('audit.intact')}</Text>
                    ) : (
                      <Text c="red.8" role="alert">
                        {i18n.language === 'ar' ? r.result.messageAr : r.result.messageEn}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
