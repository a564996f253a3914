import { Badge, Group, Stack, Tabs, Title } from '@mantine/core';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';

import { useCanWrite } from '../use-can-write';

const tabs: { value: string; label: string; writersOnly?: boolean }[] = [
  { value: 'tenants', label: 'Tenants' },
  { value: 'users', label: 'Users' },
  { value: 'packages', label: 'Packages' },
  { value: 'corrections', label: 'Corrections' },
  // Mounted from the imports feature in app/routes.tsx (scope "platform").
  { value: 'imports', label: 'Imports' },
  { value: 'audit', label: 'Audit log' },
  // Mail bodies hold live invitation links: system admins only.
  { value: 'outbox', label: 'Outbox', writersOnly: true },
];

/** /admin/*: the platform console (platform:read). Support staff see it read-only. */
export function AdminLayoutRoute() {
  const location = useLocation();
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const current = location.pathname.split('/')[2] ?? 'tenants';

  return (
    <Stack gap="md" maw={1200}>
      <Group gap="sm">
        <Title order={1} size="h3">
          Admin console
        </Title>
        {!canWrite && (
          <Badge color="gray" variant="light" data-testid="admin-read-only">
            Read-only (support)
          </Badge>
        )}
      </Group>
      <Tabs value={current} onChange={(value) => value && void navigate(`/admin/${value}`)}>
        <Tabs.List>
          {tabs
            .filter((tab) => canWrite || !tab.writersOnly)
            .map((tab) => (
              <Tabs.Tab key={tab.value} value={tab.value}>
                {tab.label}
              </Tabs.Tab>
            ))}
        </Tabs.List>
      </Tabs>
      <Outlet />
    </Stack>
  );
}
