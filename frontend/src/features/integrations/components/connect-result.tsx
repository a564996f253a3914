import { Alert } from '@mantine/core';
import { useSearchParams } from 'react-router-dom';

import { connectErrorMessage } from '../labels';

/**
 * The outcome of the OAuth round trip: the callback sends the browser to
 * /integrations?crm=connected or /integrations?crm=error&reason=…. The page's connection card
 * shows the real state; this only says what just happened.
 */
export function ConnectResult() {
  const [params, setParams] = useSearchParams();
  const outcome = params.get('crm');
  const dismiss = () =>
    setParams(
      (current) => {
        current.delete('crm');
        current.delete('reason');
        return current;
      },
      { replace: true },
    );

  if (outcome === 'connected') {
    return (
      <Alert color="green" variant="light" title="1CloudAI CRM connected" withCloseButton onClose={dismiss} role="status" data-testid="crm-connect-result" data-outcome="connected">
        Approved contacts can now be pushed to the CRM.
      </Alert>
    );
  }
  if (outcome === 'error') {
    return (
      <Alert color="red" variant="light" title="The CRM was not connected" withCloseButton onClose={dismiss} role="alert" data-testid="crm-connect-result" data-outcome="error">
        {connectErrorMessage(params.get('reason'))}
      </Alert>
    );
  }
  return null;
}
