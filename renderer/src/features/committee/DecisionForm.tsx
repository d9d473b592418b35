/**
 * The committee's decision (قرار لجنة البحث): accept, reject or ask for more information, with
 * reasons (required unless accepted) and the members present. Written to `committee_decisions`
 * only; the branch applies it to its request when it syncs (see applyDecisions.ts).
 */
import { Alert, Button, Checkbox, Group, Paper, SegmentedControl, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applyProcedureEvent } from '../../../../shared/casefile';
import type { PolicyProfile } from '../../../../shared/policy';
import {
  committeeDecisions,
  type Beneficiary,
  type BeneficiaryDocument,
  type CommitteeDecision,
  type SupportRequest,
} from '../../../../shared/schema';
import { useServices } from '../../services';
import { useActor } from '../../state/actor';
import { insertRecord, newRecordId, RecordInvalidError } from '../declaration/records';
import { decisionEvent } from './applyDecisions';
import { useCommitteeMembers } from './useCommitteeData';

type Kind = CommitteeDecision['decision'];

interface Props {
  request: SupportRequest;
  beneficiary: Beneficiary;
  documents: BeneficiaryDocument[];
  profile: PolicyProfile;
}

export function DecisionForm({ request, beneficiary, documents, profile }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'ar';
  const { db } = useServices();
  const actor = useActor();
  const directory = useCommitteeMembers();
  const members = [{ userId: actor.userId, name: actor.displayName }, ...directory.filter((m) => m.userId !== actor.userId)];
  const [kind, setKind] = useState<Kind>('accepted');
  const [reasons, setReasons] = useState('');
  const [present, setPresent] = useState<string[]>([actor.userId]);
  const [meeting, setMeeting] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function decide() {
    setError(null);
    const reasonList = reasons
      .split('\n')
      .map((r) => r.trim())
      .filter(Boolean);
    const now = new Date();
    const record: CommitteeDecision = {
      id: newRecordId(),
      branchId: request.branchId,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      updatedBy: actor.userId,
      requestId: request.id,
      beneficiaryId: beneficiary.id,
      serviceId: request.serviceId,
      decision: kind,
      reasons: reasonList,
      membersPresent: members.filter((m) => present.includes(m.userId)).map((m) => ({ userId: m.userId, name: m.name })),
      decidedAt: now.toISOString(),
      ...(meeting.trim() ? { meetingReference: meeting.trim() } : {}),
    };
    const fieldErrors: Record<string, string> = {};
    if (kind !== 'accepted' && reasonList.length === 0) fieldErrors.reasons = t('committee.form.reasonsRequired');
    if (record.membersPresent.length === 0) fieldErrors.membersPresent = t('committee.form.membersRequired');
    setErrors(fieldErrors);
    if (Object.keys(fieldErrors).length > 0) return;
    setBusy(true);
    try {
      // The procedure's rules (e.g. no acceptance before the study period ends) are checked here,
      // with the committee member as the actor, before the decision is written.
      const check = await applyProcedureEvent(request, decisionEvent(record), { beneficiary, documents, profile }, { userId: actor.userId, role: actor.role }, now);
      if (!check.ok) {
        setError(lang === 'ar' ? check.messageAr : check.messageEn);
        return;
      }
      await insertRecord(db, committeeDecisions, record, actor, { action: 'create', summary: `committee decision recorded (${kind})` });
    } catch (e) {
      if (e instanceof RecordInvalidError) {
        const byField: Record<string, string> = {};
        for (const i of e.issues) byField[i.path.split('.')[0] ?? ''] = i.message;
        setErrors(byField);
        setError(e.issues.length > 0 ? t('committee.form.invalid') : lang === 'ar' ? e.messageAr : e.messageEn);
      } else {
        console.error(e);
        setError(t('committee.form.unexpected'));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="md" radius="md" data-testid="decision-form">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('committee.form.title')}
        </Title>
        <SegmentedControl
          value={kind}
          onChange={(v) => setKind(v as Kind)}
          aria-label={t('committee.form.decision')}
          data={(['accepted', 'rejected', 'more_information'] as const).map((k) => ({ value: k, label: t(`committee.decisions.${k}`) }))}
          data-testid="decision-kind"
        />
        <Textarea
          label={kind === 'accepted' ? t('committee.form.reasonsOptional') : t('committee.form.reasons')}
          description={t('committee.form.reasonsHelp')}
          name="reasons"
          autosize
          minRows={3}
          required={kind !== 'accepted'}
          value={reasons}
          onChange={(e) => setReasons(e.currentTarget.value)}
          error={errors.reasons}
        />
        <Checkbox.Group
          label={t('committee.form.members')}
          value={present}
          onChange={setPresent}
          error={errors.membersPresent}
          required
        >
          <Stack gap={4} mt={4}>
            {members.map((m) => (
              <Checkbox key={m.userId} value={m.userId} label={m.name} />
            ))}
          </Stack>
        </Checkbox.Group>
        <TextInput label={t('committee.form.meeting')} name="meetingReference" value={meeting} onChange={(e) => setMeeting(e.currentTarget.value)} error={errors.meetingReference} />
        {error ? (
          <Alert color="red" role="alert" data-testid="decision-error">
            {error}
          </Alert>
        ) : null}
        <Text size="sm" c="dimmed">
          {t('committee.form.syncNote')}
        </Text>
        <Group>
          <Button onClick={() => void decide()} loading={busy} data-testid="decision-submit">
            {t('committee.form.submit')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
