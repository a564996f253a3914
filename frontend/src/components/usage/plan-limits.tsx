import { Badge, DataList } from '@mantine/core';

import { formatBytes, formatNumber } from '@/lib/format';
import type { Package } from '@/lib/usage/get-usage';

/** The package's feature switches and fixed limits (the metered ones have meters). */
export function PlanLimits({ pkg }: { pkg: Package }) {
  return (
    <DataList size="sm" gap="xs" labelWidth="220px" withDivider data-testid="plan-limits">
      <DataList.Item>
        <DataList.ItemLabel>Users</DataList.ItemLabel>
        <DataList.ItemValue data-testid="limit-max-users">{formatNumber(pkg.max_users)}</DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>Searches per month</DataList.ItemLabel>
        <DataList.ItemValue data-testid="limit-searches">{formatNumber(pkg.searches_per_month)}</DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>Contacts per query</DataList.ItemLabel>
        <DataList.ItemValue data-testid="limit-contacts-per-query">
          {formatNumber(pkg.max_contacts_per_query)}
        </DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>API access</DataList.ItemLabel>
        <DataList.ItemValue data-testid="limit-api-access">
          <Badge size="sm" variant="light" color={pkg.api_access ? 'green' : 'gray'}>
            {pkg.api_access ? 'Yes' : 'No'}
          </Badge>
        </DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>API requests per minute</DataList.ItemLabel>
        <DataList.ItemValue data-testid="limit-api-rpm">
          {pkg.api_access ? formatNumber(pkg.api_requests_per_minute) : '—'}
        </DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>Concurrent background jobs</DataList.ItemLabel>
        <DataList.ItemValue data-testid="limit-concurrent-jobs">{formatNumber(pkg.max_concurrent_jobs)}</DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>Import file size</DataList.ItemLabel>
        <DataList.ItemValue data-testid="limit-import-file">{formatBytes(pkg.max_import_file_bytes)}</DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>Imported rows per month</DataList.ItemLabel>
        <DataList.ItemValue>{formatNumber(pkg.import_rows_per_month)}</DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>CRM pushes per month</DataList.ItemLabel>
        <DataList.ItemValue>{formatNumber(pkg.crm_pushes_per_month)}</DataList.ItemValue>
      </DataList.Item>
    </DataList>
  );
}
