import { createTheme, type CSSVariablesResolver } from '@mantine/core';

/**
 * Teal as the primary colour, with its two darkest shades darkened so text meets WCAG AA
 * contrast (4.5:1) at body sizes: filled buttons and links use shade 8 (#087f5b: 5.0:1 with
 * white), the light variant's text uses shade 9 (#066b4c: 5.7:1 on its light background).
 * Mantine's defaults (white on #12b886, 2.6:1) failed axe-core in English, where text is
 * smaller than the Arabic face.
 */
export const theme = createTheme({
  primaryColor: 'teal',
  primaryShade: 8,
  colors: {
    teal: ['#e6fcf5', '#c3fae8', '#96f2d7', '#63e6be', '#38d9a9', '#20c997', '#12b886', '#0ca678', '#087f5b', '#066b4c'],
  },
  fontFamily: 'var(--sila-font)',
  headings: { fontFamily: 'var(--sila-font)', fontWeight: '700' },
  defaultRadius: 'md',
});

/** "Dimmed" secondary text one shade darker than Mantine's (gray 6 on white is 3.3:1). */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: { '--mantine-color-dimmed': t.colors.gray[7]! },
  dark: {},
});
