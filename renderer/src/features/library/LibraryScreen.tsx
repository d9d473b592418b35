/**
 * The reference library (#/library): the association's policy and the relations officer's tools,
 * from the policy profile in force — readable offline, searchable within the page, printable.
 */
import { useMemo, useRef, useState } from 'react';
import { Badge, Button, Group, List, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useActiveProfile } from '../../state/profile';
import { formatGregorianDate, formatHijriDate } from '../../../../shared/dates/format';
import { librarySectionIds, libraryEntries, searchLibrary, type LibraryEntry } from './library';
import { printArea } from './print';

function Entry({ entry, en }: { entry: LibraryEntry; en: boolean }) {
  const { t } = useTranslation();
  const lines = en && entry.linesEn.length > 0 ? entry.linesEn : entry.linesAr;
  const title = en ? entry.titleEn : entry.titleAr;
  return (
    <Paper withBorder radius="md" p="md" component="article" data-testid="library-entry" data-entry={entry.id}>
      <Stack gap={6}>
        <Group gap="xs">
          <Title order={4}>{title}</Title>
          {entry.isForm && (
            <Badge variant="light" color="grape">
              {t('library.formBadge')}
            </Badge>
          )}
        </Group>
        {lines.map((line, i) => (
          <Text key={i} style={{ whiteSpace: 'pre-wrap' }} lang={en && entry.linesEn.length > 0 ? 'en' : 'ar'}>
            {line}
          </Text>
        ))}
        {(entry.groups ?? [])
          .filter((g) => g.itemsAr.length > 0)
          .map((g) => (
            <Stack key={g.key} gap={2}>
              <Text fw={600} size="sm">
                {t(`library.group.${g.key}`)}
              </Text>
              <List size="sm" spacing={2}>
                {(en ? g.itemsEn : g.itemsAr).map((item, i) => (
                  <List.Item key={i}>{item}</List.Item>
                ))}
              </List>
            </Stack>
          ))}
      </Stack>
    </Paper>
  );
}

export function LibraryScreen() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const profile = useActiveProfile();
  const [query, setQuery] = useState('');
  const all = useMemo(() => libraryEntries(profile), [profile]);
  const found = useMemo(() => searchLibrary(all, query), [all, query]);
  const area = useRef<HTMLDivElement>(null);
  const locale = en ? 'en' : 'ar';
  const issued = [
    profile.issueDate?.hijri ? formatHijriDate(profile.issueDate.hijri, { locale }) : null,
    profile.issueDate?.gregorian ? formatGregorianDate(profile.issueDate.gregorian, { locale }) : null,
  ].filter((d): d is string => d !== null);
  return (
    <Stack gap="lg" data-testid="library-screen">
      <Group justify="space-between" align="flex-end" className="sila-no-print">
        <Title order={2}>{t('library.title')}</Title>
        <Button variant="light" onClick={() => area.current && printArea(area.current)} data-testid="library-print">
          {t('library.print')}
        </Button>
      </Group>
      <TextInput
        type="search"
        className="sila-no-print"
        label={t('library.searchLabel')}
        placeholder={t('library.searchPlaceholder')}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        data-testid="library-search"
      />
      <Text c="dimmed" size="sm" aria-live="polite" className="sila-no-print" data-testid="library-count" data-count={found.length}>
        {t('library.resultCount', { count: found.length })}
      </Text>
      <Stack gap="xl" ref={area}>
        <Stack gap={4}>
          <Title order={3}>{profile.association.nameAr}</Title>
          {en && profile.association.nameEn && <Text>{profile.association.nameEn}</Text>}
          <Text>{profile.policyTitleAr}</Text>
          <Text c="dimmed" size="sm">
            {t('library.versionLine', { version: profile.version })}
            {profile.association.licenceNumber ? ` — ${t('library.licence', { number: profile.association.licenceNumber })}` : ''}
            {issued.length > 0 ? ` — ${t('library.issued', { dates: issued.join(en ? ' = ' : ' الموافق ') })}` : ''}
          </Text>
        </Stack>
        {found.length === 0 && (
          <Paper withBorder radius="md" p="lg" className="sila-empty-state" data-testid="library-empty">
            <Text>{t('library.noResults')}</Text>
          </Paper>
        )}
        {librarySectionIds.map((section) => {
          const entries = found.filter((e) => e.section === section);
          if (entries.length === 0) return null;
          return (
            <Stack key={section} gap="sm" component="section" aria-labelledby={`library-${section}`} data-testid={`library-section-${section}`}>
              <Title order={3} id={`library-${section}`}>
                {t(`library.section.${section}`)}
              </Title>
              {entries.map((e) => (
                <Entry key={e.id} entry={e} en={en} />
              ))}
            </Stack>
          );
        })}
      </Stack>
    </Stack>
  );
}
