/**
 * Which records this window knows to be at HQ (session state for the sync badge, no rules).
 * A record counts as synced when the last completed sync started after its last local change,
 * or when this window saw exactly that version go to or come from HQ.
 */
import { create } from 'zustand';

export interface SyncMarksState {
  /** id → updatedAt of the version seen at HQ in this session. */
  seen: Record<string, string>;
  markSeen(docs: readonly { id: string; updatedAt: string }[]): void;
}

export const useSyncMarks = create<SyncMarksState>()((set) => ({
  seen: {},
  markSeen: (docs) =>
    set((s) => {
      if (docs.length === 0) return s;
      const seen = { ...s.seen };
      for (const d of docs) seen[d.id] = d.updatedAt;
      return { seen };
    }),
}));

export function isRecordSynced(
  doc: { id: string; updatedAt: string },
  lastSyncAt: string | null,
  seen: Readonly<Record<string, string>>,
): boolean {
  if (seen[doc.id] === doc.updatedAt) return true;
  return lastSyncAt !== null && Date.parse(doc.updatedAt) <= Date.parse(lastSyncAt);
}
