import { Badge, Group, Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';

import { type Column, ColumnList } from '@/components/layout/column-list';
import { RowCard } from '@/components/layout/row-card';
import { formatBytes, formatNumber, formatPrice } from '@/lib/format';
import type { Package } from '@/lib/usage/get-usage';
import { usePhone } from '@/lib/use-phone';

/** What is compared, in order: the table's rows and each card's list. */
const rows: Column<Package>[] = [
  { label: 'Price per month', value: (p) => formatPrice(p.price_cents, p.currency) },
  { label: 'Users', value: (p) => formatNumber(p.max_users) },
  { label: 'Searches per month', value: (p) => formatNumber(p.searches_per_month) },
  { label: 'Contacts per query', value: (p) => formatNumber(p.max_contacts_per_query) },
  { label: 'API access', value: (p) => (p.api_access ? 'Yes' : 'No') },
  { label: 'API requests per minute', value: (p) => (p.api_access ? formatNumber(p.api_requests_per_minute) : '—') },
  { label: 'Imported rows per month', value: (p) => formatNumber(p.import_rows_per_month) },
  { label: 'CRM pushes per month', value: (p) => formatNumber(p.crm_pushes_per_month) },
  { label: 'Concurrent background jobs', value: (p) => formatNumber(p.max_concurrent_jobs) },
  { label: 'Import file size', value: (p) => formatBytes(p.max_import_file_bytes) },
];

const highlight = { background: 'var(--mantine-color-blue-light)' };

type PackageComparisonProps = {
  packages: Package[];
  /** The package in force (GET /tenant/usage `package.code`): highlighted. */
  currentCode: string;
  /** The subscribed package when it is not in force (downgraded): marked as such. */
  subscribedCode?: string;
  /** What can be done per package (the Plans page's checkout buttons): the table's last row, each card's foot. */
  actions?: { label: string; render: (pkg: Package) => ReactNode };
};

/**
 * Every active package, the tenant's current one highlighted: side by side in a table, or on a
 * phone one card under another, so that a package's price and its limits are read together
 * without scrolling sideways (a table of four packages does not fit 375 px, and its scrollbar sat
 * below the first screen).
 */
export function PackageComparison(props: PackageComparisonProps) {
  const phone = usePhone();
  return phone ? <PackageCards {...props} /> : <PackageTable {...props} />;
}

/** The package's name and whether it is the current or the subscribed one. */
function PackageName({
  pkg,
  currentCode,
  subscribedCode,
}: { pkg: Package } & Pick<PackageComparisonProps, 'currentCode' | 'subscribedCode'>) {
  const current = pkg.code === currentCode;
  return (
    <>
      <Text fw={700} size="sm">
        {pkg.name}
      </Text>
      {current && (
        <Badge size="xs" variant="filled">
          Current
        </Badge>
      )}
      {!current && subscribedCode === pkg.code && (
        <Badge size="xs" variant="outline" color="orange">
          Subscribed, not in force
        </Badge>
      )}
    </>
  );
}

function PackageTable({ packages, currentCode, subscribedCode, actions }: PackageComparisonProps) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table withTableBorder withColumnBorders fz="sm" verticalSpacing="xs" data-testid="package-comparison">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Package</Table.Th>
            {packages.map((pkg) => {
              const current = pkg.code === currentCode;
              return (
                <Table.Th
                  key={pkg.id}
                  scope="col"
                  style={current ? highlight : undefined}
                  aria-current={current ? 'true' : undefined}
                  data-testid={`package-column-${pkg.code}`}
                >
                  <Stack gap={2}>
                    <PackageName pkg={pkg} currentCode={currentCode} subscribedCode={subscribedCode} />
                  </Stack>
                </Table.Th>
              );
            })}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.label}>
              <Table.Th scope="row" fw={500}>
                {row.label}
              </Table.Th>
              {packages.map((pkg) => (
                <Table.Td key={pkg.id} style={pkg.code === currentCode ? highlight : undefined}>
                  {row.value(pkg)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
          {actions && (
            <Table.Tr data-testid="package-actions">
              <Table.Th scope="row" fw={500}>
                {actions.label}
              </Table.Th>
              {packages.map((pkg) => (
                <Table.Td key={pkg.id} style={pkg.code === currentCode ? highlight : undefined}>
                  {actions.render(pkg)}
                </Table.Td>
              ))}
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function PackageCards({ packages, currentCode, subscribedCode, actions }: PackageComparisonProps) {
  return (
    <Stack gap="md" data-testid="package-cards">
      {packages.map((pkg) => {
        const current = pkg.code === currentCode;
        return (
          <RowCard
            key={pkg.id}
            label={pkg.name}
            style={current ? highlight : undefined}
            aria-current={current ? 'true' : undefined}
            data-testid={`package-card-${pkg.code}`}
          >
            <Group gap="xs" mb="xs">
              <PackageName pkg={pkg} currentCode={currentCode} subscribedCode={subscribedCode} />
            </Group>
            <ColumnList columns={rows} item={pkg} labelWidth="62%" />
            {actions && (
              <Group mt="sm" role="group" aria-label={actions.label} data-testid={`package-card-actions-${pkg.code}`}>
                {actions.render(pkg)}
              </Group>
            )}
          </RowCard>
        );
      })}
    </Stack>
  );
}
