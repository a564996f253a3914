import { Alert, Button, Checkbox, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { useState } from 'react';

import type { ApiKey } from '@/lib/api-keys/list-api-keys';
import { formatDateTime } from '@/lib/format';

import { rotationOverlaps } from '../scopes';

type SecretModalProps = {
  /** The key just created or rotated, with its `secret`; null when closed. */
  apiKey: ApiKey | null;
  /** Whether it comes from a rotation (the text differs slightly). */
  rotated?: boolean;
  /** For a rotation: how long the old secret keeps working (0: it stopped already). */
  overlapHours?: number;
  /**
   * For a rotation: when the old key expired anyway (its own expiry, or the end of an earlier
   * rotation's overlap), which the server keeps when it comes before the overlap's end.
   */
  oldExpiresAt?: string | null;
  /** Called once the user confirmed they stored the secret: forget it. */
  onDone: () => void;
};

/**
 * Shows a new secret exactly once. It cannot be dismissed (outside click, Escape, close button)
 * until the user confirms they stored it; after that the secret is gone from the page.
 */
export function SecretModal({ apiKey, rotated = false, overlapHours, oldExpiresAt, onDone }: SecretModalProps) {
  const [stored, setStored] = useState(false);
  const secret = apiKey?.secret ?? '';

  const done = () => {
    if (!stored) return;
    setStored(false);
    onDone();
  };

  return (
    <Modal
      opened={apiKey !== null}
      onClose={done}
      closeOnClickOutside={stored}
      closeOnEscape={stored}
      withCloseButton={stored}
      title={rotated ? 'Your new secret' : 'Your API key secret'}
      size="lg"
      data-testid="secret-modal"
    >
      {apiKey && (
        <Stack gap="md">
          <Alert
            color="yellow"
            variant="light"
            icon={<IconAlertTriangle size={18} />}
            title="Copy it now: it will not be shown again"
            data-testid="secret-warning"
          >
            We store only a hash of this secret and cannot show or recover it later. If you lose it, rotate the key to
            get a new one. Keep it out of source code and share it only with the system that needs it.
          </Alert>
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {rotated ? `New secret for ${apiKey.name}` : `Secret for ${apiKey.name}`}
            </Text>
            <Group gap="xs" wrap="nowrap" align="stretch">
              <Code
                block
                data-testid="api-key-secret"
                style={{ flex: 1, fontSize: 'var(--mantine-font-size-sm)', wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
              >
                {secret}
              </Code>
              <CopyButton value={secret}>
                {({ copied, copy }) => (
                  <Button
                    variant={copied ? 'light' : 'filled'}
                    color={copied ? 'teal' : 'blue'}
                    leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                    onClick={copy}
                    style={{ alignSelf: 'center' }}
                    data-copied={copied}
                  >
                    {copied ? 'Copied' : 'Copy secret'}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Text size="xs" c="dimmed">
              Send it in the <Code>X-API-Key</Code> header, or as <Code>Authorization: Bearer …</Code>.
              {rotated && ` ${oldSecretNotice(overlapHours, oldExpiresAt)}`}
            </Text>
          </Stack>
          <Checkbox
            label="I have copied the secret and stored it in a safe place"
            checked={stored}
            onChange={(e) => setStored(e.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button onClick={done} disabled={!stored}>
              Done
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/**
 * What became of the old secret, for the overlap chosen when rotating: the overlap, unless the old
 * key expired sooner anyway (the server never lengthens its life).
 */
function oldSecretNotice(overlapHours: number | undefined, oldExpiresAt?: string | null): string {
  if (overlapHours === undefined) return 'Switch your integrations before the old secret stops working.';
  if (overlapHours === 0) return 'The old secret has stopped working: switch your integrations now.';
  if (oldExpiresAt && Date.parse(oldExpiresAt) < Date.now() + overlapHours * 3_600_000) {
    return `The old secret keeps working until ${formatDateTime(oldExpiresAt)}, when it expires; switch your integrations before then.`;
  }
  const overlap = rotationOverlaps.find((o) => o.hours === overlapHours)?.label ?? `${overlapHours} hours`;
  return `The old secret keeps working for ${overlap}; switch your integrations before then.`;
}
