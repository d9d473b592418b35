import { useEffect, useState, type FormEvent } from 'react';
import { Button, Group, Paper, SegmentedControl, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { policyProfiles } from '../../../shared/policy';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { useServices } from '../services';
import { isValidBranchId, isValidHqUrl, normaliseHqUrl, useSession } from '../state/session';
import type { AppInfo } from '../platform';
import type { Locale } from '../i18n';
import { IdleLockSetting } from '../security/IdleLockSetting';
import { AuditChainPanel } from '../features/audit/AuditChainPanel';

export function SettingsScreen() {
  const { t } = useTranslation();
  const { platform } = useServices();
  const savedHqUrl = useSession((s) => s.hqUrl);
  const savedBranchId = useSession((s) => s.branchId);
  const locale = useSession((s) => s.locale);
  const setLocale = useSession((s) => s.setLocale);
  const setSettings = useSession((s) => s.setSettings);
  const profileId = useSession((s) => s.profileId);
  const setProfileId = useSession((s) => s.setProfileId);
  const [hqUrl, setHqUrl] = useState(savedHqUrl);
  const [branchId, setBranchId] = useState(savedBranchId);
  const [errors, setErrors] = useState<{ hqUrl?: string; branchId?: string }>({});
  const [info, setInfo] = useState<AppInfo | null>(null);

  useEffect(() => {
    platform.appInfo().then(setInfo, (err: unknown) => console.error('appInfo failed', err));
  }, [platform]);

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const next: typeof errors = {};
    if (!isValidHqUrl(hqUrl)) next.hqUrl = t('settings.hqUrlInvalid');
    if (!isValidBranchId(branchId)) next.branchId = t('settings.branchIdInvalid');
    setErrors(next);
    if (next.hqUrl || next.branchId) return;
    setSettings({ hqUrl: normaliseHqUrl(hqUrl), branchId: branchId.trim() });
    setHqUrl(normaliseHqUrl(hqUrl));
    notifications.show({ color: 'teal', title: t('settings.savedTitle'), message: t('settings.savedBody') });
  }

  return (
    <Stack gap="lg" maw={720}>
      <div>
        <Title order={2}>{t('settings.title')}</Title>
        <Text c="dimmed">{t('settings.subtitle')}</Text>
      </div>
      <Paper withBorder radius="md" p="lg">
        <form onSubmit={submit} noValidate data-testid="settings-form">
          <Stack gap="md">
            <TextInput
              name="hqUrl"
              label={t('settings.hqUrl')}
              description={t('settings.hqUrlHint')}
              value={hqUrl}
              onChange={(e) => setHqUrl(e.currentTarget.value)}
              error={errors.hqUrl}
              classNames={{ input: 'sila-ltr-value' }}
              autoComplete="off"
              spellCheck={false}
            />
            <TextInput
              name="branchId"
              label={t('settings.branchId')}
              description={t('settings.branchIdHint')}
              value={branchId}
              onChange={(e) => setBranchId(e.currentTarget.value)}
              error={errors.branchId}
              classNames={{ input: 'sila-ltr-value' }}
              autoComplete="off"
              spellCheck={false}
            />
            <Group justify="flex-end">
              <Button type="submit" data-testid="settings-save">
                {t('settings.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      <IdleLockSetting />
      <AuditChainPanel />
      <Paper withBorder radius="md" p="lg">
        <Select
          data-testid="settings-profile"
          label={t('settings.profile')}
          description={t('settings.profileHint')}
          value={profileId}
          allowDeselect={false}
          onChange={(value) => value && setProfileId(value)}
          data={policyProfiles.map((p) => ({ value: p.id, label: locale === 'ar' ? p.association.nameAr : (p.association.nameEn ?? p.association.nameAr) }))}
        />
      </Paper>
      <Paper withBorder radius="md" p="lg">
        <Stack gap="sm">
          <Text fw={700}>{t('settings.language')}</Text>
          <SegmentedControl
            value={locale}
            onChange={(value) => setLocale(value as Locale)}
            data={[
              { value: 'ar', label: t('locale.names.ar') },
              { value: 'en', label: t('locale.names.en') },
            ]}
          />
        </Stack>
      </Paper>
      <Paper withBorder radius="md" p="lg">
        <Stack gap="sm">
          <Title order={3}>{t('settings.about')}</Title>
          <Table>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w="40%">{t('settings.version')}</Table.Th>
                <Table.Td>
                  <span dir="ltr">{info?.version ?? '…'}</span>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('settings.platform')}</Table.Th>
                <Table.Td>{t(`settings.platforms.${platform.kind}`)}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Stack>
      </Paper>
    </Stack>
  );
}
