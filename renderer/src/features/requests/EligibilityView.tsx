/** The eligibility engine's answer, condition by condition, and the required documents checklist. */
import { Alert, Badge, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { EligibilityAssessment, RequiredDocumentsChecklist } from '../../../../shared/casefile';
import type { ChecklistStatus } from '../../../../shared/casefile/documents';
import type { ConditionStatus, EligibilityVerdict } from '../../../../shared/eligibility/evaluate';

const statusColor: Record<ConditionStatus, string> = { pass: 'teal', fail: 'red', unknown: 'gray' };
const verdictColor: Record<EligibilityVerdict, string> = { eligible: 'teal', not_eligible: 'red', incomplete: 'yellow' };
const checklistColor: Record<ChecklistStatus, string> = {
  missing: 'gray',
  presented_unverified: 'yellow',
  verified: 'teal',
  rejected: 'red',
  expired_at_submission: 'red',
};

export function EligibilityView({ assessment }: { assessment: EligibilityAssessment }) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const { result } = assessment;
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="eligibility-title" data-testid="eligibility">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4} id="eligibility-title">
            {t('requests.eligibility.title')}
          </Title>
          <Badge color={verdictColor[result.verdict]} variant="filled" data-testid="eligibility-verdict" data-verdict={result.verdict}>
            {t(`requests.eligibility.verdicts.${result.verdict}`)}
          </Badge>
        </Group>
        <Text size="sm">{ar ? result.messageAr : result.messageEn}</Text>
        {result.redirects.map((r) => (
          <Alert key={r.target} color="orange" variant="light">
            {ar ? r.messageAr : r.messageEn}
          </Alert>
        ))}
        {result.noStatedConditions ? (
          <Text size="sm" c="gray.7">
            {t('requests.eligibility.noConditions')}
          </Text>
        ) : (
          <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {result.results.map((c) => (
              <li key={c.id} style={{ paddingInlineStart: c.depth * 20 }} data-testid="eligibility-condition" data-status={c.status} data-condition={c.id}>
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <Badge color={statusColor[c.status]} variant="light" miw={72} style={{ flexShrink: 0 }}>
                    {t(`requests.eligibility.status.${c.status}`)}
                  </Badge>
                  <div>
                    <Text size="sm" fw={600}>
                      {ar ? c.labelAr : c.labelEn}
                      {c.postService && ` (${t('requests.eligibility.postService')})`}
                    </Text>
                    <Text size="sm" c="gray.7">
                      {ar ? c.explanationAr : c.explanationEn}
                    </Text>
                  </div>
                </Group>
              </li>
            ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

export function ChecklistView({ checklist }: { checklist: RequiredDocumentsChecklist }) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="checklist-title" data-testid="documents-checklist">
      <Stack gap="sm">
        <Title order={4} id="checklist-title">
          {t('requests.checklist.title')}
        </Title>
        {checklist.items.length === 0 ? (
          <Text size="sm" c="gray.7">
            {t('requests.checklist.none')}
          </Text>
        ) : (
          <List spacing="xs" listStyleType="none" p={0}>
            {checklist.items.map((item) => (
              <List.Item key={item.documentTypeIds.join('|')} data-testid="checklist-item" data-status={item.status}>
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <Badge color={checklistColor[item.status]} variant="light" style={{ flexShrink: 0 }}>
                    {t(`requests.checklist.status.${item.status}`)}
                  </Badge>
                  <div>
                    <Text size="sm" fw={600}>
                      {ar ? item.labelAr : item.labelEn}
                    </Text>
                    <Text size="sm" c="gray.7">
                      {ar ? item.reasonAr : item.reasonEn}
                    </Text>
                  </div>
                </Group>
              </List.Item>
            ))}
          </List>
        )}
      </Stack>
    </Paper>
  );
}
