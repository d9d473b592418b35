import { Badge, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { sectionIcons } from '../components/icons';

/** The designed empty state of a place that a later issue fills. */
export function PlaceholderScreen({ section }: { section: 'requests' | 'committee' | 'reports' | 'library' }) {
  const { t } = useTranslation();
  const Icon = sectionIcons[section];
  return (
    <Stack gap="lg" maw={720}>
      <Title order={2}>{t(`placeholder.${section}.title`)}</Title>
      <Paper withBorder radius="md" className="sila-empty-state" data-testid={`placeholder-${section}`}>
        <Stack align="center" gap="sm">
          <ThemeIcon size={64} radius="xl" variant="light" color="teal">
            <Icon size={34} />
          </ThemeIcon>
          <Badge variant="light" color="gray">
            {t('placeholder.comingLabel')}
          </Badge>
          <Text maw={520} c="dimmed" size="lg">
            {t(`placeholder.${section}.body`)}
          </Text>
        </Stack>
      </Paper>
    </Stack>
  );
}
