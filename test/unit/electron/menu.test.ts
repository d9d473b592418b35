import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate } from '../../../electron/menu';

const arabic = /[\u0600-\u06FF]/;

function all(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? all(item.submenu) : [])]);
}

describe('application menu', () => {
  it.each([
    [{ isMac: false, isPackaged: true }],
    [{ isMac: true, isPackaged: true }],
    [{ isMac: false, isPackaged: false }],
  ])('labels every item in Arabic (%j)', (options) => {
    const items = all(buildMenuTemplate(options)).filter((i) => i.type !== 'separator');
    expect(items.length).toBeGreaterThan(10);
    for (const item of items) expect(item.label).toMatch(arabic);
  });

  it('has developer tools and reload only when run from the source tree', () => {
    const roles = (packaged: boolean) =>
      all(buildMenuTemplate({ isMac: false, isPackaged: packaged })).map((i) => i.role);
    expect(roles(true)).not.toContain('toggleDevTools');
    expect(roles(true)).not.toContain('reload');
    expect(roles(false)).toContain('toggleDevTools');
  });
});
