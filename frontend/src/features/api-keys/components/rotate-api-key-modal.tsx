import { Button, Code, Group, Modal, Radio, Stack, Text } from '@mantine/core';
import { useState } from 'react';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import type { ApiKey } from '@/lib/api-keys/list-api-keys';

import { useRotateApiKey } from '../api/rotate-api-key';
import { rotationOverlaps } from '../scopes';

type RotateApiKeyModalProps = {
  /** The key to rotate; null when closed. */
  apiKey: ApiKey | null;
  onClose: () => void;
  /** The new key, with its secret, to show once, and the overlap chosen for the old secret. */
  onRotated: (key: ApiKey, overlapHours: number) => void;
};

const defaultOverlap = '24';

/** Issues a new secret and keeps the old one valid for a chosen overlap (0 h, 1 h, 24 h or 7 days). */
export function RotateApiKeyModal({ apiKey, onClose, onRotated }: RotateApiKeyModalProps) {
  const rotate = useRotateApiKey();
  const [overlap, setOverlap] = useState(defaultOverlap);

  const close = () => {
    setOverlap(defaultOverlap);
    rotate.reset();
    onClose();
  };

  const confirm = () => {
    if (!apiKey) return;
    const overlapHours = Number(overlap);
    rotate.mutate(
      { id: apiKey.id, overlapHours },
      {
        onSuccess: (key) => {
          setOverlap(defaultOverlap);
          rotate.reset();
          onRotated(key, overlapHours);
        },
      },
    );
  };

  return (
    <Modal opened={apiKey !== null} onClose={close} title="Rotate API key" size="lg">
      {apiKey && (
        <Stack gap="md">
          <Text size="sm">
            Rotating <b>{apiKey.name}</b> (<Code>{apiKey.prefix}</Code>) issues a new secret with the same name, scopes
            and expiry. To switch without downtime, let the old secret keep working for a while: deploy the new secret
            everywhere, then the old one stops on its own.
          </Text>
          <Radio.Group
            label="Keep the old secret working for"
            value={overlap}
            onChange={setOverlap}
            name="overlap"
          >
            <Stack gap={10} mt="xs">
              {rotationOverlaps.map((option) => (
                <Radio
                  key={option.hours}
                  value={String(option.hours)}
                  label={option.label}
                  description={option.explanation}
                />
              ))}
            </Stack>
          </Radio.Group>
          {rotate.error !== null && <ApiErrorAlert error={rotate.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button loading={rotate.isPending} onClick={confirm}>
              Rotate key
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
