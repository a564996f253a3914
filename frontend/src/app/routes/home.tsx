import { Anchor, Card, Group, SimpleGrid, Skeleton, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import {
  IconBookmark,
  IconCreditCard,
  IconFileImport,
  IconKey,
  IconPlugConnected,
  IconSearch,
  IconUsers,
  type Icon,
} from '@tabler/icons-react';
import { Link } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { type Column, ColumnCells, ColumnHeaders, ColumnList } from '@/components/layout/column-list';
import { PageHeader } from '@/components/layout/page-header';
import { RowCard } from '@/components/layout/row-card';
import { UsageMeters } from '@/components/usage/usage-meters';
import { type ImportSummary, useImports } from '@/features/imports/api/list-imports';
import { ImportStatusBadge } from '@/features/imports/components/import-status-badge';
import { StatusCard } from '@/features/system/components/status-card';
import { useMe, type Me } from '@/lib/auth/get-me';
import { usePermissions, type Permission } from '@/lib/auth/permissions';
import { useSession } from '@/lib/auth/session';
import { formatDateTime, formatNumber, formatRole } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { usePhone } from '@/lib/use-phone';
import { useUsage } from '@/lib/usage/get-usage';

/**
 * "/": signed in, the home of the user's organization (its package, this month's usage, shortcuts
 * to what the role may do, the latest imports); the service status card only for platform staff.
 * Signed out (a public page), the service status. It composes the imports and system features,
 * hence it lives in the app layer.
 */
export function HomeRoute() {
  useDocumentTitle('Overview');
  const session = useSession();
  if (session.status !== 'signed-in') return <PublicOverview />;
  return <OrganizationHome />;
}

function PublicOverview() {
  return (
    <Stack gap="md" maw={720}>
      <PageHeader title="Overview" description="The state of the service this workspace runs on." />
      <StatusCard />
    </Stack>
  );
}

function OrganizationHome() {
  const me = useMe();
  const { has } = usePermissions();
  const staff = has('platform:read');

  if (me.isPending) {
    return (
      <Stack gap="md" maw={960}>
        <PageHeader title="Overview" />
        <Skeleton height={160} aria-label="Loading your organization" />
      </Stack>
    );
  }
  if (me.isError) {
    return (
      <Stack gap="md" maw={960}>
        <PageHeader title="Overview" />
        <ApiErrorAlert error={me.error} onRetry={() => void me.refetch()} />
      </Stack>
    );
  }

  const tenant = me.data.tenant;
  return (
    <Stack gap="lg" maw={960}>
      <PageHeader title="Overview" description={<OrganizationLine me={me.data} />} />
      {tenant ? (
        <>
          <Shortcuts has={has} />
          {has('usage:read') && <UsageSection />}
          {has('imports:read') && <RecentImports canStart={has('imports:write')} />}
        </>
      ) : (
        !staff && (
          <Text size="sm" data-testid="home-no-organization">
            You are not a member of an organization. Ask an organization admin for an invitation.
          </Text>
        )
      )}
      {staff && <StatusCard />}
    </Stack>
  );
}

function OrganizationLine({ me }: { me: Me }) {
  if (!me.tenant) return <>Signed in as {me.user.name || me.user.email}.</>;
  return (
    <span data-testid="home-organization">
      {/* In its own direction: an Arabic or Hebrew name ending in a digit took " · Pro" into its run. */}
      <strong>
        <bdi>{me.tenant.name}</bdi>
      </strong>
      {me.package && <> · {me.package.name} package</>}
      {' · '}
      {formatRole(me.tenant.role)}
    </span>
  );
}

type Shortcut = { to: string; label: string; description: string; icon: Icon; permission: Permission };

/**
 * The main workflows, each shown only with the permission its page (or its main action) needs:
 * members and admins import and manage saved contacts, org admins run the organization.
 */
const shortcuts: Shortcut[] = [
  { to: '/search', label: 'Search contacts', description: 'Find people by title, company and place.', icon: IconSearch, permission: 'contacts:read' },
  { to: '/saved', label: 'Saved contacts', description: 'Your organization’s contacts, lists and exports.', icon: IconBookmark, permission: 'saved:read' },
  { to: '/imports/new', label: 'Import contacts', description: 'Upload a CSV or Excel file.', icon: IconFileImport, permission: 'imports:write' },
  { to: '/team', label: 'Team', description: 'Invite people and set their roles.', icon: IconUsers, permission: 'members:manage' },
  { to: '/api-keys', label: 'API keys', description: 'Keys for your own integrations.', icon: IconKey, permission: 'api_keys:manage' },
  { to: '/billing', label: 'Billing', description: 'Your package, usage and invoices.', icon: IconCreditCard, permission: 'billing:manage' },
  { to: '/integrations', label: 'CRM', description: 'Connect your CRM and choose what a push writes.', icon: IconPlugConnected, permission: 'crm:manage' },
];

function Shortcuts({ has }: { has: (permission: Permission) => boolean }) {
  const visible = shortcuts.filter((s) => has(s.permission));
  if (visible.length === 0) return null;
  return (
    <section aria-labelledby="home-shortcuts-title">
      <Title order={2} size="h4" id="home-shortcuts-title" mb="sm">
        Get started
      </Title>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm" data-testid="home-shortcuts">
        {visible.map((s) => (
          <UnstyledButton key={s.to} component={Link} to={s.to}>
            <Card withBorder padding="sm" radius="sm" h="100%">
              <Group gap="sm" wrap="nowrap" align="flex-start">
                <s.icon size={22} stroke={1.6} aria-hidden style={{ flexShrink: 0 }} />
                <Stack gap={2}>
                  <Text size="sm" fw={600} data-testid="home-shortcut-label">
                    {s.label}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {s.description}
                  </Text>
                </Stack>
              </Group>
            </Card>
          </UnstyledButton>
        ))}
      </SimpleGrid>
    </section>
  );
}

function UsageSection() {
  const usage = useUsage();
  return (
    <Card withBorder padding="md" radius="sm" component="section" aria-labelledby="home-usage-title">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h4" id="home-usage-title">
            This month’s usage
          </Title>
          <Anchor component={Link} to="/billing" size="sm">
            Usage and billing
          </Anchor>
        </Group>
        {usage.isPending ? (
          <Skeleton height={120} aria-label="Loading usage" />
        ) : usage.isError ? (
          <ApiErrorAlert error={usage.error} onRetry={() => void usage.refetch()} />
        ) : (
          <UsageMeters usage={usage.data} />
        )}
      </Stack>
    </Card>
  );
}

const recentCount = 5;

/** The columns after the file, in order: the table's cells and each phone card's list. */
const importColumns: Column<ImportSummary>[] = [
  { label: 'Status', value: (imp) => <ImportStatusBadge imp={imp} testId="import-status" /> },
  { label: 'Rows', numeric: true, value: (imp) => formatNumber(imp.row_count) },
  { label: 'Uploaded', value: (imp) => formatDateTime(imp.created_at) },
];

function ImportLink({ imp }: { imp: ImportSummary }) {
  return (
    <Anchor component={Link} to={`/imports/${imp.id}`} size="sm" style={{ overflowWrap: 'anywhere' }}>
      {imp.file_name}
    </Anchor>
  );
}

/**
 * The latest imports: a table, or on a phone a card per import, so that the status and date are
 * on the screen (the table is 420px wide, and a phone's card has about 310px).
 */
function ImportsList({ imports }: { imports: ImportSummary[] }) {
  const phone = usePhone();
  if (phone) {
    return (
      <Stack gap="xs" data-testid="home-imports-cards">
        {imports.map((imp) => (
          <RowCard key={imp.id} label={imp.file_name} data-testid="home-import" data-import-id={imp.id}>
            <ImportLink imp={imp} />
            <ColumnList columns={importColumns} item={imp} mt="xs" />
          </RowCard>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table data-testid="home-imports">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>File</Table.Th>
            <ColumnHeaders columns={importColumns} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {imports.map((imp) => (
            <Table.Tr key={imp.id} data-testid="home-import" data-import-id={imp.id}>
              <Table.Td>
                <ImportLink imp={imp} />
              </Table.Td>
              <ColumnCells columns={importColumns} item={imp} />
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function RecentImports({ canStart }: { canStart: boolean }) {
  const imports = useImports('tenant');
  const recent = imports.data?.pages[0]?.items.slice(0, recentCount) ?? [];
  return (
    <Card withBorder padding="md" radius="sm" component="section" aria-labelledby="home-imports-title">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h4" id="home-imports-title">
            Recent imports
          </Title>
          <Anchor component={Link} to="/imports" size="sm">
            All imports
          </Anchor>
        </Group>
        {imports.isPending ? (
          <Skeleton height={100} aria-label="Loading imports" />
        ) : imports.isError ? (
          <ApiErrorAlert error={imports.error} onRetry={() => void imports.refetch()} />
        ) : recent.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="home-imports-empty">
            No imports yet.{' '}
            {canStart && (
              <Anchor component={Link} to="/imports/new">
                Import a file
              </Anchor>
            )}
          </Text>
        ) : (
          <ImportsList imports={recent} />
        )}
      </Stack>
    </Card>
  );
}
