/**
 * Files (declaration PDFs, signature images, scans) go to HQ once, by content hash: the
 * laptop asks HQ whether its branch already has the file (HEAD) and uploads the bytes only
 * when it does not. Bytes are sent raw (application/octet-stream), not base64 inside JSON.
 * The laptop keeps files encrypted at rest; on the wire (TLS in production) they travel as
 * the plain bytes RxDB hands to replication, so that every laptop of the branch can open them.
 * The replication (shared/sync/client.ts) calls these for collections with attachments.
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

/** How the replication reaches HQ's file endpoints (its own fetch and request headers). */
export interface AttachmentHttp {
  /** HQ base URL without a trailing slash. */
  base: string;
  fetch: typeof fetch;
  headers: (extra?: Record<string, string>) => Promise<Record<string, string>>;
}

function httpOf(t: AttachmentTransport): AttachmentHttp {
  return {
    base: t.hqUrl.replace(/\/+$/, ''),
    fetch: t.fetch ?? ((input, init) => fetch(input, init)),
    headers: (extra = {}) => headers(t, extra),
  };
}

/**
 * Make sure HQ has the file `sha256` (whose bytes are `bytes`) for `branchId`: HEAD first,
 * PUT only when HQ lacks it, so an unchanged file is never sent twice.
 */
export async function ensureAttachmentAtHq(h: AttachmentHttp, bytes: Uint8Array, sha256: string, branchId: string): Promise<boolean> {
  const url = `${h.base}/attachments/${sha256}?branchId=${encodeURIComponent(branchId)}`;
  const head = await h.fetch(url, { method: 'HEAD', headers: await h.headers() });
  if (head.status === 200) return false;
  if (head.status !== 404) await fail(head);
  const put = await h.fetch(url, { method: 'PUT', headers: await h.headers({ 'content-type': 'application/octet-stream' }), body: bytes as Uint8Array<ArrayBuffer> });
  if (!put.ok) await fail(put);
  return true;
}

/** Fetch a file by hash and check the bytes against it. */
export async function fetchAttachmentFromHq(h: AttachmentHttp, sha256: string): Promise<Uint8Array> {
  const res = await h.fetch(`${h.base}/attachments/${sha256}`, { headers: await h.headers() });
  if (!res.ok) await fail(res);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if ((await sha256Hex(bytes)) !== sha256) {
    throw new AttachmentError(0, 'Downloaded file does not match its hash.', 'وصل الملف من المركز تالفًا فلم يُحفظ. أعد المحاولة.');
  }
  return bytes;
}

/** Make sure HQ has `bytes` for `branchId`; returns the hash and whether bytes were sent. */
export async function uploadAttachment(t: AttachmentTransport, bytes: Uint8Array, branchId: string): Promise<{ sha256: string; uploaded: boolean }> {
  const sha256 = await sha256Hex(bytes);
  return { sha256, uploaded: await ensureAttachmentAtHq(httpOf(t), bytes, sha256, branchId) };
}

/** Fetch a file by hash and check the bytes against it. */
export async function downloadAttachment(t: AttachmentTransport, sha256: string): Promise<Uint8Array> {
  return fetchAttachmentFromHq(httpOf(t), sha256);
}
