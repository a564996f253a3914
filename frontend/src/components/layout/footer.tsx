import { Anchor, Group, Text } from '@mantine/core';
import { Link } from 'react-router-dom';

import { supportContactUrl, supportEmail } from '@/config/product';

/** Shown on every page, signed in or not. */
export function Footer() {
  return (
    <Group component="footer" justify="space-between" gap="xs" py="sm" wrap="wrap">
      <Group gap="md" component="nav" aria-label="Legal">
        <Anchor component={Link} to="/terms" size="xs">
          Terms of Service
        </Anchor>
        <Anchor component={Link} to="/privacy" size="xs">
          Privacy
        </Anchor>
      </Group>
      <Text size="xs" c="dimmed">
        Support:{' '}
        <Anchor href={`mailto:${supportEmail}`} size="xs">
          {supportEmail}
        </Anchor>{' '}
        ·{' '}
        <Anchor href={supportContactUrl} size="xs" target="_blank" rel="noopener noreferrer">
          Contact form
        </Anchor>
      </Text>
    </Group>
  );
}
