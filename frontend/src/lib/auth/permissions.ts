import { useMe } from './get-me';

/**
 * Permissions the server grants (GET /me `permissions`): the tenant role's, plus `platform:read`
 * for support and `platform:read` + `platform:write` for system admins. The UI only hides what
 * would be refused; the server checks every request.
 */
export type Permission =
  | 'members:read'
  | 'members:manage'
  | 'usage:read'
  | 'audit:read'
  | 'billing:read'
  | 'tenant:update'
  | 'api_keys:manage'
  | 'contacts:read'
  | 'saved:read'
  | 'saved:write'
  | 'saved:export'
  | 'saved:approve'
  | 'corrections:write'
  | 'platform:read'
  | 'platform:write'
  // The rest of the matrix (imports, CRM) arrives with those features.
  | (string & {});

export type Permissions = {
  /** False until GET /me answered. */
  loaded: boolean;
  has: (permission: Permission) => boolean;
};

export function usePermissions(): Permissions {
  const me = useMe();
  const granted = me.data?.permissions;
  return {
    loaded: granted !== undefined,
    has: (permission) => granted?.includes(permission) ?? false,
  };
}
