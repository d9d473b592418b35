/**
 * HQ verifies every pushed declaration's device signature (hq/declarations.ts) against the keys
 * devices registered at sign-in, on PGlite and on PostgreSQL: a declaration signed by the
 * pushing laptop, or by another registered laptop of the branch, is stored; a forged or altered
 * one is refused (422 INVALID_SIGNATURE naming the document and the reason, Arabic and English)
 * and nothing of its batch is stored. A fuzz case alters single characters of signed records.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHq, type RunningHq } from '../../hq/server';
import { base64UrlDecode, base64UrlEncode, canonicalJson, sha256Hex, utf8 } from '../../shared/declaration';
import { ADMIN, api, createBackend, pullAll, seedAccounts, signIn, testHqOptions, type Backend } from './support/harness';
import { deviceSignIn, newTestDevice, signedDeclaration, type TestDevice } from './support/declarations';

const RIYADH = 'branch-riyadh';

describe.each(['pglite', 'postgres'] as const)('declaration signatures on %s', (backendName) => {
  let backend: Backend;
  let hq: RunningHq;
  let url: string;
  let laptopA: TestDevice; // the Riyadh delegate's laptop
  let laptopStaff: TestDevice; // a Riyadh colleague's laptop
  let laptopJeddah: TestDevice; // registered, another branch
  let tokenA: string;
  let tokenStaff: string;
  let admin: string;
  let n = 0;

  const ids = (device: TestDevice = laptopA) => {
    n += 1;
    return { id: `dec-${backendName}-${n}`, branchId: RIYADH, requestId: `req-${n}`, beneficiaryId: `ben-${n}`, witnessedBy: `u-${device.deviceId}` };
  };
  const push = (token: string, docs: Record<string, unknown>[]) =>
    api(url, 'POST', '/sync/declarations/push', docs.map((d) => ({ newDocumentState: d })), token);
  const storedIds = async () => new Set((await pullAll(url, 'declarations', admin)).map((d) => String(d.id)));

  beforeAll(async () => {
    backend = await createBackend(backendName);
    hq = await startHq({ port: 0, ...testHqOptions(backend) });
    url = hq.url;
    await seedAccounts(url);
    [laptopA, laptopStaff, laptopJeddah] = await Promise.all([newTestDevice(), newTestDevice(), newTestDevice()]);
    tokenA = await deviceSignIn(url, 'delegateA', laptopA);
    tokenStaff = await deviceSignIn(url, 'staffA', laptopStaff);
    await deviceSignIn(url, 'delegateB', laptopJeddah);
    admin = await signIn(url, ADMIN.username, ADMIN.password, 'dev-sig-admin');
  }, 120_000);
  afterAll(async () => {
    await hq?.close();
    await backend?.dispose();
  });

  test('a declaration signed by the pushing laptop is stored; forged and altered ones are refused, nothing of their batch stored', async () => {
    const good = await signedDeclaration(laptopA, ids());
    const ok = await push(tokenA, [good]);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual([]);
    expect((await storedIds()).has(good.id)).toBe(true);
    // A retried batch is not checked again and stays a no-op.
    expect((await push(tokenA, [good])).status).toBe(200);

    const stranger = await newTestDevice(); // never signed in: HQ does not know its key
    const cases: [string, () => Promise<Record<string, unknown>>][] = [
      ['snapshot_altered', async () => {
        const d = await signedDeclaration(laptopA, ids());
        return { ...d, snapshotJson: d.snapshotJson.replace('فاطمة', 'خديجة') };
      }],
      ['fields_mismatch', async () => {
        // The attacker recomputes the snapshot's hash but cannot re-sign it.
        const d = await signedDeclaration(laptopA, ids());
        const snapshotJson = d.snapshotJson.replace('فاطمة', 'خديجة');
        return { ...d, snapshotJson, snapshotSha256: await sha256Hex(utf8(snapshotJson)) };
      }],
      ['bad_signature', async () => {
        // … and the QR payload's hashes too.
        const d = await signedDeclaration(laptopA, ids());
        const snapshot = JSON.parse(d.snapshotJson) as { data: { beneficiary: { fullName: string } } };
        snapshot.data.beneficiary.fullName = 'خديجة عبدالله القحطاني';
        const snapshotJson = canonicalJson(snapshot);
        const snapshotSha256 = await sha256Hex(utf8(snapshotJson));
        const dataSha256 = await sha256Hex(utf8(canonicalJson(snapshot.data)));
        const parts = d.qrPayload.split('.');
        const b64 = (hex: string) => base64UrlEncode(new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16))));
        return { ...d, snapshotJson, snapshotSha256, dataSha256, qrPayload: [parts[0], parts[1], parts[2], b64(snapshotSha256), b64(dataSha256), parts[5]].join('.') };
      }],
      ['bad_signature', async () => {
        const d = await signedDeclaration(laptopA, ids());
        const parts = d.qrPayload.split('.');
        const sig = base64UrlDecode(parts[5]!);
        sig[10] = sig[10]! ^ 0xff;
        return { ...d, qrPayload: [...parts.slice(0, 5), base64UrlEncode(sig)].join('.') };
      }],
      ['unknown_device', async () => signedDeclaration(stranger, ids(stranger))],
      ['foreign_device', async () => signedDeclaration(laptopJeddah, ids(laptopJeddah))],
      ['malformed_payload', async () => ({ ...(await signedDeclaration(laptopA, ids())), qrPayload: 'SILA1.not.a.real.payload' })],
      ['fields_mismatch', async () => ({ ...(await signedDeclaration(laptopA, ids())), reference: 'DEC-1448-FORGED' })],
    ];
    for (const [reason, make] of cases) {
      const companion = await signedDeclaration(laptopA, ids()); // valid, but in the refused batch
      const bad = await make();
      const r = await push(tokenA, [companion, bad]);
      expect(r.status, reason).toBe(422);
      expect(r.body.error).toMatchObject({ code: 'INVALID_SIGNATURE', details: { index: 1, documentId: bad.id, reason } });
      expect(String(r.body.error?.message)).toContain(String(bad.id));
      expect(String(r.body.error?.messageAr)).toContain(String(bad.id));
      expect(String(r.body.error?.messageAr)).toMatch(/[\u0600-\u06ff]/);
      const stored = await storedIds();
      expect(stored.has(companion.id), `${reason}: companion stored`).toBe(false);
      expect(stored.has(String(bad.id)), `${reason}: forged stored`).toBe(false);
    }
  });

  test("a colleague's laptop syncs a declaration another laptop of the branch signed; a revoked laptop's signature is refused", async () => {
    // Signed on the delegate's laptop, synced by the staff member's (the same branch).
    const signedElsewhere = await signedDeclaration(laptopA, ids());
    expect((await push(tokenStaff, [signedElsewhere])).status).toBe(200);
    expect((await storedIds()).has(signedElsewhere.id)).toBe(true);

    // A laptop the administrator revoked signs nothing valid any more.
    const lost = await newTestDevice();
    await deviceSignIn(url, 'delegateA', lost);
    const fromLost = await signedDeclaration(lost, ids(lost));
    expect((await api(url, 'POST', `/admin/devices/${lost.deviceId}/revoke`, {}, admin)).status).toBe(200);
    const r = await push(tokenA, [fromLost]);
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'INVALID_SIGNATURE', details: { documentId: fromLost.id, reason: 'foreign_device' } });
    expect((await storedIds()).has(fromLost.id)).toBe(false);
  });

  test('fuzz: any one-character change to a signed declaration is refused and nothing is stored', async () => {
    const fields = ['snapshotJson', 'qrPayload', 'snapshotSha256', 'dataSha256', 'reference', 'deviceKeyId'] as const;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), fc.nat(), fc.integer({ min: 1, max: 0xfffe }), async (field, at, delta) => {
        const d = await signedDeclaration(laptopA, ids());
        const value = d[field];
        const i = at % value.length;
        const code = value.charCodeAt(i);
        // A different character of the same class keeps most changes schema-valid (so the
        // signature check, not the schema, must catch them).
        const alphabet = /[0-9a-f]/.test(value[i]!) && field.endsWith('Sha256') ? '0123456789abcdef' : /[A-Za-z0-9_-]/.test(value[i]!) ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_' : null;
        const replacement = alphabet ? alphabet[(alphabet.indexOf(value[i]!) + 1 + (delta % (alphabet.length - 1))) % alphabet.length]! : String.fromCharCode(code === 0x20 ? 0x21 : 0x20);
        const mutated = { ...d, [field]: value.slice(0, i) + replacement + value.slice(i + 1) };
        if (mutated[field] === value) return;
        const r = await push(tokenA, [mutated]);
        expect([400, 422]).toContain(r.status);
        expect(r.body.error?.details).toMatchObject({ documentId: d.id });
        if (r.status === 422) refused += 1;
        expect((await storedIds()).has(d.id)).toBe(false);
      }),
      { numRuns: 60, seed: 20_261_121 },
    );
    expect(refused).toBeGreaterThan(30); // most changes reach the signature check
  }, 120_000);
});
