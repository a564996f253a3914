import { Alert, Button, Card, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { IconPlayerPlay, IconTestPipe } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { fieldError, fieldErrorsUnder, fieldsUnder } from '@/lib/form-errors';
import { formatNumber } from '@/lib/format';

import { useCancelImport } from '../api/cancel-import';
import { uploadedFile, useCreateImportFromSheet } from '../api/create-import';
import { isImportDiscardable } from '../api/delete-import';
import { isImportActive, type Import } from '../api/get-import';
import { useImportAllowance } from '../api/get-import-allowance';
import { useLists } from '../api/list-lists';
import { useSetImportMapping, type ImportField, type ImportMappingRequest } from '../api/set-import-mapping';
import { useStartImport } from '../api/start-import';
import { DiscardImportAction } from './discard-import-action';
import { FileRemovedAlert } from './file-removed-alert';
import { ImportRowsShortAlert } from './import-allowance';
import { warningsSentence, formatEta } from '../labels';
import { mappingRequest, withColumns } from '../mapping';
import { importScopes, useImportScope } from '../scope';
import { ImportOptions } from './import-options';
import { ImportResults } from './import-results';
import { MappingPreview } from './mapping-preview';
import { MappingTable } from './mapping-table';
import { OutcomeCounts } from './outcome-counts';
import { PreflightSummary } from './preflight-summary';
import { SheetPicker } from './sheet-picker';

const mappingFields = ['columns', 'match_keys', 'mode', 'list_id', 'source', 'encoding'];

/**
 * The dry run's counts, or its progress while it runs (or waits for a slot) with a Cancel: a
 * cancelled dry run keeps the file, so the import can still be mapped and started.
 */
export function DryRunSummary({ imp, canWrite = true }: { imp: Import; canWrite?: boolean }) {
  const scope = useImportScope();
  const cancel = useCancelImport(scope);
  if (isImportActive(imp)) {
    return (
      <Stack gap={6} data-testid="dry-run-progress">
        <Text size="sm">
          {imp.status === 'queued'
            ? scope === 'platform'
              ? 'Dry run queued: platform imports run one at a time; it starts when the one before it is done.'
              : 'Dry run queued: your organization runs as many imports at once as its package allows; it starts when a slot frees up.'
            : 'Dry run in progress…'}
        </Text>
        <Progress value={imp.progress.percent} aria-label="Dry run progress" />
        <Text size="xs" c="dimmed">
          {formatNumber(imp.progress.rows_done)} / {formatNumber(imp.progress.rows_total || imp.row_count)} rows ·{' '}
          {formatNumber(Math.round(imp.progress.rate))} rows/s · ETA {formatEta(imp.progress.eta_seconds)}
        </Text>
        {canWrite && (
          <Group>
            <Button
              size="xs"
              color="red"
              variant="light"
              loading={cancel.isPending}
              disabled={imp.cancel_requested}
              onClick={() => cancel.mutate(imp.id)}
            >
              {imp.cancel_requested ? 'Cancelling…' : 'Cancel dry run'}
            </Button>
          </Group>
        )}
        {cancel.isError && <ApiErrorAlert error={cancel.error} />}
      </Stack>
    );
  }
  if (imp.status === 'completed') {
    return (
      <Stack gap={6} data-testid="dry-run-summary">
        <Text size="sm">
          Dry run of {formatNumber(imp.row_count)} rows: nothing was written. Starting the import will give these
          outcomes unless {scope === 'platform' ? 'the shared contact database changes' : 'your contacts change'}{' '}
          meanwhile. Changing the mapping or the options discards the dry run.
        </Text>
        {imp.counts.with_warnings > 0 && (
          <Text size="sm" c="orange.8" data-testid="dry-run-dropped">
            {warningsSentence(imp.counts.with_warnings, true)}
          </Text>
        )}
        <OutcomeCounts counts={imp.counts} />
        <ImportResults imp={imp} />
      </Stack>
    );
  }
  return (
    <Alert color="red" variant="light" data-testid="dry-run-failed">
      The dry run {imp.status === 'cancelled' ? 'was cancelled' : `failed${imp.error ? `: ${imp.error}` : ''}`}.
    </Alert>
  );
}

/** Preflight → mapping with live preview → options → dry run → start. */
export function ImportWizard({ imp, canWrite = true }: { imp: Import; canWrite?: boolean }) {
  const scope = useImportScope();
  const setMapping = useSetImportMapping(scope);
  const start = useStartImport(scope);
  const lists = useLists({ enabled: importScopes[scope].targetList });
  const allowance = useImportAllowance(scope === 'tenant' && canWrite);
  const navigate = useNavigate();
  const chooseSheet = useCreateImportFromSheet(scope);
  // The change being saved shows at once; the server's answer (with its preview) replaces it.
  const [pending, setPending] = useState<ImportMappingRequest | null>(null);
  const current = pending ?? mappingRequest(imp.mapping);
  const busy = isImportActive(imp) || start.isPending;
  const disabled = !canWrite || busy;
  // Without its file an import can be looked at, not run.
  const fileGone = Boolean(imp.file_removed_at);

  const apply = (next: ImportMappingRequest) => {
    setPending(next);
    setMapping.mutate({ id: imp.id, mapping: next }, { onSettled: () => setPending(null) });
  };

  const onColumn = (index: number, field: ImportField) => {
    // A field belongs to one column: taking it elsewhere frees the other one.
    const columns = imp.columns.map((_, i) => {
      const value = current.columns[i] ?? '';
      if (i === index) return field;
      return field !== '' && value === field ? '' : value;
    });
    // A match key whose column was just set to "Do not import" goes with it.
    apply(withColumns(current, columns));
  };

  const usable = imp.preview.filter((row) => row.usable).length;
  const listOptions = (lists.data?.items ?? []).map((l) => ({ value: l.id, label: l.name }));
  const optionErrors = {
    // The server names the key at fault (match_keys[1]): shown beside the keys.
    match_keys: fieldErrorsUnder(setMapping.error, 'match_keys'),
    mode: fieldError(setMapping.error, 'mode'),
    list_id: fieldError(setMapping.error, 'list_id'),
    source: fieldError(setMapping.error, 'source'),
  };

  return (
    <Stack gap="lg" data-testid="import-wizard">
      <Card withBorder padding="md">
        <Title order={2} size="h5" mb="sm">
          {/* What we read of the file: its encoding, delimiter, rows and columns ("preflight" is the API's word). */}
          1. File
        </Title>
        <PreflightSummary
          imp={imp}
          encoding={pending?.encoding}
          disabled={disabled || fileGone}
          encodingError={fieldError(setMapping.error, 'encoding')}
          // The file is read again in the new encoding: the answer's columns, preview and suggested
          // mapping replace what is shown, and the mapping starts over from that suggestion.
          onEncodingChange={(encoding) => apply({ ...current, encoding })}
        />
        {canWrite && (
          <SheetPicker
            imp={imp}
            file={uploadedFile(imp.id)}
            disabled={busy}
            pending={chooseSheet.isPending}
            error={chooseSheet.error}
            // Another sheet is another upload: its import (and preflight) replaces this one on screen.
            onChoose={(sheet, file) =>
              chooseSheet.mutate(
                { file, sheet, replaces: imp },
                { onSuccess: (next) => void navigate(`${importScopes[scope].basePath}/${next.id}`) },
              )
            }
          />
        )}
      </Card>

      <Card withBorder padding="md">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h5">
            2. Mapping
          </Title>
          <Group gap="xs">
            {setMapping.isPending && (
              <Text size="xs" c="dimmed">
                Saving…
              </Text>
            )}
            <Button
              variant="subtle"
              size="xs"
              disabled={disabled}
              onClick={() => apply(withColumns(current, imp.suggested_mapping.columns))}
            >
              Use suggested mapping
            </Button>
          </Group>
        </Group>
        <MappingTable
          columns={imp.columns}
          mapping={current.columns}
          onChange={onColumn}
          disabled={disabled}
          errorOf={(index) => fieldError(setMapping.error, `columns[${index}]`)}
        />
        {fieldError(setMapping.error, 'columns') && (
          <Text size="sm" c="red" mt="xs">
            {fieldError(setMapping.error, 'columns')}
          </Text>
        )}
        <Group justify="space-between" mt="md" mb="xs">
          <Text fw={500} size="sm">
            Preview of the first rows as mapped
          </Text>
          <Text size="xs" c="dimmed" data-testid="preview-usable">
            {usable} of {imp.preview.length} preview rows usable (email, LinkedIn URL, or first + last name + company)
          </Text>
        </Group>
        <MappingPreview imp={imp} />
      </Card>

      <Card withBorder padding="md">
        <Title order={2} size="h5" mb="sm">
          3. Options
        </Title>
        <ImportOptions
          mapping={current}
          lists={listOptions}
          disabled={disabled}
          errors={optionErrors}
          onChange={(patch) => apply({ ...current, ...patch })}
        />
      </Card>
      <FormErrorAlert
        error={setMapping.error}
        fields={[...mappingFields, ...fieldsUnder(setMapping.error, 'columns'), ...fieldsUnder(setMapping.error, 'match_keys')]}
      />

      <Card withBorder padding="md">
        <Title order={2} size="h5" mb="sm">
          4. Dry run and start
        </Title>
        <Stack gap="md">
          {imp.dry_run ? (
            <DryRunSummary imp={imp} canWrite={canWrite} />
          ) : (
            <Text size="sm" c="dimmed">
              A dry run computes every row&apos;s outcome without writing contacts. Optional.
            </Text>
          )}
          <FileRemovedAlert imp={imp} />
          {start.isError && <ApiErrorAlert error={start.error} />}
          {allowance && !fileGone && !busy && !start.isError && <ImportRowsShortAlert imp={imp} allowance={allowance} />}
          {canWrite && !fileGone && (
            <Group>
              <Button
                variant="default"
                leftSection={<IconTestPipe size={16} />}
                disabled={disabled || setMapping.isPending}
                onClick={() => start.mutate({ id: imp.id, dryRun: true })}
              >
                Dry run
              </Button>
              <Button
                leftSection={<IconPlayerPlay size={16} />}
                disabled={disabled || setMapping.isPending}
                loading={start.isPending && !start.variables?.dryRun}
                onClick={() => start.mutate({ id: imp.id })}
              >
                Start import
              </Button>
            </Group>
          )}
          <DiscardImportAction imp={imp} visible={canWrite && isImportDiscardable(imp)} disabled={busy || chooseSheet.isPending} />
        </Stack>
      </Card>
    </Stack>
  );
}
