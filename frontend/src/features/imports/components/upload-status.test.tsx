import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import { UploadStatus } from './upload-status';

const file = new File(['x'.repeat(4096)], 'people.csv', { type: 'text/csv' });

describe('UploadStatus', () => {
  it.each([
    { sent: null, bar: '0', text: 'Uploading people.csv: 0 bytes of 4 KiB (0%)' },
    { sent: { loaded: 450, total: 1000 }, bar: '45', text: 'Uploading people.csv: 1.8 KiB of 4 KiB (45%)' },
    { sent: { loaded: 1000, total: 1000 }, bar: '100', text: 'people.csv is uploaded; reading it (encoding, delimiter, columns, rows)…' },
  ])('shows $text', ({ sent, bar, text }) => {
    renderWithProviders(<UploadStatus file={file} sent={sent} />);
    expect(screen.getByRole('progressbar', { name: 'Upload progress' })).toHaveAttribute('aria-valuenow', bar);
    expect(screen.getByTestId('upload-status')).toHaveTextContent(text);
  });
});
