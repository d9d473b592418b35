import { AppShell, Burger, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { sections, hrefOf, useRoute, type Route } from './navigation';
import { sectionIcons } from './components/icons';
import { LocaleToggle } from './components/Locale';
import { featureScreens } from './features';
import { HeaderSyncState } from './features/syncStatus/HeaderSyncState';
import { DecisionReconciler } from './features/committee/applyDecisions';
import { EvaluationReconciler } from './features/service/applyEvaluations';
import { UserMenu } from './features/account/UserMenu';

function Screen({ route }: { route: Route }) {
  const FeatureScreen = featureScreens[route.section];
  return <FeatureScreen params={route.params} />;
}

export function App() {
  const { t } = useTranslation();
  const route = useRoute();
  const section = route.section;
  const [opened, { toggle, close }] = useDisclosure(false);

  return (
    <>
      <DecisionReconciler />
      <EvaluationReconciler />
      <AppShell header={{ height: 64 }} navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('app.toggleNavigation')} />
              <Stack gap={0}>
                <Title order={1} size="h3" lh={1.2} c="teal.8">
                  {t('app.name')}
                </Title>
                <Text size="xs" c="dimmed" visibleFrom="sm">
                  {t('app.tagline')}
                </Text>
              </Stack>
            </Group>
            <Group gap="sm" wrap="nowrap">
              <HeaderSyncState />
              <UserMenu />
              <LocaleToggle />
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="sm" aria-label={t('nav.label')} component="nav">
          {sections.map((s) => {
            const Icon = sectionIcons[s];
            return (
              <NavLink
                key={s}
                href={hrefOf(s)}
                label={t(`nav.${s}`)}
                leftSection={<Icon />}
                active={s === section}
                onClick={close}
                aria-current={s === section ? 'page' : undefined}
                data-testid={`nav-${s}`}
                variant="light"
                color="teal"
                style={{ borderRadius: 'var(--mantine-radius-md)' }}
              />
            );
          })}
        </AppShell.Navbar>
        <AppShell.Main>
          <Screen route={route} />
        </AppShell.Main>
      </AppShell>
    </>
  );
}
