import { Badge, Group, Select, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBuilding } from '@tabler/icons-react';

import { isApiError } from '@/lib/api-error';
import { useMe } from '@/lib/auth/get-me';
import { useSession } from '@/lib/auth/session';
import { formatRole } from '@/lib/format';

import { useSwitchTenant } from '../api/switch-tenant';

/**
 * The current organization, and a picker when the user belongs to several (GET /me memberships).
 * Switching gets a token for the other tenant; the app then refetches everything.
 */
export function TenantSwitcher() {
  const session = useSession();
  const me = useMe();
  const switchTenant = useSwitchTenant();
  if (session.status !== 'signed-in') return null;

  const current = session.tenant;
  const memberships = me.data?.memberships ?? [];

  if (memberships.length <= 1) {
    if (!current) {
      return (
        <Text size="sm" c="dimmed" data-testid="current-tenant">
          No organization
        </Text>
      );
    }
    return (
      <Group gap={6} wrap="nowrap" data-testid="current-tenant">
        <IconBuilding size={16} aria-hidden />
        {/* dir="auto": an Arabic or Hebrew name is cut at its end (on the left), not its beginning. */}
        <Text size="sm" fw={500} truncate maw={220} dir="auto" title={current.name}>
          {current.name}
        </Text>
        <Badge size="xs" variant="light">
          {formatRole(current.role)}
        </Badge>
      </Group>
    );
  }

  return (
    <Select
      aria-label="Organization"
      data-testid="tenant-switcher"
      size="xs"
      w={240}
      leftSection={<IconBuilding size={14} aria-hidden />}
      allowDeselect={false}
      disabled={switchTenant.isPending}
      value={current?.id ?? null}
      placeholder="Choose an organization"
      data={memberships.map((m) => ({
        value: m.tenant_id,
        label: `${m.tenant_name} (${formatRole(m.role)}${m.status === 'suspended' ? ', suspended' : ''})`,
      }))}
      onChange={(tenantId) => {
        if (!tenantId || tenantId === current?.id) return;
        switchTenant.mutate(tenantId, {
          onError: (error) =>
            notifications.show({
              color: 'red',
              title: 'Could not switch organization',
              message: isApiError(error) ? error.detail || error.title : String(error),
            }),
        });
      }}
    />
  );
}
