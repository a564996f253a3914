import { usePermissions } from '@/lib/auth/permissions';

/** System admins write (platform:write); support staff only read. */
export function useCanWrite(): boolean {
  return usePermissions().has('platform:write');
}
