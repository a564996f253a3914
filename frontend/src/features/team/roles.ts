import type { Role } from './api/list-members';

export const roleOptions: { value: Role; label: string }[] = [
  { value: 'org_admin', label: 'Org admin' },
  { value: 'member', label: 'Member' },
  { value: 'viewer', label: 'Viewer' },
];
