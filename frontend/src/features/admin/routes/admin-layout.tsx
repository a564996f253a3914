import { Badge, Group, Stack, Tabs, Text } from '@mantine/core';
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

/**
 * /admin/*: the platform console (platform:read). Support staff see it read-only. The console's
 * name and tabs are the same on every page; each page has its own h1 ("Tenants", a tenant's name,
 * "Platform imports"), which route changes focus and announce.
 */
export function AdminLayoutRoute() {
  const location = useLocation();
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const current = location.pathname.split('/')[2] ?? 'tenants';

  return (
    <Stack gap="md" maw={1200}>
      <Group gap="sm">
        <Text fw={700} size="sm" c="dimmed" tt="uppercase" data-testid="admin-console-name">
          Admin console
        </Text>
        {!canWrite && (
          <Badge color="gray" variant="light" data-testid="admin-read-only">
            Read-only (support)
          </Badge>
        )}
      </Group>
      <Tabs value={current} onChange={(value) => value && void navigate(`/admin/${value}`)}>
        <Tabs.List aria-label="Admin console">
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
