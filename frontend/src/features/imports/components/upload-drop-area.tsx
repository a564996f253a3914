import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconFileUpload } from '@tabler/icons-react';
import { useRef, useState, type DragEvent } from 'react';

type UploadDropAreaProps = { onFile: (file: File) => void; loading?: boolean };

/** A drop area for one CSV or XLSX file, with a plain file input behind "Choose a file". */
export function UploadDropArea({ onFile, loading = false }: UploadDropAreaProps) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file && !loading) onFile(file);
  };

  return (
    <Paper
      withBorder
      p="xl"
      radius="md"
      data-testid="import-drop-area"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      style={{
        borderStyle: 'dashed',
        borderWidth: 2,
        borderColor: over ? 'var(--mantine-color-blue-filled)' : undefined,
        background: over ? 'var(--mantine-color-blue-light)' : undefined,
      }}
    >
      <Stack align="center" gap="xs">
        <IconFileUpload size={40} stroke={1.5} aria-hidden />
        <Text fw={500}>Drop a CSV or XLSX file here</Text>
        <Text size="sm" c="dimmed">
          Any encoding (UTF-8, UTF-16, Windows-1252), comma, semicolon, tab or pipe separated.
        </Text>
        <Group>
          <Button variant="light" loading={loading} onClick={() => input.current?.click()}>
            Choose a file
          </Button>
        </Group>
        <input
          ref={input}
          type="file"
          aria-label="File to import"
          accept=".csv,.tsv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          style={{ display: 'none' }}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            event.currentTarget.value = '';
            if (file) onFile(file);
          }}
        />
      </Stack>
    </Paper>
  );
}
