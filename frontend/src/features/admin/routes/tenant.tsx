import { Alert, Anchor, Badge, Button, Card, DataList, Group, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { type Column, ColumnList } from '@/components/layout/column-list';
import { RowCard } from '@/components/layout/row-card';
import { PlanLimits } from '@/components/usage/plan-limits';
import { UsageMeters } from '@/components/usage/usage-meters';
import { formatDate, formatDateTime, formatMomentWithZone, formatRole, formatStatus } from '@/lib/format';
import { periodEnded, sourceLabel, staffPlanOver } from '@/lib/usage/subscription-state';
import { useDocumentTitle } from '@/lib/use-document-title';
import { usePhone } from '@/lib/use-phone';

import { useTenant, type AdminTenantDetail } from '../api/get-tenant';
import { useAdminPackages } from '../api/list-packages';
import { FailedCheckouts } from '../components/failed-checkouts';
import { SubscriptionForm } from '../components/subscription-form';
import { TenantStatusModal } from '../components/tenant-status-modal';
import { useCanWrite } from '../use-can-write';

/**
 * The period end in UTC, as the assignment form below takes it ("Dec 31, 2026, 11:59 PM UTC"): a
 * plan staff set until Dec 31 ends at 23:59:59 UTC that day, and the date alone in the viewer's
 * zone would read "Jan 1" east of UTC.
 */
function formatPeriodEndUTC(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : formatMomentWithZone(date, 'UTC');
}

/** The same moment in the viewer's own zone, with the zone named. */
function formatPeriodEndLocal(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : formatMomentWithZone(date);
}

/** /admin/tenants/:tenantId: usage, members, suspension and manual subscription assignment. */
export function AdminTenantRoute() {
  const { tenantId = '' } = useParams();
  const tenant = useTenant(tenantId);
  useDocumentTitle(tenant.data ? `${tenant.data.tenant.name} · Admin` : 'Tenant · Admin');

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/admin/tenants" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden /> All tenants
        </Group>
      </Anchor>
      {tenant.isPending ? (
        <Skeleton height={300} aria-label="Loading tenant" />
      ) : tenant.isError ? (
        <>
          <Title order={1} size="h3">
            Tenant
          </Title>
          <ApiErrorAlert error={tenant.error} onRetry={() => void tenant.refetch()} />
        </>
      ) : (
        <TenantDetail detail={tenant.data} />
      )}
    </Stack>
  );
}

function TenantDetail({ detail }: { detail: AdminTenantDetail }) {
  const canWrite = useCanWrite();
  const [statusModal, setStatusModal] = useState(false);
  const packages = useAdminPackages();
  const { tenant, usage } = detail;
  const suspended = tenant.status === 'suspended';
  const subscription = usage.subscription;
  // The subscription's own package: it differs from the package in force when that is Free (not in
  // force) or the Stripe subscription kept beside a plan staff set that has ended.
  const subscribedPackage = packages.data?.items.find((p) => p.id === subscription?.package_id);
  const subscribedName = subscribedPackage ? `The ${subscribedPackage.name} package` : 'The subscription';
  const staffOver = staffPlanOver(usage);
  const ended = staffOver || periodEnded(usage);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} size="h3" data-testid="admin-tenant-name">
              {tenant.name}
            </Title>
            <Badge color={suspended ? 'red' : 'green'} variant="light" data-testid="admin-tenant-status">
              {formatStatus(tenant.status)}
            </Badge>
          </Group>
          <Text size="xs" c="dimmed">
            {tenant.id} · created {formatDate(tenant.created_at)} · region {tenant.default_region}
          </Text>
          <Anchor component={Link} to={`/admin/corrections?tenant_id=${tenant.id}`} size="sm">
            Review its corrections
          </Anchor>
        </Stack>
        {canWrite && (
          <Button variant="light" color={suspended ? 'green' : 'red'} onClick={() => setStatusModal(true)}>
            {suspended ? 'Reactivate' : 'Suspend'}
          </Button>
        )}
      </Group>
      {suspended && (
        <Alert color="red" variant="light" title="Suspended">
          {detail.suspended_reason || 'No reason recorded.'}
        </Alert>
      )}

      <Card withBorder padding="md">
        <Stack gap="md">
          <Group justify="space-between">
            <Title order={2} size="h4">
              Package and usage
            </Title>
            <Group gap="xs">
              <Badge variant="filled" data-testid="admin-tenant-package">
                {usage.package.name}
              </Badge>
              {subscription && (
                <Badge variant="light" color={ended ? 'gray' : undefined} data-testid="admin-subscription-badge">
                  {ended ? 'Ended' : formatStatus(subscription.status)} · {sourceLabel(subscription.source)}
                </Badge>
              )}
            </Group>
          </Group>
          {usage.downgraded && (
            <Alert color="orange" variant="light" data-testid="admin-downgraded">
              {subscribedName} is not in force{usage.reason ? ` (${usage.reason})` : ''}; the {usage.package.name} limits
              apply.
            </Alert>
          )}
          {staffOver && (
            <Alert color="blue" variant="light" data-testid="admin-staff-plan-over">
              {subscribedPackage ? `The ${subscribedPackage.name} package staff set` : 'The package staff set'} has ended; the{' '}
              {usage.package.name} package of the Stripe subscription kept beside it applies again, as Stripe bills it.
              {usage.grace_ends_at &&
                ` Its last payment did not go through: its limits stay until ${formatPeriodEndUTC(usage.grace_ends_at)}, then Free limits apply.`}
            </Alert>
          )}
          {usage.subscription?.current_period_end && (
            <DataList size="sm" labelWidth="160px">
              <DataList.Item>
                <DataList.ItemLabel>{ended ? 'Period ended (UTC)' : 'Period ends (UTC)'}</DataList.ItemLabel>
                <DataList.ItemValue>
                  <span data-testid="admin-period-end">{formatPeriodEndUTC(usage.subscription.current_period_end)}</span>
                  <Text component="span" size="xs" c="dimmed" data-testid="admin-period-end-local">
                    {' '}
                    (that is {formatPeriodEndLocal(usage.subscription.current_period_end)} where you are)
                  </Text>
                </DataList.ItemValue>
              </DataList.Item>
            </DataList>
          )}
          <UsageMeters usage={usage} />
          <PlanLimits pkg={usage.package} />
        </Stack>
      </Card>

      <FailedCheckouts detail={detail} canWrite={canWrite} />

      {canWrite && (
        <Card withBorder padding="md">
          <Stack gap="sm">
            <Title order={2} size="h4">
              Assign a subscription
            </Title>
            <SubscriptionForm
              key={`${usage.package.code}/${usage.subscription?.status ?? ''}`}
              tenantId={tenant.id}
              currentPackageCode={usage.package.code}
              currentStatus={usage.subscription?.status}
            />
          </Stack>
        </Card>
      )}

      <Card withBorder padding="md">
        <Stack gap="sm">
          <Title order={2} size="h4">
            Members
          </Title>
          <MembersList members={detail.members} />
        </Stack>
      </Card>

      <TenantStatusModal
        opened={statusModal}
        tenantId={tenant.id}
        tenantName={tenant.name}
        target={suspended ? 'active' : 'suspended'}
        onClose={() => setStatusModal(false)}
      />
    </Stack>
  );
}

type Member = AdminTenantDetail['members'][number];

/** The columns after the member's email, in order: the table's cells and each phone card's list. */
const memberColumns: Column<Member>[] = [
  { label: 'Name', value: (m) => m.name || '—' },
  { label: 'Role', value: (m) => formatRole(m.role) },
  { label: 'Joined', value: (m) => formatDate(m.joined_at) },
  { label: 'Last sign-in', value: (m) => (m.last_login_at ? formatDateTime(m.last_login_at) : 'Never') },
];

/** The tenant's members: in a table, or on a phone a card per member (the table is 600px wide). */
function MembersList({ members }: { members: Member[] }) {
  const phone = usePhone();
  if (phone) {
    return (
      <Stack gap="sm" data-testid="admin-members-cards">
        {members.map((m) => (
          <RowCard key={m.user_id} label={m.email} data-testid="admin-member-row">
            <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
              {m.email}
            </Text>
            <ColumnList columns={memberColumns} item={m} mt="xs" />
          </RowCard>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={600}>
      <Table fz="sm" verticalSpacing="xs" data-testid="admin-members-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Email</Table.Th>
            {memberColumns.map((column) => (
              <Table.Th key={column.label}>{column.label}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.map((m) => (
            <Table.Tr key={m.user_id} data-testid="admin-member-row">
              <Table.Td>{m.email}</Table.Td>
              {memberColumns.map((column) => (
                <Table.Td key={column.label}>{column.value(m)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
