import { createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'teal',
  fontFamily: 'var(--sila-font)',
  headings: { fontFamily: 'var(--sila-font)', fontWeight: '700' },
  defaultRadius: 'md',
});
