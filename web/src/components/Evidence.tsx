/**
 * Evidence export (judicial requisitions): the dialog that asks for camera,
 * range, case and reason, then shows the download and the bundle's SHA-256;
 * and the instance's signing key (the public key a court uses to check it).
 */
import { useState } from 'react';
import { Alert, Anchor, Button, Checkbox, Code, CopyButton, Group, Modal, Paper, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { RequestError } from './common.js';
import { fromLocalInput, toLocalInput, useCreateEvidence, usePublicKey, type EvidenceResult } from '../api/recording.js';
import { useI18n } from '../i18n.js';

export interface EvidencePreset {
  cameras: { value: string; label: string }[];
  camera?: string;
  from: string;
  to: string;
  caseRef?: string;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} o`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} Kio`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} Mio`;
  return `${(n / 1024 ** 3).toFixed(2)} Gio`;
}

export function EvidenceDialog({ preset, onClose }: { preset: EvidencePreset | null; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Modal opened={preset !== null} onClose={onClose} title={t('evidence.title')} size="lg" data-testid="evidence-dialog">
      {preset && <EvidenceForm key={`${preset.camera}-${preset.from}-${preset.to}`} preset={preset} onClose={onClose} />}
    </Modal>
  );
}

function EvidenceForm({ preset, onClose }: { preset: EvidencePreset; onClose: () => void }) {
  const { t } = useI18n();
  const create = useCreateEvidence();
  const [camera, setCamera] = useState<string | null>(preset.camera ?? preset.cameras[0]?.value ?? null);
  const [from, setFrom] = useState(toLocalInput(preset.from));
  const [to, setTo] = useState(toLocalInput(preset.to));
  const [caseRef, setCaseRef] = useState(preset.caseRef ?? '');
  const [reason, setReason] = useState('');
  const [original, setOriginal] = useState(false);
  const [tried, setTried] = useState(false);
  const [result, setResult] = useState<EvidenceResult | null>(null);

  const fromIso = fromLocalInput(from);
  const toIso = fromLocalInput(to);
  const rangeError = !fromIso || !toIso ? t('evidence.error.range') : fromIso >= toIso ? t('evidence.error.order') : null;
  const reasonError = reason.trim() ? null : t('evidence.error.reason');

  if (result) {
    return (
      <Stack gap="sm" data-testid="evidence-result">
        <Alert color="green" variant="light" role="status" title={t('evidence.done')}>
          <Text size="sm">{t('evidence.doneHelp')}</Text>
        </Alert>
        <Text>
          {t('evidence.file')} : <strong>{result.file}</strong> ({formatBytes(result.bytes)})
        </Text>
        <Text fw={600}>{t('evidence.sha256')}</Text>
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap', flex: 1 }} data-testid="evidence-sha256">
            {result.sha256}
          </Code>
          <CopyButton value={result.sha256}>{({ copied, copy }) => <Button size="xs" variant="default" onClick={copy}>{copied ? t('common.copied') : t('common.copy')}</Button>}</CopyButton>
        </Group>
        <KeyFingerprint />
        <Group justify="space-between">
          <Button component="a" href={result.download} download={result.file} size="md" data-testid="evidence-download">
            {t('evidence.download')}
          </Button>
          <Button variant="default" onClick={onClose}>
            {t('common.close')}
          </Button>
        </Group>
      </Stack>
    );
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (!camera || rangeError || reasonError || !fromIso || !toIso) return;
        create.mutate(
          { camera, from: fromIso, to: toIso, reason: reason.trim(), ...(original ? { original: true } : {}), ...(caseRef.trim() ? { case: caseRef.trim() } : {}) },
          { onSuccess: (r) => setResult(r) },
        );
      }}
      noValidate
    >
      <Stack gap="sm">
        <Select label={t('evidence.camera')} data={preset.cameras} value={camera} onChange={setCamera} allowDeselect={false} required data-testid="evidence-camera" />
        <Group grow>
          <TextInput type="datetime-local" label={t('evidence.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} required data-testid="evidence-from" />
          <TextInput type="datetime-local" label={t('evidence.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} required error={tried ? rangeError : null} data-testid="evidence-to" />
        </Group>
        <TextInput label={t('evidence.case')} description={t('evidence.caseHelp')} value={caseRef} onChange={(e) => setCaseRef(e.currentTarget.value)} maxLength={200} data-testid="evidence-case" />
        <Textarea
          label={t('evidence.reason')}
          description={t('evidence.reasonHelp')}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          required
          autosize
          minRows={2}
          maxLength={2000}
          error={tried ? reasonError : null}
          data-testid="evidence-reason"
        />
        <Checkbox
          label={t('evidence.original')}
          description={t('evidence.originalHelp')}
          checked={original}
          onChange={(e) => setOriginal(e.currentTarget.checked)}
          data-testid="evidence-original"
        />
        <KeyFingerprint />
        {create.isError && <RequestError error={create.error} testid="evidence-error" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="evidence-submit">
            {t('evidence.submit')}
          </Button>
        </Group>
        {create.isPending && (
          <Text size="sm" c="dimmed" role="status">
            {t('evidence.pending')}
          </Text>
        )}
      </Stack>
    </form>
  );
}

/** One line: the fingerprint of the key that signs exports. */
export function KeyFingerprint() {
  const { t } = useI18n();
  const key = usePublicKey();
  return (
    <Text size="sm" c="dimmed" data-testid="key-fingerprint">
      {t('signing.fingerprint')} :{' '}
      {key.data ? (
        <Code>{key.data.fingerprint}</Code>
      ) : key.isError ? (
        t('signing.unavailable')
      ) : (
        '…'
      )}
    </Text>
  );
}

/** The "Clé de signature" section: algorithm, fingerprint and the PEM to copy. */
export function SigningKeySection() {
  const { t } = useI18n();
  const key = usePublicKey();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="signing-key-title" data-testid="signing-key">
      <Title order={2} size="h4" id="signing-key-title" mb="xs">
        {t('signing.title')}
      </Title>
      <Text size="sm" mb="sm">
        {t('signing.help')}
      </Text>
      {key.isPending ? (
        <Text c="dimmed">…</Text>
      ) : key.isError ? (
        <Alert color="orange" variant="light">
          {t('signing.unavailable')}
        </Alert>
      ) : (
        <Stack gap="xs">
          <Text size="sm">
            {t('signing.algorithm')} : <strong>{key.data.algorithm}</strong>
          </Text>
          <Text size="sm">
            {t('signing.fingerprint')} : <Code data-testid="signing-fingerprint">{key.data.fingerprint}</Code>
          </Text>
          <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} aria-label={t('signing.pem')}>
            {key.data.publicKeyPem}
          </Code>
          <Group>
            <CopyButton value={key.data.publicKeyPem}>
              {({ copied, copy }) => (
                <Button size="sm" variant="default" onClick={copy} data-testid="signing-copy">
                  {copied ? t('common.copied') : t('signing.copy')}
                </Button>
              )}
            </CopyButton>
            <Anchor href={`data:application/x-pem-file;charset=utf-8,${encodeURIComponent(key.data.publicKeyPem)}`} download="vigie-public-key.pem">
              {t('signing.downloadPem')}
            </Anchor>
          </Group>
        </Stack>
      )}
    </Paper>
  );
}
