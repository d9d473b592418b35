/**
 * A laptop's device key and the declaration records it signs, for raw-HTTP integration tests:
 * the key pair is generated here (Web Crypto, ECDSA P-256), registered with HQ at sign-in, and
 * signs declarations exactly as the app does (shared/declaration `sealDeclaration`).
 */
import { randomBytes } from 'node:crypto';
import { base64UrlEncode, buildSnapshot, deviceKeyIdOf, sealDeclaration, type DeclarationInput, type DeviceSigningKey } from '../../../shared/declaration';
import type { Declaration } from '../../../shared/schema';
import { PASSWORD, USERS, signIn } from './harness';

export interface TestDevice {
  deviceId: string;
  key: DeviceSigningKey;
  publicJwk: { kty: string; crv: string; x: string; y: string };
}

export async function newTestDevice(deviceId = `dev-sig-${randomBytes(3).toString('hex')}`): Promise<TestDevice> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = base64UrlEncode(new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey)));
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return {
    deviceId,
    key: { keyId: await deviceKeyIdOf(spki), privateKey: pair.privateKey, publicKeySpki: spki },
    publicJwk: { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! },
  };
}

/** Sign in as `user` on `device` (registering its public key); returns the access token. */
export function deviceSignIn(hqUrl: string, user: keyof typeof USERS, device: TestDevice): Promise<string> {
  return signIn(hqUrl, USERS[user].username, PASSWORD, device.deviceId, device.publicJwk);
}

export function declarationInput(reference: string, fullName: string, nationalId: string): DeclarationInput {
  return {
    reference,
    declaredAt: new Date().toISOString(),
    association: { name: 'جمعية يسر للاستشارات الأسرية' },
    statement: { text: 'أقر بأن جميع البيانات المدونة صحيحة وكاملة.' },
    data: {
      beneficiary: { fullName, nationalId, mobile: '+966 50 123 4567' },
      household: { membersCount: 1, members: [] },
      request: { type: 'استشارة أسرية', description: 'طلب استشارة' },
      service: { name: 'الاستشارات الأسرية' },
      channel: { name: 'الحضور إلى الفرع' },
      documents: [{ name: 'صورة الهوية الوطنية', presented: true, verified: true }],
    },
    applicant: { name: fullName },
    employee: { name: 'موظف الفرع', role: 'موظف الفرع' },
    place: 'الرياض',
  };
}

/** A declaration record signed by `device` (a wet signature: no image file). */
export async function signedDeclaration(
  device: TestDevice,
  ids: { id: string; branchId: string; requestId: string; beneficiaryId: string; witnessedBy: string },
  person: { fullName: string; nationalId: string } = { fullName: 'فاطمة عبدالله القحطاني', nationalId: '1012345672' },
): Promise<Declaration & { _deleted: false }> {
  const reference = `DEC-1448-${ids.id.replace(/[^A-Za-z0-9]/g, '').slice(-6).toUpperCase()}`;
  const input = declarationInput(reference, person.fullName, person.nationalId);
  const snapshot = buildSnapshot({ ...input, statement: input.statement! }, { kind: 'wet' }, device.key.keyId);
  const sealed = await sealDeclaration(snapshot, device.key);
  const t = new Date().toISOString();
  return {
    id: ids.id,
    branchId: ids.branchId,
    createdAt: t,
    updatedAt: t,
    updatedBy: ids.witnessedBy,
    requestId: ids.requestId,
    beneficiaryId: ids.beneficiaryId,
    reference,
    declaredAt: snapshot.declaredAt,
    snapshotJson: new TextDecoder().decode(sealed.snapshotBytes),
    snapshotSha256: sealed.snapshotSha256,
    dataSha256: sealed.dataSha256,
    qrPayload: sealed.qrPayload,
    deviceKeyId: device.key.keyId,
    signature: { kind: 'wet' },
    witnessedBy: ids.witnessedBy,
    _deleted: false,
  };
}
