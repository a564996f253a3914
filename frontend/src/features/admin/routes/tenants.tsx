import { Anchor, Badge, Button, Group, Select, Skeleton, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { type FormEvent } from 'react';
import { Link } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { type Column, ColumnCells, ColumnHeaders, ColumnList } from '@/components/layout/column-list';
import { PageHeader } from '@/components/layout/page-header';
import { RowCard } from '@/components/layout/row-card';
import { LoadMoreButton } from '@/components/lists/load-more-button';
import { formatDate, formatNumber, formatStatus } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { usePhone } from '@/lib/use-phone';
import { useDraft } from '@/lib/use-draft';
import { useUrlFilter } from '@/lib/use-url-filter';

import { useAdminPackages } from '../api/list-packages';
import { useTenants, type AdminTenant, type TenantFilter } from '../api/list-tenants';

const statusOptions = [
  { value: '', label: 'Any status' },
  { value: 'active', label: 'Active' },
  { value: 'suspended', label: 'Suspended' },
];

/**
 * /admin/tenants: search by name, member email or id; filter by status; cursor paging. The filter
 * lives in the URL (?q=…&status=…): a reload, a shared link and Back from a tenant keep it.
 */
export function AdminTenantsRoute() {
  useDocumentTitle('Tenants · Admin');
  const [url, setFilter] = useUrlFilter(['q', 'status']);
  const filter: TenantFilter = { q: url.q, status: parseStatus(url.status) };
  const tenants = useTenants(filter);
  const packages = useAdminPackages();
  // The list answers package codes; staff see packages by name everywhere else (the tenant page, the
  // Packages tab). The code stands in until the packages load, or for one they do not hold.
  const packageName = (code: string) => packages.data?.items.find((p) => p.code === code)?.name ?? code;
  const items = tenants.data?.pages.flatMap((page) => page.items) ?? [];
  // Back or Forward change the search in the URL: the box shows it.
  const [query, setQuery] = useDraft(filter.q ?? '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilter({ ...filter, q: query.trim() });
  };

  return (
    <Stack gap="md">
      <PageHeader title="Tenants" description="Every organization on the platform: find one by name, member email or id." />
      <form onSubmit={submit} aria-label="Search tenants">
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Search"
            placeholder="Name, member email or tenant id"
            w={320}
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
          />
          <Select
            label="Status"
            w={160}
            data={statusOptions}
            value={filter.status ?? ''}
            allowDeselect={false}
            onChange={(value) => setFilter({ ...filter, status: parseStatus(value) })}
          />
          <Button type="submit" variant="light" leftSection={<IconSearch size={16} aria-hidden />}>
            Search
          </Button>
        </Group>
      </form>
      {tenants.isPending ? (
        <Skeleton height={200} aria-label="Loading tenants" />
      ) : tenants.isError ? (
        <ApiErrorAlert error={tenants.error} onRetry={() => void tenants.refetch()} />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No tenants match.
        </Text>
      ) : (
        <>
          <TenantsList tenants={items} packageName={packageName} />
          <LoadMoreButton query={tenants} />
        </>
      )}
    </Stack>
  );
}

/** The ?status= parameter, as the API takes it; anything else is any status. */
function parseStatus(value: string | null): TenantFilter['status'] {
  return value === 'active' || value === 'suspended' ? value : '';
}

type TenantsListProps = {
  tenants: AdminTenant[];
  /** A package's name for its code. */
  packageName: (code: string) => string;
};

/** The columns after the tenant's name, in order: the table's cells and each phone card's list. */
function tenantColumns(packageName: (code: string) => string): Column<AdminTenant>[] {
  return [
    {
      label: 'Status',
      value: (tenant) => (
        <Badge variant="light" color={tenant.status === 'active' ? 'green' : 'red'} data-testid="tenant-status">
          {formatStatus(tenant.status)}
        </Badge>
      ),
    },
    {
      label: 'Package',
      value: (tenant) => (
        <span data-testid="tenant-package">
          {packageName(tenant.package_code)}
          {tenant.downgraded && (
            <Text span size="xs" c="dimmed">
              {' '}
              ({packageName(tenant.subscription_package_code)} not in force)
            </Text>
          )}
        </span>
      ),
    },
    { label: 'Subscription', value: (tenant) => (tenant.subscription_status ? formatStatus(tenant.subscription_status) : '—') },
    { label: 'Members', value: (tenant) => formatNumber(tenant.members) },
    { label: 'Created', value: (tenant) => formatDate(tenant.created_at) },
  ];
}

function TenantLink({ tenant }: { tenant: AdminTenant }) {
  return (
    <Anchor component={Link} to={`/admin/tenants/${tenant.id}`} size="sm" fw={500}>
      {tenant.name}
    </Anchor>
  );
}

/**
 * The tenants found: in a table, or on a phone a card per tenant, so that its status and package
 * are on the screen beside its name (the table is 760px wide).
 */
function TenantsList({ tenants, packageName }: TenantsListProps) {
  const phone = usePhone();
  const columns = tenantColumns(packageName);
  if (phone) {
    return (
      <Stack gap="sm" data-testid="tenants-cards">
        {tenants.map((tenant) => (
          <RowCard key={tenant.id} label={tenant.name} data-testid="tenant-row">
            <TenantLink tenant={tenant} />
            <ColumnList columns={columns} item={tenant} mt="xs" />
          </RowCard>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table highlightOnHover verticalSpacing="xs" fz="sm" data-testid="tenants-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <ColumnHeaders columns={columns} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tenants.map((tenant) => (
            <Table.Tr key={tenant.id} data-testid="tenant-row">
              <Table.Td>
                <TenantLink tenant={tenant} />
              </Table.Td>
              <ColumnCells columns={columns} item={tenant} />
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
