import { Button, FileButton, Group, Loader, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { fieldError } from '@/lib/form-errors';
import { formatNumber } from '@/lib/format';

import type { Import } from '../api/get-import';

type SheetPickerProps = {
  imp: Import;
  /** The file the import was uploaded from, when this tab still has it. */
  file?: File;
  /** Uploads `file` again to read `sheet` (a new import). */
  onChoose: (sheet: string, file: File) => void;
  pending?: boolean;
  disabled?: boolean;
  /** The upload's error, if it failed. */
  error?: unknown;
};

function sheetLabel(sheet: Import['sheets'][number]): string {
  const notes = [sheet.hidden ? 'hidden' : '', sheet.has_data ? '' : 'empty'].filter(Boolean);
  return notes.length > 0 ? `${sheet.name} (${notes.join(', ')})` : sheet.name;
}

/**
 * For a workbook of several sheets: which one to import. The server keeps only the sheet it
 * converted, so choosing another uploads the file again with that sheet (a new import, whose
 * preflight replaces this one); after a reload the browser no longer has the file, and it is
 * chosen again. Empty sheets cannot be chosen; hidden ones can, and say so.
 */
export function SheetPicker({ imp, file, onChoose, pending = false, disabled = false, error }: SheetPickerProps) {
  const [chosen, setChosen] = useState<string | null>(null);
  if (imp.format !== 'xlsx' || imp.sheet_count < 2 || imp.sheets.length < 2) return null;
  const waitingForFile = chosen !== null && chosen !== imp.sheet && file === undefined;
  return (
    <Stack gap="xs" data-testid="sheet-picker">
      <Select
        label="Sheet to import"
        description={`The workbook has ${formatNumber(imp.sheet_count)} sheets; one is imported.`}
        size="xs"
        maw={360}
        data={imp.sheets.map((s) => ({ value: s.name, label: sheetLabel(s), disabled: !s.has_data && s.name !== imp.sheet }))}
        value={chosen ?? imp.sheet}
        allowDeselect={false}
        disabled={disabled || pending}
        error={fieldError(error, 'sheet')}
        rightSection={pending ? <Loader size="xs" aria-label="Reading the sheet" /> : undefined}
        comboboxProps={{ position: 'bottom-start' }}
        onChange={(value) => {
          if (value === null) return;
          setChosen(value);
          if (value !== imp.sheet && file) onChoose(value, file);
        }}
      />
      {waitingForFile && (
        <Group gap="xs" data-testid="sheet-picker-file">
          <Text size="sm">
            To read “<bdi>{chosen}</bdi>”, choose <bdi>{imp.file_name}</bdi> again: the browser no longer has it.
          </Text>
          <FileButton
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(picked) => {
              if (picked) onChoose(chosen, picked);
            }}
          >
            {(props) => (
              <Button {...props} size="xs" variant="light" loading={pending} disabled={disabled}>
                Choose the file
              </Button>
            )}
          </FileButton>
        </Group>
      )}
      {error !== undefined && error !== null && <ApiErrorAlert error={error} />}
    </Stack>
  );
}
