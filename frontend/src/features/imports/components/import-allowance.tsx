import { Alert, Text } from '@mantine/core';

import { ComparePackagesLink } from '@/components/usage/compare-packages-link';
import { formatBytes, formatNumber, formatResetTime } from '@/lib/format';

import type { Import } from '../api/get-import';
import type { ImportAllowance } from '../api/get-import-allowance';

/** "Your Starter package takes files up to 5 MiB and 1,000 import rows a month: 800 left until …. Invalid rows are not charged." */
export function ImportAllowanceNote({ allowance }: { allowance: ImportAllowance }) {
  const { packageName, maxFileBytes, rows } = allowance;
  return (
    <Text size="xs" c="dimmed" data-testid="import-allowance">
      Your {packageName} package takes files up to {formatBytes(maxFileBytes)}
      {rows
        ? ` and ${formatNumber(rows.limit)} import rows a month: ${formatNumber(rows.remaining)} left until ${formatResetTime(rows.reset_at)}. Invalid rows are not charged.`
        : '.'}
    </Text>
  );
}

/** A file over the package's cap, refused before its upload starts. */
export function FileTooLargeAlert({ file, allowance }: { file: File; allowance: ImportAllowance }) {
  return (
    <Alert color="red" variant="light" title="This file is too large for your package" data-testid="import-file-too-large" role="alert">
      <Text size="sm">
        {file.name} is {formatBytes(file.size)}; the {allowance.packageName} package takes files up to{' '}
        {formatBytes(allowance.maxFileBytes)}. Split it into smaller files, or import it on a larger package.
      </Text>
      <ComparePackagesLink />
    </Alert>
  );
}

/** This month's import rows are used up: uploads and dry runs still work, a start does not. */
export function ImportRowsUsedUpAlert({ allowance }: { allowance: ImportAllowance }) {
  const { rows, packageName } = allowance;
  if (!rows || rows.remaining > 0) return null;
  return (
    <Alert color="orange" variant="light" title="This month's import rows are used up" data-testid="import-rows-used-up">
      <Text size="sm">
        The {packageName} package includes {formatNumber(rows.limit)} import rows a month. You can still upload a file,
        map it and dry-run it; starting an import is possible again on {formatResetTime(rows.reset_at)}.
      </Text>
      <ComparePackagesLink />
    </Alert>
  );
}

/**
 * Says before a start that the rows it needs do not fit in what remains of the month's quota: every
 * row for a start from the wizard (it starts over), those not yet merged for a resume. The server
 * asks room for all of them, as it knows the invalid ones only once read; it never charges those.
 */
export function ImportRowsShortAlert({ imp, allowance }: { imp: Import; allowance: ImportAllowance }) {
  const { rows } = allowance;
  const resume = imp.status === 'failed' && !imp.dry_run;
  const need = resume ? Math.max(0, imp.row_count - imp.progress.rows_done) : imp.row_count;
  if (!rows || need <= rows.remaining) return null;
  return (
    <Alert color="orange" variant="light" title="Not enough import rows left this month" data-testid="import-rows-short">
      <Text size="sm">
        {resume ? 'Resuming' : 'Starting'} needs {formatNumber(need)} rows, but {formatNumber(rows.remaining)} of this month&apos;s{' '}
        {formatNumber(rows.limit)} import rows remain, so it would be refused (it needs room for every row; the invalid ones are then not charged).
        {resume ? '' : ' A dry run is still possible.'} The
        quota renews on {formatResetTime(rows.reset_at)}.
      </Text>
      <ComparePackagesLink />
    </Alert>
  );
}
