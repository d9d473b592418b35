/** The satisfaction evaluation form, used by the employee and in hand-over mode (larger targets). */
import { Alert, Button, Checkbox, Paper, Radio, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { evaluationQuestionIds, scores, type EvaluationInput, type EvaluationProblem, type EvaluationQuestionId } from './evaluation';

export interface EvaluationFormProps {
  input: EvaluationInput;
  onChange(input: EvaluationInput): void;
  onSubmit(): void;
  problems: EvaluationProblem[];
  saving: boolean;
  /** Hand-over mode: large touch targets. */
  large?: boolean;
  serviceName: string;
}

function ScoreGroup({
  name,
  label,
  value,
  onChange,
  large,
  error,
  required,
}: {
  name: string;
  label: string;
  value: number | undefined | null;
  onChange(score: number): void;
  large: boolean;
  error?: string;
  required?: boolean;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Radio.Group
      name={name}
      label={label}
      value={value ? String(value) : ''}
      onChange={(v) => onChange(Number(v))}
      error={error}
      withAsterisk={required}
      size={large ? 'lg' : 'md'}
      data-testid={`score-${name}`}
    >
      <SimpleGrid cols={{ base: 1, sm: 5 }} spacing={large ? 'sm' : 'xs'} mt="xs">
        {scores.map((s) => (
          <Paper key={s} withBorder radius="md" p={large ? 'md' : 'xs'} className="sila-score-option">
            <Radio
              value={String(s)}
              label={t(`service.scoreWord.${s}`)}
              description={new Intl.NumberFormat(i18n.language === 'en' ? 'en' : 'ar-u-nu-arab').format(s)}
              size={large ? 'lg' : 'md'}
              styles={{ labelWrapper: { flex: 1 } }}
              data-testid={`score-${name}-${s}`}
            />
          </Paper>
        ))}
      </SimpleGrid>
    </Radio.Group>
  );
}

export function EvaluationForm({ input, onChange, onSubmit, problems, saving, large = false, serviceName }: EvaluationFormProps) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language !== 'en';
  const problemOf = (field: EvaluationProblem['field']) => {
    const p = problems.find((x) => x.field === field);
    return p ? (ar ? p.messageAr : p.messageEn) : undefined;
  };
  const other = problems.filter((p) => p.field === 'record');
  const setAnswer = (q: EvaluationQuestionId, score: number) => onChange({ ...input, answers: { ...input.answers, [q]: score } });
  return (
    <form
      noValidate
      data-testid="evaluation-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <Stack gap={large ? 'xl' : 'md'}>
        <Stack gap={4}>
          <Title order={large ? 2 : 3}>{t('service.evaluationFormTitle', { service: serviceName })}</Title>
          <Alert color="teal" variant="light" data-testid="evaluation-principle">
            <Text size={large ? 'lg' : 'sm'}>{t('service.principle')}</Text>
          </Alert>
        </Stack>
        <ScoreGroup
          name="overall"
          label={t('service.overallQuestion')}
          value={input.overall}
          onChange={(s) => onChange({ ...input, overall: s })}
          large={large}
          error={problemOf('overall')}
          required
        />
        {evaluationQuestionIds.map((q) => (
          <ScoreGroup key={q} name={q} label={t(`service.question.${q}`)} value={input.answers[q]} onChange={(s) => setAnswer(q, s)} large={large} />
        ))}
        <Textarea
          name="comment"
          label={t('service.commentLabel')}
          description={t('service.commentHint')}
          value={input.comment}
          onChange={(e) => onChange({ ...input, comment: e.currentTarget.value })}
          error={problemOf('comment')}
          autosize
          minRows={3}
          size={large ? 'lg' : 'md'}
        />
        <Checkbox
          name="anonymous"
          checked={input.anonymous}
          onChange={(e) => onChange({ ...input, anonymous: e.currentTarget.checked })}
          label={t('service.anonymousLabel')}
          description={t('service.anonymousHint')}
          size={large ? 'lg' : 'md'}
          data-testid="evaluation-anonymous"
        />
        {other.length > 0 && (
          <Alert color="red" variant="light" role="alert">
            {other.map((p, i) => (
              <Text key={i}>{ar ? p.messageAr : p.messageEn}</Text>
            ))}
          </Alert>
        )}
        <Button type="submit" size={large ? 'xl' : 'md'} loading={saving} data-testid="evaluation-submit">
          {t('service.sendEvaluation')}
        </Button>
      </Stack>
    </form>
  );
}
