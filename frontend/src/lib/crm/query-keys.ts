/**
 * Every CRM query key starts with this, so a push or a connection change can refresh them all
 * (connection, pushes, one push) with one `invalidateQueries({ queryKey: crmQueryKey })`.
 */
export const crmQueryKey = ['crm'] as const;
