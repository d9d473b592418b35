/** The plain-browser platform: tests, demo and `npm run web`. */
import { version } from '../../../package.json';
import { PlatformError, requireExternalUrl, toBlob, type Platform, type SaveFileRequest } from './types';

export interface WebPlatformDeps {
  window: Window;
}

/** Revoke object URLs late: the download or the PDF tab must have read the blob first. */
const revokeDelayMs = 60_000;

export function createWebPlatform({ window: win }: WebPlatformDeps = { window }): Platform {
  const doc = win.document;

  function download(blob: Blob, name: string): void {
    const url = URL.createObjectURL(blob);
    const a = doc.createElement('a');
    a.href = url;
    a.download = name;
    a.rel = 'noopener';
    a.style.display = 'none';
    doc.body.append(a);
    a.click();
    a.remove();
    win.setTimeout(() => URL.revokeObjectURL(url), revokeDelayMs);
  }

  return {
    kind: 'web',

    async saveFile({ suggestedName, mimeType, data }: SaveFileRequest) {
      download(toBlob(data, mimeType), suggestedName);
      return { saved: true };
    },

    async printPdf(pdf, title) {
      // The CSP (default-src 'self') does not allow blob: frames, so a hidden iframe cannot
      // host the PDF. Open it in the browser's own PDF viewer (which has a print button); if a
      // pop-up blocker refuses, fall back to downloading it so the user can print the file.
      const blob = toBlob(pdf, 'application/pdf');
      const url = URL.createObjectURL(blob);
      // No 'noopener' here: with it window.open always returns null and a blocked pop-up could
      // not be told apart. The tab shows our own blob, and its opener link is cut at once.
      const opened = win.open(url, '_blank');
      if (opened) opened.opener = null;
      if (!opened) {
        URL.revokeObjectURL(url);
        download(blob, `${title}.pdf`);
        return;
      }
      win.setTimeout(() => URL.revokeObjectURL(url), revokeDelayMs);
    },

    async openExternal(url) {
      const parsed = requireExternalUrl(url);
      win.open(parsed.href, '_blank', 'noopener,noreferrer');
    },

    secureStore: {
      available: false,
      encrypt: () => Promise.reject(new PlatformError('secureStoreUnavailable')),
      decrypt: () => Promise.reject(new PlatformError('secureStoreUnavailable')),
    },

    onLock: () => () => {},

    async appInfo() {
      return { name: 'Sila', version, platform: 'web', hqOrigins: [] };
    },
  };
}
