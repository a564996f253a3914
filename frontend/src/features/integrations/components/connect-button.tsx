import { Button, type ButtonProps } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import { useState } from 'react';

import { useConnectCrm } from '../api/connect-crm';
import { leaveFor } from '@/lib/leave';

type ConnectButtonProps = Omit<ButtonProps, 'children' | 'onClick' | 'loading'> & {
  label: string;
  /** Where to report a refusal (e.g. crm-not-configured). */
  onError: (error: unknown) => void;
};

/** Connect / Reconnect: asks for the authorize URL, then sends the browser to the CRM's consent page. */
export function ConnectButton({ label, onError, ...buttonProps }: ConnectButtonProps) {
  const connect = useConnectCrm();
  // Stays busy while the browser leaves for the CRM.
  const [leaving, setLeaving] = useState(false);
  return (
    <Button
      leftSection={<IconPlugConnected size={16} aria-hidden />}
      {...buttonProps}
      loading={connect.isPending || leaving}
      onClick={() =>
        connect.mutate(undefined, {
          onSuccess: ({ authorize_url }) => {
            setLeaving(true);
            leaveFor(authorize_url);
          },
          onError,
        })
      }
    >
      {label}
    </Button>
  );
}
