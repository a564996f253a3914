import { Anchor, Button, Card, Skeleton, Stack, Text, Tooltip } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useRef, useState } from 'react';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { useApiKeys, type ApiKey } from '@/lib/api-keys/list-api-keys';
import { useUsage } from '@/lib/usage/get-usage';
import { useDocumentTitle } from '@/lib/use-document-title';

import { ApiKeysTable } from '../components/api-keys-table';
import { CreateApiKeyModal } from '../components/create-api-key-modal';
import { NoApiAccessAlert } from '../components/no-api-access-alert';
import { RevokeApiKeyModal } from '../components/revoke-api-key-modal';
import { RotateApiKeyModal } from '../components/rotate-api-key-modal';
import { SecretModal } from '../components/secret-modal';

/**
 * /api-keys: org admins (`api_keys:manage`) create keys with scopes and an optional expiry, see
 * each new secret once, rotate with an overlap, revoke, and follow each key's last 30 days of use.
 */
export function ApiKeysRoute() {
  useDocumentTitle('API keys');
  const keys = useApiKeys();
  const usage = useUsage();
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<{
    key: ApiKey;
    rotated: boolean;
    overlapHours?: number;
    oldExpiresAt?: string | null;
  } | null>(null);
  const [rotating, setRotating] = useState<ApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  // A dialog returns focus to the button that opened it; after a new secret or a revocation that
  // button is gone (inside the create or rotate dialog, or the revoked key's row), and keyboard
  // users were left at the top of the page. They land on Create key instead.
  const createButton = useRef<HTMLButtonElement>(null);
  const focusCreateKey = () => createButton.current?.focus();
  const pkg = usage.data?.package;
  // The server refuses new keys without API access (403): the button says so instead.
  const noApiAccess = pkg !== undefined && !pkg.api_access;

  return (
    <Stack gap="lg" maw={1400}>
      <PageHeader
        title="API keys"
        description="Keys let your own systems call the API for this organization. Each key carries only the scopes you grant."
        actions={
          <Tooltip label="Your package does not include API access" disabled={!noApiAccess}>
            {/* A disabled button gets no pointer events: the wrapper shows the tooltip. */}
            <span>
              <Button
                ref={createButton}
                leftSection={<IconPlus size={16} />}
                onClick={() => setCreating(true)}
                disabled={noApiAccess}
                aria-describedby={noApiAccess ? 'no-api-access-reason' : undefined}
              >
                Create key
              </Button>
            </span>
          </Tooltip>
        }
      />
      {pkg && noApiAccess && <NoApiAccessAlert packageName={pkg.name} id="no-api-access-reason" />}

      <Card withBorder padding="md">
        {keys.isPending ? (
          <Skeleton height={120} aria-label="Loading API keys" />
        ) : keys.isError ? (
          <ApiErrorAlert error={keys.error} onRetry={() => void keys.refetch()} />
        ) : keys.data.items.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="api-keys-empty">
            No API keys yet. Create one for each integration, so you can rotate or revoke it on its own.
          </Text>
        ) : (
          <ApiKeysTable keys={keys.data.items} onRotate={setRotating} onRevoke={setRevoking} />
        )}
      </Card>
      <Text size="xs" c="dimmed">
        Send a key as <code>X-API-Key: ock_…</code> or <code>Authorization: Bearer ock_…</code>. Requests are limited per
        minute by your package{pkg?.api_access ? ` (${pkg.api_requests_per_minute} requests per minute, per key and for the whole organization)` : ''}; usage counts
        are written every few seconds. Try the API in the{' '}
        {/* Swagger UI is served by the Go binary, outside the SPA: a plain link, not a route. */}
        <Anchor href="/docs" size="xs">
          API docs
        </Anchor>
        .
      </Text>

      <CreateApiKeyModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(key) => {
          setCreating(false);
          setShown({ key, rotated: false });
        }}
      />
      <RotateApiKeyModal
        apiKey={rotating}
        onClose={() => setRotating(null)}
        onRotated={(key, overlapHours) => {
          setShown({ key, rotated: true, overlapHours, oldExpiresAt: rotating?.expires_at });
          setRotating(null);
        }}
      />
      <RevokeApiKeyModal apiKey={revoking} onClose={() => setRevoking(null)} onRevoked={focusCreateKey} />
      <SecretModal
        apiKey={shown?.key ?? null}
        rotated={shown?.rotated}
        overlapHours={shown?.overlapHours}
        oldExpiresAt={shown?.oldExpiresAt}
        onDone={() => {
          setShown(null);
          focusCreateKey();
        }}
      />
    </Stack>
  );
}
