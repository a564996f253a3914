import { Avatar, Button, Menu, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconKey, IconLogout, IconUserEdit } from '@tabler/icons-react';
import { useRef } from 'react';
import { Link, useNavigate } from 'react-router-dom';

import { useSession } from '@/lib/auth/session';
import { formatRole } from '@/lib/format';

import { useLogout } from '../api/logout';
import { ChangePasswordModal } from './change-password-modal';
import { EditNameModal } from './edit-name-modal';

/** Signed in: the account menu (email, edit name, change password, sign out). Signed out: a sign-in link. */
export function UserMenu() {
  const session = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  const [passwordOpened, passwordModal] = useDisclosure(false);
  const [nameOpened, nameModal] = useDisclosure(false);
  // The dialog opens from a menu item that is gone once it closes: focus goes back to the menu's
  // button instead of the top of the page.
  const menuButton = useRef<HTMLButtonElement>(null);
  const closePasswordModal = () => {
    menuButton.current?.focus();
    passwordModal.close();
  };
  const closeNameModal = () => {
    menuButton.current?.focus();
    nameModal.close();
  };

  // Unreachable: whether there is a session is not known yet (the page offers to try again).
  if (session.status === 'loading' || session.status === 'unreachable') return null;
  if (session.status === 'signed-out') {
    return (
      <Button component={Link} to="/login" size="xs" variant="light">
        Sign in
      </Button>
    );
  }

  const { user } = session;
  const initials = (user.name || user.email).slice(0, 2).toUpperCase();

  return (
    <>
      <Menu position="bottom-end" width={260} withinPortal>
        <Menu.Target>
          {/* The name starts with the initials it shows, so "click <initials>" works for voice control. */}
          <UnstyledButton ref={menuButton} aria-label={`${initials}: account menu`} data-testid="user-menu">
            <Avatar size={30} radius="xl" color="blue">
              {initials}
            </Avatar>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            <Text size="sm" fw={500} c="var(--mantine-color-text)" data-testid="user-email">
              {user.email}
            </Text>
            {user.name && <Text size="xs">{user.name}</Text>}
            {user.system_role !== 'user' && <Text size="xs">{formatRole(user.system_role)}</Text>}
          </Menu.Label>
          <Menu.Divider />
          <Menu.Item leftSection={<IconUserEdit size={16} aria-hidden />} onClick={nameModal.open}>
            {user.name ? 'Edit your name' : 'Add your name'}
          </Menu.Item>
          <Menu.Item leftSection={<IconKey size={16} aria-hidden />} onClick={passwordModal.open}>
            Change password
          </Menu.Item>
          <Menu.Item
            leftSection={<IconLogout size={16} aria-hidden />}
            onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/login') })}
          >
            Sign out
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <EditNameModal opened={nameOpened} name={user.name} onClose={closeNameModal} />
      <ChangePasswordModal opened={passwordOpened} onClose={closePasswordModal} />
    </>
  );
}
