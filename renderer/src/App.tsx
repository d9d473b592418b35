import { useEffect } from 'react';
import { AppShell, Badge, Burger, Button, Group, NavLink, Stack, Text, Title, useDirection } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { sections, hrefOf, useSection, type Section } from './navigation';
import { sectionIcons } from './components/icons';
import { useSession, type SyncPhase } from './state/session';
import { applyDocumentLocale, directionOf } from './i18n';
import { BeneficiariesScreen } from './screens/BeneficiariesScreen';
import { PlaceholderScreen } from './screens/PlaceholderScreen';
import { SyncScreen } from './screens/SyncScreen';
import { SettingsScreen } from './screens/SettingsScreen';

/** Keeps i18next, `<html lang dir>` and Mantine's direction in step with the chosen locale. */
function LocaleSync() {
  const { i18n } = useTranslation();
  const locale = useSession((s) => s.locale);
  const { setDirection } = useDirection();
  useEffect(() => {
    applyDocumentLocale(locale);
    setDirection(directionOf(locale));
    if (i18n.language !== locale) void i18n.changeLanguage(locale);
    document.title = i18n.getFixedT(locale)('app.name');
  }, [locale, i18n, setDirection]);
  return null;
}

function LocaleToggle() {
  const { t } = useTranslation();
  const locale = useSession((s) => s.locale);
  const setLocale = useSession((s) => s.setLocale);
  const other = locale === 'ar' ? 'en' : 'ar';
  return (
    <Button
      variant="default"
      size="xs"
      onClick={() => setLocale(other)}
      lang={other}
      aria-label={t('locale.switchLabel')}
      data-testid="locale-toggle"
    >
      {t('locale.switchTo')}
    </Button>
  );
}

const phaseColor: Record<SyncPhase, string> = {
  idle: 'gray',
  starting: 'blue',
  active: 'blue',
  inSync: 'teal',
  error: 'orange',
  follower: 'gray',
  unavailable: 'gray',
};

function HeaderSyncState() {
  const { t } = useTranslation();
  const phase = useSession((s) => s.sync.phase);
  const online = useSession((s) => s.online);
  return (
    <Badge
      component="a"
      href={hrefOf('sync')}
      variant="dot"
      tt="none"
      color={online ? phaseColor[phase] : 'red'}
      style={{ cursor: 'pointer' }}
      data-testid="header-sync-state"
    >
      {online ? t(`sync.states.${phase}`) : t('sync.offline')}
    </Badge>
  );
}

function Screen({ section }: { section: Section }) {
  switch (section) {
    case 'beneficiaries':
      return <BeneficiariesScreen />;
    case 'requests':
    case 'committee':
    case 'reports':
      return <PlaceholderScreen section={section} />;
    case 'sync':
      return <SyncScreen />;
    case 'settings':
      return <SettingsScreen />;
  }
}

export function App() {
  const { t } = useTranslation();
  const section = useSection();
  const [opened, { toggle, close }] = useDisclosure(false);

  return (
    <>
      <LocaleSync />
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
          <Screen section={section} />
        </AppShell.Main>
      </AppShell>
    </>
  );
}
