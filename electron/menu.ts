/** A minimal application menu with Arabic labels. */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuOptions {
  isMac: boolean;
  /** Developer tools and reload only when run from the source tree. */
  isPackaged: boolean;
}

export function buildMenuTemplate({
  isMac,
  isPackaged,
}: MenuOptions): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    template.push({
      label: 'صلة',
      submenu: [
        { role: 'about', label: 'حول صلة' },
        { type: 'separator' },
        { role: 'hide', label: 'إخفاء صلة' },
        { role: 'hideOthers', label: 'إخفاء الآخرين' },
        { role: 'unhide', label: 'إظهار الكل' },
        { type: 'separator' },
        { role: 'quit', label: 'إنهاء صلة' },
      ],
    });
  }
  template.push({
    label: 'ملف',
    submenu: [isMac ? { role: 'close', label: 'إغلاق النافذة' } : { role: 'quit', label: 'خروج' }],
  });
  template.push({
    label: 'تحرير',
    submenu: [
      { role: 'undo', label: 'تراجع' },
      { role: 'redo', label: 'إعادة' },
      { type: 'separator' },
      { role: 'cut', label: 'قص' },
      { role: 'copy', label: 'نسخ' },
      { role: 'paste', label: 'لصق' },
      { role: 'selectAll', label: 'تحديد الكل' },
    ],
  });
  const view: MenuItemConstructorOptions[] = [
    { role: 'zoomIn', label: 'تكبير' },
    { role: 'zoomOut', label: 'تصغير' },
    { role: 'resetZoom', label: 'الحجم الأصلي' },
    { type: 'separator' },
    { role: 'togglefullscreen', label: 'ملء الشاشة' },
  ];
  if (!isPackaged) {
    view.push(
      { type: 'separator' },
      { role: 'reload', label: 'إعادة التحميل' },
      { role: 'toggleDevTools', label: 'أدوات المطوّر' },
    );
  }
  template.push({ label: 'عرض', submenu: view });
  template.push({
    label: 'نافذة',
    submenu: [
      { role: 'minimize', label: 'تصغير النافذة' },
      ...(isMac ? [{ role: 'front' as const, label: 'إحضار الكل إلى الأمام' }] : []),
    ],
  });
  return template;
}
