/**
 * The interview (المقابلة): the service's structured questions from the policy profile with free
 * notes, for an office visit, a field visit or a phone call. What is typed is saved as a draft
 * automatically and restored when the file is opened again; completing records the result.
 * The social-researcher referral (with its reason) and its return are procedure events.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Group, Paper, Radio, SegmentedControl, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Interview } from '../../../../shared/schema';
import { interviewModes, interviewResults } from '../../../../shared/schema/interview';
import { findService, type InterviewQuestion } from '../../../../shared/policy';
import { availableEvents } from '../../../../shared/workflow';
import { useServices } from '../../services';
import { newRecordId } from '../../data/beneficiaries';
import type { StepPanelProps } from './contract';
import {
  answerProblems,
  emptyInterviewInput,
  inputFromInterview,
  interviewRecord,
  latestDraft,
  sameInput,
  type AnswerProblem,
  type InterviewInput,
} from './interview';
import { applyEvent, save } from './persist';
import { isCompletedInterview } from './steps';

/** Quiet time after the last keystroke before the draft is written. */
export const DRAFT_DELAY_MS = 800;

type DraftState = { kind: 'idle' } | { kind: 'pending' } | { kind: 'saved'; at: string } | { kind: 'error'; messageAr: string; messageEn: string };

const INTERVIEW_STATES = ['reception', 'data_collection', 'with_social_researcher'];

function QuestionField({ q, value, onChange, problem }: { q: InterviewQuestion; value: string; onChange(v: string): void; problem: AnswerProblem | undefined }) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const label = ar ? q.labelAr : q.labelEn;
  const error = problem ? t(`requests.interview.errors.${problem}`) : undefined;
  const common = { label, required: q.required, error, 'data-question': q.id };
  switch (q.type) {
    case 'yesno':
      return (
        <Radio.Group {...common} value={value} onChange={onChange} name={`q-${q.id}`}>
          <Group mt="xs">
            <Radio value="yes" label={t('requests.interview.yes')} />
            <Radio value="no" label={t('requests.interview.no')} />
          </Group>
        </Radio.Group>
      );
    case 'choice':
      return (
        <Select
          {...common}
          name={`q-${q.id}`}
          data={(q.options ?? []).map((o) => ({ value: o.id, label: ar ? o.labelAr : o.labelEn }))}
          value={value || null}
          onChange={(v) => onChange(v ?? '')}
          clearable
        />
      );
    case 'number':
      return <TextInput {...common} name={`q-${q.id}`} value={value} onChange={(e) => onChange(e.currentTarget.value)} inputMode="decimal" autoComplete="off" maxLength={20} classNames={{ input: 'sila-ltr-value' }} />;
    case 'text':
      return <Textarea {...common} name={`q-${q.id}`} value={value} onChange={(e) => onChange(e.currentTarget.value)} autosize minRows={2} maxLength={4000} />;
  }
}

function CompletedInterview({ interview }: { interview: Interview }) {
  const { t, i18n } = useTranslation();
  const dateTime = new Intl.DateTimeFormat(i18n.language === 'ar' ? 'ar-SA-u-ca-gregory-nu-latn' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <Paper withBorder p="sm" radius="sm" data-testid="completed-interview">
      <Group gap="xs">
        <Badge variant="light">{t(`requests.interview.modes.${interview.mode}`)}</Badge>
        <Badge variant="light" color={interview.result === 'passed' ? 'teal' : interview.result === 'not_passed' ? 'red' : 'gray'}>
          {t(`requests.interview.results.${interview.result}`)}
        </Badge>
        <Text size="sm" c="gray.7">
          {dateTime.format(new Date(interview.conductedAt))}
        </Text>
      </Group>
      <Text size="sm" mt="xs">
        {t('requests.interview.answered', { count: interview.answers.length })}
      </Text>
      {interview.referral && (
        <Text size="sm" c="orange.8">
          {t('requests.referral.referredBecause', { reason: interview.referral.reason })}
        </Text>
      )}
    </Paper>
  );
}

function ReferralPanel({ file, actor }: StepPanelProps) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const { db } = useServices();
  const [reason, setReason] = useState('');
  const [returnNote, setReturnNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const events = availableEvents(file.request, actor.role);
  const lastReferral = [...file.request.history].reverse().find((h) => h.event === 'refer_to_researcher');

  async function refer() {
    if (!reason.trim()) {
      setError(t('requests.referral.errors.reason'));
      return;
    }
    setBusy(true);
    try {
      const outcome = await applyEvent(db, actor, file, { type: 'refer_to_researcher', reason: reason.trim() });
      if (!outcome.ok) {
        setError(ar ? outcome.messageAr : outcome.messageEn);
        return;
      }
      const now = new Date().toISOString();
      // The interview carries the referral too (the committee reads it there).
      const latest = [...file.interviews].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
      if (latest) await save(db, actor, 'interviews', { ...latest, referral: { reason: reason.trim(), referredAt: now } });
      // And the contact log records every referral.
      await save(db, actor, 'contact_logs', {
        id: newRecordId(),
        channelId: file.request.channelId,
        direction: 'outbound',
        at: now,
        subject: 'follow_up',
        handledBy: actor.userId,
        beneficiaryId: file.beneficiary.id,
        requestId: file.request.id,
        summary: reason.trim(),
        referral: { to: 'social_researcher', note: reason.trim() },
      });
      setReason('');
      setError(null);
      notifications.show({ closeButtonProps: { 'aria-label': t('requests.close') }, color: 'teal', title: t('requests.referral.referredTitle'), message: t('requests.referral.referredBody') });
    } finally {
      setBusy(false);
    }
  }

  async function giveBack() {
    setBusy(true);
    try {
      const outcome = await applyEvent(db, actor, file, { type: 'return_from_researcher', ...(returnNote.trim() ? { reason: returnNote.trim() } : {}) });
      if (!outcome.ok) {
        setError(ar ? outcome.messageAr : outcome.messageEn);
        return;
      }
      setReturnNote('');
      setError(null);
      notifications.show({ closeButtonProps: { 'aria-label': t('requests.close') }, color: 'teal', title: t('requests.referral.returnedTitle'), message: t('requests.referral.returnedBody') });
    } finally {
      setBusy(false);
    }
  }

  if (file.request.state === 'with_social_researcher') {
    return (
      <Paper withBorder radius="md" p="md" data-testid="referral-open">
        <Stack gap="sm">
          <Title order={4}>{t('requests.referral.withResearcherTitle')}</Title>
          {lastReferral?.reason && <Text size="sm">{t('requests.referral.referredBecause', { reason: lastReferral.reason })}</Text>}
          {events.includes('return_from_researcher') ? (
            <>
              <Textarea label={t('requests.referral.returnNote')} value={returnNote} onChange={(e) => setReturnNote(e.currentTarget.value)} autosize maxLength={2000} name="returnNote" />
              <Group justify="flex-end">
                <Button onClick={() => void giveBack()} loading={busy} data-testid="return-from-researcher">
                  {t('requests.referral.return')}
                </Button>
              </Group>
            </>
          ) : (
            <Text size="sm" c="gray.7" data-testid="waiting-for-researcher">
              {t('requests.referral.waiting')}
            </Text>
          )}
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
        </Stack>
      </Paper>
    );
  }
  if (!events.includes('refer_to_researcher')) return null;
  return (
    <Paper withBorder radius="md" p="md" data-testid="referral-form">
      <Stack gap="sm">
        <Title order={4}>{t('requests.referral.title')}</Title>
        <Text size="sm" c="gray.7">
          {t('requests.referral.hint')}
        </Text>
        <Textarea
          name="referralReason"
          label={t('requests.referral.reason')}
          value={reason}
          onChange={(e) => {
            setReason(e.currentTarget.value);
            setError(null);
          }}
          error={error ?? undefined}
          autosize
          minRows={2}
          maxLength={2000}
          required
        />
        <Group justify="flex-end">
          <Button variant="light" color="orange" onClick={() => void refer()} loading={busy} data-testid="refer-to-researcher">
            {t('requests.referral.refer')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export function InterviewStep({ file, actor }: StepPanelProps) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const { db } = useServices();
  const service = findService(file.profile, file.request.serviceId);
  const template = service?.interview;
  // The newest draft is resumed when the step opens (the file is loaded before panels render).
  const [resumed] = useState(() => latestDraft(file.interviews));
  const [input, setInput] = useState<InterviewInput>(() => (resumed ? inputFromInterview(resumed) : emptyInterviewInput));
  const [saved, setSaved] = useState<{ input: InterviewInput; at: string | null }>(() =>
    resumed ? { input: inputFromInterview(resumed), at: resumed.updatedAt } : { input: emptyInterviewInput, at: null },
  );
  const [saveError, setSaveError] = useState<{ messageAr: string; messageEn: string } | null>(null);
  const [problems, setProblems] = useState<Record<string, AnswerProblem>>({});
  const [completing, setCompleting] = useState(false);
  const [draftId, setDraftId] = useState<string | null>(resumed?.id ?? null);
  const draft: DraftState = saveError
    ? { kind: 'error', ...saveError }
    : !sameInput(input, saved.input)
      ? { kind: 'pending' }
      : saved.at
        ? { kind: 'saved', at: saved.at }
        : { kind: 'idle' };

  // The stored draft (kept current: a referral may be added to it while it is open).
  const draftDoc = draftId ? (file.interviews.find((i) => i.id === draftId) ?? null) : null;

  const writer = useRef<{ save(value: InterviewInput): Promise<void>; latest: InterviewInput } | null>(null);
  useEffect(() => {
    writer.current = {
      latest: input,
      async save(value: InterviewInput) {
        if (!template || sameInput(value, saved.input)) return;
        const id = draftId ?? newRecordId();
        const record = interviewRecord(
          template,
          value,
          'draft',
          { id, requestId: file.request.id, beneficiaryId: file.beneficiary.id, branchId: file.request.branchId, userId: actor.userId, now: new Date() },
          draftDoc,
        );
        const result = await save<Interview>(db, actor, 'interviews', record, { summary: draftDoc ? 'draft updated' : 'draft created' });
        if (result.ok) {
          setDraftId(id);
          setSaved({ input: value, at: result.doc.updatedAt });
          setSaveError(null);
        } else {
          setSaveError({ messageAr: result.messageAr, messageEn: result.messageEn });
        }
      },
    };
  });

  // Debounced autosave of everything typed.
  useEffect(() => {
    if (sameInput(input, saved.input)) return;
    const timer = window.setTimeout(() => void writer.current?.save(input), DRAFT_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [input, saved.input]);

  // Leaving the step before the delay: write what was typed now.
  useEffect(
    () => () => {
      const w = writer.current;
      if (w) void w.save(w.latest);
    },
    [],
  );

  if (!template) {
    return (
      <Alert color="red" data-testid="interview-no-service">
        {t('requests.interview.noTemplate')}
      </Alert>
    );
  }
  const tmpl = template;

  const setAnswer = (id: string, value: string) => {
    setInput((p) => ({ ...p, answers: { ...p.answers, [id]: value } }));
    setProblems((p) => {
      if (!p[id]) return p;
      const next = { ...p };
      delete next[id];
      return next;
    });
  };

  const editable = INTERVIEW_STATES.includes(file.request.state);
  const completed = file.interviews.filter(isCompletedInterview);

  async function complete() {
    const found = answerProblems(tmpl, input.answers, true);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setCompleting(true);
    try {
      const record = interviewRecord(tmpl, input, 'completed', {
        id: draftId ?? newRecordId(),
        requestId: file.request.id,
        beneficiaryId: file.beneficiary.id,
        branchId: file.request.branchId,
        userId: actor.userId,
        now: new Date(),
      }, draftDoc);
      const result = await save<Interview>(db, actor, 'interviews', record, { summary: 'interview completed' });
      if (!result.ok) {
        notifications.show({ closeButtonProps: { 'aria-label': t('requests.close') }, color: 'red', title: t('requests.saveFailedTitle'), message: ar ? result.messageAr : result.messageEn, autoClose: false });
        return;
      }
      setDraftId(null);
      setSaved({ input: emptyInterviewInput, at: null });
      setInput(emptyInterviewInput);
      notifications.show({ closeButtonProps: { 'aria-label': t('requests.close') }, color: 'teal', title: t('requests.interview.completedTitle'), message: t('requests.interview.completedBody') });
    } finally {
      setCompleting(false);
    }
  }

  const dateTime = new Intl.DateTimeFormat(ar ? 'ar-SA-u-ca-gregory-nu-latn' : 'en-GB', { timeStyle: 'short' });
  const hasProblems = Object.keys(problems).length > 0;

  return (
    <Stack gap="md" data-testid="interview-step">
      {completed.length > 0 && (
        <Stack gap="xs">
          <Title order={4}>{t('requests.interview.completedList')}</Title>
          {completed.map((i) => (
            <CompletedInterview key={i.id} interview={i} />
          ))}
        </Stack>
      )}
      {editable && (
        <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="interview-title">
          <form
            noValidate
            data-testid="interview-form"
            onSubmit={(e) => {
              e.preventDefault();
              void complete();
            }}
          >
            <Stack gap="md">
              <Group justify="space-between">
                <Title order={3} id="interview-title">
                  {ar ? tmpl.titleAr : tmpl.titleEn}
                </Title>
                <Text size="sm" c={draft.kind === 'error' ? 'red' : 'dimmed'} data-testid="draft-status" data-state={draft.kind} aria-live="polite">
                  {draft.kind === 'pending' && t('requests.interview.draftPending')}
                  {draft.kind === 'saved' && t('requests.interview.draftSaved', { time: dateTime.format(new Date(draft.at)) })}
                  {draft.kind === 'error' && (ar ? draft.messageAr : draft.messageEn)}
                </Text>
              </Group>
              {hasProblems && (
                <Alert color="red" variant="light" role="alert" data-testid="interview-problems">
                  {t('requests.interview.errors.fix')}
                </Alert>
              )}
              <div>
                <Text size="sm" fw={500} id="interview-mode-label">
                  {t('requests.interview.mode')}
                </Text>
                <SegmentedControl
                  aria-labelledby="interview-mode-label"
                  value={input.mode}
                  onChange={(v) => setInput((p) => ({ ...p, mode: (interviewModes as readonly string[]).includes(v) ? (v as InterviewInput['mode']) : 'office' }))}
                  data={interviewModes.map((m) => ({ value: m, label: t(`requests.interview.modes.${m}`) }))}
                  data-testid="interview-mode"
                />
              </div>
              {tmpl.questions.map((q) => (
                <QuestionField key={q.id} q={q} value={input.answers[q.id] ?? ''} onChange={(v) => setAnswer(q.id, v)} problem={problems[q.id]} />
              ))}
              <Textarea
                name="interviewNotes"
                label={t('requests.interview.notes')}
                value={input.notes}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  setInput((p) => ({ ...p, notes: v }));
                }}
                autosize
                minRows={3}
                maxLength={8000}
              />
              <Select
                name="result"
                label={t('requests.interview.result')}
                description={t('requests.interview.resultHint')}
                data={interviewResults.map((r) => ({ value: r, label: t(`requests.interview.results.${r}`) }))}
                value={input.result}
                onChange={(v) => setInput((p) => ({ ...p, result: (v ?? 'not_assessed') as InterviewInput['result'] }))}
                allowDeselect={false}
                data-testid="interview-result"
              />
              <Group justify="flex-end">
                <Button
                  variant="subtle"
                  color="gray"
                  onClick={() =>
                    modals.openConfirmModal({
                      title: t('requests.interview.clearTitle'),
                      children: <Text size="sm">{t('requests.interview.clearBody')}</Text>,
                      labels: { confirm: t('requests.interview.clearConfirm'), cancel: t('requests.cancel') },
                      confirmProps: { color: 'red' },
                      onConfirm: () => setInput(emptyInterviewInput),
                    })
                  }
                >
                  {t('requests.interview.clear')}
                </Button>
                <Button type="submit" loading={completing} data-testid="complete-interview">
                  {t('requests.interview.complete')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Paper>
      )}
      {!editable && completed.length === 0 && (
        <Text c="gray.7" data-testid="interview-closed">
          {t('requests.interview.notEditable')}
        </Text>
      )}
      <ReferralPanel file={file} actor={actor} />
    </Stack>
  );
}
