/**
 * Files (declaration PDFs, signature images, scans) go to HQ once, by content hash: the
 * laptop asks HQ whether its branch already has the file (HEAD) and uploads the bytes only
 * when it does not. Bytes are sent raw (application/octet-stream), not base64 inside JSON.
 * The laptop seals files before storing them (shared/security), so HQ keeps opaque bytes.
 */
export interface AttachmentTransport {
  hqUrl: string;
  getAccessToken: () => Promise<string | null> | string | null;
  fetch?: typeof fetch;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function headers(t: AttachmentTransport, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const token = await t.getAccessToken();
  return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
}

export class AttachmentError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly messageAr: string,
  ) {
    super(message);
    this.name = 'AttachmentError';
  }
}

async function fail(res: Response): Promise<never> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string; messageAr?: string } } | null;
  throw new AttachmentError(
    res.status,
    body?.error?.message ?? `HQ answered ${res.status}`,
    body?.error?.messageAr ?? 'تعذّر رفع الملف إلى المركز. سيُعاد المحاولة عند المزامنة التالية.',
  );
}

/** Make sure HQ has `bytes` for `branchId`; returns the hash and whether bytes were sent. */
export async function uploadAttachment(t: AttachmentTransport, bytes: Uint8Array, branchId: string): Promise<{ sha256: string; uploaded: boolean }> {
  const f = t.fetch ?? ((input, init) => fetch(input, init));
  const base = t.hqUrl.replace(/\/+$/, '');
  const sha256 = await sha256Hex(bytes);
  const url = `${base}/attachments/${sha256}?branchId=${encodeURIComponent(branchId)}`;
  const head = await f(url, { method: 'HEAD', headers: await headers(t) });
  if (head.status === 200) return { sha256, uploaded: false };
  if (head.status !== 404) await fail(head);
  const put = await f(url, { method: 'PUT', headers: await headers(t, { 'content-type': 'application/octet-stream' }), body: bytes as Uint8Array<ArrayBuffer> });
  if (!put.ok) await fail(put);
  return { sha256, uploaded: true };
}

/** Fetch a file by hash and check the bytes against it. */
export async function downloadAttachment(t: AttachmentTransport, sha256: string): Promise<Uint8Array> {
  const f = t.fetch ?? ((input, init) => fetch(input, init));
  const res = await f(`${t.hqUrl.replace(/\/+$/, '')}/attachments/${sha256}`, { headers: await headers(t) });
  if (!res.ok) await fail(res);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if ((await sha256Hex(bytes)) !== sha256) {
    throw new AttachmentError(0, 'Downloaded file does not match its hash.', 'وصل الملف من المركز تالفًا فلم يُحفظ. أعد المحاولة.');
  }
  return bytes;
}
