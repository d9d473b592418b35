/**
 * Step 4 of the request file — document verification (التحقق من المستندات): the required
 * documents checklist of the request's service (shared/casefile), each document on file with
 * its comparison and verification, and adding a document from a file, by drag and drop or from
 * the laptop camera.
 */
import { useMemo, useState } from 'react';
import { Alert, Badge, Button, Card, Group, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import {
  documentsOfRequest,
  requiredDocumentsChecklist,
  type ChecklistStatus,
} from '../../../../shared/casefile';
import { formatDualDate, saudiCivilDate } from '../../../../shared/dates';
import type { StepPanelProps } from '../requests/contract';
import { DocumentCard } from './DocumentCard';
import { DocumentEditor } from './DocumentEditor';
import { expiryReferenceInstant } from './documentRecord';

const statusColors: Record<ChecklistStatus, string> = {
  missing: 'gray',
  presented_unverified: 'blue',
  verified: 'green',
  rejected: 'red',
  expired_at_submission: 'orange',
};

type Editing = { mode: 'new'; typeId?: string } | { mode: 'edit'; documentId: string } | null;

export function DocumentsStep(props: StepPanelProps) {
  const { file } = props;
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const locale = ar ? 'ar' : 'en';
  const [editing, setEditing] = useState<Editing>(null);
  // Expiry is judged on the submission day, or today while the request is not submitted yet.
  const referenceAt = useMemo(
    () => expiryReferenceInstant(file.request, new Date()),
    [file.request],
  );
  const docs = useMemo(
    () => documentsOfRequest(file.request, file.documents),
    [file.request, file.documents],
  );
  const checklist = requiredDocumentsChecklist(
    file.profile,
    file.request.serviceId,
    docs,
    referenceAt,
  );
  const referenceDay = formatDualDate(
    { calendar: 'gregorian', ...saudiCivilDate(referenceAt) },
    { locale },
  );
  const editingDoc =
    editing?.mode === 'edit' ? docs.find((d) => d.id === editing.documentId) : undefined;

  return (
    <Stack data-testid="documents-step">
      <Group justify="space-between" align="flex-end">
        <Text size="sm" c="gray.7" data-testid="reference-day">
          {file.request.submittedAt
            ? t('documents.judgedAtSubmission', { date: referenceDay })
            : t('documents.judgedToday', { date: referenceDay })}
        </Text>
        <Button
          onClick={() => setEditing({ mode: 'new' })}
          data-testid="document-add"
          disabled={editing !== null}
        >
          {t('documents.add')}
        </Button>
      </Group>

      {!checklist.ok ? (
        <Alert color="red" role="alert">
          {ar ? checklist.messageAr : checklist.messageEn}
        </Alert>
      ) : (
        <Card withBorder padding="sm">
          <Group justify="space-between" mb="xs">
            <Text fw={600}>{t('documents.checklistTitle')}</Text>
            <Badge color={checklist.complete ? 'green' : 'gray'} data-testid="checklist-complete">
              {checklist.complete
                ? t('documents.checklistComplete')
                : t('documents.checklistIncomplete')}
            </Badge>
          </Group>
          {checklist.items.length === 0 ? (
            <Text size="sm" c="gray.7">
              {t('documents.noneRequired')}
            </Text>
          ) : (
            <Table verticalSpacing="xs" data-testid="checklist">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('documents.required')}</Table.Th>
                  <Table.Th style={{ minInlineSize: 170 }}>{t('documents.status')}</Table.Th>
                  <Table.Th>{t('documents.whatNext')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {checklist.items.map((item) => (
                  <Table.Tr
                    key={item.documentTypeIds.join('|')}
                    data-testid="checklist-item"
                    data-status={item.status}
                    data-types={item.documentTypeIds.join(' ')}
                  >
                    <Table.Td>{ar ? item.labelAr : item.labelEn}</Table.Td>
                    <Table.Td>
                      <Badge
                        color={statusColors[item.status]}
                        variant="light"
                        styles={{ root: { overflow: 'visible' }, label: { overflow: 'visible' } }}
                      >
                        {t(`documents.checklist.${item.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{ar ? item.reasonAr : item.reasonEn}</Text>
                    </Table.Td>
                    <Table.Td>
                      {item.status !== 'verified' && (
                        <Button
                          size="xs"
                          variant="light"
                          disabled={editing !== null}
                          onClick={() => {
                            const typeId = item.documentTypeIds[0];
                            setEditing(typeId ? { mode: 'new', typeId } : { mode: 'new' });
                          }}
                          data-testid="checklist-add"
                        >
                          {t('documents.addThis')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
      )}

      {editing?.mode === 'new' && (
        <DocumentEditor
          {...props}
          {...(editing.typeId ? { presetTypeId: editing.typeId } : {})}
          referenceAt={referenceAt}
          onDone={() => setEditing(null)}
        />
      )}

      {docs.length === 0 && editing === null && (
        <Text c="gray.7" data-testid="documents-empty">
          {t('documents.empty')}
        </Text>
      )}
      {docs.map((d) =>
        editingDoc?.id === d.id ? (
          <DocumentEditor
            key={d.id}
            {...props}
            existing={d}
            referenceAt={referenceAt}
            onDone={() => setEditing(null)}
          />
        ) : (
          <DocumentCard
            key={d.id}
            {...props}
            document={d}
            referenceAt={referenceAt}
            onEdit={() => setEditing({ mode: 'edit', documentId: d.id })}
          />
        ),
      )}
    </Stack>
  );
}
