/** The research committee's decisions on this request, read-only (the committee writes them in features/committee). */
import { Badge, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { StepPanelProps } from './contract';

export function CommitteeView({ file }: StepPanelProps) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const date = new Intl.DateTimeFormat(ar ? 'ar-SA-u-ca-gregory-nu-latn' : 'en-GB', { dateStyle: 'medium' });
  const { request, decisions } = file;
  const sorted = [...decisions].sort((a, b) => b.decidedAt.localeCompare(a.decidedAt));
  return (
    <Stack gap="md" data-testid="committee-view">
      {request.submittedAt && (
        <Paper withBorder radius="md" p="md">
          <Group gap="lg">
            <div>
              <Text size="xs" c="gray.7">
                {t('requests.committee.submittedAt')}
              </Text>
              <Text>{date.format(new Date(request.submittedAt))}</Text>
            </div>
            {request.earliestReplyDate && (
              <div>
                <Text size="xs" c="gray.7">
                  {t('requests.committee.earliestReply')}
                </Text>
                <Text dir="ltr">{request.earliestReplyDate}</Text>
              </div>
            )}
          </Group>
        </Paper>
      )}
      {sorted.length === 0 ? (
        <Text c="gray.7" data-testid="committee-none">
          {request.state === 'submitted_to_committee' ? t('requests.committee.waiting') : t('requests.committee.none')}
        </Text>
      ) : (
        sorted.map((d) => (
          <Paper key={d.id} withBorder radius="md" p="md" data-testid="committee-decision" data-decision={d.decision}>
            <Stack gap="xs">
              <Group gap="xs">
                <Title order={4}>{t('requests.committee.decision')}</Title>
                <Badge color={d.decision === 'accepted' ? 'teal' : d.decision === 'rejected' ? 'red' : 'yellow'}>{t(`requests.committee.kinds.${d.decision}`)}</Badge>
                <Text size="sm" c="gray.7">
                  {date.format(new Date(d.decidedAt))}
                </Text>
              </Group>
              {d.reasons.length > 0 && (
                <>
                  <Text size="sm" fw={600}>
                    {t('requests.committee.reasons')}
                  </Text>
                  <List size="sm">
                    {d.reasons.map((r, i) => (
                      <List.Item key={i}>{r}</List.Item>
                    ))}
                  </List>
                </>
              )}
              <Text size="sm">
                {t('requests.committee.members')}: {d.membersPresent.map((m) => m.name).join(ar ? '، ' : ', ')}
              </Text>
            </Stack>
          </Paper>
        ))
      )}
    </Stack>
  );
}
