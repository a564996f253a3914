import { Center, Loader } from '@mantine/core';

/** Shown while a route's code or first data loads. */
export function PageLoader() {
  return (
    <Center py="xl" aria-busy="true" aria-label="Loading page">
      <Loader size="sm" />
    </Center>
  );
}
