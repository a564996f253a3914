import type { components } from '@/api/schema';

/** The seeded Starter package as GET /packages answers it, for tests of pages that show or edit packages. */
export const starterPackage: components['schemas']['Package'] = {
  id: 'pkg-starter',
  code: 'starter',
  name: 'Starter',
  description: 'For small sales teams.',
  price_cents: 4900,
  currency: 'usd',
  stripe_price_id: null,
  max_users: 10,
  searches_per_month: 2000,
  max_contacts_per_query: 100,
  api_access: true,
  api_requests_per_minute: 120,
  import_rows_per_month: 50000,
  max_concurrent_jobs: 2,
  crm_pushes_per_month: 5000,
  max_import_file_bytes: 52428800,
  sort_order: 20,
  active: true,
};
