import { Alert, Button, Card, Group, Skeleton, Stack, Text, VisuallyHidden } from '@mantine/core';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { isApiError } from '@/lib/api-error';
import { formatCount, formatDateTime, formatNumber } from '@/lib/format';

import { isImportDiscardable } from '../api/delete-import';
import { isImportActive, useImport, type Import } from '../api/get-import';
import { useImportAllowance } from '../api/get-import-allowance';
import { useStartImport } from '../api/start-import';
import { warningsSentence } from '../labels';
import { useImportScope } from '../scope';
import { DiscardImportAction } from './discard-import-action';
import { FileRemovedAlert } from './file-removed-alert';
import { ImportRowsShortAlert } from './import-allowance';
import { ImportStatusBadge } from './import-status-badge';
import { ImportProgressView } from './import-progress';
import { ImportResults } from './import-results';
import { ImportWizard } from './import-wizard';
import { OutcomeCounts } from './outcome-counts';

function FinishedSummary({ imp, canWrite }: { imp: Import; canWrite: boolean }) {
  const scope = useImportScope();
  const resume = useStartImport(scope);
  const resumable = canWrite && imp.status === 'failed' && !imp.file_removed_at;
  const allowance = useImportAllowance(scope === 'tenant' && resumable);
  // Cancelled while uploaded or queued: it wrote nothing and can leave the history.
  const neverRan = imp.status === 'cancelled' && isImportDiscardable(imp);
  return (
    <Stack gap="sm">
      {imp.status === 'completed' && (
        <Alert color="teal" variant="light" data-testid="import-completed">
          Imported {formatCount(imp.row_count, 'row')}: {formatNumber(imp.counts.created)} created,{' '}
          {formatNumber(imp.counts.matched)} matched ({formatNumber(imp.counts.updated)} updated),{' '}
          {formatCount(imp.counts.duplicate, 'duplicate')}, {formatNumber(imp.counts.invalid)} invalid.
          {imp.counts.with_warnings > 0 && (
            <>
              {' '}
              {warningsSentence(imp.counts.with_warnings, false)}
            </>
          )}
        </Alert>
      )}
      {imp.status === 'completed' && imp.error && (
        <Alert color="yellow" variant="light" data-testid="import-completed-note">
          {imp.error}
        </Alert>
      )}
      {imp.status === 'cancelled' && (
        <Alert color="orange" variant="light">
          <Stack gap="xs">
            <Text size="sm">
              {imp.error ? (
                imp.error
              ) : neverRan ? (
                'Cancelled before it ran: nothing was imported from the file.'
              ) : (
                <>
                  Cancelled after {formatNumber(imp.progress.rows_done)} of {formatNumber(imp.row_count)} rows; the rows
                  merged until then are kept, each with its outcome below.
                </>
              )}
            </Text>
            <DiscardImportAction imp={imp} visible={canWrite && neverRan} />
          </Stack>
        </Alert>
      )}
      {imp.status === 'failed' && (
        <Alert color="red" variant="light" title="The import failed">
          <Stack gap="xs">
            <Text size="sm">{imp.error || 'The import stopped with an error.'}</Text>
            <FileRemovedAlert imp={imp} />
            {allowance && !resume.isPending && !resume.isError && <ImportRowsShortAlert imp={imp} allowance={allowance} />}
            {resumable && (
              <Group>
                <Button
                  size="xs"
                  leftSection={<IconPlayerPlay size={14} />}
                  loading={resume.isPending}
                  onClick={() => resume.mutate({ id: imp.id })}
                >
                  Resume
                </Button>
              </Group>
            )}
            {resume.isError && <ApiErrorAlert error={resume.error} />}
          </Stack>
        </Alert>
      )}
      <OutcomeCounts counts={imp.counts} testId="final-counts" />
      <Text size="xs" c="dimmed">
        Started {formatDateTime(imp.started_at)} · finished {formatDateTime(imp.finished_at)}
      </Text>
    </Stack>
  );
}

type Stage = 'wizard' | 'progress' | 'finished';

const stageLabels: Record<Stage, string> = {
  wizard: 'Import set-up',
  progress: 'Import in progress',
  finished: 'Import outcome',
};

/**
 * "Start import" replaces the wizard with the progress, and the end of the import (or Cancel)
 * replaces the progress with the outcome: the button that had focus goes with them, and focus
 * would fall to the page itself. This puts it on the new stage instead (the returned ref), unless
 * the person has moved on to something else meanwhile.
 */
function useFocusOnNewStage(stage: Stage | null) {
  const ref = useRef<HTMLDivElement>(null);
  const last = useRef(stage);
  useEffect(() => {
    const before = last.current;
    last.current = stage;
    if (before === null || before === stage) return;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    ref.current?.focus();
  }, [stage]);
  return ref;
}

/** The sentence a screen reader hears when an import it watched ends. */
function endSentence(imp: Import): string {
  if (imp.status === 'completed') {
    return (
      `Import completed: ${formatCount(imp.row_count, 'row')}, ${formatNumber(imp.counts.created)} created, ` +
      `${formatNumber(imp.counts.matched)} matched, ${formatCount(imp.counts.duplicate, 'duplicate')}, ` +
      `${formatNumber(imp.counts.invalid)} invalid.`
    );
  }
  if (imp.status === 'failed') return `The import failed: ${imp.error || 'it stopped with an error.'}`;
  return 'The import was cancelled.';
}

/** The sentence a screen reader hears when a dry run it started (or watched) ends. */
function dryRunEndSentence(imp: Import): string {
  if (imp.status === 'completed') {
    return (
      `Dry run completed, nothing was written: ${formatCount(imp.row_count, 'row')} would give ` +
      `${formatNumber(imp.counts.created)} created, ${formatNumber(imp.counts.matched)} matched, ` +
      `${formatCount(imp.counts.duplicate, 'duplicate')}, ${formatNumber(imp.counts.invalid)} invalid.`
    );
  }
  if (imp.status === 'failed') return `The dry run failed: ${imp.error || 'it stopped with an error.'}`;
  return 'The dry run was cancelled.';
}

/** Where an import stands, for the announcement: a dry run stays in the wizard stage, so its end has a state of its own. */
type Moment = Stage | 'dry-run-over';

function momentOf(stage: Stage | null, imp: Import | undefined): Moment | null {
  if (stage === 'wizard' && imp?.dry_run && !isImportActive(imp)) return 'dry-run-over';
  return stage;
}

/**
 * The end of an import, or of a dry run, that ran while the page was open, for a polite live
 * region: focus moves to the outcome only when it had nowhere else to be (and a dry run leaves
 * focus on its button while its summary appears further down), so someone reading elsewhere on
 * the page (or in the navigation) would otherwise not learn that it ended. An import or dry run
 * that was already over when the page opened is no news.
 */
function useEndAnnouncement(stage: Stage | null, imp: Import | undefined) {
  const [announcement, setAnnouncement] = useState('');
  const moment = momentOf(stage, imp);
  const last = useRef(moment);
  useEffect(() => {
    const before = last.current;
    last.current = moment;
    const ended =
      (before === 'progress' && moment === 'finished') || (before !== null && before !== moment && moment === 'dry-run-over');
    if (imp && ended) setAnnouncement(moment === 'dry-run-over' ? dryRunEndSentence(imp) : endSentence(imp));
  }, [moment, imp]);
  return announcement;
}

/**
 * A poll of the import failed (a server error, no connection) after earlier ones worked: the page
 * keeps what the server said last, with the progress and Cancel, instead of replacing all of it
 * with the error, and says the figures are from then. Polling goes on by itself.
 */
function PollFailedAlert({ error, readAt }: { error: unknown; readAt: number }) {
  const detail = isApiError(error) ? error.detail || error.title : error instanceof Error ? error.message : '';
  const requestId = isApiError(error) && error.status >= 500 ? error.requestId : undefined;
  return (
    <Alert color="yellow" variant="light" role="status" title="The latest progress could not be read" data-testid="import-poll-failed">
      <Text size="sm">
        {detail ? `${detail.replace(/[\s.]+$/, '')}. ` : ''}The figures shown are from {formatDateTime(new Date(readAt).toISOString())};
        this page keeps asking.
        {requestId ? ` Request ID: ${requestId}.` : ''}
      </Text>
    </Alert>
  );
}

/**
 * One import, whatever its stage: the wizard until it starts for real (a dry run included), the
 * live progress while it runs (GET /imports/{id} every `pollInterval` ms, stopping once it is
 * done), then the results. The import scope (ImportScopeContext) picks tenant or platform routes.
 */
export function ImportView({ id, pollInterval = 1000, canWrite = true }: { id: string; pollInterval?: number; canWrite?: boolean }) {
  const query = useImport(useImportScope(), id, { pollInterval });
  const loaded = query.data;
  const stage: Stage | null = !loaded
    ? null
    : loaded.status === 'uploaded' || loaded.dry_run
      ? 'wizard'
      : isImportActive(loaded)
        ? 'progress'
        : 'finished';
  const stageRef = useFocusOnNewStage(stage);
  const announcement = useEndAnnouncement(stage, loaded);
  if (query.isPending) return <Skeleton height={240} aria-label="Loading import" />;
  const imp = query.data;
  if (!imp) return <ApiErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  const inWizard = stage === 'wizard';

  return (
    <Stack gap="md" ref={stageRef} tabIndex={-1} role="group" aria-label={stageLabels[stage ?? 'wizard']} data-testid="import-stage">
      <VisuallyHidden aria-live="polite" aria-atomic="true" data-testid="import-announcer">
        {announcement}
      </VisuallyHidden>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        {/* The whole name, wrapped anywhere: a long one without spaces made the page scroll sideways. */}
        <Text fw={600} miw={0} style={{ overflowWrap: 'anywhere' }} data-testid="import-file-name">
          {imp.file_name}
        </Text>
        <ImportStatusBadge imp={imp} testId="import-status" />
      </Group>
      {query.isError && <PollFailedAlert error={query.error} readAt={query.dataUpdatedAt} />}
      {inWizard ? (
        <ImportWizard imp={imp} canWrite={canWrite} />
      ) : isImportActive(imp) ? (
        <Card withBorder padding="md">
          <ImportProgressView imp={imp} />
        </Card>
      ) : (
        <>
          <Card withBorder padding="md">
            <FinishedSummary imp={imp} canWrite={canWrite} />
          </Card>
          <Card withBorder padding="md">
            <ImportResults imp={imp} />
          </Card>
        </>
      )}
    </Stack>
  );
}
